use crate::api::KreaClient;
use crate::jobs::{JobEntry, JobStore};
use krea_api::ImageRequest;
use leptos::prelude::*;

/// Submitting generations: the callback to call, whether a submission is under way, and
/// the last submission's error (cleared by the next attempt).
#[derive(Clone, Copy)]
pub struct Submitter {
    pub submit: Callback<ImageRequest>,
    pub busy: Signal<bool>,
    pub error: Signal<Option<String>>,
}

pub fn use_submit(store: RwSignal<JobStore>, client: Memo<KreaClient>) -> Submitter {
    let action = Action::new_local(move |request: &ImageRequest| {
        let request = request.clone();
        let client = client.get_untracked();
        async move {
            let job = client.submit(&request).await.map_err(|e| e.to_string())?;
            store.update(|s| {
                s.add(JobEntry {
                    job,
                    model_id: request.model.id.to_owned(),
                    request: request.body,
                    notice: None,
                })
            });
            Ok::<(), String>(())
        }
    });
    let value = action.value();
    Submitter {
        submit: Callback::new(move |request| {
            action.dispatch_local(request);
        }),
        busy: action.pending().into(),
        error: Signal::derive(move || value.get().and_then(Result::err)),
    }
}
