use crate::browser;
use crate::settings::{Settings, Theme};
use leptos::prelude::*;

/// Puts the chosen theme on `<html data-theme>`; with "system" the attribute goes and the
/// stylesheet follows the operating system's preference.
pub fn use_theme(settings: RwSignal<Settings>) {
    Effect::new(move |_| {
        let theme = settings.with(|s| s.theme);
        browser::set_root_attribute("data-theme", (theme != Theme::System).then(|| theme.key()));
    });
}
