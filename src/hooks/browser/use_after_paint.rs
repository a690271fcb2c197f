use leptos::prelude::*;

/// Once `when` first holds, runs `then` after the browser has painted the page as it is
/// then (the second animation frame from there: the first frame's callbacks run before its
/// paint). Lets the first screen show before the work below the fold. Nothing runs after
/// the owner goes away.
pub fn use_after_paint(when: Signal<bool>, then: impl Fn() + Copy + Send + Sync + 'static) {
    let pending = StoredValue::new_local(None::<AnimationFrameRequestHandle>);
    Effect::new(move |scheduled: Option<bool>| {
        if scheduled == Some(true) || !when.get() {
            return scheduled == Some(true);
        }
        let first = request_animation_frame_with_handle(move || {
            let second = request_animation_frame_with_handle(then).ok();
            pending.try_set_value(second);
        })
        .ok();
        pending.set_value(first);
        true
    });
    on_cleanup(move || {
        if let Some(Some(handle)) = pending.try_update_value(Option::take) {
            handle.cancel();
        }
    });
}
