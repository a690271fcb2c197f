//! The history as a file a person can keep, move to another browser and import again.

use super::safe_url::is_job_id;
use super::JobEntry;
use serde::{Deserialize, Serialize};

/// Names the file's kind, so that importing some other JSON says so instead of doing harm.
const FORMAT: &str = "krea-studio.history";
const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct HistoryFile {
    format: String,
    version: u32,
    jobs: Vec<JobEntry>,
}

/// The file's text: every job with its full request, status, timestamps and results.
pub fn export(entries: &[JobEntry]) -> String {
    let file = HistoryFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        jobs: entries.to_vec(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Why a file could not be imported; nothing in the history changes then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("not a JSON file ({0})")]
    NotJson(String),
    #[error("not a Krea Studio history export")]
    WrongKind,
    #[error("made by a newer Krea Studio (format version {0})")]
    TooNew(u32),
    #[error("a job in it could not be read ({0})")]
    BadJob(String),
}

/// Why one entry of a file was left out; the others are still imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a job entry this studio can read.
    Unreadable,
    /// The job id is not a UUID, so it could not safely become a request path.
    NotUuid,
}

/// What a file holds: the entries that can be imported, and those that cannot, by their
/// position in the file (from 1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub jobs: Vec<JobEntry>,
    pub refused: Vec<(usize, Refusal)>,
}

/// The jobs in an exported file, each entry read on its own: one bad entry is refused with
/// its reason and does not hide the good ones.
pub fn parse(text: &str) -> Result<Imported, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(ImportError::WrongKind);
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(VERSION) {
        return Err(ImportError::TooNew(version as u32));
    }
    let Some(items) = value.get("jobs").and_then(|jobs| jobs.as_array()) else {
        return Err(ImportError::BadJob("no list of jobs".to_owned()));
    };
    let mut imported = Imported::default();
    for (at, item) in items.iter().enumerate() {
        match JobEntry::deserialize(item) {
            Ok(entry) if is_job_id(entry.id()) => imported.jobs.push(entry),
            Ok(_) => imported.refused.push((at + 1, Refusal::NotUuid)),
            Err(_) => imported.refused.push((at + 1, Refusal::Unreadable)),
        }
    }
    Ok(imported)
}

/// `krea-studio-history-2026-11-22.json`.
pub fn file_name(date: &str) -> String {
    format!("krea-studio-history-{date}.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(n: u8) -> JobEntry {
        let id = format!("4d0e5f97-9721-4422-b88c-73a9032d7de{n}");
        serde_json::from_value(json!({
            "job": {"job_id": id, "status": "completed", "created_at": "2026-11-22T10:00:00Z",
                    "completed_at": "2026-11-22T10:00:07Z",
                    "result": {"urls": ["https://gen.krea.ai/images/x.png"]}},
            "model_id": "bfl/flux-1-dev",
            "request": {"prompt": "a fox", "width": 1024, "height": 768, "seed": 7},
        }))
        .unwrap()
    }

    #[test]
    fn an_export_reads_back_as_the_same_jobs() {
        let jobs = vec![entry(1), entry(2)];
        let text = export(&jobs);
        assert!(text.contains("\"format\": \"krea-studio.history\""));
        assert_eq!(
            parse(&text).unwrap(),
            Imported {
                jobs,
                refused: vec![]
            }
        );
    }

    #[test]
    fn other_files_are_refused_with_the_reason() {
        assert!(matches!(parse("{nope"), Err(ImportError::NotJson(_))));
        assert_eq!(parse(r#"{"jobs": []}"#), Err(ImportError::WrongKind));
        assert_eq!(
            parse(r#"{"format": "krea-studio.history", "version": 9, "jobs": []}"#),
            Err(ImportError::TooNew(9))
        );
        assert!(matches!(
            parse(r#"{"format": "krea-studio.history", "version": 1}"#),
            Err(ImportError::BadJob(_))
        ));
        assert_eq!(
            file_name("2026-11-22"),
            "krea-studio-history-2026-11-22.json"
        );
    }

    #[test]
    fn bad_entries_are_refused_one_by_one_and_the_good_ones_kept() {
        let mut file: serde_json::Value = serde_json::from_str(&export(&[entry(1)])).unwrap();
        let mut traversal = serde_json::to_value(entry(2)).unwrap();
        traversal["job"]["job_id"] = json!("../../generate/image/bfl/flux-1-dev");
        let jobs = file["jobs"].as_array_mut().unwrap();
        jobs.insert(0, json!({"id": 1}));
        jobs.push(traversal);
        jobs.push(serde_json::to_value(entry(3)).unwrap());
        let imported = parse(&file.to_string()).unwrap();
        assert_eq!(imported.jobs, vec![entry(1), entry(3)]);
        assert_eq!(
            imported.refused,
            vec![(1, Refusal::Unreadable), (3, Refusal::NotUuid)]
        );
    }

    // proptest is a host-only dev-dependency.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn any_file_is_imported_or_refused_with_a_reason(text in ".{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn a_damaged_export_never_panics(cut in 0usize..2000, junk in ".{0,20}") {
            let whole = export(&[entry(1), entry(2)]);
            let at = (0..=cut.min(whole.len())).rev().find(|i| whole.is_char_boundary(*i)).unwrap_or(0);
            let _ = parse(&format!("{}{junk}", &whole[..at]));
        }
    }
}
