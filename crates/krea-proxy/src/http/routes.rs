//! Which routes the proxy answers, and who may call each: every route is added through one
//! of two named groups, so where a route is written says who may call it, and the list of
//! routes is read from the same groups the router is built from (`tests/routes.rs` checks
//! it against what the router answers).

use super::{image_copy, jobs, library, meta, push, receipts, session, usage, Proxy};
use crate::krea_routes::{job_routes, JOB_PATHS};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use std::sync::Arc;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Only an identified caller (an access key or a session, where the proxy asks for
    /// one): the routes that spend or show the account.
    Keyed,
    /// Anyone: health, sessions themselves, Krea's deliveries, which sites may embed.
    Public,
}

/// Routes of one [`Access`], with their paths noted as they are added.
pub struct RouteGroup {
    pub access: Access,
    pub router: Router<Arc<Proxy>>,
    pub paths: Vec<&'static str>,
}

impl RouteGroup {
    fn new(access: Access) -> RouteGroup {
        RouteGroup {
            access,
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    fn route(mut self, path: &'static str, handler: MethodRouter<Arc<Proxy>>) -> RouteGroup {
        self.router = self.router.route(path, handler);
        self.paths.push(path);
        self
    }

    fn merge(mut self, router: Router<Arc<Proxy>>, paths: &[&'static str]) -> RouteGroup {
        self.router = self.router.merge(router);
        self.paths.extend_from_slice(paths);
        self
    }
}

/// The routes that need a caller: Krea's job routes and what a caller asks of the proxy.
pub fn keyed_routes() -> RouteGroup {
    let jobs = job_routes(
        post(jobs::generate),
        get(jobs::list),
        get(jobs::one).delete(jobs::one),
    );
    RouteGroup::new(Access::Keyed)
        .merge(jobs, &JOB_PATHS)
        .route("/assets", post(library::upload).get(library::list))
        .route("/assets/{id}", get(library::one).delete(library::one))
        .route("/styles", get(library::styles))
        .route("/styles/{id}", get(library::style))
        .route("/openapi.json", get(jobs::passthrough))
        .route("/limits", get(meta::limits))
        // Who spent what: the caller's own, or everybody's for an admin.
        .route("/usage", get(usage::usage))
        .route("/events", get(push::events))
        // What an embedding site's server checks an image by.
        .route("/receipts", post(receipts::receipt))
        // A finished image for the studio's local copies, from Krea's image hosts only.
        .route("/image-copy", get(image_copy::image_copy))
}

/// The routes anyone may call: never behind a key, never shadowed by the served app.
pub fn public_routes(simulate: bool) -> RouteGroup {
    let group = RouteGroup::new(Access::Public)
        .route("/session", post(session::session))
        // Krea's deliveries: the token in the path is the credential.
        .route("/webhooks/{token}", post(push::webhook))
        // Which sites may show the studio in a frame: an embedded studio talks to its host
        // page only when this proxy lists it, so a page cannot spend through a framed studio.
        .route("/embedders", get(meta::embedders))
        .route("/healthz", get(meta::healthz))
        .route("/readyz", get(meta::readyz));
    if simulate {
        // Simulated pictures, uploads and style thumbnails are public, like Krea's own
        // image URLs.
        group
            .route("/simulator/images/{file}", get(jobs::passthrough))
            .route("/simulator/assets/{file}", get(jobs::passthrough))
            .route("/simulator/styles/{file}", get(jobs::passthrough))
    } else {
        group
    }
}

/// Every route the proxy answers (besides the served app), with who may call it.
pub fn route_list(simulate: bool) -> Vec<(Access, &'static str)> {
    [keyed_routes(), public_routes(simulate)]
        .into_iter()
        .flat_map(|group| {
            let access = group.access;
            group.paths.into_iter().map(move |path| (access, path))
        })
        .collect()
}
