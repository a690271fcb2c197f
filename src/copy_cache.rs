//! The local copies of finished images, in the browser's Cache Storage: plain storage, no
//! views and no signals (the local-copies hook owns it).
//!
//! Why Cache Storage: it keeps a response's body as a blob outside the page's memory (an
//! image never passes through wasm), it lists its addresses in one call (which is the
//! whole index, see `jobs/local_copies`), and a copy becomes an `<img>` through one object
//! URL. IndexedDB blobs would need a second record to hold what the address carries and a
//! transaction per copy; OPFS needs a worker for synchronous writes and has no listing
//! with metadata. All three count against the same quota.

use crate::api::KreaClient;
use crate::jobs::local_copies::{CopyFacts, CopyKey};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Cache, CacheQueryOptions, Response, ResponseInit};

/// Why a copy could not be kept or read, as a person would want it said.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CopyError {
    /// No Cache Storage here: a page not served over HTTPS (or from localhost), or site
    /// data blocked.
    #[error("this browser keeps no local copies for this page (it needs HTTPS or localhost)")]
    Unavailable,
    /// The browser refused to store more.
    #[error("the browser's storage for this site is full")]
    Full,
    /// Neither the image's host nor the proxy gave the image.
    #[error("the image could not be fetched ({0})")]
    NotFetched(String),
    #[error("the browser refused ({0})")]
    Refused(String),
}

impl CopyError {
    pub fn of(error: JsValue) -> CopyError {
        let name = error
            .dyn_ref::<web_sys::DomException>()
            .map(|e| e.name())
            .unwrap_or_default();
        match name.as_str() {
            "QuotaExceededError" => CopyError::Full,
            "SecurityError" => CopyError::Unavailable,
            _ => CopyError::Refused(crate::browser::js_error(error)),
        }
    }
}

/// One studio's copies (the cache is named after its storage scope).
#[derive(Clone)]
pub struct CopyCache {
    cache: Cache,
}

async fn settle(promise: Result<js_sys::Promise, JsValue>) -> Result<JsValue, CopyError> {
    JsFuture::from(promise.map_err(CopyError::of)?)
        .await
        .map_err(CopyError::of)
}

impl CopyCache {
    pub async fn open(name: &str) -> Result<CopyCache, CopyError> {
        let caches = gloo_utils::window()
            .caches()
            .map_err(|_| CopyError::Unavailable)?;
        let cache = settle(Ok(caches.open(name))).await?;
        Ok(CopyCache {
            cache: cache.unchecked_into(),
        })
    }

    /// Every address stored, absolute.
    pub async fn addresses(&self) -> Result<Vec<String>, CopyError> {
        let requests: js_sys::Array = settle(Ok(self.cache.keys())).await?.unchecked_into();
        Ok(requests
            .iter()
            .filter_map(|r| r.dyn_into::<web_sys::Request>().ok())
            .map(|r| r.url())
            .collect())
    }

    /// Keeps `image` (as fetched) as the copy of `key`, made at `at` (ms since 1970: the
    /// job's, so the oldest jobs' copies go first over the limit); returns what its
    /// address says.
    pub async fn put(&self, key: &CopyKey, image: &Blob, at: f64) -> Result<CopyFacts, CopyError> {
        let facts = CopyFacts {
            bytes: image.size() as u64,
            at,
        };
        let init = ResponseInit::new();
        init.set_status(200);
        let response =
            Response::new_with_opt_blob_and_init(Some(image), &init).map_err(CopyError::of)?;
        settle(Ok(self.cache.put_with_str(&key.address(facts), &response))).await?;
        Ok(facts)
    }

    /// Keeps `bytes` (an image from an imported archive) as the copy of `key`, made at `at`.
    pub async fn put_bytes(
        &self,
        key: &CopyKey,
        bytes: &[u8],
        at: f64,
    ) -> Result<CopyFacts, CopyError> {
        let data = js_sys::Uint8Array::from(bytes);
        let blob =
            Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&data)).map_err(CopyError::of)?;
        self.put(key, &blob, at).await
    }

    /// The copy of `key`, if there is one.
    pub async fn blob(&self, key: &CopyKey) -> Result<Option<Blob>, CopyError> {
        let options = CacheQueryOptions::new();
        options.set_ignore_search(true);
        let found = settle(Ok(self
            .cache
            .match_with_str_and_options(&key.path(), &options)))
        .await?;
        let Ok(response) = found.dyn_into::<Response>() else {
            return Ok(None);
        };
        let blob = settle(response.blob()).await?;
        Ok(Some(blob.unchecked_into()))
    }

    /// Removes every copy of `key` (whatever its facts).
    pub async fn delete(&self, key: &CopyKey) -> Result<(), CopyError> {
        let options = CacheQueryOptions::new();
        options.set_ignore_search(true);
        settle(Ok(self
            .cache
            .delete_with_str_and_options(&key.path(), &options)))
        .await
        .map(|_| ())
    }

    /// Removes the entry stored at exactly `address`.
    pub async fn delete_address(&self, address: &str) -> Result<(), CopyError> {
        settle(Ok(self.cache.delete_with_str(address)))
            .await
            .map(|_| ())
    }
}

/// The image at `url` as a blob: through the proxy's `GET /image-copy?url=…` first (a page's
/// CSP lists the proxy in `connect-src`, rarely Krea's image host, and a fetch it blocks is
/// reported as a violation), else straight from its host (an image the proxy will not fetch
/// for it, from a host that allows the page).
pub async fn fetch_image(url: &str, proxy: &KreaClient) -> Result<Blob, CopyError> {
    match fetch_blob(&proxy.image_copy_url(url), proxy.caller_headers()).await {
        Ok(blob) => Ok(blob),
        Err(_) => fetch_blob(url, Vec::new()).await,
    }
}

async fn fetch_blob(url: &str, headers: Vec<(&'static str, String)>) -> Result<Blob, CopyError> {
    let mut request = gloo_net::http::Request::get(url);
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let response = request
        .send()
        .await
        .map_err(|e| CopyError::NotFetched(e.to_string()))?;
    if !response.ok() {
        return Err(CopyError::NotFetched(format!("HTTP {}", response.status())));
    }
    let blob = settle(web_sys::Response::from(response).blob()).await?;
    Ok(blob.unchecked_into())
}

/// A blob's bytes, in the page's memory.
pub async fn blob_bytes(blob: &Blob) -> Result<Vec<u8>, CopyError> {
    let buffer = settle(Ok(blob.array_buffer())).await?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
