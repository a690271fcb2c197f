//! The HTTP side of [`crate::push`]: Krea's deliveries in (`POST /webhooks/{token}`), each
//! caller's stream out (`GET /events`, Server-Sent Events).

use super::Shared;
use crate::callers::Caller;
use crate::error::ProxyError;
use crate::push::{Delivery, Push, PushEvent};
use crate::upstream::{Forward, Upstream};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use tokio::sync::broadcast;

/// A delivery from Krea to `token`: believed only if Krea's own answer for the job agrees.
/// That answer is seen by the limits and usage too: a job that ends while its caller only
/// listens to the stream is refunded or counted all the same.
async fn delivered(
    proxy: &super::Proxy,
    push: &Push,
    upstream: &Upstream,
    token: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(delivered) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return ProxyError::BadRequest("A delivery is a job as JSON".into()).into_response();
    };
    let Some(job_id) = push.expected_job(token).await else {
        return ProxyError::NotFound("Unknown webhook".into()).into_response();
    };
    let lookup = Forward::new(
        Method::GET,
        format!("/jobs/{job_id}"),
        headers,
        Bytes::new(),
        false,
    )
    .lookup(Method::GET, format!("/jobs/{job_id}"));
    let read = crate::upstream::owned_jobs::fetch(upstream, lookup).await;
    if let Some(job) = &read {
        proxy.saw(job).await;
    }
    let outcome = match push.receive(token, &delivered, read.as_ref()).await {
        Delivery::Pushed => "pushed",
        Delivery::Repeated => "repeated",
        Delivery::Disbelieved => "disbelieved",
        Delivery::Unknown => return ProxyError::NotFound("Unknown webhook".into()).into_response(),
    };
    // Krea wants a quick 2xx; what was made of it is for the logs and tests.
    axum::Json(serde_json::json!({ "outcome": outcome })).into_response()
}

/// `caller`'s stream, resumed after `Last-Event-ID` when the browser sends one.
async fn stream(push: &Push, caller: &str, headers: &HeaderMap) -> Response {
    let last_seen = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let (missed, live) = push.subscribe(caller, last_seen).await;
    // Listening began before the kept events were read: one may come both ways. (Not
    // `last_seen`: a proxy that restarted without Redis counts from 1 again.)
    let sent = missed.last().map_or(0, |(id, _)| *id);
    let live = live_events(live).filter(move |(id, _)| std::future::ready(*id > sent));
    Sse::new(stream::iter(missed).chain(live).map(as_sse))
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn live_events(live: broadcast::Receiver<PushEvent>) -> impl Stream<Item = PushEvent> {
    stream::unfold(live, |mut live| async move {
        loop {
            match live.recv().await {
                Ok(event) => return Some((event, live)),
                // A stream too slow to keep up skips ahead; the safety-net poll catches up.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    })
}

fn as_sse((id, job): PushEvent) -> Result<Event, Infallible> {
    Ok(Event::default().id(id.to_string()).event("job").data(job))
}

/// `POST /webhooks/{token}`: a delivery from Krea, with the proxy's token in the path.
pub async fn webhook(
    State(proxy): Shared,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match &proxy.push {
        Some(push) => delivered(&proxy, push, &proxy.upstream, &token, &headers, body).await,
        None => ProxyError::NotFound("Not found".into()).into_response(),
    }
}

/// `GET /events`: the caller's pushed results.
pub async fn events(State(proxy): Shared, caller: Caller, headers: HeaderMap) -> Response {
    match &proxy.push {
        Some(push) => stream(push, &caller.id, &headers).await,
        // The studio polls when the proxy offers no stream.
        None => ProxyError::NotFound("This proxy pushes nothing: poll".into()).into_response(),
    }
}
