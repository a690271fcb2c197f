//! The simulator calls webhooks as Krea does: the full job, once it has ended, to the URL its
//! generate request named; and, when asked, twice, late, or never.

mod common;

use axum::routing::post;
use axum::{Json, Router};
use common::{client, serve};
use krea_proxy::simulator::webhooks::WebhookFaults;
use krea_proxy::simulator::{self, SimConfig};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A receiver that keeps every body posted to `/hook`.
async fn receiver() -> (String, Arc<Mutex<Vec<Value>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&got);
    let router = Router::new().route(
        "/hook",
        post(move |Json(body): Json<Value>| {
            let keep = Arc::clone(&keep);
            async move {
                keep.lock().unwrap().push(body);
            }
        }),
    );
    (format!("{}/hook", serve(router).await), got)
}

async fn simulator_with(webhooks: WebhookFaults) -> String {
    serve(simulator::router(SimConfig {
        job_duration: Duration::from_millis(300),
        new_model: false,
        latency: Duration::ZERO,
        faults: simulator::faults::Faults::none(),
        webhooks,
        image_ttl: None,
    }))
    .await
}

async fn generate(base: &str, hook: &str, prompt: &str) -> Value {
    common::generate(base)
        .prompt(prompt)
        .header("authorization", "Bearer any-token")
        .header("x-webhook-url", hook)
        .json()
        .await
}

async fn deliveries_after(got: &Mutex<Vec<Value>>, wait: Duration) -> Vec<Value> {
    tokio::time::sleep(wait).await;
    got.lock().unwrap().clone()
}

#[tokio::test]
async fn an_ended_job_is_delivered_whole_to_the_url_its_request_named() {
    let (hook, got) = receiver().await;
    let base = simulator_with(WebhookFaults::default()).await;
    let job = generate(&base, &hook, "a red fox").await;
    let failing = generate(&base, &hook, &format!("{} please", simulator::FAIL_TRIGGER)).await;
    let delivered = deliveries_after(&got, Duration::from_millis(1500)).await;
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    let find = |id: &Value| {
        delivered
            .iter()
            .find(|d| &d["job_id"] == id)
            .cloned()
            .unwrap()
    };
    let done = find(&job["job_id"]);
    assert_eq!(done["status"], "completed");
    assert!(done["result"]["urls"][0].is_string(), "{done}");
    assert!(done["completed_at"].is_string(), "{done}");
    // The same job as Krea's own answer.
    let read: Value = client()
        .get(format!("{base}/jobs/{}", job["job_id"].as_str().unwrap()))
        .bearer_auth("any-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done, read);
    assert_eq!(find(&failing["job_id"])["status"], "failed");
}

#[tokio::test]
async fn deliveries_can_repeat_come_late_or_get_lost_when_asked() {
    let (hook, got) = receiver().await;
    let twice = simulator_with(WebhookFaults {
        duplicate: true,
        ..Default::default()
    })
    .await;
    let job = generate(&twice, &hook, "twice").await;
    let delivered = deliveries_after(&got, Duration::from_millis(1500)).await;
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    assert!(delivered.iter().all(|d| d["job_id"] == job["job_id"]));

    let (hook, got) = receiver().await;
    let late = simulator_with(WebhookFaults {
        delay: Duration::from_millis(1500),
        ..Default::default()
    })
    .await;
    generate(&late, &hook, "late").await;
    assert!(deliveries_after(&got, Duration::from_millis(900))
        .await
        .is_empty());
    assert_eq!(
        deliveries_after(&got, Duration::from_millis(1500))
            .await
            .len(),
        1
    );

    let (hook, got) = receiver().await;
    let lost = simulator_with(WebhookFaults {
        loss_rate: 1.0,
        ..Default::default()
    })
    .await;
    generate(&lost, &hook, "lost").await;
    assert!(deliveries_after(&got, Duration::from_millis(1500))
        .await
        .is_empty());
}
