use crate::api::{ApiError, KreaClient};
use crate::browser;
use crate::hooks::{use_interval_while, LiveJobs};
use crate::i18n::Texts;
use crate::jobs::lineage::Lineage;
use crate::jobs::submission::Submission;
use krea_api::{ImageRequest, Models};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use web_sys::AbortController;

/// How often waiting submissions are checked for being due.
const TICK_MS: u32 = 250;

/// Submitting generations: what the form and the placeholder cards call, and what they show.
#[derive(Clone, Copy)]
pub struct Submitter {
    pub submit: Callback<ImageRequest>,
    /// Submits a request that starts from another job's image: (request, where from).
    pub submit_from: Callback<(ImageRequest, Option<Lineage>)>,
    /// Sends one prompt to several models at once: each request its own submission and
    /// key, all of one set ("Compare models").
    pub submit_set: Callback<Vec<ImageRequest>>,
    /// A submission of the latest click is being sent for the first time.
    pub busy: Signal<bool>,
    /// Why submissions of the latest click failed, each said once; cleared by the next click.
    pub errors: Signal<Vec<String>>,
    /// Sends a failed submission again, with its key: (key).
    pub send_again: Callback<String>,
    /// Forgets a failed submission: (key).
    pub dismiss: Callback<String>,
}

/// Sends every submission in the store's history with its `Idempotency-Key`, and sends it
/// again (same key, backing off) when the outcome is unknown, until it becomes a job or is
/// refused. One timer runs while any submission is waiting; after a reload the history
/// hands back the submissions that were being sent, and they are sent again.
pub fn use_submit(
    store: LiveJobs,
    client: Memo<KreaClient>,
    models: ReadSignal<Models>,
    texts: Signal<&'static Texts>,
) -> Submitter {
    let last_click = RwSignal::new(f64::NAN);
    let in_flight = StoredValue::new_local(HashMap::<String, AbortController>::new());

    let send = move |submission: Submission| {
        let request = models.with_untracked(|models| {
            models.request(&submission.model_id, submission.request.clone())
        });
        let Some(request) = request else {
            let t = texts.get_untracked();
            let failure = ApiError::Decode(String::new()).submit_failure(t);
            store.update(|s| {
                s.submission_failed(&submission.key, failure, js_sys::Date::now(), 0.0)
            });
            return;
        };
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            in_flight.update_value(|map| {
                map.insert(submission.key.clone(), controller);
            });
        }
        let client = client.get_untracked();
        spawn_local(async move {
            let key = submission.key;
            let answer = client.submit(&request, &key, signal.as_ref()).await;
            in_flight.try_update_value(|map| map.remove(&key));
            let now = js_sys::Date::now();
            match answer {
                Ok(job) => {
                    store.update(|s| s.submission_made(&key, job));
                }
                Err(error) => {
                    let failure = error.submit_failure(texts.get_untracked());
                    let jitter = js_sys::Math::random();
                    store.update(|s| s.submission_failed(&key, failure, now, jitter));
                }
            }
        });
    };
    let tick = move || {
        // Most ticks find nothing due: then nobody is told anything changed.
        let due = store
            .update(|s| s.take_due_submissions(js_sys::Date::now()))
            .unwrap_or_default();
        due.into_iter().for_each(send);
    };
    // One timer, running only while some submission is not a job yet.
    let waiting = Memo::new(move |_| store.with_submissions(|s| !s.submissions().is_empty()));
    use_interval_while(waiting.into(), TICK_MS, tick);
    on_cleanup(move || {
        // The submissions stay in the history, marked as being sent: the next page load
        // sends them again with their keys.
        in_flight.try_update_value(|map| map.drain().for_each(|(_, c)| c.abort()));
    });

    let of_last_click = move |s: &Submission| s.asked_at == last_click.get();
    // Each submission its own key; several of one click (variations, a set) share its time.
    let add = move |request: ImageRequest, source: Option<Lineage>, set: Option<String>| {
        let now = js_sys::Date::now();
        let same_click = now - last_click.get_untracked() < 50.0;
        if !same_click {
            last_click.set(now);
        }
        let submission = Submission::new(
            browser::new_uuid(),
            request.model.id.to_owned(),
            request.body,
            last_click.get_untracked(),
        )
        .from_source(source)
        .in_set(set);
        store.update(|s| s.add_submission(submission));
    };
    let submit_from = Callback::new(move |(request, source): (ImageRequest, Option<Lineage>)| {
        add(request, source, None)
    });
    let submit_set = Callback::new(move |requests: Vec<ImageRequest>| {
        let set = Some(browser::new_uuid());
        for request in requests {
            add(request, None, set.clone());
        }
    });
    Submitter {
        submit: Callback::new(move |request: ImageRequest| submit_from.run((request, None))),
        submit_from,
        submit_set,
        busy: Signal::derive(move || {
            store.with_submissions(|s| {
                s.submissions()
                    .iter()
                    .any(|s| of_last_click(s) && s.is_first_send())
            })
        }),
        errors: Signal::derive(move || {
            let mut errors: Vec<String> = Vec::new();
            store.with_submissions(|s| {
                // Refused for good, or waiting to be sent again (a proxy's rate limit, say):
                // either way the person hears why next to Generate.
                for failed in s.submissions().iter().filter(|s| of_last_click(s)) {
                    if let Some(error) = failed.error() {
                        if !errors.iter().any(|e| e == error) {
                            errors.push(error.to_owned());
                        }
                    }
                }
            });
            errors
        }),
        send_again: Callback::new(move |key: String| {
            store.update(|s| {
                if let Some(submission) = s.submission_mut(&key) {
                    submission.send_again(js_sys::Date::now());
                }
            });
        }),
        dismiss: Callback::new(move |key: String| {
            store.update(|s| s.dismiss_submission(&key));
        }),
    }
}
