//! A key's budgets over days and months, over real HTTP, in memory and in Redis shared by two
//! replicas: the proxy's clock is moved past midnight and past the month's end, and each
//! budget is whole again exactly when its period turns, the other one untouched.

mod common;

use common::redis_server::start_redis;
use common::{keys_file, serve, simulated_proxy};
use krea_proxy::config::Secret;
use krea_proxy::limits::clock::Clock;
use krea_proxy::stores::Stores;
use krea_proxy::{http, startup, Config};
use serde_json::Value;
use std::time::Duration;

const INTERN: &str = "intern-key-periods";
const DAY: Duration = Duration::from_secs(86_400);

/// A proxy in front of the simulator whose keys file gives the intern $0.10 a day and
/// $0.15 a month of Krea 2 Medium ($0.03 a job), and the clock its budgets count by.
fn config(krea: &str, name: &str) -> Config {
    let mut config = Config::simulated(60_000);
    config.simulate = false;
    config.upstream = krea.to_owned();
    config.token = Some(Secret::new("periods-token"));
    config.keys = Some(keys_file::write(
        name,
        &keys_file::entry(
            "intern",
            INTERN,
            "budget_usd_per_day = 0.10\nbudget_usd_per_month = 0.15\nmodels = [\"krea/krea-2/medium\"]",
        ),
    ));
    config.clock = common::clock::early_next_month();
    config
}

async fn generate(bases: &[String], n: usize) -> u16 {
    common::generate(&bases[n % bases.len()])
        .key(INTERN)
        .model("krea/krea-2/medium")
        .send()
        .await
        .status()
        .as_u16()
}

async fn refusal(bases: &[String]) -> String {
    let answer = common::generate(&bases[0])
        .key(INTERN)
        .model("krea/krea-2/medium")
        .send()
        .await;
    assert_eq!(answer.status(), 402);
    let said: Value = answer.json().await.unwrap();
    said["error"].as_str().unwrap().to_owned()
}

/// Three jobs on the 1st ($0.09 of the day's $0.10), refused; the 2nd: two more fill the
/// month's $0.15 while the day has room, refused by the month; the next month: room again.
async fn spend_across_periods(bases: &[String], clock: &Clock) {
    for n in 0..3 {
        assert_eq!(generate(bases, n).await, 200, "job {n} on the 1st");
    }
    let said = refusal(bases).await;
    assert!(
        said.starts_with("Today's budget for the key intern is spent"),
        "{said}"
    );

    clock.advance(DAY);
    for n in 0..2 {
        assert_eq!(generate(bases, n).await, 200, "job {n} on the 2nd");
    }
    let said = refusal(bases).await;
    assert!(
        said.starts_with("This month's budget for the key intern is spent; it resets on the 1st"),
        "{said}"
    );
    // Another day does not help the month.
    clock.advance(DAY);
    let said = refusal(bases).await;
    assert!(said.starts_with("This month's budget"), "{said}");

    clock.advance(DAY * 31);
    assert_eq!(generate(bases, 0).await, 200, "the next month");
    let limits: Value = common::get_with_key(&bases[1 % bases.len()], "/limits", INTERN)
        .await
        .json()
        .await
        .unwrap();
    let spent: Vec<f64> = limits["budgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["spent_usd"].as_f64().unwrap())
        .collect();
    assert_eq!(spent.len(), 2, "{limits}");
    assert!(spent.iter().all(|s| (s - 0.03).abs() < 1e-9), "{limits}");
}

#[tokio::test]
async fn in_memory_a_day_and_a_month_each_reset_their_own_budget() {
    let krea = simulated_proxy(60_000).await;
    let config = config(&krea, "periods-memory");
    let upstream = startup::upstream(&config).unwrap();
    let base = serve(http::router(&config, upstream).unwrap()).await;
    spend_across_periods(&[base], &config.clock).await;
}

#[tokio::test]
async fn in_redis_shared_by_two_replicas_a_day_and_a_month_each_reset_their_own_budget() {
    let redis = start_redis();
    let krea = simulated_proxy(60_000).await;
    let config = config(&krea, "periods-redis");
    let mut bases = Vec::new();
    for _ in 0..2 {
        let upstream = startup::upstream(&config).unwrap();
        let stores = Stores::redis(&redis.url).await.unwrap();
        bases.push(serve(http::router_with(&config, upstream, stores).unwrap()).await);
    }
    spend_across_periods(&bases, &config.clock).await;
}
