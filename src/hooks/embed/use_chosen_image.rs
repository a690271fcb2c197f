use super::EmbedHost;
use crate::api::KreaClient;
use crate::embed::Event;
use crate::hooks::{LiveJobs, RequestSlot};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Use this image" in an embedded studio: the host page hears `image:chosen` with the
/// proxy's signed receipt for the job, which its server can check (`krea_api::receipt`). A
/// proxy that signs none, or does not answer, still lets the choice through, without one.
/// Choosing again before the receipt came abandons the first.
pub fn use_chosen_image(
    host: EmbedHost,
    jobs: LiveJobs,
    client: Memo<KreaClient>,
) -> Callback<(String, usize)> {
    let request = RequestSlot::owned();
    Callback::new(move |(id, index): (String, usize)| {
        let chosen = jobs.with_untracked(|s| {
            let entry = s.get(&id)?;
            Some(Event::ImageChosen {
                url: entry.images().get(index)?.clone(),
                job_id: id.clone(),
                prompt: entry.prompt().to_owned(),
                source: entry.source.clone(),
                receipt: None,
            })
        });
        let Some(mut event) = chosen else {
            return;
        };
        let client = client.get_untracked();
        let signal = request.start();
        spawn_local(async move {
            let receipt = match client.receipt(&id, signal.as_ref()).await {
                // A later choice (or the studio's end) took its place.
                Err(crate::api::ApiError::Aborted) => return,
                answer => answer.ok().flatten(),
            };
            if let Event::ImageChosen { receipt: slot, .. } = &mut event {
                *slot = receipt;
            }
            host.post(&event);
        });
    })
}
