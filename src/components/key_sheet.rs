use super::{LazyView, Modal};
use crate::hooks::{tr, use_keydown, use_texts, FocusAfter, KeyLayer};
use crate::shortcuts::SHEET;
use leptos::prelude::*;

/// The sheet of every key (`?`), in the person's language. Its code loads the first time
/// it is asked for.
#[component]
pub fn KeySheet(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <Show when=move || open.get()>
            <LazyView load=move || key_sheet_dialog(open) />
        </Show>
    }
}

crate::lazy_part! { keys, preload_keys:
    pub(crate) fn key_sheet_dialog(open: RwSignal<bool>) -> AnyView {
        view! { <KeySheetDialog open /> }.into_any()
    }
}

#[component]
fn KeySheetDialog(open: RwSignal<bool>) -> impl IntoView {
    let t = use_texts();
    let close = move || open.set(false);
    use_keydown(KeyLayer::Dialog, move |ev| {
        if !open.get_untracked() || !matches!(ev.key().as_str(), "Escape" | "?") {
            return false;
        }
        close();
        true
    });
    let rows = SHEET
        .iter()
        .map(|(keys, does)| {
            let keys = keys
                .iter()
                .map(|key| view! { <kbd>{*key}</kbd> })
                .collect_view();
            let does = *does;
            view! {
                <tr data-testid="key-row">
                    <th scope="row">{keys}</th>
                    <td>{move || does.describe(t.get())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Modal
            class="key-sheet"
            test_id="key-sheet"
            labelled_by="key-sheet-title"
            focus_after=FocusAfter::GiveBack
            on_close=Callback::new(move |()| close())
        >
                <h2 id="key-sheet-title">{tr(t, |t| t.keys_title)}</h2>
                <p>{tr(t, |t| t.keys_intro)}</p>
                <table>
                    <tbody>{rows}</tbody>
                </table>
                <button type="button" data-testid="key-sheet-close" on:click=move |_| close()>
                    {tr(t, |t| t.close)}
                </button>
        </Modal>
    }
}
