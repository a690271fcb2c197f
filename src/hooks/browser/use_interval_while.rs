use gloo_timers::callback::Interval;
use leptos::prelude::*;

/// Calls `tick` at once when `active` turns true and every `every_ms` after, while it stays
/// true; no timer runs otherwise, and none after the owner goes away.
pub fn use_interval_while(active: Signal<bool>, every_ms: u32, tick: impl Fn() + Copy + 'static) {
    let timer = StoredValue::new_local(None::<Interval>);
    Effect::new(move |_| {
        if active.get() {
            if timer.with_value(Option::is_none) {
                tick();
                timer.set_value(Some(Interval::new(every_ms, tick)));
            }
        } else {
            // Dropping the interval clears it.
            timer.set_value(None);
        }
    });
    on_cleanup(move || {
        timer.try_set_value(None);
    });
}
