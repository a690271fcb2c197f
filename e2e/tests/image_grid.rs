//! An image-first grid: images at their own shape in justified rows (a 16:9 image and a square
//! one share a row's height), a density control from 3 to 12 images a row that is kept, and
//! a card's actions that appear over its image on keyboard focus.

use krea_e2e::Stack;
use serde_json::Value;
use std::time::Duration;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

/// Each finished card's image box: [left, top, width, height], newest first.
async fn boxes(stack: &Stack) -> Vec<[f64; 4]> {
    let found = stack
        .eval(
            "return [...document.querySelectorAll(\"[data-testid=job-card][data-status=completed] .media\")]
               .map(m => { const r = m.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; });",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

async fn set_density(stack: &Stack, per_row: u32) {
    stack
        .browser_execute(
            "const [n] = arguments;
             const range = document.querySelector('[data-testid=grid-density]');
             range.value = n;
             range.dispatchEvent(new Event('input', {bubbles: true}));",
            vec![Value::from(per_row)],
        )
        .await;
}

/// Waits until the newest card's image is `wanted` wide (within a pixel or two).
async fn width_becomes(stack: &Stack, wanted: impl Fn(f64) -> bool) -> f64 {
    let mut width = 0.0;
    for _ in 0..50 {
        width = boxes(stack).await[0][2];
        if wanted(width) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    width
}

/// How opaque the newest finished card's actions are.
async fn actions_opacity(stack: &Stack) -> Value {
    stack
        .eval(
            "return getComputedStyle(document.querySelector(
               '[data-testid=job-card][data-status=completed] .actions')).opacity",
        )
        .await
}

#[tokio::test]
async fn images_keep_their_shape_in_justified_rows_and_the_density_is_kept() {
    let stack = Stack::start(300).await;
    stack.resize(1440, 1000).await;
    stack.open().await;
    stack.select("model-select", "bfl/flux-1-dev").await;
    stack.studio().generate("a square tile").await;
    stack.select("model-select", "krea/krea-2/medium").await;
    stack.select("field-aspect_ratio", "16:9").await;
    stack.studio().generate("a wide valley").await;
    stack.wait_for_count(COMPLETED, 2).await;

    // One row: the same top and height, widths as their shapes (16:9 against 1:1).
    let [wide, square] = <[[f64; 4]; 2]>::try_from(boxes(&stack).await).unwrap();
    assert!(
        (wide[1] - square[1]).abs() < 1.5,
        "one row: {wide:?} {square:?}"
    );
    assert!(
        (wide[3] - square[3]).abs() < 1.5,
        "one height: {wide:?} {square:?}"
    );
    let ratio = wide[2] / square[2];
    assert!(
        (ratio - 16.0 / 9.0).abs() < 0.06,
        "widths as shapes: {ratio}"
    );

    // Fewer to a row: larger images; more: smaller. The choice survives a reload.
    let at_default = wide[2];
    set_density(&stack, 3).await;
    let at_three = width_becomes(&stack, |w| w > at_default * 1.2).await;
    assert!(
        at_three > at_default * 1.2,
        "3 a row is larger: {at_three} vs {at_default}"
    );
    set_density(&stack, 12).await;
    let at_twelve = width_becomes(&stack, |w| w < at_default * 0.5).await;
    assert!(
        at_twelve < at_default * 0.5,
        "12 a row is smaller: {at_twelve} vs {at_default}"
    );
    stack.open().await;
    stack.wait_for_count(COMPLETED, 2).await;
    assert_eq!(stack.value("grid-density").await, "12");
    let after_reload = width_becomes(&stack, |w| (w - at_twelve).abs() < 2.0).await;
    assert!(
        (after_reload - at_twelve).abs() < 2.0,
        "{after_reload} vs {at_twelve}"
    );

    // The actions stay out of the image's way until the card has the focus (or the pointer).
    assert_eq!(actions_opacity(&stack).await, "0");
    stack
        .eval("document.querySelector('[data-testid=job-card][data-status=completed]').focus()")
        .await;
    let mut shown = Value::Null;
    for _ in 0..20 {
        shown = actions_opacity(&stack).await;
        if shown == "1" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(shown, "1", "shown on keyboard focus");
    stack.close().await;
}
