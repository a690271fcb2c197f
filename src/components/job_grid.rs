use super::{JobCard, SubmissionCard};
use crate::hooks::use_texts;
use crate::jobs::filter::JobFilter;
use crate::jobs::JobStore;
use leptos::prelude::*;

/// Every job that passes the filter, newest first, one card each, keyed by job id; cards for
/// generations still being sent come first.
#[component]
pub fn JobGrid(
    store: RwSignal<JobStore>,
    filter: RwSignal<JobFilter>,
    now: ReadSignal<f64>,
) -> impl IntoView {
    let t = use_texts();
    let ids = Memo::new(move |_| {
        filter.with(|filter| {
            store.with(|s| {
                s.entries()
                    .iter()
                    .filter(|entry| filter.matches(entry))
                    .map(|entry| entry.id().to_owned())
                    .collect::<Vec<_>>()
            })
        })
    });
    let submissions = Memo::new(move |_| {
        store.with(|s| {
            s.submissions()
                .iter()
                .map(|s| s.key.clone())
                .collect::<Vec<_>>()
        })
    });
    let empty = move || ids.with(Vec::is_empty) && submissions.with(Vec::is_empty);
    view! {
        <section class="job-grid" data-testid="job-grid" aria-label=move || t.get().generations>
            <Show when=empty>
                <p class="empty" data-testid="empty-grid">
                    {move || {
                        if store.with(|s| s.entries().is_empty()) {
                            t.get().empty_grid
                        } else {
                            t.get().no_match
                        }
                    }}
                </p>
            </Show>
            <For each=move || submissions.get() key=|key| key.clone() let:key>
                <SubmissionCard submission_key=key store now />
            </For>
            <For each=move || ids.get() key=|id| id.clone() let:id>
                <JobCard id store now />
            </For>
        </section>
    }
}
