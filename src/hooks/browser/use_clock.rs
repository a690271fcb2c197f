use crate::hooks::use_interval_while;
use leptos::prelude::*;

/// The time in milliseconds, refreshed every second while `running` (jobs in flight show
/// their elapsed time); paused otherwise, so an idle studio runs no timer.
pub fn use_clock(running: Signal<bool>) -> ReadSignal<f64> {
    let (now, set_now) = signal(js_sys::Date::now());
    use_interval_while(running, 1000, move || {
        set_now.try_set(js_sys::Date::now());
    });
    now
}
