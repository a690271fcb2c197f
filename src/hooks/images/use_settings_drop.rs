//! Dropping an image the studio saved back onto it: the settings written inside the file
//! (`jobs/image_settings`) fill the form again, model and all.

use crate::browser;
use crate::form::FormState;
use crate::i18n::{fill, Texts};
use crate::jobs::image_settings::{self, ImageSettings, NotRead};
use krea_api::Models;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Larger files are not read into memory: a saved result is a few megabytes, Krea's own
/// uploads stop at 75 MB.
const MAX_FILE_BYTES: f64 = 100.0 * 1024.0 * 1024.0;

#[derive(Clone, Copy)]
pub struct SettingsDrop {
    /// Reads a dropped file and, when it carries settings, loads them into the form.
    pub restore: Callback<web_sys::File>,
    /// What the last drop did, in words; `None` before the first.
    pub outcome: ReadSignal<Option<String>>,
}

pub fn use_settings_drop(
    form: RwSignal<FormState>,
    models: ReadSignal<Models>,
    texts: Signal<&'static Texts>,
) -> SettingsDrop {
    let (outcome, set_outcome) = signal(None::<String>);
    let restore = Callback::new(move |file: web_sys::File| {
        let t = texts.get_untracked();
        let name = file.name();
        spawn_local(async move {
            let words = match read_file(&file, t).await {
                Err(reason) => fill(t.no_settings_in, &[("name", &name), ("reason", reason)]),
                Ok(bytes) => match read_settings(bytes).await {
                    Err(_) => t.part_missing.to_owned(),
                    Ok(Err(why)) => fill(
                        t.no_settings_in,
                        &[("name", &name), ("reason", not_read_words(why, t))],
                    ),
                    Ok(Ok(settings)) => {
                        let loaded = models.with_untracked(|models| {
                            FormState::load(models, &settings.model_id, &settings.request)
                        });
                        match loaded {
                            Some(state) => {
                                form.set(state);
                                fill(t.settings_restored, &[("name", &name)])
                            }
                            None => fill(
                                t.restored_unknown_model,
                                &[("name", &name), ("model", &settings.model_id)],
                            ),
                        }
                    }
                },
            };
            set_outcome.try_set(Some(words));
        });
    });
    SettingsDrop { restore, outcome }
}

async fn read_file(file: &web_sys::File, t: &'static Texts) -> Result<Vec<u8>, &'static str> {
    if file.size() > MAX_FILE_BYTES {
        return Err(t.file_too_large);
    }
    browser::read_bytes(file).await.map_err(|_| t.file_damaged)
}

fn not_read_words(why: NotRead, t: &'static Texts) -> &'static str {
    match why {
        NotRead::Unsupported => t.file_not_image,
        NotRead::Corrupt => t.file_damaged,
        NotRead::Missing => t.file_has_no_settings,
        NotRead::TooLarge => t.file_settings_too_large,
        NotRead::Unreadable => t.file_settings_unreadable,
    }
}

crate::lazy_part! { image_settings, preload_read_settings:
    /// The settings written into an image the studio saved.
    pub(crate) fn read_settings(bytes: Vec<u8>) -> Result<ImageSettings, NotRead> {
        image_settings::read(&bytes)
    }
}
