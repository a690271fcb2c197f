//! Where the history lives, and what the person should know about it.

use crate::history_db::StorageError;
use crate::hooks::LiveJobs;
use leptos::prelude::*;

/// Where the history lives, and what the person should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageStatus {
    /// Still reading the saved history.
    pub loading: bool,
    /// The newest jobs are on screen while the rest is still being read.
    pub newest_shown: bool,
    /// IndexedDB is not open: the history lives in this tab (and, unless there is no
    /// storage at all, in the journal a reload replays).
    pub in_memory_only: bool,
    /// Why IndexedDB is not open: no storage here, a newer version's history, or an open
    /// the browser has not answered yet (it is still awaited, and everything is saved once
    /// it answers).
    pub open_error: Option<StorageError>,
    /// Why the last write failed; `unsaved` changes wait for the next write.
    pub write_failed: Option<StorageError>,
    pub unsaved: usize,
    /// Saved records that could not be read and were skipped.
    pub skipped: usize,
    /// Bytes used and available for this site, as the browser estimates them.
    pub usage: Option<(f64, f64)>,
    /// The browser agreed not to clear the history when space runs low.
    pub persisted: bool,
}

impl Default for StorageStatus {
    fn default() -> Self {
        StorageStatus {
            loading: true,
            newest_shown: false,
            in_memory_only: false,
            open_error: None,
            write_failed: None,
            unsaved: 0,
            skipped: 0,
            usage: None,
            persisted: false,
        }
    }
}

/// The jobs and submissions whose latest change neither IndexedDB nor the journal holds:
/// their cards say a reload would lose them. Empty but while the browser refuses to store.
#[derive(Clone, Copy)]
pub struct NotKept(pub RwSignal<std::collections::BTreeSet<String>>);

impl NotKept {
    /// Some change is in neither store: a reload now would lose it.
    pub fn any(self) -> bool {
        self.0.with(|ids| !ids.is_empty())
    }

    /// Whether the card for `id` (a job id or a submission key) must say it is not kept.
    pub fn holds(self, id: &str) -> bool {
        self.0.with(|ids| ids.contains(id))
    }
}

/// The history and where it lives.
#[derive(Clone, Copy)]
pub struct History {
    pub jobs: LiveJobs,
    pub status: RwSignal<StorageStatus>,
    pub not_kept: NotKept,
}

impl StorageStatus {
    /// Whether changes are written into the journal: everywhere but where the browser keeps
    /// no storage at all.
    pub fn keeps_journal(&self) -> bool {
        self.open_error != Some(StorageError::Unavailable)
    }
}

impl History {
    /// The saved history is in the store (or there is none to wait for).
    pub fn is_loaded(&self) -> bool {
        !self.status.with(|s| s.loading)
    }

    /// The studio can be shown: the history is read, or its newest jobs are.
    pub fn is_shown(&self) -> bool {
        self.status.with(|s| !s.loading || s.newest_shown)
    }
}
