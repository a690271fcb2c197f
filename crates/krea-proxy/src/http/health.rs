//! `/healthz` (the process answers) and `/readyz` (it can do its work: Krea answers, the
//! state store answers), in JSON, for load balancers and orchestrators. Neither needs a key,
//! and `--serve` never shadows them. Readiness is asked of Krea at most every few seconds.

use crate::upstream::{Forward, Upstream};
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long one answer about the upstream is trusted.
const FRESH_FOR: Duration = Duration::from_secs(5);
/// How long the upstream may take to answer the readiness question.
const ASK_FOR: Duration = Duration::from_secs(3);

pub fn alive() -> Response {
    Json(serde_json::json!({ "status": "alive" })).into_response()
}

/// The last answer about the upstream: when, and what went wrong if anything.
#[derive(Default)]
pub struct Readiness(Mutex<Option<(Instant, Option<&'static str>)>>);

impl Readiness {
    /// `state`: which store, or why it does not answer.
    pub async fn check(
        &self,
        upstream: &Upstream,
        state: Result<&'static str, String>,
    ) -> Response {
        let cached = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        let failure = match cached {
            Some((at, failure)) if at.elapsed() < FRESH_FOR => failure,
            _ => {
                let failure = ask(upstream).await;
                *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), failure));
                failure
            }
        };
        let (status, words) = match (failure, &state) {
            (None, Ok(_)) => (StatusCode::OK, "ready"),
            _ => (StatusCode::SERVICE_UNAVAILABLE, "not ready"),
        };
        let state = match state {
            Ok(store) => store.to_owned(),
            Err(why) => format!("unreachable: {why}"),
        };
        let body = serde_json::json!({
            "status": words,
            "upstream": failure.map_or("reachable".to_owned(), |class| format!("unreachable: {class}")),
            "state": state,
        });
        (status, Json(body)).into_response()
    }
}

/// Any HTTP answer at all from the upstream means it is reachable.
async fn ask(upstream: &Upstream) -> Option<&'static str> {
    let probe = Forward {
        method: Method::HEAD,
        path_and_query: "/openapi.json".to_owned(),
        headers: HeaderMap::new(),
        body: Bytes::new(),
        public_origin: "http://localhost".to_owned(),
    };
    match tokio::time::timeout(ASK_FOR, upstream.exchange(probe)).await {
        Ok(Ok(_)) => None,
        Ok(Err(lost)) => Some(lost.name()),
        Err(_) => Some("timeout"),
    }
}
