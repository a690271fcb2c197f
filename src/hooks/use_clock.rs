use gloo_timers::callback::Interval;
use leptos::prelude::*;

/// The time in milliseconds, refreshed every second while `running` (jobs in flight show
/// their elapsed time); paused otherwise, so an idle studio runs no timer.
pub fn use_clock(running: Signal<bool>) -> ReadSignal<f64> {
    let (now, set_now) = signal(js_sys::Date::now());
    let timer = StoredValue::new_local(None::<Interval>);
    Effect::new(move |_| {
        if running.get() {
            set_now.set(js_sys::Date::now());
            if timer.with_value(Option::is_none) {
                timer.set_value(Some(Interval::new(1000, move || {
                    set_now.try_set(js_sys::Date::now());
                })));
            }
        } else {
            timer.set_value(None);
        }
    });
    on_cleanup(move || {
        timer.try_set_value(None);
    });
    now
}
