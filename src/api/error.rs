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
    #[error("Unexpected answer from the proxy: {0}")]
    Decode(String),
    #[error("The request was cancelled")]
    Aborted,
}

impl ApiError {
    /// Worth trying again later (429, 5xx, network); 4xx answers are final.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network { .. } => true,
            ApiError::Status { status, .. } => *status == 429 || *status >= 500,
            ApiError::Decode(_) | ApiError::Aborted => false,
        }
    }

    /// The error in the person's language. Krea's own message is kept as Krea wrote it.
    pub fn message(&self, t: &Texts) -> String {
        match self {
            ApiError::Network { base, detail } => {
                fill(t.network, &[("base", base), ("detail", detail)])
            }
            ApiError::Status {
                status, message, ..
            } => fill(
                t.http_error,
                &[("message", message), ("status", &status.to_string())],
            ),
            ApiError::Decode(detail) => fill(t.bad_answer, &[("detail", detail)]),
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
