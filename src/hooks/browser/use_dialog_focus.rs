use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Whether the focus goes back where it was when the dialog goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FocusAfter {
    /// Back to the element that had it when the dialog opened.
    GiveBack,
    /// The dialog's owner puts it somewhere (the viewer: on the card shown last).
    Elsewhere,
}

/// The focus of a modal dialog: it moves into the dialog once the dialog is in the page, so
/// keyboard and screen-reader users land in it. Put the returned reference on the dialog.
pub fn use_dialog_focus(after: FocusAfter) -> NodeRef<Div> {
    let dialog = NodeRef::<Div>::new();
    Effect::new(move |_| {
        if let Some(dialog) = dialog.get() {
            let _ = dialog.focus();
        }
    });
    if after == FocusAfter::GiveBack {
        let before = StoredValue::new_local(gloo_utils::document().active_element());
        on_cleanup(move || {
            let before = before.try_update_value(Option::take).flatten();
            if let Some(before) = before.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = before.focus();
            }
        });
    }
    dialog
}
