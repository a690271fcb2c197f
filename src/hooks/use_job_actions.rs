use crate::api::KreaClient;
use crate::jobs::JobStore;
use krea_api::ImageRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What a card can do with its job. Provided as context by the studio.
#[derive(Clone, Copy)]
pub struct JobActions {
    /// `DELETE /jobs/{id}`; Krea allows it only early on, and a refusal is shown on the card.
    pub cancel: Callback<String>,
    /// A new job with the same model and body; the old one stays.
    pub retry: Callback<String>,
    /// Takes the job out of the history (Krea keeps it).
    pub remove: Callback<String>,
}

pub fn use_job_actions(
    store: RwSignal<JobStore>,
    client: Memo<KreaClient>,
    submit: Callback<ImageRequest>,
) -> JobActions {
    let cancel = Callback::new(move |id: String| {
        let client = client.get_untracked();
        spawn_local(async move {
            match client.cancel(&id).await {
                // Show the new state now rather than at the next poll.
                Ok(()) => {
                    if let Ok(job) = client.job(&id, None).await {
                        store.try_update(|s| s.apply(job));
                    }
                }
                Err(error) => {
                    store.try_update(|s| s.note(&id, format!("Not cancelled: {error}")));
                }
            }
        });
    });
    let retry = Callback::new(move |id: String| {
        let request = store.with_untracked(|s| {
            let entry = s.get(&id)?;
            ImageRequest::new(&entry.model_id, entry.request.clone())
        });
        if let Some(request) = request {
            submit.run(request);
        }
    });
    let remove = Callback::new(move |id: String| store.update(|s| s.remove(&id)));
    JobActions {
        cancel,
        retry,
        remove,
    }
}
