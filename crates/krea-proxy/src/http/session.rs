//! `POST /session`: anonymous sessions for a public proxy without access keys.

use super::Shared;
use crate::callers::Identity;
use crate::config::{SESSION_HEADER, SITE_HEADER};
use crate::error::ProxyError;
use axum::extract::{Extension, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};

/// `POST /session`: the session a caller sent back when it is still good, else a new one.
/// New sessions are rationed per client address, so nobody mints identities to escape the
/// per-caller limits (the daily budget caps them all anyway). An embedded studio names the
/// site it is in (`x-krea-site`): its session is that site's, if the site is listed with
/// `--allow-embed`, and a kept session of another site is replaced.
///
/// The site is what the visitor's browser says the frame's parent is: it tells an honest
/// studio's visitors apart by site, it is not proof of where a request came from (nothing
/// anonymous is). Someone calling the API by hand may claim a site and spend its allowance,
/// which is why an allowance is a cap.
pub async fn session(
    State(proxy): Shared,
    connect: Option<Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
) -> Response {
    let identity = proxy.identity.current();
    let Identity::Sessions(sessions) = &*identity else {
        return ProxyError::NotFound("This proxy does not issue sessions".into()).into_response();
    };
    let site = headers
        .get(SITE_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|origin| sessions.lists(origin));
    let given = headers.get(SESSION_HEADER).map(HeaderValue::as_bytes);
    let still_good = |token: &&[u8]| {
        sessions
            .verify(token)
            .is_some_and(|session| session.site.as_deref() == site)
    };
    if let Some(token) = given.filter(still_good) {
        let token = String::from_utf8_lossy(token).into_owned();
        return axum::Json(serde_json::json!({ "session": token })).into_response();
    }
    let address = client_address(&headers, connect.map(|c| c.0 .0), proxy.trust_forwarded);
    if let Err(refused) = proxy.gate.ration_sessions(&address).await {
        return refused.into_response();
    }
    axum::Json(serde_json::json!({ "session": sessions.issue(site) })).into_response()
}

/// The client's address: the socket's, or the first `X-Forwarded-For` hop behind a reverse
/// proxy the operator trusts.
pub fn client_address(
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
    trust_forwarded: bool,
) -> String {
    let forwarded = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|_| trust_forwarded);
    match (forwarded, peer) {
        (Some(hop), _) => hop.to_owned(),
        (None, Some(peer)) => peer.ip().to_string(),
        (None, None) => "unknown".to_owned(),
    }
}
