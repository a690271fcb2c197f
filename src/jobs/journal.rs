//! A copy of every changed record, kept in synchronous storage until IndexedDB has it.
//!
//! IndexedDB commits asynchronously: a click followed at once by a reload, a closed tab or a
//! crash can lose a write that was still on its way, and with it a submission the person
//! just made (or the job it already became at Krea). Each change is therefore first written
//! as one line under its own key, in the same turn of the event loop as the change; the line
//! goes once IndexedDB holds that record, and a page that finds lines on load replays them.
//! One key per record, so tabs never overwrite each other's lines.

use super::store::{Changes, JobEntry, JobStore};
use super::submission::Submission;

const JOB: &str = "job.";
const SUBMISSION: &str = "submission.";
/// The line of a record that is gone (removed, dismissed, made into a job).
const GONE: &str = "null";

/// One record as it is now: the storage key and its JSON (or [`GONE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub key: String,
    pub text: String,
}

/// The lines for the records `changes` names, as they are in `store` now; every key starts
/// with `prefix` (one per studio, see [`crate::storage_scope`]).
pub fn lines(prefix: &str, store: &JobStore, changes: &Changes) -> Vec<Line> {
    let jobs = changes.jobs.iter().map(|id| Line {
        key: format!("{prefix}{JOB}{id}"),
        text: store
            .get(id)
            .and_then(|entry| serde_json::to_string(entry).ok())
            .unwrap_or_else(|| GONE.to_owned()),
    });
    let submissions = changes.submissions.iter().map(|key| Line {
        key: format!("{prefix}{SUBMISSION}{key}"),
        text: store
            .submissions()
            .iter()
            .find(|s| &s.key == key)
            .and_then(|submission| serde_json::to_string(submission).ok())
            .unwrap_or_else(|| GONE.to_owned()),
    });
    jobs.chain(submissions).collect()
}

/// Applies lines left by a page that did not see its writes through. They count as changes,
/// so they are written to IndexedDB next. A job line never takes a job back to an earlier
/// state than the saved one (another tab may have followed it further). Returns how many
/// lines could not be read.
pub fn replay(prefix: &str, store: &mut JobStore, lines: impl IntoIterator<Item = Line>) -> usize {
    let mut unreadable = 0;
    for line in lines {
        let Some(name) = line.key.strip_prefix(prefix) else {
            continue;
        };
        let gone = line.text == GONE;
        if let Some(id) = name.strip_prefix(JOB) {
            if gone {
                store.remove(id);
            } else {
                match serde_json::from_str::<JobEntry>(&line.text) {
                    Ok(entry) if entry.id() == id => {
                        store.merge(vec![entry]);
                    }
                    _ => unreadable += 1,
                }
            }
        } else if let Some(key) = name.strip_prefix(SUBMISSION) {
            if gone {
                store.dismiss_submission(key);
            } else {
                match serde_json::from_str::<Submission>(&line.text) {
                    Ok(submission) if submission.key == key => {
                        store.restore_submission(submission);
                    }
                    _ => unreadable += 1,
                }
            }
        } else {
            unreadable += 1;
        }
    }
    unreadable
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str = "krea-studio.journal.";
    use krea_api::Job;

    fn job(id: &str, status: &str) -> Job {
        serde_json::from_value(serde_json::json!({
            "job_id": id, "status": status, "created_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap()
    }

    fn submission(key: &str) -> Submission {
        Submission::new(
            key.into(),
            "bfl/flux-1-dev".into(),
            serde_json::json!({"prompt": "a fox"})
                .as_object()
                .unwrap()
                .clone(),
            1.0,
        )
    }

    #[test]
    fn a_page_that_died_before_its_write_loses_nothing() {
        // The page that was reloaded: a submission just made, one made into a job.
        let mut before = JobStore::default();
        before.add_submission(submission("k1"));
        before.add_submission(submission("k2"));
        before.take_due_submissions(1.0);
        before.submission_made("k2", job("7", "queued"));
        let changes = before.take_changes();
        let left = lines(PREFIX, &before, &changes);
        assert_eq!(left.len(), 3);

        // The next page, with the saved history from before those changes.
        let mut after = JobStore::default();
        after.from_elsewhere().put_submission(submission("k2"));
        assert_eq!(replay(PREFIX, &mut after, left), 0);
        assert_eq!(after.ids(), ["7"]);
        let keys: Vec<&str> = after.submissions().iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["k1"], "k2 became job 7 and is not sent again");
        let changes = after.take_changes();
        assert_eq!(changes.len(), 3, "the replayed records are written next");
    }

    #[test]
    fn a_job_line_never_takes_a_job_backwards_and_bad_lines_are_counted() {
        let entry = |status| {
            JobEntry::new(
                job("7", status),
                "bfl/flux-1-dev".into(),
                Default::default(),
            )
        };
        let mut store = JobStore::default();
        store.from_elsewhere().put_entry(entry("completed"));
        let mut old = JobStore::default();
        old.add(entry("processing"));
        let changes = old.take_changes();
        let mut left = lines(PREFIX, &old, &changes);
        left.push(Line {
            key: format!("{PREFIX}{JOB}8"),
            text: "{not json".into(),
        });
        left.push(Line {
            key: format!("{PREFIX}{SUBMISSION}k9"),
            text: serde_json::to_string(&submission("other")).unwrap(),
        });
        assert_eq!(replay(PREFIX, &mut store, left), 2);
        assert_eq!(
            store.get("7").unwrap().job.status,
            krea_api::JobStatus::Completed
        );
        assert!(store.submissions().is_empty());
    }
}
