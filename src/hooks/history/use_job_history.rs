use super::migration::{read_legacy, retire_legacy};
use super::status::{History, NotKept, StorageStatus};
use super::storage_estimate::ask_for_persistence;
use super::tab_sync::{listen_to_other_tabs, tell_other_tabs, Channel};
use crate::history_db::{HistoryDb, StorageError};
use crate::history_journal::HistoryJournal;
use crate::hooks::{use_leave_warning, LiveJobs};
use crate::jobs::journal;
use crate::jobs::JobStore;
use crate::storage_scope::StorageScope;
use futures::future::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeSet;
use std::rc::Rc;

/// How many of the newest jobs are read first: a screenful of the grid, and more.
const NEWEST_FIRST: usize = crate::components::GRID_PAGE;
/// How long the browser may take to open the history before the studio says it is not
/// being saved and starts without it (it keeps waiting, and saves everything once the
/// open answers). An open is blocked while a tab of an older version holds the history.
const OPEN_PATIENCE_MS: u32 = 4_000;

/// Every job and submission, one IndexedDB record each, written when it changes: a reload,
/// tomorrow or another tab finds the history, and jobs in flight resume. A write that
/// fails is said at once and its changes stay in memory for the next write; without any
/// storage the studio works in memory and says a reload will lose the history.
pub fn use_job_history() -> History {
    let scope = expect_context::<StorageScope>();
    let prefix = StoredValue::new(scope.journal_prefix());
    let store = LiveJobs::default();
    let status = RwSignal::new(StorageStatus::default());
    let not_kept = NotKept(RwSignal::new(BTreeSet::new()));
    let history = History {
        jobs: store,
        status,
        not_kept,
    };
    let db = StoredValue::new_local(None::<Rc<HistoryDb>>);
    let channel: Channel = StoredValue::new_local(None);

    let journal = StoredValue::new_local(HistoryJournal::open(prefix.get_value()));
    // Whether the studio that owns this history is still there: a read, an open or a write
    // can answer after it was removed, and then nothing is left to tell.
    let alive = move || db.try_with_value(|_| ()).is_some();

    let save = move || {
        let Some(database) = db.get_value() else {
            // Nowhere to write: the changes stay, counted.
            let unsaved = store.with_untracked(JobStore::unsaved);
            if status.with_untracked(|s| s.unsaved != unsaved) {
                status.update(|s| s.unsaved = unsaved);
            }
            return;
        };
        let Some(changes) = store.update(JobStore::take_changes) else {
            return;
        };
        if changes.is_empty() {
            return;
        }
        let (writes, lines) = store.with_untracked(|s| {
            (
                HistoryDb::writes(s, &changes),
                prefix.with_value(|p| journal::lines(p, s, &changes)),
            )
        });
        spawn_local(async move {
            let written = database.write(writes).await;
            if !alive() {
                return;
            }
            match written {
                Ok(()) => {
                    journal.with_value(|j| j.as_ref().map(|j| j.settle(&lines)));
                    let unsaved = store.with_untracked(JobStore::unsaved);
                    status.try_update(|s| {
                        s.unsaved = unsaved;
                        if unsaved == 0 {
                            s.write_failed = None;
                        }
                    });
                    if unsaved == 0 && not_kept.0.with_untracked(|ids| !ids.is_empty()) {
                        not_kept.0.set(BTreeSet::new());
                    }
                    tell_other_tabs(channel, &changes);
                }
                Err(error) => {
                    store.update(|s| s.keep_unsaved(changes));
                    let unsaved = store.with_untracked(JobStore::unsaved);
                    status.try_update(|s| {
                        s.unsaved = unsaved;
                        s.write_failed = Some(error);
                    });
                }
            }
        });
    };

    // Without IndexedDB (for now or for good): the history in this tab, with whatever the
    // old storage and the journal still hold.
    let in_memory = move |error: StorageError, legacy: Option<(JobStore, usize)>| {
        let left = journal.with_value(|j| j.as_ref().map(HistoryJournal::read));
        store.update(|s| {
            if let Some((old, _)) = legacy {
                s.merge(old.entries().to_vec());
            }
            prefix.with_value(|p| journal::replay(p, s, left.unwrap_or_default()));
            s.resume_submissions(js_sys::Date::now());
        });
        status.try_update(|s| {
            s.loading = false;
            s.in_memory_only = true;
            s.open_error = Some(error);
        });
    };

    spawn_local(async move {
        let legacy = read_legacy(&scope);
        let opening = Box::pin(HistoryDb::open(scope.database()));
        let patience = gloo_timers::future::TimeoutFuture::new(OPEN_PATIENCE_MS);
        let opened = match futures::future::select(opening, patience).await {
            Either::Left((opened, _)) => opened,
            Either::Right(((), still_opening)) => {
                if !alive() {
                    return;
                }
                // Say so and work meanwhile; the journal keeps every change for a reload.
                in_memory(StorageError::NotOpened, legacy.clone());
                let opened = still_opening.await;
                if !alive() {
                    return;
                }
                if opened.is_ok() {
                    status.try_update(|s| {
                        s.in_memory_only = false;
                        s.open_error = None;
                        s.loading = true;
                    });
                }
                opened
            }
        };
        let database = match opened {
            // Dropped, the connection closes.
            _ if !alive() => return,
            Ok(database) => Rc::new(database),
            Err(error) => {
                if status.with_untracked(|s| s.open_error.is_none()) {
                    in_memory(error, legacy);
                } else {
                    status.try_update(|s| s.open_error = Some(error));
                }
                return;
            }
        };
        // The newest page first, shown while the rest is read: a long history opens as fast
        // as a short one. What the person does meanwhile is kept below.
        let newest = database.newest(NEWEST_FIRST).await.unwrap_or_default();
        if !alive() {
            return;
        }
        if !newest.is_empty() {
            store.update(|s| s.from_elsewhere().put_entries(newest.clone()));
            status.try_update(|s| s.newest_shown = true);
        }
        let (mut saved, mut skipped) = match database.load().await {
            Ok(loaded) => (loaded.store, loaded.unreadable),
            Err(error) => {
                status.try_update(|s| s.write_failed = Some(error));
                (JobStore::default(), 0)
            }
        };
        if let Some((old, unreadable)) = legacy {
            saved.merge(old.entries().to_vec());
            for submission in old.submissions() {
                if !saved.submissions().iter().any(|s| s.key == submission.key) {
                    saved.add_submission(submission.clone());
                }
            }
            skipped += unreadable;
            let moved = saved.take_changes();
            match database.write(HistoryDb::writes(&saved, &moved)).await {
                Ok(()) => retire_legacy(&scope),
                Err(error) => {
                    saved.keep_unsaved(moved);
                    status.try_update(|s| s.write_failed = Some(error));
                }
            }
        }
        if !alive() {
            return;
        }
        // What a page that closed before its writes landed left in the journal.
        let left = journal.with_value(|j| j.as_ref().map(HistoryJournal::read));
        skipped += prefix.with_value(|p| journal::replay(p, &mut saved, left.unwrap_or_default()));
        store.update(|s| s.adopt_saved(saved, &newest, js_sys::Date::now()));
        db.set_value(Some(Rc::clone(&database)));
        status.try_update(|s| {
            s.loading = false;
            s.skipped = skipped;
        });
        save();
        listen_to_other_tabs(&scope.channel(), channel, database, store);
        let (persisted, usage) = ask_for_persistence().await;
        status.try_update(|s| {
            s.persisted = persisted;
            s.usage = usage;
        });
    });

    // Writes what changed, whenever something did: into the journal at once (this runs
    // in the same turn as the change, before a reload can happen), then into IndexedDB.
    Effect::new(move |_| {
        let (lines, touched) = store.with_all(|s| {
            let changes = s.changes();
            let touched: BTreeSet<String> = changes
                .jobs
                .iter()
                .chain(&changes.submissions)
                .cloned()
                .collect();
            (
                prefix.with_value(|p| journal::lines(p, s, changes)),
                touched,
            )
        });
        let (loading, keeps_journal) = status.with_untracked(|s| (s.loading, s.keeps_journal()));
        if keeps_journal && !lines.is_empty() {
            // No journal at all (no localStorage) is a refusal too.
            let kept = journal.with_value(|j| j.as_ref().is_some_and(|j| j.write(&lines)));
            let not_kept_now = if kept { BTreeSet::new() } else { touched };
            if not_kept.0.with_untracked(|ids| *ids != not_kept_now) {
                not_kept.0.set(not_kept_now);
            }
        }
        if !loading {
            save();
        }
    });
    // Leaving now would lose changes no store holds: the browser asks first.
    use_leave_warning(Signal::derive(move || not_kept.any()));
    on_cleanup(move || {
        // Let go of the history, so a newer version's upgrade is not kept waiting.
        if let Some(Some(database)) = db.try_get_value() {
            database.close();
        }
        if let Some((channel, _)) = channel.try_update_value(Option::take).flatten() {
            channel.set_onmessage(None);
            channel.close();
        }
    });
    history
}
