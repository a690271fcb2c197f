//! `GET /usage` over real HTTP, in memory and in Redis shared by two replicas: what a team's
//! keys spent today and this month matches the sum of the jobs they made (a failed job
//! refunded once, however often and wherever it is read), refusals are counted, a key sees
//! only its own row, an admin sees every key and the proxy.

mod common;

use common::redis_server::start_redis;
use common::{get_with_key, keys_file, serve, simulated_proxy};
use krea_proxy::config::Secret;
use krea_proxy::stores::Stores;
use krea_proxy::{http, startup, Config};
use serde_json::Value;
use std::time::{Duration, Instant};

const LEAD: &str = "lead-key-usage";
const INTERN: &str = "intern-key-usage";
const DESIGNER: &str = "designer-key-usage";
const MEDIUM: &str = "krea/krea-2/medium";
const LARGE: &str = "krea/krea-2/large";

/// A team in front of the simulator: the lead is an admin, the intern has $0.10 a day of
/// Krea 2 Medium ($0.03 a job), the designer has no budget.
fn config(krea: &str, name: &str) -> Config {
    let mut config = Config::simulated(60_000);
    config.simulate = false;
    config.upstream = krea.to_owned();
    config.token = Some(Secret::new("usage-token"));
    let file = [
        keys_file::entry("lead", LEAD, "admin = true"),
        keys_file::entry(
            "intern",
            INTERN,
            "budget_usd_per_day = 0.10\nmodels = [\"krea/krea-2/medium\"]",
        ),
        keys_file::entry("designer", DESIGNER, ""),
    ]
    .join("\n");
    config.keys = Some(keys_file::write(name, &file));
    config
}

/// Reads a job through `base` until it has ended.
async fn until_done(base: &str, key: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let job: Value = get_with_key(base, &format!("/jobs/{id}"), key)
            .await
            .json()
            .await
            .unwrap();
        if ["completed", "failed", "cancelled"].contains(&job["status"].as_str().unwrap_or("")) {
            return job;
        }
        assert!(Instant::now() < deadline, "job {id} never ended: {job}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn make(base: &str, key: &str, model: &str, prompt: &str) -> String {
    let answer = common::generate(base)
        .key(key)
        .model(model)
        .prompt(prompt)
        .json()
        .await;
    answer["job_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job: {answer}"))
        .to_owned()
}

async fn usage(base: &str, key: &str) -> Value {
    let answer = get_with_key(base, "/usage", key).await;
    assert_eq!(answer.status(), 200);
    answer.json().await.unwrap()
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

/// The intern makes two jobs and one that fails, then one more; the fourth would pass the
/// day's $0.10 and is refused. The designer makes one Krea 2 Large job. Jobs are made
/// through one replica and read (twice, the failed one on both) through the other.
async fn a_team_s_usage_matches_its_jobs(bases: &[String]) {
    let (made_on, read_on) = (&bases[0], &bases[bases.len() - 1]);
    let mut ended = Vec::new();
    for prompt in ["a harbour", "a harbour #fail", "a lighthouse", "a pier"] {
        let id = make(made_on, INTERN, MEDIUM, prompt).await;
        ended.push(until_done(read_on, INTERN, &id).await);
        // Read again, on the other replica: counted once all the same.
        until_done(made_on, INTERN, &id).await;
    }
    let refused = common::generate(made_on)
        .key(INTERN)
        .model(MEDIUM)
        .send()
        .await;
    assert_eq!(refused.status(), 402, "the day's $0.10 is spent to $0.09");
    let id = make(made_on, DESIGNER, LARGE, "a dune").await;
    let large = until_done(read_on, DESIGNER, &id).await;

    let images = |jobs: &[Value]| -> usize {
        jobs.iter()
            .map(|job| job["result"]["urls"].as_array().map_or(0, Vec::len))
            .sum()
    };
    let completed = ended.iter().filter(|j| j["status"] == "completed").count();
    assert_eq!(completed, 3, "one of four failed");

    let intern = usage(read_on, INTERN).await;
    assert!(intern.get("everyone").is_none(), "{intern}");
    let today = &intern["own"]["today"];
    assert_eq!(intern["own"]["name"], "intern");
    assert!(
        close(&today["spent_usd"], 0.03 * completed as f64),
        "{today}"
    );
    assert_eq!(today["jobs"], 4);
    assert_eq!(today["failed"], 1);
    assert_eq!(today["images"], images(&ended));
    assert_eq!(today["refusals"], 1);
    assert!(close(&today["limit_usd"], 0.10), "{today}");
    assert!(close(&today["left_usd"], 0.01), "{today}");
    let models = today["by_model"].as_array().unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(models[0]["model"], MEDIUM);
    assert_eq!(intern["own"]["this_month"]["jobs"], 4);
    assert!(intern["own"]["this_month"]["limit_usd"].is_null());

    let designer = usage(made_on, DESIGNER).await;
    assert!(close(&designer["own"]["today"]["spent_usd"], 0.06));
    assert_eq!(designer["own"]["today"]["images"], images(&[large]));

    let lead = usage(read_on, LEAD).await;
    let everyone = lead["everyone"].as_array().expect("an admin sees everyone");
    let names: Vec<&str> = everyone
        .iter()
        .map(|row| row["scope"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["key:designer", "key:intern", "key:lead", "proxy"]);
    let proxy = &everyone[3]["today"];
    assert!(close(&proxy["spent_usd"], 0.09 + 0.06), "{proxy}");
    assert_eq!(proxy["jobs"], 5);
    assert_eq!(proxy["refusals"], 1);
    assert_eq!(proxy["by_model"].as_array().unwrap().len(), 2);
    assert_eq!(everyone[2]["today"]["jobs"], 0, "the lead made nothing");
    // The intern's row in the admin's table is the intern's own answer.
    assert_eq!(everyone[1]["today"], intern["own"]["today"]);
}

#[tokio::test]
async fn in_memory_usage_matches_the_jobs_and_an_admin_sees_everyone() {
    let krea = simulated_proxy(300).await;
    let config = config(&krea, "usage-memory");
    let upstream = startup::upstream(&config).unwrap();
    let base = serve(http::router(&config, upstream).unwrap()).await;
    a_team_s_usage_matches_its_jobs(&[base]).await;
}

#[tokio::test]
async fn in_redis_two_replicas_count_each_job_once() {
    let redis = start_redis();
    let krea = simulated_proxy(300).await;
    let config = config(&krea, "usage-redis");
    let mut bases = Vec::new();
    for _ in 0..2 {
        let upstream = startup::upstream(&config).unwrap();
        let stores = Stores::redis(&redis.url).await.unwrap();
        bases.push(serve(http::router_with(&config, upstream, stores).unwrap()).await);
    }
    a_team_s_usage_matches_its_jobs(&bases).await;
}

#[tokio::test]
async fn a_proxy_with_one_user_and_no_limits_keeps_no_usage() {
    let krea = simulated_proxy(300).await;
    let mut config = Config::simulated(300);
    config.simulate = false;
    config.upstream = krea;
    config.token = Some(Secret::new("usage-token"));
    let upstream = startup::upstream(&config).unwrap();
    let base = serve(http::router(&config, upstream).unwrap()).await;
    let answer = common::get(format!("{base}/usage")).await;
    assert_eq!(answer.status(), 404);
    let said: Value = answer.json().await.unwrap();
    assert!(
        said["error"].as_str().unwrap().contains("keeps no usage"),
        "{said}"
    );
}

/// Krea publishes no price for its enhancers and bills no upload: `--price` states them,
/// and a key's budget then counts both (an enhance at $0.05, an upload at $0.01, against
/// $0.115 a day) and usage shows them.
#[tokio::test]
async fn stated_prices_charge_enhances_and_uploads_against_a_budget() {
    const RETOUCHER: &str = "retoucher-key-usage";
    let krea = simulated_proxy(300).await;
    let mut config = config(&krea, "usage-prices");
    config.keys = Some(keys_file::write(
        "usage-prices",
        &keys_file::entry(
            "retoucher",
            RETOUCHER,
            "budget_usd_per_day = 0.115\nmodels = [\"topaz/standard-enhance\"]",
        ),
    ));
    config.prices = ["topaz/standard-enhance=0.05", "upload=0.01"]
        .iter()
        .map(|p| krea_proxy::limits::charges::StatedPrice::parse(p).unwrap())
        .collect();
    let upstream = startup::upstream(&config).unwrap();
    let base = serve(http::router(&config, upstream).unwrap()).await;
    let upload = || async {
        let form = common::multipart::Form::new().file(
            "file",
            "tile.png",
            "image/png",
            &common::multipart::png(16, 16),
        );
        common::client()
            .post(format!("{base}/assets"))
            .header("x-proxy-key", RETOUCHER)
            .header("content-type", common::multipart::Form::content_type())
            .body(form.body())
            .send()
            .await
            .unwrap()
    };
    let enhance = || async {
        common::client()
            .post(format!("{base}/generate/enhance/topaz/standard-enhance"))
            .header("x-proxy-key", RETOUCHER)
            .json(&serde_json::json!({
                "image_url": "https://gen.krea.ai/images/0424f602-2999-4d0c-a46e-39cbf0ef384b.png",
                "width": 2048, "height": 2048, "model": "Standard V2"
            }))
            .send()
            .await
            .unwrap()
    };
    assert_eq!(upload().await.status(), 200);
    assert_eq!(enhance().await.status(), 200);
    assert_eq!(enhance().await.status(), 200);
    let refused = upload().await;
    assert_eq!(
        refused.status(),
        402,
        "$0.11 spent, $0.01 more passes $0.115"
    );
    assert_eq!(enhance().await.status(), 402);

    let today = usage(&base, RETOUCHER).await["own"]["today"].clone();
    assert!(close(&today["spent_usd"], 0.11), "{today}");
    assert_eq!(today["uploads"], 1);
    assert_eq!(today["jobs"], 2);
    assert_eq!(today["refusals"], 2);
    assert!(close(&today["left_usd"], 0.005), "{today}");
    let limits: Value = get_with_key(&base, "/limits", RETOUCHER)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        close(&limits["budgets"][0]["spent_usd"], 0.11),
        "the budget and usage agree: {limits}"
    );
}
