//! The job object returned by `POST /generate/...`, `GET /jobs/{id}` and `GET /jobs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A job's state. Krea documents nine; anything else is kept verbatim and counts as pending,
/// so a state Krea adds later never stops a client from polling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum JobStatus {
    Backlogged,
    Queued,
    Scheduled,
    Processing,
    Sampling,
    IntermediateComplete,
    Completed,
    Failed,
    Cancelled,
    Unknown(String),
}

impl JobStatus {
    /// The nine documented states, in Krea's order.
    pub const ALL: [JobStatus; 9] = [
        JobStatus::Backlogged,
        JobStatus::Queued,
        JobStatus::Scheduled,
        JobStatus::Processing,
        JobStatus::Sampling,
        JobStatus::IntermediateComplete,
        JobStatus::Completed,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            JobStatus::Backlogged => "backlogged",
            JobStatus::Queued => "queued",
            JobStatus::Scheduled => "scheduled",
            JobStatus::Processing => "processing",
            JobStatus::Sampling => "sampling",
            JobStatus::IntermediateComplete => "intermediate-complete",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
            JobStatus::Unknown(other) => other,
        }
    }

    /// Only these three end a job; `intermediate-complete` does not.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled
        )
    }

    pub fn is_pending(&self) -> bool {
        !self.is_terminal()
    }

    /// Krea bills neither failed nor cancelled jobs.
    pub fn is_billed(&self) -> bool {
        matches!(self, JobStatus::Completed)
    }
}

impl From<String> for JobStatus {
    fn from(value: String) -> Self {
        JobStatus::ALL
            .into_iter()
            .find(|known| known.as_str() == value)
            .unwrap_or(JobStatus::Unknown(value))
    }
}

impl From<JobStatus> for String {
    fn from(value: JobStatus) -> Self {
        value.as_str().to_owned()
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One job. `result` is kept as raw JSON because its shape varies between job kinds and
/// API revisions (a list of URL strings, a list of `{type, url}` objects, an error); the
/// accessors below read every shape seen so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub job_id: String,
    pub status: JobStatus,
    pub created_at: String,
    /// Absent (not `null`) while the job is pending, as Krea's spec has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Some API revisions report failures as a top-level `{code, message}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

impl Job {
    /// A job is over when its state is terminal or Krea has stamped `completed_at`.
    pub fn is_finished(&self) -> bool {
        self.status.is_terminal() || self.completed_at.is_some()
    }

    /// Krea's "shadow fail": `completed`, but with no image at all (its notes put it down to
    /// a silent content filter). Never to be shown as a success.
    pub fn finished_without_image(&self) -> bool {
        self.status == JobStatus::Completed && self.urls().is_empty()
    }

    /// Output URLs: the images of a completed job, or previews while one is running.
    pub fn urls(&self) -> Vec<String> {
        let Some(urls) = self.result.as_ref().and_then(|r| r.get("urls")) else {
            return Vec::new();
        };
        let from_item = |item: &Value| match item {
            Value::String(url) => Some(url.clone()),
            Value::Object(map) => map.get("url").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        match urls {
            Value::Array(items) => items.iter().filter_map(from_item).collect(),
            Value::Object(map) => map.values().filter_map(from_item).collect(),
            _ => Vec::new(),
        }
    }

    /// Why a job failed, as Krea worded it: `result.error` (string or object) or a top-level
    /// `error`. `None` when the job carries no reason.
    pub fn failure_reason(&self) -> Option<String> {
        let from_result = self.result.as_ref().and_then(|r| r.get("error"));
        [from_result, self.error.as_ref()]
            .into_iter()
            .flatten()
            .find_map(reason_text)
    }
}

fn reason_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Object(map) => {
            let message = map.get("message").and_then(Value::as_str);
            let code = map.get("code").and_then(Value::as_str);
            match (code, message) {
                (Some(code), Some(message)) => Some(format!("{message} ({code})")),
                (None, Some(text)) | (Some(text), None) => Some(text.to_owned()),
                (None, None) => None,
            }
        }
        _ => None,
    }
}

/// A job id as Krea writes them: a hyphenated UUID. Only such ids become request paths
/// (`/jobs/{id}`), whether they come from the proxy's caller, Krea, or an imported file.
pub fn is_job_id(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// `GET /jobs`: newest first, with a cursor for the next (older) page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobList {
    pub items: Vec<Job>,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(value: Value) -> Job {
        serde_json::from_value(value).expect("job parses")
    }

    #[test]
    fn all_nine_states_round_trip_and_only_three_are_terminal() {
        for status in JobStatus::ALL {
            let text = serde_json::to_string(&status).unwrap();
            let back: JobStatus = serde_json::from_str(&text).unwrap();
            assert_eq!(back, status);
        }
        let terminal: Vec<_> = JobStatus::ALL
            .into_iter()
            .filter(JobStatus::is_terminal)
            .collect();
        assert_eq!(
            terminal,
            [
                JobStatus::Completed,
                JobStatus::Failed,
                JobStatus::Cancelled
            ]
        );
        assert!(JobStatus::IntermediateComplete.is_pending());
    }

    #[test]
    fn an_unknown_state_is_kept_and_counts_as_pending() {
        let status: JobStatus = serde_json::from_str("\"warming-up\"").unwrap();
        assert_eq!(status, JobStatus::Unknown("warming-up".into()));
        assert!(status.is_pending());
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"warming-up\"");
    }

    #[test]
    fn submit_response_parses_with_null_result() {
        let j = job(
            json!({"job_id": "4d0e5f97-9721-4422-b88c-73a9032d7de1", "status": "queued",
            "created_at": "2026-11-22T10:00:00.000Z", "completed_at": null, "result": null}),
        );
        assert_eq!(j.status, JobStatus::Queued);
        assert!(j.urls().is_empty());
        assert!(!j.is_finished());
    }

    #[test]
    fn urls_are_read_from_strings_objects_and_maps() {
        let strings = job(
            json!({"job_id": "a", "status": "completed", "created_at": "t", "completed_at": "t",
            "result": {"urls": ["https://gen.krea.ai/images/1.png"]}}),
        );
        assert_eq!(strings.urls(), ["https://gen.krea.ai/images/1.png"]);
        let objects = job(
            json!({"job_id": "a", "status": "completed", "created_at": "t",
            "result": {"urls": [{"type": "image", "url": "https://x/1.png"}, 7]}}),
        );
        assert_eq!(objects.urls(), ["https://x/1.png"]);
        let map = job(
            json!({"job_id": "a", "status": "completed", "created_at": "t",
            "result": {"urls": {"image": "https://x/2.png"}}}),
        );
        assert_eq!(map.urls(), ["https://x/2.png"]);
    }

    #[test]
    fn a_completed_job_with_no_image_is_a_shadow_fail_and_nothing_else_is() {
        let with = |status: &str, result: Value| {
            job(json!({"job_id": "a", "status": status, "created_at": "t", "result": result}))
        };
        assert!(with("completed", json!({})).finished_without_image());
        assert!(with("completed", json!({"urls": []})).finished_without_image());
        assert!(with("completed", Value::Null).finished_without_image());
        assert!(!with("completed", json!({"urls": ["https://x/1.png"]})).finished_without_image());
        assert!(!with("processing", json!({})).finished_without_image());
        assert!(!with("failed", json!({})).finished_without_image());
    }

    #[test]
    fn failure_reason_is_found_where_either_revision_puts_it() {
        let in_result = job(json!({"job_id": "a", "status": "failed", "created_at": "t",
            "result": {"error": "nsfw"}}));
        assert_eq!(in_result.failure_reason().as_deref(), Some("nsfw"));
        let top_level = job(json!({"job_id": "a", "status": "failed", "created_at": "t",
            "error": {"code": "ip_detected", "message": "Blocked"}}));
        assert_eq!(
            top_level.failure_reason().as_deref(),
            Some("Blocked (ip_detected)")
        );
        let none = job(json!({"job_id": "a", "status": "failed", "created_at": "t"}));
        assert_eq!(none.failure_reason(), None);
    }

    #[test]
    fn a_pending_job_leaves_completed_at_and_result_out() {
        let j = job(json!({"job_id": "a", "status": "queued", "created_at": "t"}));
        assert_eq!(
            serde_json::to_value(&j).unwrap(),
            json!({"job_id": "a", "status": "queued", "created_at": "t"})
        );
    }

    #[test]
    fn job_ids_are_hyphenated_uuids() {
        assert!(is_job_id("4d0e5f97-9721-4422-b88c-73a9032d7de1"));
        assert!(!is_job_id("4d0e5f9797214422b88c73a9032d7de1"));
        assert!(!is_job_id("{4d0e5f97-9721-4422-b88c-73a9032d7de1}"));
        assert!(!is_job_id("../../generate/image/bfl/flux-1-dev"));
        assert!(!is_job_id("4d0e5f97-9721-4422-b88c-73a9032d7de1/x"));
        assert!(!is_job_id("4d0e5f97_9721-4422-b88c-73a9032d7de1"));
    }

    #[test]
    fn completed_at_alone_finishes_a_job() {
        let j = job(
            json!({"job_id": "a", "status": "sampling", "created_at": "t",
            "completed_at": "2026-11-22T10:00:05.000Z"}),
        );
        assert!(j.is_finished());
    }
}
