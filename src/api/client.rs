use super::ApiError;
use crate::jobs::limit_left::{limit_left_of, LimitLeft};
use crate::jobs::proxy_usage::UsageReport;
use crate::jobs::scheduler::retry_after_seconds;
use gloo_net::http::{Request, RequestBuilder, Response};
use krea_api::{ErrorBody, ImageRequest, Job, JobList};
use serde::de::DeserializeOwned;
use serde_json::Value;
use web_sys::AbortSignal;

/// The header carrying a public proxy's anonymous session.
const SESSION_HEADER: &str = "x-krea-session";
/// Names the site an embedded studio is in, when it asks for a session.
const SITE_HEADER: &str = "x-krea-site";

/// Talks to a Krea-compatible base URL: the proxy, or `""` for this origin.
#[derive(Debug, Clone, PartialEq)]
pub struct KreaClient {
    base: String,
    access_key: Option<String>,
    /// The anonymous session a public proxy issued this browser.
    session: Option<String>,
}

impl KreaClient {
    pub fn new(base: impl Into<String>, access_key: Option<String>) -> Self {
        KreaClient {
            base: base.into().trim_end_matches('/').to_owned(),
            access_key: access_key.filter(|key| !key.is_empty()),
            session: None,
        }
    }

    /// Where requests go (`""`: this origin).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The headers that say who is calling: the access key, or the session.
    pub fn caller_headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = Vec::new();
        if let Some(key) = &self.access_key {
            headers.push(("x-proxy-key", key.clone()));
        }
        if let Some(session) = &self.session {
            headers.push((SESSION_HEADER, session.clone()));
        }
        headers
    }

    /// The same client, sending this session.
    /// The proxy's copy of a finished image, for an image host that refuses the page
    /// (CORS): `GET /image-copy?url=…`, with the caller's headers.
    pub fn image_copy_url(&self, url: &str) -> String {
        format!(
            "{}/image-copy?url={}",
            self.base,
            String::from(js_sys::encode_uri_component(url))
        )
    }

    pub fn with_session(mut self, session: Option<String>) -> Self {
        self.session = session;
        self
    }

    /// `POST /session`: the proxy's session for this browser (the one sent back while it is
    /// still good), or `None` when the proxy issues none (a private proxy). An embedded
    /// studio names the `site` it is embedded in, whose visitors' allowance it then spends.
    pub async fn session(
        &self,
        current: Option<&str>,
        site: Option<&str>,
        abort: Option<&AbortSignal>,
    ) -> Result<Option<String>, ApiError> {
        let url = format!("{}/session", self.base);
        let mut builder = self.prepare(Request::post(&url), abort);
        if let Some(current) = current {
            builder = builder.header(SESSION_HEADER, current);
        }
        if let Some(site) = site {
            builder = builder.header(SITE_HEADER, site);
        }
        let response = builder.send().await.map_err(|e| self.network(e))?;
        if response.status() == 404 {
            return Ok(None);
        }
        let body: Value = read_json(response).await?;
        Ok(body["session"].as_str().map(str::to_owned))
    }

    /// `GET /embedders`: the sites this proxy lets an embedded studio talk to (none when the
    /// proxy lists none, or is not one that says).
    pub async fn embedders(&self, abort: Option<&AbortSignal>) -> Result<Vec<String>, ApiError> {
        let url = format!("{}/embedders", self.base);
        let response = Request::get(&url)
            .abort_signal(abort)
            .send()
            .await
            .map_err(|e| self.network(e))?;
        if response.status() == 404 {
            return Ok(Vec::new());
        }
        let body: Value = read_json(response).await?;
        Ok(body["origins"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|origin| origin.as_str().map(str::to_owned))
            .collect())
    }

    /// `GET /events`: the proxy's stream of this caller's ended jobs (Server-Sent Events),
    /// resumed after `last_id`; `None` when the proxy pushes nothing (then the studio polls).
    pub async fn events(
        &self,
        last_id: Option<&str>,
        abort: Option<&AbortSignal>,
    ) -> Result<Option<web_sys::ReadableStream>, ApiError> {
        let url = format!("{}/events", self.base);
        let mut builder = self
            .prepare(Request::get(&url), abort)
            .header("accept", "text/event-stream");
        if let Some(id) = last_id {
            builder = builder.header("last-event-id", id);
        }
        let response = builder.send().await.map_err(|e| self.network(e))?;
        if response.status() == 404 {
            return Ok(None);
        }
        if !response.ok() {
            return Err(status_error(response).await);
        }
        Ok(response.body())
    }

    /// `GET path` read as JSON, or `None` when the proxy answers 404 (it has no such thing:
    /// no limits, no usage kept).
    async fn get_if_offered<T: DeserializeOwned>(
        &self,
        path: &str,
        abort: Option<&AbortSignal>,
    ) -> Result<Option<T>, ApiError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .prepare(Request::get(&url), abort)
            .send()
            .await
            .map_err(|e| self.network(e))?;
        if response.status() == 404 {
            return Ok(None);
        }
        read_json(response).await.map(Some)
    }

    /// `GET /limits`: the rate limit and the budget closest to running out, or `None`
    /// without limits.
    pub async fn limit_left(
        &self,
        abort: Option<&AbortSignal>,
    ) -> Result<Option<LimitLeft>, ApiError> {
        let body: Option<Value> = self.get_if_offered("/limits", abort).await?;
        Ok(body.as_ref().and_then(limit_left_of))
    }

    /// `GET /usage`: what this caller (and, for an admin, everybody) spent at the proxy
    /// today and this month; `None` when the proxy keeps no usage.
    pub async fn usage(
        &self,
        abort: Option<&AbortSignal>,
    ) -> Result<Option<UsageReport>, ApiError> {
        self.get_if_offered("/usage", abort).await
    }

    /// `POST /receipts`: the proxy's signed receipt for a completed job of this embedded
    /// visitor, for the host page's server to check; `None` when the proxy signs none.
    pub async fn receipt(
        &self,
        job_id: &str,
        abort: Option<&AbortSignal>,
    ) -> Result<Option<Value>, ApiError> {
        let url = format!("{}/receipts", self.base);
        let built = self
            .prepare(Request::post(&url), abort)
            .json(&serde_json::json!({ "job_id": job_id }))
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        let response = built.send().await.map_err(|e| self.network(e))?;
        if response.status() == 404 {
            return Ok(None);
        }
        read_json(response).await.map(Some)
    }

    fn prepare(&self, builder: RequestBuilder, abort: Option<&AbortSignal>) -> RequestBuilder {
        let mut builder = builder
            .header("accept", "application/json")
            .abort_signal(abort);
        if let Some(key) = &self.access_key {
            builder = builder.header("x-proxy-key", key);
        }
        if let Some(session) = &self.session {
            builder = builder.header(SESSION_HEADER, session);
        }
        builder
    }

    /// `POST /generate/image/{provider}/{model}` with an `Idempotency-Key`: the new job,
    /// normally `queued`. Not retried here; the caller sends the same key again when the
    /// outcome is unknown, and the proxy answers with the job the key already made.
    pub async fn submit(
        &self,
        request: &ImageRequest,
        key: &str,
        abort: Option<&AbortSignal>,
    ) -> Result<Job, ApiError> {
        let url = format!("{}{}", self.base, request.path());
        let built = self
            .prepare(Request::post(&url), abort)
            .header("idempotency-key", key)
            .json(&request.body)
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        let response = built.send().await.map_err(|e| self.network(e))?;
        read_json(response).await
    }

    /// `GET /jobs/{id}`.
    pub async fn job(&self, id: &str, abort: Option<&AbortSignal>) -> Result<Job, ApiError> {
        self.get_json(&format!("/jobs/{id}"), abort).await
    }

    /// `GET /jobs?limit=N`: the newest `limit` jobs of this caller, as Krea reports them now.
    pub async fn recent_jobs(
        &self,
        limit: usize,
        abort: Option<&AbortSignal>,
    ) -> Result<JobList, ApiError> {
        self.get_json(&format!("/jobs?limit={limit}"), abort).await
    }

    /// `GET /openapi.json`: Krea's public spec, where new models show up first.
    pub async fn openapi(&self, abort: Option<&AbortSignal>) -> Result<Value, ApiError> {
        self.get_json("/openapi.json", abort).await
    }

    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        abort: Option<&AbortSignal>,
    ) -> Result<T, ApiError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .prepare(Request::get(&url), abort)
            .send()
            .await
            .map_err(|e| self.network(e))?;
        read_json(response).await
    }

    /// `DELETE /jobs/{id}`: cancels the job while Krea still allows it.
    pub async fn cancel(&self, id: &str) -> Result<(), ApiError> {
        self.delete(&format!("/jobs/{id}")).await
    }

    /// `DELETE path`, its answer's body unread.
    pub(super) async fn delete(&self, path: &str) -> Result<(), ApiError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .prepare(Request::delete(&url), None)
            .send()
            .await
            .map_err(|e| self.network(e))?;
        if response.ok() {
            Ok(())
        } else {
            Err(status_error(response).await)
        }
    }

    /// `DELETE /jobs/{id}`'s refusal when the job is past the point where it can stop.
    pub fn is_too_late(error: &ApiError) -> bool {
        matches!(error, ApiError::Status { status: 409, .. })
    }

    fn network(&self, error: gloo_net::Error) -> ApiError {
        let detail = error.to_string();
        if detail.contains("AbortError") {
            return ApiError::Aborted;
        }
        let base = if self.base.is_empty() {
            gloo_utils::window().location().origin().unwrap_or_default()
        } else {
            self.base.clone()
        };
        ApiError::Network { base, detail }
    }
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if !response.ok() {
        return Err(status_error(response).await);
    }
    response
        .json()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn status_error(response: Response) -> ApiError {
    let status = response.status();
    let retry_after_ms = response.headers().get("retry-after").and_then(|value| {
        retry_after_seconds(&value).or_else(|| {
            let at = js_sys::Date::parse(&value);
            (!at.is_nan()).then(|| (at - js_sys::Date::now()).max(0.0))
        })
    });
    let body = response.text().await.unwrap_or_default();
    let message = ErrorBody::message_from(&body).unwrap_or_else(|| {
        let reason = response.status_text();
        if reason.is_empty() {
            format!("HTTP {status}")
        } else {
            reason
        }
    });
    ApiError::Status {
        status,
        message,
        retry_after_ms,
    }
}
