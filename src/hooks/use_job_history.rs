use crate::jobs::JobStore;
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

pub const HISTORY_KEY: &str = "krea-studio.history";
/// Where an unreadable history is moved aside, rather than overwritten.
const UNREADABLE_KEY: &str = "krea-studio.history.unreadable";

/// Every job, loaded from localStorage and written back by one effect on every change, so a
/// reload (or tomorrow) finds the history, and jobs still in flight resume polling.
pub fn use_job_history() -> RwSignal<JobStore> {
    let stored = LocalStorage::raw().get_item(HISTORY_KEY).ok().flatten();
    let store = match stored.as_deref().map(serde_json::from_str::<JobStore>) {
        None => JobStore::default(),
        Some(Ok(store)) => store,
        Some(Err(error)) => {
            // Never lose what was there: keep the unreadable text for recovery.
            leptos::logging::warn!("history could not be read ({error}); kept it aside");
            let _ =
                LocalStorage::raw().set_item(UNREADABLE_KEY, stored.as_deref().unwrap_or_default());
            JobStore::default()
        }
    };
    let store = RwSignal::new(store);
    Effect::new(move |_| {
        store.with(|jobs| {
            if let Err(error) = LocalStorage::set(HISTORY_KEY, jobs) {
                leptos::logging::warn!("history was not saved: {error}");
            }
        })
    });
    store
}
