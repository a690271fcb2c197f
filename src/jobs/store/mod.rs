//! Every job the user started, newest first, with what they asked for, and the
//! generations still on their way to becoming jobs.
//!
//! The store is changed two ways, kept apart by type: a **local edit** (this page made,
//! polled, removed or imported something: `local.rs`, `submissions.rs`) is recorded as a
//! change to write back to the saved history; a **copy from elsewhere** (the saved history
//! read at start, another tab's write) goes through [`JobStore::from_elsewhere`]
//! (`elsewhere.rs`) and is never written back, or two tabs would echo each other forever.
//! `changes.rs` holds what is to be written and what readers are to be told.

mod adopt;
mod changes;
mod elsewhere;
mod entry;
mod local;
mod marks;
mod submissions;

use super::submission::Submission;
pub use changes::{Changes, Notices};
pub use elsewhere::Elsewhere;
pub use entry::{JobEntry, Lost, MergeReport};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobStore {
    entries: Vec<JobEntry>,
    /// Newest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    submissions: Vec<Submission>,
    /// What changed since the history was last written, so only that is written.
    #[serde(skip)]
    changes: Changes,
    #[serde(skip)]
    positions: Positions,
    /// What readers have not been told yet.
    #[serde(skip)]
    notices: Notices,
}

/// Where each job sits in the list, built the first time a job is looked up after the
/// list changed shape: every card looks its job up on each change, and a scan of a history
/// of thousands per card made the whole page slow.
#[derive(Debug, Clone, Default)]
struct Positions(OnceLock<HashMap<String, usize>>);

/// A cache says nothing about what a store holds.
impl PartialEq for Positions {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl JobStore {
    /// Reads a stored history entry by entry: an entry that cannot be read is handed back,
    /// to be kept aside and counted, instead of hiding every good one.
    pub fn from_stored(text: &str) -> Result<(JobStore, Vec<Value>), serde_json::Error> {
        #[derive(Deserialize)]
        struct Stored {
            #[serde(default)]
            entries: Vec<Value>,
            #[serde(default)]
            submissions: Vec<Value>,
        }
        let stored: Stored = serde_json::from_str(text)?;
        let mut store = JobStore::default();
        let mut unreadable = Vec::new();
        for value in stored.entries {
            match JobEntry::deserialize(&value) {
                Ok(entry) if super::safe_url::is_job_id(entry.id()) => store.entries.push(entry),
                _ => unreadable.push(value),
            }
        }
        for value in stored.submissions {
            match Submission::deserialize(&value) {
                Ok(submission) => store.submissions.push(submission),
                Err(_) => unreadable.push(value),
            }
        }
        Ok((store, unreadable))
    }

    pub fn entries(&self) -> &[JobEntry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&JobEntry> {
        self.position(id).map(|at| &self.entries[at])
    }

    /// The jobs of one set ("Compare models"), in display order.
    pub fn set_members(&self, set: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter(|entry| entry.set.as_deref() == Some(set))
            .map(|entry| entry.id().to_owned())
            .collect()
    }

    /// Ids in display order (newest first).
    pub fn ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .map(|entry| entry.id().to_owned())
            .collect()
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.positions
            .0
            .get_or_init(|| {
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(at, entry)| (entry.id().to_owned(), at))
                    .collect()
            })
            .get(id)
            .copied()
    }

    /// Jobs came, went or moved: positions are worked out again when next needed.
    fn reshaped(&mut self) {
        self.positions = Positions::default();
        self.notices.list = true;
    }

    /// Jobs still worth polling.
    pub fn pending_ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|entry| !entry.is_settled())
            .map(|entry| entry.id().to_owned())
            .collect()
    }

    /// How many jobs, newest first, reach down to the oldest of `ids`: how long a list of
    /// recent jobs must be to cover them all. Unknown ids count for nothing.
    pub fn depth(&self, ids: &[String]) -> usize {
        ids.iter()
            .filter_map(|id| self.position(id))
            .max()
            .map_or(0, |at| at + 1)
    }

    /// Some job is of a model the catalogue (and what was discovered so far) lacks.
    pub fn has_uncatalogued_model(&self) -> bool {
        self.entries
            .iter()
            .any(|entry| krea_api::catalogue::find(&entry.model_id).is_none())
    }

    pub fn has_pending(&self) -> bool {
        self.entries.iter().any(|entry| !entry.is_settled())
    }
}

#[cfg(test)]
mod tests;
