//! Queue control on a card: cancel a job while Krea allows it, retry it as a new job with the
//! same settings, and remove the cancelled one from the history.

use krea_e2e::Stack;

const CARD: &str = "[data-testid='job-card']";

#[tokio::test]
async fn cancel_retry_and_remove_from_the_card() {
    let stack = Stack::start(6000).await;
    stack.open().await;
    stack
        .type_into("prompt-input", "a very slow cathedral")
        .await;
    stack.click("generate-button").await;
    stack
        .css(&format!("{CARD} [data-testid='cancel-job']"))
        .await
        .click()
        .await
        .unwrap();

    let cancelled = stack.css(&format!("{CARD}[data-status='cancelled']")).await;
    assert_eq!(
        stack
            .inside(&cancelled, "job-price")
            .await
            .text()
            .await
            .unwrap(),
        "not billed"
    );
    stack
        .inside(&cancelled, "retry-job")
        .await
        .click()
        .await
        .unwrap();
    stack.wait_for_count(CARD, 2).await;
    let prompts = stack.prompts().await;
    assert_eq!(prompts, ["a very slow cathedral", "a very slow cathedral"]);
    assert_eq!(stack.jobs_on_server().await, 2, "the retry is a new job");

    stack
        .css(&format!(
            "{CARD}[data-status='cancelled'] [data-testid='remove-job']"
        ))
        .await
        .click()
        .await
        .unwrap();
    stack.wait_for_count(CARD, 1).await;
    assert_eq!(
        stack
            .count(&format!("{CARD}[data-status='cancelled']"))
            .await,
        0
    );
    stack.close().await;
}

#[tokio::test]
async fn cancelling_after_krea_started_sampling_says_it_is_too_late() {
    // Flux runs about 14 s here and samples from about 7 s to 11 s, when Krea no longer
    // cancels.
    let stack = Stack::start(20_000).await;
    stack.open().await;
    stack.select("model-select", "bfl/flux-1-dev").await;
    stack
        .type_into("prompt-input", "a fox past the point")
        .await;
    stack.click("generate-button").await;
    let sampling = stack.css(&format!("{CARD}[data-status='sampling']")).await;
    stack
        .inside(&sampling, "cancel-job")
        .await
        .click()
        .await
        .unwrap();
    let flash = stack.inside(&sampling, "job-flash").await;
    let said = krea_e2e::text_when(&flash, |text| !text.is_empty()).await;
    assert!(said.starts_with("Too late to cancel"), "{said}");
    stack.css(&format!("{CARD}[data-status='completed']")).await;
    assert_eq!(
        stack.text("total-spent").await,
        "3 compute units",
        "it ran, so it is billed"
    );
    stack.close().await;
}
