use crate::form::{FormState, DEFAULT_MODEL};
use crate::hooks::{use_stored, Kept};
use leptos::prelude::*;

const STORAGE_KEY: &str = "form";

/// The generate form, kept across reloads: a half-written prompt and its settings survive a
/// refresh or a closed tab. A draft for a model this browser no longer knows starts over.
pub fn use_form_draft() -> RwSignal<FormState> {
    use_stored(Kept::Always, STORAGE_KEY, |draft: Option<FormState>| {
        draft
            .filter(|form| krea_api::catalogue::find(&form.model_id).is_some())
            .unwrap_or_else(|| FormState::new(DEFAULT_MODEL))
    })
}
