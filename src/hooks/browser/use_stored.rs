use crate::storage_scope::StorageScope;
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Which of the browser's key-value stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// Kept across visits.
    Always,
    /// Kept while the tab is open (secrets such as the proxy's access key).
    ThisTab,
}

/// The browser's store, or `None` where it refuses access (blocked, a sandboxed or
/// partitioned frame, some private modes): then values live in memory only.
pub fn browser_storage(kept: Kept) -> Option<web_sys::Storage> {
    let window = gloo_utils::window();
    let storage = match kept {
        Kept::Always => window.local_storage(),
        Kept::ThisTab => window.session_storage(),
    };
    storage.ok().flatten()
}

/// A value kept as JSON under `name` in this studio's scope: read once (`start` gets what was kept, if it reads),
/// written back whenever it changes. Without storage it lives in memory, and the studio
/// still works.
pub fn use_stored<T>(kept: Kept, name: &str, start: impl FnOnce(Option<T>) -> T) -> RwSignal<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let key = expect_context::<StorageScope>().key(name);
    let storage = browser_storage(kept);
    let saved = storage
        .as_ref()
        .and_then(|s| s.get_item(&key).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok());
    let value = RwSignal::new(start(saved));
    Effect::new(move |_| {
        let Some(storage) = &storage else {
            return;
        };
        let text = value.with(|v| serde_json::to_string(v).unwrap_or_default());
        if storage.set_item(&key, &text).is_err() {
            leptos::logging::warn!("{key} was not kept: the browser refused the write");
        }
    });
    value
}
