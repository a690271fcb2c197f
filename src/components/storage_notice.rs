use crate::history_db::StorageError;
use crate::hooks::{use_texts, StorageStatus};
use crate::i18n::{fill, Texts};
use leptos::prelude::*;

/// What the person must know about where their history lives: only in this tab, not
/// saved (and how much is waiting), or saved entries that could not be read.
#[component]
pub fn StorageNotice(status: RwSignal<StorageStatus>) -> impl IntoView {
    let t = use_texts();
    let lines = move || {
        let t = t.get();
        status.with(|s| {
            let mut lines = Vec::new();
            if s.in_memory_only {
                lines.push(t.storage_memory_only.to_owned());
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
        StorageError::Failed(_) => t.storage_failed,
    }
}
