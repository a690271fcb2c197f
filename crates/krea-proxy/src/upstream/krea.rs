//! Krea over HTTPS: the base URL parsed once (parsing it per request cost ≈ 4 % of a
//! forwarded request, most of it in host-name handling), the token put in, and one
//! connection pool per serving thread, so a request and its upstream connection stay on
//! the thread that accepted it (`crate::serving`): a connection made on one thread and used
//! from another woke both for every request.

use super::{keep, Answer, Forward, FORWARDED_RESPONSE_HEADERS};
use crate::error::Lost;
use crate::secret::Secret;
use axum::body::Bytes;
use axum::http::{header, HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client as HyperClient};
use hyper_util::rt::TokioExecutor;
use reqwest::{Client, RequestBuilder, Url};
use rustls_platform_verifier::ConfigVerifierExt;
use std::time::Duration;
use thread_local::ThreadLocal;

/// The client of the forwarding path: hyper's own, with a request built from text the
/// route table checked. Through reqwest, building the request (its URL parsed again by the
/// redirect layer, even with redirects off) and its send path were 17 % of a forwarded
/// request's time (README, Performance).
type Direct = HyperClient<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>;

pub struct Krea {
    base: Url,
    /// The base URL's own path with no trailing slash: "" for `https://api.krea.ai`.
    prefix: String,
    /// What a request's path and query follow: the origin and the prefix.
    root: String,
    token: Secret,
    /// `Bearer <token>`, marked sensitive (never shown in a debug print).
    authorization: HeaderValue,
    timeout: Duration,
    /// Built at start: proves a client can be built, and serves a thread whose own could
    /// not be.
    first: Client,
    per_thread: ThreadLocal<Client>,
    direct_first: Direct,
    direct: ThreadLocal<Direct>,
}

impl Krea {
    pub fn new(base: &str, token: Secret, timeout: Duration) -> Result<Krea, String> {
        let base = Url::parse(base.trim_end_matches('/'))
            .ok()
            .filter(|url| matches!(url.scheme(), "https" | "http") && url.has_host())
            .ok_or_else(|| format!("the upstream {base:?} is not an http(s) URL"))?;
        let prefix = base.path().trim_end_matches('/').to_owned();
        let first = client(timeout)?;
        let root = format!("{}{prefix}", base.origin().ascii_serialization());
        let mut authorization = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| "the Krea token holds characters no HTTP header may".to_owned())?;
        authorization.set_sensitive(true);
        Ok(Krea {
            base,
            prefix,
            root,
            token,
            authorization,
            timeout,
            first,
            per_thread: ThreadLocal::new(),
            direct_first: direct_client()?,
            direct: ThreadLocal::new(),
        })
    }

    /// Where a request to `path_and_query` goes; `None` if it is no URI (the route table
    /// builds none such, and reqwest's path is taken then).
    fn uri(&self, path_and_query: &str) -> Option<Uri> {
        format!("{}{path_and_query}", self.root).parse().ok()
    }

    /// Sends `forward` with the token in and reads the whole answer (its kept headers), on
    /// this thread's connections.
    pub async fn exchange(&self, forward: Forward) -> Result<Answer, Lost> {
        let Some(uri) = self.uri(&forward.path_and_query) else {
            let reply = self
                .request(forward.method, &forward.path_and_query)
                .headers(forward.headers)
                .body(forward.body)
                .send()
                .await
                .map_err(Lost::from)?;
            return Answer::read(reply).await;
        };
        let mut request = Request::new(Full::new(forward.body));
        *request.method_mut() = forward.method;
        *request.uri_mut() = uri;
        *request.headers_mut() = forward.headers;
        let headers = request.headers_mut();
        headers.insert(header::AUTHORIZATION, self.authorization.clone());
        // As reqwest did: Krea's answers may come compressed, and are read whole here.
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        let client = self
            .direct
            .get_or(|| direct_client().unwrap_or_else(|_| self.direct_first.clone()));
        let exchange = async {
            let reply = client
                .request(request)
                .await
                .map_err(|error| super::lost(&error, false))?;
            let (parts, body) = reply.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|error| super::lost(&error, false))?
                .to_bytes();
            let body = decoded(parts.headers.get(header::CONTENT_ENCODING), body)?;
            Ok(Answer {
                status: parts.status,
                headers: keep(&parts.headers, &FORWARDED_RESPONSE_HEADERS),
                body,
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or_else(|_| {
                tracing::warn!(
                    class = Lost::Timeout.name(),
                    "upstream failure: no answer in time"
                );
                Err(Lost::Timeout)
            })
    }

    /// The base URL, as the start-up line shows it.
    pub fn describe(&self) -> String {
        format!(
            "{}{}",
            self.base.origin().ascii_serialization(),
            self.prefix
        )
    }

    /// A request to `path_and_query` (validated by the route table) with the token in.
    pub fn request(&self, method: Method, path_and_query: &str) -> RequestBuilder {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        let mut url = self.base.clone();
        if self.prefix.is_empty() {
            url.set_path(path);
        } else {
            url.set_path(&format!("{}{path}", self.prefix));
        }
        url.set_query(query);
        let client = self
            .per_thread
            .get_or(|| client(self.timeout).unwrap_or_else(|_| self.first.clone()));
        client.request(method, url).bearer_auth(self.token.expose())
    }
}

impl Krea {
    /// Whether `url` is served by the upstream itself (a simulator run as Krea's stand-in
    /// serves its pictures there).
    pub fn serves(&self, url: &Url) -> bool {
        url.origin() == self.base.origin()
    }

    /// A request for one of Krea's images at `url` (checked by the caller): without the
    /// token, which is for the API alone, and following no redirect, as every request here.
    pub fn image(&self, url: Url) -> RequestBuilder {
        let client = self
            .per_thread
            .get_or(|| client(self.timeout).unwrap_or_else(|_| self.first.clone()));
        client.get(url)
    }
}

/// An answer's body as its `Content-Encoding` says (none or gzip: what was asked for).
fn decoded(encoding: Option<&HeaderValue>, body: Bytes) -> Result<Bytes, Lost> {
    let Some(encoding) = encoding else {
        return Ok(body);
    };
    if encoding.as_bytes().eq_ignore_ascii_case(b"identity") {
        return Ok(body);
    }
    if !encoding.as_bytes().eq_ignore_ascii_case(b"gzip") {
        tracing::warn!(
            class = Lost::Reset.name(),
            "upstream failure: an answer in {encoding:?}, which was not asked for"
        );
        return Err(Lost::Reset);
    }
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut plain).map_err(
        |error| {
            tracing::warn!(
                class = Lost::Reset.name(),
                "upstream failure: a gzip answer that does not inflate: {error}"
            );
            Lost::Reset
        },
    )?;
    Ok(plain.into())
}

fn direct_client() -> Result<Direct, String> {
    super::install_crypto_provider();
    let tls = rustls::ClientConfig::with_platform_verifier()
        .map_err(|e| format!("cannot build the HTTPS client for Krea: {e}"))?;
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(HyperClient::builder(TokioExecutor::new()).build(https))
}

fn client(timeout: Duration) -> Result<Client, String> {
    super::install_crypto_provider();
    Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| {
            format!(
                "cannot build the HTTPS client for Krea: {e}. It trusts the system's \
                 certificate store (Debian: the ca-certificates package, \
                 /etc/ssl/certs/ca-certificates.crt)"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::Krea;
    use crate::secret::Secret;
    use axum::http::Method;
    use std::time::Duration;

    /// The URL reqwest's path sends to, checked to be the one the direct path sends to.
    fn url_of(base: &str, path_and_query: &str) -> String {
        let krea = Krea::new(base, Secret::new("t"), Duration::from_secs(1)).unwrap();
        let request = krea.request(Method::GET, path_and_query).build().unwrap();
        let url = request.url().to_string();
        assert_eq!(krea.uri(path_and_query).unwrap().to_string(), url);
        url
    }

    #[test]
    fn the_upstream_serves_what_is_on_its_own_origin_only() {
        let krea = Krea::new(
            "http://127.0.0.1:9000/v1",
            Secret::new("t"),
            Duration::from_secs(1),
        )
        .unwrap();
        let at = |url: &str| krea.serves(&reqwest::Url::parse(url).unwrap());
        assert!(at("http://127.0.0.1:9000/simulator/images/a.png"));
        assert!(!at("http://127.0.0.1:9001/simulator/images/a.png"));
        assert!(!at("https://127.0.0.1:9000/simulator/images/a.png"));
        assert!(!at("http://localhost:9000/simulator/images/a.png"));
    }

    #[test]
    fn paths_and_queries_land_under_the_base_as_they_did_when_joined_as_text() {
        assert_eq!(
            url_of("https://api.krea.ai", "/jobs/1?limit=5"),
            "https://api.krea.ai/jobs/1?limit=5"
        );
        assert_eq!(
            url_of("https://api.krea.ai/", "/jobs"),
            "https://api.krea.ai/jobs"
        );
        assert_eq!(
            url_of("http://127.0.0.1:9/krea/", "/assets?cursor=a%20b"),
            "http://127.0.0.1:9/krea/assets?cursor=a%20b"
        );
    }

    #[test]
    fn a_base_that_is_no_http_url_is_refused_at_start() {
        for base in ["api.krea.ai", "ftp://api.krea.ai", "https://"] {
            let refused = Krea::new(base, Secret::new("t"), Duration::from_secs(1));
            assert!(refused.is_err(), "{base}");
        }
    }
}
