//! Picking several cards and acting on them at once, then comparing: a box and a
//! Shift-click pick a range, the selection is starred, put on a board, exported and removed
//! with Undo (a reload inside Undo's time keeps the job); Compare shows three side by side,
//! and two with a slider that wipes one over the other; Esc lets the selection go.

use fantoccini::Locator;
use krea_e2e::Stack;
use serde_json::{json, Value};

const CARD: &str = "[data-testid='job-card']";

fn job(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

async fn pick_box(stack: &Stack, n: usize) -> fantoccini::elements::Element {
    let card = stack
        .css(&format!("{CARD}[data-job-id='{}']", job(n)))
        .await;
    stack.inside(&card, "select-job").await
}

/// The texts of every element with this `data-testid`, in page order.
async fn texts(stack: &Stack, test_id: &str) -> Vec<String> {
    let mut all = Vec::new();
    for element in stack
        .browser
        .find_all(Locator::Css(&format!("[data-testid='{test_id}']")))
        .await
        .unwrap()
    {
        all.push(element.text().await.unwrap());
    }
    all
}

#[tokio::test]
async fn a_selection_is_starred_boarded_exported_removed_with_undo_and_compared() {
    let stack = Stack::start(600).await;
    stack.open().await;
    stack.seed_history(5, json!([]), "krea/krea-2/medium").await;
    stack.open().await;
    stack.wait_for_count(CARD, 5).await;
    // Newest first: history 4, 3, 2, 1, 0.

    // A box, then a Shift-click two cards on: the three between.
    pick_box(&stack, 4).await.click().await.unwrap();
    assert_eq!(
        stack
            .text_when("selection-count", |t| t == "1 selected")
            .await,
        "1 selected"
    );
    let compare = stack.element("compare-selected").await;
    assert_eq!(
        compare.attr("disabled").await.unwrap().as_deref(),
        Some("true"),
        "one image is nothing to compare"
    );
    stack
        .eval(&format!(
            "document.querySelector(\"{CARD}[data-job-id='{}'] [data-testid='select-job']\")
                .dispatchEvent(new MouseEvent('click', {{ bubbles: true, shiftKey: true }}));",
            job(2)
        ))
        .await;
    assert_eq!(
        stack
            .text_when("selection-count", |t| t == "3 selected")
            .await,
        "3 selected"
    );
    assert_eq!(stack.count(&format!("{CARD}.picked")).await, 3);

    // Star them and put them on a board at once.
    stack.click("star-selected").await;
    assert!(stack
        .text_when("filter-starred", |t| t.contains("(3)"))
        .await
        .contains("(3)"));
    stack.type_into("selection-board-name", "Picks").await;
    stack.click("selection-add-board").await;
    stack.select("filter-board", "Picks").await;
    stack.wait_for_count(CARD, 3).await;
    stack.select("filter-board", "").await;
    stack.wait_for_count(CARD, 5).await;

    // Compare three: side by side, in the order picked, no slider.
    stack.click("compare-selected").await;
    stack.wait_for_count("[data-testid='compared']", 3).await;
    assert_eq!(
        texts(&stack, "compared-prompt").await,
        ["history 4", "history 3", "history 2"]
    );
    assert_eq!(stack.count("[data-testid='compare-mode']").await, 0);
    stack.press("\u{E00C}").await;
    stack.wait_for_count("[data-testid='compare']", 0).await;

    // Two: the slider wipes the first over the second.
    pick_box(&stack, 3).await.click().await.unwrap();
    stack
        .text_when("selection-count", |t| t == "2 selected")
        .await;
    stack.click("compare-selected").await;
    stack.wait_for_count("[data-testid='compared']", 2).await;
    stack.click("compare-mode").await;
    stack
        .eval(
            "const slider = document.querySelector(\"[data-testid='compare-slider']\");
             slider.value = '30';
             slider.dispatchEvent(new Event('input', { bubbles: true }));",
        )
        .await;
    let clip = stack
        .eval("return document.querySelector(\"[data-testid='wipe-over']\").style.clipPath")
        .await;
    assert_eq!(clip, json!("inset(0px 70% 0px 0px)"), "{clip}");
    stack.click("compare-close").await;
    stack.wait_for_count("[data-testid='compare']", 0).await;

    // Export only the selection.
    stack.click("export-selected").await;
    let exported = stack.downloaded(".json").await;
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    let mut prompts: Vec<String> = file["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|job| job["request"]["prompt"].as_str().unwrap().to_owned())
        .collect();
    prompts.sort();
    assert_eq!(prompts, ["history 2", "history 4"]);

    // Remove the two with Undo: they leave and come back; the selection is let go.
    stack.click("remove-selected").await;
    stack.wait_for_count(CARD, 3).await;
    assert_eq!(
        stack
            .count("[data-testid='selection-bar']:not([hidden])")
            .await,
        0
    );
    assert!(stack.text("undo-toast").await.contains("2 jobs"));
    stack.click("undo").await;
    stack.wait_for_count(CARD, 5).await;

    // Removed again, then the page reloads inside Undo's 10 seconds: nothing was dropped yet,
    // so the job is still there (and no toast offers a stale Undo).
    pick_box(&stack, 1).await.click().await.unwrap();
    stack.click("remove-selected").await;
    stack.wait_for_count(CARD, 4).await;
    stack.open().await;
    stack.wait_for_count(CARD, 5).await;
    assert_eq!(
        stack.stored_jobs().await.len(),
        5,
        "a reload keeps a job waiting for Undo's end"
    );
    assert_eq!(stack.count("[data-testid='undo-toast']").await, 0);

    // Space on a focused card picks it; Esc lets the selection go.
    stack.press("j ").await;
    stack
        .text_when("selection-count", |t| t == "1 selected")
        .await;
    stack.press("\u{E00C}").await;
    stack
        .wait_for_count("[data-testid='selection-bar']:not([hidden])", 0)
        .await;
    stack.close().await;
}

#[tokio::test]
async fn compare_models_sends_one_job_per_model_each_with_its_key_priced_first_and_grouped() {
    let stack = Stack::start(800).await;
    stack.open().await;
    // Every generate request's path and Idempotency-Key, as the page sends them.
    stack
        .eval(
            "window.generates = [];
             const before = window.fetch;
             window.fetch = (input, init) => {
               const url = typeof input === 'string' ? input : (input.url || String(input));
               if (url.includes('/generate/image/')) {
                 const headers = (typeof input === 'object' && input.headers) || new Headers((init || {}).headers);
                 window.generates.push([new URL(url, location.href).pathname, headers.get('Idempotency-Key')]);
               }
               return before(input, init);
             };",
        )
        .await;
    stack
        .type_into("prompt-input", "a lighthouse at dusk")
        .await;
    stack
        .css("[data-testid='compare-models'] summary")
        .await
        .click()
        .await
        .unwrap();
    // The form's model is in the set already; two more.
    stack.css("[data-testid='set-model']").await;
    let mut added = 0;
    for model in stack
        .browser
        .find_all(Locator::Css("[data-testid='set-model']"))
        .await
        .unwrap()
    {
        if added == 2 {
            break;
        }
        if model.prop("checked").await.unwrap().as_deref() != Some("true") {
            model.click().await.unwrap();
            added += 1;
        }
    }
    let price = stack
        .text_when("set-price", |t| t.starts_with("3 jobs"))
        .await;
    assert!(
        price.starts_with("3 jobs"),
        "priced before sending: {price}"
    );
    assert_eq!(stack.text("send-set").await, "Send to 3 models");
    stack.click("send-set").await;

    stack.wait_for_count(CARD, 3).await;
    let sent: Vec<(String, String)> =
        serde_json::from_value(stack.eval("return window.generates").await).unwrap();
    assert_eq!(sent.len(), 3, "{sent:?}");
    let paths: std::collections::BTreeSet<_> = sent.iter().map(|(path, _)| path).collect();
    let keys: std::collections::BTreeSet<_> = sent.iter().map(|(_, key)| key).collect();
    assert_eq!(paths.len(), 3, "three models: {sent:?}");
    assert_eq!(keys.len(), 3, "three keys: {sent:?}");
    assert_eq!(stack.jobs_on_server().await, 3);

    // One set in the grid: each card says so, and Compare shows the three.
    stack
        .wait_for_count(&format!("{CARD}[data-status='completed']"), 3)
        .await;
    assert_eq!(stack.count("[data-testid='job-set']").await, 3);
    let set = stack.text("job-set").await;
    assert!(set.contains("One of a set of 3"), "{set}");
    stack.click("compare-set").await;
    stack.wait_for_count("[data-testid='compared']", 3).await;
    let prompts = texts(&stack, "compared-prompt").await;
    assert!(
        prompts.iter().all(|p| p == "a lighthouse at dusk"),
        "{prompts:?}"
    );
    stack.close().await;
}
