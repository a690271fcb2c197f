//! The simulator's `/assets` and `/styles` routes, and the files they point at: what a
//! person uploads and the styles they pick from, answered in the shapes of Krea's spec.

use super::assets::MAX_DESCRIPTION_CHARS;
use super::styles::{self, StyleQuery, FILTERS};
use super::{krea_error, limit_of, origin, page_of, Shared};
use crate::image_kind::ImageKind;
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

/// `POST /assets`: one `file` and an optional `description`, as multipart.
pub async fn upload(State(sim): Shared, headers: HeaderMap, body: Body) -> Response {
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| multer::parse_boundary(value).ok());
    let Some(boundary) = boundary else {
        return krea_error(
            StatusCode::BAD_REQUEST,
            "Send the file as multipart/form-data",
        );
    };
    let constraints = multer::Constraints::new()
        .allowed_fields(vec!["file", "description"])
        .size_limit(
            multer::SizeLimit::new()
                .for_field("file", super::assets::MAX_FILE_BYTES as u64)
                .for_field("description", (MAX_DESCRIPTION_CHARS * 4) as u64),
        );
    let mut form =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let (mut file, mut description) = (None::<Bytes>, None::<String>);
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return krea_error(StatusCode::BAD_REQUEST, format!("Invalid upload: {e}")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let read = field.bytes().await;
        let Ok(bytes) = read else {
            return krea_error(StatusCode::BAD_REQUEST, "Invalid file type or size");
        };
        match name.as_str() {
            "file" if file.is_none() => file = Some(bytes),
            "description" if description.is_none() => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                if text.chars().count() > MAX_DESCRIPTION_CHARS {
                    return krea_error(StatusCode::BAD_REQUEST, "The description is too long");
                }
                description = Some(text);
            }
            _ => return krea_error(StatusCode::BAD_REQUEST, "Send one file"),
        }
    }
    let Some(file) = file.filter(|file| !file.is_empty()) else {
        return krea_error(StatusCode::BAD_REQUEST, "A file is required");
    };
    let Some(kind) = ImageKind::sniff(&file) else {
        return krea_error(StatusCode::BAD_REQUEST, "Invalid file type or size");
    };
    Json(sim.assets.add(kind, file, description, &origin(&headers))).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetListQuery {
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /assets`: newest first, `limit` 1 to 1000 (100 by default), a date-time cursor.
pub async fn list(
    State(sim): Shared,
    headers: HeaderMap,
    query: Result<Query<AssetListQuery>, QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return krea_error(StatusCode::BAD_REQUEST, rejection.body_text()),
    };
    let (limit, cursor) = match page_of(query.limit.as_deref(), query.cursor.as_deref()) {
        Ok(page) => page,
        Err(why) => return krea_error(StatusCode::BAD_REQUEST, why),
    };
    let (items, next_cursor) = sim.assets.list(cursor, limit, &origin(&headers));
    Json(json!({ "items": items, "next_cursor": next_cursor })).into_response()
}

pub async fn one(State(sim): Shared, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match sim.assets.get(&id, &origin(&headers)) {
        Some(asset) => Json(asset).into_response(),
        None => krea_error(StatusCode::NOT_FOUND, "Asset not found"),
    }
}

pub async fn delete(State(sim): Shared, Path(id): Path<String>) -> Response {
    if sim.assets.delete(&id) {
        Json(json!({ "success": true, "message": "Asset deleted" })).into_response()
    } else {
        krea_error(StatusCode::NOT_FOUND, "Asset not found")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleListQuery {
    cursor: Option<String>,
    limit: Option<String>,
    ids: Option<String>,
    liked: Option<String>,
    user: Option<String>,
    model: Option<String>,
    filter: Option<String>,
}

/// `GET /styles`.
pub async fn styles(
    headers: HeaderMap,
    query: Result<Query<StyleListQuery>, QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return krea_error(StatusCode::BAD_REQUEST, rejection.body_text()),
    };
    let filter = query.filter.as_deref().unwrap_or("all");
    if !FILTERS.contains(&filter) {
        return krea_error(
            StatusCode::BAD_REQUEST,
            format!("filter must be one of {}", FILTERS.join(", ")),
        );
    }
    let liked = match query.liked.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return krea_error(StatusCode::BAD_REQUEST, "liked must be true or false"),
    };
    let limit = match limit_of(query.limit.as_deref()) {
        Ok(limit) => limit,
        Err(why) => return krea_error(StatusCode::BAD_REQUEST, why),
    };
    let Ok(offset) = query.cursor.as_deref().unwrap_or("0").parse::<usize>() else {
        return krea_error(StatusCode::BAD_REQUEST, "Invalid cursor");
    };
    let _ = query.user; // styles of one user: the simulated account is the only one
    let asked = StyleQuery {
        filter,
        liked,
        model: query.model.as_deref(),
        ids: query.ids.as_deref().map(|ids| ids.split(',').collect()),
        offset,
        limit,
    };
    let (items, next_cursor) = styles::list(&asked, &origin(&headers));
    Json(json!({ "items": items, "next_cursor": next_cursor })).into_response()
}

pub async fn style(Path(id): Path<String>, headers: HeaderMap) -> Response {
    match styles::one(&id, &origin(&headers)) {
        Some(style) => Json(style).into_response(),
        None => krea_error(StatusCode::NOT_FOUND, "Style not found"),
    }
}

/// A public file, as Krea's image hosts serve them: cacheable, embeddable cross-origin,
/// and never sniffed into something else.
pub fn image_file(mime: &'static str, bytes: impl Into<Body>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            (
                header::HeaderName::from_static("cross-origin-resource-policy"),
                "cross-origin",
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        bytes.into(),
    )
        .into_response()
}

/// `GET /simulator/assets/{id}.{ext}`: an upload, as it was sent.
pub async fn asset_file(State(sim): Shared, Path(file): Path<String>) -> Response {
    match sim.assets.file(&file) {
        Some((kind, bytes)) => image_file(kind.mime(), bytes),
        None => krea_error(StatusCode::NOT_FOUND, "Asset not found"),
    }
}

/// `GET /simulator/styles/{id}.png`: a style's portrait thumbnail, drawn.
pub async fn style_file(Path(file): Path<String>) -> Response {
    let id = file.strip_suffix(".png").unwrap_or_default();
    match styles::thumbnail(id) {
        Some((prompt, seed)) => {
            let png = super::picture::Picture {
                prompt,
                seed,
                width: 256,
                height: 384,
                preview: false,
            }
            .png();
            image_file("image/png", png)
        }
        None => krea_error(StatusCode::NOT_FOUND, "Style not found"),
    }
}
