//! What the built app weighs over the wire: raw, gzip and brotli per file, against the
//! budget for the whole app. The compressed copies are written beside each file
//! (`name.br`, `name.gz`), for `krea-proxy --serve` or any static host that serves them.

use crate::run::Failure;
use std::io::Write;
use std::path::Path;

const BUDGET_BROTLI_BYTES: usize = 150 * 1024;

/// The embed loader, which other sites link to; not part of the studio's own first paint.
const LOADER: &str = "embed.js";
/// The embed page, which loads the same wasm, glue and CSS as `index.html`.
const EMBED_PAGE: &str = "embed/index.html";

pub fn report(dist: &Path) -> Result<(), Failure> {
    let mut rows = Vec::new();
    compress(dist, dist, &mut rows)?;
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
    let brotli_of = |name: &str| rows.iter().find(|row| row.0 == name).map(|row| row.3);
    let studio: usize = rows
        .iter()
        .filter(|row| row.0 != LOADER && row.0 != EMBED_PAGE)
        .map(|row| row.3)
        .sum();
    println!(
        "total brotli {} of a {} budget",
        kb(studio),
        kb(BUDGET_BROTLI_BYTES)
    );
    if let (Some(loader), Some(page), Some(index)) = (
        brotli_of(LOADER),
        brotli_of(EMBED_PAGE),
        brotli_of("index.html"),
    ) {
        println!("embed loader ({LOADER}) {} brotli", kb(loader));
        println!(
            "embed page transfer (its page, wasm, glue and CSS) {} brotli",
            kb(studio - index + page)
        );
    }
    Ok(())
}

/// Writes `.gz` and `.br` beside every page, script, stylesheet and wasm under `dir`, and
/// notes each one's sizes under its path in `dist`.
fn compress(
    dist: &Path,
    dir: &Path,
    rows: &mut Vec<(String, usize, usize, usize)>,
) -> Result<(), Failure> {
    for entry in std::fs::read_dir(dir).map_err(|e| Failure(e.to_string()))? {
        let path = entry.map_err(|e| Failure(e.to_string()))?.path();
        if path.is_dir() {
            compress(dist, &path, rows)?;
            continue;
        }
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
            .strip_prefix(dist)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        rows.push((name, bytes.len(), gz.len(), br.len()));
    }
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
