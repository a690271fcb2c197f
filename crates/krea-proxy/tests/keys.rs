//! A team behind one proxy with a keys file (`--keys`), over real HTTP: each key has its own
//! budget, models and sight of the account; `SIGHUP` reloads the file in the middle of
//! traffic without dropping a request, and a file with a mistake keeps the keys in use; a
//! plain key is refused at start until `--hash-keys` rewrites it.

mod common;

use common::{serve, simulated_proxy};
use krea_proxy::{http, startup, Config};
use serde_json::Value;
use std::process::Stdio;
use std::time::Duration;

const LEAD: &str = "lead-key-000001";
const INTERN: &str = "intern-key-0001";
const DESIGNER: &str = "designer-key-01";

use common::keys_file::{sha, write as keys_file};

fn team() -> String {
    format!(
        r#"# The team's keys.
[[key]]
name = "lead"
key_sha256 = "{}"
admin = true

[[key]]
name = "intern"
key_sha256 = "{}"
budget_usd_per_day = 0.10
models = ["krea/krea-2/medium"]

[[key]]
name = "designer"
key_sha256 = "{}"
"#,
        sha(LEAD),
        sha(INTERN),
        sha(DESIGNER)
    )
}

async fn generate(base: &str, key: &str, model: &str) -> reqwest::Response {
    common::generate(base).key(key).model(model).send().await
}

use common::get_with_key as get;

#[tokio::test]
async fn each_key_has_its_own_budget_models_and_sight_of_the_account() {
    let krea = simulated_proxy(60_000).await;
    let mut config = Config::simulated(60_000);
    config.simulate = false;
    config.upstream = krea.clone();
    config.token = Some(krea_proxy::config::Secret::new("team-token"));
    config.keys = Some(keys_file("team", &team()));
    let upstream = startup::upstream(&config).unwrap();
    let base = serve(http::router(&config, upstream).unwrap()).await;

    // Krea 2 Medium costs $0.03: three fit in the intern's $0.10 a day, the fourth does not.
    let mut made = Vec::new();
    for _ in 0..3 {
        let reply = generate(&base, INTERN, "krea/krea-2/medium").await;
        assert_eq!(reply.status(), 200);
        let job: Value = reply.json().await.unwrap();
        made.push(job["job_id"].as_str().unwrap().to_owned());
    }
    let refused = generate(&base, INTERN, "krea/krea-2/medium").await;
    assert_eq!(refused.status(), 402);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&retry_after), "{retry_after}");
    let said: Value = refused.json().await.unwrap();
    let said = said["error"].as_str().unwrap();
    assert!(
        said.starts_with("Today's budget for the key intern is spent; it resets at midnight UTC"),
        "{said}"
    );
    // The intern's models are the intern's only.
    let other_model = generate(&base, INTERN, "bfl/flux-1-dev").await;
    assert_eq!(other_model.status(), 403);
    let said: Value = other_model.json().await.unwrap();
    assert_eq!(
        said["error"],
        "Your key may not use the model bfl/flux-1-dev"
    );

    // The designer spends on without the intern's budget, and sees only their own jobs.
    assert_eq!(
        generate(&base, DESIGNER, "krea/krea-2/medium")
            .await
            .status(),
        200
    );
    let path = format!("/jobs/{}", made[0]);
    assert_eq!(get(&base, &path, DESIGNER).await.status(), 404);
    assert_eq!(get(&base, &path, INTERN).await.status(), 200);
    // The admin sees every job of the account.
    assert_eq!(get(&base, &path, LEAD).await.status(), 200);

    // The intern's standing names the key's budget.
    let limits: Value = get(&base, "/limits", INTERN).await.json().await.unwrap();
    assert_eq!(limits["budgets"][0]["scope"], "key");
    assert_eq!(limits["budgets"][0]["period"], "day");
    assert_eq!(limits["budgets"][0]["limit_usd"], 0.10);
    let spent = limits["budgets"][0]["spent_usd"].as_f64().unwrap();
    let left = limits["budgets"][0]["left_usd"].as_f64().unwrap();
    assert!(
        (spent - 0.09).abs() < 1e-9 && (left - 0.01).abs() < 1e-9,
        "{limits}"
    );
}

/// The binary with `--keys`, in front of the simulator, its stderr kept.
fn start_with_keys(krea: &str, keys: &std::path::Path, extra: &[&str]) -> std::process::Child {
    let mut command = common::binary(&["--listen", "127.0.0.1:0", "--upstream", krea]);
    command
        .arg("--keys")
        .arg(keys)
        .args(extra)
        .env("KREA_API_TOKEN", "keys-test-token")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.spawn().expect("krea-proxy starts")
}

fn address_of(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let address = first
        .split_whitespace()
        .find_map(|word| word.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_owned();
    format!("http://{address}")
}

fn hang_up(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn sighup_reloads_the_keys_in_the_middle_of_traffic_and_a_bad_file_keeps_them() {
    let krea = simulated_proxy(60_000).await;
    let one = format!(
        "[[key]]\nname = \"lead\"\nkey_sha256 = \"{}\"\nadmin = true\n",
        sha(LEAD)
    );
    let path = keys_file("reload", &one);
    let mut proxy = common::Running(start_with_keys(&krea, &path, &[]));
    let stderr = common::capture_stderr(&mut proxy.0);
    let base = address_of(&mut proxy.0);
    assert_eq!(get(&base, "/limits", DESIGNER).await.status(), 401);

    // The lead keeps asking while the file changes under the proxy.
    let traffic = {
        let base = base.clone();
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            for _ in 0..60 {
                statuses.push(get(&base, "/limits", LEAD).await.status().as_u16());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            statuses
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    std::fs::write(&path, team()).unwrap();
    hang_up(&proxy.0);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while get(&base, "/limits", DESIGNER).await.status() != 200 {
        assert!(
            std::time::Instant::now() < deadline,
            "the designer's key never came"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let statuses = traffic.await.unwrap();
    assert!(
        statuses.iter().all(|s| *s == 200),
        "the lead was refused during the reload: {statuses:?}"
    );

    // A file with a mistake changes nothing.
    std::fs::write(&path, "[[key]]\nname = \"lead\"\nkey_sha256 = \"nope\"\n").unwrap();
    hang_up(&proxy.0);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(get(&base, "/limits", DESIGNER).await.status(), 200);
    assert_eq!(get(&base, "/limits", LEAD).await.status(), 200);
    drop(proxy);
    let log = stderr.join().unwrap();
    assert!(log.contains("keys reloaded"), "{log}");
    assert!(
        log.contains("keys not reloaded") && log.contains("64 hexadecimal"),
        "{log}"
    );
    assert!(
        !log.contains(LEAD) && !log.contains(DESIGNER),
        "no key in the log"
    );
}

#[tokio::test]
async fn a_plain_key_is_refused_at_start_until_hash_keys_rewrites_it() {
    let krea = simulated_proxy(60_000).await;
    let plain = format!("# mine\n[[key]]\nname = \"lead\"\nkey = \"{LEAD}\"\nadmin = true\n");
    let path = keys_file("plain", &plain);
    let mut refused = start_with_keys(&krea, &path, &[]);
    let stderr = common::capture_stderr(&mut refused);
    let status = refused.wait().unwrap();
    assert!(!status.success());
    let said = stderr.join().unwrap();
    assert!(said.contains("--hash-keys"), "{said}");

    let mut proxy = common::Running(start_with_keys(&krea, &path, &["--hash-keys"]));
    let base = address_of(&mut proxy.0);
    assert_eq!(get(&base, "/limits", LEAD).await.status(), 200);
    let rewritten = std::fs::read_to_string(&path).unwrap();
    assert!(!rewritten.contains(LEAD), "{rewritten}");
    assert!(rewritten.starts_with("# mine\n"), "{rewritten}");
    assert!(rewritten.contains(&sha(LEAD)), "{rewritten}");
}
