//! `cargo xtask dev | test | dist | bench`: installs what is missing, builds, runs.

mod bench;
mod paths;
mod release;
mod run;
mod sizes;
mod split;
mod tools;

use paths::workspace_root;
use run::{cargo, command, Failure};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

const USAGE: &str = "usage: cargo xtask <dev | test | dist | bench>
  dev   install what is missing, build the app, start krea-proxy (simulator unless
        KREA_API_TOKEN is set) serving it, and print the URL
  test  fmt, clippy (host and wasm32), host tests, browser tests, release build, end-to-end
  dist  release build into dist/ and print its sizes (--public-url /studio/: absolute
        asset paths; the default build is relative and works under any path)
  bench the studio against a minimal Leptos app, an empty history and nginx: one table
        of targets met or short, target/bench/report.json and history.svg
        (--quick: each measure once and small, as `test` runs it;
        --only browser | proxy: one part)";

fn main() {
    let task = std::env::args().nth(1).unwrap_or_default();
    let outcome = match task.as_str() {
        "dev" => dev(),
        "test" => run::Scratch::enter("test").and_then(|_scratch| test()),
        "dist" => dist().map(|_| ()),
        "bench" => run::Scratch::enter("bench")
            .and_then(|_scratch| bench::run(std::env::args().any(|a| a == "--quick"), None)),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(Failure(message)) = outcome {
        eprintln!("\nxtask {task} failed: {message}");
        std::process::exit(1);
    }
}

fn dev() -> Result<(), Failure> {
    let tools = tools::ensure(false)?;
    let root = workspace_root();
    let dist = root.join("target/dev-dist");
    let trunk = |verb: &str| {
        let mut trunk = tools.trunk();
        trunk.args([verb, "--offline=true", "--dist"]).arg(&dist);
        trunk
    };
    run::check(&mut trunk("build"), "trunk build")?;
    cargo(&["build", "-p", "krea-proxy"])?;
    // Rebuilds the app on every change while the proxy serves it.
    let _watch = run::KillOnDrop(
        trunk("watch")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| Failure(format!("trunk watch: {e}")))?,
    );
    let listen = std::env::var("KREA_PROXY_LISTEN").unwrap_or_else(|_| "127.0.0.1:8787".into());
    let mut proxy = command(root.join("target/debug/krea-proxy"));
    proxy.args(["--listen", &listen, "--serve"]).arg(&dist);
    if std::env::var_os("KREA_API_TOKEN").is_none() {
        proxy.arg("--simulate");
        println!("KREA_API_TOKEN is not set: using the built-in Krea simulator.");
    }
    let mut proxy = run::KillOnDrop(
        proxy
            .spawn()
            .map_err(|e| Failure(format!("krea-proxy: {e}")))?,
    );
    println!("\nKrea Studio: open http://{listen}/  (Ctrl+C stops)\n");
    let status = proxy.0.wait().map_err(|e| Failure(e.to_string()))?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure(format!("krea-proxy exited with {status}")))
    }
}

fn test() -> Result<(), Failure> {
    let tools = tools::ensure(true)?;
    tools::ensure_redis()?;
    // The static-hosting tests serve the app with nginx, as the README's recipe does.
    tools::ensure_bench_tools()?;
    let root = workspace_root();
    step("formatting");
    cargo(&["fmt", "--all", "--", "--check"])?;
    step("clippy (host)");
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    step("clippy (wasm32)");
    let mut wasm_clippy = tools.cargo();
    wasm_clippy
        .args(["clippy", "-p", "krea-studio", "-p", "krea-api"])
        .args([
            "--target",
            tools::WASM_TARGET,
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        // The browser tests read the proxy URL at compile time; any URL will do for linting.
        .env("KREA_TEST_PROXY", "http://127.0.0.1:8787");
    run::check(&mut wasm_clippy, "clippy (wasm32)")?;
    step("host tests");
    cargo(&["test", "--workspace", "--exclude", "krea-e2e"])?;
    cargo(&["build", "-p", "krea-proxy"])?;
    let proxy_bin = root.join("target/debug/krea-proxy");

    step("browser tests (wasm-bindgen-test in headless Chromium)");
    let (proxy, url) = start_proxy(&proxy_bin, &["--allow-origin", "*", "--sim-job-ms", "1500"])?;
    let mut wasm_tests = tools.cargo();
    wasm_tests
        .args(["test", "-p", "krea-studio", "--target", tools::WASM_TARGET])
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        // A file's tests share one page and one time limit (20 s by default); the storage
        // tests wait out a removal's 10 s of Undo.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
        .env("KREA_TEST_PROXY", &url);
    run::check(&mut wasm_tests, "wasm tests")?;
    drop(proxy);

    step("release build");
    let dist = dist()?;
    scan_for_tokens(&dist)?;

    step("end-to-end (headless Chromium driving the built app)");
    let chaos_report = root.join("target/e2e/chaos.txt");
    let _ = std::fs::remove_file(&chaos_report);
    let mut e2e = tools.cargo();
    // `--tests`: the harness crate has no doc-tests, and the run should end on real ones.
    e2e.args([
        "test",
        "-p",
        "krea-e2e",
        "--tests",
        "--",
        "--test-threads=1",
    ])
    .env("KREA_PROXY_BIN", &proxy_bin)
    .env("KREA_DIST", &dist)
    .env("CHROMEDRIVER", tools::CHROMEDRIVER)
    .env("KREA_E2E_OUT", root.join("target/e2e"));
    run::check(&mut e2e, "end-to-end tests")?;

    step("benchmark smoke (cargo xtask bench --quick)");
    bench::run(true, Some(dist))?;
    // The chaos suite's counts, which its test writes down (test output is captured).
    if let Ok(report) = std::fs::read_to_string(&chaos_report) {
        println!("\n{}", report.lines().next().unwrap_or_default());
    }
    println!("\nxtask test: every check passed");
    Ok(())
}

pub(crate) fn dist() -> Result<std::path::PathBuf, Failure> {
    let tools = tools::ensure(false)?;
    release::ensure_toolchain()?;
    let root = workspace_root();
    let dist = root.join("dist");
    let mut trunk = release::trunk_build(&tools, &root.join("index.html"), &dist, true);
    run::check(&mut trunk, "trunk build --release")?;
    let parts = split::split(
        &split::cargo_wasm(&root),
        &dist,
        &root.join("target/wasm-split"),
    )?;
    sizes::report(&dist, &parts)?;
    Ok(dist)
}

/// Starts the debug proxy on a free port and returns it with its URL.
fn start_proxy(bin: &Path, extra: &[&str]) -> Result<(run::KillOnDrop, String), Failure> {
    let mut child: Child = command(bin)
        .args(["--simulate", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Failure(format!("krea-proxy: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or(Failure("no proxy stdout".into()))?;
    let mut lines = BufReader::new(stdout).lines();
    let line = lines.next().and_then(Result::ok).unwrap_or_default();
    // Keep reading so the proxy never writes into a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .ok_or_else(|| Failure(format!("krea-proxy did not say where it listens: {line:?}")))?
        .to_owned();
    Ok((run::KillOnDrop(child), url))
}

/// Nothing that looks like a Krea token (`uuid:secret`), nor the token in this
/// environment, may end up in the built site.
fn scan_for_tokens(dist: &Path) -> Result<(), Failure> {
    let token = std::env::var("KREA_API_TOKEN")
        .ok()
        .filter(|t| t.len() >= 8);
    scan_folder(dist, token.as_deref())?;
    println!("no Krea token in {}", dist.display());
    Ok(())
}

/// Every file under `dir`, the embed page's folder included.
fn scan_folder(dir: &Path, token: Option<&str>) -> Result<(), Failure> {
    for entry in std::fs::read_dir(dir).map_err(|e| Failure(e.to_string()))? {
        let path = entry.map_err(|e| Failure(e.to_string()))?.path();
        if path.is_dir() {
            scan_folder(&path, token)?;
            continue;
        }
        let bytes =
            std::fs::read(&path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        let text = String::from_utf8_lossy(&bytes);
        let leaked = token.is_some_and(|t| text.contains(t)) || looks_like_token(&text);
        if leaked {
            return Err(Failure(format!(
                "{} contains what looks like a Krea token",
                path.display()
            )));
        }
    }
    Ok(())
}

fn looks_like_token(text: &str) -> bool {
    let bytes = text.as_bytes();
    let is_uuid = |s: &[u8]| {
        s.len() == 36
            && s.iter().enumerate().all(|(i, b)| match i {
                8 | 13 | 18 | 23 => *b == b'-',
                _ => b.is_ascii_hexdigit(),
            })
    };
    (0..bytes.len().saturating_sub(40)).any(|i| {
        is_uuid(&bytes[i..i + 36])
            && bytes[i + 36] == b':'
            && bytes[i + 37..(i + 41).min(bytes.len())]
                .iter()
                .all(u8::is_ascii_alphanumeric)
    })
}

fn step(name: &str) {
    println!("\n==> {name}");
}
