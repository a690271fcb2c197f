use super::NotKeptLine;
use crate::hooks::{tr, use_texts, LiveJobs, Submitter};
use crate::i18n::fill;
use crate::jobs::submission::SubmissionState;
use leptos::prelude::*;

/// A generation that is not a job yet: being sent, waiting to be sent again (and why), or
/// not sent (and why), with a way to send it again or let it go. It is replaced by the
/// job's own card as soon as Krea's answer arrives.
#[component]
pub fn SubmissionCard(
    submission_key: String,
    jobs: LiveJobs,
    now: ReadSignal<f64>,
) -> impl IntoView {
    let t = use_texts();
    let submitter = expect_context::<Submitter>();
    let models = expect_context::<ReadSignal<krea_api::Models>>();
    let submission = Memo::new({
        let key = submission_key.clone();
        move |_| jobs.with_submissions(|s| s.submissions().iter().find(|s| s.key == key).cloned())
    });
    let state = move || {
        submission.with(|s| {
            s.as_ref().map(|s| match s.state {
                SubmissionState::Sending | SubmissionState::Waiting { error: None, .. } => {
                    "sending"
                }
                SubmissionState::Waiting { .. } => "waiting",
                SubmissionState::Failed { .. } => "failed",
            })
        })
    };
    let words = move || {
        let t = t.get();
        submission.with(|s| {
            let s = s.as_ref()?;
            Some(match &s.state {
                SubmissionState::Waiting {
                    at,
                    error: Some(error),
                } => {
                    let secs = ((at - now.get()) / 1000.0).ceil().max(0.0) as u64;
                    fill(t.retrying, &[("secs", &secs.to_string()), ("error", error)])
                }
                SubmissionState::Failed { error, .. } => fill(t.not_sent, &[("error", error)]),
                _ => t.sending.to_owned(),
            })
        })
    };
    let key = StoredValue::new(submission_key);
    view! {
        <article
            class="job-card placeholder"
            data-testid="job-placeholder"
            data-key=key.get_value()
            data-state=state
            aria-busy=move || (state() != Some("failed")).to_string()
        >
            <div class="media">
                <Show when=move || state() != Some("failed")>
                    <div class="spinner" aria-hidden="true"></div>
                </Show>
            </div>
            <div class="meta">
                <span class="status" data-testid="placeholder-status">{words}</span>
                <span class="model">
                    {move || submission.with(|s| s.as_ref().map(|s| {
                        models.with(|models| models.find(&s.model_id))
                            .map_or_else(|| s.model_id.clone(), |m| m.name.to_owned())
                    }))}
                </span>
                <p class="prompt">{move || submission.with(|s| s.as_ref().map(|s| s.prompt().to_owned()))}</p>
                <NotKeptLine id=key.get_value() />
                <Show when=move || state() == Some("failed")>
                    <div class="actions">
                        <button
                            type="button"
                            data-testid="send-again"
                            on:click=move |_| submitter.send_again.run(key.get_value())
                        >
                            {tr(t, |t| t.send_again)}
                        </button>
                        <button
                            type="button"
                            data-testid="dismiss-submission"
                            on:click=move |_| submitter.dismiss.run(key.get_value())
                        >
                            {tr(t, |t| t.dismiss)}
                        </button>
                    </div>
                </Show>
            </div>
        </article>
    }
}
