use super::JobCard;
use crate::jobs::JobStore;
use leptos::prelude::*;

/// Every job, newest first, one card each, keyed by job id.
#[component]
pub fn JobGrid(store: RwSignal<JobStore>) -> impl IntoView {
    let ids = Memo::new(move |_| store.with(JobStore::ids));
    view! {
        <section class="job-grid" data-testid="job-grid" aria-label="Generations">
            <Show when=move || ids.with(Vec::is_empty)>
                <p class="empty" data-testid="empty-grid">
                    "Your images will appear here. Write a prompt and press Generate."
                </p>
            </Show>
            <For each=move || ids.get() key=|id| id.clone() let:id>
                <JobCard id store />
            </For>
        </section>
    }
}
