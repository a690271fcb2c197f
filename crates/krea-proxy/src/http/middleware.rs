//! Layers of the request path: a sane request head for every request, no HEAD on the API,
//! and CORS for the configured origins.

use crate::config::{ACCESS_KEY_HEADER, SESSION_HEADER, SITE_HEADER};
use crate::error::ProxyError;
use crate::error::OUTCOME_HEADER;
use crate::limits::admission::{RATE_LIMIT, RATE_LIMIT_POLICY};
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// HEAD would answer a GET's headers without its body: not for API calls.
pub async fn refuse_head(request: Request, next: Next) -> Response {
    if request.method() == Method::HEAD {
        return ProxyError::MethodNotAllowed.into_response();
    }
    next.run(request).await
}

/// Request heads larger than this are no API call.
const HEAD_LIMIT: usize = 32 * 1024;

/// A sane request head: one Host for HTTP/1.1 (RFC 9112: two are ambiguous about where it
/// is going, none is malformed), and headers of at most [`HEAD_LIMIT`] bytes in all.
pub async fn sane_head(request: Request, next: Next) -> Response {
    let hosts = request.headers().get_all(header::HOST).iter().count();
    let needs_host = request.version() == axum::http::Version::HTTP_11;
    if hosts > 1 || (hosts == 0 && needs_host) {
        return ProxyError::BadRequest("A request names one Host".into()).into_response();
    }
    let size: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > HEAD_LIMIT {
        return ProxyError::HeadersTooLarge.into_response();
    }
    next.run(request).await
}

pub fn cors(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("x-api-zero-data-retention"),
            HeaderName::from_static(ACCESS_KEY_HEADER),
            HeaderName::from_static(SESSION_HEADER),
            HeaderName::from_static(SITE_HEADER),
            HeaderName::from_static(crate::idempotency::HEADER),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static(OUTCOME_HEADER),
            super::access_log::REQUEST_ID,
            RATE_LIMIT,
            RATE_LIMIT_POLICY,
        ])
        .max_age(Duration::from_secs(600))
}
