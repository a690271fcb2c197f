//! What changed: the records to write back to the saved history, and what the store's
//! readers have not been told yet.

use super::JobStore;
use std::collections::BTreeSet;

/// What changed for the people reading the store, since they were last told: a poll answer
/// that changes one job tells that job's card, and only a change of which jobs there are or
/// of their status tells the readers of the whole list (the grid's filter, counts, totals).
#[derive(Debug, Clone, Default)]
pub struct Notices {
    /// Jobs whose record changed.
    pub jobs: BTreeSet<String>,
    /// Jobs came, went or moved, or what a filter or total reads of one changed (its status,
    /// whether it is lost).
    pub list: bool,
    /// Any job may have changed (a bulk load or merge).
    pub all: bool,
    pub submissions: bool,
}

impl Notices {
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty() && !self.list && !self.all && !self.submissions
    }
}

/// Pending news says nothing about what a store holds.
impl PartialEq for Notices {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The records that changed: job ids and submission keys. A record that is no longer in
/// the store was removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub jobs: BTreeSet<String>,
    pub submissions: BTreeSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty() && self.submissions.is_empty()
    }

    pub fn len(&self) -> usize {
        self.jobs.len() + self.submissions.len()
    }

    pub(super) fn extend(&mut self, other: Changes) {
        self.jobs.extend(other.jobs);
        self.submissions.extend(other.submissions);
    }
}

impl JobStore {
    /// A job's record changed here: it is written, and its readers are told.
    pub(super) fn changed_job(&mut self, id: &str) {
        self.changes.jobs.insert(id.to_owned());
        self.notices.jobs.insert(id.to_owned());
    }

    /// A submission changed here: it is written, and its readers are told.
    pub(super) fn changed_submission(&mut self, key: &str) {
        self.changes.submissions.insert(key.to_owned());
        self.notices.submissions = true;
    }

    /// What readers have not been told yet, once.
    pub fn take_notices(&mut self) -> Notices {
        std::mem::take(&mut self.notices)
    }

    /// What changed and is not written yet.
    pub fn changes(&self) -> &Changes {
        &self.changes
    }

    /// What changed since the last call: the records to write.
    pub fn take_changes(&mut self) -> Changes {
        std::mem::take(&mut self.changes)
    }

    /// Changes that could not be written stay pending, to be written with the next ones.
    pub fn keep_unsaved(&mut self, changes: Changes) {
        self.changes.extend(changes);
    }

    /// How many records are changed and not written yet.
    pub fn unsaved(&self) -> usize {
        self.changes.len()
    }
}
