//! `cargo xtask bench`: builds the studio, the anchor app and the proxy, installs nginx and
//! wrk from Debian when missing, and runs `krea-bench`, which measures and judges.

use crate::paths::workspace_root;
use crate::run::{self, cargo, Failure};
use crate::{release, sizes, tools};
use std::path::PathBuf;

/// `studio`: an already built release dist (the test run has one), or build it.
pub fn run(quick: bool, studio: Option<PathBuf>) -> Result<(), Failure> {
    let tools = tools::ensure(true)?;
    tools::ensure_bench_tools()?;
    release::ensure_toolchain()?;
    let root = workspace_root();
    let studio = match studio {
        Some(dist) => dist,
        None => crate::dist()?,
    };
    let anchor = root.join("target/bench/anchor-dist");
    // The same toolchain and settings as the studio's release.
    let mut trunk = release::trunk_build(
        &tools,
        &root.join("bench/anchor-app/index.html"),
        &anchor,
        false,
    );
    run::check(&mut trunk, "trunk build (anchor app)")?;
    sizes::report(&anchor, &[])?;
    // Full runs measure the proxy as deployed (release); the smoke reuses the test build.
    let profile = if quick { "debug" } else { "release" };
    let mut build = vec!["build", "-p", "krea-proxy", "-p", "krea-bench"];
    if !quick {
        build.push("--release");
    }
    cargo(&build)?;
    let target = root.join("target").join(profile);
    let mut bench = run::command(target.join("krea-bench"));
    if quick {
        bench.arg("--quick");
    }
    if let Some(part) = std::env::args().skip_while(|a| a != "--only").nth(1) {
        bench.args(["--only", &part]);
    }
    bench
        .env("KREA_PROXY_BIN", target.join("krea-proxy"))
        .env("KREA_DIST", &studio)
        .env("KREA_ANCHOR_DIST", &anchor)
        .env("KREA_DIST_SIZES", sizes::report_path(&studio))
        .env("KREA_ANCHOR_SIZES", sizes::report_path(&anchor))
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("KREA_E2E_OUT", root.join("target/bench/browser"))
        .env("KREA_BENCH_OUT", root.join("target/bench"));
    run::check(&mut bench, "krea-bench")
}
