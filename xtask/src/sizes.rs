//! What the built app weighs over the wire: raw, gzip and brotli per file, against the
//! budget for the whole app. The compressed copies are written beside each file
//! (`name.br`, `name.gz`), for `krea-proxy --serve` or any static host that serves them.

use crate::run::Failure;
use std::io::Write;
use std::path::Path;

const BUDGET_BROTLI_BYTES: usize = 150 * 1024;

pub fn report(dist: &Path) -> Result<(), Failure> {
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(dist).map_err(|e| Failure(e.to_string()))? {
        let path = entry.map_err(|e| Failure(e.to_string()))?.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        // Not config.json: deployers edit it in place, and a stale compressed copy would win.
        if !matches!(ext, "wasm" | "js" | "css" | "html") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| Failure(e.to_string()))?;
        let (gz, br) = (gzip(&bytes), brotli(&bytes));
        let beside = |suffix: &str| {
            path.with_file_name(format!(
                "{}.{suffix}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ))
        };
        std::fs::write(beside("gz"), &gz).map_err(|e| Failure(e.to_string()))?;
        std::fs::write(beside("br"), &br).map_err(|e| Failure(e.to_string()))?;
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        rows.push((name, bytes.len(), gz.len(), br.len()));
    }
    rows.sort();
    println!(
        "\n{:<48} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    for (name, raw, gz, br) in &rows {
        println!(
            "{name:<48} {:>10} {:>10} {:>10}",
            kb(*raw),
            kb(*gz),
            kb(*br)
        );
    }
    let total: usize = rows.iter().map(|row| row.3).sum();
    println!(
        "total brotli {} of a {} budget",
        kb(total),
        kb(BUDGET_BROTLI_BYTES)
    );
    Ok(())
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}
