//! A generation on its way to becoming a job. It is kept in the history, with the
//! `Idempotency-Key` it is sent with, before the request leaves: when the answer is lost (a
//! network error, a 5xx, an unreadable body, a reload) the same key is sent again, and the
//! proxy answers with the job the first request made instead of making a second one.

use super::backoff::Backoff;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The first wait after a failed try, doubling each time, up to 30 s.
const BACKOFF: Backoff = Backoff {
    first_ms: 1_000.0,
    max_ms: 30_000.0,
};
/// After this many tries the studio stops on its own and asks the person.
pub const MAX_ATTEMPTS: u32 = 12;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SubmissionState {
    /// To be sent (again) at `at` (ms since 1970); `error` says why the last try failed.
    Waiting { at: f64, error: Option<String> },
    /// A request is under way from this page.
    Sending,
    /// Refused by Krea or the proxy, or given up after [`MAX_ATTEMPTS`]: it stays until
    /// the person sends it again or dismisses it. `again` says whether sending the same
    /// request again can help.
    Failed { error: String, again: bool },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// Sent as `Idempotency-Key`; a UUID.
    pub key: String,
    pub model_id: String,
    pub request: Map<String, Value>,
    /// When the person asked (ms since 1970); submissions of one click share it.
    pub asked_at: f64,
    pub attempts: u32,
    #[serde(flatten)]
    pub state: SubmissionState,
    /// The job whose image this one starts from, handed on to the job it makes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::jobs::lineage::Lineage>,
    /// The set this one was sent with ("Compare models"), handed on to the job it makes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<String>,
}

/// How one try ended, as far as the submission cares.
#[derive(Debug, Clone, PartialEq)]
pub enum TryFailure {
    /// The outcome is unknown or the refusal is temporary (network, 409, 429, 5xx,
    /// unreadable answer): the same key may be sent again.
    Transient {
        error: String,
        retry_after_ms: Option<f64>,
    },
    /// Refused for good (400, 401, 402, 403, 404, 422): no job was made.
    Final { error: String },
}

impl Submission {
    pub fn new(key: String, model_id: String, request: Map<String, Value>, now: f64) -> Self {
        Submission {
            key,
            model_id,
            request,
            asked_at: now,
            attempts: 0,
            state: SubmissionState::Waiting {
                at: now,
                error: None,
            },
            source: None,
            set: None,
        }
    }

    /// The same submission, starting from `source`'s image.
    pub fn from_source(mut self, source: Option<crate::jobs::lineage::Lineage>) -> Self {
        self.source = source;
        self
    }

    /// The same submission, sent as one of the set `set` (one click, several models).
    pub fn in_set(mut self, set: Option<String>) -> Self {
        self.set = set;
        self
    }

    pub fn prompt(&self) -> &str {
        self.request
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Due to be sent at `now`.
    pub fn is_due(&self, now: f64) -> bool {
        matches!(self.state, SubmissionState::Waiting { at, .. } if at <= now)
    }

    /// When it next wants sending, if it is waiting.
    pub fn due_at(&self) -> Option<f64> {
        match self.state {
            SubmissionState::Waiting { at, .. } => Some(at),
            _ => None,
        }
    }

    pub fn start_sending(&mut self) {
        self.attempts += 1;
        self.state = SubmissionState::Sending;
    }

    /// A page that reloaded mid-send cannot know how that send ended: send again, with the
    /// same key, at once.
    pub fn resume_after_reload(&mut self, now: f64) {
        if self.state == SubmissionState::Sending {
            self.state = SubmissionState::Waiting {
                at: now,
                error: None,
            };
        }
    }

    /// Records a failed try: wait (exponentially, with `jitter` in `[0, 1)`, or as the
    /// server asked) and try again, or stop.
    pub fn failed(&mut self, failure: TryFailure, now: f64, jitter: f64) {
        self.state = match failure {
            TryFailure::Final { error } => SubmissionState::Failed {
                error,
                again: false,
            },
            TryFailure::Transient { error, .. } if self.attempts >= MAX_ATTEMPTS => {
                SubmissionState::Failed { error, again: true }
            }
            TryFailure::Transient {
                error,
                retry_after_ms,
            } => SubmissionState::Waiting {
                at: now + BACKOFF.wait(self.attempts, retry_after_ms, jitter),
                error: Some(error),
            },
        };
    }

    /// The person asked to send a failed submission again: the same key, so if an earlier
    /// try did make a job, that job is what comes back.
    pub fn send_again(&mut self, now: f64) {
        self.attempts = 0;
        self.state = SubmissionState::Waiting {
            at: now,
            error: None,
        };
    }

    pub fn error(&self) -> Option<&str> {
        match &self.state {
            SubmissionState::Waiting { error, .. } => error.as_deref(),
            SubmissionState::Sending => None,
            SubmissionState::Failed { error, .. } => Some(error),
        }
    }

    /// Not sent yet, or on its first try: the person has had no answer at all. From the
    /// click on, so Generate is busy in the same turn as the click that made it.
    pub fn is_first_send(&self) -> bool {
        match self.state {
            SubmissionState::Waiting { .. } => self.attempts == 0,
            SubmissionState::Sending => self.attempts == 1,
            SubmissionState::Failed { .. } => false,
        }
    }

    pub fn has_failed(&self) -> bool {
        matches!(self.state, SubmissionState::Failed { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submission() -> Submission {
        Submission::new(
            "k".into(),
            "bfl/flux-1-dev".into(),
            serde_json::json!({"prompt": "a fox"})
                .as_object()
                .unwrap()
                .clone(),
            1000.0,
        )
    }

    fn transient(retry_after_ms: Option<f64>) -> TryFailure {
        TryFailure::Transient {
            error: "lost".into(),
            retry_after_ms,
        }
    }

    #[test]
    fn a_new_submission_is_due_at_once_and_busy_until_its_first_answer() {
        let mut s = submission();
        assert!(s.is_due(1000.0));
        assert_eq!(s.prompt(), "a fox");
        assert!(s.is_first_send(), "from the click on");
        s.start_sending();
        assert!(s.is_first_send());
        s.failed(transient(None), 1000.0, 0.0);
        assert!(!s.is_first_send(), "an answer came, even if a bad one");
        s.start_sending();
        assert!(!s.is_first_send());
    }

    #[test]
    fn transient_failures_back_off_then_give_up_and_keep_the_key() {
        let mut s = submission();
        let mut now = 1000.0;
        let mut waits = Vec::new();
        while !s.has_failed() {
            assert!(s.is_due(now));
            s.start_sending();
            assert!(!s.is_due(now), "not sent twice at once");
            s.failed(transient(None), now, 0.0);
            if let Some(at) = s.due_at() {
                waits.push(at - now);
                now = at;
            }
        }
        assert_eq!(&waits[..5], &[1000.0, 2000.0, 4000.0, 8000.0, 16000.0]);
        assert!(waits.iter().all(|w| *w <= BACKOFF.max_ms));
        assert_eq!(s.attempts, MAX_ATTEMPTS);
        assert_eq!(
            s.state,
            SubmissionState::Failed {
                error: "lost".into(),
                again: true
            }
        );
        s.send_again(now);
        assert!(s.is_due(now));
        assert_eq!(s.key, "k", "sending again reuses the key");
    }

    #[test]
    fn the_server_says_when_and_a_final_refusal_stops() {
        let mut s = submission();
        s.start_sending();
        s.failed(transient(Some(3000.0)), 5000.0, 0.9);
        assert_eq!(s.due_at(), Some(8000.0));
        assert_eq!(s.error(), Some("lost"));
        s.start_sending();
        s.failed(
            TryFailure::Final {
                error: "no balance".into(),
            },
            9000.0,
            0.0,
        );
        assert!(s.has_failed());
        assert_eq!(s.error(), Some("no balance"));
    }

    #[test]
    fn a_reload_mid_send_sends_again() {
        let mut s = submission();
        s.start_sending();
        s.resume_after_reload(7000.0);
        assert!(s.is_due(7000.0));
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<Submission>(&text).unwrap(), s);
    }
}
