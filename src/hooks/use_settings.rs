use crate::settings::Settings;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

const STORAGE_KEY: &str = "krea-studio.settings";

/// The user's settings, loaded from localStorage and written back by one effect whenever
/// they change. (They hold no secret: the Krea token lives only in the proxy.)
pub fn use_settings() -> RwSignal<Settings> {
    let settings = RwSignal::new(LocalStorage::get::<Settings>(STORAGE_KEY).unwrap_or_default());
    Effect::new(move |_| {
        settings.with(|current| {
            if let Err(error) = LocalStorage::set(STORAGE_KEY, current) {
                leptos::logging::warn!("settings were not saved: {error}");
            }
        })
    });
    settings
}
