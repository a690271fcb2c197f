use crate::hooks::{use_stored, Kept};
use crate::settings::Settings;
use leptos::prelude::*;

const STORAGE_KEY: &str = "settings";

/// The user's settings, kept in localStorage and written back whenever they change. (They
/// hold no secret: the Krea token lives only in the proxy.)
pub fn use_settings() -> RwSignal<Settings> {
    use_stored(Kept::Always, STORAGE_KEY, Option::unwrap_or_default)
}
