//! A person generates two images at once in the built app: one completes and shows its
//! picture, one is refused by (simulated) moderation and shows Krea's reason.

use krea_e2e::Stack;

#[tokio::test]
async fn generate_from_the_form_and_see_results_and_failures_in_the_grid() {
    let stack = Stack::start(1500).await;
    stack.open().await;
    assert!(stack.text("empty-grid").await.contains("appear here"));

    // Invalid input is stopped in the form, next to the field, and keeps what was typed.
    stack.select("model-select", "bfl/flux-1-dev").await;
    stack
        .type_into("prompt-input", "a red fox in fresh snow")
        .await;
    assert_eq!(stack.text("prompt-counter").await, "23 / 1800");
    stack.click("randomise-seed").await;
    let seed = stack.value("field-seed").await;
    assert!(
        !seed.is_empty() && seed.chars().all(|c| c.is_ascii_digit()),
        "seed {seed:?}"
    );
    stack.type_into("field-width", "99999").await;
    assert_eq!(
        stack.text("error-width").await,
        "must be between 512 and 2368"
    );
    let generate = stack.element("generate-button").await;
    assert!(
        !generate.is_enabled().await.unwrap(),
        "Generate must be disabled"
    );
    assert!(stack.text("generate-hint").await.contains("Width"));
    stack.click("ratio-16x9").await;
    assert_eq!(
        (
            stack.value("field-width").await,
            stack.value("field-height").await
        ),
        ("2368".into(), "1336".into())
    );
    stack.click("size-lock").await;
    stack.type_into("field-width", "1024").await;
    assert_eq!(
        stack.value("field-height").await,
        "576",
        "the locked ratio follows"
    );
    assert!(generate.is_enabled().await.unwrap());

    // Two generations in flight at once: the button, then Ctrl+Enter from the prompt.
    generate.click().await.unwrap();
    stack.css("[data-testid='job-card']").await;
    stack.type_into("prompt-input", "a fox #fail").await;
    stack.ctrl_enter("prompt-input").await;

    let failed = stack
        .css("[data-testid='job-card'][data-status='failed']")
        .await;
    let reason = stack.inside(&failed, "job-error").await;
    assert!(reason.text().await.unwrap().contains("nsfw"));

    let image = stack
        .css("[data-testid='job-card'][data-status='completed'] img[data-testid='job-image']")
        .await;
    // A real PNG takes a moment to arrive and decode.
    let mut loaded = serde_json::Value::Bool(false);
    for _ in 0..100 {
        loaded = stack
            .browser
            .execute(
                "const img = arguments[0]; return img.complete && img.naturalWidth > 0;",
                vec![serde_json::to_value(&image).unwrap()],
            )
            .await
            .unwrap();
        if loaded == serde_json::Value::Bool(true) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        loaded,
        serde_json::Value::Bool(true),
        "the generated image did not load"
    );

    // Newest first: the failing prompt was sent last.
    let prompts = stack.prompts().await;
    assert_eq!(prompts, ["a fox #fail", "a red fox in fresh snow"]);
    // Only the completed Flux job is billed.
    assert_eq!(stack.text("total-spent").await, "3 compute units");
    let failed_price = stack.inside(&failed, "job-price").await;
    assert_eq!(failed_price.text().await.unwrap(), "not billed");
    stack.screenshot("generate.png").await;
    stack.close().await;
}
