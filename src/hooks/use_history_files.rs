use crate::browser;
use crate::i18n::{fill, Texts};
use crate::jobs::history_file::{self, ImportError};
use crate::jobs::JobStore;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Saving the history to a file and merging one back in, with what happened in words.
#[derive(Clone, Copy)]
pub struct HistoryFiles {
    pub export: Callback<()>,
    /// Takes the file the person picked.
    pub import: Callback<web_sys::File>,
    /// What the last export or import did, or why it did nothing.
    pub outcome: ReadSignal<Option<String>>,
}

pub fn use_history_files(store: RwSignal<JobStore>, texts: Signal<&'static Texts>) -> HistoryFiles {
    let (outcome, set_outcome) = signal(None::<String>);
    let export = Callback::new(move |()| {
        let text = store.with_untracked(|s| history_file::export(s.entries()));
        let name = history_file::file_name(&browser::today());
        let saved = browser::save_text(&text, &name, "application/json");
        set_outcome.set(Some(match saved {
            Ok(()) => fill(texts.get_untracked().downloaded, &[("name", &name)]),
            Err(reason) => reason,
        }));
    });
    let import = Callback::new(move |file: web_sys::File| {
        let t = texts.get_untracked();
        spawn_local(async move {
            let parsed = browser::read_text(&file)
                .await
                .map_err(ImportError::NotJson)
                .and_then(|text| history_file::parse(&text));
            // A file that cannot be read changes nothing.
            let words = match parsed {
                Ok(jobs) => {
                    let report = store.try_update(|s| s.merge(jobs)).unwrap_or_default();
                    fill(
                        t.imported,
                        &[
                            ("added", &report.added.to_string()),
                            ("updated", &report.updated.to_string()),
                            ("unchanged", &report.unchanged.to_string()),
                        ],
                    )
                }
                Err(error) => fill(t.import_failed, &[("reason", import_reason(&error, t))]),
            };
            set_outcome.try_set(Some(words));
        });
    });
    HistoryFiles {
        export,
        import,
        outcome,
    }
}

fn import_reason(error: &ImportError, t: &'static Texts) -> &'static str {
    match error {
        ImportError::NotJson(_) => t.not_json,
        ImportError::WrongKind => t.wrong_kind,
        ImportError::TooNew(_) => t.too_new,
        ImportError::BadJob(_) => t.bad_job,
    }
}
