//! Two tabs of the studio share one history: a job made in one shows up in the other
//! without a reload, and removing it in the other removes it here.

use krea_e2e::Stack;

const CARD: &str = "[data-testid='job-card']";

#[tokio::test]
async fn a_job_made_in_one_tab_appears_and_finishes_in_the_other() {
    let stack = Stack::start(1500).await;
    stack.open().await;
    let first = stack.browser.window().await.unwrap();
    let second = stack.browser.new_window(true).await.unwrap().handle;
    stack
        .browser
        .switch_to_window(second.clone())
        .await
        .unwrap();
    stack.open().await;

    stack.browser.switch_to_window(first.clone()).await.unwrap();
    stack
        .type_into("prompt-input", "seen from the other tab")
        .await;
    stack.click("generate-button").await;
    stack.css(&format!("{CARD}[data-status='completed']")).await;

    stack.browser.switch_to_window(second).await.unwrap();
    stack.css(&format!("{CARD}[data-status='completed']")).await;
    assert_eq!(stack.prompts().await, ["seen from the other tab"]);
    stack.click("remove-job").await;
    stack.wait_for_count(CARD, 0).await;

    stack.browser.switch_to_window(first).await.unwrap();
    stack.wait_for_count(CARD, 0).await;
    stack.close().await;
}
