//! What a caller or an operator asks of the proxy itself: limits, health, readiness, and
//! which sites may embed the studio.

use super::Shared;
use crate::callers::Caller;
use axum::extract::State;
use axum::response::{IntoResponse, Response};

/// `GET /limits`: where the caller stands under the rate limits.
pub async fn limits(State(proxy): Shared, caller: Caller) -> Response {
    proxy.gate.standing(&caller.id, &caller.policy).await
}

/// `GET /embedders`: the sites this proxy lets embed the studio.
pub async fn embedders(State(proxy): Shared) -> Response {
    axum::Json(serde_json::json!({ "origins": proxy.embedders })).into_response()
}

/// `GET /healthz`: the process answers.
pub async fn healthz() -> Response {
    super::health::alive()
}

/// `GET /readyz`: Krea (or the simulator) and the state store both answer.
pub async fn readyz(State(proxy): Shared) -> Response {
    let state = match &proxy.redis {
        None => Ok(proxy.state.name()),
        Some(redis) => redis.ping().await.map(|()| "redis"),
    };
    proxy.readiness.check(&proxy.upstream, state).await
}
