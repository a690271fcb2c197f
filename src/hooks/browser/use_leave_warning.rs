use leptos::prelude::*;

/// While `when` is true, leaving the page (reload, closing the tab, navigating away) asks
/// the person first: the browser shows its own "Leave site?" dialog. The listener exists
/// only while it is needed (a `beforeunload` listener keeps a page out of the back/forward
/// cache) and goes with the owner.
pub fn use_leave_warning(when: Signal<bool>) {
    let listener = StoredValue::new_local(None::<gloo_events::EventListener>);
    Effect::new(move |_| {
        let wanted = when.get();
        listener.update_value(|held| match (wanted, held.is_some()) {
            (true, false) => {
                *held = Some(gloo_events::EventListener::new_with_options(
                    &gloo_utils::window(),
                    "beforeunload",
                    gloo_events::EventListenerOptions::enable_prevent_default(),
                    |event| event.prevent_default(),
                ));
            }
            (false, true) => *held = None,
            _ => {}
        });
    });
    on_cleanup(move || {
        listener.try_update_value(Option::take);
    });
}
