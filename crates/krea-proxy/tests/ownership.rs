//! A team on one proxy (`KREA_PROXY_ACCESS_KEYS`): each caller sees, polls, cancels and
//! lists only the jobs it made, over real HTTP against the simulator.

mod common;

use common::{client, proxy};
use krea_proxy::config::Secret;
use krea_proxy::Config;
use serde_json::{json, Value};

const ALICE: &str = "alice-key-1";
const BOB: &str = "bob-key-22";

async fn team_proxy() -> String {
    let mut config = Config::simulated(60_000);
    config.access_keys = Some(Secret::new(format!("alice:{ALICE},bob:{BOB}")));
    proxy(config).await
}

async fn generate(base: &str, key: &str, prompt: &str, idempotency: Option<&str>) -> String {
    let mut request = common::generate(base).key(key).prompt(prompt);
    if let Some(idempotency) = idempotency {
        request = request.idempotency(idempotency);
    }
    let answer = request.send().await;
    assert_eq!(answer.status(), 200);
    let job: Value = answer.json().await.unwrap();
    job["job_id"].as_str().unwrap().to_owned()
}

async fn call(method: reqwest::Method, url: String, key: Option<&str>) -> reqwest::Response {
    let mut request = client().request(method, url);
    if let Some(key) = key {
        request = request.header("x-proxy-key", key);
    }
    request.send().await.unwrap()
}

async fn list(base: &str, key: &str, query: &str) -> Value {
    let answer = call(
        reqwest::Method::GET,
        format!("{base}/jobs{query}"),
        Some(key),
    )
    .await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["job_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_caller_sees_and_acts_on_its_own_jobs_only() {
    let base = team_proxy().await;
    let mut alices = Vec::new();
    for n in 0..3 {
        alices.push(generate(&base, ALICE, &format!("alice {n}"), None).await);
        // Distinct creation times, so the order is Krea's.
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let bobs = generate(&base, BOB, "bob", None).await;

    // Lists: Krea's shape, newest first, only one's own, with cursors that page.
    let all = list(&base, ALICE, "").await;
    let newest_first: Vec<String> = alices.iter().rev().cloned().collect();
    assert_eq!(ids(&all), newest_first);
    assert_eq!(all["next_cursor"], Value::Null);
    let first = list(&base, ALICE, "?limit=2").await;
    assert_eq!(ids(&first), newest_first[..2]);
    let cursor = first["next_cursor"].as_str().expect("a cursor").to_owned();
    let rest = list(
        &base,
        ALICE,
        &format!(
            "?limit=2&cursor={}",
            cursor.replace(':', "%3A").replace('+', "%2B")
        ),
    )
    .await;
    assert_eq!(ids(&rest), newest_first[2..]);
    assert_eq!(rest["next_cursor"], Value::Null);
    assert_eq!(ids(&list(&base, BOB, "").await), [bobs]);
    assert!(ids(&list(&base, BOB, "?status=completed").await).is_empty());
    let bad_limit = call(
        reqwest::Method::GET,
        format!("{base}/jobs?limit=0"),
        Some(BOB),
    )
    .await;
    assert_eq!(bad_limit.status(), 400);

    // Another caller's job does not exist for bob: not readable, not cancellable.
    let theirs = format!("{base}/jobs/{}", alices[0]);
    let peek = call(reqwest::Method::GET, theirs.clone(), Some(BOB)).await;
    assert_eq!(peek.status(), 404);
    let body: Value = peek.json().await.unwrap();
    assert!(body["error"].is_string(), "Krea's error shape: {body}");
    let cancel = call(reqwest::Method::DELETE, theirs.clone(), Some(BOB)).await;
    assert_eq!(cancel.status(), 404);
    let mine = call(reqwest::Method::GET, theirs.clone(), Some(ALICE)).await;
    assert_eq!(mine.status(), 200);
    let job: Value = mine.json().await.unwrap();
    assert_ne!(job["status"], "cancelled", "bob's cancel reached Krea");
    let own_cancel = call(reqwest::Method::DELETE, theirs, Some(ALICE)).await;
    assert!(own_cancel.status().is_success(), "{}", own_cancel.status());

    // No key, a wrong key: nobody.
    for key in [None, Some("alice-key-2")] {
        let answer = call(reqwest::Method::GET, format!("{base}/jobs"), key).await;
        assert_eq!(answer.status(), 401);
    }
}

#[tokio::test]
async fn one_idempotency_key_used_by_two_callers_makes_two_jobs() {
    let base = team_proxy().await;
    let key = "4d0e5f97-9721-4422-b88c-73a9032d7de1";
    let alices = generate(&base, ALICE, "same words", Some(key)).await;
    let bobs = generate(&base, BOB, "same words", Some(key)).await;
    assert_ne!(alices, bobs, "bob replayed alice's job");
    assert_eq!(
        generate(&base, ALICE, "same words", Some(key)).await,
        alices
    );
    let peek = call(
        reqwest::Method::GET,
        format!("{base}/jobs/{alices}"),
        Some(BOB),
    )
    .await;
    assert_eq!(peek.status(), 404);
}

#[tokio::test]
async fn a_caller_s_list_is_read_from_krea_s_own_list_not_job_by_job() {
    let krea = common::simulated_proxy(60_000).await;
    let (tapped, noted) = common::tap(&krea).await;
    let mut config = Config::simulated(60_000);
    config.simulate = false;
    config.upstream = tapped;
    config.token = Some(Secret::new("team-token"));
    config.access_keys = Some(Secret::new(format!("alice:{ALICE},bob:{BOB}")));
    let base = proxy(config).await;
    let mut alices = Vec::new();
    for n in 0..5 {
        alices.push(generate(&base, ALICE, &format!("alice {n}"), None).await);
        generate(&base, BOB, &format!("bob {n}"), None).await;
    }
    alices.reverse();
    let reads = |noted: &common::Tapped| {
        let noted = noted.lock().unwrap();
        let lists = noted.iter().filter(|r| r.starts_with("GET /jobs?")).count();
        let singles = noted.iter().filter(|r| r.starts_with("GET /jobs/")).count();
        (lists, singles)
    };
    noted.lock().unwrap().clear();
    assert_eq!(ids(&list(&base, ALICE, "?limit=100").await), alices);
    assert_eq!(reads(&noted), (1, 0), "one list at Krea, no job read alone");

    // Forty jobs made at Krea directly since: Alice's are further down Krea's list.
    for n in 0..40 {
        client()
            .post(format!("{krea}/generate/image/bfl/flux-1-dev"))
            .json(&json!({ "prompt": format!("elsewhere {n}") }))
            .send()
            .await
            .unwrap();
    }
    noted.lock().unwrap().clear();
    assert_eq!(ids(&list(&base, ALICE, "?limit=100").await), alices);
    let (lists, singles) = reads(&noted);
    assert_eq!(singles, 0, "Krea's next page reached them");
    assert!((2..=3).contains(&lists), "{lists} lists");
    // A page further down, by cursor, is read from Krea's list from that cursor.
    let first = list(&base, ALICE, "?limit=2").await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    noted.lock().unwrap().clear();
    let rest = list(&base, ALICE, &format!("?cursor={cursor}")).await;
    assert_eq!(ids(&rest), alices[2..]);
    assert_eq!(reads(&noted), (1, 0));
}
