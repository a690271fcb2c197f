//! Keys files (`--keys`) for the tests: written to a directory of their own, keys stored as
//! their SHA-256, as the proxy wants them.

use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// A key's SHA-256 in hex, as `key_sha256` holds it.
pub fn sha(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `text` as the keys file `name` of this test process.
pub fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("krea-proxy-keys-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("keys.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// One key entry: `name` with `key`, and the rest of its lines (`budget_usd_per_day = 0.10`).
pub fn entry(name: &str, key: &str, rest: &str) -> String {
    format!(
        "[[key]]\nname = \"{name}\"\nkey_sha256 = \"{}\"\n{rest}\n",
        sha(key)
    )
}
