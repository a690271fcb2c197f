//! Local copies: a finished image is copied into the browser as soon as it completes, and
//! when Krea's link dies (the simulator lets it, `--sim-image-ttl-ms`) the card shows the
//! copy and says so; with the switch off, nothing is copied and a dead link is said to be
//! gone; switched on again, what finished meanwhile is copied; the viewer and downloads use
//! the copy too; Settings counts the copies and removes them all on request.

use krea_e2e::Stack;
use std::time::Duration;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";
/// How long the simulator serves a finished job's image.
const LINK_LIFE_MS: u64 = 4_000;

/// How many copies the browser holds, read from Cache Storage itself.
async fn copies_in_cache(stack: &Stack) -> u64 {
    stack
        .eval_async(
            "const done = arguments[arguments.length - 1];
             caches.open('krea-studio.copies')
               .then(c => c.keys())
               .then(keys => done(keys.length), e => done(-1));",
            vec![],
        )
        .await
        .as_u64()
        .expect("Cache Storage answers")
}

async fn link_status(stack: &Stack, url: &str) -> u64 {
    stack
        .eval_async(
            "const [url, done] = arguments;
             fetch(url, {cache: 'no-store'}).then(r => done(r.status), () => done(0));",
            vec![url.into()],
        )
        .await
        .as_u64()
        .unwrap()
}

/// The first image's address as the job's record has it.
async fn first_link(stack: &Stack) -> String {
    let stored = stack.stored_jobs().await;
    stored[0]["job"]["result"]["urls"][0]
        .as_str()
        .expect("a finished job's link")
        .to_owned()
}

#[tokio::test]
async fn a_job_whose_link_dies_still_shows_its_image_from_the_local_copy() {
    let ttl = LINK_LIFE_MS.to_string();
    let stack = Stack::builder()
        .job_ms(300)
        .flags(&["--sim-image-ttl-ms", &ttl])
        .start()
        .await;
    stack.open().await;
    stack.studio().generate("a lighthouse kept").await;
    stack.wait_for_count(COMPLETED, 1).await;
    for _ in 0..100 {
        if copies_in_cache(&stack).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(copies_in_cache(&stack).await, 1, "copied as it completed");
    let settings = stack.settings();
    settings.toggle().await;
    let used = stack
        .text_when("local-copies-used", |t| t.contains("1 image"))
        .await;
    assert!(
        used.starts_with("Local copies: 1 image, ") && used.ends_with(" MB of 1,000 MB"),
        "{used}"
    );
    settings.toggle().await;

    // Krea's link dies; the page is opened again later, as a person would a day after.
    let link = first_link(&stack).await;
    tokio::time::sleep(Duration::from_millis(LINK_LIFE_MS + 500)).await;
    assert_eq!(link_status(&stack, &link).await, 404, "the link is dead");
    stack.open().await;
    let note = stack.text("job-local-copy").await;
    assert_eq!(
        note,
        "Krea's link has expired: this is the copy kept in this browser."
    );
    let shown = stack
        .eval_async(
            "const done = arguments[arguments.length - 1];
             const img = document.querySelector('[data-testid=job-image]');
             const check = () => img.complete
               ? done([img.src.slice(0, 5), img.naturalWidth])
               : setTimeout(check, 50);
             check();",
            vec![],
        )
        .await;
    assert_eq!(shown[0], "blob:", "the image comes from the copy: {shown}");
    assert!(shown[1].as_u64().unwrap() > 0, "and it draws: {shown}");
    assert_eq!(stack.count("[data-testid=job-expired]").await, 0);

    // The viewer shows the copy too, and a download saves it (with its settings inside).
    // From the keyboard: the card in focus, Enter opens the viewer.
    let card = stack.css(COMPLETED).await;
    stack
        .eval("document.querySelector(\"[data-testid=job-card][data-status=completed]\").focus()")
        .await;
    stack.press("\u{E007}").await;
    assert_eq!(
        stack.text("lightbox-local-copy").await,
        "Krea's link has expired: this is the copy kept in this browser."
    );
    stack.press("\u{E00C}").await;
    let file = stack.studio().download(&card).await;
    let saved = std::fs::read(&file).unwrap();
    assert!(saved.starts_with(b"\x89PNG"), "a PNG was saved");
    let inside = krea_studio::jobs::image_settings::read(&saved).expect("settings inside");
    assert_eq!(inside.prompt(), "a lighthouse kept");

    // Switched off: the next image is not copied, and once its link dies it is gone.
    settings.toggle().await;
    stack.click("keep-local-copies").await;
    settings.toggle().await;
    stack.studio().generate("a lighthouse not kept").await;
    stack.wait_for_count(COMPLETED, 2).await;
    tokio::time::sleep(Duration::from_millis(LINK_LIFE_MS + 500)).await;
    assert_eq!(copies_in_cache(&stack).await, 1, "nothing copied while off");
    stack.open().await;
    stack.element("job-expired").await;
    stack.element("job-local-copy").await;
    assert_eq!(stack.count("[data-testid=job-expired]").await, 1);
    assert_eq!(stack.count("[data-testid=job-local-copy]").await, 1);

    // Switched on again: what finished meanwhile is copied (the backfill), and an image whose
    // link died first is said to be beyond copying.
    stack.studio().generate("a lighthouse kept later").await;
    stack.wait_for_count(COMPLETED, 3).await;
    assert_eq!(copies_in_cache(&stack).await, 1, "still off");
    settings.toggle().await;
    stack.click("keep-local-copies").await;
    let line = stack
        .text_when("local-copies-used", |t| t.contains("2 images"))
        .await;
    assert!(
        line.contains("1 older image could not be copied: its link had died."),
        "{line}"
    );
    assert_eq!(copies_in_cache(&stack).await, 2);
    settings.toggle().await;

    // Removing every copy is one click, and the line says so.
    settings.toggle().await;
    stack.click("clear-local-copies").await;
    let emptied = stack
        .text_when("local-copies-used", |t| t.contains("0 images"))
        .await;
    assert!(
        emptied.starts_with("Local copies: 0 images, 0 MB"),
        "{emptied}"
    );
    assert_eq!(copies_in_cache(&stack).await, 0);
    stack.close().await;
}
