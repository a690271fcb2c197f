//! The release build is split: a first visit loads only the main module, and the parts it
//! does not need (settings, the viewer, images, enhance…) arrive later, when the page is
//! idle after `app:ready`, or on first use.

use krea_e2e::{copy_folder, HostSite, Proxy, Stack};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The lazy parts' modules in the built `dist/` (named `…-split_<part>.wasm`), but the
/// embed contract, which only the embed page loads.
fn part_files(dist: &Path) -> Vec<String> {
    let mut parts: Vec<String> = std::fs::read_dir(dist)
        .expect("a built dist")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.contains("-split_") && name.ends_with(".wasm"))
        .filter(|name| !name.contains("-split_embed_contract"))
        .collect();
    parts.sort();
    parts
}

fn dist() -> PathBuf {
    PathBuf::from(std::env::var("KREA_DIST").expect("KREA_DIST"))
}

/// Every wasm the page fetched besides the main module, each with when it started (ms
/// since navigation), and when `app:ready` was marked.
const FETCHED_PARTS: &str = "
    const ready = performance.getEntriesByName('app:ready')[0];
    const parts = performance.getEntriesByType('resource')
        .filter(e => e.name.endsWith('.wasm') && !e.name.endsWith('_bg.wasm'))
        .map(e => [e.name.split('/').pop(), e.startTime]);
    return { ready: ready ? ready.startTime : null, parts };";

struct Fetched {
    ready: Option<f64>,
    parts: Vec<(String, f64)>,
}

async fn fetched(stack: &Stack) -> Fetched {
    let seen = stack.eval(FETCHED_PARTS).await;
    Fetched {
        ready: seen["ready"].as_f64(),
        parts: serde_json::from_value(seen["parts"].clone()).unwrap(),
    }
}

#[tokio::test]
async fn a_first_visit_fetches_no_part_before_ready_and_prefetches_them_when_idle() {
    let parts = part_files(&dist());
    assert!(
        parts.len() >= 4,
        "the release build is split into parts: {parts:?}"
    );
    let stack = Stack::start(800).await;
    stack.open().await;
    let mut seen = fetched(&stack).await;
    for _ in 0..100 {
        if parts
            .iter()
            .all(|part| seen.parts.iter().any(|(name, _)| name == part))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        seen = fetched(&stack).await;
    }
    let ready = seen.ready.expect("app:ready was marked");
    for part in &parts {
        let started = seen
            .parts
            .iter()
            .find(|(name, _)| name == part)
            .unwrap_or_else(|| panic!("{part} was never prefetched: {:?}", seen.parts))
            .1;
        assert!(
            started >= ready,
            "{part} was fetched at {started} ms, before app:ready at {ready} ms"
        );
    }
    // Prefetched: the settings open without fetching anything more.
    let before = seen.parts.len();
    stack.toggle_settings().await;
    stack.element("proxy-url").await;
    assert_eq!(fetched(&stack).await.parts.len(), before);
    stack.close().await;
}

#[tokio::test]
async fn a_part_that_cannot_arrive_says_so_and_loads_when_tried_again() {
    // A copy of the site that does not prefetch, with the settings' module missing.
    let site = std::env::temp_dir().join(format!("krea-lazy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&site);
    copy_folder(&dist(), &site);
    let settings = part_files(&site)
        .into_iter()
        .find(|name| name.contains("-split_settings"))
        .expect("a settings part");
    let away = site.join("away.wasm");
    std::fs::rename(site.join(&settings), &away).unwrap();

    let host = HostSite::start().await;
    host.folder("/studio/", site.clone());
    let api = Proxy::start(&["--simulate", "--allow-origin", &host.origin], &[]).await;
    std::fs::write(
        site.join("config.json"),
        format!(
            r#"{{"proxy_url": "{}", "prefetch_parts": false}}"#,
            api.base
        ),
    )
    .unwrap();
    let idle = Proxy::start(&["--simulate"], &[]).await;
    let mut stack = Stack::builder().proxy(idle).start().await;
    stack.base = host.url("/studio");
    stack.open().await;
    // Told not to prefetch: an idle page fetches only what its first screen shows (the
    // default model's style field, from the images part), and only after app:ready.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let seen = fetched(&stack).await;
    let ready = seen.ready.expect("app:ready was marked");
    for (part, started) in &seen.parts {
        assert!(
            ![
                "settings",
                "viewer",
                "enhance",
                "history_files",
                "discovery",
                "embed_contract"
            ]
            .iter()
            .any(|unused| part.contains(&format!("-split_{unused}"))),
            "{part} was fetched though nothing used it"
        );
        assert!(
            *started >= ready,
            "{part} at {started} ms, ready at {ready}"
        );
    }

    stack.toggle_settings().await;
    let missing = stack.element("part-missing").await;
    assert!(!missing.text().await.unwrap().is_empty());
    // The rest of the studio still works around it.
    stack.element("prompt-input").await;
    std::fs::rename(&away, site.join(&settings)).unwrap();
    missing
        .find(fantoccini::Locator::Css("button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    stack.element("proxy-url").await;
    stack.close().await;
    let _ = std::fs::remove_dir_all(&site);
}
