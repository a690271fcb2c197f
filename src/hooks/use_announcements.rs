use super::LiveJobs;
use crate::i18n::{fill, Texts};
use krea_api::JobStatus;
use leptos::prelude::*;
use std::collections::HashSet;

/// What a polite live region should say: the latest job to finish or fail. Jobs that were
/// already over when the saved history was loaded are not announced.
pub fn use_announcements(
    store: LiveJobs,
    loaded: Signal<bool>,
    texts: Signal<&'static Texts>,
) -> ReadSignal<String> {
    let (said, set_said) = signal(String::new());
    Effect::new(move |previous: Option<Option<HashSet<String>>>| {
        // The saved history arrives after the page starts: what it holds is not news.
        if !loaded.get() {
            return None;
        }
        let previous = previous.flatten();
        let finished: HashSet<String> = store.with_list(|s| {
            s.entries()
                .iter()
                .filter(|entry| entry.job.is_finished())
                .map(|entry| entry.id().to_owned())
                .collect()
        });
        if let Some(previous) = previous {
            let t = texts.get_untracked();
            let newly = store.with_untracked(|s| {
                s.entries()
                    .iter()
                    .find(|e| finished.contains(e.id()) && !previous.contains(e.id()))
                    .map(|e| {
                        let template = match e.job.status {
                            JobStatus::Completed => t.announce_done,
                            _ => t.announce_failed,
                        };
                        fill(template, &[("prompt", e.prompt())])
                    })
            });
            if let Some(words) = newly {
                set_said.set(words);
            }
        }
        Some(finished)
    });
    said
}
