use crate::api::upload::{upload, Upload};
use crate::api::KreaClient;
use crate::form::image_slot::ImageSlot;
use crate::form::upload_check::{check_file, FileProblem, DEFAULT_LIMIT_MB};
use crate::form::FormState;
use crate::i18n::{fill, Texts};
use leptos::prelude::*;
use std::collections::HashMap;

/// A file on its way to Krea's asset library, or one that did not get there.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadItem {
    pub key: u32,
    /// The field it goes into.
    pub field: &'static str,
    pub name: String,
    /// An object URL of the file, shown at once.
    pub preview: String,
    /// The share sent, 0 to 1.
    pub progress: f64,
    /// Why it failed or was refused.
    pub error: Option<String>,
    /// The file is kept and may be sent again (refused files may not).
    pub retryable: bool,
}

/// The studio's uploads: what the image fields show and call.
#[derive(Clone, Copy)]
pub struct Uploads {
    pub items: RwSignal<Vec<UploadItem>>,
    /// Files a person chose for a field: each checked, then uploaded.
    pub add: Callback<(ImageSlot, Vec<web_sys::File>)>,
    pub retry: Callback<u32>,
    pub remove: Callback<u32>,
    /// Uploads still on their way (Generate waits for them).
    pub in_flight: Signal<usize>,
}

/// Uploads files to `POST /assets` and puts each asset's URL into its field when it is
/// there; a failed upload keeps its file to send again. Every upload stops, and every
/// preview is released, when the owner goes.
pub fn use_uploads(
    form: RwSignal<FormState>,
    client: Memo<KreaClient>,
    texts: Signal<&'static Texts>,
) -> Uploads {
    let items = RwSignal::new(Vec::<UploadItem>::new());
    let files = StoredValue::new_local(HashMap::<u32, (ImageSlot, web_sys::File)>::new());
    let running = StoredValue::new_local(HashMap::<u32, Upload>::new());
    let next_key = StoredValue::new(0u32);

    let update = move |key: u32, change: &dyn Fn(&mut UploadItem)| {
        items.update(|items| {
            if let Some(item) = items.iter_mut().find(|item| item.key == key) {
                change(item);
            }
        })
    };
    let forget = move |key: u32| {
        running.update_value(|running| {
            running.remove(&key);
        });
        files.update_value(|files| {
            files.remove(&key);
        });
        items.update(|items| {
            if let Some(at) = items.iter().position(|item| item.key == key) {
                let gone = items.remove(at);
                let _ = web_sys::Url::revoke_object_url(&gone.preview);
            }
        });
    };
    let start = move |key: u32| {
        let Some((slot, file)) = files.with_value(|files| files.get(&key).cloned()) else {
            return;
        };
        update(key, &|item| {
            item.error = None;
            item.progress = 0.0;
        });
        let progress = move |share: f64| update(key, &|item| item.progress = share);
        let done = move |outcome: Result<krea_api::library::Asset, crate::api::ApiError>| {
            running.update_value(|running| {
                running.remove(&key);
            });
            match outcome {
                Ok(asset) => {
                    form.update(|form| {
                        let text = form.value(slot.field.name);
                        form.set_value(slot.field.name, slot.add(&text, &asset.image_url));
                    });
                    forget(key);
                }
                Err(error) => {
                    let words = error.message(texts.get_untracked());
                    update(key, &|item| item.error = Some(words.clone()));
                }
            }
        };
        match upload(&client.get_untracked(), &file, progress, done) {
            Ok(handle) => running.update_value(|running| {
                running.insert(key, handle);
            }),
            Err(error) => {
                let words = error.message(texts.get_untracked());
                update(key, &|item| item.error = Some(words.clone()));
            }
        }
    };
    let add = Callback::new(move |(slot, chosen): (ImageSlot, Vec<web_sys::File>)| {
        let t = texts.get_untracked();
        for file in chosen {
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let problem = check_file(&file.name(), &file.type_(), file.size(), DEFAULT_LIMIT_MB)
                .err()
                .map(|problem| problem_words(&problem, t));
            let full = !form.with_untracked(|form| slot.has_room(&form.value(slot.field.name)));
            let problem = problem.or_else(|| full.then(|| t.upload_full.to_owned()));
            let preview = web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default();
            let retryable = problem.is_none();
            items.update(|items| {
                items.push(UploadItem {
                    key,
                    field: slot.field.name,
                    name: file.name(),
                    preview,
                    progress: 0.0,
                    error: problem,
                    retryable,
                })
            });
            if retryable {
                files.update_value(|files| {
                    files.insert(key, (slot, file));
                });
                start(key);
            }
        }
    });
    on_cleanup(move || {
        running.try_update_value(|running| running.clear());
        items.try_with_untracked(|items| {
            for item in items {
                let _ = web_sys::Url::revoke_object_url(&item.preview);
            }
        });
    });
    Uploads {
        items,
        add,
        retry: Callback::new(start),
        remove: Callback::new(forget),
        in_flight: Signal::derive(move || {
            items.with(|items| items.iter().filter(|item| item.error.is_none()).count())
        }),
    }
}

fn problem_words(problem: &FileProblem, t: &Texts) -> String {
    match problem {
        FileProblem::Type => t.upload_bad_type.to_owned(),
        FileProblem::Empty => t.upload_empty.to_owned(),
        FileProblem::Size { limit_mb } => {
            fill(t.upload_too_large, &[("mb", &limit_mb.to_string())])
        }
    }
}
