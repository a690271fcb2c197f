//! Local edits: what this page did to its jobs. Each is a change to write back.

use super::entry::{progress_rank, JobEntry, Lost, MergeReport};
use super::JobStore;
use krea_api::Job;

impl JobStore {
    /// Adds a just-submitted job at the top; a job already known is left as it is.
    pub fn add(&mut self, entry: JobEntry) {
        if self.get(entry.id()).is_none() {
            self.changed_job(entry.id());
            self.entries.insert(0, entry);
            self.reshaped();
        }
    }

    /// Applies a fresh copy of a job from the API. Returns whether anything changed.
    /// A finished job never moves again: a late, stale poll response cannot revive it.
    pub fn apply(&mut self, job: Job) -> bool {
        let Some(at) = self.position(&job.job_id) else {
            return false;
        };
        let entry = &mut self.entries[at];
        if entry.job.is_finished()
            || (entry.job == job && entry.notice.is_none() && entry.lost.is_none())
        {
            return false;
        }
        let listed_differently = entry.job.status != job.status
            || entry.job.is_finished() != job.is_finished()
            || entry.lost.is_some();
        entry.job = job;
        entry.notice = None;
        entry.lost = None;
        self.notices.list |= listed_differently;
        let id = entry.job.job_id.clone();
        self.changed_job(&id);
        true
    }

    /// Stops following a job Krea no longer answers for.
    pub fn mark_lost(&mut self, id: &str, why: Lost) {
        if let Some(entry) = self.position(id).map(|at| &mut self.entries[at]) {
            if !entry.job.is_finished() {
                entry.lost = Some(why);
                self.notices.list = true;
                self.changed_job(id);
            }
        }
    }

    /// Follows a lost job again.
    pub fn check_again(&mut self, id: &str) {
        if let Some(entry) = self.position(id).map(|at| &mut self.entries[at]) {
            entry.lost = None;
            entry.notice = None;
            self.notices.list = true;
            self.changed_job(id);
        }
    }

    /// Remembers something to show on the job's card. Returns whether anything changed.
    pub fn note(&mut self, id: &str, message: String) -> bool {
        match self.position(id).map(|at| &mut self.entries[at]) {
            Some(entry) if entry.notice.as_ref() != Some(&message) => {
                entry.notice = Some(message);
                self.changed_job(id);
                true
            }
            _ => false,
        }
    }

    /// Takes a job out of the history.
    pub fn remove(&mut self, id: &str) {
        self.entries.retain(|entry| entry.id() != id);
        self.reshaped();
        self.changed_job(id);
    }

    /// Takes `ids` out of the history at once.
    pub fn remove_all(&mut self, ids: &std::collections::BTreeSet<String>) {
        let before = self.entries.len();
        self.entries.retain(|entry| !ids.contains(entry.id()));
        if self.entries.len() != before {
            self.reshaped();
        }
        for id in ids {
            self.changed_job(id);
        }
    }

    /// The finished jobs (what Clear finished takes).
    pub fn settled_ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|entry| entry.is_settled())
            .map(|entry| entry.id().to_owned())
            .collect()
    }

    /// Takes every finished job out of the history; jobs in flight stay. Returns how many
    /// went.
    pub fn clear_finished(&mut self) -> usize {
        let before = self.entries.len();
        let changes = &mut self.changes;
        self.entries.retain(|entry| {
            let keep = !entry.is_settled();
            if !keep {
                changes.jobs.insert(entry.id().to_owned());
            }
            keep
        });
        self.reshaped();
        before - self.entries.len()
    }

    /// Brings in jobs from an exported history. A job already here is never duplicated: the
    /// copy that got further wins (a finished job over a pending one, a longer-running
    /// one over an earlier snapshot), and this browser's copy when they are level. The
    /// history stays newest first.
    pub fn merge(&mut self, incoming: Vec<JobEntry>) -> MergeReport {
        let mut report = MergeReport::default();
        for entry in incoming {
            match self.entries.iter_mut().find(|e| e.id() == entry.id()) {
                Some(known) if progress_rank(&entry) > progress_rank(known) => {
                    self.changes.jobs.insert(entry.id().to_owned());
                    self.notices.all = true;
                    let mut entry = entry;
                    entry.take_marks_of(known);
                    *known = entry;
                    report.updated += 1;
                }
                // Stars and boards from either copy are kept: an import never unstars.
                Some(known) => {
                    if known.take_marks_of(&entry) {
                        self.changes.jobs.insert(entry.id().to_owned());
                        self.notices.all = true;
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                }
                None => {
                    self.changes.jobs.insert(entry.id().to_owned());
                    self.entries.push(entry);
                    report.added += 1;
                }
            }
        }
        // Krea's timestamps are ISO 8601 in one format, so their text sorts by time.
        self.entries
            .sort_by(|a, b| b.job.created_at.cmp(&a.job.created_at));
        self.reshaped();
        report
    }
}
