//! The proxy's HTTP surface: the fixed route table, access key, CORS, size cap, timeout,
//! and (with `--serve`) the built app from the same origin.

use crate::config::{Config, ACCESS_KEY_HEADER};
use crate::error_response::json_error;
use crate::idempotency::{self, MemoryStore};
use crate::route_table::{self, GENERATE_PREFIX};
use crate::simulator::{self, SimConfig};
use crate::submit::{Submits, OUTCOME_HEADER};
use crate::upstream::{Forward, Upstream};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

struct Proxy {
    upstream: Upstream,
    submits: Submits,
    allow_models: Vec<String>,
    trust_forwarded: bool,
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

pub fn router(config: &Config, upstream: Upstream) -> Router {
    let proxy = Arc::new(Proxy {
        upstream,
        submits: Submits::new(Box::new(MemoryStore::default())),
        allow_models: config.allow_models.clone(),
        trust_forwarded: config.trust_forwarded_headers,
    });
    let mut api = route_table::job_routes(post(generate), get(list_jobs), get(job).delete(job))
        .route("/openapi.json", get(passthrough));
    if let Some(key) = config.access_key.clone() {
        api = api.layer(middleware::from_fn(move |request: Request, next: Next| {
            let key = key.clone();
            async move {
                let given = request.headers().get(ACCESS_KEY_HEADER);
                if given.is_some_and(|given| given.as_bytes() == key.expose().as_bytes()) {
                    next.run(request).await
                } else {
                    json_error(
                        StatusCode::UNAUTHORIZED,
                        format!(
                            "This proxy needs its access key in the {ACCESS_KEY_HEADER} header"
                        ),
                    )
                }
            }
        }));
    }
    if config.simulate {
        // Simulated pictures are public, like Krea's own image URLs.
        api = api.route("/simulator/images/{file}", get(passthrough));
    }
    let app = match &config.serve {
        Some(dir) => api.merge(crate::static_files::service(dir)),
        None => api.fallback(|| async { json_error(StatusCode::NOT_FOUND, "Not found") }),
    };
    app.method_not_allowed_fallback(|| async {
        json_error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed")
    })
    .layer(RequestBodyLimitLayer::new(config.body_limit))
    .layer(TimeoutLayer::with_status_code(
        StatusCode::GATEWAY_TIMEOUT,
        config.upstream_timeout() + Duration::from_secs(5),
    ))
    .layer(cors(&config.allow_origins))
    .layer(TraceLayer::new_for_http())
    .with_state(proxy)
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
            HeaderName::from_static(idempotency::HEADER),
        ])
        .expose_headers([header::RETRY_AFTER, HeaderName::from_static(OUTCOME_HEADER)])
        .max_age(Duration::from_secs(600))
}

async fn generate(State(proxy): Shared, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
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
        .is_some_and(|value| value.starts_with("application/json"));
    if !is_json {
        return json_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send the request body as application/json",
        );
    }
    let key = match headers.get(idempotency::HEADER) {
        None => None,
        Some(value) => match value.to_str().ok().filter(|k| idempotency::is_valid_key(k)) {
            Some(key) => Some(key.to_owned()),
            None => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    "Idempotency-Key must be 1 to 255 visible ASCII characters",
                )
            }
        },
    };
    let fingerprint = idempotency::fingerprint(model, &body);
    let path = format!("{GENERATE_PREFIX}{model}");
    let forward = proxy.forward(Method::POST, path, &headers, body);
    let proxy = Arc::clone(&proxy);
    // Runs to the end even if the caller hangs up: the key's outcome must be recorded, or
    // the caller's retry would wait on it forever.
    let submitted = tokio::spawn(async move {
        let key = key.as_deref().map(|key| (key, fingerprint));
        proxy.submits.submit(&proxy.upstream, key, forward).await
    });
    submitted.await.unwrap_or_else(|_| {
        json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The proxy failed while sending the request",
        )
    })
}

async fn job(State(proxy): Shared, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    let id = uri.path().trim_start_matches("/jobs/");
    if !route_table::is_job_id(id) {
        return json_error(StatusCode::NOT_FOUND, "Job ids are UUIDs");
    }
    let path = format!("/jobs/{id}");
    proxy
        .upstream
        .send(proxy.forward(method, path, &headers, Bytes::new()))
        .await
}

async fn list_jobs(State(proxy): Shared, uri: Uri, headers: HeaderMap) -> Response {
    let query = match route_table::list_query(uri.query()) {
        Ok(query) => query,
        Err(message) => return json_error(StatusCode::BAD_REQUEST, message),
    };
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
