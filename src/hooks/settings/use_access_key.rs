use crate::hooks::{use_stored, Kept};
use leptos::prelude::*;

const STORAGE_KEY: &str = "proxy-access-key";

/// The proxy's access key, if the proxy wants one. It is a password of sorts, so it lives in
/// this tab's session storage only: it survives a reload, not closing the tab, and it is
/// never written into the history or its exports.
pub fn use_access_key() -> RwSignal<String> {
    use_stored(Kept::ThisTab, STORAGE_KEY, Option::unwrap_or_default)
}
