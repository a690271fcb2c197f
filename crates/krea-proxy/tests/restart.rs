//! A proxy whose state is a file (`--state file:PATH`, the default in front of Krea) keeps
//! its promises across a crash: killed with SIGKILL between a generate reaching Krea and
//! Krea's answer, then started again, it answers the same key with the one job Krea made;
//! and the day's spend comes back with it. Krea is a
//! separate process (the simulator), reached through a stand-in that can hold its answers.

mod common;

use serde_json::Value;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Krea: the simulator as its own process.
fn start_krea() -> (Child, String) {
    let mut command = common::binary(&["--simulate", "--listen", "127.0.0.1:0"]);
    command.arg("--sim-job-ms").arg("300").stderr(Stdio::null());
    let (child, address) = common::start_binary(command);
    (child, format!("http://{address}"))
}

/// The proxy binary in front of `upstream`, its state in `state_file`.
fn start_proxy(upstream: &str, state_file: &std::path::Path, extra: &[&str]) -> (Child, String) {
    let state = format!("file:{}", state_file.display());
    let mut command = common::binary(&["--listen", "127.0.0.1:0", "--upstream", upstream]);
    command
        .args(["--state", &state])
        .args(extra)
        .env("KREA_API_TOKEN", "restart-test-token")
        .stderr(Stdio::null());
    let (child, address) = common::start_binary(command);
    (child, format!("http://{address}"))
}

fn state_file(name: &str) -> std::path::PathBuf {
    std::env::temp_dir()
        .join(format!("krea-proxy-restart-{}-{name}", std::process::id()))
        .join("state.redb")
}

async fn generate(base: &str, key: &str) -> reqwest::Response {
    common::generate(base)
        .model("krea/krea-2/medium")
        .idempotency(key)
        .send()
        .await
}

#[tokio::test]
async fn a_key_retried_after_a_sigkill_between_krea_and_its_answer_makes_one_job() {
    let (mut krea_process, krea) = start_krea();
    let (held_tx, mut held_rx) = mpsc::unbounded_channel();
    let hold = Arc::new(AtomicBool::new(true));
    let (stand_in_url, _) = common::tap_holding(
        &krea,
        Some(common::Hold {
            on: Arc::clone(&hold),
            held: held_tx,
        }),
    )
    .await;
    let file = state_file("sigkill");
    let (mut proxy, base) = start_proxy(&stand_in_url, &file, &[]);

    let in_flight = tokio::spawn(
        common::client()
            .post(format!("{base}/generate/image/krea/krea-2/medium"))
            .header("idempotency-key", "reload-key")
            .json(&serde_json::json!({"prompt": "a lighthouse", "aspect_ratio": "1:1", "resolution": "1K"}))
            // Not `common::generate`: this request is to fail, not to be unwrapped.
            .send(),
    );
    let made = tokio::time::timeout(Duration::from_secs(10), held_rx.recv())
        .await
        .expect("the generate reached Krea")
        .unwrap();
    proxy.kill().unwrap(); // SIGKILL: nothing is flushed, nothing is answered.
    proxy.wait().unwrap();
    assert!(
        in_flight.await.unwrap().is_err(),
        "the first answer is lost with the process"
    );

    hold.store(false, Ordering::SeqCst);
    let (mut proxy, base) = start_proxy(&stand_in_url, &file, &[]);
    let again = generate(&base, "reload-key").await;
    assert_eq!(again.status(), 200);
    let job: Value = again.json().await.unwrap();
    assert_eq!(
        job["job_id"], made["job_id"],
        "the job Krea made, not a second one"
    );
    let replay = generate(&base, "reload-key").await;
    let job: Value = replay.json().await.unwrap();
    assert_eq!(job["job_id"], made["job_id"]);

    let listed = common::get_json(format!("{krea}/jobs?limit=50")).await;
    let jobs = listed["items"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "Krea made exactly one job: {listed}");

    proxy.kill().unwrap();
    let _ = proxy.wait();
    krea_process.kill().unwrap();
    let _ = krea_process.wait();
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}

#[tokio::test]
async fn the_day_s_spend_and_a_caller_s_jobs_survive_a_restart() {
    let (mut krea_process, krea) = start_krea();
    let file = state_file("budget");
    // Krea 2 medium costs $0.03: two fit in $0.07, a third does not, restart or not.
    let limits = [
        "--daily-budget-usd",
        "0.07",
        "--allow-model",
        "krea/krea-2/medium",
    ];
    let (mut proxy, base) = start_proxy(&krea, &file, &limits);
    let first: Value = generate(&base, "first").await.json().await.unwrap();
    proxy.kill().unwrap();
    proxy.wait().unwrap();

    let (mut proxy, base) = start_proxy(&krea, &file, &limits);
    assert_eq!(generate(&base, "second").await.status(), 200);
    assert_eq!(
        generate(&base, "third").await.status(),
        402,
        "the spend before the restart still counts"
    );
    let id = first["job_id"].as_str().unwrap();
    let read = common::get(format!("{base}/jobs/{id}")).await;
    assert_eq!(
        read.status(),
        200,
        "a job made before the restart is still readable"
    );

    proxy.kill().unwrap();
    let _ = proxy.wait();
    krea_process.kill().unwrap();
    let _ = krea_process.wait();
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}
