//! What the built app weighs over the wire: raw, gzip and brotli per file, and when the
//! browser fetches it (the first visit, or on first use of a lazy part), against the budget
//! for the first visit. The compressed copies are written beside each file (`name.br`,
//! `name.gz`), for `krea-proxy --serve` or any static host that serves them.
//!
//! The same figures are written to `target/sizes/<dist folder>.json` (not into `dist/`),
//! which the bench reads instead of judging the files again.

use crate::run::Failure;
use std::io::Write;
use std::path::{Path, PathBuf};

const BUDGET_BROTLI_BYTES: usize = 150 * 1024;

/// The embed loader, which other sites link to; not part of the studio's own first visit.
const LOADER: &str = "embed.js";
/// The embed page, which loads the same wasm, glue and CSS as `index.html`.
const EMBED_PAGE: &str = "embed/index.html";
/// Read before the studio shows; never compressed on disk (deployers edit it in place, and
/// a stale compressed copy would win), so only its size is worked out here.
const CONFIG: &str = "config.json";

/// When a file crosses the wire.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Loads {
    FirstVisit,
    OnFirstUse,
    /// Only pages that embed the studio.
    Embedding,
}

impl Loads {
    fn words(self) -> &'static str {
        match self {
            Loads::FirstVisit => "first visit",
            Loads::OnFirstUse => "on first use",
            Loads::Embedding => "embedding",
        }
    }
}

struct File {
    name: String,
    loads: Loads,
    raw: usize,
    gzip: usize,
    brotli: usize,
}

/// Where the report of `dist` is written.
pub fn report_path(dist: &Path) -> PathBuf {
    let mut name = dist.file_name().unwrap_or_default().to_os_string();
    name.push(".json");
    crate::paths::workspace_root()
        .join("target/sizes")
        .join(name)
}

/// `parts`: the files only a lazy part's first use fetches.
pub fn report(dist: &Path, parts: &[String]) -> Result<(), Failure> {
    let mut files = Vec::new();
    compress(dist, dist, &mut files)?;
    if let Ok(config) = std::fs::read(dist.join(CONFIG)) {
        files.push(File {
            name: CONFIG.into(),
            loads: Loads::FirstVisit,
            raw: config.len(),
            gzip: gzip(&config).len(),
            brotli: brotli(&config).len(),
        });
    }
    for file in &mut files {
        file.loads = match file.name.as_str() {
            LOADER | EMBED_PAGE => Loads::Embedding,
            name if parts.iter().any(|part| part == name) => Loads::OnFirstUse,
            _ => Loads::FirstVisit,
        };
    }
    files.sort_by(|a, b| (a.loads, &a.name).cmp(&(b.loads, &b.name)));
    println!(
        "\n{:<64} {:>12} {:>10} {:>10} {:>10}",
        "file", "loads", "raw", "gzip", "brotli"
    );
    for file in &files {
        println!(
            "{:<64} {:>12} {:>10} {:>10} {:>10}",
            file.name,
            file.loads.words(),
            kb(file.raw),
            kb(file.gzip),
            kb(file.brotli)
        );
    }
    let brotli_of = |loads: Loads| -> usize {
        files
            .iter()
            .filter(|f| f.loads == loads)
            .map(|f| f.brotli)
            .sum()
    };
    let first_visit = brotli_of(Loads::FirstVisit);
    let on_first_use = brotli_of(Loads::OnFirstUse);
    println!(
        "first visit {} brotli of a {} budget; lazy parts {} more in {} files; all {}",
        kb(first_visit),
        kb(BUDGET_BROTLI_BYTES),
        kb(on_first_use),
        parts.len(),
        kb(first_visit + on_first_use)
    );
    let named = |name: &str| files.iter().find(|f| f.name == name).map(|f| f.brotli);
    if let (Some(loader), Some(page), Some(index)) =
        (named(LOADER), named(EMBED_PAGE), named("index.html"))
    {
        println!("embed loader ({LOADER}) {} brotli", kb(loader));
        println!(
            "embed page's first visit (its page, wasm, glue, CSS and config) {} brotli",
            kb(first_visit - index + page)
        );
    }
    write_json(&report_path(dist), &files)
}

/// `{"files": [{"name", "loads", "raw", "gzip", "brotli"}…]}`, by hand: xtask has no
/// serde, and the names are plain file names.
fn write_json(path: &Path, files: &[File]) -> Result<(), Failure> {
    let rows: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                "    {{\"name\": \"{}\", \"loads\": \"{}\", \"raw\": {}, \"gzip\": {}, \"brotli\": {}}}",
                f.name.replace('\\', "/").replace('"', ""),
                f.loads.words(),
                f.raw,
                f.gzip,
                f.brotli
            )
        })
        .collect();
    let json = format!("{{\"files\": [\n{}\n]}}\n", rows.join(",\n"));
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(|e| Failure(e.to_string()))?;
    }
    std::fs::write(path, json).map_err(|e| Failure(format!("{}: {e}", path.display())))
}

/// Writes `.gz` and `.br` beside every page, script, stylesheet and wasm under `dir`, and
/// notes each one's sizes under its path in `dist`.
fn compress(dist: &Path, dir: &Path, files: &mut Vec<File>) -> Result<(), Failure> {
    for entry in std::fs::read_dir(dir).map_err(|e| Failure(e.to_string()))? {
        let path = entry.map_err(|e| Failure(e.to_string()))?.path();
        if path.is_dir() {
            compress(dist, &path, files)?;
            continue;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
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
        files.push(File {
            name,
            loads: Loads::FirstVisit,
            raw: bytes.len(),
            gzip: gz.len(),
            brotli: br.len(),
        });
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
