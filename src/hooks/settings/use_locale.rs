use crate::browser;
use crate::i18n::{Locale, Texts};
use crate::settings::Settings;
use crate::studio_root::StudioRoot;
use leptos::prelude::*;

/// The language the studio speaks, provided as context to every view.
#[derive(Clone, Copy)]
pub struct CurrentLocale(pub Memo<Locale>);

/// The chosen language, else the browser's; it changes at once, without a reload, and
/// `<html lang>` follows it for screen readers and hyphenation.
pub fn use_locale(settings: RwSignal<Settings>) -> Memo<Locale> {
    let languages = browser::preferred_languages();
    let browser_locale = Locale::from_browser(languages.iter().map(String::as_str));
    let locale = Memo::new(move |_| settings.with(|s| s.language).unwrap_or(browser_locale));
    let root = expect_context::<StudioRoot>();
    Effect::new(move |_| root.set_attribute("lang", Some(locale.get().tag())));
    provide_context(CurrentLocale(locale));
    locale
}

/// The strings of the current language, for a view.
pub fn use_texts() -> Signal<&'static Texts> {
    let locale = use_locale_context();
    Signal::derive(move || locale.get().texts())
}

/// One string of the current language, for a view. Every call returns the same closure
/// type, so the studio's many labels share one copy of the rendering code instead of
/// compiling one each.
pub fn tr(
    t: Signal<&'static Texts>,
    pick: fn(&Texts) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || pick(t.get())
}

/// The current language, for a view that formats numbers.
pub fn use_locale_context() -> Memo<Locale> {
    use_context::<CurrentLocale>()
        .map(|current| current.0)
        .unwrap_or_else(|| Memo::new(|_| Locale::En))
}
