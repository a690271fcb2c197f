//! Generations not yet answered with a job: made, sent, retried, dismissed here. Each is a
//! change to write back.

use super::entry::JobEntry;
use super::JobStore;
use crate::jobs::submission::{Submission, SubmissionState, TryFailure};
use krea_api::Job;

impl JobStore {
    pub fn submissions(&self) -> &[Submission] {
        &self.submissions
    }

    /// A new generation, shown at once and sent by the submitter.
    pub fn add_submission(&mut self, submission: Submission) {
        self.changed_submission(&submission.key);
        self.submissions.insert(0, submission);
    }

    /// A submission to change (it counts as changed).
    pub fn submission_mut(&mut self, key: &str) -> Option<&mut Submission> {
        self.submissions.iter().find(|s| s.key == key)?;
        self.changed_submission(key);
        self.submissions.iter_mut().find(|s| s.key == key)
    }

    /// Submissions due to be sent at `now`, marked as being sent.
    pub fn take_due_submissions(&mut self, now: f64) -> Vec<Submission> {
        let changes = &mut self.changes;
        let due = self
            .submissions
            .iter_mut()
            .filter(|s| s.is_due(now))
            .map(|s| {
                s.start_sending();
                changes.submissions.insert(s.key.clone());
                s.clone()
            })
            .collect::<Vec<_>>();
        self.notices.submissions |= !due.is_empty();
        due
    }

    /// A submission became this job: the card takes its place. A job already here (the
    /// same key answered twice, or another tab got there first) is not added twice.
    pub fn submission_made(&mut self, key: &str, job: Job) {
        let Some(at) = self.submissions.iter().position(|s| s.key == key) else {
            return;
        };
        let submission = self.submissions.remove(at);
        self.changed_submission(key);
        self.add(JobEntry {
            job,
            model_id: submission.model_id,
            request: submission.request,
            notice: None,
            lost: None,
            source: submission.source,
            starred: false,
            boards: Default::default(),
            set: submission.set,
        });
    }

    pub fn submission_failed(&mut self, key: &str, failure: TryFailure, now: f64, jitter: f64) {
        if let Some(submission) = self.submission_mut(key) {
            submission.failed(failure, now, jitter);
        }
    }

    /// Forgets a submission the person dismissed (one that made no job).
    pub fn dismiss_submission(&mut self, key: &str) {
        self.submissions.retain(|s| s.key != key);
        self.changed_submission(key);
    }

    /// After a reload, submissions that were being sent are sent again with their key.
    pub fn resume_submissions(&mut self, now: f64) {
        for submission in &mut self.submissions {
            if submission.state == SubmissionState::Sending {
                submission.resume_after_reload(now);
                self.changes.submissions.insert(submission.key.clone());
                self.notices.submissions = true;
            }
        }
    }

    /// A submission as a page that could not save it left it (or as made before the saved
    /// history arrived): replaces the copy here or joins, and is written next.
    pub fn restore_submission(&mut self, submission: Submission) {
        self.changed_submission(&submission.key);
        self.from_elsewhere().put_submission(submission);
    }
}
