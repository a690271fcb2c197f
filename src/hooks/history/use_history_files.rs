use crate::browser;
use crate::hooks::{LiveJobs, PendingRemovals};
use crate::i18n::{fill, Texts};
use crate::jobs::history_file::{self, ImportError, Imported, Refusal};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Saving the history to a file and merging one back in, with what happened in words.
#[derive(Clone, Copy)]
pub struct HistoryFiles {
    /// Saves the whole history, or only these jobs (a selection).
    pub export: Callback<Option<Vec<String>>>,
    /// Takes the file the person picked.
    pub import: Callback<web_sys::File>,
    /// What the last export or import did, or why it did nothing.
    pub outcome: ReadSignal<Option<String>>,
}

/// Reading and writing history files loads on first use (`crate::lazy`); the hook itself
/// only holds what happened.
pub fn use_history_files(store: LiveJobs, texts: Signal<&'static Texts>) -> HistoryFiles {
    let (outcome, set_outcome) = signal(None::<String>);
    let export = Callback::new(move |only: Option<Vec<String>>| {
        let t = texts.get_untracked();
        spawn_local(async move {
            let words = export_history(store, only, t).await;
            set_outcome.try_set(Some(words.unwrap_or_else(|_| t.part_missing.to_owned())));
        });
    });
    // Jobs waiting for their removal that an imported file brings back stay.
    let removals = use_context::<PendingRemovals>();
    let import = Callback::new(move |file: web_sys::File| {
        let t = texts.get_untracked();
        spawn_local(async move {
            let text = browser::read_text(&file).await;
            let words = import_history(store, removals, text, t).await;
            set_outcome.try_set(Some(words.unwrap_or_else(|_| t.part_missing.to_owned())));
        });
    });
    HistoryFiles {
        export,
        import,
        outcome,
    }
}

crate::lazy_part! { history_files, preload_history_files:
    /// Saves the history (or only the jobs `only` names) to a file; says what was saved,
    /// or why nothing was.
    pub(crate) fn export_history(
        store: LiveJobs,
        only: Option<Vec<String>>,
        t: &'static Texts,
    ) -> String {
        let text = store.with_untracked(|s| match &only {
            None => history_file::export(s.entries()),
            Some(ids) => {
                let picked: Vec<_> = ids.iter().filter_map(|id| s.get(id).cloned()).collect();
                history_file::export(&picked)
            }
        });
        let name = history_file::file_name(&browser::today());
        match browser::save_text(&text, &name, "application/json") {
            Ok(()) => fill(t.downloaded, &[("name", &name)]),
            Err(reason) => reason,
        }
    }
}

crate::lazy_part! { history_files, preload_import:
    /// Merges a history file's text (or why it could not be read) into the history; says
    /// what changed. A file that cannot be read changes nothing.
    pub(crate) fn import_history(
        store: LiveJobs,
        removals: Option<PendingRemovals>,
        text: Result<String, String>,
        t: &'static Texts,
    ) -> String {
        let parsed = text
            .map_err(ImportError::NotJson)
            .and_then(|text| history_file::parse(&text));
        {
            match parsed {
                Ok(Imported { jobs, refused }) => {
                    // Jobs whose removal was waiting come back as the file has them (and
                    // count as new, as they were gone from sight).
                    if let Some(removals) = removals {
                        let back: Vec<String> = jobs
                            .iter()
                            .map(|job| job.id().to_owned())
                            .filter(|id| removals.hides(id))
                            .collect();
                        removals.spare(&back);
                        store.update(|s| s.remove_all(&back.into_iter().collect()));
                    }
                    let report = store.update(|s| s.merge(jobs)).unwrap_or_default();
                    let mut words = fill(
                        t.imported,
                        &[
                            ("added", &report.added.to_string()),
                            ("updated", &report.updated.to_string()),
                            ("unchanged", &report.unchanged.to_string()),
                        ],
                    );
                    if !refused.is_empty() {
                        words.push_str(" · ");
                        words.push_str(&refused_words(&refused, t));
                    }
                    words
                }
                Err(error) => fill(t.import_failed, &[("reason", import_reason(&error, t))]),
            }
        }
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

/// `2 entries refused: entry 1: unreadable; entry 3: the job id is not a UUID` (the first
/// few reasons; the count is always whole).
fn refused_words(refused: &[(usize, Refusal)], t: &'static Texts) -> String {
    let reasons: Vec<String> = refused
        .iter()
        .take(5)
        .map(|(entry, why)| {
            let template = match why {
                Refusal::Unreadable => t.unreadable_entry,
                Refusal::NotUuid => t.not_uuid,
            };
            fill(template, &[("n", &entry.to_string())])
        })
        .collect();
    fill(
        t.refused_entries,
        &[
            ("n", &refused.len().to_string()),
            ("reasons", &reasons.join("; ")),
        ],
    )
}
