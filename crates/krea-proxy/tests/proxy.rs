//! The proxy in front of a recording upstream, over real HTTP: what it forwards, what it
//! strips, what it refuses, and how it answers browsers.

mod common;

use axum::http::{Method, StatusCode};
use common::fake_krea::{Answer, FakeKrea};
use common::{client, get, proxy};
use krea_proxy::config::{Config, Secret};
use serde_json::{json, Value};
use std::sync::Arc;

/// An upstream that records every request and answers 429 with `Retry-After`.
async fn recording_upstream() -> FakeKrea {
    let refused = Answer::json(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"error": "maximum number of concurrent jobs reached"}),
    )
    .header("retry-after", "7")
    .header("set-cookie", "upstream=1");
    FakeKrea::start(refused).await
}

fn config_for(upstream: &str) -> Config {
    let mut config = Config::simulated(1000);
    config.simulate = false;
    config.upstream = upstream.to_owned();
    config.token = Some(Secret::new("proxy-secret-token"));
    config.allow_origins = vec!["https://studio.example".into()];
    config
}

const JOB_ID: &str = "4d0e5f97-9721-4422-b88c-73a9032d7de1";

#[tokio::test]
async fn injects_the_token_strips_client_credentials_and_passes_errors_through() {
    let seen = recording_upstream().await;
    let upstream = seen.url.clone();
    let base = proxy(config_for(&upstream)).await;
    let reply = client()
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .header("authorization", "Bearer client-token")
        .header("cookie", "session=1")
        .header("x-webhook-url", "https://evil.example/hook")
        .header("x-forwarded-for", "10.0.0.1")
        .header("x-api-zero-data-retention", "1")
        .json(&json!({"prompt": "a fox"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 429);
    assert_eq!(reply.headers()["retry-after"], "7");
    assert!(reply.headers().get("set-cookie").is_none());
    assert_eq!(
        reply.json::<Value>().await.unwrap()["error"],
        "maximum number of concurrent jobs reached"
    );

    let seen = seen.seen();
    // Before its first generate the proxy lists the jobs Krea already holds (see submit.rs).
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].uri, "/jobs?limit=100");
    let request = &seen[1];
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.uri, "/generate/image/bfl/flux-1-dev");
    assert_eq!(
        request.headers["authorization"],
        "Bearer proxy-secret-token"
    );
    assert_eq!(request.headers.get_all("authorization").iter().count(), 1);
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(request.headers["x-api-zero-data-retention"], "1");
    for dropped in ["cookie", "x-webhook-url", "x-forwarded-for"] {
        assert!(
            request.headers.get(dropped).is_none(),
            "{dropped} was forwarded"
        );
    }
    assert_eq!(request.body.as_ref(), br#"{"prompt":"a fox"}"#);
}

#[tokio::test]
async fn forwards_the_job_routes_unchanged() {
    let seen = recording_upstream().await;
    let upstream = seen.url.clone();
    let base = proxy(config_for(&upstream)).await;
    let http = client();
    http.get(format!("{base}/jobs/{JOB_ID}"))
        .send()
        .await
        .unwrap();
    http.delete(format!("{base}/jobs/{JOB_ID}"))
        .send()
        .await
        .unwrap();
    http.get(format!("{base}/jobs?limit=5&status=completed"))
        .send()
        .await
        .unwrap();
    http.post(format!("{base}/generate/image/krea/krea-2/medium"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let forwarded: Vec<(Method, String)> = seen
        .seen()
        .iter()
        .map(|s| (s.method.clone(), s.uri.clone()))
        .collect();
    assert_eq!(
        forwarded,
        [
            (Method::GET, format!("/jobs/{JOB_ID}")),
            (Method::DELETE, format!("/jobs/{JOB_ID}")),
            (Method::GET, "/jobs?limit=5&status=completed".to_owned()),
            // The jobs Krea already holds, listed before the first generate.
            (Method::GET, "/jobs?limit=100".to_owned()),
            (
                Method::POST,
                "/generate/image/krea/krea-2/medium".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn refuses_everything_outside_the_route_table_without_forwarding() {
    let seen = recording_upstream().await;
    let upstream = seen.url.clone();
    let mut config = config_for(&upstream);
    config.body_limit = 1024;
    config.allow_models = vec!["bfl/flux-1-dev".into()];
    let base = proxy(config).await;
    let http = client();
    let status = |reply: reqwest::Response| reply.status().as_u16();

    for path in [
        "/assets/not-a-uuid/file",
        "/styles/a/b",
        "/jobs/not-a-uuid",
        "/jobs/..%2Fassets",
        "/generate/image/bfl/..%2F..%2Fassets",
        "/generate/image/BFL/flux",
        "/generate/video/kling/kling-2",
    ] {
        let get = http.get(format!("{base}{path}")).send().await.unwrap();
        assert!([404, 405].contains(&status(get)), "{path}");
        let post = http
            .post(format!("{base}{path}"))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert!([404, 405].contains(&status(post)), "{path}");
    }
    let query = http
        .get(format!("{base}/jobs?target=http://evil"))
        .send()
        .await
        .unwrap();
    assert_eq!(status(query), 400);
    let not_json = http
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .header("content-type", "text/plain")
        .body("prompt")
        .send()
        .await
        .unwrap();
    assert_eq!(status(not_json), 415);
    let too_big = http
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .json(&json!({"prompt": "x".repeat(2048)}))
        .send()
        .await
        .unwrap();
    assert_eq!(status(too_big), 413);
    let not_allowed = http
        .post(format!("{base}/generate/image/openai/gpt-image-2"))
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(status(not_allowed), 403);
    assert!(seen.seen().is_empty(), "something was forwarded");
}

#[tokio::test]
async fn answers_preflight_for_allowed_origins_and_exposes_retry_after() {
    let krea = recording_upstream().await;
    let upstream = krea.url.clone();
    let base = proxy(config_for(&upstream)).await;
    let http = client();
    let preflight = |origin: &'static str| {
        http.request(
            Method::OPTIONS,
            format!("{base}/generate/image/bfl/flux-1-dev"),
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
    };
    let allowed = preflight("https://studio.example").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://studio.example"
    );
    assert!(allowed.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    let denied = preflight("https://elsewhere.example").await.unwrap();
    assert!(denied
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let reply = http
        .get(format!("{base}/jobs/{JOB_ID}"))
        .header("origin", "https://studio.example")
        .send()
        .await
        .unwrap();
    let exposed = reply.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("retry-after"), "{exposed}");
}

#[tokio::test]
async fn an_access_key_is_required_when_configured() {
    let seen = recording_upstream().await;
    let upstream = seen.url.clone();
    let mut config = config_for(&upstream);
    config.access_key = Some(Secret::new("letmein"));
    let base = proxy(config).await;
    let http = client();
    let anonymous = http
        .get(format!("{base}/jobs/{JOB_ID}"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = http
        .get(format!("{base}/jobs/{JOB_ID}"))
        .header("x-proxy-key", "nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(seen.seen().is_empty());
    let keyed = http
        .get(format!("{base}/jobs/{JOB_ID}"))
        .header("x-proxy-key", "letmein")
        .send()
        .await
        .unwrap();
    assert_eq!(
        keyed.status(),
        429,
        "the keyed request reached the upstream"
    );
    assert!(seen.seen()[0].headers.get("x-proxy-key").is_none());
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_502_in_krea_shape() {
    // Bind and drop a listener so the port is closed.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let base = proxy(config_for(&format!("http://{closed}"))).await;
    let reply = get(format!("{base}/jobs/{JOB_ID}")).await;
    assert_eq!(reply.status(), 502);
    assert_eq!(reply.headers()["krea-proxy-upstream-failure"], "refused");
    assert!(reply.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .contains("the connection was refused"));
}

#[tokio::test]
async fn each_upstream_failure_says_its_class() {
    async fn class_of(upstream: String, timeout_secs: u64) -> (u16, String, String) {
        let mut config = config_for(&upstream);
        config.upstream_timeout_secs = timeout_secs;
        let base = proxy(config).await;
        let reply = get(format!("{base}/jobs/{JOB_ID}")).await;
        let status = reply.status().as_u16();
        let class = reply
            .headers()
            .get("krea-proxy-upstream-failure")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body: Value = reply.json().await.unwrap();
        (
            status,
            class,
            body["error"].as_str().unwrap_or_default().to_owned(),
        )
    }
    // A name that cannot resolve (.invalid is reserved for that).
    let (status, class, words) = class_of("http://krea.invalid".to_owned(), 5).await;
    assert_eq!(
        (status, class.as_str()),
        (502, "name resolution"),
        "{words}"
    );
    assert!(words.contains("host name"), "{words}");
    // An upstream that accepts and hangs up at once.
    let reset = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = reset.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in reset.incoming().flatten() {
            drop(stream);
        }
    });
    let (status, class, _) = class_of(format!("http://{address}"), 5).await;
    assert_eq!((status, class.as_str()), (502, "reset"));
    // An upstream that never answers.
    let silent = FakeKrea::start(
        Answer::json(StatusCode::OK, json!("late")).after(std::time::Duration::from_secs(30)),
    )
    .await;
    let (status, class, words) = class_of(silent.url.clone(), 1).await;
    assert_eq!((status, class.as_str()), (504, "timeout"), "{words}");
    // An HTTPS upstream whose certificate nobody signed.
    let (status, class, words) = class_of(self_signed_upstream().await, 5).await;
    assert_eq!((status, class.as_str()), (502, "certificate"), "{words}");
    assert!(words.contains("certificate"), "{words}");
}

/// An HTTPS server on 127.0.0.1 with a self-signed certificate, answering nothing.
async fn self_signed_upstream() -> String {
    krea_proxy::upstream::install_crypto_provider();
    let signed = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let certificate = signed.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::try_from(signed.key_pair.serialize_der()).unwrap();
    let tls = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(stream).await;
            });
        }
    });
    format!("https://localhost:{port}")
}

#[tokio::test]
async fn without_a_token_the_real_upstream_refuses_to_start() {
    let mut config = config_for("https://api.krea.ai");
    config.token = None;
    let error = krea_proxy::startup::upstream(&config)
        .err()
        .expect("refused");
    assert!(error.contains("KREA_API_TOKEN"));
}

#[tokio::test]
async fn serves_the_app_from_the_same_origin_with_serve() {
    let dir = std::env::temp_dir().join(format!("krea-proxy-serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<html>studio</html>").unwrap();
    let mut config = Config::simulated(1000);
    config.serve = Some(dir.clone());
    let base = proxy(config).await;
    let index = get(format!("{base}/")).await.text().await.unwrap();
    assert_eq!(index, "<html>studio</html>");
    let api = get(format!("{base}/jobs/{JOB_ID}")).await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.json::<Value>().await.unwrap()["error"], "Job not found");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn the_served_app_carries_a_policy_made_for_it() {
    let dir = std::env::temp_dir().join(format!("krea-proxy-csp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let inline = "\nimport init from '/app.js';\nawait init();\n";
    std::fs::write(
        dir.join("index.html"),
        format!("<html><script type=\"module\">{inline}</script></html>"),
    )
    .unwrap();
    std::fs::write(dir.join("app-0123456789abcdef.js"), "export default 1").unwrap();
    let mut config = Config::simulated(1000);
    config.serve = Some(dir.clone());
    config.allow_embed = vec!["https://blog.example".to_owned()];
    let base = proxy(config).await;
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(inline));
    for page in ["/", "/app-0123456789abcdef.js", "/a/route"] {
        let reply = get(format!("{base}{page}")).await;
        let headers = reply.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains(&format!(
                "script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'"
            )),
            "{csp}"
        );
        // The studio itself is framed by no other site: only its embed page is.
        assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
        assert!(
            csp.contains("img-src * data: blob:;")
                && csp.contains("connect-src 'self' https://*.krea.ai;"),
            "{csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(
            headers["referrer-policy"],
            "strict-origin-when-cross-origin"
        );
    }
    // The API is not a page: no page policy there.
    let api = get(format!("{base}/jobs/{JOB_ID}")).await;
    assert!(api.headers().get("content-security-policy").is_none());
    // The embed page: framed by the listed site, talking to the proxy its host names.
    std::fs::create_dir_all(dir.join("embed")).unwrap();
    std::fs::write(dir.join("embed/index.html"), "<html>embed</html>").unwrap();
    let embed = get(format!("{base}/embed/")).await;
    let csp = embed.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(embed.text().await.unwrap(), "<html>embed</html>");
    assert!(
        csp.ends_with("frame-ancestors https://blog.example"),
        "{csp}"
    );
    assert!(
        csp.contains("connect-src 'self' https://*.krea.ai https:"),
        "{csp}"
    );
    // The loader (and, for inline mode, the app's module and wasm) are loaded by other
    // sites with CORS: for anyone. Pages are not.
    std::fs::write(dir.join("embed.js"), "export {}").unwrap();
    let loader = reqwest::Client::new()
        .get(format!("{base}/embed.js"))
        .header("origin", "https://blog.example")
        .send()
        .await
        .unwrap();
    assert_eq!(loader.headers()["access-control-allow-origin"], "*");
    let page = reqwest::Client::new()
        .get(format!("{base}/embed/"))
        .header("origin", "https://blog.example")
        .send()
        .await
        .unwrap();
    assert!(page.headers().get("access-control-allow-origin").is_none());
    // Which sites may embed, for a studio framed by one (no key needed: nothing secret).
    let listed: Value = get(format!("{base}/embedders")).await.json().await.unwrap();
    assert_eq!(
        listed,
        serde_json::json!({"origins": ["https://blog.example"]})
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn an_embedder_that_is_not_an_origin_is_refused_at_start() {
    let mut config = Config::simulated(1000);
    config.allow_embed = vec!["https://blog.example/page".to_owned()];
    let refused = krea_proxy::http::router_with(
        &config,
        krea_proxy::startup::upstream(&config).unwrap(),
        krea_proxy::stores::Stores::memory(),
    )
    .expect_err("refused");
    assert!(
        refused.contains("--allow-embed https://blog.example/page"),
        "{refused}"
    );
}

#[tokio::test]
async fn serves_the_precompressed_copy_the_browser_accepts_with_cache_rules() {
    let dir = std::env::temp_dir().join(format!("krea-proxy-br-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = "app-0123456789abcdef_bg.wasm";
    std::fs::write(dir.join(wasm), "raw wasm").unwrap();
    std::fs::write(dir.join(format!("{wasm}.br")), "brotli wasm").unwrap();
    std::fs::write(dir.join(format!("{wasm}.gz")), "gzip wasm").unwrap();
    std::fs::write(dir.join("index.html"), "<html>studio</html>").unwrap();
    std::fs::write(dir.join("config.json"), "{}").unwrap();
    let mut config = Config::simulated(1000);
    config.serve = Some(dir.clone());
    let base = proxy(config).await;
    // No automatic decompression: what arrives is what was sent.
    let plain = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    let fetch = |encoding: &'static str| {
        plain
            .get(format!("{base}/{wasm}"))
            .header("accept-encoding", encoding)
            .send()
    };
    let br = fetch("gzip, br").await.unwrap();
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(
        br.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(br.text().await.unwrap(), "brotli wasm");
    let gz = fetch("gzip").await.unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(gz.text().await.unwrap(), "gzip wasm");
    let raw = fetch("identity").await.unwrap();
    assert!(raw.headers().get("content-encoding").is_none());
    assert_eq!(raw.text().await.unwrap(), "raw wasm");
    for page in ["/", "/config.json", "/some/route"] {
        let reply = plain.get(format!("{base}{page}")).send().await.unwrap();
        assert_eq!(reply.status(), 200, "{page}");
        assert_eq!(reply.headers()["cache-control"], "no-cache", "{page}");
    }
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn health_and_readiness_answer_without_a_key_and_are_never_the_served_app() {
    let dir = std::env::temp_dir().join(format!("krea-proxy-health-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<html>studio</html>").unwrap();
    let mut config = Config::simulated(1000);
    config.serve = Some(dir.clone());
    config.access_key = Some(Secret::new("letmein-please"));
    let base = proxy(config).await;
    let alive = get(format!("{base}/healthz")).await;
    assert_eq!(alive.status(), 200);
    assert_eq!(alive.json::<Value>().await.unwrap()["status"], "alive");
    let ready = get(format!("{base}/readyz")).await;
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["upstream"].as_str()),
        (Some("ready"), Some("reachable"))
    );
    std::fs::remove_dir_all(dir).ok();

    // Krea unreachable: not ready, and why.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let base = proxy(config_for(&format!("http://{closed}"))).await;
    assert_eq!(get(format!("{base}/healthz")).await.status(), 200);
    let ready = get(format!("{base}/readyz")).await;
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["upstream"], "unreachable: refused", "{body}");
}

#[tokio::test]
async fn a_gzip_answer_from_krea_reaches_the_caller_as_what_its_headers_say() {
    use std::io::Write;
    let job =
        format!(r#"{{"job_id":"{JOB_ID}","status":"queued","created_at":"2026-11-22T10:00:00Z"}}"#);
    let mut packed = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    packed.write_all(job.as_bytes()).unwrap();
    let packed = packed.finish().unwrap();
    let krea = FakeKrea::start(
        Answer::json(StatusCode::OK, json!(null))
            .header("content-encoding", "gzip")
            .body(packed),
    )
    .await;
    let base = proxy(config_for(&krea.url)).await;
    // Read as sent: no decoding on this side.
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let reply = raw
        .get(format!("{base}/jobs/{JOB_ID}"))
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let encoding = reply.headers().get("content-encoding").cloned();
    let body = reply.bytes().await.unwrap();
    assert!(encoding.is_none(), "{encoding:?}");
    let parsed: Value = serde_json::from_slice(&body).expect("plain JSON, as the headers say");
    assert_eq!(parsed["job_id"], JOB_ID);
}
