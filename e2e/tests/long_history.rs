//! A long history opens with one page of cards, brings in more as the person scrolls, and
//! its filters and search still cover all of it.

use krea_e2e::Stack;
use serde_json::json;

const PAGE: usize = 96;

#[tokio::test]
async fn a_long_history_shows_a_page_at_a_time_and_search_covers_all_of_it() {
    let stack = Stack::start(600).await;
    stack.open().await;
    stack.seed_history(250, json!([]), "bfl/flux-1-dev").await;
    stack.open().await;
    stack.wait_for_count("[data-testid='job-card']", PAGE).await;
    assert_eq!(
        stack.count("[data-testid='job-card']").await,
        PAGE,
        "only the first page is in the page"
    );
    assert_eq!(
        stack.prompts().await.first().map(String::as_str),
        Some("history 249")
    );

    // Scrolling to the end brings in the next page, then the rest.
    for wanted in [2 * PAGE, 250] {
        stack
            .eval("document.querySelector('[data-testid=grid-more]').scrollIntoView()")
            .await;
        stack
            .wait_for_count("[data-testid='job-card']", wanted)
            .await;
    }
    assert_eq!(stack.count("[data-testid='grid-more']").await, 0);

    // A job far past the first page is found by search.
    stack.type_into("filter-search", "history 100").await;
    stack.wait_for_count("[data-testid='job-card']", 1).await;
    assert_eq!(stack.prompts().await, ["history 100"]);
    // Clearing the search starts again from the first page, not from all 250.
    stack.erase("filter-search").await;
    stack.wait_for_count("[data-testid='job-card']", PAGE).await;
    stack.close().await;
}
