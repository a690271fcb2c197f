use super::LazyView;
use crate::hooks::{tr, use_texts, HistoryFiles, LiveJobs, Marks, PendingRemovals, SelectedJobs};
use crate::i18n::{board_name_error_text, fill};
use crate::jobs::boards::{board_name, BoardNameError};
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
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<BoardNameError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match board_name(&typed.get_untracked()) {
            Ok(board) => {
                marks.add_to_board.run((ids(), board));
                typed.set(String::new());
                error.set(None);
            }
            Err(why) => error.set(Some(why)),
        }
    };
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
            <form class="selection-board" on:submit=add>
                <input
                    type="text"
                    list="krea-boards"
                    data-testid="selection-board-name"
                    aria-label=tr(t, |t| t.board_name)
                    placeholder=tr(t, |t| t.add_to_board)
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    prop:value=typed
                    on:input=move |ev| {
                        typed.set(event_target_value(&ev));
                        error.set(None);
                    }
                />
                <button type="submit" data-testid="selection-add-board">{tr(t, |t| t.add)}</button>
                <span class="field-error" data-testid="selection-board-error" role="alert">
                    {move || error.get().map(|why| board_name_error_text(why, t.get()))}
                </span>
            </form>
            <button
                type="button"
                data-testid="export-selected"
                on:click=move |_| files.export.run(Some(ids()))
            >
                {tr(t, |t| t.export_selected)}
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
