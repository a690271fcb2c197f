use crate::form::image_slot::{put_image, EDITING_MODELS};
use crate::form::FormState;
use crate::hooks::LiveJobs;
use crate::jobs::lineage::{Derived, Lineage};
use crate::studio_root::StudioRoot;
use krea_api::Models;
use leptos::prelude::*;

/// Taking a finished image further: as a reference for the current model (or one that takes
/// images), into an editing model with the cursor in the prompt, or into the enhance form.
/// What the form starts from is kept, so the job it makes names its source.
#[derive(Clone, Copy)]
pub struct ImageActions {
    /// (job id, a model to switch to first): puts the job's image into the form's image
    /// field; without a model, the current one; when it takes no image, the card offers
    /// the models that do.
    pub use_as_reference: Callback<(String, Option<String>)>,
    /// The card whose "which model?" offer is open, and the form's model that takes no
    /// image: (job id, model name).
    pub offering: RwSignal<Option<(String, String)>>,
    pub edit: Callback<String>,
    /// The job whose image the enhance form is open for.
    pub enhancing: RwSignal<Option<String>>,
    /// What the form's image started from, until the form's image is another.
    pub source: RwSignal<Option<Lineage>>,
}

pub fn use_image_actions(
    store: LiveJobs,
    form: RwSignal<FormState>,
    models: ReadSignal<Models>,
) -> ImageActions {
    let root = expect_context::<StudioRoot>();
    let focus_prompt = move || {
        // The cursor in the prompt, and the form in view (on a phone it sits above the
        // results).
        if let Some(prompt) = root.query("[data-testid=prompt-input]") {
            prompt.scroll_into_view();
            let _ = prompt.focus();
        }
    };
    let offering = RwSignal::new(None::<(String, String)>);
    let enhancing = RwSignal::new(None::<String>);
    let source = RwSignal::new(None::<Lineage>);
    let image_of = move |id: &str| {
        store.with_untracked(|s| {
            s.get(id)
                .and_then(|entry| entry.images().into_iter().next())
        })
    };
    let use_as_reference = Callback::new(move |(id, model): (String, Option<String>)| {
        let Some(url) = image_of(&id) else { return };
        let mut placed = false;
        form.update(|form| {
            if let Some(model) = &model {
                models.with_untracked(|models| form.switch_to(models, model));
            }
            placed = put_image(form, &url, false);
        });
        if placed {
            offering.set(None);
            source.set(Some(Lineage {
                kind: Derived::Referenced,
                job_id: id,
                image_url: url,
            }));
            focus_prompt();
        } else {
            let current = form.with_untracked(|form| form.model().name.to_owned());
            offering.set(Some((id, current)));
        }
    });
    let edit = Callback::new(move |id: String| {
        let Some(url) = image_of(&id) else { return };
        form.update(|form| {
            if !EDITING_MODELS.contains(&form.model_id.as_str()) {
                models.with_untracked(|models| form.switch_to(models, EDITING_MODELS[0]));
            }
            put_image(form, &url, true);
            // The prompt of an edit says what to change, not what the picture shows.
            form.prompt.clear();
        });
        source.set(Some(Lineage {
            kind: Derived::Edited,
            job_id: id,
            image_url: url,
        }));
        focus_prompt();
    });
    ImageActions {
        use_as_reference,
        offering,
        edit,
        enhancing,
        source,
    }
}
