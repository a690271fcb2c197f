//! `POST /receipts`: a receipt for an image an embedded visitor chose, signed for the site the
//! visitor's studio is embedded in (`krea_api::receipt`), so that site's server can check
//! where the image came from and what it cost without asking the proxy. Only for a job the
//! caller made here, through a session of that site, once Krea says it completed.

use super::Shared;
use crate::callers::Caller;
use crate::error::ProxyError;
use crate::upstream::owned_jobs;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use axum::Json;
use krea_api::receipt::{self, ReceiptClaims};
use krea_api::{is_job_id, Job, JobStatus};

#[derive(serde::Deserialize)]
pub struct AskReceipt {
    job_id: String,
}

pub async fn receipt(
    State(proxy): Shared,
    caller: Caller,
    headers: HeaderMap,
    Json(ask): Json<AskReceipt>,
) -> Result<Response, ProxyError> {
    let Some(secret) = &proxy.receipt_secret else {
        return Err(ProxyError::NotFound(
            "This proxy does not sign receipts (it has no KREA_PROXY_RECEIPT_SECRET)".into(),
        ));
    };
    let Some(origin) = &caller.site else {
        return Err(ProxyError::Forbidden(
            "Receipts are for the visitors of a site that embeds the studio".into(),
        ));
    };
    if !is_job_id(&ask.job_id) {
        return Err(ProxyError::BadRequest("job_id is not a Krea job id".into()));
    }
    let no_such_job = || ProxyError::NotFound("No such job".into());
    if proxy.ownership.owner(&ask.job_id).await?.as_deref() != Some(caller.id.as_str()) {
        return Err(no_such_job());
    }
    let lookup = proxy.forward(
        Method::GET,
        format!("/jobs/{}", ask.job_id),
        &headers,
        Bytes::new(),
    );
    let job: Job = owned_jobs::fetch(&proxy.upstream, lookup)
        .await
        .and_then(|job| serde_json::from_value(job).ok())
        .ok_or_else(no_such_job)?;
    let urls = job.urls();
    if job.status != JobStatus::Completed || urls.is_empty() {
        return Err(ProxyError::Conflict {
            message: "The job has no images yet: a receipt is for a completed job".into(),
            retry_after: std::time::Duration::from_secs(2),
        });
    }
    let price = proxy.ownership.price(&ask.job_id).await;
    let claims = ReceiptClaims {
        v: 1,
        job_id: ask.job_id,
        urls,
        price_usd: price.map(|micros| micros as f64 / 1_000_000.0),
        origin: origin.clone(),
        issued_at: crate::state::rfc3339(crate::state::now_ms()),
    };
    let site_secret = receipt::site_secret(secret.expose(), origin);
    Ok(Json(receipt::sign(&site_secret, &claims)).into_response())
}
