//! Which jobs started or finished since the last look, for what reports them as they happen
//! (the screen reader's live region, an embedding page's events). Only the jobs still running
//! are remembered between looks (a handful), never the whole history; what was already over
//! or already running at the first look is not news.

use super::JobEntry;
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Started,
    Finished,
}

#[derive(Debug, Default)]
pub struct Transitions {
    /// `None` before the first look.
    running: Option<HashSet<String>>,
}

impl Transitions {
    /// The entries that started or finished since the last call, in the store's order
    /// (newest first). The first call only takes note of what is running.
    pub fn observe<'a>(
        &mut self,
        entries: impl IntoIterator<Item = &'a JobEntry>,
    ) -> Vec<(Transition, &'a JobEntry)> {
        let before = self.running.take();
        let mut running = HashSet::new();
        let mut news = Vec::new();
        for entry in entries {
            let was_running = before.as_ref().map(|ids| ids.contains(entry.id()));
            if entry.job.is_finished() {
                if was_running == Some(true) {
                    news.push((Transition::Finished, entry));
                }
            } else {
                running.insert(entry.id().to_owned());
                if was_running == Some(false) {
                    news.push((Transition::Started, entry));
                }
            }
        }
        self.running = Some(running);
        news
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krea_api::{Job, JobStatus};

    fn entry(id: &str, status: JobStatus) -> JobEntry {
        JobEntry::new(
            Job {
                job_id: id.into(),
                status,
                created_at: "2026-01-01T00:00:00Z".into(),
                completed_at: None,
                result: None,
                error: None,
            },
            "bfl/flux-1-dev".into(),
            Default::default(),
        )
    }

    fn ids(news: &[(Transition, &JobEntry)]) -> Vec<(Transition, String)> {
        news.iter().map(|(t, e)| (*t, e.id().to_owned())).collect()
    }

    #[test]
    fn starts_and_ends_are_news_once_and_the_first_look_is_not() {
        let mut seen = Transitions::default();
        let loaded = [
            entry("old", JobStatus::Completed),
            entry("running", JobStatus::Processing),
        ];
        assert!(seen.observe(&loaded).is_empty());
        let now = [
            entry("new", JobStatus::Queued),
            entry("old", JobStatus::Completed),
            entry("running", JobStatus::Completed),
        ];
        assert_eq!(
            ids(&seen.observe(&now)),
            [
                (Transition::Started, "new".into()),
                (Transition::Finished, "running".into())
            ]
        );
        assert!(seen.observe(&now).is_empty());
        let failed = [
            entry("new", JobStatus::Failed),
            entry("old", JobStatus::Completed),
        ];
        assert_eq!(
            ids(&seen.observe(&failed)),
            [(Transition::Finished, "new".into())]
        );
    }
}
