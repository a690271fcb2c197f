//! The history as an earlier version kept it (one JSON text in localStorage), moved into
//! IndexedDB once, entry by entry; the old copy is kept aside rather than deleted.

use crate::hooks::{browser_storage, Kept};
use crate::jobs::JobStore;
use crate::storage_scope::StorageScope;

/// Where the history lived before IndexedDB (one JSON text in localStorage, under this
/// name in the studio's scope). It is moved into IndexedDB once, then kept under
/// [`MIGRATED_KEY`] rather than deleted.
pub const HISTORY_KEY: &str = "history";
const MIGRATED_KEY: &str = "history.migrated";
/// Legacy entries that could not be read, kept for recovery.
const UNREADABLE_KEY: &str = "history.unreadable";

/// The history localStorage still holds, read entry by entry; entries that cannot be read
/// are kept aside under [`UNREADABLE_KEY`] and counted.
pub(super) fn read_legacy(scope: &StorageScope) -> Option<(JobStore, usize)> {
    let storage = browser_storage(Kept::Always)?;
    let text = storage.get_item(&scope.key(HISTORY_KEY)).ok().flatten()?;
    match JobStore::from_stored(&text) {
        Ok((store, unreadable)) => {
            if !unreadable.is_empty() {
                let kept = serde_json::to_string(&unreadable).unwrap_or_default();
                let _ = storage.set_item(&scope.key(UNREADABLE_KEY), &kept);
            }
            Some((store, unreadable.len()))
        }
        Err(_) => {
            let _ = storage.set_item(&scope.key(UNREADABLE_KEY), &text);
            let _ = storage.remove_item(&scope.key(HISTORY_KEY));
            Some((JobStore::default(), 1))
        }
    }
}

/// The old copy is moved aside only after IndexedDB holds every entry, and in a way that
/// cannot leave it in place: a legacy history still there would be moved again at the next
/// start, bringing back jobs the person removed or cleared since. When the copy does not
/// fit beside the original (localStorage keeps about 5 MB, and the original takes half),
/// the original goes first and the copy is tried again in the room it leaves.
pub(super) fn retire_legacy(scope: &StorageScope) {
    let Some(storage) = browser_storage(Kept::Always) else {
        return;
    };
    let (legacy, migrated) = (scope.key(HISTORY_KEY), scope.key(MIGRATED_KEY));
    let Ok(Some(text)) = storage.get_item(&legacy) else {
        return;
    };
    if storage.set_item(&migrated, &text).is_err() {
        let _ = storage.remove_item(&legacy);
        // IndexedDB holds every entry: without room for the copy, nothing is lost.
        let _ = storage.set_item(&migrated, &text);
    }
    let _ = storage.remove_item(&legacy);
}
