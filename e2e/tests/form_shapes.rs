//! One model of each form shape generates in the built app, and a bad value is refused in
//! the form without any request reaching the proxy.

use krea_e2e::Stack;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

#[tokio::test]
async fn aspect_ratio_and_reference_image_models_generate_and_bad_values_stay_in_the_form() {
    let stack = Stack::start(800).await;
    stack.open().await;

    // Aspect-ratio shape: Krea 2.
    stack.select("model-select", "krea/krea-2/medium").await;
    stack.select("field-aspect_ratio", "16:9").await;
    stack.studio().generate("a wide green valley").await;
    stack.wait_for_count(COMPLETED, 1).await;

    // Reference-image shape: Runway Gen-4 needs tagged references.
    stack.select("model-select", "runway/gen-4-image").await;
    stack.type_into("prompt-input", "@hero on a hill").await;
    assert_eq!(stack.text("error-reference_images").await, "is required");
    stack
        .type_into(
            "field-reference_images",
            "https://example.com/hero.png hero",
        )
        .await;
    stack.click("generate-button").await;
    stack.wait_for_count(COMPLETED, 2).await;
    assert_eq!(stack.jobs_on_server().await, 2);

    // The grid shows one model's jobs when asked.
    stack.select("filter-model", "runway/gen-4-image").await;
    stack.wait_for_count(COMPLETED, 1).await;
    assert_eq!(stack.prompts().await, ["@hero on a hill"]);
    stack.select("filter-model", "").await;
    stack.wait_for_count(COMPLETED, 2).await;
    assert_eq!(stack.text("total-spent").await, "$0.03 + 44 compute units");

    // A tag shorter than Runway allows: refused next to the field, nothing is sent.
    stack
        .type_into("field-reference_images", "https://example.com/hero.png x")
        .await;
    assert_eq!(
        stack.text("error-reference_images").await,
        "line 1, tag: must be at least 3 characters"
    );
    let generate = stack.element("generate-button").await;
    assert!(!generate.is_enabled().await.unwrap());
    stack.ctrl_enter("prompt-input").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        stack.jobs_on_server().await,
        2,
        "a refused request reached the proxy"
    );
    assert_eq!(stack.count("[data-testid='job-card']").await, 2);
    assert_eq!(
        stack.value("field-reference_images").await,
        "https://example.com/hero.png x",
        "what was typed stays"
    );
    stack.screenshot("form-shapes.png").await;
    stack.close().await;
}
