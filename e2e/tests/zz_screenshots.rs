//! Not a test: the README's screenshots (run by hand, not committed).

use krea_e2e::Stack;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

#[tokio::test]
async fn readme_screenshots() {
    let stack = Stack::builder()
        .job_ms(300)
        .flags(&["--sim-image-ttl-ms", "600000"])
        .start()
        .await;
    stack.resize(1440, 940).await;
    stack.open().await;
    stack.select("model-select", "krea/krea-2/medium").await;
    let shots = [
        ("16:9", "a lighthouse on a cliff at dusk, long exposure"),
        ("1:1", "a ceramic teapot in soft morning light"),
        ("9:16", "a narrow alley in Lisbon after rain"),
        ("3:2", "a field of sunflowers under a storm"),
        ("4:5", "portrait of an old fisherman, film grain"),
        ("2.35:1", "a desert highway at night, cinematic"),
        ("2:3", "a paper crane on a wooden desk"),
        ("4:3", "a red tram crossing a bridge"),
    ];
    for (n, (ratio, prompt)) in shots.iter().enumerate() {
        stack.select("field-aspect_ratio", ratio).await;
        stack.studio().generate(prompt).await;
        stack.wait_for_count(COMPLETED, n + 1).await;
    }
    let cards = stack
        .browser
        .find_all(fantoccini::Locator::Css(COMPLETED))
        .await
        .unwrap();
    for card in cards.iter().take(3) {
        stack.inside(card, "star-job").await.click().await.unwrap();
    }
    stack.eval("window.scrollTo(0, 0)").await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    stack.screenshot("grid.png").await;

    stack.settings().toggle().await;
    stack
        .text_when("local-copies-used", |t| t.contains("8 images"))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    stack.screenshot("settings.png").await;
    stack.settings().toggle().await;

    for card in cards.iter().take(2) {
        stack
            .inside(card, "select-job")
            .await
            .click()
            .await
            .unwrap();
    }
    stack.click("compare-selected").await;
    stack.click("compare-mode").await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    stack.screenshot("compare.png").await;
    stack.click("compare-close").await;
    stack.close().await;
}
