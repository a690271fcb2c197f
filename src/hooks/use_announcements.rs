use super::LiveJobs;
use crate::i18n::{fill, Texts};
use krea_api::JobStatus;
use leptos::prelude::*;
use std::collections::HashSet;

/// What a polite live region should say: the latest job to finish or fail. Jobs that were
/// already over when the saved history was loaded are not announced. Only the jobs still
/// running are remembered between changes (a handful), not the whole history.
pub fn use_announcements(
    store: LiveJobs,
    loaded: Signal<bool>,
    texts: Signal<&'static Texts>,
) -> ReadSignal<String> {
    let (said, set_said) = signal(String::new());
    Effect::new(move |running_before: Option<Option<HashSet<String>>>| {
        // The saved history arrives after the page starts: what it holds is not news.
        if !loaded.get() {
            return None;
        }
        let running_before = running_before.flatten().unwrap_or_default();
        let t = texts.get_untracked();
        let (running, newly) = store.with_list(|s| {
            let mut running = HashSet::new();
            let mut newly = None;
            for entry in s.entries() {
                if !entry.job.is_finished() {
                    running.insert(entry.id().to_owned());
                } else if newly.is_none() && running_before.contains(entry.id()) {
                    let template = match entry.job.status {
                        JobStatus::Completed => t.announce_done,
                        _ => t.announce_failed,
                    };
                    newly = Some(fill(template, &[("prompt", entry.prompt())]));
                }
            }
            (running, newly)
        });
        if let Some(words) = newly {
            set_said.set(words);
        }
        Some(running)
    });
    said
}
