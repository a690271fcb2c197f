//! Idempotent submits over real HTTP: a proxy in front of the simulator running as its own
//! server (as Krea would be), with the simulator's answers lost on purpose.

mod common;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use common::{client, serve};
use krea_proxy::config::Secret;
use krea_proxy::simulator::{self, faults::Faults, SimConfig};
use krea_proxy::Config;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the stand-in Krea does to the next generate requests, in order; then it behaves.
#[derive(Clone, Copy, Debug)]
enum Mishap {
    /// The connection breaks before the job is made.
    DropBefore,
    /// The job is made, then the connection breaks.
    DropAfter,
    /// The job is made, and the answer is not JSON.
    Garbled,
    /// The job is made, after this long.
    Slow(u64),
}

struct Krea {
    base: String,
    plan: Arc<Mutex<VecDeque<Mishap>>>,
}

impl Krea {
    async fn start() -> Krea {
        let plan = Arc::new(Mutex::new(VecDeque::<Mishap>::new()));
        let next_mishap = Arc::clone(&plan);
        let router = simulator::router(SimConfig {
            job_duration: Duration::from_secs(30),
            new_model: false,
            latency: Duration::ZERO,
            faults: Faults::none(),
            webhooks: Default::default(),
            image_ttl: None,
        })
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            let mishap = (request.method() == Method::POST)
                .then(|| next_mishap.lock().unwrap().pop_front())
                .flatten();
            async move {
                match mishap {
                    None => next.run(request).await,
                    Some(Mishap::DropBefore) => broken(),
                    Some(Mishap::DropAfter) => {
                        next.run(request).await;
                        broken()
                    }
                    Some(Mishap::Garbled) => {
                        let (parts, _) = next.run(request).await.into_parts();
                        Response::from_parts(parts, Body::from("{\"job_id\": \"4d0e"))
                    }
                    Some(Mishap::Slow(ms)) => {
                        let answer = next.run(request).await;
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        answer
                    }
                }
            }
        }));
        Krea {
            base: serve(router).await,
            plan,
        }
    }

    fn next(&self, mishaps: &[Mishap]) {
        self.plan.lock().unwrap().extend(mishaps);
    }

    /// Every job Krea holds.
    async fn jobs(&self) -> Vec<String> {
        let list: Value = client()
            .get(format!("{}/jobs?limit=1000", self.base))
            .bearer_auth("t")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|job| job["job_id"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn broken() -> Response {
    let chunks: [Result<axum::body::Bytes, std::io::Error>; 1] =
        [Err(std::io::Error::other("gone"))];
    Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
}

async fn proxy_in_front_of(krea: &Krea) -> String {
    let mut config = Config::simulated(1000);
    config.simulate = false;
    config.upstream = krea.base.clone();
    config.token = Some(Secret::new("test-token"));
    common::proxy(config).await
}

async fn submit(proxy: &str, key: Option<&str>, prompt: &str) -> reqwest::Response {
    let mut request = client()
        .post(format!("{proxy}/generate/image/bfl/flux-1-dev"))
        .json(&json!({ "prompt": prompt }));
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}

fn outcome(reply: &reqwest::Response) -> String {
    reply
        .headers()
        .get("krea-proxy-outcome")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn job_id(reply: reqwest::Response) -> String {
    let job: Value = reply.json().await.unwrap();
    job["job_id"].as_str().expect("a job").to_owned()
}

#[tokio::test]
async fn a_repeated_key_gets_the_same_job_and_a_different_body_is_refused() {
    let krea = Krea::start().await;
    let proxy = proxy_in_front_of(&krea).await;
    let first = submit(&proxy, Some("key-1"), "a fox").await;
    assert_eq!(first.status(), 200);
    let id = job_id(first).await;
    let again = submit(&proxy, Some("key-1"), "a fox").await;
    assert_eq!(again.status(), 200);
    assert_eq!(outcome(&again), "replayed");
    assert_eq!(job_id(again).await, id);
    assert_eq!(krea.jobs().await, std::slice::from_ref(&id), "billed once");

    let other = submit(&proxy, Some("key-1"), "a cat").await;
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.json::<Value>().await.unwrap()["error"]
        .as_str()
        .unwrap()
        .contains("different request"));
    let bad_key = submit(&proxy, Some("with space"), "a fox").await;
    assert_eq!(bad_key.status(), 400);
    assert_eq!(krea.jobs().await.len(), 1);
}

#[tokio::test]
async fn a_job_whose_answer_was_lost_is_found_again_and_never_made_twice() {
    let krea = Krea::start().await;
    let proxy = proxy_in_front_of(&krea).await;
    krea.next(&[Mishap::DropAfter]);
    let found = submit(&proxy, Some("key-lost"), "a fox").await;
    assert_eq!(found.status(), 200, "the proxy found the job Krea made");
    assert_eq!(outcome(&found), "found");
    let id = job_id(found).await;
    assert_eq!(krea.jobs().await, std::slice::from_ref(&id));

    krea.next(&[Mishap::Garbled]);
    let garbled = submit(&proxy, Some("key-garbled"), "a cat").await;
    assert_eq!(garbled.status(), 200);
    let second = job_id(garbled).await;
    assert_ne!(
        second, id,
        "the job already handed out is not taken for the lost one"
    );
    let replay = submit(&proxy, Some("key-garbled"), "a cat").await;
    assert_eq!(job_id(replay).await, second);
    assert_eq!(krea.jobs().await.len(), 2, "one job per key");

    // Without a key the lost job is still found, so nothing is orphaned.
    krea.next(&[Mishap::DropAfter]);
    let keyless = submit(&proxy, None, "an owl").await;
    assert_eq!(keyless.status(), 200);
    assert_eq!(krea.jobs().await.len(), 3);
}

#[tokio::test]
async fn a_request_krea_never_handled_says_so_and_may_be_sent_again() {
    let krea = Krea::start().await;
    let proxy = proxy_in_front_of(&krea).await;
    krea.next(&[Mishap::DropBefore]);
    let lost = submit(&proxy, Some("key-2"), "a fox").await;
    assert_eq!(lost.status(), 502);
    assert_eq!(outcome(&lost), "not-created");
    assert!(krea.jobs().await.is_empty());
    let retried = submit(&proxy, Some("key-2"), "a fox").await;
    assert_eq!(retried.status(), 200);
    assert_eq!(krea.jobs().await.len(), 1);
}

#[tokio::test]
async fn a_key_in_flight_is_refused_until_it_settles_even_if_its_caller_hung_up() {
    let krea = Krea::start().await;
    let proxy = proxy_in_front_of(&krea).await;
    krea.next(&[Mishap::Slow(1500)]);
    let impatient = client()
        .post(format!("{proxy}/generate/image/bfl/flux-1-dev"))
        .header("idempotency-key", "key-3")
        .json(&json!({"prompt": "a fox"}))
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(impatient.is_err(), "the caller gave up");
    let meanwhile = submit(&proxy, Some("key-3"), "a fox").await;
    assert_eq!(meanwhile.status(), StatusCode::CONFLICT);
    assert_eq!(meanwhile.headers()["retry-after"], "1");
    tokio::time::sleep(Duration::from_millis(1800)).await;
    let later = submit(&proxy, Some("key-3"), "a fox").await;
    assert_eq!(later.status(), 200, "the abandoned request still finished");
    assert_eq!(outcome(&later), "replayed");
    assert_eq!(krea.jobs().await, [job_id(later).await]);
}

#[tokio::test]
async fn a_proxy_started_just_after_another_made_a_job_still_finds_its_own_lost_answer() {
    let krea = Krea::start().await;
    let before = proxy_in_front_of(&krea).await;
    let theirs = job_id(submit(&before, Some("key-a"), "a fox").await).await;
    // A restart: a second proxy, with none of the first one's memory, within a second.
    let after = proxy_in_front_of(&krea).await;
    krea.next(&[Mishap::DropAfter]);
    let found = submit(&after, Some("key-b"), "a cat").await;
    assert_eq!(found.status(), 200, "not left unknown");
    assert_eq!(outcome(&found), "found");
    let ours = job_id(found).await;
    assert_ne!(
        ours, theirs,
        "the other proxy's job is not taken for this one"
    );
    assert_eq!(krea.jobs().await.len(), 2);
}

#[tokio::test]
async fn an_enhance_is_idempotent_and_found_again_after_a_lost_answer_like_generate() {
    let krea = Krea::start().await;
    let proxy = proxy_in_front_of(&krea).await;
    let enhance = |key: &'static str| {
        client()
            .post(format!("{proxy}/generate/enhance/topaz/standard-enhance"))
            .header("idempotency-key", key)
            .json(&json!({
                "image_url": "https://gen.krea.ai/images/0424f602-2999-4d0c-a46e-39cbf0ef384b.png",
                "width": 2048, "height": 2048, "model": "Standard V2"
            }))
            .send()
    };
    krea.next(&[Mishap::DropAfter]);
    let found = enhance("enhance-1").await.unwrap();
    assert_eq!(found.status(), 200, "the proxy found the enhance Krea made");
    assert_eq!(outcome(&found), "found");
    let id = job_id(found).await;
    let again = enhance("enhance-1").await.unwrap();
    assert_eq!(outcome(&again), "replayed");
    assert_eq!(job_id(again).await, id);
    assert_eq!(krea.jobs().await, std::slice::from_ref(&id), "made once");
    // The same key on a generate is a different request, never a replay of the enhance.
    let generate = submit(&proxy, Some("enhance-1"), "a fox").await;
    assert_eq!(generate.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
