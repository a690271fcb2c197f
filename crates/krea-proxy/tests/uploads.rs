//! Uploads through the proxy over real HTTP: what reaches a stand-in Krea (byte for byte,
//! with the token, without the caller's headers), the size cap, types that lie, broken
//! forms, a stalled body, the upload rate, and whose assets are whose on a shared proxy.

mod common;

use common::fake_krea::{Answer, FakeKrea};
use common::multipart::{png, Form};
use common::{client, proxy};
use krea_proxy::config::Secret;
use krea_proxy::Config;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

const TOKEN: &str = "upload-test-token-8d2f";
const ASSET: &str = "6a1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

fn asset_answer() -> Answer {
    Answer::json(
        reqwest::StatusCode::OK,
        json!({
            "id": ASSET,
            "image_url": format!("https://app-uploads.krea.ai/{ASSET}.png"),
            "uploaded_at": "2026-12-03T10:00:00.000Z",
            "width": 40, "height": 30, "size_bytes": 1000, "mime_type": "image/png"
        }),
    )
}

fn in_front_of(krea: &FakeKrea, flags: &[&str]) -> Config {
    let mut args = vec![
        "krea-proxy",
        "--listen",
        "127.0.0.1:0",
        "--upstream",
        &krea.url,
    ];
    args.extend_from_slice(flags);
    let mut config = <Config as clap::Parser>::parse_from(args);
    config.token = Some(Secret::new(TOKEN));
    config
}

async fn post(
    base: &str,
    content_type: &str,
    body: Vec<u8>,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = client()
        .post(format!("{base}/assets"))
        .header("content-type", content_type)
        .header("cookie", "session=caller-secret")
        .body(body);
    if let Some(key) = key {
        request = request.header("x-proxy-key", key);
    }
    request.send().await.unwrap()
}

async fn error_of(reply: reqwest::Response) -> (StatusCode, String) {
    let status = reply.status();
    let body: Value = reply.json().await.unwrap_or_default();
    (
        status,
        body["error"].as_str().unwrap_or_default().to_owned(),
    )
}

/// The parts of a multipart body as `(headers, bytes)`, split on its boundary.
fn parts(content_type: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    let marker = format!("--{boundary}");
    let text = body;
    let mut found = Vec::new();
    let mut at = 0;
    let positions: Vec<usize> = (0..text.len())
        .filter(|&i| text[i..].starts_with(marker.as_bytes()))
        .collect();
    for pair in positions.windows(2) {
        let part = &text[pair[0] + marker.len() + 2..pair[1] - 2];
        let split = part.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        found.push((
            String::from_utf8_lossy(&part[..split]).into_owned(),
            part[split + 4..].to_vec(),
        ));
        at = pair[1];
    }
    assert!(
        text[at..].starts_with(format!("{marker}--").as_bytes()),
        "the form is closed"
    );
    found
}

#[tokio::test]
async fn an_upload_reaches_krea_byte_for_byte_with_the_token_and_nothing_of_the_caller() {
    let krea = FakeKrea::start(asset_answer()).await;
    let base = proxy(in_front_of(&krea, &[])).await;
    // Larger than what is checked before forwarding: the rest streams through.
    let file = png(300, 300);
    assert!(file.len() > 64 * 1024, "{} bytes", file.len());
    let form = Form::new()
        .file("file", "holiday photo.png", "image/png", &file)
        .text("description", "la spiaggia");
    let reply = post(&base, &Form::content_type(), form.body(), None).await;
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.json::<Value>().await.unwrap()["id"], ASSET);

    let seen = krea.seen();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(
        (request.method.as_str(), request.uri.as_str()),
        ("POST", "/assets")
    );
    assert_eq!(
        request.headers["authorization"],
        format!("Bearer {TOKEN}").as_str()
    );
    for dropped in ["cookie", "x-proxy-key", "origin"] {
        assert!(
            request.headers.get(dropped).is_none(),
            "{dropped} reached Krea"
        );
    }
    let content_type = request.headers["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary=krea-proxy-"));
    let parts = parts(content_type, &request.body);
    assert_eq!(parts.len(), 2);
    let (file_headers, file_bytes) = &parts[0];
    assert!(
        file_headers.contains(r#"name="file"; filename="holiday photo.png""#),
        "{file_headers}"
    );
    assert!(file_headers.contains("Content-Type: image/png"));
    assert!(file_bytes == &file, "the file arrives byte for byte");
    assert_eq!(parts[1].1, b"la spiaggia");
}

#[tokio::test]
async fn refused_uploads_say_why_and_never_reach_krea() {
    let krea = FakeKrea::start(asset_answer()).await;
    let base = proxy(in_front_of(&krea, &["--upload-limit-mb", "1"])).await;
    let png = png(8, 8);
    let mut jpeg_head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00".to_vec();
    jpeg_head.extend_from_slice(&[0u8; 64]);
    let big = vec![0x89u8; 2 * 1024 * 1024];
    let cases: Vec<(&str, String, Vec<u8>, StatusCode, &str)> = vec![
        (
            "over the cap",
            Form::content_type(),
            Form::new()
                .file("file", "big.png", "image/png", &[&png[..], &big].concat())
                .body(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "1 MB",
        ),
        (
            "a JPEG that says PNG",
            Form::content_type(),
            Form::new()
                .file("file", "x.png", "image/png", &jpeg_head)
                .body(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "says it is image/png",
        ),
        (
            "an SVG",
            Form::content_type(),
            Form::new()
                .file("file", "x.svg", "image/svg+xml", b"<svg onload=alert(1)/>")
                .body(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "JPEG, PNG, WebP and HEIC",
        ),
        (
            "no boundary",
            "multipart/form-data".to_owned(),
            Form::new().file("file", "x.png", "image/png", &png).body(),
            StatusCode::BAD_REQUEST,
            "boundary",
        ),
        (
            "a cut-off form",
            Form::content_type(),
            Form::new().file("file", "x.png", "image/png", &png).body()[..40].to_vec(),
            StatusCode::BAD_REQUEST,
            "",
        ),
        (
            "JSON instead of a form",
            "application/json".to_owned(),
            b"{\"file\":\"x\"}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "multipart/form-data",
        ),
    ];
    for (what, content_type, body, status, words) in cases {
        let (got, error) = error_of(post(&base, &content_type, body, None).await).await;
        assert_eq!(got, status, "{what}: {error}");
        assert!(error.contains(words), "{what}: {error}");
    }
    assert!(krea.seen().is_empty(), "nothing reached Krea");
}

#[tokio::test]
async fn a_stalled_upload_is_refused_with_408() {
    let krea = FakeKrea::start(asset_answer()).await;
    let base = proxy(in_front_of(&krea, &["--upload-idle-secs", "1"])).await;
    let body = Form::new()
        .file("file", "x.png", "image/png", &png(8, 8))
        .body();
    let (head, tail) = body.split_at(100);
    let (head, tail) = (head.to_vec(), tail.to_vec());
    let chunks = futures_util::stream::unfold(0, move |step| {
        let (head, tail) = (head.clone(), tail.clone());
        async move {
            match step {
                0 => Some((Ok::<_, std::io::Error>(head), 1)),
                1 => {
                    tokio::time::sleep(Duration::from_secs(3)).await;
                    Some((Ok(tail), 2))
                }
                _ => None,
            }
        }
    });
    let reply = client()
        .post(format!("{base}/assets"))
        .header("content-type", Form::content_type())
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    let (status, error) = error_of(reply).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT, "{error}");
    assert!(error.contains("stalled"), "{error}");
    assert!(krea.seen().is_empty());
}

#[tokio::test]
async fn the_upload_rate_counts_uploads_per_caller() {
    let krea = FakeKrea::start(asset_answer()).await;
    let base = proxy(in_front_of(&krea, &["--upload-rate", "2/min"])).await;
    let body = || {
        Form::new()
            .file("file", "x.png", "image/png", &png(8, 8))
            .body()
    };
    // A refused upload does not count.
    let refused = post(&base, &Form::content_type(), b"--x--".to_vec(), None).await;
    assert_eq!(refused.status(), 400);
    for _ in 0..2 {
        assert_eq!(
            post(&base, &Form::content_type(), body(), None)
                .await
                .status(),
            200
        );
    }
    let third = post(&base, &Form::content_type(), body(), None).await;
    assert!(third.headers().contains_key("retry-after"));
    let (status, error) = error_of(third).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(error.contains("2 uploads per minute"), "{error}");
}

#[tokio::test]
async fn a_caller_lists_reads_and_deletes_only_its_own_assets() {
    let mut config = Config::simulated(200);
    config.access_keys = Some(Secret::new("alice:alice-key-1,bob:bob-key-22"));
    let base = proxy(config).await;
    let body = Form::new()
        .file("file", "x.png", "image/png", &png(20, 10))
        .body();
    let mine: Value = post(&base, &Form::content_type(), body, Some("alice-key-1"))
        .await
        .json()
        .await
        .unwrap();
    let id = mine["id"].as_str().unwrap();
    let as_caller = |key: &'static str, method: reqwest::Method, path: String| {
        let base = base.clone();
        async move {
            client()
                .request(method, format!("{base}{path}"))
                .header("x-proxy-key", key)
                .send()
                .await
                .unwrap()
        }
    };
    let theirs = as_caller("bob-key-22", reqwest::Method::GET, "/assets".into()).await;
    assert_eq!(theirs.json::<Value>().await.unwrap()["items"], json!([]));
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let reply = as_caller("bob-key-22", method.clone(), format!("/assets/{id}")).await;
        assert_eq!(reply.status(), 404, "{method} of another's asset");
    }
    let own: Value = as_caller("alice-key-1", reqwest::Method::GET, "/assets".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["items"][0]["id"], id);
    assert_eq!(own["items"][0]["width"], 20);
    let deleted = as_caller(
        "alice-key-1",
        reqwest::Method::DELETE,
        format!("/assets/{id}"),
    )
    .await;
    assert_eq!(deleted.status(), 200);
    let after: Value = as_caller("alice-key-1", reqwest::Method::GET, "/assets".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["items"], json!([]), "a deleted asset leaves the list");
}

/// The proxy's peak resident memory so far, in bytes (Linux's `VmHWM`).
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// A form whose file is a PNG head and then `size` bytes, made as it is sent.
fn streamed_form(size: usize) -> reqwest::Body {
    let head = Form::new()
        .file("file", "big.png", "image/png", &png(8, 8))
        .body();
    let split = head.len() - format!("\r\n--{}--\r\n", common::multipart::BOUNDARY).len();
    let (start, end) = (head[..split].to_vec(), head[split..].to_vec());
    let chunk = vec![0x5au8; 256 * 1024];
    let chunks = size / chunk.len();
    let pieces = std::iter::once(start)
        .chain(std::iter::repeat_n(chunk, chunks))
        .chain(std::iter::once(end))
        .map(Ok::<_, std::io::Error>);
    reqwest::Body::wrap_stream(futures_util::stream::iter(pieces))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_50_mb_upload_streams_through_without_the_proxy_holding_it() {
    let krea = FakeKrea::start(asset_answer()).await;
    let mut command = common::binary(&["--listen", "127.0.0.1:0", "--upstream", &krea.url]);
    command
        .args(["--upload-limit-mb", "60"])
        .env("KREA_API_TOKEN", TOKEN)
        .stderr(std::process::Stdio::null());
    let (mut child, address) = common::start_binary(command);
    let base = format!("http://{address}");
    let send = |size: usize| {
        client()
            .post(format!("{base}/assets"))
            .header("content-type", Form::content_type())
            .body(streamed_form(size))
            .send()
    };
    // Warm-up uploads: buffers, connections and threads reach their working size.
    for warm_up in [1, 10] {
        assert_eq!(send(warm_up * 1024 * 1024).await.unwrap().status(), 200);
    }
    let before = peak_memory(child.id());
    let size = 50 * 1024 * 1024;
    assert_eq!(send(size).await.unwrap().status(), 200);
    let grew = peak_memory(child.id()).saturating_sub(before);
    eprintln!(
        "peak memory grew by {} KB during a 50 MB upload",
        grew / 1024
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        krea.seen()[2].body.len() > size,
        "the whole file reached Krea"
    );
    assert!(
        grew < (size / 4) as u64,
        "the proxy's peak memory grew by {} MB for a 50 MB upload: it held the file",
        grew / (1024 * 1024)
    );
}
