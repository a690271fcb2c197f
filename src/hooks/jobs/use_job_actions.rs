use crate::api::{image_bytes, KreaClient};
use crate::browser;
use crate::form::FormState;
use crate::hooks::{LiveJobs, LocalCopies, PendingRemovals};
use crate::i18n::{fill, Texts};
use crate::jobs::download_name::download_name;
use crate::jobs::image_settings::{self, ImageKind, ImageSettings, NotWritten};
use crate::jobs::local_copies::CopyKey;
use crate::jobs::variations::{random_seed, variations};
use crate::jobs::JobStore;
use krea_api::{ImageRequest, Models};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;

/// What a card (and the toolbar) can do with jobs. Provided as context by the studio.
#[derive(Clone, Copy)]
pub struct JobActions {
    /// `DELETE /jobs/{id}`; Krea allows it only early on, and a refusal is said on the card.
    pub cancel: Callback<String>,
    /// Cancels every job still in flight.
    pub cancel_all: Callback<()>,
    /// A new job with the same model and body; the old one stays.
    pub retry: Callback<String>,
    /// A new job with the same settings and a new seed.
    pub vary_seed: Callback<String>,
    /// Fills the form with the job's model and settings.
    pub reuse: Callback<String>,
    /// Takes the job out of the history (Krea keeps it), after Undo's time.
    pub remove: Callback<String>,
    /// Follows a job again that Krea stopped answering for.
    pub check_again: Callback<String>,
    /// Takes every finished job out of the history, after Undo's time.
    pub clear_finished: Callback<()>,
    /// Puts a job's URL, prompt or seed on the clipboard: (job id, text).
    pub copy: Callback<(String, String)>,
    /// Saves the job's image number `index` as a file.
    pub download: Callback<(String, usize)>,
    /// Opens the job's image number `index` in the viewer.
    pub view: Callback<(String, usize)>,
    /// "Use this image" (job id, image index): set when the studio is embedded, and the
    /// host page decides what choosing means.
    pub choose: Option<Callback<(String, usize)>>,
    /// Short-lived words about the last action on a job ("Copied"), not kept in the history.
    pub flash: RwSignal<HashMap<String, String>>,
}

pub struct JobActionsContext {
    pub store: LiveJobs,
    pub client: Memo<KreaClient>,
    /// The models this studio knows (retries and reuse of discovered models).
    pub models: ReadSignal<Models>,
    pub submit: Callback<ImageRequest>,
    pub form: RwSignal<FormState>,
    pub viewing: RwSignal<Option<(String, usize)>>,
    pub texts: Signal<&'static Texts>,
    /// Remove and Clear finished wait here, with Undo.
    pub removals: PendingRemovals,
}

pub fn use_job_actions(context: JobActionsContext) -> JobActions {
    let JobActionsContext {
        store,
        client,
        models,
        submit,
        form,
        viewing,
        texts,
        removals,
    } = context;
    let copies = use_context::<LocalCopies>();
    let flash = RwSignal::new(HashMap::<String, String>::new());
    let say = move |id: &str, words: String| {
        flash.try_update(|map| map.insert(id.to_owned(), words));
    };
    let request_of = move |id: &str| {
        store.with_untracked(|s| {
            let entry = s.get(id)?;
            models.with_untracked(|models| models.request(&entry.model_id, entry.request.clone()))
        })
    };

    let cancel = Callback::new(move |id: String| {
        let client = client.get_untracked();
        let t = texts.get_untracked();
        spawn_local(async move {
            match client.cancel(&id).await {
                // Show the new state now rather than at the next poll.
                Ok(()) => {
                    if let Ok(job) = client.job(&id, None).await {
                        store.update(|s| s.apply(job));
                    }
                }
                // Said on the card until the next action there: the job's next poll must
                // not wipe it, as it does a poll error.
                Err(error) => {
                    let words = if KreaClient::is_too_late(&error) {
                        t.too_late.to_owned()
                    } else {
                        fill(t.not_cancelled, &[("reason", &error.message(t))])
                    };
                    say(&id, words);
                }
            }
        });
    });
    let cancel_all = Callback::new(move |()| {
        store
            .with_untracked(JobStore::pending_ids)
            .into_iter()
            .for_each(|id| cancel.run(id));
    });
    let retry = Callback::new(move |id: String| {
        if let Some(request) = request_of(&id) {
            submit.run(request);
        }
    });
    let vary_seed = Callback::new(move |id: String| {
        if let Some(request) = request_of(&id) {
            let fresh = variations(&request, 1, true, || random_seed(js_sys::Math::random()));
            fresh.into_iter().for_each(|request| submit.run(request));
        }
    });
    let reuse = Callback::new(move |id: String| {
        let loaded = store.with_untracked(|s| {
            let entry = s.get(&id)?;
            models.with_untracked(|models| FormState::load(models, &entry.model_id, &entry.request))
        });
        if let Some(loaded) = loaded {
            form.set(loaded);
            say(&id, texts.get_untracked().reused.to_owned());
        }
    });
    let remove = Callback::new(move |id: String| removals.remove.run(vec![id]));
    let check_again = Callback::new(move |id: String| {
        store.update(|s| s.check_again(&id));
    });
    let clear_finished = Callback::new(move |()| {
        removals
            .remove
            .run(store.with_untracked(JobStore::settled_ids));
    });
    let copy = Callback::new(move |(id, text): (String, String)| {
        let t = texts.get_untracked();
        spawn_local(async move {
            let words = match browser::copy_text(&text).await {
                Ok(()) => t.copied.to_owned(),
                Err(reason) => fill(t.copy_failed, &[("reason", &reason)]),
            };
            say(&id, words);
        });
    });
    let download = Callback::new(move |(id, index): (String, usize)| {
        let t = texts.get_untracked();
        let Some((url, name, settings)) = store.with_untracked(|s| {
            let entry = s.get(&id)?;
            let url = entry.images().into_iter().nth(index)?;
            let name = download_name(entry.prompt(), &id, index, &url);
            let settings = models.with_untracked(|models| ImageSettings::of(entry, models));
            Some((url, name, settings))
        }) else {
            return;
        };
        spawn_local(async move {
            // Krea's link may have died: the copy kept in the browser is the same file.
            let bytes = match image_bytes(&url).await {
                Ok(bytes) => Ok(bytes),
                Err(why) => match copies {
                    Some(copies) => copies.bytes(CopyKey::new(&id, index)).await.ok_or(why),
                    None => Err(why),
                },
            };
            let words = match bytes {
                Ok(bytes) => save_with_settings(bytes, settings, &name, t).await,
                Err(_) => {
                    browser::open_in_new_tab(&url);
                    t.download_fallback.to_owned()
                }
            };
            say(&id, words);
        });
    });
    let view = Callback::new(move |target: (String, usize)| viewing.set(Some(target)));
    JobActions {
        cancel,
        cancel_all,
        retry,
        vary_seed,
        reuse,
        remove,
        check_again,
        clear_finished,
        copy,
        download,
        view,
        choose: None,
        flash,
    }
}

/// Saves an image with its settings written inside (PNG and JPEG); any other file, or one
/// the writer cannot read, is saved as it came and the person is told. Says what was saved.
async fn save_with_settings(
    bytes: Vec<u8>,
    settings: ImageSettings,
    name: &str,
    t: &'static Texts,
) -> String {
    let mime = match ImageKind::of(&bytes) {
        Some(ImageKind::Png) => "image/png",
        Some(ImageKind::Jpeg) => "image/jpeg",
        None => "",
    };
    // A copy, so that a writer that did not load still leaves the image to save.
    let (bytes, missing) = match with_settings(bytes.clone(), settings).await {
        Ok((written, None)) => (written, None),
        Ok((bytes, Some(why))) => (
            bytes,
            Some(match why {
                NotWritten::Unsupported => t.settings_unsupported,
                NotWritten::Corrupt => t.settings_not_whole,
                NotWritten::TooLong => t.settings_too_long,
            }),
        ),
        Err(_) => (bytes, Some(t.part_missing)),
    };
    if let Err(reason) = browser::save_bytes(&bytes, name, mime) {
        return reason;
    }
    match missing {
        None => fill(t.downloaded, &[("name", name)]),
        Some(reason) => fill(
            t.saved_without_settings,
            &[("name", name), ("reason", reason)],
        ),
    }
}

crate::lazy_part! { image_settings, preload_write_settings:
    /// `bytes` with `settings` written in, or as they came with the reason they are.
    pub(crate) fn with_settings(
        bytes: Vec<u8>,
        settings: ImageSettings,
    ) -> (Vec<u8>, Option<NotWritten>) {
        match image_settings::embed(&bytes, &settings) {
            Ok(written) => (written, None),
            Err(why) => (bytes, Some(why)),
        }
    }
}
