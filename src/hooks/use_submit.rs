use crate::api::KreaClient;
use crate::i18n::Texts;
use crate::jobs::{JobEntry, JobStore};
use krea_api::ImageRequest;
use leptos::prelude::*;

/// A generation sent and not yet answered: shown as a card at once, replaced by the job's
/// own card when Krea answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholder {
    pub key: u64,
    pub prompt: String,
    pub model_name: &'static str,
}

/// Submitting generations: the callback to call, whether a submission is under way, the
/// last submission's error (cleared by the next attempt), and the placeholders.
#[derive(Clone, Copy)]
pub struct Submitter {
    pub submit: Callback<ImageRequest>,
    pub busy: Signal<bool>,
    pub error: Signal<Option<String>>,
    pub placeholders: ReadSignal<Vec<Placeholder>>,
}

pub fn use_submit(
    store: RwSignal<JobStore>,
    client: Memo<KreaClient>,
    texts: Signal<&'static Texts>,
) -> Submitter {
    let (placeholders, set_placeholders) = signal(Vec::<Placeholder>::new());
    let next_key = StoredValue::new(0u64);
    let action = Action::new_local(move |(key, request): &(u64, ImageRequest)| {
        let (key, request) = (*key, request.clone());
        let client = client.get_untracked();
        async move {
            // Never retried: a POST whose outcome is unknown may already have been billed.
            let sent = client.submit(&request).await;
            set_placeholders.try_update(|list| list.retain(|p| p.key != key));
            let job = sent.map_err(|e| e.message(texts.get_untracked()))?;
            store.try_update(|s| {
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
        submit: Callback::new(move |request: ImageRequest| {
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            set_placeholders.update(|list| {
                list.insert(
                    0,
                    Placeholder {
                        key,
                        prompt: request.prompt().to_owned(),
                        model_name: request.model.name,
                    },
                )
            });
            action.dispatch_local((key, request));
        }),
        busy: action.pending().into(),
        error: Signal::derive(move || value.get().and_then(Result::err)),
        placeholders,
    }
}
