//! Krea over HTTPS: the base URL parsed once (parsing it per request cost ≈ 4 % of a
//! forwarded request, most of it in host-name handling), the token put in, and one
//! connection pool per serving thread, so a request and its upstream connection stay on
//! the thread that accepted it (`crate::serving`): a connection made on one thread and used
//! from another woke both for every request.

use crate::secret::Secret;
use axum::http::Method;
use reqwest::{Client, RequestBuilder, Url};
use std::time::Duration;
use thread_local::ThreadLocal;

pub struct Krea {
    base: Url,
    /// The base URL's own path with no trailing slash: "" for `https://api.krea.ai`.
    prefix: String,
    token: Secret,
    timeout: Duration,
    /// Built at start: proves a client can be built, and serves a thread whose own could
    /// not be.
    first: Client,
    per_thread: ThreadLocal<Client>,
}

impl Krea {
    pub fn new(base: &str, token: Secret, timeout: Duration) -> Result<Krea, String> {
        let base = Url::parse(base.trim_end_matches('/'))
            .ok()
            .filter(|url| matches!(url.scheme(), "https" | "http") && url.has_host())
            .ok_or_else(|| format!("the upstream {base:?} is not an http(s) URL"))?;
        let prefix = base.path().trim_end_matches('/').to_owned();
        let first = client(timeout)?;
        Ok(Krea {
            base,
            prefix,
            token,
            timeout,
            first,
            per_thread: ThreadLocal::new(),
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

    fn url_of(base: &str, path_and_query: &str) -> String {
        let krea = Krea::new(base, Secret::new("t"), Duration::from_secs(1)).unwrap();
        let request = krea.request(Method::GET, path_and_query).build().unwrap();
        request.url().to_string()
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
