//! `GET /image-copy?url=…`: a finished image, for a studio that keeps local copies and whose
//! browser may not read Krea's image host itself (Krea does not say that host sends CORS
//! headers; a plain `<img>` needs none, a `fetch` does; and a page's CSP lists the proxy,
//! rarely Krea's image host). Only Krea's own image hosts are fetched, over HTTPS (or the
//! upstream's own origin, where a simulator stands in for Krea), without the token,
//! following no redirect, and only an image comes back, at most [`MOST_BYTES`]: the route
//! is not a way to reach anything else. Simulated, the simulator's pictures are served from
//! the simulator itself, by path.

use super::{Proxy, Shared};
use crate::error::ProxyError;
use crate::krea_routes::is_simulator_file;
use crate::upstream::Upstream;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use reqwest::Url;
use serde::Deserialize;

/// Where Krea serves images: outputs (`gen.krea.ai/images/<uuid>.png`) and uploaded assets.
pub const IMAGE_HOSTS: [&str; 2] = ["gen.krea.ai", "app-uploads.krea.ai"];

/// Krea's own upload limit; no image it made is larger.
pub const MOST_BYTES: u64 = 75 * 1024 * 1024;

#[derive(Deserialize)]
pub struct CopyQuery {
    url: Option<String>,
}

/// Where an image asked for comes from.
#[derive(Debug, PartialEq)]
pub enum Source {
    /// A simulated picture, by its path on this proxy.
    Simulator(String),
    /// One of Krea's image hosts.
    Krea(Url),
}

/// Why an address is not fetched.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum NotFetched {
    #[error("url is not a web address")]
    NotAUrl,
    #[error("only HTTPS addresses of Krea's image hosts are fetched")]
    NotKreas,
}

/// The source of `url`, if this proxy may fetch it.
pub fn source_of(url: &str, simulate: bool) -> Result<Source, NotFetched> {
    let url = Url::parse(url).map_err(|_| NotFetched::NotAUrl)?;
    if simulate && is_simulator_file(url.path()) && url.query().is_none() {
        return Ok(Source::Simulator(url.path().to_owned()));
    }
    let host = url.host_str().unwrap_or_default();
    let plain = url.username().is_empty() && url.password().is_none() && url.port().is_none();
    if url.scheme() == "https" && plain && IMAGE_HOSTS.contains(&host) {
        Ok(Source::Krea(url))
    } else {
        Err(NotFetched::NotKreas)
    }
}

pub async fn image_copy(
    State(proxy): Shared,
    Query(query): Query<CopyQuery>,
    headers: HeaderMap,
) -> Result<Response, ProxyError> {
    let url = query
        .url
        .ok_or_else(|| ProxyError::BadRequest("url is required".into()))?;
    let simulate = matches!(proxy.upstream, Upstream::Simulator(_));
    let source = match (source_of(&url, simulate), &proxy.upstream) {
        // What the upstream serves itself (a simulator standing in for Krea).
        (Err(NotFetched::NotKreas), Upstream::Krea(krea)) => Url::parse(&url)
            .ok()
            .filter(|url| krea.serves(url))
            .map(Source::Krea)
            .ok_or(NotFetched::NotKreas),
        (source, _) => source,
    };
    match source {
        Ok(Source::Simulator(path)) => Ok(proxy
            .upstream
            .send(proxy.forward(Method::GET, path, &headers, Bytes::new()))
            .await),
        Ok(Source::Krea(url)) => from_krea(&proxy, url).await,
        Err(NotFetched::NotAUrl) => Err(ProxyError::BadRequest(
            NotFetched::NotAUrl.to_string().into(),
        )),
        Err(why) => Err(ProxyError::Forbidden(why.to_string().into())),
    }
}

/// The image streamed from Krea's host as it arrives, never held whole.
async fn from_krea(proxy: &Proxy, url: Url) -> Result<Response, ProxyError> {
    let Upstream::Krea(krea) = &proxy.upstream else {
        return Err(ProxyError::Forbidden(
            NotFetched::NotKreas.to_string().into(),
        ));
    };
    let reply = krea
        .image(url)
        .send()
        .await
        .map_err(|_| lost("did not answer"))?;
    if reply.status() != StatusCode::OK {
        return Err(ProxyError::NotFound(
            format!("Krea's image host answered {}", reply.status().as_u16()).into(),
        ));
    }
    let kind = reply
        .headers()
        .get(header::CONTENT_TYPE)
        .filter(|kind| kind.as_bytes().starts_with(b"image/"))
        .cloned()
        .ok_or_else(|| lost("did not send an image"))?;
    if reply.content_length().is_some_and(|n| n > MOST_BYTES) {
        return Err(ProxyError::PayloadTooLarge(
            "the image is larger than Krea makes them".into(),
        ));
    }
    let mut seen = 0u64;
    let body = reply
        .bytes_stream()
        .map_err(std::io::Error::other)
        .and_then(move |chunk: Bytes| {
            seen += chunk.len() as u64;
            let within = seen <= MOST_BYTES;
            async move {
                if within {
                    Ok(chunk)
                } else {
                    Err(std::io::Error::other(
                        "the image is larger than Krea makes them",
                    ))
                }
            }
        });
    let mut response = Body::from_stream(body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, kind);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

fn lost(what: &str) -> ProxyError {
    ProxyError::BadGateway {
        message: format!("Krea's image host {what}").into(),
        outcome: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_addresses_of_kreas_image_hosts_are_fetched() {
        let krea = "https://gen.krea.ai/images/5e1f0c3a-1111-4222-8333-944455556666.png";
        assert!(matches!(source_of(krea, false), Ok(Source::Krea(_))));
        assert!(matches!(
            source_of("https://app-uploads.krea.ai/x/y.webp", false),
            Ok(Source::Krea(_))
        ));
        for refused in [
            "http://gen.krea.ai/images/a.png",
            "https://gen.krea.ai.evil.example/images/a.png",
            "https://evil.example/gen.krea.ai/a.png",
            "https://user@gen.krea.ai/images/a.png",
            "https://gen.krea.ai:8443/images/a.png",
            "https://127.0.0.1/images/a.png",
            "https://api.krea.ai/jobs",
            "file:///etc/passwd",
        ] {
            assert_eq!(
                source_of(refused, false),
                Err(NotFetched::NotKreas),
                "{refused}"
            );
        }
        assert_eq!(source_of("not a url", false), Err(NotFetched::NotAUrl));
    }

    #[test]
    fn simulated_pictures_are_taken_by_path_and_only_when_simulating() {
        let picture =
            "http://127.0.0.1:9/simulator/images/5e1f0c3a-1111-4222-8333-944455556666.png";
        assert_eq!(
            source_of(picture, true),
            Ok(Source::Simulator(
                "/simulator/images/5e1f0c3a-1111-4222-8333-944455556666.png".into()
            ))
        );
        assert_eq!(source_of(picture, false), Err(NotFetched::NotKreas));
        assert_eq!(
            source_of("http://127.0.0.1:9/simulator/images/../../etc.png", true),
            Err(NotFetched::NotKreas)
        );
        assert_eq!(
            source_of("http://127.0.0.1:9/jobs", true),
            Err(NotFetched::NotKreas)
        );
    }
}
