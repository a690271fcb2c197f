//! `GET /jobs` for a caller who sees only its own jobs: Krea's list shape (`{items,
//! next_cursor}`), newest first, Krea's cursor meaning (jobs created before it), each job
//! as Krea reports it now.

use crate::error_response::json_error;
use crate::ownership::Ownership;
use crate::upstream::{Forward, Upstream};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;

/// Jobs fetched from Krea at once while building a page.
const FETCHES_AT_ONCE: usize = 8;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub cursor: Option<String>,
    pub limit: Option<usize>,
    /// `types` is accepted and not applied: every job made here is an image job.
    pub status: Option<String>,
}

/// One page of the caller's jobs, as Krea reports them now.
pub struct Page {
    pub items: Vec<serde_json::Value>,
    pub next_cursor: Option<String>,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        Json(serde_json::json!({ "items": self.items, "next_cursor": self.next_cursor }))
            .into_response()
    }
}

pub async fn list(
    upstream: &Upstream,
    ownership: &dyn Ownership,
    caller: &str,
    query: ListQuery,
    like: &Forward,
) -> Result<Page, Response> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(json_error(
            StatusCode::BAD_REQUEST,
            "limit must be between 1 and 1000",
        ));
    }
    let page = ownership.page(caller, query.cursor.as_deref(), limit).await;
    let lookups = page
        .jobs
        .iter()
        .map(|(_, id)| like.lookup(Method::GET, format!("/jobs/{id}")))
        .collect::<Vec<_>>();
    let fetched: Vec<Option<serde_json::Value>> = stream::iter(lookups)
        .map(|lookup| fetch(upstream, lookup))
        .buffered(FETCHES_AT_ONCE)
        .collect()
        .await;
    let items: Vec<serde_json::Value> = fetched
        .into_iter()
        .flatten()
        .filter(|job| {
            query
                .status
                .as_deref()
                .is_none_or(|status| job["status"] == status)
        })
        .collect();
    let next_cursor = page
        .more
        .then(|| page.jobs.last().map(|(created, _)| created.clone()))
        .flatten();
    Ok(Page { items, next_cursor })
}

/// One job as Krea reports it, or `None` if Krea does not (any more).
pub async fn fetch(upstream: &Upstream, lookup: Forward) -> Option<serde_json::Value> {
    let answer = upstream.exchange(lookup).await.ok()?;
    (answer.status == StatusCode::OK)
        .then(|| serde_json::from_slice(&answer.body).ok())
        .flatten()
}
