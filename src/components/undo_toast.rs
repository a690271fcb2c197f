use crate::hooks::{tr, use_texts, PendingRemovals};
use crate::i18n::fill;
use crate::jobs::removals::Removed;
use leptos::prelude::*;

/// "2 jobs removed · Undo" (or "Board “X” deleted · Undo") while the newest removal waits
/// (10 s): removing asks no question and loses nothing by mistake.
#[component]
pub fn UndoToast(removals: PendingRemovals) -> impl IntoView {
    let t = use_texts();
    let latest = Memo::new(move |_| {
        removals
            .waiting
            .with(|w| w.latest().map(|r| (r.batch, r.what.clone())))
    });
    view! {
        <Show when=move || latest.with(Option::is_some)>
            <div class="undo-toast" data-testid="undo-toast" role="status">
                <span>
                    {move || latest.get().map(|(_, what)| match what {
                        Removed::Jobs(jobs) => {
                            fill(t.get().removed_jobs, &[("n", &jobs.len().to_string())])
                        }
                        Removed::Board(name) => fill(t.get().board_deleted, &[("name", &name)]),
                    })}
                </span>
                <button
                    type="button"
                    data-testid="undo"
                    on:click=move |_| {
                        if let Some((batch, _)) = latest.get_untracked() {
                            removals.undo.run(batch);
                        }
                    }
                >
                    {tr(t, |t| t.undo)}
                </button>
            </div>
        </Show>
    }
}
