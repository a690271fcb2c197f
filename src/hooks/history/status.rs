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
    /// No storage here: the history lives in this tab only and a reload loses it.
    pub in_memory_only: bool,
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
            write_failed: None,
            unsaved: 0,
            skipped: 0,
            usage: None,
            persisted: false,
        }
    }
}

/// The history and where it lives.
#[derive(Clone, Copy)]
pub struct History {
    pub jobs: LiveJobs,
    pub status: RwSignal<StorageStatus>,
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
