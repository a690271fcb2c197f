//! The simulator's assets, styles and enhancers over real HTTP, each answer checked against
//! the shape Krea's own spec gives for the route.

mod common;

use common::multipart::{png, Form};
use common::spec_shape::{assert_shape, krea_spec};
use common::{client, serve};
use krea_proxy::simulator::{self, faults::Faults, SimConfig};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn simulator() -> String {
    serve(simulator::router(SimConfig {
        job_duration: Duration::from_millis(200),
        new_model: false,
        latency: Duration::ZERO,
        faults: Faults::none(),
        webhooks: Default::default(),
        image_ttl: None,
    }))
    .await
}

async fn call(method: reqwest::Method, url: String) -> reqwest::Response {
    client()
        .request(method, url)
        .bearer_auth("simulated")
        .send()
        .await
        .unwrap()
}

async fn upload(base: &str, form: Form) -> reqwest::Response {
    client()
        .post(format!("{base}/assets"))
        .bearer_auth("simulated")
        .header("content-type", Form::content_type())
        .body(form.body())
        .send()
        .await
        .unwrap()
}

async fn wait_done(base: &str, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let job: Value = call(reqwest::Method::GET, format!("{base}/jobs/{id}"))
            .await
            .json()
            .await
            .unwrap();
        if job["status"] == "completed" || job["status"] == "failed" {
            return job;
        }
        assert!(Instant::now() < deadline, "the job never finished: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_upload_is_kept_served_back_listed_read_and_deleted_in_krea_shapes() {
    let spec = krea_spec();
    let base = simulator().await;
    let file = png(40, 30);
    let reply = upload(
        &base,
        Form::new()
            .text("description", "a test card")
            .file("file", "card.png", "image/png", &file),
    )
    .await;
    assert_eq!(reply.status(), 200);
    let asset: Value = reply.json().await.unwrap();
    assert_shape(&spec, "post", "/assets", &asset);
    assert_eq!(
        (asset["width"].as_u64(), asset["height"].as_u64()),
        (Some(40), Some(30))
    );
    assert_eq!(asset["size_bytes"].as_u64(), Some(file.len() as u64));
    assert_eq!(asset["mime_type"], "image/png");
    assert_eq!(asset["description"], "a test card");

    let served = client()
        .get(asset["image_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        served.status(),
        200,
        "served without a token, like Krea's image hosts"
    );
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        served.bytes().await.unwrap().as_ref(),
        file.as_slice(),
        "byte for byte"
    );

    let second: Value = upload(
        &base,
        Form::new().file("file", "b.png", "image/png", &png(8, 8)),
    )
    .await
    .json()
    .await
    .unwrap();
    let page: Value = call(reqwest::Method::GET, format!("{base}/assets?limit=1"))
        .await
        .json()
        .await
        .unwrap();
    assert_shape(&spec, "get", "/assets", &page);
    assert_eq!(page["items"][0]["id"], second["id"], "newest first");
    let cursor = page["next_cursor"]
        .as_str()
        .expect("an older upload remains");
    let rest: Value = call(
        reqwest::Method::GET,
        format!("{base}/assets?limit=10&cursor={}", urlencode(cursor)),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(rest["items"][0]["id"], asset["id"]);
    assert_eq!(rest["next_cursor"], Value::Null);

    let id = asset["id"].as_str().unwrap();
    let one: Value = call(reqwest::Method::GET, format!("{base}/assets/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_shape(&spec, "get", "/assets/{id}", &one);
    let deleted = call(reqwest::Method::DELETE, format!("{base}/assets/{id}")).await;
    assert_eq!(deleted.status(), 200);
    assert_shape(
        &spec,
        "delete",
        "/assets/{id}",
        &deleted.json().await.unwrap(),
    );
    let gone = call(reqwest::Method::GET, format!("{base}/assets/{id}")).await;
    assert_eq!(gone.status(), 404);
    assert!(gone.json::<Value>().await.unwrap()["error"].is_string());
}

fn urlencode(text: &str) -> String {
    text.replace(':', "%3A").replace('+', "%2B")
}

#[tokio::test]
async fn uploads_that_are_not_one_image_are_refused_like_krea() {
    let base = simulator().await;
    for (what, form) in [
        ("no file", Form::new().text("description", "x")),
        (
            "an svg",
            Form::new().file("file", "x.svg", "image/svg+xml", b"<svg/>"),
        ),
        (
            "an empty file",
            Form::new().file("file", "x.png", "image/png", b""),
        ),
        (
            "two files",
            Form::new()
                .file("file", "a.png", "image/png", &png(2, 2))
                .file("file", "b.png", "image/png", &png(2, 2)),
        ),
        (
            "another field",
            Form::new()
                .file("file", "a.png", "image/png", &png(2, 2))
                .text("url", "x"),
        ),
    ] {
        let reply = upload(&base, form).await;
        assert_eq!(reply.status(), 400, "{what}");
        assert!(
            reply.json::<Value>().await.unwrap()["error"].is_string(),
            "{what}"
        );
    }
    let anonymous = client()
        .post(format!("{base}/assets"))
        .header("content-type", Form::content_type())
        .body(
            Form::new()
                .file("file", "a.png", "image/png", &png(2, 2))
                .body(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn styles_are_listed_filtered_paged_and_read_in_krea_shapes() {
    let spec = krea_spec();
    let base = simulator().await;
    let all: Value = call(reqwest::Method::GET, format!("{base}/styles"))
        .await
        .json()
        .await
        .unwrap();
    assert_shape(&spec, "get", "/styles", &all);
    let items = all["items"].as_array().unwrap();
    assert!(items.len() >= 5, "a handful of styles");
    assert!(items.iter().any(|s| s["owner"].is_null()), "Krea's own");
    assert!(
        items.iter().any(|s| s["owner"].is_object()),
        "the community's"
    );

    let mine: Value = call(reqwest::Method::GET, format!("{base}/styles?filter=user"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let liked: Value = call(
        reqwest::Method::GET,
        format!("{base}/styles?liked=true&model=flux_dev"),
    )
    .await
    .json()
    .await
    .unwrap();
    for style in liked["items"].as_array().unwrap() {
        assert!(style["models"]
            .as_array()
            .unwrap()
            .contains(&json!("flux_dev")));
    }
    let page: Value = call(reqwest::Method::GET, format!("{base}/styles?limit=2"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["next_cursor"].is_string());
    let bad = call(
        reqwest::Method::GET,
        format!("{base}/styles?filter=everything"),
    )
    .await;
    assert_eq!(bad.status(), 400);

    let id = items[0]["id"].as_str().unwrap();
    let one: Value = call(reqwest::Method::GET, format!("{base}/styles/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_shape(&spec, "get", "/styles/{id}", &one);
    let thumb = client()
        .get(one["urls"][0].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.headers()["content-type"], "image/png");
    let size = imagesize::blob_size(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((size.width, size.height), (256, 384), "portrait thumbnails");
    let missing = call(reqwest::Method::GET, format!("{base}/styles/no-such-style")).await;
    assert_eq!(missing.status(), 404);
}

async fn enhance(base: &str, model: &str, body: Value) -> Value {
    let reply = client()
        .post(format!("{base}/generate/enhance/{model}"))
        .bearer_auth("simulated")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200, "{model}");
    reply.json().await.unwrap()
}

#[tokio::test]
async fn enhancers_are_jobs_whose_picture_has_the_upscaled_size() {
    let spec = krea_spec();
    let base = simulator().await;
    let asset: Value = upload(
        &base,
        Form::new().file("file", "s.png", "image/png", &png(300, 200)),
    )
    .await
    .json()
    .await
    .unwrap();
    let source = asset["image_url"].as_str().unwrap();

    let krea = enhance(
        &base,
        "krea/enhance",
        json!({"image_url": source, "image_scaling_factor": 2}),
    )
    .await;
    let topaz = enhance(
        &base,
        "topaz/standard-enhance",
        json!({"image_url": source, "width": 1200, "height": 800, "model": "Standard V2"}),
    )
    .await;
    assert_shape(
        &spec,
        "post",
        "/generate/enhance/topaz/standard-enhance",
        &topaz,
    );
    for (job, size) in [(krea, (600, 400)), (topaz, (1200, 800))] {
        let done = wait_done(&base, job["job_id"].as_str().unwrap()).await;
        assert_eq!(done["status"], "completed");
        let url = done["result"]["urls"][0].as_str().unwrap();
        let picture = client()
            .get(url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let got = imagesize::blob_size(&picture).unwrap();
        assert_eq!((got.width as u32, got.height as u32), size);
    }

    let missing_source = client()
        .post(format!("{base}/generate/enhance/topaz/bloom-enhance"))
        .bearer_auth("simulated")
        .json(&json!({"width": 100, "height": 100, "model": "Reimagine"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing_source.status(), 400);
    let image_model_path = client()
        .post(format!("{base}/generate/image/topaz/bloom-enhance"))
        .bearer_auth("simulated")
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        image_model_path.status(),
        404,
        "an enhancer is not an image model"
    );
}

#[tokio::test]
async fn job_answers_match_the_spec_too() {
    let spec = krea_spec();
    let base = simulator().await;
    let submitted: Value = client()
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .bearer_auth("simulated")
        .json(&json!({"prompt": "a fox"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_shape(&spec, "post", "/generate/image/bfl/flux-1-dev", &submitted);
    let id = submitted["job_id"].as_str().unwrap();
    let done = wait_done(&base, id).await;
    assert_shape(&spec, "get", "/jobs/{id}", &done);
    let list: Value = call(reqwest::Method::GET, format!("{base}/jobs"))
        .await
        .json()
        .await
        .unwrap();
    assert_shape(&spec, "get", "/jobs", &list);
}
