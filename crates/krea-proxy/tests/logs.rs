//! No log line carries a secret: the real `krea-proxy` binary, logging everything it can
//! (`RUST_LOG=trace`), forwards requests with the Krea token to a stand-in upstream, and its
//! whole stderr is searched for the token and the access key.

mod common;

use common::client;
use common::fake_krea::{Answer, FakeKrea};
use std::process::Stdio;

const TOKEN: &str = "0b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e:s3cr3tKreaT0ken";
const ACCESS_KEY: &str = "proxy-key-that-must-not-leak";

#[tokio::test]
async fn neither_the_token_nor_the_access_key_reaches_a_log_line() {
    // The stand-in for api.krea.ai remembers the Authorization it was sent.
    let krea = FakeKrea::start(Answer::job(
        "4d0e5f97-9721-4422-b88c-73a9032d7de1",
        "queued",
    ))
    .await;
    let upstream = krea.url.clone();

    let mut command = common::binary(&["--listen", "127.0.0.1:0", "--upstream", &upstream]);
    command
        .env("KREA_API_TOKEN", TOKEN)
        .env("KREA_PROXY_ACCESS_KEY", ACCESS_KEY)
        .env("RUST_LOG", "trace")
        .stderr(Stdio::piped());
    let (mut proxy, address) = common::start_binary(command);
    let base = format!("http://{address}");
    let logs = common::capture_stderr(&mut proxy);

    let http = client();
    let submitted = http
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .header("x-proxy-key", ACCESS_KEY)
        .header("authorization", format!("Bearer {TOKEN}"))
        .json(&serde_json::json!({"prompt": "a fox"}))
        .send()
        .await
        .unwrap();
    assert_eq!(submitted.status(), 200);
    let polled = http
        .get(format!("{base}/jobs/4d0e5f97-9721-4422-b88c-73a9032d7de1"))
        .header("x-proxy-key", ACCESS_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(polled.status(), 200);
    let refused = http
        .get(format!("{base}/jobs/4d0e5f97-9721-4422-b88c-73a9032d7de1"))
        .header("x-proxy-key", "a wrong key")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    proxy.kill().unwrap();
    proxy.wait().unwrap();
    let logs = logs.join().unwrap();
    assert_eq!(
        krea.seen()
            .iter()
            .filter_map(|seen| seen.headers.get("authorization"))
            .map(|value| value.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .as_slice(),
        // The jobs Krea already held (read before the first generate), the generate, the poll.
        [
            format!("Bearer {TOKEN}"),
            format!("Bearer {TOKEN}"),
            format!("Bearer {TOKEN}")
        ],
        "the token did travel upstream, so the logs had a chance to see it"
    );
    assert!(
        logs.lines().count() >= 3,
        "the proxy logged its requests:\n{logs}"
    );
    assert!(
        !logs.contains("s3cr3tKreaT0ken"),
        "the token is in the logs:\n{logs}"
    );
    assert!(
        !logs.contains(ACCESS_KEY),
        "the access key is in the logs:\n{logs}"
    );
}

#[tokio::test]
async fn each_request_is_one_access_line_whose_id_the_error_body_quotes() {
    let mut command = common::binary(&["--simulate", "--listen", "127.0.0.1:0"]);
    command
        .env("KREA_PROXY_ACCESS_KEYS", "alice:alice-key-1,bob:bob-key-22")
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped());
    let (mut proxy, address) = common::start_binary(command);
    let base = format!("http://{address}");
    let logs = common::capture_stderr(&mut proxy);
    let http = client();
    let missing = http
        .get(format!("{base}/jobs/4d0e5f97-9721-4422-b88c-73a9032d7de1"))
        .header("x-proxy-key", "alice-key-1")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let id = missing.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["request_id"], id.as_str(), "{body}");
    assert!(body["error"].is_string());
    let made = http
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .header("x-proxy-key", "bob-key-22")
        .json(&serde_json::json!({"prompt": "a fox"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 200);
    let refused = http
        .get(format!("{base}/jobs"))
        .header("x-proxy-key", "nobody-key")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);

    proxy.kill().unwrap();
    proxy.wait().unwrap();
    let logs = logs.join().unwrap();
    let access: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("krea_proxy::access"))
        .collect();
    assert_eq!(access.len(), 3, "one line per request:\n{logs}");
    let missing_line = access
        .iter()
        .find(|line| line.contains(&id))
        .expect("the id is in the log");
    for part in [
        "caller=key:alice",
        "method=GET",
        "route=/jobs/{id}",
        "status=404",
        "latency_ms=",
    ] {
        assert!(missing_line.contains(part), "{part} in {missing_line}");
    }
    assert!(
        access.iter().any(|l| l.contains("caller=key:bob")
            && l.contains("status=200")
            && l.contains("route=/generate/image/{provider}/{model}")),
        "{access:?}"
    );
    assert!(
        access
            .iter()
            .any(|l| l.contains("caller=-") && l.contains("status=401")),
        "{access:?}"
    );
    for secret in ["alice-key-1", "bob-key-22", "nobody-key"] {
        assert!(!logs.contains(secret), "{secret} is in the logs");
    }
}
