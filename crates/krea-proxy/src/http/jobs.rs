//! Krea's job routes: generate, list, read and cancel a job, and the fixed public paths
//! forwarded as they are.

use super::error::json_error;
use super::route_table::{self, GENERATE_PREFIX};
use super::Shared;
use crate::callers::Caller;
use crate::idempotency;
use crate::limits::admission::Gate;
use crate::ownership::Ownership;
use crate::upstream::owned_jobs::{self, ListQuery};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// `application/json`, in any case, with or without parameters (`; charset=utf-8`), and
/// nothing else (`application/jsonp` is not JSON).
fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Notes who made the job a generate request answered with (made, replayed or found), and
/// hands the job back with the answer.
async fn owned_by(
    ownership: &dyn Ownership,
    caller: &Caller,
    answer: Response,
) -> (Option<krea_api::Job>, Response) {
    if answer.status() != StatusCode::OK {
        return (None, answer);
    }
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(body, 1024 * 1024)
        .await
        .unwrap_or_default();
    let job = serde_json::from_slice::<krea_api::Job>(&body).ok();
    if let Some(job) = &job {
        ownership
            .record(&job.job_id, &caller.id, &job.created_at)
            .await;
    }
    (
        job,
        Response::from_parts(parts, axum::body::Body::from(body)),
    )
}

/// Passes a job answer back, after the limits have seen it (when there are any): a job
/// that ended frees its caller's slot, a failed or cancelled one is refunded.
async fn seen_by_gate(gate: &Gate, answer: Response) -> Response {
    if !gate.is_active() || answer.status() != StatusCode::OK {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(body, 1024 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(job) = serde_json::from_slice::<serde_json::Value>(&body) {
        gate.saw(&job).await;
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

pub async fn generate(
    State(proxy): Shared,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(model) = route_table::model_path(uri.path()) else {
        return json_error(StatusCode::NOT_FOUND, "Not a Krea image model path");
    };
    if !proxy.allow_models.is_empty() && !proxy.allow_models.iter().any(|m| m == model) {
        return json_error(
            StatusCode::FORBIDDEN,
            format!("This proxy does not allow the model {model}"),
        );
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json_media_type);
    if !is_json {
        return json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the request body as application/json",
        );
    }
    let key = match headers.get(idempotency::HEADER) {
        None => None,
        Some(value) => match value.to_str().ok().filter(|k| idempotency::is_valid_key(k)) {
            // Each caller's keys are its own: another caller's key replays nothing.
            Some(key) => Some(format!("{}\u{1f}{key}", caller.id)),
            None => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    "Idempotency-Key must be 1 to 255 visible ASCII characters",
                )
            }
        },
    };
    let fingerprint = idempotency::fingerprint(model, &body);
    let model = model.to_owned();
    let path = format!("{GENERATE_PREFIX}{model}");
    let mut forward = proxy.forward(Method::POST, path, &headers, body);
    let hook = match &proxy.push {
        Some(push) => Some(push.hook_for(&caller.id).await),
        None => None,
    };
    let webhook_url = match &hook {
        Some((_, url)) => HeaderValue::from_str(url).ok(),
        None if proxy.simulates_webhooks => headers.get("x-webhook-url").cloned(),
        None => None,
    };
    if let Some(url) = webhook_url {
        forward.headers.insert("x-webhook-url", url);
    }
    let proxy = Arc::clone(&proxy);
    // Runs to the end even if the caller hangs up: the key's outcome must be recorded (or
    // the caller's retry would wait on it forever), and what admission took settled.
    let submitted = tokio::spawn(async move {
        let ticket = match proxy.gate.admit(&caller.id, &model, &forward.body).await {
            Ok(ticket) => ticket,
            Err(refused) => return refused,
        };
        let key = key.as_deref().map(|key| (key, fingerprint));
        let answer = proxy.submits.submit(&proxy.upstream, key, forward).await;
        let (job, mut answer) = owned_by(&*proxy.ownership, &caller, answer).await;
        if let (Some(push), Some((token, _))) = (&proxy.push, &hook) {
            push.bind(token, job.as_ref().map(|job| job.job_id.as_str()))
                .await;
        }
        proxy.gate.settle(ticket, job.as_ref(), &mut answer).await;
        answer
    });
    submitted.await.unwrap_or_else(|_| {
        json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The proxy failed while sending the request",
        )
    })
}

pub async fn one(
    State(proxy): Shared,
    caller: Caller,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let id = uri.path().trim_start_matches("/jobs/");
    if !route_table::is_job_id(id) {
        return json_error(StatusCode::NOT_FOUND, "Job ids are UUIDs");
    }
    // Another caller's job is as absent as a job that does not exist.
    if !caller.sees_all && proxy.ownership.owner(id).await.as_deref() != Some(&caller.id) {
        return json_error(StatusCode::NOT_FOUND, "Job not found");
    }
    let path = format!("/jobs/{id}");
    let answer = proxy
        .upstream
        .send(proxy.forward(method, path, &headers, Bytes::new()))
        .await;
    seen_by_gate(&proxy.gate, answer).await
}

pub async fn list(State(proxy): Shared, caller: Caller, uri: Uri, headers: HeaderMap) -> Response {
    let query = match route_table::list_query(uri.query()) {
        Ok(query) => query,
        Err(message) => return json_error(StatusCode::BAD_REQUEST, message),
    };
    if !caller.sees_all {
        let Ok(Query(parsed)) = Query::<ListQuery>::try_from_uri(&uri) else {
            return json_error(StatusCode::BAD_REQUEST, "limit must be a whole number");
        };
        let like = proxy.forward(Method::GET, "/jobs".to_owned(), &headers, Bytes::new());
        let listed = owned_jobs::list(
            &proxy.upstream,
            &*proxy.ownership,
            &caller.id,
            parsed,
            &like,
        )
        .await;
        return match listed {
            Ok(page) => {
                for job in &page.items {
                    proxy.gate.saw(job).await;
                }
                page.into_response()
            }
            Err(refused) => refused,
        };
    }
    let path = if query.is_empty() {
        "/jobs".to_owned()
    } else {
        format!("/jobs?{query}")
    };
    proxy
        .upstream
        .send(proxy.forward(Method::GET, path, &headers, Bytes::new()))
        .await
}

/// Fixed public paths forwarded without a query: `/openapi.json`, simulator images.
pub async fn passthrough(State(proxy): Shared, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let safe = path == "/openapi.json"
        || path
            .strip_prefix("/simulator/images/")
            .and_then(|file| file.strip_suffix(".svg"))
            .is_some_and(route_table::is_job_id);
    if !safe {
        return json_error(StatusCode::NOT_FOUND, "Not found");
    }
    let path = match uri.query() {
        Some("preview=1") => format!("{path}?preview=1"),
        _ => path.to_owned(),
    };
    proxy
        .upstream
        .send(proxy.forward(Method::GET, path, &headers, Bytes::new()))
        .await
}

#[cfg(test)]
mod tests {
    use super::is_json_media_type;

    #[test]
    fn json_is_json_in_any_case_with_parameters_and_nothing_else() {
        for json in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            " application/json ;charset=UTF-8",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in [
            "application/jsonp",
            "application/json-patch+json",
            "text/json",
            "application/x-www-form-urlencoded",
            "",
            "application/jso",
        ] {
            assert!(!is_json_media_type(other), "{other}");
        }
    }
}
