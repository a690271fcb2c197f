//! Budget alerts, through a webhook receiver on 127.0.0.1: at 50 %, 80 % and 100 % of a key's
//! daily budget, one post each, however many jobs cross or bump into the threshold and on
//! however many replicas; a receiver that fails at first gets the same alert again until it
//! takes it; the next day (the proxy's clock moved) the thresholds count again.

mod common;

use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use common::redis_server::start_redis;
use common::{keys_file, serve, simulated_proxy};
use krea_proxy::config::Secret;
use krea_proxy::stores::Stores;
use krea_proxy::{http, startup, Config};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DESIGNER: &str = "designer-key-alerts";

/// Every post the receiver got, and whether it took it: it answers 503 to its first post.
type Posts = Arc<Mutex<Vec<(Value, bool)>>>;

async fn receiver() -> (String, Posts) {
    let posts: Posts = Arc::default();
    let keep = Arc::clone(&posts);
    let router = Router::new().route(
        "/alerts",
        post(move |Json(body): Json<Value>| {
            let keep = Arc::clone(&keep);
            async move {
                let mut posts = keep.lock().unwrap();
                let take = !posts.is_empty();
                posts.push((body, take));
                if take {
                    StatusCode::NO_CONTENT
                } else {
                    StatusCode::SERVICE_UNAVAILABLE
                }
            }
        }),
    );
    (format!("{}/alerts", serve(router).await), posts)
}

fn config(krea: &str, hook: &str, name: &str) -> Config {
    let mut config = Config::simulated(60_000);
    config.simulate = false;
    config.upstream = krea.to_owned();
    config.token = Some(Secret::new("alerts-token"));
    config.alert_webhook = Some(Secret::new(hook));
    config.keys = Some(keys_file::write(
        name,
        &keys_file::entry(
            "designer",
            DESIGNER,
            "budget_usd_per_day = 0.10\nmodels = [\"krea/krea-2/medium\"]",
        ),
    ));
    config.clock = common::clock::early_next_month();
    config
}

async fn generate(base: &str) -> u16 {
    common::generate(base)
        .key(DESIGNER)
        .model("krea/krea-2/medium")
        .send()
        .await
        .status()
        .as_u16()
}

/// The alerts the receiver took, after waiting (up to 10 s) for `count` of them, and then a
/// while longer for any that must not come.
async fn taken(posts: &Posts, count: usize) -> Vec<Value> {
    let took = || -> Vec<Value> {
        posts
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, took)| *took)
            .map(|(body, _)| body.clone())
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while took().len() < count && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    took()
}

/// Krea 2 Medium is $0.03: the 2nd job reaches 60 %, the 3rd 90 %, the 4th is refused
/// (100 %) and so are the three after it.
async fn spend_a_day(bases: &[String]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 0..7 {
        statuses.push(generate(&bases[n % bases.len()]).await);
    }
    statuses
}

async fn alerts_once_each(
    bases: &[String],
    posts: &Posts,
    clock: &krea_proxy::limits::clock::Clock,
) {
    assert_eq!(
        spend_a_day(bases).await,
        [200, 200, 200, 402, 402, 402, 402]
    );
    let alerts = taken(posts, 3).await;
    let mut thresholds: Vec<u64> = alerts
        .iter()
        .map(|a| a["threshold_percent"].as_u64().unwrap())
        .collect();
    thresholds.sort();
    assert_eq!(thresholds, [50, 80, 100], "{alerts:?}");
    let eighty = alerts
        .iter()
        .find(|a| a["threshold_percent"] == 80)
        .unwrap();
    assert_eq!(
        eighty["text"],
        "Krea proxy: the key designer has spent 80 % of today's budget ($0.09 of $0.10)"
    );
    assert_eq!(eighty["budget"]["name"], "designer");
    assert_eq!(eighty["budget"]["period"], "day");
    // The first post was refused by the receiver, and the same alert came again.
    let all = posts.lock().unwrap().clone();
    assert_eq!(all.len(), 4, "{all:?}");
    let (refused, took) = &all[0];
    assert!(!took);
    assert_eq!(
        alerts.iter().filter(|a| a["id"] == refused["id"]).count(),
        1,
        "{all:?}"
    );
    // The next day counts again.
    clock.advance(Duration::from_secs(86_400));
    assert_eq!(generate(&bases[0]).await, 200);
    assert_eq!(generate(&bases[bases.len() - 1]).await, 200);
    let alerts = taken(posts, 4).await;
    assert_eq!(alerts.len(), 4, "{alerts:?}");
    let next_day = &alerts[3];
    assert_eq!(next_day["threshold_percent"], 50);
    assert!(
        alerts[..3]
            .iter()
            .all(|a| a["budget"]["period_start"] != next_day["budget"]["period_start"]),
        "{alerts:?}"
    );
}

#[tokio::test]
async fn in_memory_each_threshold_is_posted_once_per_day() {
    let krea = simulated_proxy(60_000).await;
    let (hook, posts) = receiver().await;
    let config = config(&krea, &hook, "alerts-memory");
    let upstream = startup::upstream(&config).unwrap();
    let base = serve(http::router(&config, upstream).unwrap()).await;
    alerts_once_each(&[base], &posts, &config.clock).await;
}

#[tokio::test]
async fn in_redis_two_replicas_post_each_threshold_once_between_them() {
    let redis = start_redis();
    let krea = simulated_proxy(60_000).await;
    let (hook, posts) = receiver().await;
    let config = config(&krea, &hook, "alerts-redis");
    let mut bases = Vec::new();
    for _ in 0..2 {
        let upstream = startup::upstream(&config).unwrap();
        let stores = Stores::redis(&redis.url).await.unwrap();
        bases.push(serve(http::router_with(&config, upstream, stores).unwrap()).await);
    }
    alerts_once_each(&bases, &posts, &config.clock).await;
}
