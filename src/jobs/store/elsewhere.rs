//! Copies from elsewhere: the saved history read at start, or what another tab wrote. They
//! replace or join what is here and tell readers, but are never changes to write back: a
//! tab that wrote back what it heard would echo it to every other tab, forever. Reached only
//! through [`JobStore::from_elsewhere`], so a local edit cannot be made this way by mistake.

use super::entry::JobEntry;
use super::JobStore;
use crate::jobs::submission::Submission;

/// The store, taking copies from elsewhere.
pub struct Elsewhere<'a>(&'a mut JobStore);

impl JobStore {
    /// Takes copies from the saved history or another tab.
    pub fn from_elsewhere(&mut self) -> Elsewhere<'_> {
        Elsewhere(self)
    }
}

impl Elsewhere<'_> {
    /// A job as stored elsewhere (the saved history, another tab): replaces this copy or
    /// takes its place by creation time. Not a change to write back.
    pub fn put_entry(&mut self, entry: JobEntry) {
        match self.0.position(entry.id()) {
            Some(known) => {
                self.0.notices.jobs.insert(entry.id().to_owned());
                self.0.notices.list = true;
                self.0.entries[known] = entry;
            }
            None => {
                let at = self
                    .0
                    .entries
                    .partition_point(|e| e.job.created_at > entry.job.created_at);
                self.0.entries.insert(at, entry);
                self.0.reshaped();
            }
        }
    }

    /// Many jobs as stored elsewhere (the saved history, read at start), placed by creation
    /// time in one sort rather than one insertion each. Not changes to write back.
    pub fn put_entries(&mut self, entries: Vec<JobEntry>) {
        let mut at: std::collections::HashMap<String, usize> = self
            .0
            .entries
            .iter()
            .enumerate()
            .map(|(index, e)| (e.id().to_owned(), index))
            .collect();
        for entry in entries {
            match at.get(entry.id()) {
                Some(&index) => self.0.entries[index] = entry,
                None => {
                    at.insert(entry.id().to_owned(), self.0.entries.len());
                    self.0.entries.push(entry);
                }
            }
        }
        self.0
            .entries
            .sort_by(|a, b| b.job.created_at.cmp(&a.job.created_at));
        self.0.reshaped();
        self.0.notices.all = true;
    }

    /// A job removed elsewhere. Not a change to write back.
    pub fn forget_entry(&mut self, id: &str) {
        self.0.entries.retain(|e| e.id() != id);
        self.0.reshaped();
    }

    /// A submission as stored elsewhere. Not a change to write back.
    pub fn put_submission(&mut self, submission: Submission) {
        self.0.notices.submissions = true;
        match self
            .0
            .submissions
            .iter_mut()
            .find(|s| s.key == submission.key)
        {
            Some(known) => *known = submission,
            None => {
                // Newest first, as the person made them.
                let at = self
                    .0
                    .submissions
                    .partition_point(|s| s.asked_at >= submission.asked_at);
                self.0.submissions.insert(at, submission);
            }
        }
    }

    /// A submission that is gone elsewhere (made into a job, dismissed).
    pub fn forget_submission(&mut self, key: &str) {
        self.0.notices.submissions = true;
        self.0.submissions.retain(|s| s.key != key);
    }
}
