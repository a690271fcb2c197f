//! The studio in front of a proxy open to strangers: it gets an anonymous session by itself
//! and works as usual; under a rate limit it says how many images are left, and a refused
//! generation waits with the proxy's words while the form keeps everything.

use krea_e2e::Stack;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

#[tokio::test]
async fn a_session_is_obtained_and_the_rate_limit_is_shown_and_respected() {
    let stack = Stack::builder()
        .job_ms(300)
        .flags(&["--sessions", "--rate", "2/min"])
        .start()
        .await;
    stack.open().await;
    let left = stack
        .text_when("limit-left", |t| t.contains("2 of 2"))
        .await;
    assert_eq!(left, "2 of 2 images left this minute");

    stack
        .type_into("prompt-input", "a lighthouse at dusk")
        .await;
    stack.click("generate-button").await;
    stack.wait_for_count(COMPLETED, 1).await;
    let left = stack
        .text_when("limit-left", |t| t.starts_with("1 of 2"))
        .await;
    assert_eq!(left, "1 of 2 images left this minute");
    let kept = stack
        .eval("return localStorage.getItem('krea-studio.sessions')")
        .await;
    assert!(kept.as_str().unwrap_or_default().contains('.'), "{kept}");

    stack.click("generate-button").await;
    stack.wait_for_count(COMPLETED, 2).await;
    stack
        .text_when("limit-left", |t| t.starts_with("0 of 2"))
        .await;

    // A third: refused by the proxy, said in its words, nothing lost.
    stack.click("generate-button").await;
    let said = stack
        .text_when("placeholder-status", |t| t.contains("Rate limit"))
        .await;
    assert!(said.contains("2 generate requests per minute"), "{said}");
    let beside = stack
        .text_when("submit-error", |t| t.contains("Rate limit"))
        .await;
    assert!(
        beside.contains("2 generate requests per minute"),
        "next to Generate: {beside}"
    );
    assert_eq!(stack.value("prompt-input").await, "a lighthouse at dusk");
    assert_eq!(stack.count(COMPLETED).await, 2);
    stack.close().await;
}
