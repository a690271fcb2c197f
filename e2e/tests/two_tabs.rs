//! Two tabs of the studio share one history: a job made in one shows up in the other
//! without a reload, and removing it in the other removes it here.

use fantoccini::wd::WindowHandle;
use krea_e2e::Stack;

const CARD: &str = "[data-testid='job-card']";

/// Opens the studio in a second tab, which is then in front: (first, second).
async fn second_tab(stack: &Stack) -> (WindowHandle, WindowHandle) {
    let first = stack.browser.window().await.unwrap();
    let second = stack.browser.new_window(true).await.unwrap().handle;
    stack
        .browser
        .switch_to_window(second.clone())
        .await
        .unwrap();
    stack.open().await;
    (first, second)
}

#[tokio::test]
async fn a_job_made_in_one_tab_appears_and_finishes_in_the_other() {
    let stack = Stack::start(1500).await;
    stack.open().await;
    let (first, second) = second_tab(&stack).await;

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

/// Whether the tab in front asked Krea about jobs since it started recording.
async fn polled(stack: &Stack) -> bool {
    let (lists, reads) = stack.job_polls().await;
    !lists.is_empty() || !reads.is_empty()
}

#[tokio::test]
async fn the_tab_in_view_follows_jobs_for_both_and_the_other_carries_on_when_it_closes() {
    let stack = Stack::start(2500).await;
    stack.open().await;
    stack.record_requests().await;
    let (first, second) = second_tab(&stack).await;
    stack.record_requests().await;
    stack.settings().toggle().await;
    let transport = stack.settings().transport_when(|_| true).await;
    assert!(transport.contains("asks the proxy"), "{transport}");

    stack.studio().generate("followed by one tab").await;
    stack.css(&format!("{CARD}[data-status='completed']")).await;
    assert!(polled(&stack).await, "the tab in view follows the jobs");

    stack.browser.switch_to_window(first.clone()).await.unwrap();
    stack.css(&format!("{CARD}[data-status='completed']")).await;
    assert!(
        !polled(&stack).await,
        "the tab behind heard the result without asking"
    );

    // The tab that followed the jobs goes; the other carries on alone.
    stack.browser.switch_to_window(second).await.unwrap();
    stack.browser.close_window().await.unwrap();
    stack.browser.switch_to_window(first).await.unwrap();
    stack.record_requests().await;
    stack
        .type_into("prompt-input", "after the other tab closed")
        .await;
    stack.click("generate-button").await;
    stack
        .wait_for_count(&format!("{CARD}[data-status='completed']"), 2)
        .await;
    assert!(polled(&stack).await, "the remaining tab took over");
    stack.close().await;
}
