//! Bringing images in and taking results further, as a person does it: drop a PNG on
//! Seedream 4's reference field and paste another, reload while an upload is on its way,
//! pick a style, edit and enhance a finished image, and see a job that ended without one.

use krea_e2e::Stack;
use serde_json::Value;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

/// The newest stored job whose prompt is `prompt`.
async fn stored(stack: &Stack, prompt: &str) -> Value {
    for _ in 0..100 {
        let found = stack
            .stored_jobs()
            .await
            .into_iter()
            .find(|entry| entry["request"]["prompt"] == prompt);
        if let Some(found) = found {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no stored job for {prompt:?}");
}

/// The card of the stored job with this prompt, once it completed.
async fn completed_card(stack: &Stack, prompt: &str) -> fantoccini::elements::Element {
    let id = stored(stack, prompt).await["job"]["job_id"]
        .as_str()
        .unwrap()
        .to_owned();
    stack.css(&format!("{COMPLETED}[data-job-id='{id}']")).await
}

/// The natural size of the first image in the card with this job id, once it loaded.
async fn image_size(stack: &Stack, job_id: &str) -> (u64, u64) {
    for _ in 0..100 {
        let size = stack
            .eval(&format!(
                "const img = document.querySelector(\"[data-job-id='{job_id}'] [data-testid=job-image]\");
                 return img && img.complete && img.naturalWidth ? [img.naturalWidth, img.naturalHeight] : null;"
            ))
            .await;
        if let Some(size) = size.as_array() {
            return (size[0].as_u64().unwrap(), size[1].as_u64().unwrap());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the image of {job_id} never loaded");
}

#[tokio::test]
async fn a_dropped_and_a_pasted_png_are_uploaded_and_the_job_uses_them() {
    let stack = Stack::start(400).await;
    stack.open().await;
    stack.select("model-select", "bytedance/seedream-4").await;
    stack.type_into("field-width", "1024").await;
    stack.type_into("field-height", "768").await;

    // A file that is not an image is refused next to the field, before any upload.
    let images = stack.images();
    images
        .drop_text_file(
            "style_images",
            "logo.svg",
            "image/svg+xml",
            "<svg onload=alert(1)/>",
        )
        .await;
    let refused = stack.text_when("upload-error", |t| !t.is_empty()).await;
    assert!(refused.contains("JPEG, PNG, WebP or HEIC"), "{refused}");
    assert_eq!(images.thumbs("style_images").await, 0);
    stack.click("remove-upload").await;

    images
        .drop_png("style_images", "reference.png", 64, 48)
        .await;
    images.wait_for_thumbs("style_images", 1).await;
    images.paste_png("pasted.png").await;
    images.wait_for_thumbs("style_images", 2).await;
    let text = stack.value("field-style_images").await;
    let urls: Vec<&str> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(urls.len(), 2, "{text}");
    for url in &urls {
        assert!(url.contains("/simulator/assets/"), "an asset URL: {url}");
    }
    stack
        .eval("document.querySelector('[data-testid=drop-style_images]').scrollIntoView({ block: 'center' })")
        .await;
    stack.screenshot("reference-field.png").await;

    stack
        .studio()
        .generate("a fox in the style of the references")
        .await;
    let entry = stored(&stack, "a fox in the style of the references").await;
    let sent: Vec<&str> = entry["request"]["style_images"]
        .as_array()
        .expect("the request carries the references")
        .iter()
        .map(|image| image["url"].as_str().unwrap())
        .collect();
    assert_eq!(sent, urls, "the request carries the uploaded assets");
    completed_card(&stack, "a fox in the style of the references").await;

    // Your uploads: both are there, newest first; one is deleted, the other used again.
    stack.click("your-uploads-style_images").await;
    stack.wait_for_count("[data-testid=asset-item]", 2).await;
    stack.click("delete-asset").await;
    stack.wait_for_count("[data-testid=asset-item]", 1).await;
    stack.click("use-asset").await;
    images.wait_for_thumbs("style_images", 3).await;

    // On a 360 px phone the field and its thumbnails fit.
    stack.resize(360, 740).await;
    stack.open().await;
    stack
        .eval("document.querySelector('.model-fields').open = true")
        .await;
    images.wait_for_thumbs("style_images", 3).await;
    let overflows = stack
        .eval("return document.documentElement.scrollWidth > window.innerWidth")
        .await;
    assert_eq!(overflows, false, "the page overflows at 360 px");
    stack.close().await;
}

#[tokio::test]
async fn a_reload_while_an_upload_is_on_its_way_keeps_the_draft() {
    let stack = Stack::start(400).await;
    stack.open().await;
    stack.select("model-select", "bytedance/seedream-4").await;
    stack
        .type_into("prompt-input", "a lighthouse at dusk")
        .await;
    let images = stack.images();
    images.drop_png("style_images", "first.png", 32, 32).await;
    images.wait_for_thumbs("style_images", 1).await;
    let kept = stack.value("field-style_images").await;

    // The next upload is held back: Generate waits for it and says so.
    images.slow_uploads(60_000).await;
    images.drop_png("style_images", "second.png", 32, 32).await;
    stack
        .css("[data-testid=upload-item][data-state=uploading]")
        .await;
    let waiting = stack
        .text_when("generate-hint", |t| t.contains("upload"))
        .await;
    assert!(waiting.contains("Waiting for 1 upload"), "{waiting}");
    let generate = stack.element("generate-button").await;
    assert!(
        !generate.is_enabled().await.unwrap(),
        "Generate waits for uploads"
    );

    stack.open().await;
    images.wait_for_thumbs("style_images", 1).await;
    assert_eq!(
        stack.value("field-style_images").await,
        kept,
        "the uploaded image is kept"
    );
    assert_eq!(stack.value("prompt-input").await, "a lighthouse at dusk");
    assert_eq!(stack.count("[data-testid=upload-item]").await, 0);
    stack.close().await;
}

#[tokio::test]
async fn edit_and_enhance_a_finished_image_and_the_new_cards_name_their_source() {
    let stack = Stack::start(400).await;
    stack.open().await;
    stack
        .select("model-select", "krea/krea-2/medium-turbo")
        .await;
    stack.studio().generate("a red kite over the hills").await;
    let card = completed_card(&stack, "a red kite over the hills").await;
    let source_id = card.attr("data-job-id").await.unwrap().unwrap();
    let source_url = stored(&stack, "a red kite over the hills").await["job"]["result"]["urls"][0]
        .as_str()
        .unwrap()
        .to_owned();

    // Edit: an editing model, this image set, the cursor in an empty prompt.
    stack.inside(&card, "edit-job").await.click().await.unwrap();
    assert_eq!(stack.value("model-select").await, "bfl/flux-1-kontext-dev");
    assert_eq!(stack.value("prompt-input").await, "");
    let focused = stack
        .eval("return document.activeElement.dataset.testid")
        .await;
    assert_eq!(focused, "prompt-input");
    let field = stack
        .eval("return [...document.querySelectorAll('[data-testid^=field-]')].map(e => e.value).join('\\n')")
        .await;
    assert!(field.as_str().unwrap().contains(&source_url), "{field}");
    stack.studio().generate("make the kite blue").await;
    let edited = completed_card(&stack, "make the kite blue").await;
    let words = stack
        .inside(&edited, "job-source")
        .await
        .text()
        .await
        .unwrap();
    assert!(words.starts_with("Edited from"), "{words}");
    assert!(words.contains("a red kite over the hills"), "{words}");
    assert_eq!(
        stack
            .inside(&edited, "job-source")
            .await
            .attr("data-source-id")
            .await
            .unwrap(),
        Some(source_id.clone())
    );

    // Enhance: Krea Enhance at 2×, a new card twice the size.
    let card = completed_card(&stack, "a red kite over the hills").await;
    let (width, height) = image_size(&stack, &source_id).await;
    stack
        .inside(&card, "enhance-job")
        .await
        .click()
        .await
        .unwrap();
    stack.element("enhance-form").await;
    stack.select("enhancer-select", "krea/enhance").await;
    stack.select("enhance-scale", "2").await;
    let price = stack.text("enhance-price").await;
    assert!(!price.is_empty());
    stack.click("enhance-submit").await;
    let enhanced = stack
        .css("[data-testid=job-card][data-status=completed] [data-testid=job-source]")
        .await;
    let mut words = enhanced.text().await.unwrap();
    for _ in 0..100 {
        if words.starts_with("Enhanced from") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let all = stack
            .eval("return [...document.querySelectorAll('[data-testid=job-source]')].map(e => e.textContent)")
            .await;
        words = all
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .find(|w| w.starts_with("Enhanced from"))
            .unwrap_or_default()
            .to_owned();
    }
    assert!(words.starts_with("Enhanced from"), "{words}");
    let enhanced_entry = stack
        .stored_jobs()
        .await
        .into_iter()
        .find(|entry| entry["source"]["kind"] == "enhanced")
        .expect("the enhanced job is in the history with its source");
    assert_eq!(enhanced_entry["model_id"], "krea/enhance");
    assert_eq!(enhanced_entry["source"]["job_id"], source_id.as_str());
    let enhanced_id = enhanced_entry["job"]["job_id"].as_str().unwrap().to_owned();
    stack
        .css(&format!("{COMPLETED}[data-job-id='{enhanced_id}']"))
        .await;
    assert_eq!(
        image_size(&stack, &enhanced_id).await,
        (width * 2, height * 2)
    );
    stack.close().await;
}

#[tokio::test]
async fn a_style_picked_in_the_browser_goes_out_with_the_request() {
    let stack = Stack::start(400).await;
    stack.open().await;
    stack.select("model-select", "bfl/flux-1-dev").await;
    stack.click("browse-styles").await;
    stack.element("styles-browser").await;
    stack.wait_for_count("[data-testid=style-item]", 5).await;
    stack.click("style-filter-mine").await;
    stack.wait_for_count("[data-testid=style-item]", 1).await;
    let mine = stack.css("[data-testid=style-item]").await;
    let id = mine.attr("data-style-id").await.unwrap().unwrap();
    stack
        .inside(&mine, "choose-style")
        .await
        .click()
        .await
        .unwrap();
    let chip = stack.element("style-chip").await;
    assert!(chip.text().await.unwrap().contains("Our brand palette"));
    // The strength slider, moved to 0.5.
    stack
        .eval(
            "const s = document.querySelector('[data-testid=style-strength]');
             s.value = '0.5'; s.dispatchEvent(new Event('change', { bubbles: true }));",
        )
        .await;
    stack
        .studio()
        .generate("a poster for the spring fair")
        .await;
    let entry = stored(&stack, "a poster for the spring fair").await;
    assert_eq!(
        entry["request"]["styles"],
        serde_json::json!([{ "id": id, "strength": 0.5 }]),
        "the request carries the style exactly as Krea documents"
    );
    stack.close().await;
}

#[tokio::test]
async fn a_job_krea_ends_without_an_image_reads_as_one_and_offers_retry() {
    let stack = Stack::start(300).await;
    stack.open().await;
    stack.studio().generate("a quiet street #no-image").await;
    let card = stack
        .css("[data-testid=job-card][data-no-image=true]")
        .await;
    let said = stack
        .inside(&card, "job-no-image")
        .await
        .text()
        .await
        .unwrap();
    assert!(said.contains("Finished without an image"), "{said}");
    let status = stack
        .inside(&card, "job-status")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        status, "Finished without an image",
        "never shown as a success"
    );
    assert_eq!(
        stack
            .count("[data-testid=job-card][data-no-image=true] [data-testid=job-image]")
            .await,
        0
    );
    stack
        .inside(&card, "retry-job")
        .await
        .click()
        .await
        .unwrap();
    stack
        .wait_for_count("[data-testid=job-card][data-no-image=true]", 2)
        .await;
    stack.close().await;
}

#[tokio::test]
async fn use_as_reference_offers_the_models_that_take_an_image() {
    let stack = Stack::start(300).await;
    stack.open().await;
    stack.select("model-select", "google/imagen-4").await;
    stack.studio().generate("a paper crane").await;
    let card = completed_card(&stack, "a paper crane").await;
    stack
        .inside(&card, "use-as-reference")
        .await
        .click()
        .await
        .unwrap();
    let offer = stack.element("reference-offer").await;
    assert!(offer
        .text()
        .await
        .unwrap()
        .contains("Imagen 4 takes no image"));
    stack
        .css("[data-testid=reference-model][data-model='bytedance/seedream-4']")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(stack.value("model-select").await, "bytedance/seedream-4");
    stack.images().wait_for_thumbs("style_images", 1).await;

    // From the viewer too: the image goes in beside the first.
    let card = completed_card(&stack, "a paper crane").await;
    stack
        .inside(&card, "job-image")
        .await
        .click()
        .await
        .unwrap();
    stack.click("lightbox-reference").await;
    stack.images().wait_for_thumbs("style_images", 2).await;
    assert_eq!(
        stack.count("[data-testid=lightbox]").await,
        0,
        "the viewer closed"
    );
    stack.close().await;
}
