use super::LazyView;
use crate::hooks::{tr, use_texts, Marks, PendingRemovals};
use crate::i18n::{board_name_error_text, fill};
use crate::jobs::boards::{board_name, BoardNameError};
use crate::jobs::filter::JobFilter;
use leptos::prelude::*;

/// Favourites and boards above the grid: a favourites toggle and, once there are boards, a
/// board choice, each with its count, and for the chosen board Rename and Delete (with
/// Undo; its jobs stay). Also the list of board names the cards' "Add to board" fields
/// offer. The board choice is a part loaded on first use: a history without boards never
/// needs it.
#[component]
pub fn BoardFilter(
    filter: RwSignal<JobFilter>,
    marks: Marks,
    removals: PendingRemovals,
) -> impl IntoView {
    let t = use_texts();
    let chosen = move || filter.with(|f| f.board.clone());
    // A board that went (renamed, deleted, its last job taken off) is no longer a filter.
    Effect::new(move |_| {
        let board = chosen();
        if !board.is_empty()
            && marks
                .boards
                .with(|all| !all.iter().any(|(b, _)| *b == board))
        {
            filter.update(|f| f.board.clear());
        }
    });
    view! {
        <button
            type="button"
            class="favourites"
            data-testid="filter-starred"
            aria-pressed=move || if filter.with(|f| f.starred) { "true" } else { "false" }
            on:click=move |_| filter.update(|f| f.starred = !f.starred)
        >
            "★ "
            {move || fill(t.get().favourites, &[("n", &marks.starred.get().to_string())])}
        </button>
        <datalist id="krea-boards">
            <For each=move || marks.boards.get() key=|board| board.0.clone() let:board>
                <option value=board.0></option>
            </For>
        </datalist>
        <Show when=move || marks.boards.with(|boards| !boards.is_empty())>
            <LazyView load=move || board_choice(filter, marks, removals) />
        </Show>
    }
}

crate::lazy_part! { boards, preload_boards:
/// The board choice with its counts, and Rename and Delete for the chosen board.
pub(crate) fn board_choice(
    filter: RwSignal<JobFilter>,
    marks: Marks,
    removals: PendingRemovals,
) -> AnyView {
    let t = use_texts();
    let chosen = move || filter.with(|f| f.board.clone());
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<BoardNameError>);
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match board_name(&new_name.get_untracked()) {
            Ok(to) => {
                let from = chosen();
                if to != from {
                    marks.rename_board.run((from, to.clone()));
                    filter.update(|f| f.board = to);
                }
                renaming.set(false);
                error.set(None);
            }
            Err(why) => error.set(Some(why)),
        }
    };
    let error_text = move || error.get().map(|why| board_name_error_text(why, t.get()));
    view! {
        <label>
            <span>{tr(t, |t| t.filter_board)}</span>
            <select
                data-testid="filter-board"
                prop:value=chosen
                on:change=move |ev| {
                    renaming.set(false);
                    filter.update(|f| f.board = event_target_value(&ev));
                }
            >
                <option value="">{tr(t, |t| t.all_boards)}</option>
                <For
                    each=move || marks.boards.get()
                    key=|board| board.clone()
                    children=move |(name, count)| {
                        let value = name.clone();
                        let this = name.clone();
                        view! {
                            <option value=value selected=move || chosen() == this>
                                {move || fill(t.get().board_option, &[("name", &name), ("n", &count.to_string())])}
                            </option>
                        }
                    }
                />
            </select>
        </label>
        <Show when=move || !chosen().is_empty()>
            <button
                type="button"
                data-testid="rename-board"
                aria-expanded=move || if renaming.get() { "true" } else { "false" }
                on:click=move |_| {
                    new_name.set(chosen());
                    error.set(None);
                    renaming.update(|open| *open = !*open);
                }
            >
                {tr(t, |t| t.rename_board)}
            </button>
            <button
                type="button"
                data-testid="delete-board"
                on:click=move |_| {
                    let board = chosen();
                    filter.update(|f| f.board.clear());
                    renaming.set(false);
                    removals.delete_board.run(board);
                }
            >
                {tr(t, |t| t.delete_board)}
            </button>
        </Show>
        <Show when=move || renaming.get()>
            <form class="rename-board" on:submit=rename>
                <input
                    type="text"
                    data-testid="board-new-name"
                    aria-label=tr(t, |t| t.board_name)
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    prop:value=new_name
                    on:input=move |ev| {
                        new_name.set(event_target_value(&ev));
                        error.set(None);
                    }
                />
                <button type="submit" data-testid="save-board-name">{tr(t, |t| t.save)}</button>
                <p class="field-error" data-testid="rename-board-error" role="alert">{error_text}</p>
            </form>
        </Show>
    }
    .into_any()
}
}
