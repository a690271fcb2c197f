//! A public proxy without keys (an embed's visitors): each visitor gets an anonymous,
//! signed session from `POST /session`, sends it back in `x-krea-session`, and sees only
//! its own jobs; forged sessions are nobody; new sessions are rationed per address.

mod common;

use common::{client, proxy};
use krea_proxy::Config;
use serde_json::{json, Value};

async fn new_session(base: &str, sent: Option<&str>) -> reqwest::Response {
    let mut request = client().post(format!("{base}/session"));
    if let Some(sent) = sent {
        request = request.header("x-krea-session", sent);
    }
    request.send().await.unwrap()
}

async fn session(base: &str) -> String {
    let answer = new_session(base, None).await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    body["session"].as_str().unwrap().to_owned()
}

async fn call(method: reqwest::Method, url: String, session: Option<&str>) -> reqwest::Response {
    let mut request = client().request(method, url);
    if let Some(session) = session {
        request = request.header("x-krea-session", session);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn strangers_get_sessions_and_see_only_their_own_jobs() {
    let mut config = Config::simulated(60_000);
    config.sessions = true;
    let base = proxy(config).await;

    let refused = call(reqwest::Method::GET, format!("{base}/jobs"), None).await;
    assert_eq!(refused.status(), 401);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["code"], "session_required", "{body}");

    let (mine, theirs) = (session(&base).await, session(&base).await);
    assert_ne!(mine, theirs);
    let made = client()
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .header("x-krea-session", &mine)
        .json(&json!({"prompt": "a lighthouse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 200);
    let job: Value = made.json().await.unwrap();
    let url = format!("{base}/jobs/{}", job["job_id"].as_str().unwrap());
    assert_eq!(
        call(reqwest::Method::GET, url.clone(), Some(&mine))
            .await
            .status(),
        200
    );
    assert_eq!(
        call(reqwest::Method::GET, url.clone(), Some(&theirs))
            .await
            .status(),
        404
    );
    assert_eq!(
        call(reqwest::Method::DELETE, url.clone(), Some(&theirs))
            .await
            .status(),
        404
    );
    let listed: Value = call(reqwest::Method::GET, format!("{base}/jobs"), Some(&theirs))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    // A forged session is nobody's; a good one sent back is kept.
    let (id, _) = mine.split_once('.').unwrap();
    let forged = format!("{id}.{}", "f".repeat(64));
    assert_eq!(
        call(reqwest::Method::GET, url, Some(&forged))
            .await
            .status(),
        401
    );
    let kept: Value = new_session(&base, Some(&mine)).await.json().await.unwrap();
    assert_eq!(kept["session"], mine.as_str());
    let replaced: Value = new_session(&base, Some(&forged))
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(replaced["session"], forged.as_str());
}

#[tokio::test]
async fn new_sessions_are_rationed_per_address_and_private_proxies_issue_none() {
    let mut config = Config::simulated(60_000);
    config.sessions = true;
    let base = proxy(config).await;
    for _ in 0..20 {
        assert_eq!(new_session(&base, None).await.status(), 200);
    }
    let refused = new_session(&base, None).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    let body: Value = refused.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("Too many new sessions"),
        "{body}"
    );

    let private = proxy(Config::simulated(60_000)).await;
    assert_eq!(new_session(&private, None).await.status(), 404);
}
