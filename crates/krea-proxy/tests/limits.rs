//! Limits over real HTTP against the simulator: a per-caller rate with the standard
//! headers, a cap on jobs in flight, a shared daily budget refunded for cancelled jobs, and
//! the start-up refusal of a public proxy with no key and no limit.

mod common;

use common::{client, proxy};
use krea_proxy::config::Secret;
use krea_proxy::limits::RatePolicy;
use krea_proxy::Config;
use serde_json::{json, Value};
use std::process::Command;

const ALICE: &str = "alice-key-1";
const BOB: &str = "bob-key-22";

fn team(config: &mut Config) {
    config.access_keys = Some(Secret::new(format!("alice:{ALICE},bob:{BOB}")));
}

async fn generate(base: &str, key: &str, model: &str) -> reqwest::Response {
    common::generate(base).key(key).model(model).send().await
}

fn header(answer: &reqwest::Response, name: &str) -> String {
    answer
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_rate_per_caller_is_told_in_headers_and_refused_in_krea_shape() {
    let mut config = Config::simulated(60_000);
    team(&mut config);
    config.rates = vec![RatePolicy::parse("2/min").unwrap()];
    let base = proxy(config).await;

    let first = generate(&base, ALICE, "bfl/flux-1-dev").await;
    assert_eq!(first.status(), 200);
    assert_eq!(header(&first, "ratelimit-policy"), "\"2-per-min\";q=2;w=60");
    assert!(
        header(&first, "ratelimit").starts_with("\"2-per-min\";r=1;t="),
        "{}",
        header(&first, "ratelimit")
    );
    assert_eq!(generate(&base, ALICE, "bfl/flux-1-dev").await.status(), 200);
    let refused = generate(&base, ALICE, "bfl/flux-1-dev").await;
    assert_eq!(refused.status(), 429);
    let retry: u64 = header(&refused, "retry-after").parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(header(&refused, "ratelimit").contains("r=0"));
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("2 generate requests per minute"),
        "{body}"
    );

    // Bob has his own allowance; a request Krea refuses takes none of it.
    let bad = client()
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .header("x-proxy-key", BOB)
        .json(&json!({ "prompt": "a lighthouse", "nonsense": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let limits: Value = client()
        .get(format!("{base}/limits"))
        .header("x-proxy-key", BOB)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(limits["rates"][0]["remaining"], 2, "{limits}");
    assert_eq!(generate(&base, BOB, "bfl/flux-1-dev").await.status(), 200);

    // Browsers may read the headers.
    let preflight = client()
        .get(format!("{base}/limits"))
        .header("x-proxy-key", BOB)
        .header("origin", "https://studio.example")
        .send()
        .await
        .unwrap();
    let exposed = header(&preflight, "access-control-expose-headers");
    assert!(
        exposed.contains("ratelimit") && exposed.contains("retry-after"),
        "{exposed}"
    );
}

#[tokio::test]
async fn jobs_in_flight_are_capped_and_a_finished_job_frees_its_slot() {
    let mut config = Config::simulated(300);
    team(&mut config);
    config.max_in_flight = Some(1);
    let base = proxy(config).await;
    let first = generate(&base, ALICE, "bfl/flux-1-dev").await;
    assert_eq!(first.status(), 200);
    let job: Value = first.json().await.unwrap();
    let refused = generate(&base, ALICE, "bfl/flux-1-dev").await;
    assert_eq!(refused.status(), 429);
    assert!(!header(&refused, "retry-after").is_empty());
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("in flight"),
        "{body}"
    );
    // The proxy sees the job end when it is polled.
    let id = job["job_id"].as_str().unwrap();
    loop {
        let seen: Value = common::get_with_key(&base, &format!("/jobs/{id}"), ALICE)
            .await
            .json()
            .await
            .unwrap();
        if seen["status"] == "completed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(generate(&base, ALICE, "bfl/flux-1-dev").await.status(), 200);
}

#[tokio::test]
async fn the_daily_budget_is_shared_and_a_cancelled_job_is_refunded() {
    let mut config = Config::simulated(60_000);
    team(&mut config);
    // Krea 2 medium costs $0.03: three fit in $0.10.
    config.daily_budget_usd = Some(0.10);
    config.allow_models = vec!["krea/krea-2/medium".to_owned()];
    let base = proxy(config).await;
    let mut made = Vec::new();
    for key in [ALICE, BOB, ALICE] {
        let answer = generate(&base, key, "krea/krea-2/medium").await;
        assert_eq!(answer.status(), 200);
        let job: Value = answer.json().await.unwrap();
        made.push(job["job_id"].as_str().unwrap().to_owned());
    }
    let spent = generate(&base, BOB, "krea/krea-2/medium").await;
    assert_eq!(spent.status(), 402);
    let body: Value = spent.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("resets at midnight UTC"),
        "{body}"
    );
    assert!(
        body["resets_at"].as_str().unwrap().ends_with("T00:00:00Z"),
        "{body}"
    );

    // Bob cancels his job; once the proxy sees it cancelled, its money is back.
    let bobs = &made[1];
    let url = format!("{base}/jobs/{bobs}");
    let cancelled = client()
        .delete(&url)
        .header("x-proxy-key", BOB)
        .send()
        .await
        .unwrap();
    assert!(cancelled.status().is_success());
    for _ in 0..2 {
        let seen: Value = client()
            .get(&url)
            .header("x-proxy-key", BOB)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(seen["status"], "cancelled");
    }
    assert_eq!(
        generate(&base, ALICE, "krea/krea-2/medium").await.status(),
        200
    );
    assert_eq!(
        generate(&base, ALICE, "krea/krea-2/medium").await.status(),
        402,
        "refunded once, not for every look"
    );
}

#[test]
fn a_budget_that_cannot_price_its_models_and_an_open_public_proxy_do_not_start() {
    let start = |args: &[&str], token: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_krea-proxy"));
        command
            .args(args)
            .env_remove("KREA_PROXY_ACCESS_KEY")
            .env_remove("KREA_PROXY_ACCESS_KEYS");
        if token {
            command.env(
                "KREA_API_TOKEN",
                "00000000-0000-4000-8000-000000000000:not-a-token",
            );
        }
        let out = command.output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, said) = start(&["--listen", "0.0.0.0:0"], true);
    assert!(!ok);
    assert!(
        said.contains("no access key and no limits") && said.contains("--allow-unlimited"),
        "{said}"
    );
    let (ok, said) = start(
        &[
            "--simulate",
            "--listen",
            "127.0.0.1:0",
            "--daily-budget-usd",
            "5",
        ],
        false,
    );
    assert!(!ok);
    assert!(said.contains("--usd-per-compute-unit"), "{said}");
}
