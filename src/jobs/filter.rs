//! Which jobs the grid shows: by status, by model, and by words in the prompt.

use super::JobEntry;
use krea_api::JobStatus;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    All,
    InFlight,
    Completed,
    Failed,
    Cancelled,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 5] = [
        StatusFilter::All,
        StatusFilter::InFlight,
        StatusFilter::Completed,
        StatusFilter::Failed,
        StatusFilter::Cancelled,
    ];

    /// The value a `<select>` carries.
    pub fn key(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::InFlight => "in-flight",
            StatusFilter::Completed => "completed",
            StatusFilter::Failed => "failed",
            StatusFilter::Cancelled => "cancelled",
        }
    }

    pub fn from_key(key: &str) -> StatusFilter {
        StatusFilter::ALL
            .into_iter()
            .find(|filter| filter.key() == key)
            .unwrap_or_default()
    }

    fn admits(self, entry: &JobEntry) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::InFlight => !entry.is_settled(),
            StatusFilter::Completed => entry.job.status == JobStatus::Completed,
            StatusFilter::Failed => entry.job.status == JobStatus::Failed,
            StatusFilter::Cancelled => entry.job.status == JobStatus::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub status: StatusFilter,
    /// A model id; empty for every model.
    pub model: String,
    /// Words that must all appear in the prompt, in any case and order.
    pub search: String,
}

impl JobFilter {
    pub fn matches(&self, entry: &JobEntry) -> bool {
        self.status.admits(entry)
            && (self.model.is_empty() || entry.model_id == self.model)
            && (self.search.trim().is_empty() || {
                // Lowercased only when there is something to look for: the grid asks this
                // of every job in the history.
                let prompt = entry.prompt().to_lowercase();
                self.search
                    .to_lowercase()
                    .split_whitespace()
                    .all(|word| prompt.contains(word))
            })
    }

    pub fn is_active(&self) -> bool {
        *self != JobFilter::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(model: &str, status: &str, prompt: &str) -> JobEntry {
        serde_json::from_value(json!({
            "job": {"job_id": prompt, "status": status, "created_at": "2026-11-22T10:00:00Z"},
            "model_id": model,
            "request": {"prompt": prompt},
        }))
        .unwrap()
    }

    #[test]
    fn status_model_and_words_narrow_the_grid_together() {
        let jobs = [
            entry("bfl/flux-1-dev", "completed", "A Red Fox in snow"),
            entry("bfl/flux-1-dev", "processing", "a red barn"),
            entry("krea/krea-2/medium", "failed", "fox portrait"),
            entry("krea/krea-2/medium", "cancelled", "blue sea"),
        ];
        let shown = |filter: &JobFilter| -> Vec<&str> {
            jobs.iter()
                .filter(|e| filter.matches(e))
                .map(JobEntry::prompt)
                .collect()
        };
        assert_eq!(shown(&JobFilter::default()).len(), 4);
        assert!(!JobFilter::default().is_active());
        let mut filter = JobFilter {
            search: "fox".into(),
            ..JobFilter::default()
        };
        assert_eq!(shown(&filter), ["A Red Fox in snow", "fox portrait"]);
        filter.search = "red FOX".into();
        assert_eq!(shown(&filter), ["A Red Fox in snow"]);
        filter.search.clear();
        filter.status = StatusFilter::InFlight;
        assert_eq!(shown(&filter), ["a red barn"]);
        filter.status = StatusFilter::from_key("failed");
        filter.model = "krea/krea-2/medium".into();
        assert_eq!(shown(&filter), ["fox portrait"]);
        assert!(filter.is_active());
        assert_eq!(StatusFilter::from_key("nonsense"), StatusFilter::All);
    }
}
