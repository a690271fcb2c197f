//! Culling a grid with the keyboard alone, as a person working through a day's results
//! does: move between cards, star, put one on a board, remove with Undo, open the viewer
//! and come back to the card, read the sheet of keys, jump to the search and the prompt.
//! No mouse: every step is a key pressed on whatever has the focus.

use fantoccini::Locator;
use krea_e2e::Stack;
use serde_json::json;
use std::time::Duration;

const CARD: &str = "[data-testid='job-card']";
const ENTER: &str = "\u{E007}";
const ESCAPE: &str = "\u{E00C}";
const RIGHT: &str = "\u{E014}";

/// The seeded job `history N`.
fn job(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// Waits (up to 10 s) until the card of `history N` has the focus.
async fn wait_for_focus_on(stack: &Stack, n: usize) {
    let wanted = job(n);
    for _ in 0..100 {
        if stack.focused("data-job-id").await.as_deref() == Some(wanted.as_str()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "history {n} never had the focus; {:?} has it",
        stack.focused("data-testid").await
    );
}

/// The names of the boards `history N` is on, joined by `|`.
async fn boards_of(stack: &Stack, n: usize) -> String {
    let card = stack
        .css(&format!("{CARD}[data-job-id='{}']", job(n)))
        .await;
    let found = card
        .find_all(Locator::Css("[data-testid='job-board'] span"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for element in found {
        texts.push(element.text().await.unwrap());
    }
    texts.join("|")
}

#[tokio::test]
async fn a_keyboard_only_run_stars_boards_removes_with_undo_and_opens_the_viewer() {
    let stack = Stack::start(600).await;
    stack.open().await;
    stack.seed_history(5, json!([]), "krea/krea-2/medium").await;
    stack.open().await;
    stack.wait_for_count(CARD, 5).await;
    // Newest first: history 4, 3, 2, 1, 0.

    // `j` from nowhere lands on the first card; the card says what it is when focused.
    stack.press("j").await;
    wait_for_focus_on(&stack, 4).await;
    let label = stack.focused("aria-label").await.unwrap_or_default();
    assert!(label.contains("history 4"), "{label}");
    assert!(label.contains("Completed"), "{label}");

    // Star the next one, and put it on a board: the focus comes back to the card.
    stack.press("jf").await;
    wait_for_focus_on(&stack, 3).await;
    assert!(stack
        .text_when("filter-starred", |t| t.contains("(1)"))
        .await
        .contains("(1)"));
    stack.press("b").await;
    assert_eq!(
        stack.focused("data-testid").await.as_deref(),
        Some("board-name")
    );
    stack.press(&format!("Keepers{ENTER}")).await;
    wait_for_focus_on(&stack, 3).await;
    assert_eq!(boards_of(&stack, 3).await, "Keepers");
    assert!(
        stack.text("filter-starred").await.contains("(1)"),
        "the f of Keepers starred nothing"
    );

    // Remove with x: the focus moves on to the next card; z brings it back.
    stack.press(RIGHT).await;
    wait_for_focus_on(&stack, 2).await;
    stack.press("x").await;
    stack.wait_for_count(CARD, 4).await;
    wait_for_focus_on(&stack, 1).await;
    assert!(stack.text("undo-toast").await.contains("1 job"));
    stack.press("z").await;
    stack.wait_for_count(CARD, 5).await;
    stack.press("k").await;
    wait_for_focus_on(&stack, 2).await;

    // Enter opens the viewer; its arrows move; Esc brings the focus to the card shown last.
    stack.press(ENTER).await;
    assert_eq!(
        stack
            .text_when("lightbox-prompt", |t| t == "history 2")
            .await,
        "history 2"
    );
    stack.press(RIGHT).await;
    assert_eq!(
        stack
            .text_when("lightbox-prompt", |t| t == "history 1")
            .await,
        "history 1"
    );
    stack.press(ESCAPE).await;
    stack.wait_for_count("[data-testid='lightbox']", 0).await;
    wait_for_focus_on(&stack, 1).await;

    // `?` lists every key; Esc closes it and the focus is where it was.
    stack.press("?").await;
    stack.wait_for_count("[data-testid='key-row']", 18).await;
    assert!(stack.text("key-sheet").await.contains("Remove (with Undo)"));
    stack.press(ESCAPE).await;
    stack.wait_for_count("[data-testid='key-sheet']", 0).await;
    wait_for_focus_on(&stack, 1).await;

    // `n`: the prompt; keys typed there are words, not shortcuts.
    stack.press("n").await;
    assert_eq!(
        stack.focused("data-testid").await.as_deref(),
        Some("prompt-input")
    );
    assert_eq!(
        stack.value("prompt-input").await,
        "",
        "the n itself is not typed"
    );
    stack.press("jfxz").await;
    assert_eq!(stack.value("prompt-input").await, "jfxz");
    assert_eq!(stack.count(CARD).await, 5);
    assert!(stack.text("filter-starred").await.contains("(1)"));

    // After a reload (the focus on the page), `/` goes to the search. The star, the board
    // and the job brought back by Undo are all kept.
    stack.open().await;
    stack.wait_for_count(CARD, 5).await;
    stack.press("/").await;
    assert_eq!(
        stack.focused("data-testid").await.as_deref(),
        Some("filter-search")
    );
    stack.press("history 3").await;
    stack.wait_for_count(CARD, 1).await;
    assert_eq!(boards_of(&stack, 3).await, "Keepers");
    let stored = stack.stored_jobs().await;
    assert_eq!(stored.len(), 5, "Undo kept the removed job");
    assert_eq!(
        stored
            .iter()
            .filter(|job| job["starred"] == json!(true))
            .count(),
        1
    );
    stack.close().await;
}
