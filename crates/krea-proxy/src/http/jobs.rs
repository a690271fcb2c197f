//! Krea's job routes: generate, list, read and cancel a job, and the fixed public paths
//! forwarded as they are.

use super::Shared;
use crate::callers::Caller;
use crate::error::ProxyError;
use crate::idempotency;
use crate::krea_routes;
use crate::limits::admission::{rate_headers, Made};
use crate::upstream::owned_jobs::{self, ListQuery};
use crate::upstream::submit::{How, SubmitError};
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use krea_api::Endpoint;
use std::sync::Arc;

/// `application/json`, in any case, with or without parameters (`; charset=utf-8`), and
/// nothing else (`application/jsonp` is not JSON).
fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// The checks on a generate request before anything is taken or sent: the model path, the
/// allowlist, the media type, and the idempotency key (each caller's keys are its own:
/// another caller's key replays nothing).
fn checked_generate<'a>(
    allow_models: &[String],
    caller: &Caller,
    uri: &'a Uri,
    headers: &HeaderMap,
) -> Result<(Endpoint, &'a str, Option<String>), ProxyError> {
    let (endpoint, model) = krea_routes::model_path(uri.path())
        .ok_or(ProxyError::NotFound("Not a Krea image model path".into()))?;
    if !allow_models.is_empty() && !allow_models.iter().any(|m| m == model) {
        return Err(ProxyError::Forbidden(
            format!("This proxy does not allow the model {model}").into(),
        ));
    }
    if !caller.policy.allows(model) {
        return Err(ProxyError::Forbidden(
            format!("Your key may not use the model {model}").into(),
        ));
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json_media_type);
    if !is_json {
        return Err(ProxyError::UnsupportedMediaType(
            "Send the request body as application/json".into(),
        ));
    }
    let key = match headers.get(idempotency::HEADER) {
        None => None,
        Some(value) => {
            let key = value
                .to_str()
                .ok()
                .filter(|key| idempotency::is_valid_key(key))
                .ok_or(ProxyError::BadRequest(
                    "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
                ))?;
            Some(format!("{}\u{1f}{key}", caller.id))
        }
    };
    Ok((endpoint, model, key))
}

pub async fn generate(
    State(proxy): Shared,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ProxyError> {
    let (endpoint, model, key) = checked_generate(&proxy.allow_models, &caller, &uri, &headers)?;
    let path = format!("{}{model}", endpoint.prefix());
    // The whole path: an enhancer and an image model never share a key's fingerprint.
    let fingerprint = idempotency::fingerprint(&path, &body);
    let model = model.to_owned();
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
    // Usage counts the price; a visitor of an embedding site may ask for a receipt, which
    // states it.
    let signs_receipts = caller.site.is_some() && proxy.receipt_secret.is_some();
    let price = (proxy.usage.is_some() || signs_receipts)
        .then(|| proxy.gate.price(&model, &forward.body))
        .flatten();
    let receipt_price = price.filter(|_| signs_receipts);
    let proxy = Arc::clone(&proxy);
    // Runs to the end even if the caller hangs up: the key's outcome must be recorded (or
    // the caller's retry would wait on it forever), and what admission took settled.
    let submitted = tokio::spawn(async move {
        let admitted = proxy
            .gate
            .admit(&caller.id, &caller.policy, &model, &forward.body)
            .await;
        let ticket = match admitted {
            Ok(ticket) => ticket,
            Err(refused) => {
                if let (Some(usage), true) = (&proxy.usage, refused.is_limit_refusal()) {
                    usage.refused(&caller).await;
                }
                return Err(refused);
            }
        };
        let key = key.as_deref().map(|key| (key, fingerprint));
        let submitted = proxy.submits.submit(&proxy.upstream, key, forward).await;
        let job = submitted.as_ref().ok().map(|submitted| &submitted.job);
        if let Some(job) = job {
            proxy
                .keep_owner(
                    job.job_id.clone(),
                    caller.id.clone(),
                    job.created_at.clone(),
                )
                .await;
            if let Some(micros) = receipt_price {
                proxy.ownership.note_price(&job.job_id, micros).await;
            }
        }
        if let (Some(push), Some((token, _))) = (&proxy.push, &hook) {
            push.bind(token, job.map(|job| job.job_id.as_str())).await;
        }
        let made = match &submitted {
            // A replay made no new job: this request takes nothing.
            Ok(submitted) if submitted.how == How::Replayed => Made::Nothing,
            Ok(submitted) => Made::Job(&submitted.job),
            Err(SubmitError::NotMade(_)) => Made::Nothing,
            Err(SubmitError::Unknown) => Made::Unknown,
        };
        if let (Made::Job(job), Some(usage)) = (made, &proxy.usage) {
            usage.made(&caller, &job.job_id, &model, price).await;
        }
        let rates = proxy.gate.settle(&caller.policy, ticket, made).await;
        let mut answer = match submitted {
            Ok(submitted) => submitted.into_response(),
            Err(failed) => failed.into_response(),
        };
        rate_headers(&rates, answer.headers_mut());
        Ok::<Response, ProxyError>(answer)
    });
    submitted.await.unwrap_or_else(|_| {
        Err(ProxyError::Internal(
            "The proxy failed while sending the request".into(),
        ))
    })
}

/// `GET` or `DELETE /jobs/{id}`: one of the caller's jobs. The limits and usage see the
/// answer: a job that ended frees its caller's slot, a failed or cancelled one is refunded.
pub async fn one(
    State(proxy): Shared,
    caller: Caller,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let id = uri.path().trim_start_matches("/jobs/");
    if !krea_routes::is_job_id(id) {
        return Err(ProxyError::NotFound("Job ids are UUIDs".into()));
    }
    // Another caller's job is as absent as a job that does not exist.
    if !caller.sees_all && proxy.ownership.owner(id).await?.as_deref() != Some(&caller.id) {
        return Err(ProxyError::NotFound("Job not found".into()));
    }
    let path = format!("/jobs/{id}");
    let forward = proxy.forward(method, path, &headers, Bytes::new());
    if !proxy.reads_jobs() {
        return Ok(proxy.upstream.send(forward).await);
    }
    let answer = proxy.upstream.exchange(forward).await?;
    if answer.status.is_success() {
        if let Ok(job) = serde_json::from_slice::<serde_json::Value>(&answer.body) {
            proxy.saw(&job).await;
        }
    }
    Ok(answer.into_response())
}

/// `GET /jobs`: Krea's list, or at a shared proxy the caller's own jobs in its shape.
pub async fn list(
    State(proxy): Shared,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let query =
        krea_routes::list_query(uri.query()).map_err(|m| ProxyError::BadRequest(m.into()))?;
    if !caller.sees_all {
        let Ok(Query(parsed)) = Query::<ListQuery>::try_from_uri(&uri) else {
            return Err(ProxyError::BadRequest(
                "limit must be a whole number".into(),
            ));
        };
        let like = proxy.forward(Method::GET, "/jobs".to_owned(), &headers, Bytes::new());
        let page = owned_jobs::list(
            &proxy.upstream,
            &*proxy.ownership,
            &caller.id,
            parsed,
            &like,
        )
        .await?;
        for job in &page.items {
            proxy.saw(job).await;
        }
        return Ok(page.into_response());
    }
    Ok(proxy.get_with_query("/jobs", &query, &headers).await)
}

/// Fixed public paths forwarded without a query: `/openapi.json`, simulator images.
pub async fn passthrough(
    State(proxy): Shared,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let path = uri.path();
    let safe = path == "/openapi.json" || krea_routes::is_simulator_file(path);
    if !safe {
        return Err(ProxyError::NotFound("Not found".into()));
    }
    let path = match uri.query() {
        Some("preview=1") => format!("{path}?preview=1"),
        _ => path.to_owned(),
    };
    Ok(proxy
        .upstream
        .send(proxy.forward(Method::GET, path, &headers, Bytes::new()))
        .await)
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
