use crate::settings::{Settings, Theme};
use crate::studio_root::StudioRoot;
use leptos::prelude::*;

/// Puts the chosen theme on the studio's root (`<html data-theme>` on its own page); with "system" the attribute goes and the
/// stylesheet follows the operating system's preference.
pub fn use_theme(settings: RwSignal<Settings>) {
    let root = expect_context::<StudioRoot>();
    Effect::new(move |_| {
        let theme = settings.with(|s| s.theme);
        root.set_attribute("data-theme", (theme != Theme::System).then(|| theme.key()));
    });
}
