//! Every job the user started, newest first, with what they asked for, and the
//! generations still on their way to becoming jobs.

use super::submission::{Submission, TryFailure};
use krea_api::{Job, Models};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobEntry {
    pub job: Job,
    /// The catalogue id of the model, e.g. `bfl/flux-1-dev`.
    pub model_id: String,
    /// The body that was sent.
    pub request: Map<String, Value>,
    /// Something to tell about the job: why the last poll failed (polling keeps retrying),
    /// or why a cancel was refused. Cleared by the next answer from Krea.
    #[serde(default, alias = "poll_error")]
    pub notice: Option<String>,
    /// Krea stopped answering for the job; it is no longer polled until the person asks
    /// to check again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost: Option<Lost>,
}

/// Why a job that never finished is no longer followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lost {
    /// Krea answered 404 several times: it no longer knows the job (or the proxy now
    /// points elsewhere).
    Unknown,
    /// Still pending well past the time after which Krea fails such jobs.
    Deadline,
}

impl JobEntry {
    pub fn id(&self) -> &str {
        &self.job.job_id
    }

    pub fn prompt(&self) -> &str {
        self.request
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The job's images (or previews) that may be shown and followed: web addresses only.
    pub fn images(&self) -> Vec<String> {
        let mut urls = self.job.urls();
        urls.retain(|url| super::safe_url::is_web_url(url));
        urls
    }

    /// Addresses in the job's result that are not web addresses: shown as text, flagged.
    pub fn unsafe_urls(&self) -> Vec<String> {
        let mut urls = self.job.urls();
        urls.retain(|url| !super::safe_url::is_web_url(url));
        urls
    }

    /// Nothing more will happen without the person: finished at Krea, or lost.
    pub fn is_settled(&self) -> bool {
        self.job.is_finished() || self.lost.is_some()
    }

    /// The model's name as `models` knows it, else its id.
    pub fn model_name(&self, models: &Models) -> &str {
        models
            .find(&self.model_id)
            .map_or(self.model_id.as_str(), |model| model.name)
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// How far a job got: finished beats pending, and among pending copies the later state.
fn progress_rank(entry: &JobEntry) -> (bool, usize) {
    let state = krea_api::JobStatus::ALL
        .iter()
        .position(|known| *known == entry.job.status)
        .unwrap_or(0);
    (entry.is_settled(), state)
}

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

    fn extend(&mut self, other: Changes) {
        self.jobs.extend(other.jobs);
        self.submissions.extend(other.submissions);
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

    /// Ids in display order (newest first).
    pub fn ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .map(|entry| entry.id().to_owned())
            .collect()
    }

    /// Adds a just-submitted job at the top; a job already known is left as it is.
    pub fn add(&mut self, entry: JobEntry) {
        if self.get(entry.id()).is_none() {
            self.changed_job(entry.id());
            self.entries.insert(0, entry);
            self.reshaped();
        }
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

    /// A job's record changed here: it is written, and its readers are told.
    fn changed_job(&mut self, id: &str) {
        self.changes.jobs.insert(id.to_owned());
        self.notices.jobs.insert(id.to_owned());
    }

    /// A submission changed here: it is written, and its readers are told.
    fn changed_submission(&mut self, key: &str) {
        self.changes.submissions.insert(key.to_owned());
        self.notices.submissions = true;
    }

    /// What readers have not been told yet, once.
    pub fn take_notices(&mut self) -> Notices {
        std::mem::take(&mut self.notices)
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
                    *known = entry;
                    report.updated += 1;
                }
                Some(_) => report.unchanged += 1,
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
            if submission.state == super::submission::SubmissionState::Sending {
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
        self.put_submission(submission);
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

    /// A job as stored elsewhere (the saved history, another tab): replaces this copy or
    /// takes its place by creation time. Not a change to write back.
    pub fn put_entry(&mut self, entry: JobEntry) {
        match self.position(entry.id()) {
            Some(known) => {
                self.notices.jobs.insert(entry.id().to_owned());
                self.notices.list = true;
                self.entries[known] = entry;
            }
            None => {
                let at = self
                    .entries
                    .partition_point(|e| e.job.created_at > entry.job.created_at);
                self.entries.insert(at, entry);
                self.reshaped();
            }
        }
    }

    /// Many jobs as stored elsewhere (the saved history, read at start), placed by creation
    /// time in one sort rather than one insertion each. Not changes to write back.
    pub fn put_entries(&mut self, entries: Vec<JobEntry>) {
        let mut at: std::collections::HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(index, e)| (e.id().to_owned(), index))
            .collect();
        for entry in entries {
            match at.get(entry.id()) {
                Some(&index) => self.entries[index] = entry,
                None => {
                    at.insert(entry.id().to_owned(), self.entries.len());
                    self.entries.push(entry);
                }
            }
        }
        self.entries
            .sort_by(|a, b| b.job.created_at.cmp(&a.job.created_at));
        self.reshaped();
        self.notices.all = true;
    }

    /// A job removed elsewhere. Not a change to write back.
    pub fn forget_entry(&mut self, id: &str) {
        self.entries.retain(|e| e.id() != id);
        self.reshaped();
    }

    /// A submission as stored elsewhere. Not a change to write back.
    pub fn put_submission(&mut self, submission: Submission) {
        self.notices.submissions = true;
        match self
            .submissions
            .iter_mut()
            .find(|s| s.key == submission.key)
        {
            Some(known) => *known = submission,
            None => {
                // Newest first, as the person made them.
                let at = self
                    .submissions
                    .partition_point(|s| s.asked_at >= submission.asked_at);
                self.submissions.insert(at, submission);
            }
        }
    }

    /// A submission that is gone elsewhere (made into a job, dismissed).
    pub fn forget_submission(&mut self, key: &str) {
        self.notices.submissions = true;
        self.submissions.retain(|s| s.key != key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krea_api::JobStatus;
    use serde_json::json;

    fn job(id: &str, status: &str) -> Job {
        serde_json::from_value(json!({"job_id": id, "status": status, "created_at": format!("2026-11-22T10:00:0{id}Z")})).unwrap()
    }

    fn entry(id: &str) -> JobEntry {
        JobEntry {
            job: job(id, "queued"),
            model_id: "bfl/flux-1-dev".into(),
            request: json!({"prompt": format!("prompt {id}")})
                .as_object()
                .unwrap()
                .clone(),
            notice: None,
            lost: None,
        }
    }

    #[test]
    fn newest_jobs_come_first_and_are_not_duplicated() {
        let mut store = JobStore::default();
        store.add(entry("1"));
        store.add(entry("2"));
        store.add(entry("1"));
        assert_eq!(store.ids(), ["2", "1"]);
        assert_eq!(store.get("1").unwrap().prompt(), "prompt 1");
        assert_eq!(
            store.get("1").unwrap().model_name(&Models::default()),
            "Flux"
        );
    }

    #[test]
    fn depth_counts_the_newest_jobs_down_to_the_oldest_asked_about() {
        let mut store = JobStore::default();
        for id in ["1", "2", "3", "4"] {
            store.add(entry(id));
        }
        assert_eq!(store.depth(&["4".into()]), 1);
        assert_eq!(store.depth(&["3".into(), "2".into()]), 3);
        assert_eq!(store.depth(&["9".into()]), 0);
        assert_eq!(store.depth(&[]), 0);
    }

    fn with_status(id: &str, status: &str) -> JobEntry {
        JobEntry {
            job: job(id, status),
            ..entry(id)
        }
    }

    #[test]
    fn a_poll_answer_tells_its_own_job_and_the_list_only_when_its_status_moves() {
        let mut store = JobStore::default();
        store.add(entry("1"));
        store.add(entry("2"));
        assert!(store.take_notices().list, "new jobs change the list");

        assert!(!store.apply(job("2", "queued")));
        assert!(
            store.take_notices().is_empty(),
            "an answer that changes nothing tells nobody"
        );

        let mut preview = job("2", "queued");
        preview.result = Some(json!({"urls": ["https://example.com/p.png"]}));
        assert!(store.apply(preview));
        let told = store.take_notices();
        assert_eq!(told.jobs, BTreeSet::from(["2".to_owned()]));
        assert!(
            !told.list && !told.all,
            "the same status: only the job's card hears"
        );

        store.apply(job("2", "completed"));
        let told = store.take_notices();
        assert_eq!(told.jobs, BTreeSet::from(["2".to_owned()]));
        assert!(
            told.list,
            "a new status moves the job across filters and totals"
        );

        store.note("1", "Krea is slow".into());
        let told = store.take_notices();
        assert!(!told.list && told.jobs.contains("1"));
        store.mark_lost("1", Lost::Unknown);
        assert!(
            store.take_notices().list,
            "a lost job is no longer in flight"
        );
    }

    #[test]
    fn loads_from_elsewhere_tell_every_reader_and_submissions_tell_theirs() {
        let mut store = JobStore::default();
        store.put_entries(vec![entry("1"), entry("2")]);
        let told = store.take_notices();
        assert!(told.all && told.list);
        assert!(store.changes().is_empty(), "nothing to write back");

        store.put_entry(with_status("1", "completed"));
        let told = store.take_notices();
        assert!(told.jobs.contains("1") && told.list && !told.all);

        store.add_submission(Submission::new(
            "k".into(),
            "bfl/flux-1-dev".into(),
            entry("9").request,
            1.0,
        ));
        let told = store.take_notices();
        assert!(told.submissions && !told.list && told.jobs.is_empty());
        assert!(store.take_due_submissions(2.0).len() == 1);
        assert!(store.take_notices().submissions);
        assert!(store.take_due_submissions(3.0).is_empty());
        assert!(store.take_notices().is_empty(), "nothing due: nobody told");
    }

    #[test]
    fn a_job_of_a_model_the_catalogue_lacks_is_noticed() {
        let mut store = JobStore::default();
        store.add(entry("1"));
        assert!(!store.has_uncatalogued_model());
        store.add(JobEntry {
            model_id: "krea-labs/not-yet-known".into(),
            ..entry("2")
        });
        assert!(store.has_uncatalogued_model());
    }

    #[test]
    fn an_import_merges_by_id_keeps_the_furthest_copy_and_never_duplicates() {
        let mut here = JobStore::default();
        here.add(with_status("1", "completed"));
        here.add(with_status("3", "processing"));
        here.add(with_status("4", "queued"));
        let incoming = vec![
            with_status("1", "processing"), // older snapshot of a finished job
            with_status("2", "failed"),     // new here
            with_status("3", "completed"),  // got further elsewhere
            with_status("4", "queued"),     // the same
        ];
        let report = here.merge(incoming.clone());
        assert_eq!(
            report,
            MergeReport {
                added: 1,
                updated: 1,
                unchanged: 2
            }
        );
        assert_eq!(here.ids(), ["4", "3", "2", "1"], "newest first");
        assert_eq!(here.get("1").unwrap().job.status, JobStatus::Completed);
        assert_eq!(here.get("3").unwrap().job.status, JobStatus::Completed);
        let again = here.merge(incoming);
        assert_eq!(
            (again.added, again.updated),
            (0, 0),
            "importing twice adds nothing"
        );
        assert_eq!(here.entries().len(), 4);
    }

    #[test]
    fn one_unreadable_stored_entry_does_not_hide_the_others() {
        let good = serde_json::to_value(entry("1")).unwrap();
        let mut uuid = good.clone();
        uuid["job"]["job_id"] = json!("4d0e5f97-9721-4422-b88c-73a9032d7de1");
        let text = json!({"entries": [uuid, {"job": 7}, good]}).to_string();
        let (store, unreadable) = JobStore::from_stored(&text).unwrap();
        assert_eq!(store.ids(), ["4d0e5f97-9721-4422-b88c-73a9032d7de1"]);
        assert_eq!(unreadable.len(), 2, "the bad entry and the non-UUID id");
        assert!(JobStore::from_stored("{nope").is_err());
    }

    #[test]
    fn only_what_changed_is_written_and_copies_from_elsewhere_are_not_written_back() {
        let mut store = JobStore::default();
        store.add(entry("1"));
        store.add(entry("2"));
        let first = store.take_changes();
        assert_eq!(first.jobs.into_iter().collect::<Vec<_>>(), ["1", "2"]);
        assert!(store.take_changes().is_empty(), "nothing changed since");
        assert!(
            !store.apply(job("1", "queued")),
            "the same state is no change"
        );
        assert!(store.take_changes().is_empty());
        store.apply(job("1", "processing"));
        store.remove("2");
        let second = store.take_changes();
        assert_eq!(second.jobs.iter().collect::<Vec<_>>(), ["1", "2"]);
        assert!(
            store.get("2").is_none(),
            "a changed id no longer here was removed"
        );
        store.keep_unsaved(second);
        assert_eq!(store.unsaved(), 2, "a failed write stays pending");
        store.take_changes();
        store.put_entry(with_status("3", "completed"));
        store.forget_entry("1");
        assert!(
            store.take_changes().is_empty(),
            "copies from elsewhere are not written back"
        );
        assert_eq!(store.ids(), ["3"]);
        store.put_entry(with_status("0", "queued"));
        assert_eq!(store.ids(), ["3", "0"], "placed by creation time");
    }

    #[test]
    fn lookups_stay_right_as_jobs_come_go_and_move() {
        let mut store = JobStore::default();
        for id in ["1", "2", "3"] {
            store.add(entry(id));
        }
        assert_eq!(store.get("1").unwrap().id(), "1");
        store.remove("2");
        assert!(store.get("2").is_none());
        assert_eq!(store.get("1").unwrap().id(), "1");
        store.put_entry(with_status("0", "queued"));
        store.forget_entry("3");
        assert!(store.apply(job("1", "processing")));
        assert_eq!(store.get("1").unwrap().job.status, JobStatus::Processing);
        assert_eq!(store.get("0").unwrap().id(), "0");
        store.merge(vec![with_status("9", "completed")]);
        store.clear_finished();
        for id in store.ids() {
            assert_eq!(store.get(&id).unwrap().id(), id);
        }
        assert!(store.get("9").is_none());
    }

    #[test]
    fn a_saved_history_is_placed_newest_first_in_one_go() {
        let mut store = JobStore::default();
        store.put_entry(with_status("b", "completed"));
        let mut older = with_status("a", "completed");
        older.job.created_at = "2026-11-21T10:00:00Z".into();
        let mut newer = with_status("c", "queued");
        newer.job.created_at = "2026-11-23T10:00:00Z".into();
        store.put_entries(vec![older, with_status("b", "failed"), newer]);
        assert_eq!(store.ids(), ["c", "b", "a"]);
        assert_eq!(store.get("b").unwrap().job.status, JobStatus::Failed);
        assert!(store.take_changes().is_empty());
    }

    #[test]
    fn a_lost_job_is_settled_until_checked_again() {
        let mut store = JobStore::default();
        store.add(entry("1"));
        store.mark_lost("1", Lost::Unknown);
        assert!(!store.has_pending());
        assert!(store.get("1").unwrap().is_settled());
        store.check_again("1");
        assert_eq!(store.pending_ids(), ["1"]);
        store.mark_lost("1", Lost::Deadline);
        assert!(
            store.apply(job("1", "processing")),
            "an answer brings it back"
        );
        assert_eq!(store.get("1").unwrap().lost, None);
        store.mark_lost("1", Lost::Deadline);
        assert_eq!(
            store.clear_finished(),
            1,
            "a lost job is cleared with the finished"
        );
    }

    #[test]
    fn a_submission_becomes_one_card_once() {
        use crate::jobs::submission::Submission;
        let mut store = JobStore::default();
        let request = json!({"prompt": "p"}).as_object().unwrap().clone();
        store.add_submission(Submission::new(
            "k1".into(),
            "bfl/flux-1-dev".into(),
            request.clone(),
            0.0,
        ));
        store.add_submission(Submission::new(
            "k2".into(),
            "bfl/flux-1-dev".into(),
            request,
            0.0,
        ));
        assert_eq!(store.take_due_submissions(0.0).len(), 2);
        assert!(
            store.take_due_submissions(0.0).is_empty(),
            "not sent twice at once"
        );
        store.submission_made("k1", job("7", "queued"));
        store.submission_made("k1", job("7", "queued"));
        assert_eq!(store.ids(), ["7"]);
        assert_eq!(store.submissions().len(), 1);
        store.resume_submissions(5.0);
        assert_eq!(
            store.take_due_submissions(5.0).len(),
            1,
            "sent again after a reload"
        );
        store.dismiss_submission("k2");
        assert!(store.submissions().is_empty());
    }

    #[test]
    fn clearing_finished_jobs_keeps_those_in_flight() {
        let mut store = JobStore::default();
        for (id, status) in [
            ("1", "completed"),
            ("2", "failed"),
            ("3", "sampling"),
            ("4", "cancelled"),
        ] {
            store.add(with_status(id, status));
        }
        assert_eq!(store.clear_finished(), 3);
        assert_eq!(store.ids(), ["3"]);
    }

    #[test]
    fn updates_move_jobs_forward_until_they_finish() {
        let mut store = JobStore::default();
        store.add(entry("a"));
        store.add(entry("b"));
        assert_eq!(store.pending_ids(), ["b", "a"]);
        assert!(store.apply(job("a", "processing")));
        assert!(
            !store.apply(job("a", "processing")),
            "same state is no change"
        );
        store.note("a", "proxy down".into());
        assert_eq!(
            store.get("a").unwrap().notice.as_deref(),
            Some("proxy down")
        );
        assert!(
            store.apply(job("a", "processing")),
            "an answer clears the error"
        );
        assert_eq!(store.get("a").unwrap().notice, None);
        assert!(store.apply(job("a", "completed")));
        assert_eq!(store.pending_ids(), ["b"]);
        assert!(
            !store.apply(job("a", "processing")),
            "a stale response must not revive a finished job"
        );
        assert_eq!(store.get("a").unwrap().job.status, JobStatus::Completed);
        assert!(
            !store.apply(job("zzz", "completed")),
            "unknown ids are ignored"
        );
        assert!(store.has_pending());
        store.remove("a");
        assert_eq!(store.ids(), ["b"]);
        store.apply(job("b", "cancelled"));
        assert!(!store.has_pending());
    }
}
