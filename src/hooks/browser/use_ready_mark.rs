use leptos::prelude::*;

/// The Performance mark set once the studio is usable with its history on screen: what
/// `cargo xtask bench` (and anyone profiling a deployment) measures load time to.
pub const READY_MARK: &str = "app:ready";

/// Marks [`READY_MARK`] in the frame after `ready` first holds, once per page.
pub fn use_ready_mark(ready: Signal<bool>) {
    Effect::new(move |marked: Option<bool>| {
        if marked == Some(true) {
            return true;
        }
        if !ready.get() {
            return false;
        }
        request_animation_frame(|| {
            if let Some(performance) = window().performance() {
                let _ = performance.mark(READY_MARK);
            }
        });
        true
    });
}
