//! The history as a file a person can keep, move to another browser and import again.

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

/// The jobs in an exported file.
pub fn parse(text: &str) -> Result<Vec<JobEntry>, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ImportError::NotJson(e.to_string()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(ImportError::WrongKind);
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(VERSION) {
        return Err(ImportError::TooNew(version as u32));
    }
    serde_json::from_value::<HistoryFile>(value)
        .map(|file| file.jobs)
        .map_err(|e| ImportError::BadJob(e.to_string()))
}

/// `krea-studio-history-2026-11-22.json`.
pub fn file_name(date: &str) -> String {
    format!("krea-studio-history-{date}.json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(id: &str) -> JobEntry {
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
        let jobs = vec![entry("a"), entry("b")];
        let text = export(&jobs);
        assert!(text.contains("\"format\": \"krea-studio.history\""));
        assert_eq!(parse(&text).unwrap(), jobs);
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
            parse(r#"{"format": "krea-studio.history", "version": 1, "jobs": [{"id": 1}]}"#),
            Err(ImportError::BadJob(_))
        ));
        assert_eq!(
            file_name("2026-11-22"),
            "krea-studio-history-2026-11-22.json"
        );
    }
}
