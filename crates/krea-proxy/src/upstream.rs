//! Where forwarded requests go: Krea over HTTPS with the token injected, or the built-in
//! simulator in-process. Both receive exactly the same filtered request.

use crate::config::Secret;
use crate::error_response::json_error;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::Response;
use axum::Router;
use std::time::Duration;
use tower::ServiceExt;

/// Request headers passed on; everything else (cookies, the client's `Authorization`,
/// client-IP headers, `X-Webhook-URL`) stays behind.
pub const FORWARDED_REQUEST_HEADERS: [HeaderName; 3] = [
    header::CONTENT_TYPE,
    header::ACCEPT,
    HeaderName::from_static("x-api-zero-data-retention"),
];
/// Response headers passed back.
pub const FORWARDED_RESPONSE_HEADERS: [HeaderName; 4] = [
    header::CONTENT_TYPE,
    header::RETRY_AFTER,
    header::CACHE_CONTROL,
    HeaderName::from_static("cross-origin-resource-policy"),
];

/// One request on its way upstream.
pub struct Forward {
    pub method: Method,
    /// Built by the route table from validated pieces.
    pub path_and_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The origin the browser used (`http://host:port`), for the simulator's image URLs.
    pub public_origin: String,
}

impl Forward {
    /// `trust_forwarded`: whether `X-Forwarded-*` headers come from a reverse proxy the
    /// operator runs, rather than from anyone.
    pub fn new(
        method: Method,
        path_and_query: String,
        incoming: &HeaderMap,
        body: Bytes,
        trust_forwarded: bool,
    ) -> Self {
        Forward {
            method,
            path_and_query,
            headers: keep(incoming, &FORWARDED_REQUEST_HEADERS),
            body,
            public_origin: public_origin(incoming, trust_forwarded),
        }
    }
}

pub enum Upstream {
    Krea {
        client: reqwest::Client,
        base: String,
        token: Secret,
    },
    Simulator(Router),
}

impl Upstream {
    pub fn krea(base: &str, token: Secret, timeout: Duration) -> Result<Self, String> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Upstream::Krea {
            client,
            base: base.trim_end_matches('/').to_owned(),
            token,
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Upstream::Krea { base, .. } => base.clone(),
            Upstream::Simulator(_) => "built-in simulator".to_owned(),
        }
    }

    pub async fn send(&self, forward: Forward) -> Response {
        match self {
            Upstream::Krea {
                client,
                base,
                token,
            } => {
                let sent = client
                    .request(forward.method, format!("{base}{}", forward.path_and_query))
                    .headers(forward.headers)
                    .bearer_auth(token.expose())
                    .body(forward.body)
                    .send()
                    .await;
                match sent {
                    Ok(reply) => {
                        let status = reply.status();
                        let headers = keep(reply.headers(), &FORWARDED_RESPONSE_HEADERS);
                        match reply.bytes().await {
                            Ok(body) => respond(status, headers, Body::from(body)),
                            Err(e) => upstream_failure(e),
                        }
                    }
                    Err(e) => upstream_failure(e),
                }
            }
            Upstream::Simulator(router) => {
                let mut request = Request::builder()
                    .method(forward.method)
                    .uri(forward.path_and_query)
                    .header(header::AUTHORIZATION, "Bearer simulator")
                    .header("x-forwarded-origin", forward.public_origin);
                if let Some(headers) = request.headers_mut() {
                    headers.extend(forward.headers);
                }
                let Ok(request) = request.body(Body::from(forward.body)) else {
                    return json_error(StatusCode::BAD_REQUEST, "Malformed request");
                };
                let reply = match router.clone().oneshot(request).await {
                    Ok(reply) => reply,
                    Err(never) => match never {},
                };
                let (parts, body) = reply.into_parts();
                respond(
                    parts.status,
                    keep(&parts.headers, &FORWARDED_RESPONSE_HEADERS),
                    body,
                )
            }
        }
    }
}

/// rustls needs one process-wide crypto provider before any client is built; installing
/// it twice is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn respond(status: StatusCode, headers: HeaderMap, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn upstream_failure(error: reqwest::Error) -> Response {
    if error.is_timeout() {
        json_error(StatusCode::GATEWAY_TIMEOUT, "Krea did not answer in time")
    } else {
        // Without the URL: it is the fixed upstream and says nothing the operator lacks.
        json_error(
            StatusCode::BAD_GATEWAY,
            format!("Krea could not be reached: {}", error.without_url()),
        )
    }
}

fn keep(headers: &HeaderMap, names: &[HeaderName]) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for name in names {
        for value in headers.get_all(name) {
            kept.append(name.clone(), value.clone());
        }
    }
    kept
}

fn public_origin(headers: &HeaderMap, trust_forwarded: bool) -> String {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    let forwarded = |name: &str| text(name).filter(|_| trust_forwarded);
    let scheme = forwarded("x-forwarded-proto").unwrap_or("http");
    let host = forwarded("x-forwarded-host")
        .or_else(|| text("host"))
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}
