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
    stack.settings().toggle().await;
    let transport = stack
        .settings()
        .transport_when(|t| t.contains("offline"))
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

#[tokio::test]
async fn a_job_the_list_does_not_reach_is_read_on_its_own() {
    let stack = Stack::start(8_000).await;
    stack.open().await;
    let older = stack.make_jobs(1).await;
    // Thirty jobs made meanwhile elsewhere on the account push it down Krea's list.
    let newer = stack.make_jobs(30).await;
    let older = older[0].clone();
    let newest = newer
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|job| job["created_at"].as_str().unwrap().to_owned())
        .unwrap()
        .clone();
    stack
        .seed_history(0, serde_json::json!([older, newest]), "bfl/flux-1-dev")
        .await;
    stack.open().await;
    stack.record_requests().await;
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    let (lists, reads) = stack.job_polls().await;
    assert!(!lists.is_empty(), "the jobs are asked about in a list");
    let older_id = older["job_id"].as_str().unwrap();
    assert!(
        lists.iter().all(|(_, url)| url.contains("limit=22")),
        "two jobs deep, plus the margin: {lists:?}"
    );
    assert!(
        !reads.is_empty(),
        "the job below the list is read: {lists:?}"
    );
    assert!(
        reads.iter().all(|(_, url)| url.ends_with(older_id)),
        "only the job the list misses is read alone: {reads:?}"
    );
    // One read per round (the window may close between a round's list and its read).
    assert!(
        reads.len() <= lists.len() && lists.len() - reads.len() <= 1,
        "one read per round: {lists:?} {reads:?}"
    );
    stack
        .wait_for_count("[data-testid=job-card][data-status=completed]", 2)
        .await;
    stack.close().await;
}

#[tokio::test]
async fn a_hidden_tab_polls_every_30_s_and_at_the_usual_pace_once_shown() {
    let stack = Stack::start(60_000).await;
    stack.open().await;
    let made = stack.make_jobs(3).await;
    stack.seed_history(0, made, "bfl/flux-1-dev").await;
    stack.open().await;
    stack.set_hidden(true).await;
    stack.record_requests().await;
    tokio::time::sleep(Duration::from_millis(9_000)).await;
    let (lists, reads) = stack.job_polls().await;
    // The round already set for the next 2 s still comes; then 30 s.
    assert!(
        lists.len() + reads.len() <= 1,
        "polled at the usual pace while hidden: {lists:?} {reads:?}"
    );
    stack.set_hidden(false).await;
    stack.record_requests().await;
    tokio::time::sleep(Duration::from_millis(4_500)).await;
    let (lists, reads) = stack.job_polls().await;
    assert!(
        !lists.is_empty() && reads.is_empty(),
        "back at the usual pace once shown: {lists:?} {reads:?}"
    );
    stack.close().await;
}
