use crate::i18n::{fill, Texts};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum ApiError {
    /// No HTTP answer at all: the proxy is down, unreachable or refused by CORS.
    #[error("Could not reach the proxy at {base}: {detail}")]
    Network { base: String, detail: String },
    /// An HTTP error with Krea's (or the proxy's) message.
    #[error("{message} (HTTP {status})")]
    Status {
        status: u16,
        message: String,
        retry_after_ms: Option<f64>,
    },
    /// The answer was not the JSON it should be (cut off, garbled): what happened is unknown.
    #[error("Unreadable answer from the proxy: {0}")]
    Decode(String),
    #[error("The request was cancelled")]
    Aborted,
}

impl ApiError {
    /// Worth trying again later (network, unreadable answers, 409 for a key in flight, 429,
    /// 5xx); other 4xx answers are final.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network { .. } | ApiError::Decode(_) | ApiError::Aborted => true,
            ApiError::Status { status, .. } => matches!(*status, 409 | 429) || *status >= 500,
        }
    }

    /// Krea answered that it does not know the job.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Status { status: 404, .. })
    }

    /// How a submit that failed this way should go on.
    pub fn submit_failure(&self, t: &Texts) -> crate::jobs::submission::TryFailure {
        use crate::jobs::submission::TryFailure;
        let error = self.message(t);
        if self.is_transient() {
            TryFailure::Transient {
                error,
                retry_after_ms: self.retry_after_ms(),
            }
        } else {
            TryFailure::Final { error }
        }
    }

    /// The error in the person's language. Krea's own message is kept as Krea wrote it.
    pub fn message(&self, t: &Texts) -> String {
        match self {
            // The browser's detail ("TypeError: Failed to fetch") tells a person nothing.
            ApiError::Network { base, .. } => fill(t.network, &[("base", base)]),
            ApiError::Status {
                status, message, ..
            } => fill(
                t.http_error,
                &[("message", message), ("status", &status.to_string())],
            ),
            // The parser's words mean nothing to a person; the fact does.
            ApiError::Decode(_) => t.bad_answer.to_owned(),
            ApiError::Aborted => t.aborted.to_owned(),
        }
    }

    pub fn retry_after_ms(&self) -> Option<f64> {
        match self {
            ApiError::Status { retry_after_ms, .. } => *retry_after_ms,
            _ => None,
        }
    }
}
