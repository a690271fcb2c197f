use super::BoardNameForm;
use crate::hooks::{tr, use_texts, LiveJobs, Marks, PendingRemovals};
use crate::i18n::fill;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A job's star and its boards, on its card and in the viewer: the star toggles, a board's
/// chip takes the job off it, and "Add to board" puts it on a board by name (an existing
/// one is offered as the person types; a new name makes a new board).
#[component]
pub fn JobMarks(id: String, jobs: LiveJobs) -> impl IntoView {
    let t = use_texts();
    let Some(marks) = use_context::<Marks>() else {
        return ().into_any();
    };
    let removals = use_context::<PendingRemovals>();
    let id = StoredValue::new(id);
    let marked = Memo::new(move |_| {
        jobs.job(&id.get_value())
            .map(|entry| (entry.starred, entry.boards))
            .unwrap_or_default()
    });
    let starred = move || marked.with(|(starred, _)| *starred);
    let boards = move || {
        marked.with(|(_, boards)| {
            boards
                .iter()
                .filter(|board| !removals.is_some_and(|r| r.hides_board(board)))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let open = RwSignal::new(false);
    let here = NodeRef::<leptos::html::Div>::new();
    let add = Callback::new(move |board: String| {
        marks.add_to_board.run((vec![id.get_value()], board));
        open.set(false);
        // The field folds away: the focus goes back to the card (culling goes on from
        // there), not to the page.
        let card = here
            .get_untracked()
            .and_then(|marks| marks.closest("[data-testid='job-card']").ok().flatten());
        if let Some(card) = card.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = card.focus();
        }
    });
    view! {
        <div class="marks" data-testid="job-marks" node_ref=here>
            <button
                type="button"
                class="star"
                class:on=starred
                data-testid="star-job"
                aria-pressed=move || if starred() { "true" } else { "false" }
                aria-label=move || if starred() { t.get().unstar } else { t.get().star }
                title=move || if starred() { t.get().unstar } else { t.get().star }
                on:click=move |_| marks.toggle_star.run(id.get_value())
            >
                {move || if starred() { "★" } else { "☆" }}
            </button>
            <ul class="boards">
                <For each=boards key=|board| board.clone() let:board>
                    <li class="board-chip" data-testid="job-board">
                        <span>{board.clone()}</span>
                        <button
                            type="button"
                            data-testid="take-off-board"
                            aria-label={
                                let board = board.clone();
                                move || fill(t.get().take_off_board, &[("name", &board)])
                            }
                            on:click={
                                let board = board.clone();
                                move |_| marks.remove_from_board.run((id.get_value(), board.clone()))
                            }
                        >
                            "×"
                        </button>
                    </li>
                </For>
            </ul>
            <details class="board-add" prop:open=open on:toggle=move |ev| {
                let details: web_sys::HtmlDetailsElement = event_target(&ev);
                open.set(details.open());
            }>
                <summary data-testid="board-menu">{tr(t, |t| t.add_to_board)}</summary>
                <BoardNameForm
                    on_add=add
                    test_ids=["board-name", "add-to-board", "board-error"]
                    placeholder=|t| t.board_name
                />
            </details>
        </div>
    }
    .into_any()
}
