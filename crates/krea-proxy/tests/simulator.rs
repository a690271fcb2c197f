//! The simulator behind the proxy, over real HTTP: Krea's routes, states, and errors.

mod common;

use common::{client, delete, get, get_json, poll_until_done, serve, simulated_proxy};
use krea_api::JobStatus;
use krea_proxy::simulator::{self, SimConfig};
use serde_json::{json, Value};
use std::time::Duration;

async fn submit(base: &str, model: &str, body: Value) -> reqwest::Response {
    client()
        .post(format!("{base}/generate/image/{model}"))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_job_walks_through_the_states_and_completes_with_an_image() {
    let base = simulated_proxy(400).await;
    let reply = submit(
        &base,
        "bfl/flux-1-dev",
        json!({"prompt": "a red fox", "width": 768, "height": 512}),
    )
    .await;
    assert_eq!(reply.status(), 200);
    let job: Value = reply.json().await.unwrap();
    assert_eq!(job["status"], "queued");
    assert!(
        job.get("completed_at") == Some(&Value::Null) && job.get("result") == Some(&Value::Null),
        "Krea's submit answer has completed_at and result, both null: {job}"
    );
    let id = job["job_id"].as_str().unwrap();

    let (done, seen) = poll_until_done(&base, id).await;
    let order: Vec<usize> = seen
        .iter()
        .map(|s| JobStatus::ALL.iter().position(|k| k.as_str() == s).unwrap())
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "states went backwards: {seen:?}"
    );
    assert_eq!(seen.last().map(String::as_str), Some("completed"));
    assert!(
        seen.len() >= 3,
        "expected intermediate states, saw {seen:?}"
    );
    assert!(done["completed_at"].is_string());
    let url = done["result"]["urls"][0].as_str().unwrap();
    assert!(url.starts_with(&base), "{url} is not served by the proxy");

    let image = get(url).await;
    assert_eq!(image.status(), 200);
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(
        image.headers()["cross-origin-resource-policy"],
        "cross-origin",
        "embeddable in cross-origin-isolated pages"
    );
    let png = image.bytes().await.unwrap();
    let size = imagesize::blob_size(&png).expect("a PNG header");
    assert_eq!((size.width, size.height), (768, 512));
}

#[tokio::test]
async fn pictures_come_in_the_format_asked_for_or_the_models_default() {
    let base = simulated_proxy(200).await;
    let cases = [
        // Luma UNI-1 answers JPEG when asked; Flux has no choice and answers PNG.
        (
            "luma/uni-1",
            json!({"prompt": "a fox", "width": 640, "height": 512, "output_format": "jpeg"}),
            "jpg",
            "image/jpeg",
        ),
        (
            "bfl/flux-1-dev",
            json!({"prompt": "a fox", "width": 640, "height": 512}),
            "png",
            "image/png",
        ),
    ];
    for (model, body, extension, mime) in cases {
        let job: Value = submit(&base, model, body).await.json().await.unwrap();
        let id = job["job_id"].as_str().unwrap().to_owned();
        let (done, _) = poll_until_done(&base, &id).await;
        let url = done["result"]["urls"][0].as_str().unwrap();
        assert!(
            url.ends_with(&format!("{id}.{extension}")),
            "{model}: {url}"
        );
        let image = get(url).await;
        assert_eq!(image.headers()["content-type"], mime, "{model}");
        let bytes = image.bytes().await.unwrap();
        let size = imagesize::blob_size(&bytes).unwrap();
        assert_eq!((size.width, size.height), (640, 512), "{model}");
        // The same picture under another format's name is not a file Krea would serve.
        let other = if extension == "png" { "jpg" } else { "png" };
        let wrong = get(&url.replace(&format!(".{extension}"), &format!(".{other}"))).await;
        assert_eq!(wrong.status(), 404, "{model}");
    }

    // Topaz answers JPEG unless told otherwise: Krea's spec gives `output_format` "jpg".
    let enhance = |body: Value| {
        client()
            .post(format!("{base}/generate/enhance/topaz/standard-enhance"))
            .json(&body)
            .send()
    };
    let source = "https://gen.krea.ai/images/a.png";
    for (asked, mime) in [(None, "image/jpeg"), (Some("webp"), "image/webp")] {
        let mut body =
            json!({"image_url": source, "width": 800, "height": 600, "model": "Standard V2"});
        if let Some(format) = asked {
            body["output_format"] = json!(format);
        }
        let job: Value = enhance(body).await.unwrap().json().await.unwrap();
        let id = job["job_id"].as_str().unwrap().to_owned();
        let (done, _) = poll_until_done(&base, &id).await;
        let image = get(done["result"]["urls"][0].as_str().unwrap()).await;
        assert_eq!(image.headers()["content-type"], mime, "{asked:?}");
        let size = imagesize::blob_size(&image.bytes().await.unwrap()).unwrap();
        assert_eq!((size.width, size.height), (800, 600), "{asked:?}");
    }
}

#[tokio::test]
async fn krea_2_paths_have_three_segments() {
    let base = simulated_proxy(200).await;
    let reply = submit(
        &base,
        "krea/krea-2/medium",
        json!({"prompt": "a fox", "aspect_ratio": "16:9", "resolution": "1K"}),
    )
    .await;
    assert_eq!(reply.status(), 200);
}

#[tokio::test]
async fn a_prompt_with_the_fail_trigger_fails_with_a_moderation_reason() {
    let base = simulated_proxy(200).await;
    let job: Value = submit(
        &base,
        "bytedance/seedream-4",
        json!({"prompt": "a fox #fail", "width": 1024, "height": 1024}),
    )
    .await
    .json()
    .await
    .unwrap();
    let (done, _) = poll_until_done(&base, job["job_id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["result"]["error"], "nsfw");
}

#[tokio::test]
async fn a_prompt_with_the_no_image_trigger_completes_with_an_empty_result() {
    let base = simulated_proxy(200).await;
    let job: Value = submit(
        &base,
        "bytedance/seedream-4",
        json!({"prompt": "a fox #no-image", "width": 1024, "height": 1024}),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = job["job_id"].as_str().unwrap();
    let (done, _) = poll_until_done(&base, id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(
        done["result"],
        json!({}),
        "Krea's shadow fail: no urls at all"
    );
    let image = get(&format!("{base}/simulator/images/{id}.png")).await;
    assert_eq!(image.status(), 404, "a job without an image serves none");
}

#[tokio::test]
async fn invalid_bodies_are_refused_with_krea_error_bodies() {
    let base = simulated_proxy(200).await;
    let cases = [
        (
            json!({"prompt": "a fox", "width": 1024, "height": 1024, "batchSize": 2}),
            "Unknown params: batchSize",
        ),
        (
            json!({"prompt": "a fox", "width": 1024}),
            "Missing required params: height",
        ),
        (
            json!({"prompt": "a fox", "width": 9000, "height": 1024}),
            "Invalid values: width (must be at most 4096)",
        ),
        (
            json!({"prompt": "a fox", "width": "big", "height": 1024}),
            "Invalid values: width (must be a number)",
        ),
    ];
    for (body, expected) in cases {
        let reply = submit(&base, "bytedance/seedream-4", body).await;
        assert_eq!(reply.status(), 400);
        let error: Value = reply.json().await.unwrap();
        assert_eq!(error["error"], expected);
    }
    let reply = client()
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 400);
    let unknown_model = submit(&base, "bfl/flux-9", json!({"prompt": "x"})).await;
    assert_eq!(unknown_model.status(), 404);
}

#[tokio::test]
async fn unknown_jobs_are_404_and_lists_are_newest_first() {
    let base = simulated_proxy(5_000).await;
    let missing = get(format!("{base}/jobs/4d0e5f97-9721-4422-b88c-73a9032d7de1")).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().await.unwrap()["error"],
        "Job not found"
    );

    let mut ids = Vec::new();
    for prompt in ["first", "second", "third"] {
        let job: Value = submit(&base, "bfl/flux-1-dev", json!({"prompt": prompt}))
            .await
            .json()
            .await
            .unwrap();
        ids.push(job["job_id"].as_str().unwrap().to_owned());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let page: Value = get_json(format!("{base}/jobs?limit=2")).await;
    let listed: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["job_id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str()]);
    let cursor = page["next_cursor"].as_str().expect("a next page");
    let next_page = reqwest::Url::parse_with_params(&format!("{base}/jobs"), [("cursor", cursor)]);
    let rest = get_json(next_page.unwrap()).await;
    assert_eq!(rest["items"][0]["job_id"], ids[0].as_str());
    assert_eq!(rest["next_cursor"], Value::Null);
    let bad = get(format!("{base}/jobs?limit=0")).await;
    assert_eq!(bad.status(), 400);
}

#[tokio::test]
async fn cancelling_works_while_queued_and_is_refused_once_finished() {
    let base = simulated_proxy(10_000).await;
    let job: Value = submit(&base, "bfl/flux-1-dev", json!({"prompt": "slow"}))
        .await
        .json()
        .await
        .unwrap();
    let id = job["job_id"].as_str().unwrap();
    let cancel = delete(format!("{base}/jobs/{id}")).await;
    assert_eq!(cancel.status(), 200);
    let (done, _) = poll_until_done(&base, id).await;
    assert_eq!(done["status"], "cancelled");
    let again = delete(format!("{base}/jobs/{id}")).await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn the_simulator_itself_wants_a_bearer_token_like_krea() {
    let base = serve(simulator::router(SimConfig {
        job_duration: Duration::from_secs(1),
        new_model: false,
        latency: Duration::ZERO,
        faults: krea_proxy::simulator::faults::Faults::none(),
        webhooks: Default::default(),
        image_ttl: None,
    }))
    .await;
    let anonymous = submit(&base, "bfl/flux-1-dev", json!({"prompt": "x"})).await;
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.json::<Value>().await.unwrap()["error"].is_string());
    let with_token = client()
        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
        .bearer_auth("any-token")
        .json(&json!({"prompt": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);
}

#[tokio::test]
async fn the_simulator_publishes_a_spec_of_every_catalogue_model() {
    let base = simulated_proxy(1000).await;
    let reply = get(format!("{base}/openapi.json")).await;
    assert_eq!(reply.status(), 200);
    let spec: Value = reply.json().await.unwrap();
    for model in krea_api::MODELS {
        let schema = &spec["paths"][model.path()]["post"]["requestBody"]["content"]
            ["application/json"]["schema"];
        assert_eq!(schema["additionalProperties"], false, "{}", model.id);
        assert!(schema["properties"]["prompt"].is_object(), "{}", model.id);
    }
}

#[tokio::test]
async fn a_model_the_catalogue_lacks_is_published_discovered_and_generated() {
    let mut config = krea_proxy::Config::simulated(300);
    config.sim_new_model = true;
    let base = common::proxy(config).await;
    let spec = get_json(format!("{base}/openapi.json")).await;
    let found = krea_api::discovery::uncatalogued(&spec);
    assert_eq!(found.len(), 1, "only the new model is new");
    let (found, published) = (found[0], &simulator::NEW_MODEL);
    assert_eq!(
        (found.id, found.name, found.price, found.typical_secs),
        (
            published.id,
            published.name,
            published.price,
            published.typical_secs
        )
    );
    assert_eq!(found.fields.len(), published.fields.len());
    for field in published.fields {
        assert_eq!(found.field(field.name), Some(field), "{}", field.name);
    }

    let model = published.id;
    let refused = submit(&base, model, json!({"prompt": "a cat", "line_weight": 2})).await;
    assert_eq!(refused.status(), 400);
    let unknown = submit(&base, model, json!({"prompt": "a cat", "width": 512})).await;
    assert_eq!(unknown.status(), 400);
    let reply = submit(
        &base,
        model,
        json!({"prompt": "a cat", "medium": "ink", "pages": 2, "colour": true,
               "image_urls": ["https://example.com/a.png"]}),
    )
    .await;
    assert_eq!(reply.status(), 200);
    let job: Value = reply.json().await.unwrap();
    let (done, _) = poll_until_done(&base, job["job_id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed");

    let plain = simulated_proxy(300).await;
    assert_eq!(
        submit(&plain, model, json!({"prompt": "a cat"}))
            .await
            .status(),
        404
    );
    let plain_spec = get_json(format!("{plain}/openapi.json")).await;
    assert!(krea_api::discovery::uncatalogued(&plain_spec).is_empty());
}

#[tokio::test]
async fn paging_through_a_burst_of_jobs_sees_every_one_exactly_once() {
    let base = simulated_proxy(60_000).await;
    let client = client();
    let mut made = std::collections::BTreeSet::new();
    for chunk in 0..10 {
        // Thirty at once, so many share a millisecond.
        let sends: Vec<_> = (0..30)
            .map(|i| {
                tokio::spawn(
                    client
                        .post(format!("{base}/generate/image/bfl/flux-1-dev"))
                        .json(&json!({"prompt": format!("burst {chunk}-{i}")}))
                        .send(),
                )
            })
            .collect();
        for send in sends {
            let job: Value = send.await.unwrap().unwrap().json().await.unwrap();
            made.insert(job["job_id"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(made.len(), 300);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = reqwest::Url::parse(&format!("{base}/jobs?limit=7")).unwrap();
        if let Some(cursor) = &cursor {
            url.query_pairs_mut().append_pair("cursor", cursor);
        }
        let page = get_json(url).await;
        for job in page["items"].as_array().unwrap() {
            seen.push(job["job_id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "a job was listed twice");
    assert_eq!(unique, made, "paging skipped jobs");
}

#[tokio::test]
async fn list_cursors_take_offsets_and_early_dates() {
    let base = simulated_proxy(60_000).await;
    submit(&base, "bfl/flux-1-dev", json!({"prompt": "one"})).await;
    for (cursor, expected) in [
        ("2999-01-01T01:00:00+01:00", 1),
        ("2999-01-01T00:00:00-05:30", 1),
        ("1969-12-31T23:59:59Z", 0),
        ("0001-01-01T00:00:00Z", 0),
    ] {
        let url =
            reqwest::Url::parse_with_params(&format!("{base}/jobs"), [("cursor", cursor)]).unwrap();
        let reply = get(url).await;
        assert_eq!(reply.status(), 200, "{cursor}");
        let page: Value = reply.json().await.unwrap();
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            expected,
            "{cursor}"
        );
    }
}

#[tokio::test]
async fn runway_reference_tags_must_be_lower_snake_case() {
    let base = simulated_proxy(60_000).await;
    let body = |tag: &str| json!({"prompt": "a fox", "reference_images": [{"url": "https://x.test/a.png", "tag": tag}]});
    let ok = submit(&base, "runway/gen-4-image", body("my_fox2")).await;
    assert_eq!(ok.status(), 200);
    for bad in ["2fox", "Fox", "my-fox", "_fox"] {
        let refused = submit(&base, "runway/gen-4-image", body(bad)).await;
        assert_eq!(refused.status(), 400, "{bad}");
        let error = refused.json::<Value>().await.unwrap()["error"].to_string();
        assert!(error.contains("tag"), "{error}");
    }
}

#[tokio::test]
async fn image_urls_follow_forwarded_headers_only_when_told_to_trust_them() {
    // Every request claims to come through a TLS proxy at evil.test.
    let spoofed = |request: reqwest::RequestBuilder| {
        request
            .header("x-forwarded-host", "evil.test")
            .header("x-forwarded-proto", "https")
    };
    let image_url = |base: String| async move {
        let post = client().post(format!("{base}/generate/image/bfl/flux-1-dev"));
        let job: Value = spoofed(post)
            .json(&json!({"prompt": "a fox"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let url = format!("{base}/jobs/{}", job["job_id"].as_str().unwrap());
        for _ in 0..200 {
            let job: Value = spoofed(client().get(&url))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if let Some(image) = job["result"]["urls"][0].as_str() {
                if job["status"] == "completed" {
                    return (base, image.to_owned());
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the job never completed");
    };
    let (base, url) = image_url(simulated_proxy(100).await).await;
    assert!(url.starts_with(&base), "untrusted headers were used: {url}");

    let mut trusting = krea_proxy::Config::simulated(100);
    trusting.trust_forwarded_headers = true;
    let (_, url) = image_url(common::proxy(trusting).await).await;
    assert!(url.starts_with("https://evil.test/"), "{url}");
}

#[tokio::test]
async fn with_an_image_ttl_a_finished_jobs_link_dies_as_krea_links_may() {
    let mut config = krea_proxy::Config::simulated(200);
    config.sim_image_ttl_ms = 1_500;
    let base = common::proxy(config).await;
    let job: Value = submit(&base, "bfl/flux-1-dev", json!({"prompt": "short-lived"}))
        .await
        .json()
        .await
        .unwrap();
    let (done, _) = poll_until_done(&base, job["job_id"].as_str().unwrap()).await;
    let url = done["result"]["urls"][0].as_str().unwrap().to_owned();
    let alive = get(&url).await;
    assert_eq!(alive.status(), 200, "alive right after finishing");
    assert_eq!(
        alive.headers()["cache-control"],
        "public, no-cache",
        "a browser asks again rather than keep a link that dies"
    );
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let dead = get(&url).await;
    assert_eq!(dead.status(), 404, "dead after its time");
    assert!(dead.json::<Value>().await.unwrap()["error"].is_string());
    let still = get_json(format!("{base}/jobs/{}", job["job_id"].as_str().unwrap())).await;
    assert_eq!(
        still["result"]["urls"][0], url,
        "the job still names the dead link"
    );
}
