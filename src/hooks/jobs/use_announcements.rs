use crate::hooks::LiveJobs;
use crate::i18n::{fill, Texts};
use crate::jobs::transitions::{Transition, Transitions};
use krea_api::JobStatus;
use leptos::prelude::*;

/// What a polite live region should say: the latest job to finish or fail. Jobs that were
/// already over when the saved history was loaded are not announced.
pub fn use_announcements(
    store: LiveJobs,
    loaded: Signal<bool>,
    texts: Signal<&'static Texts>,
) -> ReadSignal<String> {
    let (said, set_said) = signal(String::new());
    let mut seen = Transitions::default();
    Effect::new(move |_| {
        // The saved history arrives after the page starts: what it holds is not news.
        if !loaded.get() {
            return;
        }
        let t = texts.get_untracked();
        let newly = store.with_list(|s| {
            seen.observe(s.entries())
                .into_iter()
                .find(|(change, _)| *change == Transition::Finished)
                .map(|(_, entry)| {
                    let template = match entry.job.status {
                        JobStatus::Completed => t.announce_done,
                        _ => t.announce_failed,
                    };
                    fill(template, &[("prompt", entry.prompt())])
                })
        });
        if let Some(words) = newly {
            set_said.set(words);
        }
    });
    said
}
