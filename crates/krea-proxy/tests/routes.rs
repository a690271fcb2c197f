//! Every route the proxy answers, and who may call it. Routes are added only through the
//! two named groups (`http::routes`), so this list is read from the same groups the router
//! is built from: a new route changes it, and this test then asks its author to say, here,
//! which group it is in. Each listed route is then called over HTTP without the access key:
//! a keyed one refuses with 401, a public one answers without asking for a key, and a path
//! in neither group is not found.

mod common;

use krea_proxy::config::Secret;
use krea_proxy::http::routes::{route_list, Access};
use krea_proxy::Config;

const KEY: &str = "route-table-key";

fn expected(simulate: bool) -> Vec<(Access, &'static str)> {
    let mut routes = vec![
        (Access::Keyed, "/generate/image/{provider}/{model}"),
        (
            Access::Keyed,
            "/generate/image/{provider}/{model}/{variant}",
        ),
        (Access::Keyed, "/generate/enhance/{provider}/{model}"),
        (Access::Keyed, "/jobs"),
        (Access::Keyed, "/jobs/{id}"),
        (Access::Keyed, "/assets"),
        (Access::Keyed, "/assets/{id}"),
        (Access::Keyed, "/styles"),
        (Access::Keyed, "/styles/{id}"),
        (Access::Keyed, "/openapi.json"),
        (Access::Keyed, "/limits"),
        (Access::Keyed, "/usage"),
        (Access::Keyed, "/events"),
        (Access::Keyed, "/receipts"),
        (Access::Keyed, "/image-copy"),
        (Access::Public, "/session"),
        (Access::Public, "/webhooks/{token}"),
        (Access::Public, "/embedders"),
        (Access::Public, "/healthz"),
        (Access::Public, "/readyz"),
    ];
    if simulate {
        routes.push((Access::Public, "/simulator/images/{file}"));
        routes.push((Access::Public, "/simulator/assets/{file}"));
        routes.push((Access::Public, "/simulator/styles/{file}"));
    }
    routes
}

#[test]
fn every_route_is_listed_in_exactly_one_group() {
    for simulate in [false, true] {
        assert_eq!(
            route_list(simulate),
            expected(simulate),
            "simulate: {simulate}"
        );
    }
}

/// A concrete request for a route pattern.
fn request(pattern: &str) -> (reqwest::Method, String) {
    let path = pattern
        .replace("{provider}", "bfl")
        .replace("{model}", "flux-1-dev")
        .replace("{variant}", "dev")
        .replace("{id}", "4d0e5f97-9721-4422-b88c-73a9032d7de1")
        .replace("{token}", "0123456789abcdef")
        .replace("{file}", "4d0e5f97-9721-4422-b88c-73a9032d7de1.png");
    let posts = ["/generate/", "/session", "/webhooks/", "/receipts"];
    let method = if posts.iter().any(|p| path.starts_with(p)) {
        reqwest::Method::POST
    } else {
        reqwest::Method::GET
    };
    (method, path)
}

#[tokio::test]
async fn keyed_routes_refuse_a_caller_without_the_key_and_public_ones_do_not_ask() {
    let mut config = Config::simulated(200);
    config.access_key = Some(Secret::new(KEY));
    let base = common::proxy(config).await;
    let client = common::client();
    for (access, pattern) in route_list(true) {
        let (method, path) = request(pattern);
        let send = |key: Option<&str>| {
            let mut request = client
                .request(method.clone(), format!("{base}{path}"))
                .header("content-type", "application/json")
                .body(r#"{"prompt":"a lighthouse"}"#);
            if let Some(key) = key {
                request = request.header("x-proxy-key", key);
            }
            request.send()
        };
        let without = send(None).await.unwrap().status();
        match access {
            Access::Keyed => {
                assert_eq!(
                    without, 401,
                    "{method} {path} answered a caller without the key"
                );
                let with = send(Some(KEY)).await.unwrap().status();
                assert_ne!(with, 401, "{method} {path} refused the key");
            }
            Access::Public => {
                assert_ne!(without, 401, "{method} {path} asked for a key");
            }
        }
    }
    for unlisted in [
        "/assets/x/y",
        "/styles/x/y",
        "/admin",
        "/jobs/x/y",
        "/generate/video/a/b",
    ] {
        let status = common::get(format!("{base}{unlisted}")).await.status();
        assert_eq!(status, 404, "{unlisted} is in no group");
    }
}
