//! The proxy's HTTP surface: the fixed route table, access key, CORS, size cap, timeout,
//! and (with `--serve`) the built app from the same origin.

use crate::admission::{Gate, RATE_LIMIT, RATE_LIMIT_POLICY};
use crate::callers::{Caller, Identity, Sessions, Unidentified};
use crate::config::{Config, ACCESS_KEY_HEADER, SESSION_HEADER};
use crate::error_response::json_error;
use crate::idempotency;
use crate::owned_jobs::{self, ListQuery};
use crate::ownership::Ownership;
use crate::push::Push;
use crate::route_table::{self, GENERATE_PREFIX};
use crate::serve_headers::ServeHeaders;
use crate::simulator::{self, SimConfig};
use crate::state::Stores;
use crate::submit::{Submits, OUTCOME_HEADER};
use crate::upstream::{Forward, Upstream};
use axum::body::Bytes;
use axum::extract::{Extension, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

struct Proxy {
    upstream: Upstream,
    submits: Submits,
    ownership: Box<dyn Ownership>,
    gate: Gate,
    readiness: crate::health::Readiness,
    redis: Option<crate::redis_state::RedisState>,
    identity: Arc<Identity>,
    allow_models: Vec<String>,
    trust_forwarded: bool,
    /// With `--public-url`: webhooks in, pushed results out.
    push: Option<Push>,
    /// `--simulate` without `--public-url`: this process plays Krea as a whole, so a
    /// caller's `X-Webhook-URL` is Krea's documented header and goes to the simulator.
    simulates_webhooks: bool,
}

impl Proxy {
    fn forward(&self, method: Method, path: String, headers: &HeaderMap, body: Bytes) -> Forward {
        Forward::new(method, path, headers, body, self.trust_forwarded)
    }
}

type Shared = State<Arc<Proxy>>;

/// The upstream the flags ask for: the simulator, or Krea with the token from the environment.
pub fn upstream(config: &Config) -> Result<Upstream, String> {
    if config.simulate {
        return Ok(Upstream::Simulator(simulator::router(SimConfig {
            job_duration: Duration::from_millis(config.sim_job_ms),
            new_model: config.sim_new_model,
            latency: Duration::from_millis(config.sim_latency_ms),
            faults: config.sim_faults(),
            webhooks: simulator::webhooks::WebhookFaults {
                duplicate: config.sim_webhook_duplicate,
                delay: Duration::from_millis(config.sim_webhook_delay_ms),
                loss_rate: config.sim_webhook_loss_rate,
            },
        })));
    }
    let token = config.token.clone().ok_or_else(|| {
        format!(
            "{} is not set: export your Krea API token, or run with --simulate",
            crate::config::TOKEN_ENV
        )
    })?;
    Upstream::krea(&config.upstream, token, config.upstream_timeout())
}

/// A proxy anyone on the network can reach, spending real money, with no key and no
/// limit, is refused: whoever finds it could spend the whole balance. `--allow-unlimited`
/// accepts that knowingly.
pub fn check_exposure(config: &Config) -> Result<(), String> {
    let private = config.listen.ip().is_loopback();
    let keyed = config.access_key.is_some() || config.access_keys.is_some();
    let limited = !config.rates.is_empty()
        || config.max_in_flight.is_some()
        || config.daily_budget_usd.is_some();
    if private || keyed || limited || config.simulate || config.allow_unlimited {
        return Ok(());
    }
    Err(format!(
        "refusing to listen on {} with no access key and no limits: anyone who reaches it \
         could spend your whole Krea balance. Set {} or {}, or limits (--rate, \
         --max-in-flight, --daily-budget-usd), or pass --allow-unlimited to accept that",
        config.listen,
        crate::config::ACCESS_KEY_ENV,
        crate::config::ACCESS_KEYS_ENV
    ))
}

/// The proxy's routes, with its state in memory. Fails when the access keys are
/// misconfigured, saying how.
pub fn router(config: &Config, upstream: Upstream) -> Result<Router, String> {
    router_with(config, upstream, Stores::memory())
}

/// Pushed results for `public_url`: kept in Redis and heard by every replica when the
/// state is there, else in this process.
fn push(public_url: &str, redis: Option<&crate::redis_state::RedisState>) -> Push {
    match redis {
        Some(redis) => {
            let push = Push::with_records(public_url, Box::new(redis.clone()), true);
            crate::push_redis::listen(redis.clone(), push.live_streams());
            push
        }
        None => Push::in_memory(public_url),
    }
}

/// The proxy's routes, with its state where `stores` keep it.
pub fn router_with(config: &Config, upstream: Upstream, stores: Stores) -> Result<Router, String> {
    let identity = Arc::new(identity(config, stores.session_secret.clone())?);
    let push = config
        .public_url
        .as_deref()
        .map(|url| push(url, stores.redis.as_ref()));
    let proxy = Arc::new(Proxy {
        upstream,
        submits: Submits::new(stores.idempotency),
        ownership: stores.ownership,
        gate: Gate::new(config, stores.limits)?,
        redis: stores.redis,
        identity: Arc::clone(&identity),
        readiness: crate::health::Readiness::default(),
        allow_models: config.allow_models.clone(),
        trust_forwarded: config.trust_forwarded_headers,
        push,
        simulates_webhooks: config.simulate && config.public_url.is_none(),
    });
    let mut api = route_table::job_routes(post(generate), get(list_jobs), get(job).delete(job))
        .route("/openapi.json", get(passthrough))
        .route("/limits", get(limits))
        .route("/events", get(events));
    // HEAD would answer a GET's headers without its body: not for API calls.
    api = api.layer(middleware::from_fn(
        |request: Request, next: Next| async move {
            if request.method() == Method::HEAD {
                return json_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
            }
            next.run(request).await
        },
    ));
    // Every API request has a caller (or is refused): handlers read it as an extension.
    api = api.layer(middleware::from_fn(
        move |mut request: Request, next: Next| {
            let identity = Arc::clone(&identity);
            async move {
                let given = request.headers().get(ACCESS_KEY_HEADER);
                let session = request.headers().get(SESSION_HEADER);
                match identity.identify(
                    given.map(HeaderValue::as_bytes),
                    session.map(HeaderValue::as_bytes),
                ) {
                    Ok(caller) => {
                        request.extensions_mut().insert(caller.clone());
                        let mut response = next.run(request).await;
                        // For the access log, which sees only the answer.
                        response.extensions_mut().insert(caller);
                        response
                    }
                    Err(Unidentified::BadKey) => json_error(
                        StatusCode::UNAUTHORIZED,
                        format!(
                            "This proxy needs its access key in the {ACCESS_KEY_HEADER} header"
                        ),
                    ),
                    Err(Unidentified::NoSession) => (
                        StatusCode::UNAUTHORIZED,
                        axum::Json(serde_json::json!({
                            "error": "This proxy needs a session: ask POST /session for one",
                            "code": "session_required",
                        })),
                    )
                        .into_response(),
                }
            }
        },
    ));
    if config.simulate {
        // Simulated pictures are public, like Krea's own image URLs.
        api = api.route("/simulator/images/{file}", get(passthrough));
    }
    // Never behind a key, never shadowed by the served app.
    let embedders = crate::serve_headers::embedder_origins(&config.allow_embed)?;
    let listed = serde_json::json!({ "origins": embedders });
    let api = api
        .route("/session", post(session))
        // Krea's deliveries: the token in the path is the credential.
        .route("/webhooks/{token}", post(webhook))
        // Which sites may show the studio in a frame: an embedded studio talks to its host
        // page only when this proxy lists it, so a page cannot spend through a framed studio.
        .route(
            "/embedders",
            get(move || {
                let listed = listed.clone();
                async move { axum::Json(listed) }
            }),
        )
        .route("/healthz", get(|| async { crate::health::alive() }))
        .route(
            "/readyz",
            get(|State(proxy): Shared| async move {
                let state = match &proxy.redis {
                    None => Ok("memory"),
                    Some(redis) => redis.ping().await.map(|()| "redis"),
                };
                proxy.readiness.check(&proxy.upstream, state).await
            }),
        );
    let app = match &config.serve {
        Some(dir) => {
            let own_upstream = (!config.simulate && config.upstream != crate::config::KREA_API)
                .then_some(config.upstream.as_str());
            let security = ServeHeaders::for_dist(dir, &embedders, own_upstream)?;
            api.merge(crate::static_files::service(dir, security))
        }
        None => api.fallback(|| async { json_error(StatusCode::NOT_FOUND, "Not found") }),
    };
    Ok(app
        .method_not_allowed_fallback(|| async {
            json_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
        })
        .layer(RequestBodyLimitLayer::new(config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            config.upstream_timeout() + Duration::from_secs(5),
        ))
        .layer(cors(&config.allow_origins))
        .layer(middleware::from_fn(sane_head))
        .layer(middleware::from_fn(crate::access_log::log))
        .with_state(proxy))
}

/// `application/json`, in any case, with or without parameters (`; charset=utf-8`), and
/// nothing else (`application/jsonp` is not JSON).
fn is_json_media_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// Request heads larger than this are no API call.
const HEAD_LIMIT: usize = 32 * 1024;

/// A sane request head: one Host for HTTP/1.1 (RFC 9112: two are ambiguous about where it
/// is going, none is malformed), and headers of at most [`HEAD_LIMIT`] bytes in all.
async fn sane_head(request: Request, next: Next) -> Response {
    let hosts = request.headers().get_all(header::HOST).iter().count();
    let needs_host = request.version() == axum::http::Version::HTTP_11;
    if hosts > 1 || (hosts == 0 && needs_host) {
        return json_error(StatusCode::BAD_REQUEST, "A request names one Host");
    }
    let size: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if size > HEAD_LIMIT {
        return json_error(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "The request's headers are too large",
        );
    }
    next.run(request).await
}

/// Notes who made the job a generate request answered with (made, replayed or found), and
/// hands the job back with the answer.
async fn owned_by(
    ownership: &dyn Ownership,
    caller: &Caller,
    answer: Response,
) -> (Option<krea_api::Job>, Response) {
    if answer.status() != StatusCode::OK {
        return (None, answer);
    }
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(body, 1024 * 1024)
        .await
        .unwrap_or_default();
    let job = serde_json::from_slice::<krea_api::Job>(&body).ok();
    if let Some(job) = &job {
        ownership
            .record(&job.job_id, &caller.id, &job.created_at)
            .await;
    }
    (
        job,
        Response::from_parts(parts, axum::body::Body::from(body)),
    )
}

/// How callers are told apart: named keys; anonymous sessions on a public proxy without
/// keys (or with `--sessions`); else the one local person.
fn identity(config: &Config, shared_secret: Option<Vec<u8>>) -> Result<Identity, String> {
    let keyed = Identity::from_keys(config.access_key.as_ref(), config.access_keys.as_ref())?;
    let public = config.sessions || !config.listen.ip().is_loopback();
    if keyed.needs_key() || !public {
        return Ok(keyed);
    }
    let secret = match (&config.session_secret, shared_secret) {
        (Some(secret), _) if secret.expose().len() < 32 => {
            return Err(format!(
                "{} must be at least 32 characters",
                crate::config::SESSION_SECRET_ENV
            ))
        }
        (Some(secret), _) => secret.expose().as_bytes().to_vec(),
        (None, Some(shared)) => shared,
        (None, None) => crate::callers::random_hex(32).into_bytes(),
    };
    Ok(Identity::Sessions(Sessions::new(secret)))
}

/// `POST /session`: the session a caller sent back when it is still good, else a new one.
/// New sessions are rationed per client address, so nobody mints identities to escape the
/// per-caller limits (the daily budget caps them all anyway).
async fn session(
    State(proxy): Shared,
    connect: Option<Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
) -> Response {
    let Identity::Sessions(sessions) = &*proxy.identity else {
        return json_error(StatusCode::NOT_FOUND, "This proxy does not issue sessions");
    };
    let given = headers.get(SESSION_HEADER).map(HeaderValue::as_bytes);
    if let Some(token) = given.filter(|token| sessions.verify(token).is_some()) {
        let token = String::from_utf8_lossy(token).into_owned();
        return axum::Json(serde_json::json!({ "session": token })).into_response();
    }
    let address = client_address(&headers, connect.map(|c| c.0 .0), proxy.trust_forwarded);
    if let Err(refused) = proxy.gate.ration_sessions(&address).await {
        return refused;
    }
    axum::Json(serde_json::json!({ "session": sessions.issue() })).into_response()
}

/// The client's address: the socket's, or the first `X-Forwarded-For` hop behind a reverse
/// proxy the operator trusts.
fn client_address(
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

/// `GET /limits`: where the caller stands under the rate limits.
async fn limits(State(proxy): Shared, Extension(caller): Extension<Caller>) -> Response {
    proxy.gate.standing(&caller.id).await
}

/// Passes a job answer back, after the limits have seen it (when there are any): a job
/// that ended frees its caller's slot, a failed or cancelled one is refunded.
async fn seen_by_gate(gate: &Gate, answer: Response) -> Response {
    if !gate.is_active() || answer.status() != StatusCode::OK {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let body = axum::body::to_bytes(body, 1024 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(job) = serde_json::from_slice::<serde_json::Value>(&body) {
        gate.saw(&job).await;
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow_origin = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin.trim_end_matches('/')).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static("x-api-zero-data-retention"),
            HeaderName::from_static(ACCESS_KEY_HEADER),
            HeaderName::from_static(SESSION_HEADER),
            HeaderName::from_static(idempotency::HEADER),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static(OUTCOME_HEADER),
            crate::access_log::REQUEST_ID,
            RATE_LIMIT,
            RATE_LIMIT_POLICY,
        ])
        .max_age(Duration::from_secs(600))
}

async fn generate(
    State(proxy): Shared,
    Extension(caller): Extension<Caller>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(model) = route_table::model_path(uri.path()) else {
        return json_error(StatusCode::NOT_FOUND, "Not a Krea image model path");
    };
    if !proxy.allow_models.is_empty() && !proxy.allow_models.iter().any(|m| m == model) {
        return json_error(
            StatusCode::FORBIDDEN,
            format!("This proxy does not allow the model {model}"),
        );
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(is_json_media_type);
    if !is_json {
        return json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the request body as application/json",
        );
    }
    let key = match headers.get(idempotency::HEADER) {
        None => None,
        Some(value) => match value.to_str().ok().filter(|k| idempotency::is_valid_key(k)) {
            // Each caller's keys are its own: another caller's key replays nothing.
            Some(key) => Some(format!("{}\u{1f}{key}", caller.id)),
            None => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    "Idempotency-Key must be 1 to 255 visible ASCII characters",
                )
            }
        },
    };
    let fingerprint = idempotency::fingerprint(model, &body);
    let model = model.to_owned();
    let path = format!("{GENERATE_PREFIX}{model}");
    let mut forward = proxy.forward(Method::POST, path, &headers, body);
    let hook = match &proxy.push {
        Some(push) => Some(push.hook_for(&caller.id).await),
        None => None,
    };
    let webhook_url = match &hook {
        Some((_, url)) => HeaderValue::from_str(url).ok(),
        None if proxy.simulates_webhooks => headers.get("x-webhook-url").cloned(),
        None => None,
    };
    if let Some(url) = webhook_url {
        forward.headers.insert("x-webhook-url", url);
    }
    let proxy = Arc::clone(&proxy);
    // Runs to the end even if the caller hangs up: the key's outcome must be recorded (or
    // the caller's retry would wait on it forever), and what admission took settled.
    let submitted = tokio::spawn(async move {
        let ticket = match proxy.gate.admit(&caller.id, &model, &forward.body).await {
            Ok(ticket) => ticket,
            Err(refused) => return refused,
        };
        let key = key.as_deref().map(|key| (key, fingerprint));
        let answer = proxy.submits.submit(&proxy.upstream, key, forward).await;
        let (job, mut answer) = owned_by(&*proxy.ownership, &caller, answer).await;
        if let (Some(push), Some((token, _))) = (&proxy.push, &hook) {
            push.bind(token, job.as_ref().map(|job| job.job_id.as_str()))
                .await;
        }
        proxy.gate.settle(ticket, job.as_ref(), &mut answer).await;
        answer
    });
    submitted.await.unwrap_or_else(|_| {
        json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The proxy failed while sending the request",
        )
    })
}

async fn job(
    State(proxy): Shared,
    Extension(caller): Extension<Caller>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let id = uri.path().trim_start_matches("/jobs/");
    if !route_table::is_job_id(id) {
        return json_error(StatusCode::NOT_FOUND, "Job ids are UUIDs");
    }
    // Another caller's job is as absent as a job that does not exist.
    if !caller.sees_all && proxy.ownership.owner(id).await.as_deref() != Some(&caller.id) {
        return json_error(StatusCode::NOT_FOUND, "Job not found");
    }
    let path = format!("/jobs/{id}");
    let answer = proxy
        .upstream
        .send(proxy.forward(method, path, &headers, Bytes::new()))
        .await;
    seen_by_gate(&proxy.gate, answer).await
}

async fn list_jobs(
    State(proxy): Shared,
    Extension(caller): Extension<Caller>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = match route_table::list_query(uri.query()) {
        Ok(query) => query,
        Err(message) => return json_error(StatusCode::BAD_REQUEST, message),
    };
    if !caller.sees_all {
        let Ok(Query(parsed)) = Query::<ListQuery>::try_from_uri(&uri) else {
            return json_error(StatusCode::BAD_REQUEST, "limit must be a whole number");
        };
        let like = proxy.forward(Method::GET, "/jobs".to_owned(), &headers, Bytes::new());
        let listed = owned_jobs::list(
            &proxy.upstream,
            &*proxy.ownership,
            &caller.id,
            parsed,
            &like,
        )
        .await;
        return match listed {
            Ok(page) => {
                for job in &page.items {
                    proxy.gate.saw(job).await;
                }
                page.into_response()
            }
            Err(refused) => refused,
        };
    }
    let path = if query.is_empty() {
        "/jobs".to_owned()
    } else {
        format!("/jobs?{query}")
    };
    proxy
        .upstream
        .send(proxy.forward(Method::GET, path, &headers, Bytes::new()))
        .await
}

/// Fixed public paths forwarded without a query: `/openapi.json`, simulator images.
async fn passthrough(State(proxy): Shared, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let safe = path == "/openapi.json"
        || path
            .strip_prefix("/simulator/images/")
            .and_then(|file| file.strip_suffix(".svg"))
            .is_some_and(route_table::is_job_id);
    if !safe {
        return json_error(StatusCode::NOT_FOUND, "Not found");
    }
    let path = match uri.query() {
        Some("preview=1") => format!("{path}?preview=1"),
        _ => path.to_owned(),
    };
    proxy
        .upstream
        .send(proxy.forward(Method::GET, path, &headers, Bytes::new()))
        .await
}

async fn webhook(
    State(proxy): Shared,
    axum::extract::Path(token): axum::extract::Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match &proxy.push {
        Some(push) => {
            crate::push_routes::delivered(push, &proxy.upstream, &token, &headers, body).await
        }
        None => json_error(StatusCode::NOT_FOUND, "Not found"),
    }
}

async fn events(
    State(proxy): Shared,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Response {
    match &proxy.push {
        Some(push) => crate::push_routes::events(push, &caller.id, &headers).await,
        // The studio polls when the proxy offers no stream.
        None => json_error(StatusCode::NOT_FOUND, "This proxy pushes nothing: poll"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_json_media_type;

    #[test]
    fn json_is_json_in_any_case_with_parameters_and_nothing_else() {
        for json in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            " application/json ;charset=UTF-8",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in [
            "application/jsonp",
            "application/json-patch+json",
            "text/json",
            "application/x-www-form-urlencoded",
            "",
            "application/jso",
        ] {
            assert!(!is_json_media_type(other), "{other}");
        }
    }
}
