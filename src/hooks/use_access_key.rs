use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;

const STORAGE_KEY: &str = "krea-studio.proxy-access-key";

/// The proxy's access key, if the proxy wants one. It is a password of sorts, so it lives in
/// this tab's session storage only: it survives a reload, not closing the tab, and it is
/// never written into the history or its exports.
pub fn use_access_key() -> RwSignal<String> {
    let key = RwSignal::new(SessionStorage::get::<String>(STORAGE_KEY).unwrap_or_default());
    Effect::new(move |_| {
        key.with(|key| {
            let saved = if key.is_empty() {
                SessionStorage::delete(STORAGE_KEY);
                Ok(())
            } else {
                SessionStorage::set(STORAGE_KEY, key)
            };
            if let Err(error) = saved {
                leptos::logging::warn!("the access key was not kept: {error}");
            }
        })
    });
    key
}
