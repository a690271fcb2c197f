//! Errors in Krea's own shape, `{"error": "…"}`, so clients handle proxy and API errors alike.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use krea_api::ErrorBody;

pub fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(ErrorBody::new(message))).into_response()
}
