//! What a person does with finished images: download one as a file named after its prompt,
//! look at them large and move between them with the keyboard, vary the seed; switch the
//! language and theme at once; and the layout holds from a phone to a wide screen.

use krea_e2e::{text_when, Stack};

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

/// Whether the page is wider than the window (something does not reflow).
async fn overflows(stack: &Stack) -> bool {
    stack
        .eval("return document.documentElement.scrollWidth > window.innerWidth")
        .await
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn download_view_vary_switch_language_and_fit_every_screen() {
    let stack = Stack::start(600).await;
    stack.open().await;
    stack
        .select("model-select", "krea/krea-2/medium-turbo")
        .await;
    for prompt in ["a tiny house", "a tall tower"] {
        stack.studio().generate(prompt).await;
    }
    stack.wait_for_count(COMPLETED, 2).await;
    // Screen readers hear about finished jobs, politely.
    // (It is visually hidden, so WebDriver's visible text is empty: read what is in it.)
    let mut said = serde_json::Value::Null;
    for _ in 0..50 {
        said = stack
            .eval("return document.querySelector('[data-testid=announcer]').textContent")
            .await;
        if said == "Image ready: a tall tower" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(said, "Image ready: a tall tower");

    // Download: a real file, named after the prompt and the job id.
    let newest = stack.css(COMPLETED).await;
    let id = newest.attr("data-job-id").await.unwrap().unwrap();
    stack
        .inside(&newest, "download-job")
        .await
        .click()
        .await
        .unwrap();
    let short_id: String = id.chars().filter(|c| *c != '-').take(8).collect();
    let file = stack
        .downloaded(&format!("a-tall-tower-{short_id}.png"))
        .await;
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG was saved");

    // The viewer: large, with the prompt; arrows move, Esc closes.
    stack
        .inside(&newest, "job-image")
        .await
        .click()
        .await
        .unwrap();
    stack.element("lightbox").await;
    assert_eq!(stack.text("lightbox-prompt").await, "a tall tower");
    assert_eq!(stack.text("lightbox-position").await, "1 of 2");
    let focused = stack.browser.active_element().await.unwrap();
    focused.send_keys("\u{E014}").await.unwrap(); // →
    assert_eq!(
        stack
            .text_when("lightbox-prompt", |text| text == "a tiny house")
            .await,
        "a tiny house"
    );
    assert_eq!(stack.text("lightbox-position").await, "2 of 2");
    focused.send_keys("\u{E00C}").await.unwrap(); // Esc
    stack.wait_for_count("[data-testid='lightbox']", 0).await;

    // Vary seed: a third job, with the same prompt and a seed.
    stack
        .inside(&newest, "vary-job")
        .await
        .click()
        .await
        .unwrap();
    stack.wait_for_count(COMPLETED, 3).await;
    assert_eq!(stack.prompts().await[0], "a tall tower");
    assert_eq!(stack.jobs_on_server().await, 3);

    // Filters: words in the prompt, and status.
    stack.type_into("filter-search", "tiny").await;
    stack.wait_for_count(COMPLETED, 1).await;
    assert_eq!(stack.text("filter-count").await, "1 of 3 jobs");
    stack.erase("filter-search").await;
    stack.wait_for_count(COMPLETED, 3).await;
    stack.select("filter-status", "failed").await;
    stack.wait_for_count(COMPLETED, 0).await;
    assert_eq!(
        stack.text("empty-grid").await,
        "No job matches these filters."
    );
    stack.select("filter-status", "completed").await;
    stack.wait_for_count(COMPLETED, 3).await;
    stack.select("filter-status", "all").await;

    // Copy: the prompt goes to the clipboard, and the card says so.
    let newest = stack.css(COMPLETED).await;
    stack
        .inside(&newest, "copy-menu")
        .await
        .click()
        .await
        .unwrap();
    stack
        .inside(&newest, "copy-prompt")
        .await
        .click()
        .await
        .unwrap();
    let flash = stack.inside(&newest, "job-flash").await;
    assert_eq!(text_when(&flash, |text| !text.is_empty()).await, "Copied");

    // Language and theme switch at once, without a reload.
    stack.toggle_settings().await;
    stack.select("language", "it").await;
    assert_eq!(
        stack
            .text_when("generate-button", |text| text == "Genera")
            .await,
        "Genera"
    );
    assert_eq!(
        stack.eval("return document.documentElement.lang").await,
        "it"
    );
    assert!(
        stack.text("total-spent").await.contains("0,045"),
        "{}",
        stack.text("total-spent").await
    );
    assert_eq!(stack.text("filter-count").await, "3 di 3 lavori");
    stack.select("language", "id").await;
    assert_eq!(
        stack
            .text_when("generate-button", |text| text == "Buat")
            .await,
        "Buat"
    );
    stack.select("theme", "dark").await;
    assert_eq!(
        stack
            .eval("return document.documentElement.dataset.theme")
            .await,
        "dark"
    );
    stack.select("language", "en").await;
    assert_eq!(
        stack
            .text_when("generate-button", |text| text == "Generate")
            .await,
        "Generate"
    );
    // Esc folds the settings away.
    stack
        .element("language")
        .await
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    stack
        .wait_for_count("[data-testid='settings'][open]", 0)
        .await;

    // Every screen: nothing wider than the window, from a small phone to a wide monitor.
    for (width, height, name) in [
        (360, 740, None),
        (390, 844, Some("studio-390x844.png")),
        (1440, 900, Some("studio-1440x900.png")),
        (2560, 1440, None),
    ] {
        stack.resize(width, height).await;
        stack.open().await; // as a person on that screen would load it
        stack.wait_for_count(COMPLETED, 3).await;
        assert!(!overflows(&stack).await, "the page overflows at {width} px");
        let folded = stack
            .eval("return !document.querySelector('.model-fields').open")
            .await;
        assert_eq!(
            folded,
            width <= 720,
            "model settings fold on phones only ({width} px)"
        );
        if let Some(name) = name {
            stack.screenshot(name).await;
        }
    }
    stack.close().await;
}
