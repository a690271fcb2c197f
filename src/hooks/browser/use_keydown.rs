use crate::studio_root::StudioRoot;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Which listener hears a key first when several are open.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum KeyLayer {
    /// A dialog over everything (the viewer): first.
    Dialog,
    /// A panel (settings): after any dialog.
    Panel,
    /// The studio's one-key shortcuts (`crate::shortcuts`): last, for keys nothing above
    /// used.
    Shortcut,
}

/// Calls `handler` for every key pressed in the studio while the owner lives (a dialog's
/// arrows and Esc). A handler returns whether it used the key: then no other layer acts on
/// it (one Esc closes the viewer, not the viewer and the settings behind it). Keys are heard
/// on the window for the studio's own page, and only inside the studio's element inline.
pub fn use_keydown(layer: KeyLayer, handler: impl Fn(&web_sys::KeyboardEvent) -> bool + 'static) {
    let target = expect_context::<StudioRoot>().key_target();
    let listener =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |event: web_sys::KeyboardEvent| {
            if !event.default_prevented() && handler(&event) {
                event.prevent_default();
            }
        });
    // Dialogs listen in the capture phase, so they hear a key before panels do.
    let capture = layer == KeyLayer::Dialog;
    let _ = target.add_event_listener_with_callback_and_bool(
        "keydown",
        listener.as_ref().unchecked_ref(),
        capture,
    );
    let kept = StoredValue::new_local(Some((target, listener)));
    on_cleanup(move || {
        if let Some(Some((target, listener))) = kept.try_update_value(Option::take) {
            let _ = target.remove_event_listener_with_callback_and_bool(
                "keydown",
                listener.as_ref().unchecked_ref(),
                capture,
            );
        }
    });
}

/// Whether a key went to a field the person types in (where a one-letter shortcut must not
/// fire). Read from the event's path, so it holds inside the studio's shadow root too.
pub fn is_typing(event: &web_sys::Event) -> bool {
    let origin = event.composed_path().get(0);
    let Some(element) = origin.dyn_ref::<web_sys::HtmlElement>() else {
        return false;
    };
    match element.tag_name().as_str() {
        // A box or a button takes no letters.
        "INPUT" => !matches!(
            element.get_attribute("type").as_deref(),
            Some("checkbox" | "radio" | "button" | "submit" | "reset")
        ),
        "TEXTAREA" | "SELECT" => true,
        _ => element.is_content_editable(),
    }
}
