//! Submissions keep being sent after a reload: the page that resumes them also sends new ones.

use krea_e2e::Stack;

#[tokio::test]
async fn generating_after_a_reload_still_sends() {
    let stack = Stack::start_with(600, &["--sim-latency-ms", "1500"], &[]).await;
    stack.open().await;
    stack.type_into("prompt-input", "before the reload").await;
    stack.click("generate-button").await;
    assert_eq!(stack.count("[data-testid='job-placeholder']").await, 1);
    stack.open().await; // the answer is still on its way
    stack.type_into("prompt-input", "after the reload").await;
    stack.click("generate-button").await;
    stack
        .wait_for_count("[data-testid='job-card'][data-status='completed']", 2)
        .await;
    assert_eq!(stack.count("[data-testid='job-placeholder']").await, 0);
    assert_eq!(
        stack.jobs_on_server().await,
        2,
        "the resent submission made no second job"
    );
    stack.close().await;
}
