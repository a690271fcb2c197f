//! The saved history arriving in a store the page already uses: the newest jobs may have
//! been shown early (read first, through the `created` index), and the person may have
//! generated, or a poll may have answered, before the rest was read.

use super::{JobEntry, JobStore};

impl JobStore {
    /// Becomes `saved` (everything read from storage, with its own pending changes), keeping
    /// what happened here before it arrived: jobs and submissions made meanwhile stay and
    /// are written; of the jobs shown early (`shown_early`, as they were read), one changed
    /// meanwhile stays as changed and one removed meanwhile stays removed.
    pub fn adopt_saved(&mut self, mut saved: JobStore, shown_early: &[JobEntry], now_ms: f64) {
        let made_meanwhile = std::mem::take(self);
        let pending = saved.take_changes();
        *self = saved;
        self.keep_unsaved(pending);
        for entry in made_meanwhile.entries() {
            if shown_early.contains(entry) {
                continue;
            }
            match self.position(entry.id()) {
                // Shown early and changed since: this page's copy is the newer one.
                Some(at) => {
                    self.entries[at] = entry.clone();
                    self.notices.list = true;
                    self.changed_job(entry.id());
                }
                None => self.add(entry.clone()),
            }
        }
        for shown in shown_early {
            if made_meanwhile.get(shown.id()).is_none() {
                self.remove(shown.id());
            }
        }
        for submission in made_meanwhile.submissions() {
            self.restore_submission(submission.clone());
        }
        self.resume_submissions(now_ms);
    }
}
