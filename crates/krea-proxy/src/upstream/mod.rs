//! Where forwarded requests go: Krea over HTTPS with the token injected, or the built-in
//! simulator in-process. Both receive exactly the same filtered request.

pub mod krea;
pub mod owned_jobs;
pub mod submit;

use crate::error::{Lost, ProxyError};
use crate::secret::Secret;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use axum::response::IntoResponse;
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
#[derive(Clone)]
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

    /// A request of the proxy's own (no body, no caller headers) on behalf of this one.
    pub fn lookup(&self, method: Method, path_and_query: String) -> Self {
        Forward {
            method,
            path_and_query,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            public_origin: self.public_origin.clone(),
        }
    }
}

pub enum Upstream {
    /// Boxed: its per-thread clients make it large, and it is made once.
    Krea(Box<krea::Krea>),
    Simulator(Router),
}

impl Upstream {
    pub fn krea(base: &str, token: Secret, timeout: Duration) -> Result<Self, String> {
        krea::Krea::new(base, token, timeout).map(|krea| Upstream::Krea(Box::new(krea)))
    }

    pub fn describe(&self) -> String {
        match self {
            Upstream::Krea(krea) => krea.describe(),
            Upstream::Simulator(_) => "built-in simulator".to_owned(),
        }
    }

    /// Forwards the request and returns the answer as it arrived.
    pub async fn send(&self, forward: Forward) -> Response {
        match self {
            Upstream::Krea(_) => match self.exchange(forward).await {
                Ok(answer) => answer.into_response(),
                Err(lost) => ProxyError::from(lost).into_response(),
            },
            // Streamed, not buffered: simulated pictures need not sit in memory.
            Upstream::Simulator(router) => {
                let body = Body::from(forward.body.clone());
                let (parts, body) = simulate(router, forward, body).await.into_parts();
                respond(
                    parts.status,
                    keep(&parts.headers, &FORWARDED_RESPONSE_HEADERS),
                    body,
                )
            }
        }
    }

    /// Forwards the request and reads the whole answer, or says why none arrived: then
    /// whether Krea acted on the request is unknown.
    pub async fn exchange(&self, forward: Forward) -> Result<Answer, Lost> {
        match self {
            Upstream::Krea(krea) => krea.exchange(forward).await,
            Upstream::Simulator(_) => {
                let body = Body::from(forward.body.clone());
                self.exchange_with(forward, body).await
            }
        }
    }

    /// The simulator's answer to `forward` with `body`, read whole.
    async fn exchange_with(&self, forward: Forward, body: Body) -> Result<Answer, Lost> {
        let Upstream::Simulator(router) = self else {
            return Err(Lost::Reset);
        };
        let (parts, body) = simulate(router, forward, body).await.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|_| Lost::Reset)?;
        Ok(Answer {
            status: parts.status,
            headers: keep(&parts.headers, &FORWARDED_RESPONSE_HEADERS),
            body,
        })
    }
}

/// How long an upload may take to reach Krea in all: stalls are caught sooner, by the
/// upload's own idle limit.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);

impl Upstream {
    /// Sends `forward` (its method, path and origin) with a streamed body of
    /// `content_type`, and reads the whole answer: an upload, never held whole in memory.
    pub async fn upload(
        &self,
        forward: Forward,
        content_type: &str,
        body: Body,
    ) -> Result<Answer, Lost> {
        let content_type = HeaderValue::from_str(content_type).map_err(|_| Lost::Reset)?;
        match self {
            Upstream::Krea(krea) => {
                let reply = krea
                    .request(forward.method, &forward.path_and_query)
                    .header(header::CONTENT_TYPE, content_type)
                    .timeout(UPLOAD_TIMEOUT)
                    .body(reqwest::Body::wrap_stream(body.into_data_stream()))
                    .send()
                    .await
                    .map_err(Lost::from)?;
                Answer::read(reply).await
            }
            Upstream::Simulator(_) => {
                let mut headers = HeaderMap::new();
                headers.insert(header::CONTENT_TYPE, content_type);
                let forward = Forward { headers, ..forward };
                self.exchange_with(forward, body).await
            }
        }
    }
}

/// Krea's answer passed on as it came (its kept headers only).
impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        respond(self.status, self.headers, Body::from(self.body))
    }
}

/// A whole answer from upstream.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    /// Krea's reply read whole, its kept headers only.
    async fn read(reply: reqwest::Response) -> Result<Answer, Lost> {
        let status = reply.status();
        let headers = keep(reply.headers(), &FORWARDED_RESPONSE_HEADERS);
        let body = reply.bytes().await.map_err(Lost::from)?;
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

impl From<reqwest::Error> for Lost {
    fn from(error: reqwest::Error) -> Self {
        let timed_out = error.is_timeout();
        lost(&error.without_url(), timed_out)
    }
}

/// The class of a failure, said in the log (no URL is in these errors).
fn lost(error: &(dyn std::error::Error + 'static), timed_out: bool) -> Lost {
    let class = if timed_out {
        Lost::Timeout
    } else {
        classify(error)
    };
    tracing::warn!(class = class.name(), "upstream failure: {error}");
    class
}

/// Reads the class from the error and its causes.
fn classify(error: &(dyn std::error::Error + 'static)) -> Lost {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut words = String::new();
    while let Some(error) = cause {
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return Lost::Refused,
                std::io::ErrorKind::TimedOut => return Lost::Timeout,
                _ => {}
            }
        }
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            if matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            ) {
                return Lost::Certificate;
            }
        }
        words.push_str(&error.to_string().to_lowercase());
        words.push(' ');
        cause = error.source();
    }
    if words.contains("certificate") {
        Lost::Certificate
    } else if words.contains("dns error") || words.contains("failed to lookup address") {
        Lost::NameResolution
    } else if words.contains("connection refused") {
        Lost::Refused
    } else {
        Lost::Reset
    }
}

/// The in-process simulator's reply to `forward` with `body`.
async fn simulate(router: &Router, forward: Forward, body: Body) -> Response {
    match router
        .clone()
        .oneshot(simulator_request(forward, body))
        .await
    {
        Ok(reply) => reply,
        Err(never) => match never {},
    }
}

fn simulator_request(forward: Forward, body: Body) -> Request<Body> {
    let mut request = Request::builder()
        .method(forward.method)
        .uri(forward.path_and_query)
        .header(header::AUTHORIZATION, "Bearer simulator")
        .header("x-forwarded-origin", forward.public_origin);
    if let Some(headers) = request.headers_mut() {
        headers.extend(forward.headers);
    }
    request
        .body(body)
        .expect("a request built from validated parts")
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
