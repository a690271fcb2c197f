//! The release build of a Trunk app (the studio, or the benchmark's anchor app): a pinned
//! nightly that rebuilds the standard library with panics as immediate aborts, so no panic
//! message, location or formatting machinery ships (−26 KB brotli, measured in the README's
//! Performance section). Only this build uses the nightly; everything else, tests included,
//! builds on stable, and `KREA_RELEASE_TOOLCHAIN=stable` builds the release on stable too.

use crate::run::{self, check, output, Failure};
use crate::tools::{Tools, WASM_TARGET};
use std::path::Path;
use std::process::Command;

/// Installed through rustup when missing, with `rust-src` (build-std compiles it) and the
/// wasm target.
pub const NIGHTLY: &str = "nightly-2026-05-20";
/// The Cargo profile for the wasm (built for size; native release builds for speed).
const PROFILE: &str = "wasm-release";
/// Leptos erases view types: far fewer distinct view closures in the wasm.
const RUSTFLAGS: &str = "--cfg erase_components";
/// The studio's release is split after the build (`split.rs`): its lazily loaded parts
/// become `#[lazy]`, and the linker keeps the relocations the splitter reads.
const SPLIT_RUSTFLAGS: &str = "--cfg krea_split -Clink-args=--emit-relocs";

/// Which toolchain builds the release: the pinned nightly unless told otherwise.
fn toolchain() -> String {
    std::env::var("KREA_RELEASE_TOOLCHAIN").unwrap_or_else(|_| NIGHTLY.to_owned())
}

fn is_nightly(toolchain: &str) -> bool {
    toolchain.starts_with("nightly")
}

/// Installs the release toolchain when missing and fetches the standard library's own
/// dependencies, so that Trunk's offline build can rebuild it.
pub fn ensure_toolchain() -> Result<(), Failure> {
    let toolchain = toolchain();
    if !is_nightly(&toolchain) {
        return Ok(());
    }
    let sysroot = || output("rustc", &[&format!("+{toolchain}"), "--print", "sysroot"]);
    let library = |root: String| Path::new(root.trim()).join("lib/rustlib/src/rust/library");
    let ready = sysroot().map(library).is_some_and(|l| l.exists())
        && output(
            "rustup",
            &["target", "list", "--installed", "--toolchain", &toolchain],
        )
        .is_some_and(|t| t.lines().any(|line| line.trim() == WASM_TARGET));
    if !ready {
        println!("xtask: installing {toolchain} (release builds only) through rustup");
        check(
            Command::new("rustup").args([
                "toolchain",
                "install",
                &toolchain,
                "--profile",
                "minimal",
                "--component",
                "rust-src",
                "--target",
                WASM_TARGET,
            ]),
            "rustup toolchain install",
        )?;
    }
    let library = sysroot()
        .map(library)
        .ok_or_else(|| Failure(format!("{toolchain} has no sysroot")))?;
    check(
        run::command("cargo")
            .arg(format!("+{toolchain}"))
            .args(["fetch", "--quiet", "--manifest-path"])
            .arg(library.join("Cargo.toml")),
        "cargo fetch (the standard library's dependencies)",
    )
}

/// Where the built files are fetched from: relative by default, so one build works at a
/// site's root, under any sub-path (`/studio/`), and from the embed page; `--public-url`
/// (given to `cargo xtask dist`) makes it absolute.
pub fn public_url() -> String {
    std::env::args()
        .skip_while(|arg| arg != "--public-url")
        .nth(1)
        .unwrap_or_else(|| "./".to_owned())
}

/// `trunk build --release` of `index` (an `index.html`) into `dist`; `split`: built to be
/// split afterwards.
pub fn trunk_build(tools: &Tools, index: &Path, dist: &Path, split: bool) -> Command {
    let toolchain = toolchain();
    let mut trunk = tools.trunk();
    trunk
        .args(["build", "--release", "--offline=true"])
        .args(["--public-url", &public_url()])
        .args(["--cargo-profile", PROFILE, "--dist"])
        .arg(dist)
        .arg(index)
        .env("RUSTUP_TOOLCHAIN", &toolchain)
        // Set by `cargo run`; they would point Trunk's cargo at the stable toolchain.
        .env_remove("CARGO")
        .env_remove("RUSTC")
        .env(
            "RUSTFLAGS",
            match split {
                true => format!("{RUSTFLAGS} {SPLIT_RUSTFLAGS}"),
                false => RUSTFLAGS.to_owned(),
            },
        );
    if is_nightly(&toolchain) {
        trunk
            .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
            .env("CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT", "true")
            .env("CARGO_PROFILE_WASM_RELEASE_PANIC", "immediate-abort");
    }
    trunk
}
