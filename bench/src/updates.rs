//! How job updates reach the studio, measured in headless Chromium against the simulator:
//! requests per polling round as jobs in flight grow, how long a finished image takes to
//! reach its card (pushed, and polled), and what three open tabs cost the proxy.

use crate::stats::{mean, percentile};
use krea_e2e::{Proxy, Stack};
use std::time::Duration;

/// Jobs that stay in flight for the whole measurement.
const FOREVER_MS: &str = "3600000";
/// Requests closer together than this belong to one polling round.
const ROUND_GAP_MS: f64 = 500.0;

/// A studio on its own simulator (`sim` flags), served by the proxy.
async fn studio(dist: &str, sim: &[&str]) -> Stack {
    let mut args = vec!["--simulate", "--serve", dist];
    args.extend(sim);
    Stack::builder()
        .proxy(Proxy::start(&args, &[]).await)
        .start()
        .await
}

/// A studio whose saved history holds `count` jobs in flight, loaded afresh.
async fn with_jobs_in_flight(stack: &Stack, count: usize) {
    stack.open().await;
    let made = stack.make_jobs(count).await;
    assert_eq!(
        made.as_array().map(Vec::len),
        Some(count),
        "the simulator did not make the jobs: {made}"
    );
    stack.seed_history(0, made, "bfl/flux-1-dev").await;
    stack.open().await;
}

/// Job polls (lists and single reads) the page in front made since it started recording,
/// by when they were made (ms).
async fn poll_times(stack: &Stack) -> Vec<f64> {
    let (lists, reads) = stack.job_polls().await;
    let mut times: Vec<f64> = lists.into_iter().chain(reads).map(|(at, _)| at).collect();
    times.sort_by(f64::total_cmp);
    times
}

/// The most requests any one polling round made, with `jobs` in flight, over `window`.
pub async fn requests_per_round(dist: &str, jobs: usize, window: Duration) -> f64 {
    let stack = studio(dist, &["--sim-job-ms", FOREVER_MS]).await;
    with_jobs_in_flight(&stack, jobs).await;
    stack.record_requests().await;
    tokio::time::sleep(window).await;
    let times = poll_times(&stack).await;
    stack.close().await;
    let mut rounds: Vec<usize> = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for at in times {
        if at - last > ROUND_GAP_MS || rounds.is_empty() {
            rounds.push(0);
        }
        *rounds.last_mut().expect("a round") += 1;
        last = at;
    }
    rounds
        .into_iter()
        .max()
        .map_or(f64::NAN, |most| most as f64)
}

/// Completion → card, in ms, for `count` jobs made `spacing` apart so they finish at every
/// phase of the polling interval: pushed (`--public-url`) or polled. Each job's moment of
/// completion is Krea's own `completed_at`; its card's is when its status turned
/// `completed` in the page (same machine, same clock).
pub async fn completion_to_card(dist: &str, pushed: bool, count: usize) -> Vec<f64> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let address = format!("127.0.0.1:{port}");
    let public = format!("http://{address}");
    // Long enough that every job is made, and the page loaded, before the first ends.
    let job_ms = (count as u64 * 400 + 6000).to_string();
    let mut args = vec!["--sim-job-ms", &job_ms, "--listen", &address];
    if pushed {
        args.extend(["--public-url", &public]);
    }
    let stack = studio(dist, &args).await;
    stack.open().await;
    let mut made = Vec::new();
    for _ in 0..count {
        let job = stack.make_jobs(1).await;
        made.extend(job.as_array().cloned().unwrap_or_default());
        // Spread over two poll intervals, at no regular step.
        tokio::time::sleep(Duration::from_millis(250 + (made.len() as u64 * 37) % 150)).await;
    }
    stack
        .seed_history(0, serde_json::Value::Array(made), "bfl/flux-1-dev")
        .await;
    stack.open().await;
    stack
        .eval(
            "window.__cardDone = {};
             new MutationObserver(changes => {
               for (const change of changes) {
                 const card = change.target;
                 if (card.dataset.status === 'completed' && !(card.dataset.jobId in window.__cardDone)) {
                   window.__cardDone[card.dataset.jobId] = Date.now();
                 }
               }
             }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'] });",
        )
        .await;
    stack
        .wait_for_count("[data-testid=job-card][data-status=completed]", count)
        .await;
    // Krea's timestamps carry microseconds; the page's Date reads them to the millisecond.
    let records = stack.stored_jobs().await;
    let latencies = stack
        .browser
        .execute(
            "const [entries] = arguments;
             return entries
               .filter(e => e.job.job_id in window.__cardDone)
               .map(e => window.__cardDone[e.job.job_id]
                         - Date.parse(e.job.completed_at.slice(0, 23) + 'Z'));",
            vec![serde_json::Value::Array(records)],
        )
        .await
        .expect("latencies");
    stack.close().await;
    let latencies: Vec<f64> = serde_json::from_value(latencies).expect("latencies");
    assert_eq!(latencies.len(), count, "every card's moment was seen");
    latencies
}

/// Job polls per second over `window` with one tab open, then with three open: (one,
/// three). A rate from the first poll to the last, so where the window falls between two
/// rounds does not count; the tabs' clocks are one.
pub async fn tabs(dist: &str, window: Duration) -> (f64, f64) {
    let stack = studio(dist, &["--sim-job-ms", FOREVER_MS]).await;
    with_jobs_in_flight(&stack, 10).await;
    stack.record_requests().await;
    tokio::time::sleep(window).await;
    let one = rate(&poll_times(&stack).await);
    let mut tabs = vec![stack.browser.window().await.expect("a window")];
    for _ in 0..2 {
        let tab = stack.browser.new_window(true).await.expect("a tab").handle;
        stack
            .browser
            .switch_to_window(tab.clone())
            .await
            .expect("to the tab");
        stack.open().await;
        tabs.push(tab);
    }
    for tab in &tabs {
        stack
            .browser
            .switch_to_window(tab.clone())
            .await
            .expect("to the tab");
        stack.record_requests().await;
        stack
            .eval(
                "window.__shown = [[Date.now(), !document.hidden]];
                 document.addEventListener('visibilitychange',
                   () => window.__shown.push([Date.now(), !document.hidden]));",
            )
            .await;
    }
    // Each tab brought into view takes the polling over, and one whose round was overdue
    // polls at once: the steady state is what is measured, from a round after the last.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let start = page_clock(&stack).await;
    tokio::time::sleep(window).await;
    let end = page_clock(&stack).await;
    let mut times = Vec::new();
    let mut seen = Vec::new();
    for tab in tabs {
        stack
            .browser
            .switch_to_window(tab)
            .await
            .expect("to the tab");
        // When each tab came into view and left it, so a window with no polls shows
        // which tab was in view.
        seen.push(stack.eval("return window.__shown").await);
        times.extend(
            poll_times(&stack)
                .await
                .into_iter()
                .filter(|at| (start..=end).contains(at)),
        );
    }
    times.sort_by(f64::total_cmp);
    println!(
        "bench: three tabs, {} job polls between {start} and {end}: {times:?}; each tab's \
         [time, in view]: {}",
        times.len(),
        serde_json::Value::Array(seen)
    );
    stack.close().await;
    (one, rate(&times))
}

/// The page's clock (ms since the epoch), which every tab shares.
async fn page_clock(stack: &Stack) -> f64 {
    stack
        .eval("return Date.now()")
        .await
        .as_f64()
        .unwrap_or(f64::NAN)
}

/// Requests per second from the first of `times` (ms, sorted) to the last.
fn rate(times: &[f64]) -> f64 {
    match (times.first(), times.last()) {
        (Some(first), Some(last)) if last > first => {
            (times.len() - 1) as f64 * 1000.0 / (last - first)
        }
        _ => f64::NAN,
    }
}

/// The p95 and mean of a set of latencies.
pub fn summary(latencies: &[f64]) -> (f64, f64) {
    (percentile(latencies, 95.0), mean(latencies))
}
