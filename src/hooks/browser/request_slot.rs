use leptos::prelude::*;
use web_sys::{AbortController, AbortSignal};

/// The one request a hook has under way: starting the next aborts it, and so does the
/// owner going away, so a late answer never lands in a studio that moved on or is gone.
#[derive(Clone, Copy)]
pub struct RequestSlot(StoredValue<Option<AbortController>, LocalStorage>);

impl RequestSlot {
    /// A slot owned by the current owner: its request is aborted on cleanup.
    pub fn owned() -> RequestSlot {
        let slot = RequestSlot(StoredValue::new_local(None));
        on_cleanup(move || slot.abort());
        slot
    }

    /// Aborts the request under way, if any, and returns the signal for the next one.
    pub fn start(self) -> Option<AbortSignal> {
        let next = AbortController::new().ok();
        let signal = next.as_ref().map(AbortController::signal);
        if let Some(Some(previous)) = self
            .0
            .try_update_value(|slot| std::mem::replace(slot, next))
        {
            previous.abort();
        }
        signal
    }

    /// Aborts the request under way, if any.
    pub fn abort(self) {
        if let Some(Some(controller)) = self.0.try_update_value(Option::take) {
            controller.abort();
        }
    }
}
