//! `GET /image-copy`: a finished image for the studio's local copies, over real HTTP. Only
//! Krea's image hosts (or, simulated, the simulator's own pictures); nothing else is
//! reached through it.

mod common;

use common::{client, generate, get, poll_until_done, simulated_proxy};

async fn copy(base: &str, url: &str) -> reqwest::Response {
    let address =
        reqwest::Url::parse_with_params(&format!("{base}/image-copy"), &[("url", url)]).unwrap();
    client().get(address).send().await.unwrap()
}

#[tokio::test]
async fn a_finished_image_comes_through_the_proxy_byte_for_byte() {
    let base = simulated_proxy(200).await;
    let job = generate(&base).json().await;
    let (done, _) = poll_until_done(&base, job["job_id"].as_str().unwrap()).await;
    let url = done["result"]["urls"][0].as_str().unwrap();
    let direct = get(url).await.bytes().await.unwrap();
    let copied = copy(&base, url).await;
    assert_eq!(copied.status(), 200);
    assert_eq!(copied.headers()["content-type"], "image/png");
    assert_eq!(copied.bytes().await.unwrap(), direct);
}

#[tokio::test]
async fn nothing_but_kreas_images_is_reached_through_it() {
    let base = simulated_proxy(200).await;
    for (url, status) in [
        // Another host, the proxy itself, Krea's API: refused, not fetched.
        ("https://evil.example/a.png", 403),
        (&format!("{base}/jobs"), 403),
        (&format!("{base}/healthz"), 403),
        ("https://api.krea.ai/jobs", 403),
        ("http://gen.krea.ai/images/a.png", 403),
        ("file:///etc/passwd", 403),
        ("not an address", 400),
    ] {
        let reply = copy(&base, url).await;
        assert_eq!(reply.status(), status, "{url}");
        let body: serde_json::Value = reply.json().await.unwrap();
        assert!(body["error"].is_string(), "{url}: {body}");
    }
    let without = client()
        .get(format!("{base}/image-copy"))
        .send()
        .await
        .unwrap();
    assert_eq!(without.status(), 400, "no url");
}

#[tokio::test]
async fn a_proxy_in_front_of_a_simulated_krea_fetches_the_pictures_it_serves_and_no_others() {
    let krea = simulated_proxy(200).await;
    let mut config = krea_proxy::Config::simulated(200);
    config.simulate = false;
    config.upstream = krea.clone();
    config.token = Some(krea_proxy::secret::Secret::new("any-token"));
    let base = common::proxy(config).await;
    let job = generate(&base).json().await;
    let (done, _) = poll_until_done(&base, job["job_id"].as_str().unwrap()).await;
    let url = done["result"]["urls"][0].as_str().unwrap();
    assert!(url.starts_with(&krea), "{url} is the upstream's");
    let copied = copy(&base, url).await;
    assert_eq!(copied.status(), 200);
    assert_eq!(
        copied.bytes().await.unwrap(),
        get(url).await.bytes().await.unwrap()
    );
    // The proxy's own pictures route does not exist here, and other hosts stay refused.
    assert_eq!(copy(&base, &format!("{base}/healthz")).await.status(), 403);
    assert_eq!(
        copy(&base, "https://evil.example/a.png").await.status(),
        403
    );
}
