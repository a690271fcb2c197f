//! One job as the history keeps it: the job, what was asked for, and what to tell about it.

use krea_api::Models;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobEntry {
    pub job: krea_api::Job,
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
    /// The job whose image this one started from, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::jobs::lineage::Lineage>,
    /// The person starred it (a favourite).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub starred: bool,
    /// The boards it is on, by name (see [`crate::jobs::boards`]).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub boards: BTreeSet<String>,
    /// The set it was made in: one prompt sent to several models at once ("Compare
    /// models"); the set's jobs share this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
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
    /// A job as just asked for: nothing to tell yet, no star, no board, in no set.
    pub fn new(job: krea_api::Job, model_id: String, request: Map<String, Value>) -> Self {
        JobEntry {
            job,
            model_id,
            request,
            notice: None,
            lost: None,
            source: None,
            starred: false,
            boards: BTreeSet::new(),
            set: None,
        }
    }

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
        urls.retain(|url| crate::jobs::safe_url::is_web_url(url));
        urls
    }

    /// Addresses in the job's result that are not web addresses: shown as text, flagged.
    pub fn unsafe_urls(&self) -> Vec<String> {
        let mut urls = self.job.urls();
        urls.retain(|url| !crate::jobs::safe_url::is_web_url(url));
        urls
    }

    /// Nothing more will happen without the person: finished at Krea, or lost.
    pub fn is_settled(&self) -> bool {
        self.job.is_finished() || self.lost.is_some()
    }

    /// Adds `other`'s star and boards to this copy's. Returns whether that changed anything.
    pub fn take_marks_of(&mut self, other: &JobEntry) -> bool {
        let before = (self.starred, self.boards.len());
        self.starred |= other.starred;
        self.boards.extend(other.boards.iter().cloned());
        before != (self.starred, self.boards.len())
    }

    /// The model's name as `models` knows it, else its id.
    pub fn model_name(&self, models: &Models) -> &str {
        models.name_of(&self.model_id)
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
pub(super) fn progress_rank(entry: &JobEntry) -> (bool, usize) {
    let state = krea_api::JobStatus::ALL
        .iter()
        .position(|known| *known == entry.job.status)
        .unwrap_or(0);
    (entry.is_settled(), state)
}
