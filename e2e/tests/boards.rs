//! Favourites and boards, as a person uses them: star with a click and with a key, put jobs
//! on a board by name, filter by either and both, rename the board, and delete it with Undo.
//! Stars and boards are in the saved history: a reload keeps them, and a deleted board
//! leaves every job in place. The folded filters (seed, days, price) narrow the grid too.

use fantoccini::Locator;
use krea_e2e::Stack;
use serde_json::json;
use std::time::Duration;

const CARD: &str = "[data-testid='job-card']";

/// The card of the job whose prompt is `history N` (as seeded).
async fn card(stack: &Stack, n: usize) -> fantoccini::elements::Element {
    let id = format!("00000000-0000-4000-8000-{n:012x}");
    stack.css(&format!("{CARD}[data-job-id='{id}']")).await
}

async fn put_on_board(stack: &Stack, n: usize, board: &str) {
    let card = card(stack, n).await;
    stack
        .inside(&card, "board-menu")
        .await
        .click()
        .await
        .unwrap();
    let name = stack.inside(&card, "board-name").await;
    name.send_keys(board).await.unwrap();
    stack
        .inside(&card, "add-to-board")
        .await
        .click()
        .await
        .unwrap();
}

async fn chips(stack: &Stack, n: usize) -> Vec<String> {
    let card = card(stack, n).await;
    let mut names = Vec::new();
    for chip in card
        .find_all(Locator::Css("[data-testid='job-board'] span"))
        .await
        .unwrap()
    {
        names.push(chip.text().await.unwrap());
    }
    names
}

#[tokio::test]
async fn stars_boards_and_folded_filters_narrow_the_grid_survive_a_reload_and_a_board_goes_with_undo(
) {
    let stack = Stack::start(600).await;
    stack.open().await;
    stack.seed_history(4, json!([]), "krea/krea-2/medium").await;
    stack.open().await;
    stack.wait_for_count(CARD, 4).await;

    // A star with a click, and one with `f` on a card that has the focus.
    let first = card(&stack, 0).await;
    stack
        .inside(&first, "star-job")
        .await
        .click()
        .await
        .unwrap();
    let second = card(&stack, 1).await;
    stack
        .inside(&second, "download-job")
        .await
        .send_keys("f")
        .await
        .unwrap();
    let pressed = stack.inside(&second, "star-job").await;
    assert_eq!(
        pressed.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true"),
        "f on a focused card stars it"
    );
    assert!(stack.text("filter-starred").await.contains("(2)"));

    // Typing an `f` into a board name stars nothing.
    put_on_board(&stack, 0, " Portfolio  ").await;
    put_on_board(&stack, 2, "Portfolio").await;
    assert_eq!(
        chips(&stack, 0).await,
        ["Portfolio"],
        "one board, spaces dropped"
    );
    assert_eq!(chips(&stack, 2).await, ["Portfolio"]);
    let third = card(&stack, 2).await;
    assert_eq!(
        stack
            .inside(&third, "star-job")
            .await
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref(),
        Some("false")
    );
    // An empty name is refused next to the field.
    let fourth = card(&stack, 3).await;
    stack
        .inside(&fourth, "board-menu")
        .await
        .click()
        .await
        .unwrap();
    stack
        .inside(&fourth, "add-to-board")
        .await
        .click()
        .await
        .unwrap();
    assert!(!stack
        .inside(&fourth, "board-error")
        .await
        .text()
        .await
        .unwrap()
        .is_empty());

    // Favourites, the board, and both.
    stack.click("filter-starred").await;
    stack.wait_for_count(CARD, 2).await;
    stack.select("filter-board", "Portfolio").await;
    stack.wait_for_count(CARD, 1).await;
    assert_eq!(stack.prompts().await, ["history 0"]);
    stack.click("filter-starred").await;
    stack.wait_for_count(CARD, 2).await;
    assert_eq!(stack.prompts().await, ["history 2", "history 0"]);

    // Rename: the filter follows the board.
    stack.click("rename-board").await;
    stack.erase("board-new-name").await;
    stack.type_into("board-new-name", "Client Y").await;
    stack.click("save-board-name").await;
    for _ in 0..50 {
        if stack.value("filter-board").await == "Client Y" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stack.value("filter-board").await, "Client Y");
    assert_eq!(chips(&stack, 2).await, ["Client Y"]);

    // A reload keeps the stars and the board.
    stack.open().await;
    stack.wait_for_count(CARD, 4).await;
    assert!(stack.text("filter-starred").await.contains("(2)"));
    assert_eq!(chips(&stack, 0).await, ["Client Y"]);
    assert_eq!(chips(&stack, 2).await, ["Client Y"]);

    // Delete with Undo: the board leaves at once and comes back.
    stack.select("filter-board", "Client Y").await;
    stack.wait_for_count(CARD, 2).await;
    stack.click("delete-board").await;
    stack.wait_for_count(CARD, 4).await;
    assert!(stack.text("undo-toast").await.contains("Client Y"));
    assert!(
        chips(&stack, 0).await.is_empty(),
        "hidden while Undo is offered"
    );
    stack.click("undo").await;
    assert_eq!(chips(&stack, 0).await, ["Client Y"]);

    // Deleted for good once Undo is over: every job stays, none is on a board.
    stack.select("filter-board", "Client Y").await;
    stack.click("delete-board").await;
    tokio::time::sleep(Duration::from_millis(11_000)).await;
    let stored = stack.stored_jobs().await;
    assert_eq!(stored.len(), 4, "deleting a board deletes no job");
    assert!(
        stored.iter().all(|job| job.get("boards").is_none()),
        "{stored:?}"
    );
    assert_eq!(
        stored
            .iter()
            .filter(|job| job["starred"] == json!(true))
            .count(),
        2
    );

    // The folded filters: a seed no job was made with, ranges of days, a price cap.
    stack
        .css("[data-testid='more-filters'] summary")
        .await
        .click()
        .await
        .unwrap();
    stack.type_into("filter-seed", "12345\u{E007}").await;
    stack.wait_for_count(CARD, 0).await;
    stack.click("clear-filters").await;
    stack.wait_for_count(CARD, 4).await;
    assert_eq!(stack.value("filter-seed").await, "");
    // Date inputs are typed differently in each locale: set as a picker sets them.
    let pick = |test_id: &str, day: &str| {
        format!(
            "const input = document.querySelector(\"[data-testid='{test_id}']\");
             input.value = '{day}';
             input.dispatchEvent(new Event('change', {{ bubbles: true }}));"
        )
    };
    // The jobs were made in the first minutes of 2026 (UTC): on 31 December or 1 January
    // in any time zone.
    stack.eval(&pick("filter-from", "2026-01-02")).await;
    stack.wait_for_count(CARD, 0).await;
    stack.eval(&pick("filter-from", "2025-12-31")).await;
    stack.wait_for_count(CARD, 4).await;
    stack.eval(&pick("filter-to", "2025-12-30")).await;
    stack.wait_for_count(CARD, 0).await;
    stack.eval(&pick("filter-to", "2026-01-01")).await;
    stack.wait_for_count(CARD, 4).await;
    stack.type_into("filter-max-usd", "0.0001\u{E007}").await;
    stack.wait_for_count(CARD, 0).await;
    stack.close().await;
}
