//! Two proxy replicas sharing one real Redis (`redis-server` from Debian, started here on a
//! free port) in front of one Krea (the simulator): hammered concurrently, they let exactly
//! the budgeted number of jobs through; a job made through one is its owner's through the
//! other, and nobody else's; idempotency keys and rates hold across them; and a replica
//! started again later still knows everything.

mod common;

use common::redis_server::{start_redis, Redis};
use common::{client, serve, simulated_proxy};
use krea_proxy::config::Secret;
use krea_proxy::limits::RatePolicy;
use krea_proxy::stores::Stores;
use krea_proxy::{http, startup, Config};
use serde_json::Value;
use std::time::Duration;

const ALICE: &str = "alice-key-1";
const BOB: &str = "bob-key-22";

fn replica_config(upstream: &str) -> Config {
    let mut config = Config::simulated(60_000);
    config.simulate = false;
    config.upstream = upstream.to_owned();
    config.token = Some(Secret::new("replica-token"));
    config.access_keys = Some(Secret::new(format!("alice:{ALICE},bob:{BOB}")));
    config
}

async fn replica(config: &Config, redis: &Redis) -> String {
    let upstream = startup::upstream(config).unwrap();
    let stores = Stores::redis(&redis.url).await.unwrap();
    serve(http::router_with(config, upstream, stores).unwrap()).await
}

async fn generate(base: &str, key: &str, idempotency: Option<&str>) -> reqwest::Response {
    let mut request = common::generate(base).key(key).model("krea/krea-2/medium");
    if let Some(idempotency) = idempotency {
        request = request.idempotency(idempotency);
    }
    request.send().await
}

async fn jobs_at_krea(krea: &str) -> usize {
    let listed: Value = client()
        .get(format!("{krea}/jobs?limit=1000"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    listed["items"].as_array().unwrap().len()
}

use common::get_with_key as get;

#[tokio::test]
async fn two_replicas_spend_exactly_the_budget_between_them() {
    let redis = start_redis();
    let krea = simulated_proxy(60_000).await;
    let mut config = replica_config(&krea);
    // Krea 2 costs $0.03: ten jobs fit in $0.30.
    config.daily_budget_usd = Some(0.30);
    config.allow_models = vec!["krea/krea-2/medium".to_owned()];
    let replicas = [
        replica(&config, &redis).await,
        replica(&config, &redis).await,
    ];
    let mut requests = Vec::new();
    for n in 0..40 {
        let base = replicas[n % 2].clone();
        let key = if n % 3 == 0 { BOB } else { ALICE };
        requests.push(tokio::spawn(async move {
            generate(&base, key, None).await.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    let made = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 402).count();
    assert_eq!((made, refused), (10, 30), "{statuses:?}");
    assert_eq!(
        jobs_at_krea(&krea).await,
        10,
        "exactly the budget went to Krea"
    );
}

#[tokio::test]
async fn ownership_keys_and_rates_hold_across_replicas_and_restarts() {
    let redis = start_redis();
    let krea = simulated_proxy(60_000).await;
    let mut config = replica_config(&krea);
    config.rates = vec![RatePolicy::parse("3/min").unwrap()];
    let a = replica(&config, &redis).await;
    let b = replica(&config, &redis).await;

    let made = generate(&a, ALICE, Some("key-1")).await;
    assert_eq!(made.status(), 200);
    let job: Value = made.json().await.unwrap();
    let id = job["job_id"].as_str().unwrap().to_owned();
    // Through the other replica: the owner sees it, nobody else does.
    assert_eq!(get(&b, &format!("/jobs/{id}"), ALICE).await.status(), 200);
    assert_eq!(get(&b, &format!("/jobs/{id}"), BOB).await.status(), 404);
    let listed: Value = get(&b, "/jobs", ALICE).await.json().await.unwrap();
    assert_eq!(listed["items"][0]["job_id"], id.as_str());
    let bobs: Value = get(&b, "/jobs", BOB).await.json().await.unwrap();
    assert_eq!(bobs["items"].as_array().unwrap().len(), 0);

    // The same key through the other replica is the same job, and takes no turn.
    let again = generate(&b, ALICE, Some("key-1")).await;
    assert_eq!(again.status(), 200);
    let replayed: Value = again.json().await.unwrap();
    assert_eq!(replayed["job_id"], id.as_str());

    // One rate across both: 3 per minute.
    assert_eq!(generate(&b, ALICE, None).await.status(), 200);
    assert_eq!(generate(&a, ALICE, None).await.status(), 200);
    let refused = generate(&b, ALICE, None).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    assert_eq!(jobs_at_krea(&krea).await, 3);

    // Sessions signed by one replica are good on the others.
    let mut public = config.clone();
    public.access_keys = None;
    public.sessions = true;
    let (d, e) = (
        replica(&public, &redis).await,
        replica(&public, &redis).await,
    );
    let issued: Value = client()
        .post(format!("{d}/session"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = issued["session"].as_str().unwrap();
    let listed = client()
        .get(format!("{e}/jobs"))
        .header("x-krea-session", session)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);

    // A replica started afresh knows the job and its owner.
    let c = replica(&config, &redis).await;
    assert_eq!(get(&c, &format!("/jobs/{id}"), ALICE).await.status(), 200);
    assert_eq!(get(&c, &format!("/jobs/{id}"), BOB).await.status(), 404);
    let ready: Value = client()
        .get(format!("{c}/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["state"], "redis", "{ready}");
}

/// A replica that tells Krea to deliver webhooks to it (its own address).
async fn pushing_replica(krea: &str, redis: &Redis) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = replica_config(krea);
    config.public_url = Some(base.clone());
    let upstream = startup::upstream(&config).unwrap();
    let stores = Stores::redis(&redis.url).await.unwrap();
    let router = http::router_with(&config, upstream, stores).unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

async fn stream(
    base: &str,
    key: &str,
    last_seen: Option<u64>,
) -> impl futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Unpin {
    let mut request = client()
        .get(format!("{base}/events"))
        .header("x-proxy-key", key);
    if let Some(id) = last_seen {
        request = request.header("last-event-id", id.to_string());
    }
    let answer = request.send().await.unwrap();
    assert_eq!(answer.status(), 200);
    answer.bytes_stream()
}

#[tokio::test]
async fn a_result_reaches_its_owner_s_stream_whichever_replica_holds_it() {
    let redis = start_redis();
    let mut krea_config = Config::simulated(300);
    krea_config.sim_webhook_duplicate = true;
    let krea = common::proxy(krea_config).await;
    let a = pushing_replica(&krea, &redis).await;
    let b = pushing_replica(&krea, &redis).await;
    // Alice listens at B; her jobs are made through A, whose address Krea calls.
    let mut alice_at_b = stream(&b, ALICE, None).await;
    let mut bob_at_b = stream(&b, BOB, None).await;
    // Give B's listener a moment to subscribe.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut made = Vec::new();
    for _ in 0..3 {
        let job: Value = generate(&a, ALICE, None).await.json().await.unwrap();
        made.push(job["job_id"].as_str().unwrap().to_owned());
    }
    let mut buffer = String::new();
    let mut heard = Vec::new();
    while let Some((id, job)) = common::next_event(&mut alice_at_b, &mut buffer).await {
        heard.push((id, job["job_id"].as_str().unwrap().to_owned()));
        assert_eq!(job["status"], "completed");
    }
    let mut ids: Vec<String> = heard.iter().map(|(_, job)| job.clone()).collect();
    ids.sort();
    made.sort();
    assert_eq!(ids, made, "each job once, repeats and all");
    assert_eq!(
        common::next_event(&mut bob_at_b, &mut String::new()).await,
        None,
        "nobody else hears Alice's results"
    );
    // Resuming at A after the first event gives the other two, from Redis.
    let mut resumed = stream(&a, ALICE, Some(heard[0].0)).await;
    let mut buffer = String::new();
    let mut again = Vec::new();
    while let Some((id, _)) = common::next_event(&mut resumed, &mut buffer).await {
        again.push(id);
    }
    assert_eq!(again, [heard[1].0, heard[2].0]);
}

/// Redis goes away in the middle of traffic: every request that needs it is refused with
/// 503 "cannot check the limits" within about a second (none waits for a gateway's
/// timeout), a job already made is "not readable now" (503), never "not found" (the studio
/// gives a job up after a few of those), and when Redis is back the replica serves again by
/// itself and the job reads.
#[tokio::test]
async fn a_redis_outage_refuses_quickly_and_traffic_recovers_by_itself() {
    let mut redis = start_redis();
    let krea = simulated_proxy(60_000).await;
    let config = replica_config(&krea);
    let base = replica(&config, &redis).await;
    let before: Value = generate(&base, ALICE, Some("before"))
        .await
        .json()
        .await
        .unwrap();
    let read_before = format!("/jobs/{}", before["job_id"].as_str().unwrap());

    redis.stop();
    let reply = common::get_with_key(&base, &read_before, ALICE).await;
    assert_eq!(reply.status(), 503, "a made job during the outage");
    let body: Value = reply.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap_or_default()
            .contains("who owns this job"),
        "{body}"
    );
    for n in 0..5 {
        let started = std::time::Instant::now();
        let reply = generate(&base, ALICE, Some(&format!("during-{n}"))).await;
        let took = started.elapsed();
        let status = reply.status();
        let body: Value = reply.json().await.unwrap();
        assert_eq!(
            status, 503,
            "request {n} during the outage: {body} after {took:?}"
        );
        let said = body["error"].as_str().unwrap_or_default();
        assert!(said.contains("cannot check its limits"), "{body}");
        assert!(
            took < Duration::from_millis(1500),
            "request {n} took {took:?} to be refused"
        );
    }
    assert_eq!(
        jobs_at_krea(&krea).await,
        1,
        "nothing went to Krea unchecked"
    );

    redis.start_again();
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let status = generate(&base, ALICE, Some("after")).await.status();
        if status == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {status} 15 s after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        common::get_with_key(&base, &read_before, ALICE)
            .await
            .status(),
        200,
        "the job made before the outage reads again"
    );
}

/// A key's own budget in a keys file, shared by two replicas through Redis: 50 parallel
/// submits at the edge of it, and not one cent goes over.
#[tokio::test]
async fn fifty_parallel_submits_on_two_replicas_spend_a_key_s_budget_to_the_cent() {
    let redis = start_redis();
    let krea = simulated_proxy(60_000).await;
    let mut config = replica_config(&krea);
    config.access_keys = None;
    // Krea 2 Medium is $0.03: $0.30 is ten jobs; a month of $0.50 is not reached.
    config.keys = Some(common::keys_file::write(
        "redis-fifty",
        &common::keys_file::entry(
            "alice",
            ALICE,
            "budget_usd_per_day = 0.30\nbudget_usd_per_month = 0.50\nmodels = [\"krea/krea-2/medium\"]",
        ),
    ));
    let replicas = [
        replica(&config, &redis).await,
        replica(&config, &redis).await,
    ];
    let mut requests = Vec::new();
    for n in 0..50 {
        let base = replicas[n % 2].clone();
        requests.push(tokio::spawn(async move {
            generate(&base, ALICE, None).await.status().as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.unwrap());
    }
    let made = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 402).count();
    assert_eq!((made, refused), (10, 40), "{statuses:?}");
    assert_eq!(jobs_at_krea(&krea).await, 10, "exactly the key's budget");
}
