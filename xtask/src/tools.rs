//! The tools the build needs, checked by version and installed when missing, only from
//! package registries: rustup for the wasm target, crates.io for Trunk and the wasm-bindgen
//! CLI, npm for binaryen's wasm-opt, Debian for Chromium and its driver. Nothing is
//! downloaded as a prebuilt binary from anywhere else.

use crate::paths::{binaryen_dir, workspace_root, BINARYEN_VERSION};
use crate::run::{self, cargo, check, output, Failure};
use std::process::Command;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// Trunk 0.22 needs a newer rustc than this machine's 1.95.
const TRUNK_VERSION: &str = "0.21.14";
const WASM_OPT_VERSION: &str = "version 132";

pub struct Tools;

impl Tools {
    pub fn trunk(&self) -> Command {
        let mut trunk = run::command("trunk");
        trunk.arg("--skip-version-check");
        trunk
    }

    pub fn cargo(&self) -> Command {
        run::command(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
    }
}

/// Installs whatever is missing; with `browser`, also Chromium and ChromeDriver.
pub fn ensure(browser: bool) -> Result<Tools, Failure> {
    ensure_wasm_target()?;
    ensure_wasm_bindgen()?;
    ensure_trunk()?;
    ensure_wasm_opt()?;
    if browser {
        ensure_chromium()?;
    }
    // Trunk builds offline, so every crate must already be here.
    cargo(&["fetch", "--quiet"])?;
    Ok(Tools)
}

fn ensure_wasm_target() -> Result<(), Failure> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    announce("the wasm32 target");
    check(
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
        "rustup target add",
    )
}

/// The CLI must match the `wasm-bindgen` crate in Cargo.lock exactly.
fn ensure_wasm_bindgen() -> Result<(), Failure> {
    let wanted = locked_version("wasm-bindgen")?;
    let trunk_toml = std::fs::read_to_string(workspace_root().join("Trunk.toml"))
        .map_err(|e| Failure(format!("Trunk.toml: {e}")))?;
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wanted}\"")) {
        return Err(Failure(format!(
            "Trunk.toml must pin wasm_bindgen = \"{wanted}\" (the version in Cargo.lock)"
        )));
    }
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(wanted.as_str()) {
        return Ok(());
    }
    announce(&format!("wasm-bindgen-cli {wanted}"));
    // Not --locked: its lockfile wants crate versions the registry mirror may lack.
    cargo(&["install", "wasm-bindgen-cli", "--version", &wanted])
}

fn ensure_trunk() -> Result<(), Failure> {
    let have = output("trunk", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(TRUNK_VERSION) {
        return Ok(());
    }
    announce(&format!("trunk {TRUNK_VERSION}"));
    cargo(&["install", "trunk", "--version", TRUNK_VERSION, "--locked"])
}

fn ensure_wasm_opt() -> Result<(), Failure> {
    let have = output("wasm-opt", &["--version"]).unwrap_or_default();
    if have.contains(WASM_OPT_VERSION) {
        return Ok(());
    }
    if output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    announce(&format!("binaryen {BINARYEN_VERSION} (wasm-opt) from npm"));
    let dir = binaryen_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Failure(e.to_string()))?;
    check(
        run::command("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("binaryen@{BINARYEN_VERSION}")),
        "npm install binaryen",
    )
}

fn ensure_chromium() -> Result<(), Failure> {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    announce("Chromium and ChromeDriver from Debian");
    apt_install(&["chromium", "chromium-driver"])
}

/// nginx (the static-hosting tests' server and the forwarding yardstick) and wrk (the load
/// generator), from Debian.
pub fn ensure_bench_tools() -> Result<(), Failure> {
    let have = |path: &str| std::path::Path::new(path).exists();
    if have("/usr/sbin/nginx") && have("/usr/bin/wrk") {
        return Ok(());
    }
    announce("nginx and wrk from Debian");
    apt_install(&["nginx-light", "wrk"])
}

/// Redis, which the proxy's shared-state tests start on a free port.
pub fn ensure_redis() -> Result<(), Failure> {
    if std::path::Path::new("/usr/bin/redis-server").exists() {
        return Ok(());
    }
    announce("redis-server from Debian");
    apt_install(&["redis-server"])
}

fn apt_install(packages: &[&str]) -> Result<(), Failure> {
    let root = output("id", &["-u"]).is_some_and(|id| id.trim() == "0");
    let apt = |args: &[&str]| {
        let mut command = if root {
            Command::new("apt-get")
        } else {
            let mut sudo = Command::new("sudo");
            sudo.arg("apt-get");
            sudo
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    check(&mut apt(&["update", "-q"]), "apt-get update")?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(packages);
    check(&mut install, "apt-get install")
}

/// The version of `name` in Cargo.lock.
fn locked_version(name: &str) -> Result<String, Failure> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|e| Failure(format!("Cargo.lock: {e}")))?;
    let needle = format!("name = \"{name}\"\nversion = \"");
    let start = lock
        .find(&needle)
        .ok_or_else(|| Failure(format!("{name} is not in Cargo.lock")))?
        + needle.len();
    Ok(lock[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned())
}

fn announce(what: &str) {
    println!("installing {what} (first run only)…");
}
