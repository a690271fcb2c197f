//! A proxy protected by an access key: without it the app is refused with the proxy's
//! reason and makes no job; with the key saved in Settings it generates. The key lives in
//! the tab's session only, never in localStorage with the history.

use krea_e2e::Stack;

const KEY: &str = "open-sesame-4242";
const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

#[tokio::test]
async fn the_access_key_from_settings_opens_the_proxy_and_stays_out_of_local_storage() {
    let stack = Stack::builder()
        .job_ms(600)
        .env("KREA_PROXY_ACCESS_KEY", KEY)
        .start()
        .await;
    stack.open().await;
    stack.studio().generate("a locked door").await;
    let why = stack
        .text_when("submit-error", |text| !text.is_empty())
        .await;
    assert!(why.contains("access key") && why.contains("401"), "{why}");
    assert_eq!(stack.count("[data-testid='job-card']").await, 0);

    stack.settings().toggle().await;
    stack.settings().save("access-key", KEY).await;
    stack.click("generate-button").await;
    stack.css(COMPLETED).await;

    let stored = stack
        .eval("return [Object.values(localStorage).join(' '), Object.values(sessionStorage).join(' ')]")
        .await;
    assert!(
        !stored[0].as_str().unwrap().contains(KEY),
        "the key leaked into localStorage"
    );
    assert!(
        stored[1].as_str().unwrap().contains(KEY),
        "the tab keeps it"
    );
    let history = serde_json::to_string(&stack.stored_jobs().await).unwrap();
    assert!(history.contains("a locked door"), "the history is there");
    assert!(!history.contains(KEY), "the key leaked into the history");

    // A reload in the same tab keeps working.
    stack.open().await;
    stack.studio().generate("a second door").await;
    stack.wait_for_count(COMPLETED, 2).await;
    stack.close().await;
}
