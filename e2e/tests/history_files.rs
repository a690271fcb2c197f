//! The history leaves the browser as a file and comes back: export, clear, import restores
//! the same jobs, importing twice duplicates nothing, an image whose link no longer loads
//! shows "expired" with the job's details instead of a broken icon, and a picture whose host
//! refuses scripts is opened as the original when it cannot be downloaded.

use krea_e2e::{text_when, Stack};
use serde_json::Value;

const CARD: &str = "[data-testid='job-card']";
const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

async fn card_ids(stack: &Stack) -> Vec<String> {
    let ids = stack
        .eval("return [...document.querySelectorAll('[data-testid=job-card]')].map(c => c.dataset.jobId)")
        .await;
    serde_json::from_value(ids).unwrap()
}

#[tokio::test]
async fn export_clear_import_restores_the_history_and_dead_links_say_expired() {
    let stack = Stack::start(600).await;
    stack.open().await;
    stack.select("model-select", "bfl/flux-1-dev").await;
    for prompt in ["a red fox", "a blue whale"] {
        stack.studio().generate(prompt).await;
    }
    stack.wait_for_count(COMPLETED, 2).await;
    let before = card_ids(&stack).await;

    stack.click("export-history").await;
    let exported = stack.downloaded(".json").await;
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(file["format"], "krea-studio.history");
    assert_eq!(file["jobs"].as_array().unwrap().len(), 2);
    assert_eq!(file["jobs"][0]["request"]["prompt"], "a blue whale");

    stack.click("clear-finished").await;
    stack.wait_for_count(CARD, 0).await;
    let importer = stack.element("import-file").await;
    importer
        .send_keys(&exported.to_string_lossy())
        .await
        .unwrap();
    stack.wait_for_count(COMPLETED, 2).await;
    assert_eq!(
        card_ids(&stack).await,
        before,
        "the same jobs, in the same order"
    );
    assert!(
        stack.text("files-outcome").await.contains("2 new"),
        "{}",
        stack.text("files-outcome").await
    );

    // Again: nothing is duplicated.
    importer
        .send_keys(&exported.to_string_lossy())
        .await
        .unwrap();
    let outcome = stack
        .text_when("files-outcome", |text| text.contains("already here"))
        .await;
    assert!(outcome.contains("2 already here"), "{outcome}");
    assert_eq!(stack.count(CARD).await, 2);

    // A job whose image link has died, as stored links eventually do.
    let mut gone = file["jobs"][0].clone();
    gone["job"]["job_id"] = "0d4a9c3e-1111-4222-8333-444455556666".into();
    gone["request"]["prompt"] = "a vanished lighthouse".into();
    gone["job"]["result"]["urls"] = serde_json::json!([format!(
        "{}/simulator/images/0d4a9c3e-0000-4000-8000-000000000000.png",
        stack.base
    )]);
    let dead = stack.downloads.join("dead-link.json");
    let mut with_dead = file.clone();
    with_dead["jobs"] = serde_json::json!([gone]);
    std::fs::write(&dead, with_dead.to_string()).unwrap();
    importer.send_keys(&dead.to_string_lossy()).await.unwrap();
    let expired = stack
        .css("[data-job-id='0d4a9c3e-1111-4222-8333-444455556666'] [data-testid='job-expired']")
        .await;
    assert!(expired.text().await.unwrap().contains("Image expired"));
    assert!(stack
        .prompts()
        .await
        .contains(&"a vanished lighthouse".to_owned()));
    assert_eq!(stack.count("[data-testid='job-image']").await, 2);

    // An image host that refuses scripts (no CORS: the same picture, reached by another
    // name, which the page's policy does not list for connections) still shows the
    // picture, and Download falls back to opening the original.
    stack.expect_csp_block("connect-src");
    let mut foreign = file["jobs"][1].clone();
    foreign["job"]["job_id"] = "7e1f0a2b-2222-4333-8444-555566667777".into();
    let url = foreign["job"]["result"]["urls"][0]
        .as_str()
        .unwrap()
        .to_owned();
    foreign["job"]["result"]["urls"] = serde_json::json!([url.replace("127.0.0.1", "localhost")]);
    let elsewhere = stack.downloads.join("elsewhere.json");
    let mut with_foreign = file.clone();
    with_foreign["jobs"] = serde_json::json!([foreign]);
    std::fs::write(&elsewhere, with_foreign.to_string()).unwrap();
    importer
        .send_keys(&elsewhere.to_string_lossy())
        .await
        .unwrap();
    let card = stack
        .css("[data-job-id='7e1f0a2b-2222-4333-8444-555566667777']")
        .await;
    stack.inside(&card, "job-image").await;
    stack
        .inside(&card, "download-job")
        .await
        .click()
        .await
        .unwrap();
    let flash = stack.inside(&card, "job-flash").await;
    let said = text_when(&flash, |text| !text.is_empty()).await;
    assert!(said.contains("opened in a new tab"), "{said}");
    assert_eq!(
        stack.browser.windows().await.unwrap().len(),
        2,
        "the original opened"
    );

    // A file that is not an export changes nothing and says why.
    let wrong = stack.downloads.join("not-history.json");
    std::fs::write(&wrong, r#"{"items": []}"#).unwrap();
    importer.send_keys(&wrong.to_string_lossy()).await.unwrap();
    let outcome = stack
        .text_when("files-outcome", |text| text.contains("Nothing imported"))
        .await;
    assert!(
        outcome.contains("not a Krea Studio history export"),
        "{outcome}"
    );
    assert_eq!(stack.count(CARD).await, 4);
    stack.close().await;
}
