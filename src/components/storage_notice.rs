use crate::history_db::StorageError;
use crate::hooks::{use_texts, NotKept, StorageStatus};
use crate::i18n::{fill, Texts};
use leptos::prelude::*;

/// What the person must know about where their history lives: only in this tab (and why),
/// not saved (and how much is waiting), changes no store holds, or saved entries that could
/// not be read.
#[component]
pub fn StorageNotice(status: RwSignal<StorageStatus>, not_kept: NotKept) -> impl IntoView {
    let t = use_texts();
    let lines = move || {
        let t = t.get();
        status.with(|s| {
            let mut lines = Vec::new();
            if s.in_memory_only {
                lines.push(
                    match s.open_error {
                        Some(StorageError::NotOpened) => t.storage_not_opened,
                        Some(StorageError::NewerVersion) => t.storage_newer_version,
                        _ => t.storage_memory_only,
                    }
                    .to_owned(),
                );
            }
            if not_kept.any() {
                lines.push(t.storage_journal_failed.to_owned());
            }
            if let Some(error) = &s.write_failed {
                lines.push(fill(
                    t.storage_write_failed,
                    &[
                        ("reason", storage_reason(error, t)),
                        ("n", &s.unsaved.to_string()),
                    ],
                ));
            }
            if s.skipped > 0 {
                lines.push(fill(t.storage_skipped, &[("n", &s.skipped.to_string())]));
            }
            lines
        })
    };
    view! {
        <div class="storage-notice" data-testid="storage-notice" role="status">
            <For each=lines key=|line| line.clone() let:line>
                <p>{line}</p>
            </For>
        </div>
    }
}

pub fn storage_reason(error: &StorageError, t: &'static Texts) -> &'static str {
    match error {
        StorageError::Full => t.storage_full,
        StorageError::Unavailable => t.storage_unavailable,
        StorageError::NewerVersion => t.storage_reason_newer,
        StorageError::NotOpened => t.storage_reason_not_opened,
        StorageError::Failed(_) => t.storage_failed,
    }
}
