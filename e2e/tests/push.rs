//! With the proxy's `--public-url`, a finished image reaches the card through the proxy's
//! stream (webhook → proxy → Server-Sent Events), not through polling; repeated deliveries
//! change nothing.

use krea_e2e::{Proxy, Stack};

#[tokio::test]
async fn a_pushed_result_fills_its_card_without_a_poll() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let public = format!("http://{address}");
    let dist = std::env::var("KREA_DIST").expect("KREA_DIST");
    let proxy = Proxy::start(
        &[
            "--simulate",
            "--sim-job-ms",
            "1500",
            "--sim-webhook-duplicate",
            "--listen",
            &address,
            "--public-url",
            &public,
            "--serve",
            &dist,
        ],
        &[],
    )
    .await;
    let stack = Stack::with_proxy(proxy).await;
    stack.open().await;
    stack.record_requests().await;
    stack.type_into("prompt-input", "pushed, not polled").await;
    stack.click("generate-button").await;
    let status = stack
        .text_when("job-status", |s| s.contains("Completed"))
        .await;
    assert!(status.contains("Completed"), "{status}");
    stack.element("job-image").await;
    let polls: Vec<String> = stack
        .requested()
        .await
        .into_iter()
        .filter(|url| url.contains("/jobs/"))
        .collect();
    assert!(
        polls.is_empty(),
        "the card was filled by polling: {polls:?}"
    );
    assert_eq!(stack.count("[data-testid=job-card]").await, 1);
    stack.close().await;
}
