//! What a person feels, measured in headless Chromium: how long the first visit takes on a
//! slow phone, and what a long history costs at load, per poll answer, in memory and in DOM.

use crate::cdp;
use crate::stats::median;
use krea_e2e::{Proxy, Stack};
use krea_studio::jobs::local_copies::{CopyFacts, CopyKey};
use krea_studio::storage_scope::StorageScope;
use serde_json::json;

use std::time::Duration;

/// Before the page's own scripts: keep every resource timing (poll answers are counted from
/// them) and catch the wasm instance's memory when Trunk starts the app.
const OBSERVER: &str = "performance.setResourceTimingBufferSize(1000000);
addEventListener('TrunkApplicationStarted', e => { window.__wasmMemory = e.detail.wasm.memory; });";

/// How many generations stay in flight while the history is measured.
pub const PENDING: usize = 10;
/// The model [`Stack::make_jobs`] makes jobs of.
const MODEL: &str = "bfl/flux-1-dev";

pub struct Browsers {
    pub studio: Stack,
    anchor: Proxy,
    /// The same studio, with `config.json` saying not to prefetch its parts.
    lean: Proxy,
}

/// A lazy part's first use (ms, medians): opening Settings until its fields show, and what
/// fetching its module alone took (one round trip and the transfer; 0 when prefetched).
pub struct FirstUse {
    pub open_ms: f64,
    pub fetch_ms: f64,
}

/// Opens Settings and answers how long it took until its first field was on the page.
const OPEN_SETTINGS: &str = "
    const done = arguments[arguments.length - 1];
    const started = performance.now();
    document.querySelector(\"[data-testid='settings'] summary\").click();
    const check = () => document.querySelector(\"[data-testid='proxy-url']\")
        ? done(performance.now() - started)
        : requestAnimationFrame(check);
    check();";

/// Load times on the throttled profile (ms, medians): studio, anchor.
pub struct ColdLoad {
    pub studio: f64,
    pub anchor: f64,
}

/// One point of the history-scale curve.
#[derive(Debug, Clone, Copy)]
pub struct HistoryPoint {
    pub jobs: usize,
    pub first_render_ms: f64,
    pub per_poll_ms: f64,
    pub memory_mib: f64,
    pub dom_nodes: f64,
}

impl Browsers {
    /// The studio on the simulator (jobs that stay pending for an hour) and the anchor app,
    /// both served precompressed by `krea-proxy --serve`, in one headless Chromium.
    pub async fn start(studio_dist: &str, anchor_dist: &str) -> Browsers {
        let studio = Proxy::start(
            &[
                "--simulate",
                "--sim-job-ms",
                "3600000",
                "--serve",
                studio_dist,
            ],
            &[],
        )
        .await;
        let anchor = Proxy::start(&["--simulate", "--serve", anchor_dist], &[]).await;
        let lean_dist = std::env::temp_dir().join(format!("krea-lean-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&lean_dist);
        krea_e2e::copy_folder(std::path::Path::new(studio_dist), &lean_dist);
        std::fs::write(
            lean_dist.join("config.json"),
            r#"{"prefetch_parts": false}"#,
        )
        .expect("the lean copy's config");
        let lean = Proxy::start(
            &[
                "--simulate",
                "--serve",
                lean_dist.to_str().expect("a UTF-8 path"),
            ],
            &[],
        )
        .await;
        let studio = Stack::builder().proxy(studio).start().await;
        cdp::before_every_page(&studio.browser, OBSERVER).await;
        Browsers {
            studio,
            anchor,
            lean,
        }
    }

    /// The first use of a lazy part (Settings) on the throttled profile, after a first
    /// visit: with the idle prefetch done, or with prefetching turned off.
    pub async fn first_use(&self, prefetched: bool, repeats: usize) -> FirstUse {
        let base = match prefetched {
            true => self.studio.base.clone(),
            false => self.lean.base.clone(),
        };
        let browser = &self.studio.browser;
        let (mut open, mut fetch) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            cdp::forget(browser, &base).await;
            cdp::throttle(browser, true).await;
            self.load(&base).await;
            if prefetched {
                self.wait_for_mark("parts:prefetched").await;
            }
            let took = self.studio.eval_async(OPEN_SETTINGS, vec![]).await;
            open.push(took.as_f64().expect("a time"));
            let fetched = self
                .studio
                .eval(
                    "const e = performance.getEntriesByType('resource')
                         .find(e => e.name.includes('-split_settings'));
                     return e ? e.duration : null;",
                )
                .await;
            fetch.push(fetched.as_f64().filter(|_| !prefetched).unwrap_or(0.0));
            cdp::throttle(browser, false).await;
        }
        FirstUse {
            open_ms: median(&open),
            fetch_ms: median(&fetch),
        }
    }

    async fn wait_for_mark(&self, mark: &str) {
        let script = format!("return performance.getEntriesByName('{mark}').length > 0");
        for _ in 0..1200 {
            if self.studio.eval(&script).await == serde_json::json!(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page never marked {mark}");
    }

    /// Milliseconds from navigation to the app's `app:ready` mark.
    async fn load(&self, base: &str) -> f64 {
        self.studio
            .browser
            .goto(&format!("{base}/"))
            .await
            .expect("the page loads");
        for _ in 0..2400 {
            let mark = self
                .studio
                .eval("const m = performance.getEntriesByName('app:ready')[0]; return m ? m.startTime : null")
                .await;
            if let Some(ms) = mark.as_f64() {
                return ms;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{base} never marked app:ready");
    }

    /// First visits on the throttled profile, studio and anchor alternating.
    pub async fn cold_load(&self, repeats: usize) -> ColdLoad {
        let (mut studio, mut anchor) = (Vec::new(), Vec::new());
        let browser = &self.studio.browser;
        for _ in 0..repeats {
            for (base, times) in [
                (self.studio.base.as_str(), &mut studio),
                (self.anchor.base.as_str(), &mut anchor),
            ] {
                cdp::forget(browser, base).await;
                cdp::throttle(browser, true).await;
                times.push(self.load(base).await);
                cdp::throttle(browser, false).await;
            }
        }
        ColdLoad {
            studio: median(&studio),
            anchor: median(&anchor),
        }
    }

    /// The studio with `jobs` finished jobs in its saved history and [`PENDING`] in flight:
    /// first render, main-thread time per poll answer over `window`, memory and DOM size.
    pub async fn history(&self, jobs: usize, window: Duration) -> HistoryPoint {
        let base = self.studio.base.as_str();
        cdp::forget(&self.studio.browser, base).await;
        // A first load creates the database; then the history is written into it.
        self.load(base).await;
        let pending = self.studio.make_jobs(PENDING).await;
        let made = pending.as_array().is_some_and(|jobs| {
            jobs.len() == PENDING && jobs.iter().all(|job| job["job_id"].is_string())
        });
        assert!(
            made,
            "the simulator did not make the pending jobs: {pending}"
        );
        self.studio.seed_history(jobs, pending, MODEL).await;
        self.backfill_done().await;
        let first_render_ms = self.load(base).await;
        // The idle prefetch of the lazy parts compiles their modules once; counted here it
        // was most of the main thread's time (317 ms "per poll answer" with no history).
        self.wait_for_mark("parts:prefetched").await;
        // Let the first answers and images settle before counting.
        tokio::time::sleep(Duration::from_secs(2)).await;
        // Poll answers: lists of recent jobs, and reads of one job.
        let polls = "return performance.getEntriesByType('resource')
            .filter(e => /\\/jobs(\\?|\\/[0-9a-f-]+$)/.test(e.name)).length";
        let (busy_before, polls_before) = (
            cdp::task_seconds(&self.studio.browser).await,
            self.studio.eval(polls).await.as_f64().unwrap_or(0.0),
        );
        tokio::time::sleep(window).await;
        let (busy_after, polls_after) = (
            cdp::task_seconds(&self.studio.browser).await,
            self.studio.eval(polls).await.as_f64().unwrap_or(0.0),
        );
        let answers = (polls_after - polls_before).max(1.0);
        let memory = self
            .studio
            .eval(
                "return (performance.memory ? performance.memory.usedJSHeapSize : 0)
                    + (window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : 0)",
            )
            .await
            .as_f64()
            .unwrap_or(f64::NAN);
        let nodes = self
            .studio
            .eval("return document.getElementsByTagName('*').length")
            .await
            .as_f64()
            .unwrap_or(f64::NAN);
        HistoryPoint {
            jobs,
            first_render_ms,
            per_poll_ms: (busy_after - busy_before) * 1000.0 / answers,
            memory_mib: memory / (1024.0 * 1024.0),
            dom_nodes: nodes,
        }
    }

    /// A month or more of use: `jobs` finished jobs whose links have died (every tenth
    /// starred, every seventh on a board), the newest `copies` of them kept as local copies
    /// (a 160×160 PNG of noise each, as the studio stores them). The first render, the time
    /// the grid takes to show only favourites while a board and a search are set, and what
    /// the browser's storage holds against the images' own bytes.
    pub async fn with_copies(&self, jobs: usize, copies: usize) -> CopiesPoint {
        let base = self.studio.base.as_str();
        cdp::forget(&self.studio.browser, base).await;
        self.load(base).await;
        let mut records = krea_e2e::seeded_history(jobs, Vec::new(), MODEL, base);
        for (at, record) in records.iter_mut().enumerate() {
            record.starred = at % 10 == 0;
            if at % 7 == 0 {
                record.boards.insert(BOARD.to_owned());
            }
        }
        let addresses: Vec<String> = records
            .iter()
            .rev()
            .take(copies)
            .map(|r| CopyKey::new(r.id(), 0).address(CopyFacts { bytes: 0, at: 0.0 }))
            .collect();
        self.studio.seed_entries(records).await;
        self.backfill_done().await;
        let image_bytes = self
            .studio
            .eval_async(
                KEEP_COPIES,
                vec![
                    json!(StorageScope::studio().copies_cache()),
                    json!(addresses),
                ],
            )
            .await
            .as_f64()
            .expect("the copies are kept");
        let first_render_ms = self.load(base).await;
        // Every card on the first page has asked for its copy (their links are dead).
        tokio::time::sleep(Duration::from_secs(2)).await;
        // The search and the board first, then the grid is left to settle (the cards of the
        // new result ask for their copies and decode them); only the last filter is timed.
        self.studio
            .eval_async(SEARCH_AND_BOARD, vec![json!(BOARD)])
            .await;
        let filter_ms = self
            .studio
            .eval_async(TOGGLE_FAVOURITES, vec![])
            .await
            .as_f64()
            .unwrap_or(f64::NAN);
        let used = self
            .studio
            .eval_async(
                "const done = arguments[arguments.length - 1];
                 navigator.storage.estimate().then(e => done(e.usage), () => done(null));",
                vec![],
            )
            .await
            .as_f64()
            .unwrap_or(f64::NAN);
        CopiesPoint {
            first_render_ms,
            filter_ms,
            storage_mib: used / (1024.0 * 1024.0),
            images_mib: image_bytes / (1024.0 * 1024.0),
        }
    }

    /// The steady state: the local copies' backfill of older jobs was done long ago (it
    /// runs once, in the background, and would otherwise fetch every seeded job's image
    /// while the history is measured).
    async fn backfill_done(&self) {
        let key = StorageScope::studio().key("copies.backfilled_before");
        self.studio
            .browser_execute("localStorage.setItem(arguments[0], '0')", vec![json!(key)])
            .await;
    }

    pub async fn close(self) {
        self.studio.close().await;
    }
}

/// The board the copies' history puts every seventh job on.
const BOARD: &str = "Bench";

/// What a long history with local copies costs.
#[derive(Debug, Clone, Copy)]
pub struct CopiesPoint {
    pub first_render_ms: f64,
    pub filter_ms: f64,
    pub storage_mib: f64,
    pub images_mib: f64,
}

/// Puts one PNG of noise into the copies' cache under each address:
/// `(cache, addresses, done)`; answers the images' bytes in all.
const KEEP_COPIES: &str = "const [name, addresses, done] = arguments;
(async () => {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 160;
  const context = canvas.getContext('2d');
  const pixels = context.createImageData(160, 160);
  for (let i = 0; i < pixels.data.length; i++) pixels.data[i] = (i % 4 == 3) ? 255 : Math.random() * 256;
  context.putImageData(pixels, 0, 0);
  const png = await new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
  const cache = await caches.open(name);
  let bytes = 0;
  for (const address of addresses) {
    const kept = address.replace(/bytes=0/, 'bytes=' + png.size).replace(/at=0/, 'at=' + Date.now());
    await cache.put(kept, new Response(png));
    bytes += png.size;
  }
  return bytes;
})().then(done, e => done(String(e)));";

/// Types a search and picks a board, then waits for the grid to settle: `(board, done)`.
const SEARCH_AND_BOARD: &str = "const [board, done] = arguments;
const q = id => document.querySelector(`[data-testid=${id}]`);
const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
(async () => {
  const search = q('filter-search');
  search.value = 'history 1';
  search.dispatchEvent(new Event('input', {bubbles: true}));
  const boards = q('filter-board');
  boards.value = board;
  boards.dispatchEvent(new Event('change', {bubbles: true}));
  await new Promise(r => setTimeout(r, 1500));
  await frame();
})().then(() => done(true), e => done(String(e)));";

/// Turns on the favourites (with the search and board already set) and answers the
/// milliseconds from the click to the paint that shows the new result (the first frame
/// painted after the count changed, as a person sees it): `(done)`.
const TOGGLE_FAVOURITES: &str = "const [done] = arguments;
const q = id => document.querySelector(`[data-testid=${id}]`);
const before = q('filter-count').textContent;
const start = performance.now();
const painted = new Promise(resolve => {
  const observer = new MutationObserver(() => {
    if (q('filter-count').textContent == before) return;
    observer.disconnect();
    // The next frame's callbacks run before its paint; a task queued from there runs after.
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
  });
  observer.observe(q('grid-toolbar'), {childList: true, characterData: true, subtree: true});
});
q('filter-starred').click();
Promise.race([painted, new Promise(r => setTimeout(() => r(null), 10000))]).then(done);";
