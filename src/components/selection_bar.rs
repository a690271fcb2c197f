use super::{BoardNameForm, LazyView};
use crate::hooks::{tr, use_texts, HistoryFiles, LiveJobs, Marks, PendingRemovals, SelectedJobs};
use crate::i18n::fill;
use leptos::prelude::*;

/// What can be done with the picked cards at once, shown while any is picked: star them,
/// put them on a board, export, remove (with Undo), compare 2 to 4, or let them go. Its code
/// loads the first time a card is picked.
#[component]
pub fn SelectionBar(jobs: LiveJobs, files: HistoryFiles) -> impl IntoView {
    let Some(selected) = use_context::<SelectedJobs>() else {
        return ().into_any();
    };
    // Once shown, the bar stays mounted and hides while nothing is picked: unmounting it in
    // the same turn as its own count changes (Remove, Clear) would run the count's update on
    // a disposed view.
    let ever_picked = Memo::new(move |before: Option<&bool>| {
        before.copied().unwrap_or(false) || selected.selection.with(|s| !s.is_empty())
    });
    view! {
        <Show when=move || ever_picked.get()>
            <LazyView load=move || selection_bar(jobs, files, selected) />
        </Show>
    }
    .into_any()
}

crate::lazy_part! { selection, preload_selection:
    pub(crate) fn selection_bar(jobs: LiveJobs, files: HistoryFiles, selected: SelectedJobs) -> AnyView {
        view! { <SelectionActions jobs files selected /> }.into_any()
    }
}

#[component]
fn SelectionActions(jobs: LiveJobs, files: HistoryFiles, selected: SelectedJobs) -> impl IntoView {
    let t = use_texts();
    let marks = expect_context::<Marks>();
    let removals = expect_context::<PendingRemovals>();
    let ids = move || selected.selection.with(|s| s.ids().to_vec());
    let count = move || selected.selection.with(|s| s.len());
    let all_starred = move || {
        selected.selection.with(|s| {
            jobs.with_list(|store| {
                s.ids()
                    .iter()
                    .all(|id| store.get(id).is_some_and(|e| e.starred))
            })
        })
    };
    let add = Callback::new(move |board: String| marks.add_to_board.run((ids(), board)));
    let can_compare = move || selected.selection.with(|s| s.to_compare().is_some());
    view! {
        <div
            class="selection-bar"
            data-testid="selection-bar"
            role="toolbar"
            hidden=move || count() == 0
            aria-label=move || fill(t.get().selected_count, &[("n", &count().to_string())])>
            <strong data-testid="selection-count">
                {move || fill(t.get().selected_count, &[("n", &count().to_string())])}
            </strong>
            <button
                type="button"
                data-testid="star-selected"
                on:click=move |_| marks.set_starred.run((ids(), !all_starred()))
            >
                {move || if all_starred() { t.get().unstar_selected } else { t.get().star_selected }}
            </button>
            <BoardNameForm
                on_add=add
                test_ids=["selection-board-name", "selection-add-board", "selection-board-error"]
                placeholder=|t| t.add_to_board
                class="selection-board"
            />
            <button
                type="button"
                data-testid="export-selected"
                on:click=move |_| files.export.run(Some(ids()))
            >
                {tr(t, |t| t.export_selected)}
            </button>
            <button
                type="button"
                data-testid="export-selected-archive"
                on:click=move |_| files.export_archive.run(Some(ids()))
            >
                {tr(t, |t| t.export_selected_archive)}
            </button>
            <button
                type="button"
                data-testid="remove-selected"
                on:click=move |_| {
                    removals.remove.run(ids());
                    selected.clear();
                }
            >
                {tr(t, |t| t.remove_selected)}
            </button>
            <button
                type="button"
                data-testid="compare-selected"
                disabled=move || !can_compare()
                title=move || (!can_compare()).then(|| t.get().compare_hint)
                on:click=move |_| selected.comparing.set(true)
            >
                {tr(t, |t| t.compare)}
            </button>
            <button type="button" data-testid="clear-selection" on:click=move |_| selected.clear()>
                {tr(t, |t| t.clear_selection)}
            </button>
        </div>
    }
}
