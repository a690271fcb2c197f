//! Browser tests (wasm-bindgen-test in headless Chromium) against a real
//! `krea-proxy --simulate` started by `cargo xtask test` (its URL arrives in
//! `KREA_TEST_PROXY` at compile time).
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use krea_api::{ImageRequest, JobStatus};
use krea_studio::api::{ApiError, KreaClient};
use krea_studio::components::Studio;
use krea_studio::settings::RuntimeConfig;
use krea_studio::studio_root::StudioRoot;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::eventually;

fn proxy() -> String {
    env!(
        "KREA_TEST_PROXY",
        "run the browser tests through `cargo xtask test`, which starts the proxy"
    )
    .to_owned()
}

fn request(model: &str, body: serde_json::Value) -> ImageRequest {
    ImageRequest::new(model, body.as_object().unwrap().clone()).unwrap()
}

#[wasm_bindgen_test]
async fn the_client_submits_and_polls_a_job_to_completion() {
    let client = KreaClient::new(proxy(), None);
    let job = client
        .submit(
            &request(
                "bfl/flux-1-dev",
                json!({"prompt": "a fox", "width": 640, "height": 640}),
            ),
            &krea_studio::browser::new_uuid(),
            None,
        )
        .await
        .expect("submitted");
    assert_eq!(job.status, JobStatus::Queued);
    let mut latest = job.clone();
    for _ in 0..100 {
        latest = client.job(&job.job_id, None).await.expect("polled");
        if latest.is_finished() {
            break;
        }
        TimeoutFuture::new(100).await;
    }
    assert_eq!(latest.status, JobStatus::Completed);
    assert!(latest.urls()[0].ends_with(".png"));
}

#[wasm_bindgen_test]
async fn the_same_key_sent_twice_gets_the_same_job() {
    let client = KreaClient::new(proxy(), None);
    let key = krea_studio::browser::new_uuid();
    assert_eq!(key.len(), 36);
    assert_ne!(key, krea_studio::browser::new_uuid());
    let body = json!({"prompt": "one fox only", "width": 640, "height": 640});
    let first = client
        .submit(&request("bfl/flux-1-dev", body.clone()), &key, None)
        .await
        .expect("submitted");
    let again = client
        .submit(&request("bfl/flux-1-dev", body), &key, None)
        .await
        .expect("answered again");
    assert_eq!(again.job_id, first.job_id);
    let other_body = client
        .submit(
            &request("bfl/flux-1-dev", json!({"prompt": "a cat"})),
            &key,
            None,
        )
        .await
        .unwrap_err();
    assert!(matches!(other_body, ApiError::Status { status: 422, .. }));
    assert!(!other_body.is_transient());
}

#[wasm_bindgen_test]
async fn krea_errors_arrive_with_their_message_and_status() {
    let client = KreaClient::new(proxy(), None);
    let refused = client
        .submit(
            &request(
                "bytedance/seedream-4",
                json!({"prompt": "a fox", "width": 1024}),
            ),
            &krea_studio::browser::new_uuid(),
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        ApiError::Status {
            status: 400,
            message: "Missing required params: height".into(),
            retry_after_ms: None
        }
    );
    assert!(!refused.is_transient());
    let missing = client
        .job("4d0e5f97-9721-4422-b88c-73a9032d7de1", None)
        .await
        .unwrap_err();
    assert!(matches!(missing, ApiError::Status { status: 404, .. }));
}

#[wasm_bindgen_test]
async fn an_unreachable_proxy_is_a_network_error_worth_retrying() {
    let client = KreaClient::new("http://127.0.0.1:9", None);
    let error = client
        .job("4d0e5f97-9721-4422-b88c-73a9032d7de1", None)
        .await
        .unwrap_err();
    assert!(matches!(error, ApiError::Network { .. }), "{error:?}");
    assert!(error.is_transient());
}

#[wasm_bindgen_test]
async fn cancelling_a_queued_job_cancels_it() {
    let client = KreaClient::new(proxy(), None);
    let job = client
        .submit(
            &request(
                "krea/krea-2/medium",
                json!({"prompt": "slow", "aspect_ratio": "1:1", "resolution": "1K"}),
            ),
            &krea_studio::browser::new_uuid(),
            None,
        )
        .await
        .unwrap();
    client.cancel(&job.job_id).await.expect("cancelled");
    let after = client.job(&job.job_id, None).await.unwrap();
    assert_eq!(after.status, JobStatus::Cancelled);
    let again = client.cancel(&job.job_id).await.unwrap_err();
    assert!(matches!(again, ApiError::Status { status: 409, .. }));
}

fn query(root: &web_sys::Element, selector: &str) -> Option<web_sys::Element> {
    root.query_selector(selector).unwrap()
}

#[wasm_bindgen_test]
async fn the_studio_generates_from_the_form_and_the_poller_fills_the_card() {
    let document = document();
    let root = document.create_element("section").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let config = RuntimeConfig {
        proxy_url: Some(proxy()),
        ..RuntimeConfig::default()
    };
    let _mounted = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        provide_context(StudioRoot::document());
        view! { <Studio config /> }
    });

    let prompt: web_sys::HtmlTextAreaElement = query(&root, "[data-testid=prompt-input]")
        .unwrap()
        .unchecked_into();
    prompt.set_value("a lighthouse at dusk");
    prompt
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let button: web_sys::HtmlButtonElement = query(&root, "[data-testid=generate-button]")
        .unwrap()
        .unchecked_into();
    eventually(5, "the button to enable", || !button.disabled()).await;
    button.click();

    eventually(10, "a card", || {
        query(&root, "[data-testid=job-card]").is_some()
    })
    .await;
    let card = query(&root, "[data-testid=job-card]").unwrap();
    eventually(20, "the poller to complete the job", || {
        card.get_attribute("data-status").as_deref() == Some("completed")
    })
    .await;
    let image: web_sys::HtmlImageElement = query(&card, "img[data-testid=job-image]")
        .expect("the image is shown")
        .unchecked_into();
    assert!(image.src().starts_with(&proxy()));
    eventually(5, "the picture to load", || {
        image.complete() && image.natural_width() > 0
    })
    .await;
    assert!(
        query(&card, "[data-testid=job-expired]").is_none(),
        "a live picture is not expired"
    );
    assert_eq!(
        query(&card, "[data-testid=job-status]")
            .unwrap()
            .text_content()
            .unwrap(),
        "Completed"
    );
}

#[wasm_bindgen_test]
async fn a_refused_proxy_url_shows_why_and_keeps_the_saved_one() {
    use krea_studio::components::SettingsPanel;
    use krea_studio::jobs::transport::Transport;
    use krea_studio::settings::Settings;

    let document = document();
    let root = document.create_element("section").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let settings = RwSignal::new(Settings {
        proxy_url: Some("https://proxy.example".into()),
        ..Settings::default()
    });
    let access_key = RwSignal::new(String::new());
    let storage = RwSignal::new(krea_studio::hooks::StorageStatus::default());
    let _mounted = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        provide_context(StudioRoot::document());
        let transport = Signal::derive(|| Transport::Offline);
        let client = Memo::new(|_| KreaClient::new(proxy(), None));
        view! { <SettingsPanel settings access_key storage transport client /> }
    });
    // The panel's fields are built the first time it opens.
    assert!(query(&root, "[data-testid=proxy-url]").is_none());
    query(&root, "[data-testid=settings]")
        .unwrap()
        .unchecked_into::<web_sys::HtmlDetailsElement>()
        .set_open(true);
    eventually(5, "the panel's fields", || {
        query(&root, "[data-testid=proxy-url]").is_some()
    })
    .await;
    let input: web_sys::HtmlInputElement = query(&root, "[data-testid=proxy-url]")
        .unwrap()
        .unchecked_into();
    eventually(5, "the saved URL in the input", || {
        input.value() == "https://proxy.example"
    })
    .await;
    assert_eq!(
        query(&root, "[data-testid=transport]")
            .unwrap()
            .text_content()
            .unwrap(),
        krea_studio::i18n::EN.transport_offline,
        "the panel says how updates arrive"
    );
    let save: web_sys::HtmlButtonElement = query(&root, "[data-testid=save-settings]")
        .unwrap()
        .unchecked_into();
    let error = query(&root, "[data-testid=settings-error]").unwrap();

    input.set_value("http://proxy.elsewhere.example");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    save.click();
    eventually(5, "the refusal", || {
        error.text_content().unwrap_or_default().contains("https")
    })
    .await;
    assert_eq!(
        settings.get_untracked().proxy_url.as_deref(),
        Some("https://proxy.example")
    );
    assert_eq!(
        input.value(),
        "http://proxy.elsewhere.example",
        "what was typed stays"
    );

    input.set_value("http://localhost:8787/");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    save.click();
    eventually(5, "the save", || {
        settings.get_untracked().proxy_url.as_deref() == Some("http://localhost:8787")
    })
    .await;
    eventually(5, "the refusal to clear", || {
        error.text_content().unwrap_or_default().is_empty()
    })
    .await;

    // A poll interval out of range is refused too, and nothing is saved with it.
    let poll: web_sys::HtmlInputElement = query(&root, "[data-testid=poll-interval]")
        .unwrap()
        .unchecked_into();
    poll.set_value("1");
    poll.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    input.set_value("https://other.example");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    save.click();
    let poll_error = query(&root, "[data-testid=poll-error]").unwrap();
    eventually(5, "the interval refusal", || {
        poll_error.text_content().unwrap_or_default().contains("10")
    })
    .await;
    assert_eq!(
        settings.get_untracked().proxy_url.as_deref(),
        Some("http://localhost:8787"),
        "a refused save changes nothing"
    );
    assert_eq!(settings.get_untracked().poll_interval_secs, 2);
}

/// Inline mode's `mount` takes its options from JavaScript: a bad one is an error naming it,
/// and nothing is rendered.
#[wasm_bindgen_test]
fn inline_mount_refuses_bad_options_by_name() {
    let element: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&element).unwrap();
    let message = |options: serde_json::Value| {
        // As JavaScript writes them: plain objects.
        let options = serde::Serialize::serialize(
            &options,
            &serde_wasm_bindgen::Serializer::json_compatible(),
        )
        .unwrap();
        match krea_studio::inline::mount(element.clone(), options) {
            Ok(_) => String::new(),
            Err(error) => {
                String::from(js_sys::Error::from(wasm_bindgen::JsValue::from(error)).message())
            }
        }
    };
    let base = json!({"stylesheet": "style.css", "proxy": "https://proxy.example", "id": "t1"});
    let with = |key: &str, value: serde_json::Value| {
        let mut options = base.clone();
        options[key] = value;
        options
    };
    let theme = message(with("theme", json!("pink")));
    assert!(theme.contains("`theme`"), "{theme}");
    assert!(message(with("locale", json!("fr"))).contains("`locale`"));
    assert!(message(with("proxy", json!("http://proxy.example"))).contains("`proxy`"));
    assert!(message(with("models", json!(["flux"]))).contains("`models`"));
    assert!(message(json!({"stylesheet": "style.css", "id": "t1"})).contains("proxy"));
    assert!(message(with("theme", json!(7))).contains("options"));
    assert!(element
        .shadow_root()
        .is_none_or(|root| root.child_element_count() == 0));
    element.remove();
}
