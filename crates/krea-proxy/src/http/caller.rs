//! Who is calling: the keyed routes' layer identifies the caller (or refuses the request),
//! and handlers take the [`Caller`] as an extractor.

use super::Shared;
use crate::callers::{Caller, Identity, Sessions, Unidentified};
use crate::config::Config;
use crate::config::{ACCESS_KEY_HEADER, SESSION_HEADER};
use crate::error::ProxyError;
use crate::site::embed_sites::EmbedSite;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Identifies the caller of a keyed route, or answers 401 saying what is missing.
pub async fn identify(State(proxy): Shared, mut request: Request, next: Next) -> Response {
    let given = request.headers().get(ACCESS_KEY_HEADER);
    let session = request.headers().get(SESSION_HEADER);
    match proxy.identity.current().identify(
        given.map(HeaderValue::as_bytes),
        session.map(HeaderValue::as_bytes),
    ) {
        Ok(caller) => {
            request.extensions_mut().insert(caller.clone());
            let mut response = next.run(request).await;
            // For the access log, which sees only the answer.
            response.extensions_mut().insert(caller);
            response
        }
        Err(Unidentified::BadKey) => ProxyError::Unauthorized {
            message: format!("This proxy needs its access key in the {ACCESS_KEY_HEADER} header")
                .into(),
            code: None,
        }
        .into_response(),
        Err(Unidentified::NoSession) => ProxyError::Unauthorized {
            message: "This proxy needs a session: ask POST /session for one".into(),
            code: Some("session_required"),
        }
        .into_response(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    /// The caller [`identify`] found; a handler that takes one on a public route is a
    /// mistake, answered 500 rather than served to nobody in particular.
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(|| {
            ProxyError::Internal("This route has no caller: it is not a keyed route".into())
                .into_response()
        })
    }
}

/// How callers are told apart: named keys; anonymous sessions on a public proxy without
/// keys (or with `--sessions`); else the one local person.
pub fn identity(config: &Config, shared_secret: Option<Vec<u8>>) -> Result<Identity, String> {
    if let Some(path) = &config.keys {
        if config.access_key.is_some() || config.access_keys.is_some() {
            return Err(format!(
                "give the keys in --keys or in {} / {}, not both",
                crate::config::ACCESS_KEY_ENV,
                crate::config::ACCESS_KEYS_ENV
            ));
        }
        if config.hash_keys {
            let hashed = crate::keys_file::hash_file(path)?;
            tracing::info!(
                "--hash-keys: {hashed} plain key(s) in {} now kept as SHA-256",
                path.display()
            );
        }
        let entries = crate::keys_file::load(path, &config.charges(), &config.allow_models)?;
        return Ok(Identity::from_entries(entries));
    }
    let keyed = Identity::from_keys(config.access_key.as_ref(), config.access_keys.as_ref())?;
    let public = config.sessions || !config.listen.ip().is_loopback();
    if keyed.needs_key() || !public {
        return Ok(keyed);
    }
    let secret = match (&config.session_secret, shared_secret) {
        (Some(secret), _) if secret.expose().len() < 32 => {
            return Err(format!(
                "{} must be at least 32 characters",
                crate::config::SESSION_SECRET_ENV
            ))
        }
        (Some(secret), _) => secret.expose().as_bytes().to_vec(),
        (None, Some(shared)) => shared,
        (None, None) => crate::secret::random_hex(32).into_bytes(),
    };
    let sites = crate::site::embed_sites::parse_all(&config.allow_embed)?;
    if sites.iter().any(EmbedSite::has_budget) {
        config
            .charges()
            .check(&config.allow_models)
            .map_err(|why| why.replacen("--daily-budget-usd", "--allow-embed budget=", 1))?;
    }
    Ok(Identity::Sessions(Sessions::new(secret).with_sites(sites)))
}
