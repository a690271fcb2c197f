use leptos::prelude::*;

/// Each time `when` comes to hold, runs `then` after the browser has painted the page as it
/// is then (the second animation frame from there: the first frame's callbacks run before
/// its paint). Lets the first screen show before the work below the fold. A wait still
/// under way when `when` holds again is not doubled; nothing runs after the owner goes away.
pub fn use_after_paint(when: Signal<bool>, then: impl Fn() + Copy + Send + Sync + 'static) {
    let pending = StoredValue::new_local(None::<AnimationFrameRequestHandle>);
    let cancel_pending = move || {
        if let Some(Some(handle)) = pending.try_update_value(Option::take) {
            handle.cancel();
        }
    };
    Effect::new(move |held: Option<bool>| {
        let holds = when.get();
        if holds && held != Some(true) {
            cancel_pending();
            let first = request_animation_frame_with_handle(move || {
                let second = request_animation_frame_with_handle(move || {
                    pending.try_set_value(None);
                    then();
                })
                .ok();
                pending.try_set_value(second);
            })
            .ok();
            pending.set_value(first);
        }
        holds
    });
    on_cleanup(cancel_pending);
}
