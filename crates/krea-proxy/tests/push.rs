//! Results pushed as they happen (`--public-url`), over real HTTP: each generate request
//! names a webhook with its own token; a delivery is believed only when Krea's own answer
//! agrees, only once, and only for the job its token was made for; the owner's stream
//! (`GET /events`) carries it and resumes with `Last-Event-ID`.

mod common;

use axum::http::Method;
use common::fake_krea::{Answer, FakeKrea};
use common::{client, next_event, proxy};
use krea_proxy::config::Secret;
use krea_proxy::Config;
use serde_json::{json, Value};

const JOB_ID: &str = "7c1e9a52-3f4b-4d21-9a0e-2b6f8c3d5e71";

/// A stand-in Krea answering with one job, whose status the test sets.
async fn stand_in_krea() -> (String, FakeKrea) {
    let krea = FakeKrea::start(Answer::job(JOB_ID, "queued")).await;
    (krea.url.clone(), krea)
}

/// The webhook URL the last generate request that reached Krea named.
fn webhook_named(krea: &FakeKrea) -> Option<String> {
    krea.seen()
        .iter()
        .rev()
        .find(|seen| seen.method == Method::POST)
        .and_then(|seen| seen.headers.get("x-webhook-url"))
        .map(|url| url.to_str().unwrap().to_owned())
}

/// A Flux job through the proxy at `base`, as the proxy answers.
async fn generate(base: &str, prompt: &str) -> Value {
    common::generate(base).prompt(prompt).json().await
}

/// A proxy in front of `upstream` (the stand-in Krea) that names webhooks at
/// `https://proxy.example`.
fn pushing_config(upstream: String) -> Config {
    let mut config = Config::simulated(1000);
    config.simulate = false;
    config.upstream = upstream;
    config.token = Some(Secret::new("push-test-token"));
    config.public_url = Some("https://proxy.example".into());
    config
}

/// The token of the webhook the last generate named.
fn token_named(krea: &FakeKrea) -> String {
    webhook_named(krea)
        .expect("a webhook was named")
        .strip_prefix("https://proxy.example/webhooks/")
        .expect("the webhook is at the public URL")
        .to_owned()
}

/// Krea's delivery of `body` to the webhook with `token`.
async fn deliver(base: &str, token: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{base}/webhooks/{token}"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_delivery_reaches_its_owners_stream_once_and_only_when_krea_agrees() {
    let (upstream, krea) = stand_in_krea().await;
    let base = proxy(pushing_config(upstream)).await;

    let stream = client().get(format!("{base}/events")).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    assert!(stream.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut body = stream.bytes_stream();
    let mut buffer = String::new();

    let made = generate(&base, "a red fox").await;
    assert_eq!(made["job_id"], JOB_ID);
    let token = token_named(&krea);
    assert!(token.len() >= 32, "{token}");

    // A token nobody issued, and another job's body on the right token: nothing.
    assert_eq!(
        deliver(
            &base,
            &"f".repeat(48),
            json!({"job_id": JOB_ID, "status": "completed"})
        )
        .await
        .status(),
        404
    );
    let other = json!({"job_id": "00000000-0000-4000-8000-000000000000", "status": "completed"});
    assert_eq!(deliver(&base, &token, other).await.status(), 404);
    // Krea still says queued: a delivery claiming completion is not believed.
    let claimed = json!({"job_id": JOB_ID, "status": "completed"});
    let early: Value = deliver(&base, &token, claimed.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(early["outcome"], "disbelieved");
    assert_eq!(next_event(&mut body, &mut buffer).await, None);

    // Krea agrees now: pushed once; the repeat changes nothing.
    krea.answer(Answer::job(JOB_ID, "completed"));
    let pushed: Value = deliver(&base, &token, claimed.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pushed["outcome"], "pushed");
    let (id, job) = next_event(&mut body, &mut buffer).await.expect("an event");
    assert_eq!(
        (job["job_id"].as_str(), job["status"].as_str()),
        (Some(JOB_ID), Some("completed"))
    );
    let again: Value = deliver(&base, &token, claimed).await.json().await.unwrap();
    assert_eq!(again["outcome"], "repeated");
    assert_eq!(next_event(&mut body, &mut buffer).await, None);

    // A stream that resumes after the event gets nothing again; one from before gets it.
    let resumed = client()
        .get(format!("{base}/events"))
        .header("last-event-id", id.to_string())
        .send()
        .await
        .unwrap();
    let mut resumed_body = resumed.bytes_stream();
    assert_eq!(
        next_event(&mut resumed_body, &mut String::new()).await,
        None
    );
    let from_start = client()
        .get(format!("{base}/events"))
        .header("last-event-id", "0")
        .send()
        .await
        .unwrap();
    let mut start_body = from_start.bytes_stream();
    assert_eq!(
        next_event(&mut start_body, &mut String::new())
            .await
            .map(|e| e.0),
        Some(id)
    );
}

#[tokio::test]
async fn without_a_public_url_nothing_is_pushed_and_the_studio_polls() {
    let base = common::simulated_proxy(300).await;
    assert_eq!(
        client()
            .get(format!("{base}/events"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let delivery = client()
        .post(format!("{base}/webhooks/abc"))
        .json(&json!({"job_id": JOB_ID}))
        .send()
        .await
        .unwrap();
    assert_eq!(delivery.status(), 404);
}

#[tokio::test]
async fn a_caller_cannot_name_a_webhook_through_a_proxy_in_front_of_krea() {
    let (upstream, krea) = stand_in_krea().await;
    let mut config = Config::simulated(1000);
    config.simulate = false;
    config.upstream = upstream;
    config.token = Some(Secret::new("push-test-token"));
    let base = proxy(config).await;
    let made = common::generate(&base)
        .prompt("a red fox")
        .header("x-webhook-url", "https://elsewhere.example/hook")
        .json()
        .await;
    assert_eq!(made["job_id"], JOB_ID);
    assert_eq!(webhook_named(&krea), None, "the header was dropped");
}

#[tokio::test]
async fn with_the_simulator_every_ended_job_reaches_the_stream_once_despite_repeats() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::simulated(300);
    config.public_url = Some(base.clone());
    config.sim_webhook_duplicate = true;
    let upstream = krea_proxy::startup::upstream(&config).unwrap();
    let router = krea_proxy::http::router(&config, upstream).unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });

    let stream = client().get(format!("{base}/events")).send().await.unwrap();
    let mut body = stream.bytes_stream();
    let mut buffer = String::new();
    let mut made = Vec::new();
    for prompt in ["one", "two", "#fail three"] {
        let job = generate(&base, prompt).await;
        made.push(job["job_id"].as_str().unwrap().to_owned());
    }
    let mut pushed = Vec::new();
    while let Some((_, job)) = next_event(&mut body, &mut buffer).await {
        let field = |name: &str| job[name].as_str().unwrap().to_owned();
        pushed.push((field("job_id"), field("status")));
    }
    pushed.sort();
    let mut wanted: Vec<(String, String)> = made
        .iter()
        .enumerate()
        .map(|(at, id)| {
            let status = if at == 2 { "failed" } else { "completed" };
            (id.clone(), status.to_owned())
        })
        .collect();
    wanted.sort();
    assert_eq!(pushed, wanted);
}

/// A job that fails while its caller only listens to the stream is refunded all the same:
/// the delivery's check against Krea is a sighting of the job's end. With $0.005 a day
/// and Flux at $0.003, the second job fits again only once the first one's failure is
/// delivered.
#[tokio::test]
async fn a_failure_delivered_by_webhook_gives_the_budget_back() {
    let (upstream, krea) = stand_in_krea().await;
    let mut config = pushing_config(upstream);
    config.daily_budget_usd = Some(0.005);
    config.usd_per_compute_unit = Some(0.001);
    config.allow_models = vec!["bfl/flux-1-dev".to_owned()];
    let base = proxy(config).await;

    assert_eq!(generate(&base, "a red fox").await["job_id"], JOB_ID);
    let token = token_named(&krea);
    let refused = common::generate(&base).prompt("a grey fox").send().await;
    assert_eq!(refused.status(), 402, "the day's budget holds one job");

    krea.answer(Answer::job(JOB_ID, "failed"));
    let delivered: Value = deliver(&base, &token, json!({"job_id": JOB_ID, "status": "failed"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(delivered["outcome"], "pushed");
    let again = common::generate(&base).prompt("a grey fox").send().await;
    assert_eq!(again.status(), 200, "the failed job's charge came back");
}
