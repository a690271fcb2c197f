//! Every refusal the proxy itself makes, as one type. Internal code returns it in typed
//! results; it becomes a response only at the edge, in Krea's own error shape
//! (`{"error": "…"}`), so clients handle proxy and API errors alike, with the status, a
//! `Retry-After` where waiting helps, and the request id (which the access log adds from the
//! [`ErrorBody`] extension, without reading the body back).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::borrow::Cow;
use std::time::Duration;

/// The response header that says how a lost answer was settled.
pub const OUTCOME_HEADER: &str = "krea-proxy-outcome";
/// The response header naming an upstream failure's class.
pub const FAILURE_CLASS_HEADER: &str = "krea-proxy-upstream-failure";

type Text = Cow<'static, str>;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProxyError {
    /// 400: the request is malformed.
    #[error("{0}")]
    BadRequest(Text),
    /// 401: no access key or session, or a wrong one; `code` tells a client what to do.
    #[error("{message}")]
    Unauthorized {
        message: Text,
        code: Option<&'static str>,
    },
    /// 402: today's budget is spent; it resets at `resets_at` (RFC 3339).
    #[error("{message}")]
    BudgetSpent {
        message: String,
        retry_after: Duration,
        resets_at: String,
    },
    /// 403: this proxy does not allow it.
    #[error("{0}")]
    Forbidden(Text),
    /// 404: not here, or not the caller's.
    #[error("{0}")]
    NotFound(Text),
    /// 405.
    #[error("Method not allowed")]
    MethodNotAllowed,
    /// 408: the request's body stopped arriving.
    #[error("{0}")]
    RequestTimeout(Text),
    /// 409: the same key is being handled; try again after `retry_after`.
    #[error("{message}")]
    Conflict {
        message: Text,
        retry_after: Duration,
    },
    /// 413: the body is larger than this route takes.
    #[error("{0}")]
    PayloadTooLarge(Text),
    /// 415: the body is not of a kind this route takes.
    #[error("{0}")]
    UnsupportedMediaType(Text),
    /// 422: understood, and refused.
    #[error("{0}")]
    Unprocessable(Text),
    /// 429: a limit is reached; `rate_headers` say the caller's standing under the rate
    /// rules (`RateLimit`, `RateLimit-Policy`).
    #[error("{message}")]
    TooManyRequests {
        message: String,
        retry_after: Duration,
        rate_headers: Box<HeaderMap>,
    },
    /// 431: the request's headers are too large.
    #[error("The request's headers are too large")]
    HeadersTooLarge,
    /// 500: the proxy failed.
    #[error("{0}")]
    Internal(Text),
    /// 502: Krea's answer was lost; `outcome` says what the proxy could tell of it.
    #[error("{message}")]
    BadGateway {
        message: Text,
        outcome: Option<&'static str>,
    },
    /// 502 or 504: no whole answer came from Krea; `class` says why, for the operator, and
    /// `outcome` what the proxy could tell of the job.
    #[error("{}", .class.words())]
    UpstreamLost {
        class: Lost,
        outcome: Option<&'static str>,
    },
    /// 503: something the proxy needs does not answer.
    #[error("{0}")]
    Unavailable(Text),
}

impl From<crate::ownership::Unanswered> for ProxyError {
    fn from(_: crate::ownership::Unanswered) -> ProxyError {
        // Not 404: a job (or an upload) whose owner cannot be read now is not gone, and
        // the studio gives up on a job after a few "not found" answers.
        ProxyError::Unavailable(
            "The proxy cannot read who owns this job or upload right now (its state store \
             does not answer); try again in a moment"
                .into(),
        )
    }
}

impl ProxyError {
    /// Whether this is a limit saying no (a rate, the jobs in flight, a budget), which
    /// usage counts as a refusal.
    pub fn is_limit_refusal(&self) -> bool {
        matches!(
            self,
            ProxyError::TooManyRequests { .. } | ProxyError::BudgetSpent { .. }
        )
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ProxyError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ProxyError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ProxyError::BudgetSpent { .. } => StatusCode::PAYMENT_REQUIRED,
            ProxyError::Forbidden(_) => StatusCode::FORBIDDEN,
            ProxyError::NotFound(_) => StatusCode::NOT_FOUND,
            ProxyError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProxyError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ProxyError::Conflict { .. } => StatusCode::CONFLICT,
            ProxyError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ProxyError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProxyError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ProxyError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ProxyError::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ProxyError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ProxyError::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            ProxyError::UpstreamLost {
                class: Lost::Timeout,
                ..
            } => StatusCode::GATEWAY_TIMEOUT,
            ProxyError::UpstreamLost { .. } => StatusCode::BAD_GATEWAY,
            ProxyError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            ProxyError::BudgetSpent { retry_after, .. }
            | ProxyError::Conflict { retry_after, .. }
            | ProxyError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The body's fields: Krea's `error`, and what else a client can act on.
    fn body(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut body = serde_json::Map::new();
        body.insert("error".to_owned(), self.to_string().into());
        match self {
            ProxyError::Unauthorized {
                code: Some(code), ..
            } => {
                body.insert("code".to_owned(), (*code).into());
            }
            ProxyError::BudgetSpent { resets_at, .. } => {
                body.insert("resets_at".to_owned(), resets_at.clone().into());
            }
            _ => {}
        }
        body
    }
}

impl From<Lost> for ProxyError {
    fn from(class: Lost) -> Self {
        ProxyError::UpstreamLost {
            class,
            outcome: None,
        }
    }
}

/// The fields of a proxy error's body, kept with its response so the access log can add
/// the request id without parsing the body back.
#[derive(Debug, Clone)]
pub struct ErrorBody(pub serde_json::Map<String, serde_json::Value>);

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        let body = self.body();
        let mut response = (self.status(), Json(&body)).into_response();
        let headers = response.headers_mut();
        if let Some(wait) = self.retry_after() {
            headers.insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
        }
        if let ProxyError::TooManyRequests { rate_headers, .. } = &self {
            headers.extend((**rate_headers).clone());
        }
        match &self {
            ProxyError::BadGateway {
                outcome: Some(outcome),
                ..
            }
            | ProxyError::UpstreamLost {
                outcome: Some(outcome),
                ..
            } => {
                headers.insert(OUTCOME_HEADER, HeaderValue::from_static(outcome));
            }
            _ => {}
        }
        if let ProxyError::UpstreamLost { class, .. } = &self {
            headers.insert(FAILURE_CLASS_HEADER, HeaderValue::from_static(class.name()));
        }
        response.extensions_mut().insert(ErrorBody(body));
        response
    }
}

/// Why no whole answer arrived, by class: what an operator needs to know to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// Krea's certificate was not trusted (a TLS-inspecting middlebox, a wrong clock).
    Certificate,
    /// Krea's host name did not resolve (DNS).
    NameResolution,
    /// Nothing listened at Krea's address.
    Refused,
    /// No answer in time.
    Timeout,
    /// The connection failed before or while the answer came back.
    Reset,
}

impl Lost {
    /// The class's name, for logs and bodies.
    pub fn name(self) -> &'static str {
        match self {
            Lost::Certificate => "certificate",
            Lost::NameResolution => "name resolution",
            Lost::Refused => "refused",
            Lost::Timeout => "timeout",
            Lost::Reset => "reset",
        }
    }

    /// What the caller is told.
    pub fn words(self) -> &'static str {
        match self {
            Lost::Timeout => "Krea did not answer in time",
            Lost::Certificate => "Krea could not be reached: its TLS certificate was not trusted",
            Lost::NameResolution => "Krea could not be reached: its host name did not resolve",
            Lost::Refused => "Krea could not be reached: the connection was refused",
            Lost::Reset => "Krea could not be reached, or its answer broke off",
        }
    }
}
