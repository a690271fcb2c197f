//! Export that keeps the images: a ZIP with every image and `history.json`, imported in a
//! fresh browser profile once Krea's links have died, brings back the jobs, their stars and
//! boards, and their images (shown from the copies the import kept); a hostile ZIP is
//! refused with the reason and imports nothing.

use krea_e2e::Stack;
use std::io::{Cursor, Write};
use std::time::Duration;

const CARD: &str = "[data-testid='job-card']";
const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";
/// How long the simulator serves a finished job's image.
const LINK_LIFE_MS: u64 = 6_000;

#[tokio::test]
async fn a_zip_export_imported_in_a_fresh_profile_brings_back_images_and_boards() {
    let ttl = LINK_LIFE_MS.to_string();
    let first = Stack::builder()
        .job_ms(300)
        .flags(&["--sim-image-ttl-ms", &ttl])
        .start()
        .await;
    first.open().await;
    for prompt in ["a harbour at dawn", "a harbour at dusk"] {
        first.studio().generate(prompt).await;
    }
    first.wait_for_count(COMPLETED, 2).await;
    // A star and a board, to travel with the jobs.
    let newest = first.css(COMPLETED).await;
    first
        .inside(&newest, "star-job")
        .await
        .click()
        .await
        .unwrap();
    first
        .inside(&newest, "board-menu")
        .await
        .click()
        .await
        .unwrap();
    first
        .inside(&newest, "board-name")
        .await
        .send_keys("Harbours")
        .await
        .unwrap();
    first
        .inside(&newest, "add-to-board")
        .await
        .click()
        .await
        .unwrap();
    first.element("job-board").await;

    // As a browser without the File System Access API (Firefox, Safari): the export is
    // downloaded (in parts when large). Where the API is, the person picks the file and it
    // is written as it goes (tests/archive_stream.rs); headless Chromium cannot pick.
    first
        .eval("Object.defineProperty(window, 'showSaveFilePicker', {value: undefined})")
        .await;
    first.click("export-archive").await;
    let zip = first.downloaded(".zip").await;
    let outcome = first
        .text_when("files-outcome", |t| t.starts_with("Saved as"))
        .await;
    assert!(outcome.starts_with("Saved as krea-history-"), "{outcome}");
    assert!(
        !outcome.contains("left out"),
        "every image was there: {outcome}"
    );
    let bytes = std::fs::read(&zip).unwrap();
    let archive = krea_studio::jobs::archive::read(&bytes).expect("our own archive reads back");
    assert_eq!(archive.images.len(), 2, "both images are in the file");
    let saved = zip.clone();
    first.close().await;

    // Later, elsewhere: Krea's links have died, and this browser has never seen the jobs.
    tokio::time::sleep(Duration::from_millis(LINK_LIFE_MS)).await;
    let fresh = Stack::start(300).await;
    fresh.open().await;
    assert_eq!(fresh.count(CARD).await, 0);
    fresh
        .element("import-file")
        .await
        .send_keys(&saved.to_string_lossy())
        .await
        .unwrap();
    let imported = fresh
        .text_when("files-outcome", |t| t.starts_with("Imported"))
        .await;
    assert_eq!(imported, "Imported: 2 new, 0 updated, 0 already here");
    fresh.wait_for_count(COMPLETED, 2).await;
    // Both images show, from the copies the import kept.
    for _ in 0..100 {
        if fresh.count("[data-testid=job-local-copy]").await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(fresh.count("[data-testid=job-local-copy]").await, 2);
    assert_eq!(fresh.count("[data-testid=job-expired]").await, 0);
    // The star and the board came too.
    assert!(fresh.text("filter-starred").await.contains("(1)"));
    fresh.select("filter-board", "Harbours").await;
    fresh.wait_for_count(CARD, 1).await;
    let chip = fresh.css("[data-testid='job-board'] span").await;
    assert_eq!(chip.text().await.unwrap(), "Harbours");
    fresh.select("filter-board", "").await;
    fresh.wait_for_count(CARD, 2).await;

    // A hostile archive: refused whole, with the reason; nothing changes.
    let hostile = fresh.downloads.join("hostile.zip");
    std::fs::write(
        &hostile,
        zip_with(&[("history.json", b"{}"), ("../evil.png", b"x")]),
    )
    .unwrap();
    fresh
        .element("import-file")
        .await
        .send_keys(&hostile.to_string_lossy())
        .await
        .unwrap();
    let refused = fresh
        .text_when("files-outcome", |t| t.starts_with("Nothing imported"))
        .await;
    assert_eq!(
        refused,
        "Nothing imported: it holds ../evil.png, which a Krea Studio export never does"
    );
    assert_eq!(fresh.count(CARD).await, 2);
    fresh.close().await;
}

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file(*name, options).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}
