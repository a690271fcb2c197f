use super::LazyView;
use crate::hooks::{tr, use_keydown, use_texts, KeyLayer};
use crate::shortcuts::SHEET;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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
    let dialog = NodeRef::<leptos::html::Div>::new();
    // Focus moves into the sheet; it goes back where it was when the sheet closes.
    let before = StoredValue::new_local(gloo_utils::document().active_element());
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            let _ = dialog.focus();
        }
    });
    on_cleanup(move || {
        let before = before.try_update_value(Option::take).flatten();
        if let Some(before) = before.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = before.focus();
        }
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
        <div class="lightbox-backdrop" on:click=move |_| close()>
            <div
                class="key-sheet"
                role="dialog"
                aria-modal="true"
                aria-labelledby="key-sheet-title"
                tabindex="-1"
                data-testid="key-sheet"
                node_ref=dialog
                on:click=|ev| ev.stop_propagation()
            >
                <h2 id="key-sheet-title">{tr(t, |t| t.keys_title)}</h2>
                <p>{tr(t, |t| t.keys_intro)}</p>
                <table>
                    <tbody>{rows}</tbody>
                </table>
                <button type="button" data-testid="key-sheet-close" on:click=move |_| close()>
                    {tr(t, |t| t.close)}
                </button>
            </div>
        </div>
    }
}
