use crate::hooks::{tr, use_dialog_focus, use_texts, FocusAfter};
use crate::i18n::Texts;
use leptos::prelude::*;

/// A modal dialog over a dimmed page (the viewer, Compare, the sheet of keys): a click on the
/// page around it closes it, and the focus moves into it ([`use_dialog_focus`]). Its keys
/// (Esc and others) are its owner's, as each dialog has its own.
#[component]
pub fn Modal(
    class: &'static str,
    test_id: &'static str,
    /// The id of the heading that names it…
    #[prop(optional)]
    labelled_by: Option<&'static str>,
    /// …or, when it shows none, its name.
    #[prop(optional)]
    label: Option<fn(&Texts) -> &'static str>,
    focus_after: FocusAfter,
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let t = use_texts();
    let dialog = use_dialog_focus(focus_after);
    view! {
        <div class="lightbox-backdrop" on:click=move |_| on_close.run(())>
            <div
                class=class
                role="dialog"
                aria-modal="true"
                aria-labelledby=labelled_by
                aria-label=label.map(|label| tr(t, label))
                tabindex="-1"
                data-testid=test_id
                node_ref=dialog
                on:click=|ev| ev.stop_propagation()
            >
                {children()}
            </div>
        </div>
    }
}
