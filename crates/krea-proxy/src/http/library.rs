//! Krea's asset library and styles: uploads checked before anything is forwarded and
//! streamed on; on a shared proxy, a caller lists, reads and deletes only its own assets;
//! styles are read-only, with only the query keys Krea documents.

use super::Shared;
use crate::callers::Caller;
use crate::error::ProxyError;
use crate::krea_routes;
use crate::limits::Ticket;
use crate::uploads::{form, AssetOwners};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Assets read from Krea at once while building a caller's page.
const FETCHES_AT_ONCE: usize = 8;

/// `POST /assets`.
pub async fn upload(
    State(proxy): Shared,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ProxyError> {
    let admitted = admit_upload(&proxy, &caller).await;
    let (turn, charge) = match admitted {
        Ok(taken) => taken,
        Err(refused) => {
            if let (Some(usage), true) = (&proxy.usage, refused.is_limit_refusal()) {
                usage.refused(&caller).await;
            }
            return Err(refused);
        }
    };
    let sent = send_upload(&proxy, &caller, &headers, body).await;
    let made = sent.as_ref().is_ok_and(|(made, _)| *made);
    proxy.upload_gate.settle_upload(turn, made).await;
    proxy.gate.settle_upload(charge, made).await;
    if let (true, Some(usage)) = (made, &proxy.usage) {
        usage.uploaded(&caller, proxy.gate.upload_micros()).await;
    }
    sent.map(|(_, answer)| answer)
}

/// An upload's turn under `--upload-rate`, and its charge against the caller's budgets
/// (`--price upload=USD`); the turn is given back when the budget refuses.
async fn admit_upload(
    proxy: &super::Proxy,
    caller: &Caller,
) -> Result<(Option<Ticket>, Option<Ticket>), ProxyError> {
    let turn = proxy.upload_gate.admit_upload(&caller.id).await?;
    match proxy.gate.charge_upload(&caller.id, &caller.policy).await {
        Ok(charge) => Ok((turn, charge)),
        Err(refused) => {
            proxy.upload_gate.settle_upload(turn, false).await;
            Err(refused)
        }
    }
}

#[derive(Deserialize)]
struct AssetRef {
    id: String,
    uploaded_at: String,
}

/// Checks, streams and records one upload; says whether Krea made an asset.
async fn send_upload(
    proxy: &Arc<super::Proxy>,
    caller: &Caller,
    headers: &HeaderMap,
    body: Body,
) -> Result<(bool, Response), ProxyError> {
    let outgoing = form::check(headers, body, &proxy.upload_rules).await?;
    let forward = proxy.forward(Method::POST, "/assets".to_owned(), headers, Bytes::new());
    let answer = proxy
        .upstream
        .upload(forward, &outgoing.content_type, outgoing.body)
        .await;
    // A problem found after the stream started cut it: that is the answer.
    if let Some(refusal) = outgoing
        .cut
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    {
        return Err(refusal);
    }
    let answer = answer?;
    let made = answer.status.is_success();
    if made {
        if let Ok(asset) = serde_json::from_slice::<AssetRef>(&answer.body) {
            proxy
                .keep_owner(
                    AssetOwners::id(&asset.id),
                    AssetOwners::caller(&caller.id),
                    asset.uploaded_at,
                )
                .await;
        }
    }
    Ok((made, answer.into_response()))
}

/// The query keys Krea's `GET /assets` takes.
const ASSET_QUERY_KEYS: [&str; 2] = ["limit", "cursor"];
/// The query keys Krea's `GET /styles` takes that the proxy passes on.
const STYLE_QUERY_KEYS: [&str; 6] = ["filter", "limit", "cursor", "ids", "model", "liked"];

#[derive(Deserialize)]
struct AssetListQuery {
    limit: Option<usize>,
    cursor: Option<String>,
}

/// `GET /assets`: Krea's list, or at a shared proxy the caller's own assets in its shape.
pub async fn list(
    State(proxy): Shared,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let query = krea_routes::checked_query(uri.query(), &ASSET_QUERY_KEYS, "GET /assets")
        .map_err(|m| ProxyError::BadRequest(m.into()))?;
    if caller.sees_all {
        return Ok(proxy.get_with_query("/assets", &query, &headers).await);
    }
    let Ok(Query(asked)) = Query::<AssetListQuery>::try_from_uri(&uri) else {
        return Err(ProxyError::BadRequest(
            "limit must be a whole number".into(),
        ));
    };
    let limit = asked.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ProxyError::BadRequest(
            "limit must be between 1 and 1000".into(),
        ));
    }
    let page = AssetOwners(&*proxy.ownership)
        .page(&caller.id, asked.cursor.as_deref(), limit)
        .await;
    let like = proxy.forward(Method::GET, "/assets".to_owned(), &headers, Bytes::new());
    let upstream = &proxy.upstream;
    let reads: Vec<_> = page
        .jobs
        .iter()
        .map(|(_, id)| like.lookup(Method::GET, format!("/assets/{id}")))
        .collect();
    let items: Vec<Value> = stream::iter(reads)
        .map(|forward| upstream.exchange(forward))
        .buffered(FETCHES_AT_ONCE)
        .filter_map(|answer| async move {
            // A deleted asset is gone from the list; any other trouble is the list's.
            let answer = answer.ok()?;
            (answer.status == StatusCode::OK)
                .then(|| serde_json::from_slice(&answer.body).ok())
                .flatten()
        })
        .collect()
        .await;
    let next_cursor = page
        .more
        .then(|| page.jobs.last().map(|(at, _)| at.clone()))
        .flatten();
    Ok(Json(json!({ "items": items, "next_cursor": next_cursor })).into_response())
}

/// `GET` or `DELETE /assets/{id}`: one of the caller's assets.
pub async fn one(
    State(proxy): Shared,
    caller: Caller,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let id = uri.path().trim_start_matches("/assets/");
    if !krea_routes::is_job_id(id) {
        return Err(ProxyError::NotFound("Asset ids are UUIDs".into()));
    }
    // Another caller's asset is as absent as one that does not exist.
    if !caller.sees_all
        && !AssetOwners(&*proxy.ownership)
            .is_owner(id, &caller.id)
            .await?
    {
        return Err(ProxyError::NotFound("Asset not found".into()));
    }
    let forward = proxy.forward(method, format!("/assets/{id}"), &headers, Bytes::new());
    Ok(proxy.upstream.send(forward).await)
}

/// `GET /styles`.
pub async fn styles(
    State(proxy): Shared,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let query = krea_routes::checked_query(uri.query(), &STYLE_QUERY_KEYS, "GET /styles")
        .map_err(|m| ProxyError::BadRequest(m.into()))?;
    Ok(proxy.get_with_query("/styles", &query, &headers).await)
}

/// `GET /styles/{id}`.
pub async fn style(
    State(proxy): Shared,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let id = uri.path().trim_start_matches("/styles/");
    if !krea_routes::is_style_id(id) {
        return Err(ProxyError::NotFound("Style not found".into()));
    }
    let forward = proxy.forward(Method::GET, format!("/styles/{id}"), &headers, Bytes::new());
    Ok(proxy.upstream.send(forward).await)
}
