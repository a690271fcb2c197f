use gloo_events::EventListener;
use leptos::prelude::*;

/// Whether the browser is online and whether this tab is in the background, kept current
/// by the `online`/`offline` and `visibilitychange` events for as long as the owner lives.
#[derive(Clone, Copy)]
pub struct PageState {
    pub online: ReadSignal<bool>,
    pub hidden: ReadSignal<bool>,
}

pub fn use_page_state() -> PageState {
    let window = gloo_utils::window();
    let document = gloo_utils::document();
    let (online, set_online) = signal(window.navigator().on_line());
    let (hidden, set_hidden) = signal(document.hidden());
    let listeners = [
        EventListener::new(&window, "online", move |_| set_online.set(true)),
        EventListener::new(&window, "offline", move |_| set_online.set(false)),
        EventListener::new(&document, "visibilitychange", move |_| {
            set_hidden.set(gloo_utils::document().hidden())
        }),
    ];
    // Dropping a listener removes it.
    let kept = StoredValue::new_local(Some(listeners));
    on_cleanup(move || {
        kept.try_set_value(None);
    });
    PageState { online, hidden }
}
