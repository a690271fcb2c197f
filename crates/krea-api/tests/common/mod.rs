//! Krea's own OpenAPI spec, read from `../shared/reference/` beside the checkout (never copied
//! into the repo), or from `KREA_OPENAPI`.

use serde_json::Value;
use std::path::PathBuf;

pub fn krea_spec() -> Value {
    // Cargo says where the crate is when the test runs; the path compiled in is a fallback.
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let path = std::env::var_os("KREA_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../../shared/reference/krea-openapi.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "Krea's spec is expected at {} ({e}); set KREA_OPENAPI to its path",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("the spec is JSON")
}
