//! Queue control across jobs: N variations from one Ctrl+Enter, each with its own seed;
//! cancelling all of them stops their polling for good; retry and "vary seed" make new
//! jobs; "reuse settings" brings a job's settings back into the form.

use krea_e2e::Stack;
use std::collections::BTreeSet;
use std::time::Duration;

const CARD: &str = "[data-testid='job-card']";
const CANCELLED: &str = "[data-testid='job-card'][data-status='cancelled']";

#[tokio::test]
async fn variations_cancel_all_stops_polling_and_retry_vary_and_reuse_make_the_right_jobs() {
    // Slow jobs, so that they can still be cancelled.
    let stack = Stack::start(200_000).await;
    stack.open().await;
    stack.select("model-select", "bfl/flux-1-dev").await;
    stack.type_into("prompt-input", "a slow fox").await;
    stack.select("variation-count", "3").await;
    assert_eq!(stack.text("generate-button").await, "Generate 3");
    stack.ctrl_enter("prompt-input").await;
    stack.wait_for_count(CARD, 3).await;
    assert_eq!(stack.jobs_on_server().await, 3);
    let seeds: BTreeSet<u64> = stack
        .stored_jobs()
        .await
        .iter()
        .map(|job| {
            job["request"]["seed"]
                .as_u64()
                .expect("every variation has a seed")
        })
        .collect();
    assert_eq!(seeds.len(), 3, "three different seeds");

    // Each card in flight says how long it has run against the model's typical time.
    let elapsed = stack.text("job-elapsed").await;
    assert!(elapsed.ends_with("s of about 7 s"), "{elapsed}");
    assert_eq!(stack.count("[role='progressbar']").await, 3);

    stack.click("cancel-all").await;
    stack.wait_for_count(CANCELLED, 3).await;
    let ids: Vec<String> = serde_json::from_value(
        stack
            .eval("return [...document.querySelectorAll('[data-testid=job-card]')].map(c => c.dataset.jobId)")
            .await,
    )
    .unwrap();
    // Three poll intervals: a cancelled job must not be asked about again.
    stack.record_requests().await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let asked_about: Vec<String> = stack
        .requested()
        .await
        .into_iter()
        .filter(|url| ids.iter().any(|id| url.contains(id.as_str())))
        .collect();
    assert!(asked_about.is_empty(), "still polled: {asked_about:?}");
    assert_eq!(
        stack.text("total-spent").await,
        "$0.00",
        "cancelled jobs are free"
    );

    // Retry: one new job with the same settings; the cancelled one stays.
    stack
        .css(&format!("{CANCELLED} [data-testid='retry-job']"))
        .await
        .click()
        .await
        .unwrap();
    stack.wait_for_count(CARD, 4).await;
    assert_eq!(stack.jobs_on_server().await, 4);
    assert!(
        stack
            .requested()
            .await
            .iter()
            .any(|url| url.contains("/generate/image/bfl/flux-1-dev")),
        "the recorder sees the app's requests, so its silence above means something"
    );
    assert_eq!(stack.count(CANCELLED).await, 3);

    // Reuse settings: the form takes the job's prompt and model back.
    stack.select("model-select", "krea/krea-2/medium").await;
    stack.type_into("prompt-input", "something else").await;
    stack
        .css(&format!("{CANCELLED} [data-testid='reuse-job']"))
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(stack.value("prompt-input").await, "a slow fox");
    assert_eq!(stack.value("model-select").await, "bfl/flux-1-dev");
    stack.close().await;
}

#[tokio::test]
async fn placeholders_appear_at_once_and_fill_in_one_by_one() {
    // Krea (simulated) takes 1.5 s to answer each generate request.
    let stack = Stack::builder()
        .job_ms(600)
        .flags(&["--sim-latency-ms", "1500"])
        .start()
        .await;
    stack.open().await;
    stack.type_into("prompt-input", "a patient heron").await;
    stack.select("variation-count", "3").await;
    stack.click("generate-button").await;
    assert_eq!(
        stack.count("[data-testid='job-placeholder']").await,
        3,
        "three placeholders before Krea has answered"
    );
    assert_eq!(stack.count(CARD).await, 0);
    stack
        .wait_for_count("[data-testid='job-card'][data-status='completed']", 3)
        .await;
    assert_eq!(stack.count("[data-testid='job-placeholder']").await, 0);
    stack.close().await;
}

/// How often the app asked about `id` in the next `secs` seconds.
async fn polls_of(stack: &Stack, id: &str, secs: u64) -> usize {
    stack.record_requests().await;
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stack
        .requested()
        .await
        .iter()
        .filter(|url| url.ends_with(&format!("/jobs/{id}")))
        .count()
}

#[tokio::test]
async fn the_poll_interval_setting_paces_polling() {
    let stack = Stack::start(200_000).await;
    stack.open().await;
    stack
        .type_into("prompt-input", "a very patient snail")
        .await;
    stack.click("generate-button").await;
    let card = stack.css(CARD).await;
    let id = card.attr("data-job-id").await.unwrap().unwrap();
    // The default, every 2 s: two or three polls in 6 s.
    let quick = polls_of(&stack, &id, 6).await;
    assert!(quick >= 2, "{quick} polls in 6 s at 2 s");

    stack.settings().toggle().await;
    stack.settings().save("poll-interval", "10").await;
    // The poll already planned still comes; after it, one every 10 s.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let slow = polls_of(&stack, &id, 6).await;
    assert!(slow <= 1, "{slow} polls in 6 s at 10 s");
    stack.close().await;
}
