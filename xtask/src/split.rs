//! Splits the release wasm into the part a first visit needs and parts loaded on first use.
//!
//! Trunk builds the page, the stylesheet and the wasm, but it cannot split: it runs
//! wasm-bindgen straight after cargo. So the release build compiles the app with
//! `--cfg krea_split` (which turns the studio's lazily loaded parts into Leptos `#[lazy]`
//! functions) and with relocations kept, lets Trunk finish, and then redoes the wasm here
//! the way cargo-leptos does:
//! 1. `wasm_split_cli_support` cuts cargo's wasm into a main module, one module per lazy
//!    part (plus chunks that several parts share), and a loader script;
//! 2. wasm-bindgen turns the main module into the glue and wasm Trunk's page already loads,
//!    under the same hashed names;
//! 3. wasm-opt shrinks every module;
//! 4. the pages' integrity hashes are brought up to date.
//!
//! Every file the split adds carries the build's hash in its name, like Trunk's own.

use crate::run::{check, command, Failure};
use base64::Engine as _;
use sha2::Digest as _;
use std::path::{Path, PathBuf};

/// cargo's wasm of the studio, as Trunk's release build left it.
pub fn cargo_wasm(root: &Path) -> PathBuf {
    root.join("target/wasm32-unknown-unknown/wasm-release/krea-studio.wasm")
}

/// Splits `wasm` (cargo's output) and replaces Trunk's glue and wasm in `dist`; returns
/// every lazy part's module and shared chunk, as named in `dist/`. The loader the glue
/// imports (`<stem>-parts.js`) fetches each relative to itself.
pub fn split(wasm: &Path, dist: &Path, work: &Path) -> Result<Vec<String>, Failure> {
    let stem = app_stem(dist)?;
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).map_err(fail("split folder"))?;
    let input = std::fs::read(wasm).map_err(fail(&wasm.display().to_string()))?;

    let main = work.join("main.wasm");
    let loader = format!("{stem}-parts.js");
    let glue = format!("./{stem}.js");
    let link = format!("./{loader}");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = work;
        options.main_out_path = &main;
        options.link_name = &link;
        options.main_module = &glue;
        options
    })
    .map_err(|e| Failure(format!("wasm-split: {e:#}")))?;

    let bindgen = work.join("bindgen");
    check(
        command("wasm-bindgen")
            .args(["--target", "web", "--keep-lld-exports", "--out-name", &stem])
            .arg("--out-dir")
            .arg(&bindgen)
            .arg(&main),
        "wasm-bindgen (split main module)",
    )?;

    // Trunk's files, whose integrity hashes the pages carry.
    let glue_file = format!("{stem}.js");
    let wasm_file = format!("{stem}_bg.wasm");
    let mut replaced = Vec::new();
    for name in [&glue_file, &wasm_file] {
        let before = integrity(&dist.join(name))?;
        let built = bindgen.join(name);
        if name.ends_with(".wasm") {
            optimize(&built)?;
        }
        std::fs::copy(&built, dist.join(name)).map_err(fail(name))?;
        replaced.push((before, integrity(&dist.join(name))?));
    }

    // The parts, renamed after the build like Trunk's files, and the loader that fetches them.
    let mut script = std::fs::read_to_string(work.join(&loader)).map_err(fail(&loader))?;
    let mut parts = Vec::new();
    for module in &split.split_modules {
        let file = module
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let named = format!("{stem}-{file}");
        optimize(module)?;
        std::fs::copy(module, dist.join(&named)).map_err(fail(&named))?;
        script = script.replace(&format!("\"./{file}\""), &format!("\"./{named}\""));
        parts.push(named);
    }
    std::fs::write(dist.join(&loader), script).map_err(fail(&loader))?;
    parts.sort();

    update_integrity(dist, &replaced)?;
    Ok(parts)
}

fn fail(what: &str) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure(format!("{what}: {e}"))
}

/// Trunk's hashed name for the app (`krea-studio-<hash>`), read from its glue in `dist`.
fn app_stem(dist: &Path) -> Result<String, Failure> {
    std::fs::read_dir(dist)
        .map_err(|e| Failure(format!("{}: {e}", dist.display())))?
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .find_map(|name| {
            name.strip_suffix("_bg.wasm")
                .filter(|stem| stem.starts_with("krea-studio"))
                .map(str::to_owned)
        })
        .ok_or_else(|| Failure(format!("no krea-studio wasm in {}", dist.display())))
}

/// wasm-opt, as Trunk runs it for the unsplit app: smallest size, repeated until it stops
/// paying. `KREA_WASM_NAMES=1` keeps the functions' names, so that a profile taken in
/// DevTools names what costs (a bigger file, for profiling only).
fn optimize(wasm: &Path) -> Result<(), Failure> {
    let keep_names = std::env::var_os("KREA_WASM_NAMES").is_some_and(|v| v == "1");
    check(
        command("wasm-opt")
            .args(["-Oz", "--converge"])
            .args(keep_names.then_some("-g"))
            .arg(wasm)
            .arg("-o")
            .arg(wasm),
        "wasm-opt",
    )
}

/// The subresource-integrity value of a file, as Trunk writes it (`sha384-…`).
fn integrity(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
    let digest = sha2::Sha384::digest(&bytes);
    Ok(format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    ))
}

/// Every page under `dir` (the studio's and the embed page) names the new files' hashes.
fn update_integrity(dir: &Path, replaced: &[(String, String)]) -> Result<(), Failure> {
    for entry in std::fs::read_dir(dir).map_err(|e| Failure(e.to_string()))? {
        let path = entry.map_err(|e| Failure(e.to_string()))?.path();
        if path.is_dir() {
            update_integrity(&path, replaced)?;
            continue;
        }
        if path.extension().is_none_or(|ext| ext != "html") {
            continue;
        }
        let page = std::fs::read_to_string(&path).map_err(|e| Failure(e.to_string()))?;
        let updated = replaced
            .iter()
            .fold(page.clone(), |page, (old, new)| page.replace(old, new));
        if updated != page {
            std::fs::write(&path, updated).map_err(|e| Failure(e.to_string()))?;
        }
    }
    Ok(())
}
