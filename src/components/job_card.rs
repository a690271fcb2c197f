use crate::hooks::JobActions;
use crate::jobs::describe::{failure_text, status_label};
use crate::jobs::pricing::job_price;
use crate::jobs::JobStore;
use krea_api::JobStatus;
use leptos::prelude::*;

/// One job: its state in words while it runs, the preview when Krea offers one, the image
/// when it is done, Krea's reason when it failed.
#[component]
pub fn JobCard(id: String, store: RwSignal<JobStore>) -> impl IntoView {
    let id_for_actions = id.clone();
    let entry = Memo::new({
        let id = id.clone();
        move |_| store.with(|s| s.get(&id).cloned())
    });
    let status = move || entry.with(|e| e.as_ref().map(|e| e.job.status.clone()));
    let media = move || {
        let entry = entry.get()?;
        let prompt = entry.prompt().to_owned();
        let urls = entry.job.urls();
        Some(match entry.job.status {
            JobStatus::Completed => urls
                .into_iter()
                .map(|url| {
                    view! { <img data-testid="job-image" src=url alt=prompt.clone() loading="lazy" /> }
                })
                .collect_view()
                .into_any(),
            JobStatus::Failed => view! {
                <p class="job-error" data-testid="job-error">
                    {failure_text(entry.job.failure_reason().as_deref())}
                </p>
            }
            .into_any(),
            JobStatus::Cancelled => view! { <p class="job-note">"Cancelled"</p> }.into_any(),
            _ => match urls.into_iter().next() {
                Some(preview) => view! {
                    <img class="preview" data-testid="job-preview" src=preview alt="Preview" />
                }
                .into_any(),
                None => view! { <div class="spinner" aria-hidden="true"></div> }.into_any(),
            },
        })
    };
    let price = move || {
        entry.with(|e| {
            e.as_ref().map(|e| match e.job.status {
                JobStatus::Failed | JobStatus::Cancelled => "not billed".to_owned(),
                _ => job_price(&e.model_id, &e.request).label(),
            })
        })
    };
    let actions = use_context::<JobActions>();
    let buttons = move || {
        let (actions, status) = (actions?, status()?);
        let button = |label: &'static str, test_id: &'static str, action: Callback<String>| {
            let id = id_for_actions.clone();
            view! {
                <button type="button" data-testid=test_id on:click=move |_| action.run(id.clone())>
                    {label}
                </button>
            }
        };
        Some(match status {
            JobStatus::Failed | JobStatus::Cancelled => view! {
                {button("Retry", "retry-job", actions.retry)}
                {button("Remove", "remove-job", actions.remove)}
            }
            .into_any(),
            JobStatus::Completed => button("Remove", "remove-job", actions.remove).into_any(),
            _ => button("Cancel", "cancel-job", actions.cancel).into_any(),
        })
    };
    view! {
        <article
            class="job-card"
            data-testid="job-card"
            data-job-id=id
            data-status=move || status().map(|s| s.to_string())
        >
            <div class="media">{media}</div>
            <div class="meta">
                <span class="status" data-testid="job-status" aria-live="polite">
                    {move || status().map(|s| status_label(&s))}
                </span>
                <span class="model">{move || entry.with(|e| e.as_ref().map(|e| e.model_name().to_owned()))}</span>
                <span class="price" data-testid="job-price">{price}</span>
                <p class="prompt" data-testid="job-prompt">
                    {move || entry.with(|e| e.as_ref().map(|e| e.prompt().to_owned()))}
                </p>
                <div class="actions">{buttons}</div>
                <p class="notice" data-testid="job-notice">
                    {move || entry.with(|e| e.as_ref().and_then(|e| e.notice.clone()))}
                </p>
            </div>
        </article>
    }
}
