//! Receipts for embedding sites, over real HTTP: a visitor of a listed site gets, for a job it
//! made that completed, a receipt the site's server verifies with its own secret; it states
//! the job's images, its price and the site; a changed byte fails. Nobody else gets one for
//! that job, a visitor of no site gets none, nor does a job still running, nor a proxy with
//! no receipt secret.

mod common;

use common::{client, serve, simulated_proxy};
use krea_api::receipt::{self, Receipt};
use krea_proxy::config::Secret;
use krea_proxy::{http, startup, Config};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SECRET: &str = "the-receipt-secret-of-this-proxy-4242";
const SITE: &str = "https://shop.example";

async fn proxy(job_ms: u64, secret: Option<&str>) -> String {
    let krea = simulated_proxy(job_ms).await;
    let mut config = Config::simulated(job_ms);
    config.simulate = false;
    config.upstream = krea;
    config.token = Some(Secret::new("receipts-token"));
    config.sessions = true;
    config.allow_embed = vec![SITE.to_owned()];
    config.receipt_secret = secret.map(Secret::new);
    let upstream = startup::upstream(&config).unwrap();
    serve(http::router(&config, upstream).unwrap()).await
}

async fn session(base: &str, site: Option<&str>) -> String {
    let mut ask = client().post(format!("{base}/session"));
    if let Some(site) = site {
        ask = ask.header("x-krea-site", site);
    }
    let answer: Value = ask.send().await.unwrap().json().await.unwrap();
    answer["session"].as_str().unwrap().to_owned()
}

async fn generate(base: &str, session: &str) -> String {
    let job = common::generate(base)
        .model("krea/krea-2/medium")
        .header("x-krea-session", session)
        .json()
        .await;
    job["job_id"].as_str().unwrap().to_owned()
}

async fn ask_receipt(base: &str, session: &str, job_id: &str) -> reqwest::Response {
    client()
        .post(format!("{base}/receipts"))
        .header("x-krea-session", session)
        .json(&json!({ "job_id": job_id }))
        .send()
        .await
        .unwrap()
}

/// The job, polled as its visitor until it completed.
async fn completed(base: &str, session: &str, job_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let job: Value = common::get_as(
            base,
            &format!("/jobs/{job_id}"),
            ("x-krea-session", session),
        )
        .await
        .json()
        .await
        .unwrap();
        if job["status"] == "completed" {
            return job;
        }
        assert!(Instant::now() < deadline, "{job}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_site_s_visitor_gets_a_receipt_its_server_verifies_and_nobody_else_does() {
    let base = proxy(300, Some(SECRET)).await;
    let visitor = session(&base, Some(SITE)).await;
    let job_id = generate(&base, &visitor).await;

    // Still running: no receipt yet.
    assert_eq!(ask_receipt(&base, &visitor, &job_id).await.status(), 409);
    let done = completed(&base, &visitor, &job_id).await;
    let answer = ask_receipt(&base, &visitor, &job_id).await;
    assert_eq!(answer.status(), 200);
    let signed: Receipt = answer.json().await.unwrap();

    let secret = receipt::site_secret(SECRET, SITE);
    let claims = receipt::verify(&secret, &signed).unwrap();
    assert_eq!(claims.job_id, job_id);
    assert_eq!(claims.origin, SITE);
    assert_eq!(claims.price_usd, Some(0.03), "Krea 2 Medium's price");
    assert_eq!(Value::from(claims.urls.clone()), done["result"]["urls"]);
    assert!(time::OffsetDateTime::parse(
        &claims.issued_at,
        &time::format_description::well_known::Rfc3339
    )
    .is_ok());
    let mut changed = signed.clone();
    changed.claims = changed.claims.replacen(SITE, "https://shoq.example", 1);
    assert!(receipt::verify(&secret, &changed).is_err());

    // Another visitor of the site: not their job.
    let stranger = session(&base, Some(SITE)).await;
    assert_eq!(ask_receipt(&base, &stranger, &job_id).await.status(), 404);
    // A visitor of no site: receipts are for sites.
    let nobody = session(&base, None).await;
    let own = generate(&base, &nobody).await;
    assert_eq!(ask_receipt(&base, &nobody, &own).await.status(), 403);
    assert_eq!(
        ask_receipt(&base, &visitor, "not-a-job").await.status(),
        400
    );
}

#[tokio::test]
async fn a_proxy_without_a_receipt_secret_signs_none() {
    let base = proxy(50, None).await;
    let visitor = session(&base, Some(SITE)).await;
    let job_id = generate(&base, &visitor).await;
    let answer = ask_receipt(&base, &visitor, &job_id).await;
    assert_eq!(answer.status(), 404);
    let said: Value = answer.json().await.unwrap();
    assert!(
        said["error"]
            .as_str()
            .unwrap()
            .contains("KREA_PROXY_RECEIPT_SECRET"),
        "{said}"
    );
}
