//! With the proxy's `--public-url`, a finished image reaches the card through the proxy's
//! stream (webhook → proxy → Server-Sent Events), not through polling; repeated and late
//! deliveries change nothing, and lost deliveries or a broken stream lose nothing.

use krea_e2e::{Proxy, Stack};

const COMPLETED: &str = "[data-testid=job-card][data-status=completed]";

/// The studio, open, with its proxy's stream open: the proxy tells Krea (here: `krea`, else
/// its own simulator started with `sim`) to deliver webhooks to it, and serves the app.
async fn pushing_studio(krea: Option<&Proxy>, sim: &[&str]) -> Stack {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let public = format!("http://{address}");
    let dist = std::env::var("KREA_DIST").expect("KREA_DIST");
    let mut args = vec![
        "--listen",
        &address,
        "--public-url",
        &public,
        "--serve",
        &dist,
        // An open stream must not hold a restart for long.
        "--drain-secs",
        "1",
    ];
    let env: &[(&str, &str)] = match krea {
        Some(krea) => {
            args.extend(["--upstream", &krea.base]);
            &[("KREA_API_TOKEN", "push-test-token")]
        }
        None => {
            args.push("--simulate");
            args.extend(sim);
            &[]
        }
    };
    let stack = Stack::builder()
        .proxy(Proxy::start(&args, env).await)
        .start()
        .await;
    stack.open().await;
    stack.settings().toggle().await;
    stack
        .settings()
        .transport_when(|t| t.contains("pushed"))
        .await;
    stack
}

/// Generates `prompts` one after the other.
async fn generate(stack: &Stack, prompts: &[&str]) {
    for prompt in prompts {
        stack.erase("prompt-input").await;
        stack.studio().generate(prompt).await;
    }
    stack
        .wait_for_count("[data-testid=job-card]", prompts.len())
        .await;
}

#[tokio::test]
async fn pushed_results_fill_their_cards_without_a_poll_when_deliveries_repeat_and_lag() {
    let stack = pushing_studio(
        None,
        &[
            "--sim-job-ms",
            "1500",
            "--sim-webhook-duplicate",
            "--sim-webhook-delay-ms",
            "400",
        ],
    )
    .await;
    stack.record_requests().await;
    generate(&stack, &["pushed one", "pushed two", "pushed three"]).await;
    stack.wait_for_count(COMPLETED, 3).await;
    assert_eq!(stack.count("[data-testid=job-image]").await, 3);
    let (lists, reads) = stack.job_polls().await;
    assert!(
        lists.is_empty() && reads.is_empty(),
        "cards were filled by polling: {lists:?} {reads:?}"
    );
    assert_eq!(stack.count("[data-testid=job-card]").await, 3);
    stack.close().await;
}

#[tokio::test]
async fn with_every_delivery_lost_the_safety_net_poll_completes_every_job() {
    let stack = pushing_studio(
        None,
        &["--sim-job-ms", "1500", "--sim-webhook-loss-rate", "1"],
    )
    .await;
    stack.record_requests().await;
    generate(&stack, &["never delivered one", "never delivered two"]).await;
    stack.wait_for_count(COMPLETED, 2).await;
    let (lists, reads) = stack.job_polls().await;
    assert!(
        !lists.is_empty() || !reads.is_empty(),
        "nothing was pushed, so polling filled the cards"
    );
    stack.close().await;
}

#[tokio::test]
async fn a_stream_cut_mid_run_loses_no_result() {
    let krea = Proxy::start(
        &[
            "--simulate",
            "--sim-job-ms",
            "5000",
            "--sim-webhook-duplicate",
        ],
        &[],
    )
    .await;
    let mut stack = pushing_studio(Some(&krea), &[]).await;
    generate(&stack, &["cut one", "cut two", "cut three"]).await;
    // The proxy goes away and comes back: the stream breaks, and the webhooks Krea sends
    // meanwhile, or to tokens the new process never issued, are lost.
    stack.restart_proxy().await;
    stack.wait_for_count(COMPLETED, 3).await;
    assert_eq!(
        stack.count("[data-testid=job-card]").await,
        3,
        "no job twice"
    );
    assert_eq!(stack.count("[data-testid=job-image]").await, 3);
    stack.text_when("transport", |t| t.contains("pushed")).await;
    stack.close().await;
}
