//! The built app, served with `--serve`: the precompressed copy (`.br`, `.gz`) the browser
//! accepts, and cache rules by kind of file: names Trunk hashed never change, so they are
//! cached for good; `index.html` and `config.json` must be asked for again every time.

pub mod embed_sites;
pub mod headers;

use self::headers::{ServeHeaders, EMBED_PATH};

/// What other sites' pages load: the embed loader, and for inline mode the app's module,
/// its wasm and the manifest naming them. Browsers fetch these with CORS.
fn for_other_sites(path: &str) -> bool {
    [".js", ".wasm", ".json"]
        .iter()
        .any(|end| path.ends_with(end))
}
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

/// The files under `dir`, with `index.html` for every other path (the app routes itself),
/// each with the security headers: the embed page's (`/embed/…`) for what is under it.
pub fn service<S: Clone + Send + Sync + 'static>(dir: &Path, security: ServeHeaders) -> Router<S> {
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index);
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_rules))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let path = request.uri().path();
            let csp = if path.starts_with(EMBED_PATH) {
                security.embed_csp.clone()
            } else {
                security.csp.clone()
            };
            let shared = for_other_sites(path);
            async move {
                let mut response = next.run(request).await;
                let headers = response.headers_mut();
                // Public files, sent without credentials: any site may load them.
                if shared {
                    headers.insert(
                        header::ACCESS_CONTROL_ALLOW_ORIGIN,
                        HeaderValue::from_static("*"),
                    );
                }
                headers.insert(header::CONTENT_SECURITY_POLICY, csp);
                headers.insert(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                );
                headers.insert(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("strict-origin-when-cross-origin"),
                );
                response
            }
        }))
}

async fn cache_rules(request: Request, next: Next) -> Response {
    let immutable = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let rule = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    if response.status().is_success() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    }
    response
}

/// `name-0123456789abcdef.ext` (or `…_bg.wasm`): Trunk's content hash, 16 hex digits.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_hashed_names_are_immutable() {
        assert!(is_hashed("/krea-studio-858ebe23c625baef_bg.wasm"));
        assert!(is_hashed("/style-858ebe23c625baef.css"));
        assert!(is_hashed("/krea-studio-858ebe23c625baef.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/"));
    }
}
