//! The proxy's HTTP surface: two named route groups (keyed and public), the layers every
//! request passes through, and (with `--serve`) the built app from the same origin.
//! Handlers live one file per route group; they return typed answers and build a
//! `Response` only here at the edge.

pub mod access_log;
pub mod bounds;
pub mod caller;
pub mod health;
mod image_copy;
mod jobs;
mod library;
mod meta;
mod middleware;
mod push;
mod receipts;
pub mod routes;
mod session;
mod usage;

use crate::callers::{Identity, LiveIdentity};
use crate::config::Config;
use crate::error::ProxyError;
use crate::limits::admission::Gate;
use crate::ownership::Ownership;
use crate::push::Push;
use crate::site::headers::ServeHeaders;
use crate::stores::{StateKind, Stores};
use crate::upstream::submit::Submits;
use crate::upstream::{Forward, Upstream};
use crate::usage::counter::UsageCounter;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::Router;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;

/// What every handler shares.
pub struct Proxy {
    upstream: Upstream,
    submits: Submits,
    ownership: Box<dyn Ownership>,
    gate: Gate,
    /// `--upload-rate`.
    upload_gate: Gate,
    upload_rules: crate::uploads::UploadRules,
    readiness: health::Readiness,
    state: StateKind,
    redis: Option<crate::state::redis::RedisState>,
    identity: Arc<LiveIdentity>,
    allow_models: Vec<String>,
    trust_forwarded: bool,
    /// With `--public-url`: webhooks in, pushed results out.
    push: Option<Push>,
    /// `--simulate` without `--public-url`: this process plays Krea as a whole, so a
    /// caller's `X-Webhook-URL` is Krea's documented header and goes to the simulator.
    simulates_webhooks: bool,
    /// The sites that may embed the studio, for `GET /embedders`.
    embedders: Vec<String>,
    /// What receipts for embedding sites are signed with (`KREA_PROXY_RECEIPT_SECRET`).
    receipt_secret: Option<crate::secret::Secret>,
    /// Who spent what, kept wherever callers are told apart or limits apply (a proxy with
    /// one user and no limits has its history in the studio and keeps none).
    usage: Option<UsageCounter>,
}

impl Proxy {
    /// Records who made a job or an asset. When the store does not answer, keeps trying in
    /// the background ([`crate::ownership::record_until_kept`]) rather than holding the
    /// answer that tells the caller its id.
    async fn keep_owner(self: &Arc<Self>, id: String, owner: String, created_at: String) {
        if self
            .ownership
            .record(&id, &owner, &created_at)
            .await
            .is_ok()
        {
            return;
        }
        let proxy = Arc::clone(self);
        tokio::spawn(async move {
            crate::ownership::record_until_kept(&*proxy.ownership, &id, &owner, &created_at).await;
        });
    }

    /// Whether job answers are read on their way back (to see jobs end), rather than
    /// streamed through untouched.
    fn reads_jobs(&self) -> bool {
        self.gate.is_active() || self.usage.is_some()
    }

    /// A job answer passed back to a caller: a job that ended frees its slot, a failed or
    /// cancelled one is refunded, and its usage counted, each once.
    async fn saw(&self, job: &serde_json::Value) {
        self.gate.saw(job).await;
        if let Some(usage) = &self.usage {
            usage.saw(job).await;
        }
    }

    fn forward(&self, method: Method, path: String, headers: &HeaderMap, body: Bytes) -> Forward {
        Forward::new(method, path, headers, body, self.trust_forwarded)
    }

    /// `GET path?query` (a query the route table checked and re-encoded), Krea's answer
    /// passed back.
    async fn get_with_query(
        &self,
        path: &str,
        query: &str,
        headers: &HeaderMap,
    ) -> axum::response::Response {
        let path = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        self.upstream
            .send(self.forward(Method::GET, path, headers, Bytes::new()))
            .await
    }
}

type Shared = State<Arc<Proxy>>;

/// The proxy's routes, with its state in memory. Fails when the access keys are
/// misconfigured, saying how.
pub fn router(config: &Config, upstream: Upstream) -> Result<Router, String> {
    router_with(config, upstream, Stores::memory())
}

/// The proxy's routes, with its state where `stores` keep it.
pub fn router_with(config: &Config, upstream: Upstream, stores: Stores) -> Result<Router, String> {
    let identity = Arc::new(LiveIdentity::new(caller::identity(
        config,
        stores.session_secret.clone(),
    )?));
    if let Some(path) = &config.keys {
        crate::keys_file::reload_on_hangup(
            path.clone(),
            config.charges(),
            config.allow_models.clone(),
            Arc::clone(&identity),
        );
    }
    let push = config
        .public_url
        .as_deref()
        .map(|url| Push::start(url, stores.push, stores.redis.as_ref()));
    let sites = crate::site::embed_sites::parse_all(&config.allow_embed)?;
    let embedders: Vec<String> = sites.iter().map(|site| site.origin.clone()).collect();
    let mut limits = config.limit_settings();
    // Sessions of a site with an allowance have rules of their own.
    limits.per_key |= sites.iter().any(|site| site.has_allowance());
    let clock = limits.clock.clone();
    let gate = Gate::new(limits, stores.limits)?;
    let shared = !matches!(*identity.current(), Identity::Local);
    let usage = (shared || gate.is_active()).then(|| UsageCounter::new(stores.usage, clock));
    let proxy = Arc::new(Proxy {
        upstream,
        submits: Submits::new(stores.idempotency),
        ownership: stores.ownership,
        gate,
        upload_gate: Gate::for_uploads(&config.upload_rates, stores.upload_limits),
        upload_rules: config.upload_rules(),
        redis: stores.redis,
        state: stores.kind,
        identity,
        readiness: health::Readiness::default(),
        allow_models: config.allow_models.clone(),
        trust_forwarded: config.trust_forwarded_headers,
        push,
        simulates_webhooks: config.simulate && config.public_url.is_none(),
        embedders: embedders.clone(),
        receipt_secret: config.checked_receipt_secret()?,
        usage,
    });
    let keyed = routes::keyed_routes().router.layer(
        ServiceBuilder::new()
            // Every keyed request has a caller (or is refused); handlers take it.
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&proxy),
                caller::identify,
            ))
            // HEAD would answer a GET's headers without its body: not for API calls.
            .layer(axum::middleware::from_fn(middleware::refuse_head)),
    );
    let api = keyed.merge(routes::public_routes(config.simulate).router);
    let app = match &config.serve {
        Some(dir) => {
            let own_upstream = (!config.simulate && config.upstream != crate::config::KREA_API)
                .then_some(config.upstream.as_str());
            let security = ServeHeaders::for_dist(dir, &embedders, own_upstream)?;
            api.merge(crate::site::service(dir, security))
        }
        None => api.fallback(|| async { ProxyError::NotFound("Not found".into()) }),
    };
    let app = app.method_not_allowed_fallback(|| async { ProxyError::MethodNotAllowed });
    // In the order a request meets them.
    Ok(app
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(access_log::log))
                .layer(axum::middleware::from_fn(middleware::sane_head))
                .layer(middleware::cors(&config.allow_origins))
                .layer(axum::middleware::from_fn_with_state(
                    bounds::Bounds {
                        body: config.body_limit,
                        upload: (config.upload_rules().max_bytes
                            + crate::uploads::form::FORM_OVERHEAD)
                            as usize,
                        timeout: config.upstream_timeout() + Duration::from_secs(5),
                    },
                    bounds::bounded,
                )),
        )
        .with_state(proxy))
}
