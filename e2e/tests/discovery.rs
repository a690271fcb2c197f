//! A model Krea added after the catalogue was written: the app finds it in the proxy's
//! `/openapi.json`, offers it under "More models" with a form built from its schema, refuses
//! a bad value in that form, and generates with it. Krea 2's sliders move with the keyboard.

use krea_e2e::Stack;

const NEW_MODEL: &str = "krea-labs/sketchbook";
const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

#[tokio::test]
async fn a_discovered_model_gets_a_form_from_its_schema_and_generates() {
    let stack = Stack::builder()
        .job_ms(800)
        .flags(&["--sim-new-model"])
        .start()
        .await;
    stack.open().await;
    // The spec is read only once the person reaches for the model picker.
    const SPEC_READS: &str = "return performance.getEntriesByType('resource')\
        .filter(e => e.name.endsWith('/openapi.json')).length";
    stack.element("job-grid").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(stack.eval(SPEC_READS).await, 0, "the spec was read on load");

    // Krea 2's generative sliders: three steps right from the default, 0.
    stack.select("model-select", "krea/krea-2/medium").await;
    const RIGHT: &str = "\u{E014}";
    stack
        .element("slider-intensity")
        .await
        .send_keys(&RIGHT.repeat(3))
        .await
        .unwrap();
    assert_eq!(stack.value("field-intensity").await, "3");

    let option = format!("[data-testid='more-models'] option[value='{NEW_MODEL}']");
    let label = stack.css(&option).await.text().await.unwrap();
    assert_eq!(
        stack.eval(SPEC_READS).await,
        1,
        "read once, however often picked"
    );
    assert!(label.starts_with("Sketchbook (preview)"), "{label}");
    assert!(label.contains("4 compute units"), "{label}");
    stack.select("model-select", NEW_MODEL).await;
    for field in ["medium", "line_weight", "pages", "colour", "image_urls"] {
        stack.element(&format!("field-{field}")).await;
    }
    assert_eq!(
        stack.count("[data-testid='field-aspect_ratio']").await,
        0,
        "only the fields the schema has"
    );
    assert_eq!(stack.count("[data-testid='field-intensity']").await, 0);

    stack.type_into("prompt-input", "a cat in ink").await;
    stack.type_into("field-line_weight", "2").await;
    assert_eq!(
        stack.text("error-line_weight").await,
        "must be between 0 and 1"
    );
    let generate = stack.element("generate-button").await;
    assert!(!generate.is_enabled().await.unwrap());
    stack.ctrl_enter("prompt-input").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        stack.jobs_on_server().await,
        0,
        "a refused request was sent"
    );

    stack.type_into("field-line_weight", "0.4").await;
    stack.select("field-medium", "ink").await;
    stack
        .type_into("field-image_urls", "https://example.com/cat.png")
        .await;
    stack.click("generate-button").await;
    let card = stack.css(COMPLETED).await;
    assert!(card.text().await.unwrap().contains("Sketchbook (preview)"));
    assert_eq!(stack.jobs_on_server().await, 1);
    stack.close().await;
}
