//! Hostile uploads, sent byte for byte to the real binary in front of a stand-in Krea: empty,
//! oversized, lying and dangerous files, broken forms, path tricks in names, a slow drip.
//! Each gets a clear 4xx with an error in Krea's shape, no whole upload reaches Krea, and
//! the proxy keeps serving.

mod common;

use common::fake_krea::{Answer, FakeKrea};
use common::multipart::{png, Form, BOUNDARY};
use common::Running;
use std::process::Stdio;
use std::time::Duration;

const TOKEN: &str = "hostile-upload-token-5e1a";
const KEY: &str = "alice-key-1";

fn start(upstream: &str) -> (Running, String) {
    let mut command = common::binary(&["--listen", "127.0.0.1:0", "--upstream", upstream]);
    command
        .args(["--upload-limit-mb", "1", "--upload-idle-secs", "1"])
        .env("KREA_API_TOKEN", TOKEN)
        .env("KREA_PROXY_ACCESS_KEYS", format!("alice:{KEY}"))
        .stderr(Stdio::null());
    let (child, address) = common::start_binary(command);
    (Running(child), address)
}

/// An upload request: these headers, then the body (sent with its length unless
/// `chunked`).
fn upload(content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut raw = format!("POST /assets HTTP/1.1\r\nHost: proxy.test\r\nX-Proxy-Key: {KEY}\r\n");
    if let Some(content_type) = content_type {
        raw.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    raw.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    raw
}

fn form(body: Vec<u8>) -> Vec<u8> {
    upload(Some(&Form::content_type()), &body)
}

fn one_file(name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    form(Form::new().file("file", name, content_type, bytes).body())
}

/// A part written by hand, for forms the builder will not make.
fn raw_part(headers: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!("--{BOUNDARY}\r\n{headers}\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Sends raw bytes, in pieces `pause` apart when asked.
fn send(address: &str, raw: &[u8], pieces: usize, pause: Duration) -> (u16, String) {
    common::send_raw(address, raw, pieces, pause, Duration::from_secs(10))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_uploads_are_refused_clearly_and_never_reach_krea() {
    let krea = FakeKrea::start(Answer::json(
        reqwest::StatusCode::OK,
        serde_json::json!({"id": "x", "image_url": "https://x/x.png", "uploaded_at": "2026-12-03T10:00:00Z",
            "width": 1, "height": 1, "size_bytes": 1, "mime_type": "image/png"}),
    ))
    .await;
    let (_proxy, address) = start(&krea.url);
    let png = png(16, 16);
    let mut jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00".to_vec();
    jpeg.extend_from_slice(&[0u8; 200]);
    let with = |head: &[u8], tail: &[u8]| [head, tail].concat();
    let polyglot_png = with(
        &png[..33],
        b"\x00\x00\x00\x20tEXtComment\x00<script>alert(1)</script>",
    );
    let polyglot_jpeg = with(&jpeg[..20], b"\xff\xfe\x00\x20<html><body>hi</body></html>");
    let over = vec![0x41u8; 1024 * 1024 + 10];
    let oversize_png = with(&png, &over);
    let huge_description = "d".repeat(10_000);
    let declared_huge = b"POST /assets HTTP/1.1\r\nHost: proxy.test\r\nX-Proxy-Key: alice-key-1\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 104857600\r\nConnection: close\r\n\r\n".to_vec();
    let chunked_over = {
        let mut raw = format!("POST /assets HTTP/1.1\r\nHost: proxy.test\r\nX-Proxy-Key: {KEY}\r\nContent-Type: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", Form::content_type()).into_bytes();
        let body = Form::new()
            .file("file", "x.png", "image/png", &oversize_png)
            .body();
        for chunk in body.chunks(64 * 1024) {
            raw.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            raw.extend_from_slice(chunk);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"0\r\n\r\n");
        raw
    };
    let plain = |headers: &str| form(raw_part(headers, &png));

    // (what, raw request, statuses that are right, sent in how many pieces)
    let cases: Vec<(&str, Vec<u8>, &[u16], usize)> = vec![
        ("an empty body", form(Vec::new()), &[400], 1),
        ("an empty file", one_file("x.png", "image/png", b""), &[400], 1),
        ("only a description", form(Form::new().text("description", "x").body()), &[400], 1),
        ("a declared 100 MB body", declared_huge, &[413], 1),
        ("a file over the cap", one_file("x.png", "image/png", &oversize_png), &[413], 1),
        ("a chunked file over the cap", chunked_over, &[413, 0], 1),
        ("a GIF", one_file("x.gif", "image/gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff"), &[415], 1),
        ("a BMP", one_file("x.bmp", "image/bmp", b"BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"), &[415], 1),
        ("a PDF", one_file("x.pdf", "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), &[415], 1),
        ("a ZIP", one_file("x.zip", "application/zip", b"PK\x03\x04\x14\x00\x00\x00\x08\x00"), &[415], 1),
        ("an SVG with script", one_file("x.svg", "image/svg+xml", b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), &[415], 1),
        ("an SVG called PNG", one_file("x.png", "image/png", b"<svg onload=alert(1)></svg>"), &[415], 1),
        ("an HTML page", one_file("x.html", "text/html", b"<!doctype html><html><script>alert(1)</script>"), &[415], 1),
        ("XML", one_file("x.xml", "application/xml", b"<?xml version=\"1.0\"?><x/>"), &[415], 1),
        ("a PNG with a script in its text", one_file("x.png", "image/png", &polyglot_png), &[415], 1),
        ("a JPEG with HTML in its comment", one_file("x.jpg", "image/jpeg", &polyglot_jpeg), &[415], 1),
        ("a PNG that says JPEG", one_file("x.jpg", "image/jpeg", &png), &[415], 1),
        ("a PNG that says HTML", one_file("x.png", "text/html", &png), &[415], 1),
        ("a PNG that says SVG", one_file("x.png", "image/svg+xml", &png), &[415], 1),
        ("two files", form(Form::new().file("file", "a.png", "image/png", &png).file("file", "b.png", "image/png", &png).body()), &[400], 1),
        ("a file named otherwise", form(Form::new().file("image", "a.png", "image/png", &png).body()), &[400], 1),
        ("an extra field", form(Form::new().file("file", "a.png", "image/png", &png).text("webhook", "https://evil.example").body()), &[400], 1),
        ("two descriptions", form(Form::new().text("description", "a").text("description", "b").file("file", "a.png", "image/png", &png).body()), &[400], 1),
        ("a name climbing out", one_file("../../etc/passwd", "image/png", &png), &[400], 1),
        ("an absolute name", one_file("/etc/shadow.png", "image/png", &png), &[400], 1),
        ("a backslashed name", one_file("..\\..\\boot.png", "image/png", &png), &[400], 1),
        ("a name with a quote", plain("Content-Disposition: form-data; name=\"file\"; filename=\"a\\\"; name=\\\"x.png\"\r\nContent-Type: image/png"), &[400], 1),
        ("a huge description", form(Form::new().text("description", &huge_description).file("file", "a.png", "image/png", &png).body()), &[400], 1),
        ("a description that is not text", form(Form::new().file("description", "d.bin", "application/octet-stream", b"\xff\xfe\xfd").file("file", "a.png", "image/png", &png).body()), &[400], 1),
        ("no boundary", upload(Some("multipart/form-data"), &Form::new().file("file", "a.png", "image/png", &png).body()), &[400], 1),
        ("another boundary", upload(Some("multipart/form-data; boundary=other"), &Form::new().file("file", "a.png", "image/png", &png).body()), &[400], 1),
        ("JSON", upload(Some("application/json"), b"{\"file\":\"x\"}"), &[415], 1),
        ("plain text", upload(Some("text/plain"), b"file=x"), &[415], 1),
        ("multipart/mixed", upload(Some(&format!("multipart/mixed; boundary={BOUNDARY}")), &Form::new().file("file", "a.png", "image/png", &png).body()), &[415], 1),
        ("no content type", upload(None, &png), &[415], 1),
        ("a part with no disposition", form(raw_part("Content-Type: image/png", &png)), &[400], 1),
        ("a form cut short", form(Form::new().file("file", "a.png", "image/png", &png).body()[..120].to_vec()), &[400], 1),
        ("garbage", form(b"\x00\x01\x02 not a form at all".to_vec()), &[400], 1),
        ("a slow drip", one_file("a.png", "image/png", &png), &[408], 4),
    ];
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for (what, raw, allowed, pieces) in cases {
        let pause = if pieces > 1 {
            Duration::from_millis(1500)
        } else {
            Duration::ZERO
        };
        let (status, text) = {
            let address = address.clone();
            tokio::task::spawn_blocking(move || send(&address, &raw, pieces, pause))
                .await
                .unwrap()
        };
        if !allowed.contains(&status) {
            wrong.push(format!(
                "{what}: {status} not in {allowed:?}: {}",
                text.lines().last().unwrap_or_default()
            ));
        }
        if status != 0 && !text.contains("\"error\":") {
            wrong.push(format!("{what}: no error in Krea's shape"));
        }
        if text.contains(TOKEN) {
            wrong.push(format!("{what}: the token is in the answer"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        krea.seen().is_empty(),
        "a whole upload reached Krea: {:?}",
        krea.seen()
            .iter()
            .map(|s| s.uri.clone())
            .collect::<Vec<_>>()
    );
    // And it still serves: a good upload goes through.
    let good = one_file("good.png", "image/png", &png);
    let address_now = address.clone();
    let (status, _) =
        tokio::task::spawn_blocking(move || send(&address_now, &good, 1, Duration::ZERO))
            .await
            .unwrap();
    assert_eq!(status, 200);
    assert_eq!(krea.seen().len(), 1);
}
