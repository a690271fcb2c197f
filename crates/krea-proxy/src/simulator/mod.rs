//! A simulator of Krea's job API: the same routes, status codes, job states, closed request
//! bodies and error bodies, with jobs that finish by themselves after a configurable time
//! and pictures drawn locally. An offline demo, and the test double for every test here.

mod assets;
mod book;
pub mod faults;
mod library;
mod new_model;
mod picture;
mod styles;
pub mod timeline;
pub mod webhooks;

pub use book::{FAIL_TRIGGER, NO_IMAGE_TRIGGER};
pub use new_model::NEW_MODEL;

use crate::krea_routes;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use book::{Book, CancelOutcome};
use krea_api::{catalogue, validation, Endpoint, JobList, JobStatus, ModelSpec};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// An error in Krea's shape, `{"error": "…"}`: the simulator answers as Krea does.
pub fn krea_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(krea_api::ErrorBody::new(message))).into_response()
}

pub struct SimConfig {
    /// How long a job takes from `queued` to `completed`.
    pub job_duration: Duration,
    /// Also publish [`NEW_MODEL`], which the catalogue does not know.
    pub new_model: bool,
    /// How long a generate request takes to answer.
    pub latency: Duration,
    /// Faults injected into the job routes.
    pub faults: faults::Faults,
    /// How webhook deliveries misbehave.
    pub webhooks: webhooks::WebhookFaults,
    /// How long a finished job's pictures stay served; for ever when `None`. Krea does not
    /// say how long its links live: this lets a test see one die.
    pub image_ttl: Option<Duration>,
}

/// The simulated Krea: its jobs, and the models it publishes and accepts.
struct Simulator {
    book: Book,
    assets: assets::Assets,
    models: Vec<&'static ModelSpec>,
    latency: Duration,
    webhooks: webhooks::WebhookFaults,
    webhook_client: reqwest::Client,
}

impl Simulator {
    fn model(&self, endpoint: Endpoint, id: &str) -> Option<&'static ModelSpec> {
        let model = self.models.iter().find(|model| model.id == id).copied()?;
        (model.endpoint == endpoint).then_some(model)
    }
}

pub fn router(config: SimConfig) -> Router {
    let mut models: Vec<&'static ModelSpec> = catalogue::all().collect();
    if config.new_model {
        models.push(&NEW_MODEL);
    }
    let document = Json(krea_api::openapi::document_of(models.iter().copied()));
    let simulator = Arc::new(Simulator {
        book: Book::new(config.job_duration, config.image_ttl),
        assets: assets::Assets::default(),
        models,
        latency: config.latency,
        webhooks: config.webhooks,
        webhook_client: {
            crate::upstream::install_crypto_provider();
            reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default()
        },
    });
    let job_routes = krea_routes::job_routes(post(generate), get(list), get(job).delete(cancel))
        .route_layer(middleware::from_fn(require_bearer))
        .route_layer(middleware::from_fn_with_state(
            Arc::new(config.faults),
            faults::inject,
        ));
    let library = Router::new()
        .route("/assets", post(library::upload).get(library::list))
        .route("/assets/{id}", get(library::one).delete(library::delete))
        .route("/styles", get(library::styles))
        .route("/styles/{id}", get(library::style))
        .route_layer(middleware::from_fn(require_bearer));
    Router::new()
        .merge(job_routes)
        .merge(library)
        .route("/simulator/images/{file}", get(image))
        .route("/simulator/assets/{file}", get(library::asset_file))
        .route("/simulator/styles/{file}", get(library::style_file))
        // Public, like Krea's: clients discover models from it without a token.
        .route("/openapi.json", get(|| async move { document }))
        .fallback(|| async { krea_error(StatusCode::NOT_FOUND, "Not found") })
        .with_state(simulator)
}

type Shared = State<Arc<Simulator>>;

/// Like Krea: every job route wants `Authorization: Bearer <token>`.
async fn require_bearer(request: Request, next: Next) -> Response {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|token| !token.trim().is_empty());
    if bearer {
        next.run(request).await
    } else {
        krea_error(StatusCode::UNAUTHORIZED, "Missing or invalid API token")
    }
}

/// Where the caller reached us, for absolute image URLs. The proxy tells us when it
/// forwards in-process; a direct caller's `Host` is used otherwise.
fn origin(headers: &HeaderMap) -> String {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    match text("x-forwarded-origin") {
        Some(origin) => origin.to_owned(),
        None => format!("http://{}", text("host").unwrap_or("localhost")),
    }
}

async fn generate(State(sim): Shared, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    if !sim.latency.is_zero() {
        tokio::time::sleep(sim.latency).await;
    }
    let Some((endpoint, model_id)) = krea_routes::model_path(uri.path()) else {
        return krea_error(StatusCode::NOT_FOUND, "Not found");
    };
    let Some(model) = sim.model(endpoint, model_id) else {
        return krea_error(StatusCode::NOT_FOUND, format!("Unknown model: {model_id}"));
    };
    let body: Value = match serde_json::from_slice(&body) {
        Ok(body) => body,
        Err(e) => {
            return krea_error(
                StatusCode::BAD_REQUEST,
                format!("The request body is not valid JSON: {e}"),
            )
        }
    };
    if let Err(errors) = validation::validate(model, &body) {
        return krea_error(StatusCode::BAD_REQUEST, errors.to_string());
    }
    let Value::Object(mut body) = body else {
        unreachable!("validation accepts only objects")
    };
    if model.id == "krea/enhance" {
        // Krea Enhance scales its source: the picture has the source's size times the
        // factor (the source is known when it is one of the simulator's own pictures).
        let source = body
            .get("image_url")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (w, h) = sim
            .assets
            .size_of(source)
            .or_else(|| sim.book.size_of(source))
            .unwrap_or((1024, 1024));
        let factor = body
            .get("image_scaling_factor")
            .and_then(Value::as_f64)
            .unwrap_or(2.0);
        body.insert("width".into(), (f64::from(w) * factor).round().into());
        body.insert("height".into(), (f64::from(h) * factor).round().into());
    }
    let origin = origin(&headers);
    let job = sim.book.submit(model, &body, &origin);
    let webhook = headers
        .get("x-webhook-url")
        .and_then(|value| value.to_str().ok())
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"));
    if let Some(url) = webhook {
        webhooks::deliver_when_done(Arc::clone(&sim), job.job_id.clone(), url.to_owned(), origin);
    }
    // Krea's submit answer has all five keys, `completed_at` and `result` as null.
    let mut answer = serde_json::to_value(&job).unwrap_or_default();
    answer["completed_at"] = Value::Null;
    answer["result"] = Value::Null;
    Json(answer).into_response()
}

async fn job(State(sim): Shared, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match sim.book.get(&id, &origin(&headers)) {
        Some(job) => Json(job).into_response(),
        None => krea_error(StatusCode::NOT_FOUND, "Job not found"),
    }
}

async fn cancel(State(sim): Shared, Path(id): Path<String>) -> Response {
    match sim.book.cancel(&id) {
        CancelOutcome::Cancelled => StatusCode::OK.into_response(),
        CancelOutcome::NotFound => krea_error(StatusCode::NOT_FOUND, "Job not found"),
        // Krea leaves this case undocumented; 409 says "not in a state that allows it".
        CancelOutcome::TooLate(status) => krea_error(
            StatusCode::CONFLICT,
            format!("The job is {status} and can no longer be cancelled"),
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    cursor: Option<String>,
    limit: Option<String>,
    status: Option<String>,
    #[allow(dead_code)] // job types: every simulated job is an image job
    types: Option<String>,
}

async fn list(
    State(sim): Shared,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return krea_error(StatusCode::BAD_REQUEST, rejection.body_text()),
    };
    let (limit, cursor) = match page_of(query.limit.as_deref(), query.cursor.as_deref()) {
        Ok(page) => page,
        Err(why) => return krea_error(StatusCode::BAD_REQUEST, why),
    };
    let status = query.status.map(JobStatus::from);
    if let Some(JobStatus::Unknown(other)) = &status {
        return krea_error(StatusCode::BAD_REQUEST, format!("Unknown status: {other}"));
    }
    let (items, next_cursor) = sim
        .book
        .list(cursor, status.as_ref(), limit, &origin(&headers));
    Json(JobList { items, next_cursor }).into_response()
}

/// `limit` (1 to 1000, 100 by default), or why not (a 400 in Krea's words).
fn limit_of(text: Option<&str>) -> Result<usize, &'static str> {
    match text.map(str::parse::<usize>) {
        None => Ok(100),
        Some(Ok(limit)) if (1..=1000).contains(&limit) => Ok(limit),
        Some(_) => Err("limit must be between 1 and 1000"),
    }
}

/// A list's `limit` and date-time `cursor` (in nanoseconds since 1970), or why not.
fn page_of(
    limit: Option<&str>,
    cursor: Option<&str>,
) -> Result<(usize, Option<i128>), &'static str> {
    let limit = limit_of(limit)?;
    match cursor.map(parse_cursor) {
        None => Ok((limit, None)),
        Some(Some(cursor)) => Ok((limit, Some(cursor))),
        Some(None) => Err("cursor must be an ISO 8601 date-time"),
    }
}

/// An RFC 3339 date-time, with any offset and any year, in nanoseconds since 1970.
fn parse_cursor(text: &str) -> Option<i128> {
    let parsed = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339);
    parsed.ok().map(time::OffsetDateTime::unix_timestamp_nanos)
}

#[derive(Deserialize)]
struct ImageQuery {
    preview: Option<u8>,
}

async fn image(
    State(sim): Shared,
    Path(file): Path<String>,
    Query(query): Query<ImageQuery>,
) -> Response {
    match sim.book.picture(&file, query.preview == Some(1)) {
        // Public pictures, like Krea's: a page that embeds the studio with
        // `Cross-Origin-Embedder-Policy: require-corp` may still show them.
        Some((format, bytes)) => {
            let mut response = library::image_file(format.kind().mime(), bytes);
            // A link that dies must not be kept for a year by the browser's cache.
            if sim.book.links_expire() {
                response.headers_mut().insert(
                    header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("public, no-cache"),
                );
            }
            response
        }
        None => krea_error(StatusCode::NOT_FOUND, "Image not found or expired"),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_cursor;

    #[test]
    fn limits_are_1_to_1000_and_100_by_default() {
        assert_eq!(super::limit_of(None).ok(), Some(100));
        assert_eq!(super::limit_of(Some("1000")).ok(), Some(1000));
        assert!(super::limit_of(Some("0")).is_err());
        assert!(super::limit_of(Some("many")).is_err());
    }

    #[test]
    fn cursors_take_any_offset_and_any_year() {
        let utc = parse_cursor("2026-11-22T10:00:00Z").unwrap();
        assert_eq!(parse_cursor("2026-11-22T11:00:00+01:00"), Some(utc));
        assert_eq!(parse_cursor("2026-11-22T05:30:00-04:30"), Some(utc));
        assert_eq!(
            parse_cursor("2026-11-22T10:00:00.000001Z"),
            Some(utc + 1000)
        );
        assert!(parse_cursor("1969-07-20T20:17:40Z").unwrap() < 0);
        assert_eq!(parse_cursor("yesterday"), None);
        assert_eq!(parse_cursor("2026-11-22"), None);
    }
}
