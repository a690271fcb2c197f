//! Where the project's own tools live, so every command finds them first on `PATH`.

use std::path::{Path, PathBuf};

/// Binaryen from npm: Debian's wasm-opt 108 silently breaks the app; 132 does not.
pub const BINARYEN_VERSION: &str = "132.0.0";

/// The checkout `cargo xtask` was run in. `cargo run` says where xtask's manifest is at run
/// time; the path compiled in is only a fallback, as one build may serve several checkouts.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .expect("xtask lives in the workspace")
}

pub fn binaryen_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(|| workspace_root().join("target"));
    cache
        .join("krea-studio")
        .join(format!("binaryen-{BINARYEN_VERSION}"))
}

/// `PATH` with the project's tools first: cargo's bin and binaryen's wasm-opt.
pub fn path_with_tools() -> Option<std::ffi::OsString> {
    let mut dirs = vec![binaryen_dir().join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    {
        dirs.push(home.join("bin"));
    }
    let current = std::env::var_os("PATH").unwrap_or_default();
    dirs.extend(std::env::split_paths(&current));
    std::env::join_paths(dirs).ok()
}
