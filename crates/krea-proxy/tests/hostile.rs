//! Seventy-odd hostile requests, sent byte for byte to the real binary in front of a
//! stand-in Krea that records what reaches it: traversal in several encodings, smuggling,
//! oversized and malformed heads and bodies, foreign methods, keys and origins. Each must
//! be refused with the status the rule says; nothing but allowed job routes may reach the
//! upstream, never with the caller's credentials; no answer may carry the token; and the
//! proxy must still serve afterwards.

mod common;

use common::fake_krea::{Answer, FakeKrea, Seen};
use common::Running;
use std::process::Stdio;
use std::time::Duration;

const TOKEN: &str = "0b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e:hostileT0kenValue";
const KEY: &str = "alice-key-1";
const JOB: &str = "4d0e5f97-9721-4422-b88c-73a9032d7de1";

fn start(upstream: &str) -> (Running, String) {
    let mut command = common::binary(&["--listen", "127.0.0.1:0", "--upstream", upstream]);
    command
        .args([
            "--allow-origin",
            "https://studio.example",
            "--body-limit",
            "4096",
        ])
        .args(["--header-read-timeout-secs", "2"])
        .env("KREA_API_TOKEN", TOKEN)
        .env(
            "KREA_PROXY_ACCESS_KEYS",
            format!("alice:{KEY},bob:bob-key-22"),
        )
        .stderr(Stdio::null());
    let (child, address) = common::start_binary(command);
    (Running(child), address)
}

/// Sends raw bytes; returns the answer's status (0: closed without one) and its text.
fn send(address: &str, raw: &[u8]) -> (u16, String) {
    common::send_raw(address, raw, 1, Duration::ZERO, Duration::from_secs(5))
}

fn request(method: &str, target: &str, headers: &[&str], body: &str) -> Vec<u8> {
    let mut raw = format!("{method} {target} HTTP/1.1\r\nHost: proxy.test\r\n");
    for header in headers {
        raw.push_str(header);
        raw.push_str("\r\n");
    }
    if !body.is_empty() {
        raw.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    raw.push_str("Connection: close\r\n\r\n");
    raw.push_str(body);
    raw.into_bytes()
}

fn keyed(method: &str, target: &str) -> Vec<u8> {
    request(method, target, &[&format!("X-Proxy-Key: {KEY}")], "")
}

fn json_post(target: &str, extra: &[&str], body: &str) -> Vec<u8> {
    let mut headers = vec![format!("X-Proxy-Key: {KEY}")];
    headers.extend(extra.iter().map(|h| h.to_string()));
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    request("POST", target, &headers, body)
}

#[tokio::test]
async fn hostile_requests_are_refused_and_nothing_leaks() {
    let krea = FakeKrea::start(Answer::job(JOB, "queued")).await;
    let (_proxy, address) = start(&krea.url);
    let big = "a".repeat(8192);
    let huge_header = format!("X-Big: {}", "b".repeat(70_000));
    let many_headers: Vec<String> = (0..150).map(|n| format!("X-Many-{n}: {n}")).collect();
    let many: Vec<&str> = many_headers.iter().map(String::as_str).collect();
    let long_key = format!("X-Proxy-Key: {}", "k".repeat(10_000));
    let long_uri = format!("/jobs/{}", "a".repeat(100_000));
    let prompt = r#"{"prompt":"x"}"#;

    // (what, raw request, statuses that are right; 0 = closed without an answer)
    let cases: Vec<(&str, Vec<u8>, &[u16])> = vec![
        // Traversal and odd paths: never anything but a job route.
        ("dot-dot to the spec", keyed("GET", "/jobs/../openapi.json"), &[404, 401]),
        ("encoded dot-dot", keyed("GET", "/jobs/%2e%2e/openapi.json"), &[404]),
        ("double-encoded dot-dot", keyed("GET", "/jobs/%252e%252e/x"), &[404]),
        ("encoded slash", keyed("GET", "/jobs/..%2f..%2fetc%2fpasswd"), &[404]),
        ("overlong UTF-8 dots", keyed("GET", "/jobs/%c0%ae%c0%ae/"), &[404]),
        ("generate to jobs", keyed("POST", "/generate/image/../../jobs"), &[404, 405]),
        ("generate dot segment", json_post("/generate/image/bfl/%2e%2e", &["Content-Type: application/json"], prompt), &[404]),
        ("generate deep escape", json_post("/generate/image/bfl/flux-1-dev/../../../../jobs", &["Content-Type: application/json"], prompt), &[404, 405]),
        ("double slash", keyed("GET", "//jobs"), &[404]),
        ("job id with NUL", keyed("GET", &format!("/jobs/{JOB}%00")), &[404]),
        ("job id with suffix", keyed("GET", &format!("/jobs/{JOB}/..")), &[404]),
        ("not a UUID", keyed("GET", "/jobs/1;DROP TABLE"), &[400, 404]),
        ("upper-case route", keyed("GET", &format!("/JOBS/{JOB}")), &[404]),
        ("upper-case model", json_post("/generate/image/bfl/Flux", &["Content-Type: application/json"], prompt), &[404]),
        ("four model segments", json_post("/generate/image/a/b/c/d", &["Content-Type: application/json"], prompt), &[404]),
        ("video route", json_post("/generate/video/kling/x", &["Content-Type: application/json"], prompt), &[404]),
        ("assets with a foreign query", keyed("GET", "/assets?url=http://evil.example"), &[400]),
        ("styles with a foreign query", keyed("GET", "/styles?user=someone"), &[400]),
        ("asset id not a uuid", keyed("GET", "/assets/..%2fjobs"), &[404]),
        ("style id with a dot", keyed("GET", "/styles/a.b"), &[404]),
        ("webhooks route", keyed("POST", "/webhooks"), &[404, 405]),
        ("backslash", keyed("GET", "/jobs\\..\\openapi.json"), &[400, 404]),
        ("invalid percent", keyed("GET", "/jobs/%zz"), &[400, 404]),
        ("unknown list key", keyed("GET", "/jobs?limit=1&webhook=https://evil.example"), &[400]),
        // A broken escape is passed on escaped, never raw.
        ("broken escape in the list query", keyed("GET", "/jobs?cursor=%ZZ"), &[200, 400]),
        ("asterisk target", keyed("GET", "*"), &[400, 404]),
        ("absolute-form to elsewhere", keyed("GET", &format!("http://evil.example/jobs/{JOB}")), &[200, 400, 404]),
        ("very long target", keyed("GET", &long_uri), &[0, 400, 404, 414, 431]),
        // Methods.
        ("PUT a job", keyed("PUT", &format!("/jobs/{JOB}")), &[405]),
        ("PATCH a job", keyed("PATCH", &format!("/jobs/{JOB}")), &[405]),
        ("POST a job", keyed("POST", &format!("/jobs/{JOB}")), &[405]),
        ("DELETE the list", keyed("DELETE", "/jobs"), &[405]),
        ("HEAD a job", keyed("HEAD", &format!("/jobs/{JOB}")), &[405]),
        ("TRACE", keyed("TRACE", "/jobs"), &[405]),
        ("CONNECT", keyed("CONNECT", "evil.example:443"), &[0, 400, 404, 405]),
        ("GET generate", keyed("GET", "/generate/image/bfl/flux-1-dev"), &[405]),
        ("lower-case method", keyed("get", &format!("/jobs/{JOB}")), &[400, 405]),
        ("made-up method", keyed("BREW", &format!("/jobs/{JOB}")), &[405]),
        // Keys.
        ("no key", request("GET", &format!("/jobs/{JOB}"), &[], ""), &[401]),
        ("wrong key", request("GET", &format!("/jobs/{JOB}"), &["X-Proxy-Key: alice-key-2"], ""), &[401]),
        ("key in the query", request("GET", &format!("/jobs?x-proxy-key={KEY}"), &[], ""), &[400, 401]),
        ("key as bearer", request("GET", &format!("/jobs/{JOB}"), &[&format!("Authorization: Bearer {KEY}")], ""), &[401]),
        ("key upper-cased", request("GET", &format!("/jobs/{JOB}"), &["X-Proxy-Key: ALICE-KEY-1"], ""), &[401]),
        ("key with a space", request("GET", &format!("/jobs/{JOB}"), &["X-Proxy-Key: alice-key-1 x"], ""), &[401]),
        ("key prefix", request("GET", &format!("/jobs/{JOB}"), &["X-Proxy-Key: alice-key-"], ""), &[401]),
        ("empty key", request("GET", &format!("/jobs/{JOB}"), &["X-Proxy-Key: "], ""), &[401]),
        ("very long key", request("GET", &format!("/jobs/{JOB}"), &[&long_key], ""), &[401, 431]),
        ("two keys", request("GET", &format!("/jobs/{JOB}"), &["X-Proxy-Key: nope", &format!("X-Proxy-Key: {KEY}")], ""), &[401]),
        // Heads.
        ("two Host headers", request("GET", &format!("/jobs/{JOB}"), &[&format!("X-Proxy-Key: {KEY}"), "Host: evil.example"], ""), &[400]),
        ("huge header", request("GET", &format!("/jobs/{JOB}"), &[&huge_header], ""), &[0, 431]),
        ("150 headers", request("GET", &format!("/jobs/{JOB}"), &many, ""), &[0, 431]),
        ("obs-fold", request("GET", &format!("/jobs/{JOB}"), &[&format!("X-Proxy-Key: {KEY}"), "X-Fold: a\r\n b"], ""), &[400]),
        ("NUL in a header", request("GET", &format!("/jobs/{JOB}"), &[&format!("X-Proxy-Key: {KEY}"), "X-Nul: a\0b"], ""), &[400]),
        ("space before colon", request("GET", &format!("/jobs/{JOB}"), &[&format!("X-Proxy-Key: {KEY}"), "X-Bad : v"], ""), &[400]),
        ("non-ASCII header name", request("GET", &format!("/jobs/{JOB}"), &[&format!("X-Proxy-Key: {KEY}"), "X-Ünï: v"], ""), &[400]),
        ("HTTP/2.0 on HTTP/1", format!("GET /jobs/{JOB} HTTP/2.0\r\nHost: x\r\n\r\n").into_bytes(), &[0, 400, 505]),
        ("HTTP/1.1 without Host", b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec(), &[400]),
        ("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n".to_vec(), &[0, 400]),
        // Smuggling.
        ("CL and TE", json_post("/generate/image/bfl/flux-1-dev", &["Content-Type: application/json", "Transfer-Encoding: chunked"], prompt), &[400]),
        ("two lengths", format!("POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: x\r\nX-Proxy-Key: {KEY}\r\nContent-Type: application/json\r\nContent-Length: 14\r\nContent-Length: 5\r\n\r\n{prompt}").into_bytes(), &[400]),
        ("length not a number", format!("POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: x\r\nX-Proxy-Key: {KEY}\r\nContent-Length: 1e3\r\n\r\n{prompt}").into_bytes(), &[400]),
        ("TE identity", format!("POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: x\r\nX-Proxy-Key: {KEY}\r\nTransfer-Encoding: identity\r\n\r\n{prompt}").into_bytes(), &[400, 501]),
        ("TE chunked twice", format!("POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: x\r\nX-Proxy-Key: {KEY}\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n").into_bytes(), &[400, 415, 501]),
        ("bad chunk size", format!("POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: x\r\nX-Proxy-Key: {KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{prompt}\r\n0\r\n\r\n").into_bytes(), &[0, 400]),
        // Bodies.
        ("body over the limit", json_post("/generate/image/bfl/flux-1-dev", &["Content-Type: application/json"], &format!(r#"{{"prompt":"{big}"}}"#)), &[413]),
        ("chunked body over the limit", format!("POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: x\r\nX-Proxy-Key: {KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2000\r\n{}\r\n0\r\n\r\n", "c".repeat(8192)).into_bytes(), &[0, 413]),
        ("form body", json_post("/generate/image/bfl/flux-1-dev", &["Content-Type: application/x-www-form-urlencoded"], "prompt=x"), &[415]),
        ("JSONP", json_post("/generate/image/bfl/flux-1-dev", &["Content-Type: application/jsonp"], prompt), &[415]),
        ("no content type", json_post("/generate/image/bfl/flux-1-dev", &[], prompt), &[415]),
        ("text/json", json_post("/generate/image/bfl/flux-1-dev", &["Content-Type: text/json"], prompt), &[415]),
        ("bad idempotency key", json_post("/generate/image/bfl/flux-1-dev", &["Content-Type: application/json", "Idempotency-Key: has space"], prompt), &[400]),
        ("idempotency key too long", json_post("/generate/image/bfl/flux-1-dev", &["Content-Type: application/json", &format!("Idempotency-Key: {}", "k".repeat(300))], prompt), &[400]),
        // Origins: refused origins get no CORS grant (checked below), preflights too.
        ("preflight from elsewhere", request("OPTIONS", "/jobs", &["Origin: https://evil.example", "Access-Control-Request-Method: GET"], ""), &[200, 204, 403]),
        // (Alice did not make this job here: 404, and no CORS grant either way.)
        ("null origin", request("GET", &format!("/jobs/{JOB}"), &["Origin: null", &format!("X-Proxy-Key: {KEY}")], ""), &[404]),
        ("foreign origin", request("GET", &format!("/jobs/{JOB}"), &["Origin: https://evil.example", &format!("X-Proxy-Key: {KEY}")], ""), &[404]),
    ];
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for (what, raw, allowed) in &cases {
        let (status, text) = send(&address, raw);
        if !allowed.contains(&status) {
            wrong.push(format!(
                "{what}: {status} not in {allowed:?}\n{}",
                text.lines().next().unwrap_or_default()
            ));
        }
        if text.contains("hostileT0kenValue") {
            wrong.push(format!("{what}: the token is in the answer"));
        }
        if text
            .to_ascii_lowercase()
            .contains("access-control-allow-origin: https://evil.example")
            || text
                .to_ascii_lowercase()
                .contains("access-control-allow-origin: null")
            || text
                .to_ascii_lowercase()
                .contains("access-control-allow-origin: *")
        {
            wrong.push(format!("{what}: a foreign origin was granted"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // What reached Krea: only job routes, with the proxy's token and none of the caller's
    // credentials or webhook.
    for Seen {
        method,
        uri: path,
        headers,
        ..
    } in krea.seen()
    {
        let job_route = path == "/jobs"
            || path.starts_with("/jobs?")
            || path.starts_with("/jobs/")
            || path.starts_with("/generate/image/");
        assert!(job_route, "{method} {path} reached Krea");
        assert!(!path.contains(".."), "{path}");
        assert!(!path.contains("webhook"), "{path}");
        assert_eq!(headers["authorization"], format!("Bearer {TOKEN}").as_str());
        for dropped in ["x-proxy-key", "cookie", "x-webhook-url", "origin"] {
            assert!(headers.get(dropped).is_none(), "{dropped} reached Krea");
        }
    }
    // And it still serves.
    let (status, _) = send(&address, &keyed("GET", "/jobs"));
    assert_eq!(status, 200);
}
