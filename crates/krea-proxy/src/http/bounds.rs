//! How large a request body may be and how long a request may take: one rule for API calls
//! (`--body-limit`, the upstream timeout), another for uploads, which are larger
//! (`--upload-limit-mb`) and take as long as their bytes keep coming (their own idle limit
//! bounds them). tower-http's body-limit and timeout layers take one fixed value for every
//! route they wrap; this is the same `http_body_util::Limited` body and a timeout, chosen per
//! request.

use crate::error::{Lost, ProxyError};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Bounds {
    /// Bytes of an API call's body.
    pub body: usize,
    /// Bytes of an upload's whole form.
    pub upload: usize,
    /// How long an API call may take in all.
    pub timeout: Duration,
}

/// `POST /assets`: an upload.
pub fn is_upload(request: &Request) -> bool {
    request.method() == Method::POST && request.uri().path() == "/assets"
}

pub async fn bounded(State(bounds): State<Bounds>, request: Request, next: Next) -> Response {
    let upload = is_upload(&request);
    let limit = if upload { bounds.upload } else { bounds.body };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    // An upload's handler says its own limit in words; others hear it here.
    if !upload && declared.is_some_and(|length| length > limit as u64) {
        return too_large(limit).into_response();
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    if upload {
        return next.run(request).await;
    }
    match tokio::time::timeout(bounds.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ProxyError::UpstreamLost {
            class: Lost::Timeout,
            outcome: None,
        }
        .into_response(),
    }
}

fn too_large(limit: usize) -> ProxyError {
    ProxyError::PayloadTooLarge(
        format!("The request body is larger than this proxy takes ({limit} bytes)").into(),
    )
}
