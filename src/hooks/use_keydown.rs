use leptos::ev;
use leptos::prelude::*;

/// Calls `handler` for every key pressed in the window while the owner lives (a dialog's
/// arrows and Esc); the listener goes when the owner does.
pub fn use_keydown(handler: impl Fn(web_sys::KeyboardEvent) + 'static) {
    let handle = window_event_listener(ev::keydown, handler);
    on_cleanup(move || handle.remove());
}
