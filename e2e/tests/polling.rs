//! Polling that scales and is polite: any number of jobs in flight are followed with one
//! `GET /jobs` list per round, rounds are an interval apart, and nothing is asked while the
//! browser is offline.

use krea_e2e::Stack;
use std::time::Duration;

/// The studio's default poll interval.
const INTERVAL_MS: f64 = 2000.0;

#[tokio::test]
async fn a_hundred_jobs_in_flight_are_followed_with_one_list_request_per_round() {
    let stack = Stack::start(12_000).await;
    stack.open().await;
    let made = stack.make_jobs(100).await;
    assert_eq!(made.as_array().map(Vec::len), Some(100), "{made}");
    stack.seed_history(0, made, "bfl/flux-1-dev").await;
    stack.open().await;
    stack.record_requests().await;
    tokio::time::sleep(Duration::from_millis(7_000)).await;
    let (lists, reads) = stack.job_polls().await;
    assert!(reads.is_empty(), "jobs were read one by one: {reads:?}");
    assert!(lists.len() >= 2, "too few rounds in 7 s: {lists:?}");
    assert!(
        lists.len() <= 4,
        "more rounds than 7 s of 2 s rounds hold: {lists:?}"
    );
    for pair in lists.windows(2) {
        let apart = pair[1].0 - pair[0].0;
        // One request per round: rounds are an interval apart, give or take the jitter.
        assert!(
            apart >= INTERVAL_MS * 0.85,
            "two lists {apart} ms apart: {lists:?}"
        );
    }
    assert!(
        lists[0].1.contains("limit=120"),
        "the list reaches the 100 jobs, with a margin: {}",
        lists[0].1
    );
    // And every job finishes, from the list alone.
    let mut completed = 0;
    for _ in 0..60 {
        completed = stack
            .stored_jobs()
            .await
            .iter()
            .filter(|entry| entry["job"]["status"] == "completed")
            .count();
        if completed == 100 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(completed, 100);
    let (_, reads) = stack.job_polls().await;
    assert!(reads.is_empty(), "jobs were read one by one: {reads:?}");
    stack.close().await;
}

#[tokio::test]
async fn offline_pauses_following_and_online_resumes_it() {
    let stack = Stack::start(2_500).await;
    stack.open().await;
    stack
        .type_into("prompt-input", "made just before the train left")
        .await;
    stack.click("generate-button").await;
    stack.element("job-card").await;
    stack.set_online(false).await;
    stack.record_requests().await;
    stack.toggle_settings().await;
    let transport = stack
        .text_when("transport", |t| t.contains("offline"))
        .await;
    assert!(transport.contains("offline"), "{transport}");
    // The job has long finished at Krea; offline, the studio does not ask.
    tokio::time::sleep(Duration::from_millis(6_000)).await;
    let (lists, reads) = stack.job_polls().await;
    assert!(
        lists.is_empty() && reads.is_empty(),
        "asked while offline: {lists:?} {reads:?}"
    );
    assert_ne!(
        stack
            .css("[data-testid=job-card]")
            .await
            .attr("data-status")
            .await
            .unwrap()
            .as_deref(),
        Some("completed")
    );
    stack.set_online(true).await;
    stack
        .css("[data-testid=job-card][data-status=completed]")
        .await;
    let (lists, reads) = stack.job_polls().await;
    assert_eq!(lists.len() + reads.len(), 1, "{lists:?} {reads:?}");
    let transport = stack
        .text_when("transport", |t| !t.contains("offline"))
        .await;
    assert!(transport.contains("asks the proxy"), "{transport}");
    stack.close().await;
}
