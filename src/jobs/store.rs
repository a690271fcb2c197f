//! Every job the user started, newest first, with what they asked for.

use krea_api::Job;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

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

    pub fn model_name(&self) -> &str {
        krea_api::catalogue::find(&self.model_id)
            .map(|model| model.name)
            .unwrap_or(&self.model_id)
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
    (entry.job.is_finished(), state)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobStore {
    entries: Vec<JobEntry>,
}

impl JobStore {
    pub fn entries(&self) -> &[JobEntry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&JobEntry> {
        self.entries.iter().find(|entry| entry.id() == id)
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
            self.entries.insert(0, entry);
        }
    }

    /// Applies a fresh copy of a job from the API. Returns whether anything changed.
    /// A finished job never moves again: a late, stale poll response cannot revive it.
    pub fn apply(&mut self, job: Job) -> bool {
        let Some(entry) = self.entries.iter_mut().find(|e| e.job.job_id == job.job_id) else {
            return false;
        };
        if entry.job.is_finished() || (entry.job == job && entry.notice.is_none()) {
            return false;
        }
        entry.job = job;
        entry.notice = None;
        true
    }

    /// Remembers something to show on the job's card.
    pub fn note(&mut self, id: &str, message: String) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id() == id) {
            entry.notice = Some(message);
        }
    }

    /// Takes a job out of the history.
    pub fn remove(&mut self, id: &str) {
        self.entries.retain(|entry| entry.id() != id);
    }

    /// Takes every finished job out of the history; jobs in flight stay. Returns how many
    /// went.
    pub fn clear_finished(&mut self) -> usize {
        let before = self.entries.len();
        self.entries.retain(|entry| !entry.job.is_finished());
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
                    *known = entry;
                    report.updated += 1;
                }
                Some(_) => report.unchanged += 1,
                None => {
                    self.entries.push(entry);
                    report.added += 1;
                }
            }
        }
        // Krea's timestamps are ISO 8601 in one format, so their text sorts by time.
        self.entries
            .sort_by(|a, b| b.job.created_at.cmp(&a.job.created_at));
        report
    }

    /// Jobs still worth polling.
    pub fn pending_ids(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|entry| !entry.job.is_finished())
            .map(|entry| entry.id().to_owned())
            .collect()
    }

    pub fn has_pending(&self) -> bool {
        self.entries.iter().any(|entry| !entry.job.is_finished())
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
        assert_eq!(store.get("1").unwrap().model_name(), "Flux");
    }

    fn with_status(id: &str, status: &str) -> JobEntry {
        JobEntry {
            job: job(id, status),
            ..entry(id)
        }
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
