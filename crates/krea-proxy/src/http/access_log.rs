//! One access-log line per request (`krea_proxy::access`, at info): a request id, the
//! caller's name (never its key), method, route, status and latency. The request id is
//! sent back in `x-request-id` and put into every JSON error body, so a person reporting
//! an error can quote it and the operator can find the line.

use crate::callers::Caller;
use crate::error::ErrorBody;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Error bodies are small; anything larger is passed on as it is.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

pub async fn log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = format!("{:016x}", fastrand::u64(..));
    let method = request.method().clone();
    // Kept as it is (a shared string): turned into text only when the line is written.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if response.status().is_client_error() || response.status().is_server_error() {
        response = with_request_id(response, &id).await;
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    // The fields are read only when the line is written (not under RUST_LOG=warn).
    tracing::info!(
        target: "krea_proxy::access",
        request_id = %id,
        caller = %response
            .extensions()
            .get::<Caller>()
            .map_or_else(|| "-".to_owned(), Caller::name),
        method = %method,
        route = %route.as_ref().map_or("(app)", MatchedPath::as_str),
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
    );
    response
}

/// `{"error": "…"}` becomes `{"error": "…", "request_id": "…"}`: the proxy's own errors
/// from their [`ErrorBody`], Krea's by reading theirs.
async fn with_request_id(response: Response, id: &str) -> Response {
    if let Some(ErrorBody(fields)) = response.extensions().get::<ErrorBody>().cloned() {
        let (mut parts, _) = response.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, body_with_id(fields, id));
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !is_json {
        return response;
    }
    let small = axum::body::HttpBody::size_hint(response.body())
        .upper()
        .is_some_and(|upper| upper <= ERROR_BODY_LIMIT as u64);
    if !small {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(fields)) if fields.contains_key("error") => {
            parts.headers.remove(header::CONTENT_LENGTH);
            body_with_id(fields, id)
        }
        _ => Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

fn body_with_id(mut fields: serde_json::Map<String, serde_json::Value>, id: &str) -> Body {
    fields.insert("request_id".to_owned(), id.into());
    Body::from(serde_json::Value::Object(fields).to_string())
}
