use crate::hooks::{tr, use_texts, NotKept};
use leptos::prelude::*;

/// "Not saved: a reload would lose this job", on the card of a job or submission whose
/// latest change no store holds (the browser refuses both IndexedDB and localStorage).
#[component]
pub fn NotKeptLine(id: String) -> impl IntoView {
    let t = use_texts();
    let not_kept = use_context::<NotKept>();
    let shown = move || not_kept.is_some_and(|n| n.holds(&id));
    view! {
        <Show when=shown>
            <p class="not-kept" data-testid="not-kept" role="alert">
                {tr(t, |t| t.storage_card_unsaved)}
            </p>
        </Show>
    }
}
