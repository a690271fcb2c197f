use crate::form::{FormState, DEFAULT_MODEL};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;

const STORAGE_KEY: &str = "krea-studio.form";

/// The generate form, kept across reloads: a half-written prompt and its settings survive a
/// refresh or a closed tab. A draft for a model this browser no longer knows starts over.
pub fn use_form_draft() -> RwSignal<FormState> {
    let draft = LocalStorage::get::<FormState>(STORAGE_KEY)
        .ok()
        .filter(|form| krea_api::catalogue::find(&form.model_id).is_some())
        .unwrap_or_else(|| FormState::new(DEFAULT_MODEL));
    let form = RwSignal::new(draft);
    Effect::new(move |_| {
        form.with(|form| {
            if let Err(error) = LocalStorage::set(STORAGE_KEY, form) {
                leptos::logging::warn!("the form draft was not kept: {error}");
            }
        })
    });
    form
}
