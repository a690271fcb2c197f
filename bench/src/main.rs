//! `cargo xtask bench` runs this after building what it needs: the studio against its
//! anchors (a minimal Leptos app, an empty history, nginx) in one run, alternating and
//! repeated, then one table with every target's verdict, `report.json` and an SVG chart
//! in `KREA_BENCH_OUT`. `--quick` measures everything once, small, so the harness is
//! exercised by `cargo xtask test` without slowing it down.

mod browser;
mod cdp;
mod process_cpu;
mod process_memory;
mod report;
mod soak;
mod stats;
mod throughput;
mod updates;
mod upload;

use report::{Row, Target};
use std::path::PathBuf;
use std::time::Duration;

/// The first visit's brotli transfer (KB) in the dist report of the commit before uploads,
/// enhance and styles (a28364c): the "without" of what that work costs.
const FIRST_PAINT_BEFORE_IMAGES_KB: f64 = 304.9;

fn env_path(name: &str) -> PathBuf {
    std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("{name} is not set: run the benchmark through `cargo xtask bench`")
        })
}

/// One file of a built app, as `cargo xtask dist` reported it (`target/sizes/*.json`).
struct Sized {
    name: String,
    loads: String,
    brotli: f64,
}

/// The dist report xtask wrote for a build (the file named by `env`).
fn dist_report(env: &str) -> Vec<Sized> {
    let path = env_path(env);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}: build it with xtask", path.display()));
    let report: serde_json::Value = serde_json::from_str(&text).expect("a JSON dist report");
    report["files"]
        .as_array()
        .expect("a list of files")
        .iter()
        .map(|file| Sized {
            name: file["name"].as_str().unwrap_or_default().to_owned(),
            loads: file["loads"].as_str().unwrap_or_default().to_owned(),
            brotli: file["brotli"].as_f64().unwrap_or(f64::NAN) / 1024.0,
        })
        .collect()
}

/// Brotli KB of what a first visit fetches: the page, the main module, its glue and loader,
/// the CSS and `config.json`.
fn first_visit_kb(files: &[Sized]) -> f64 {
    files
        .iter()
        .filter(|f| f.loads == "first visit")
        .map(|f| f.brotli)
        .sum()
}

/// `split_settings` of `krea-studio-<hash>-split_settings.wasm`.
fn part_name(file: &str) -> &str {
    let stem = file.strip_suffix(".wasm").unwrap_or(file);
    stem.rsplit_once('-').map_or(stem, |(_, part)| part)
}

#[tokio::main]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    // `--only browser`, `--only proxy` or `--only soak`: one part, while working on it.
    let only = std::env::args().skip_while(|a| a != "--only").nth(1);
    let runs = |part: &str| only.as_deref().is_none_or(|only| only == part);
    let studio_dist = env_path("KREA_DIST");
    let anchor_dist = env_path("KREA_ANCHOR_DIST");
    let out = env_path("KREA_BENCH_OUT");
    let (repeats, sizes, window, wrk_seconds) = if quick {
        (1, vec![0, 200], Duration::from_secs(3), 1)
    } else {
        (5, vec![0, 1000, 2500, 5000], Duration::from_secs(10), 5)
    };

    let studio_files = dist_report("KREA_DIST_SIZES");
    let first_paint = first_visit_kb(&studio_files);
    let parts: Vec<&Sized> = studio_files
        .iter()
        .filter(|f| f.loads == "on first use")
        .collect();
    let mut rows = vec![
        Row {
            measure: "first-visit transfer, brotli (page, main module, glue, CSS, config)".into(),
            unit: "KB",
            studio: first_paint,
            anchor: first_visit_kb(&dist_report("KREA_ANCHOR_SIZES")),
            against: "minimal Leptos app",
            target: Target::AtMost(150.0),
        },
        Row {
            measure: format!("all {} lazy parts together, brotli", parts.len()),
            unit: "KB",
            studio: parts.iter().map(|p| p.brotli).sum(),
            anchor: first_paint,
            against: "first visit",
            target: Target::Reported,
        },
        // What images (uploads, enhance, styles) added: the first visit's transfer as the
        // dist report measured it just before that work landed.
        Row {
            measure: "transfer size, against before uploads and enhance".into(),
            unit: "KB",
            studio: first_paint,
            anchor: FIRST_PAINT_BEFORE_IMAGES_KB,
            against: "before (recorded)",
            target: Target::RatioAtMost(1.1),
        },
    ];
    // Each part's module, fetched on first use or by the idle prefetch.
    for part in &parts {
        rows.push(Row {
            measure: format!("part {}, brotli", part_name(&part.name)),
            unit: "KB",
            studio: part.brotli,
            anchor: first_paint,
            against: "first visit",
            target: Target::Reported,
        });
    }

    let mut curve = Vec::new();
    if runs("browser") {
        println!("bench: browser measures…");
        let browsers = browser::Browsers::start(
            studio_dist.to_str().expect("a UTF-8 path"),
            anchor_dist.to_str().expect("a UTF-8 path"),
        )
        .await;
        let cold = browsers.cold_load(repeats).await;
        rows.push(Row {
            measure: "cold load to ready, Fast-3G-like and 4× CPU".into(),
            unit: "ms",
            studio: cold.studio,
            anchor: cold.anchor,
            against: "minimal Leptos app",
            target: Target::RatioAtMost(1.5),
        });
        let prefetched = browsers.first_use(true, repeats).await;
        let on_demand = browsers.first_use(false, repeats).await;
        rows.extend([
            Row {
                measure: "first use of a lazy part (Settings), prefetched, throttled".into(),
                unit: "ms",
                studio: prefetched.open_ms,
                anchor: 300.0,
                against: "target",
                target: Target::AtMost(300.0),
            },
            // Not prefetched: one request for its module (one round trip and the transfer,
            // measured from the page's resource timing), then compile and show, ≤ 100 ms.
            Row {
                measure: "first use of a lazy part (Settings), not prefetched, throttled".into(),
                unit: "ms",
                studio: on_demand.open_ms,
                anchor: on_demand.fetch_ms,
                against: "its module's fetch",
                target: Target::AtMostAnchorPlus(100.0),
            },
        ]);
        for &jobs in &sizes {
            let mut runs = Vec::new();
            for _ in 0..repeats.min(3) {
                runs.push(browsers.history(jobs, window).await);
            }
            let pick = |f: fn(&browser::HistoryPoint) -> f64| {
                stats::median(&runs.iter().map(f).collect::<Vec<_>>())
            };
            let point = browser::HistoryPoint {
                jobs,
                first_render_ms: pick(|p| p.first_render_ms),
                per_poll_ms: pick(|p| p.per_poll_ms),
                memory_mib: pick(|p| p.memory_mib),
                dom_nodes: pick(|p| p.dom_nodes),
            };
            println!("bench: history of {jobs}: {point:?}");
            curve.push(point);
        }
        // A month of daily use and more, its links dead, the newest kept in the browser.
        let (long, kept) = if quick { (1_000, 200) } else { (10_000, 2_000) };
        let copies = browsers.with_copies(long, kept).await;
        println!("bench: {long} jobs with {kept} local copies: {copies:?}");
        browsers.close().await;
        let (empty, largest) = (curve[0], curve[curve.len() - 1]);
        rows.extend([
            Row {
                measure: format!("first render, {long} jobs with {kept} local copies"),
                unit: "ms",
                studio: copies.first_render_ms,
                anchor: empty.first_render_ms,
                against: "empty history",
                target: Target::RatioAtMost(1.5),
            },
            Row {
                measure: format!("filter: favourites + board + search, {long} jobs"),
                unit: "ms",
                studio: copies.filter_ms,
                anchor: 100.0,
                against: "target",
                target: Target::AtMost(100.0),
            },
            // The history's own records and the cache's bookkeeping come on top of the
            // images' bytes.
            Row {
                measure: format!("storage used, {long} jobs with {kept} local copies"),
                unit: "MiB",
                studio: copies.storage_mib,
                anchor: copies.images_mib,
                against: "the images' own bytes",
                target: Target::RatioAtMost(1.5),
            },
        ]);
        // The first history past empty: node counts must not grow from there.
        let middle = curve[1.min(curve.len() - 1)];
        let jobs = largest.jobs;
        rows.extend([
            Row {
                measure: format!("first render, {jobs} jobs + {} pending", browser::PENDING),
                unit: "ms",
                studio: largest.first_render_ms,
                anchor: empty.first_render_ms,
                against: "empty history",
                target: Target::RatioAtMost(1.5),
            },
            Row {
                measure: format!("main thread per poll answer, {jobs} jobs"),
                unit: "ms",
                studio: largest.per_poll_ms,
                anchor: empty.per_poll_ms,
                against: "empty history",
                target: Target::RatioAtMost(1.2),
            },
            Row {
                measure: format!("memory (JS heap + wasm), {jobs} jobs"),
                unit: "MiB",
                studio: largest.memory_mib,
                anchor: empty.memory_mib,
                against: "empty history",
                target: Target::AtMost(40.0),
            },
            Row {
                measure: format!("DOM nodes, {jobs} jobs (against {})", middle.jobs),
                unit: "nodes",
                studio: largest.dom_nodes,
                anchor: middle.dom_nodes,
                against: "smaller history",
                target: Target::RatioAtMost(1.2),
            },
        ]);
    }

    if runs("updates") {
        println!("bench: how updates arrive…");
        let dist = studio_dist.to_str().expect("a UTF-8 path");
        let (in_flight, latency_jobs, poll_window) = if quick {
            (vec![1, 100], 8, Duration::from_secs(5))
        } else {
            (vec![1, 10, 100], 30, Duration::from_secs(10))
        };
        for jobs in in_flight {
            let most = updates::requests_per_round(dist, jobs, poll_window).await;
            println!("bench: {jobs} in flight: at most {most} request(s) per round");
            rows.push(Row {
                measure: format!("API requests per polling round, {jobs} job(s) in flight"),
                unit: "requests",
                studio: most,
                anchor: jobs as f64,
                against: "one read per job",
                target: Target::AtMost(1.0),
            });
        }
        let pushed = updates::completion_to_card(dist, true, latency_jobs).await;
        let polled = updates::completion_to_card(dist, false, latency_jobs).await;
        let (pushed_p95, _) = updates::summary(&pushed);
        let (polled_p95, polled_mean) = updates::summary(&polled);
        println!("bench: completion → card, pushed {pushed:?}, polled {polled:?}");
        rows.extend([
            Row {
                measure: "completion → card, pushed (p95)".into(),
                unit: "ms",
                studio: pushed_p95,
                anchor: polled_p95,
                against: "polled (p95)",
                target: Target::AtMost(150.0),
            },
            Row {
                measure: "completion → card, polled every 2 s (mean)".into(),
                unit: "ms",
                studio: polled_mean,
                anchor: 1000.0,
                against: "half the interval",
                target: Target::AtMost(1100.0),
            },
        ]);
        // At a 2 s interval a 5 s window may hold a single round after the last takeover,
        // which gives no rate: the tabs get at least 10 s, quick or not.
        let tabs_window = poll_window.max(Duration::from_secs(10));
        let (mut one, mut three) = updates::tabs(dist, tabs_window).await;
        // Seen once in a fresh CI run (2026-12-03): no tab polled for 11 s after the test
        // switched between the three tabs, then polling resumed. Not explained yet (README,
        // Performance); measured once more so one stall does not void the whole run, and
        // said, so a stall that repeats still shows as no number.
        if !(one.is_finite() && three.is_finite()) {
            println!("bench: no job polls seen in a window; measuring the tabs once more");
            (one, three) = updates::tabs(dist, tabs_window).await;
        }
        rows.push(Row {
            measure: "job polls with three tabs open (against one)".into(),
            unit: "per s",
            studio: three,
            anchor: one,
            against: "one tab",
            target: Target::RatioAtMost(1.2),
        });
    }

    if runs("proxy") {
        println!("bench: proxy memory during a 50 MB upload…");
        let grew = upload::peak_growth_for_50_mb().await;
        rows.push(Row {
            measure: "proxy peak memory growth, 50 MB upload".into(),
            unit: "MiB",
            studio: grew,
            anchor: 50.0,
            against: "the file",
            target: Target::AtMost(16.0),
        });
        println!("bench: proxy against nginx…");
        for compared in throughput::compare(&out, repeats.min(3), wrk_seconds).await {
            let c = compared.connections;
            rows.push(Row {
                measure: format!("proxy GET /jobs/{{id}}, {c} connection(s)"),
                unit: "req/s",
                studio: compared.proxy.rps,
                anchor: compared.nginx.rps,
                against: "nginx",
                target: Target::RatioAtLeast(0.9),
            });
            rows.push(Row {
                measure: format!("proxy p99 latency, {c} connection(s)"),
                unit: "ms",
                studio: compared.proxy.p99_ms,
                anchor: compared.nginx.p99_ms,
                against: "nginx",
                target: Target::RatioAtMost(1.1),
            });
            // Steadier than requests/s on a shared machine: what one request costs.
            rows.push(Row {
                measure: format!("proxy CPU per forwarded request, {c} connection(s)"),
                unit: "µs",
                studio: compared.proxy.cpu_us,
                anchor: compared.nginx.cpu_us,
                against: "nginx",
                target: Target::Reported,
            });
        }
    }

    if runs("soak") {
        let (requests, callers) = if quick {
            (3_000, 100)
        } else {
            (100_000, 1_000)
        };
        println!("bench: proxy memory over {requests} requests from {callers} callers…");
        let soak = soak::run(requests, callers).await;
        rows.push(Row {
            measure: format!("proxy memory after {requests} requests from {callers} callers"),
            unit: "MiB",
            studio: soak.end_mib,
            anchor: soak.early_mib,
            against: "after the first tenth",
            target: Target::RatioAtMost(1.1),
        });
    }

    report::write(&out, &rows, &curve, quick);
    println!("\n{}", report::table(&rows));
    let short = rows.iter().filter(|r| !r.passes()).count();
    println!(
        "{} of {} targets met; report in {}",
        rows.len() - short,
        rows.len(),
        out.display()
    );
    // Every measure must have produced a number, met or not.
    let broken: Vec<&str> = rows
        .iter()
        .filter(|r| !r.studio.is_finite() || !r.anchor.is_finite())
        .map(|r| r.measure.as_str())
        .collect();
    if !broken.is_empty() {
        eprintln!("bench: no number for {broken:?}");
        std::process::exit(1);
    }
}
