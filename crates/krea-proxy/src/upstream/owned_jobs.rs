//! `GET /jobs` for a caller who sees only its own jobs: Krea's list shape (`{items,
//! next_cursor}`), newest first, Krea's cursor meaning (jobs created before it), each job
//! as Krea reports it now. The jobs are read from Krea's own list (a page or three, from
//! the same cursor), so a studio polling its jobs in flight with one list costs Krea one
//! list too; only a job that list does not reach (other callers of the same Krea account
//! made many since) is read on its own.

use crate::error::ProxyError;
use crate::ownership::Ownership;
use crate::upstream::{Forward, Upstream};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Jobs fetched from Krea at once while building a page.
const FETCHES_AT_ONCE: usize = 8;
/// Pages of Krea's own list read at most for one page of a caller's jobs.
const KREA_PAGES: usize = 3;

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
) -> Result<Page, ProxyError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ProxyError::BadRequest(
            "limit must be between 1 and 1000".into(),
        ));
    }
    let page = ownership.page(caller, query.cursor.as_deref(), limit).await;
    let mut found = from_krea_list(upstream, like, &page.jobs, query.cursor.as_deref()).await;
    let missing = page
        .jobs
        .iter()
        .filter(|(_, id)| !found.contains_key(id))
        .map(|(_, id)| like.lookup(Method::GET, format!("/jobs/{id}")))
        .collect::<Vec<_>>();
    let read_alone: Vec<serde_json::Value> = stream::iter(missing)
        .map(|lookup| fetch(upstream, lookup))
        .buffered(FETCHES_AT_ONCE)
        .filter_map(std::future::ready)
        .collect()
        .await;
    for job in read_alone {
        if let Some(id) = job["job_id"].as_str() {
            found.insert(id.to_owned(), job);
        }
    }
    let items: Vec<serde_json::Value> = page
        .jobs
        .iter()
        .filter_map(|(_, id)| found.remove(id))
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

/// The `jobs` (newest first) found in Krea's own list from `cursor` on, by id: up to
/// [`KREA_PAGES`] pages, stopping once every one is found or the list is past the oldest.
async fn from_krea_list(
    upstream: &Upstream,
    like: &Forward,
    jobs: &[(String, String)],
    cursor: Option<&str>,
) -> HashMap<String, serde_json::Value> {
    let mut found = HashMap::new();
    let Some((oldest, _)) = jobs.last() else {
        return found;
    };
    let wanted: HashSet<&str> = jobs.iter().map(|(_, id)| id.as_str()).collect();
    // Room for other callers' jobs between these.
    let limit = (jobs.len() * 2 + 20).min(1000).to_string();
    let mut cursor = cursor.map(str::to_owned);
    for _ in 0..KREA_PAGES {
        let mut query = vec![("limit", limit.as_str())];
        if let Some(cursor) = &cursor {
            query.push(("cursor", cursor));
        }
        let query = serde_urlencoded::to_string(&query).unwrap_or_default();
        let lookup = like.lookup(Method::GET, format!("/jobs?{query}"));
        let Some(listed) = fetch(upstream, lookup).await else {
            break;
        };
        let items = listed["items"].as_array().cloned().unwrap_or_default();
        let reached_oldest = items
            .last()
            .and_then(|job| job["created_at"].as_str())
            .is_none_or(|created| created <= oldest.as_str());
        for job in items {
            if let Some(id) = job["job_id"].as_str().filter(|id| wanted.contains(id)) {
                found.insert(id.to_owned(), job);
            }
        }
        cursor = listed["next_cursor"].as_str().map(str::to_owned);
        if found.len() == wanted.len() || reached_oldest || cursor.is_none() {
            break;
        }
    }
    found
}

/// One job as Krea reports it, or `None` if Krea does not (any more).
pub async fn fetch(upstream: &Upstream, lookup: Forward) -> Option<serde_json::Value> {
    let answer = upstream.exchange(lookup).await.ok()?;
    (answer.status == StatusCode::OK)
        .then(|| serde_json::from_slice(&answer.body).ok())
        .flatten()
}
