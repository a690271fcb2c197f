use super::use_stored::{browser_storage, Kept};
use super::LiveJobs;
use crate::history_db::{HistoryDb, StorageError};
use crate::history_journal::HistoryJournal;
use crate::jobs::journal;
use crate::jobs::store::Changes;
use crate::jobs::JobStore;
use crate::storage_scope::StorageScope;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where the history lived before IndexedDB (one JSON text in localStorage, under this
/// name in the studio's scope). It is moved into IndexedDB once, then kept under
/// [`MIGRATED_KEY`] rather than deleted.
pub const HISTORY_KEY: &str = "history";
const MIGRATED_KEY: &str = "history.migrated";
/// Legacy entries that could not be read, kept for recovery.
const UNREADABLE_KEY: &str = "history.unreadable";

/// Where the history lives, and what the person should know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StorageStatus {
    /// Still reading the saved history.
    pub loading: bool,
    /// No storage here: the history lives in this tab only and a reload loses it.
    pub in_memory_only: bool,
    /// Why the last write failed; `unsaved` changes wait for the next write.
    pub write_failed: Option<StorageError>,
    pub unsaved: usize,
    /// Saved records that could not be read and were skipped.
    pub skipped: usize,
    /// Bytes used and available for this site, as the browser estimates them.
    pub usage: Option<(f64, f64)>,
    /// The browser agreed not to clear the history when space runs low.
    pub persisted: bool,
}

impl Default for StorageStatus {
    fn default() -> Self {
        StorageStatus {
            loading: true,
            in_memory_only: false,
            write_failed: None,
            unsaved: 0,
            skipped: 0,
            usage: None,
            persisted: false,
        }
    }
}

/// The history and where it lives.
#[derive(Clone, Copy)]
pub struct History {
    pub jobs: LiveJobs,
    pub status: RwSignal<StorageStatus>,
}

impl History {
    /// The saved history is in the store (or there is none to wait for).
    pub fn is_loaded(&self) -> bool {
        !self.status.with(|s| s.loading)
    }
}

#[derive(Serialize, Deserialize)]
struct Written {
    jobs: Vec<String>,
    submissions: Vec<String>,
}

/// Every job and submission, one IndexedDB record each, written when it changes: a reload,
/// tomorrow or another tab finds the history, and jobs in flight resume. A write that
/// fails is said at once and its changes stay in memory for the next write; without any
/// storage the studio works in memory and says a reload will lose the history.
pub fn use_job_history() -> History {
    let scope = expect_context::<StorageScope>();
    let prefix = StoredValue::new(scope.journal_prefix());
    let store = LiveJobs::default();
    let status = RwSignal::new(StorageStatus::default());
    let history = History {
        jobs: store,
        status,
    };
    let db = StoredValue::new_local(None::<Rc<HistoryDb>>);
    let channel: Channel = StoredValue::new_local(None);

    let journal = StoredValue::new_local(HistoryJournal::open(prefix.get_value()));

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
            match database.write(writes).await {
                Ok(()) => {
                    journal.with_value(|j| j.as_ref().map(|j| j.settle(&lines)));
                    let unsaved = store.with_untracked(JobStore::unsaved);
                    status.try_update(|s| {
                        s.unsaved = unsaved;
                        if unsaved == 0 {
                            s.write_failed = None;
                        }
                    });
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

    spawn_local(async move {
        let legacy = read_legacy(&scope);
        let database = match HistoryDb::open(scope.database()).await {
            Ok(database) => Rc::new(database),
            Err(_) => {
                // In memory only, but with whatever the old storage still holds.
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
                });
                return;
            }
        };
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
        // What a page that closed before its writes landed left in the journal.
        let left = journal.with_value(|j| j.as_ref().map(HistoryJournal::read));
        skipped += prefix.with_value(|p| journal::replay(p, &mut saved, left.unwrap_or_default()));
        store.update(|s| {
            // Anything made before the saved history arrived stays, and is written too.
            let made_meanwhile = std::mem::take(s);
            let pending = saved.take_changes();
            *s = saved;
            s.keep_unsaved(pending);
            for entry in made_meanwhile.entries() {
                s.add(entry.clone());
            }
            for submission in made_meanwhile.submissions() {
                s.restore_submission(submission.clone());
            }
            s.resume_submissions(js_sys::Date::now());
        });
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
        let lines = store.with_all(|s| prefix.with_value(|p| journal::lines(p, s, s.changes())));
        let (loading, in_memory_only) = status.with_untracked(|s| (s.loading, s.in_memory_only));
        if !in_memory_only {
            journal.with_value(|j| j.as_ref().map(|j| j.write(&lines)));
        }
        if !loading {
            save();
        }
    });
    on_cleanup(move || {
        if let Some((channel, _)) = channel.try_update_value(Option::take).flatten() {
            channel.set_onmessage(None);
            channel.close();
        }
    });
    history
}

/// The history localStorage still holds, read entry by entry; entries that cannot be read
/// are kept aside under [`UNREADABLE_KEY`] and counted.
fn read_legacy(scope: &StorageScope) -> Option<(JobStore, usize)> {
    let storage = browser_storage(Kept::Always)?;
    let text = storage.get_item(&scope.key(HISTORY_KEY)).ok().flatten()?;
    match JobStore::from_stored(&text) {
        Ok((store, unreadable)) => {
            if !unreadable.is_empty() {
                let kept = serde_json::to_string(&unreadable).unwrap_or_default();
                let _ = storage.set_item(&scope.key(UNREADABLE_KEY), &kept);
            }
            Some((store, unreadable.len()))
        }
        Err(_) => {
            let _ = storage.set_item(&scope.key(UNREADABLE_KEY), &text);
            let _ = storage.remove_item(&scope.key(HISTORY_KEY));
            Some((JobStore::default(), 1))
        }
    }
}

/// The old copy is moved aside only after IndexedDB holds every entry.
fn retire_legacy(scope: &StorageScope) {
    let Some(storage) = browser_storage(Kept::Always) else {
        return;
    };
    if let Ok(Some(text)) = storage.get_item(&scope.key(HISTORY_KEY)) {
        if storage.set_item(&scope.key(MIGRATED_KEY), &text).is_ok() {
            let _ = storage.remove_item(&scope.key(HISTORY_KEY));
        }
    }
}

type Channel = StoredValue<
    Option<(
        web_sys::BroadcastChannel,
        Closure<dyn FnMut(web_sys::MessageEvent)>,
    )>,
    leptos::prelude::LocalStorage,
>;

fn tell_other_tabs(channel: Channel, changes: &Changes) {
    let written = Written {
        jobs: changes.jobs.iter().cloned().collect(),
        submissions: changes.submissions.iter().cloned().collect(),
    };
    let text = serde_json::to_string(&written).unwrap_or_default();
    channel.with_value(|channel| {
        if let Some((channel, _)) = channel {
            let _ = channel.post_message(&JsValue::from_str(&text));
        }
    });
}

/// Another tab wrote these records: read them back and show them here.
fn listen_to_other_tabs(name: &str, channel: Channel, database: Rc<HistoryDb>, store: LiveJobs) {
    let Ok(broadcast) = web_sys::BroadcastChannel::new(name) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(written) = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<Written>(&text).ok())
            else {
                return;
            };
            let database = Rc::clone(&database);
            spawn_local(async move {
                for id in written.jobs {
                    match database.job(&id).await {
                        Ok(Some(entry)) => store.update(|s| s.put_entry(entry)),
                        Ok(None) => store.update(|s| s.forget_entry(&id)),
                        Err(_) => None,
                    };
                }
                for key in written.submissions {
                    match database.submission(&key).await {
                        Ok(Some(submission)) => store.update(|s| s.put_submission(submission)),
                        Ok(None) => store.update(|s| s.forget_submission(&key)),
                        Err(_) => None,
                    };
                }
            });
        });
    broadcast.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    channel.set_value(Some((broadcast, on_message)));
}

/// Asks the browser to keep the history when space runs low, and how much space there is.
async fn ask_for_persistence() -> (bool, Option<(f64, f64)>) {
    let storage = gloo_utils::window().navigator().storage();
    let persisted = match storage.persist() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    };
    let usage = match storage.estimate() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|estimate| {
            let number = |key: &str| {
                js_sys::Reflect::get(&estimate, &JsValue::from_str(key))
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            Some((number("usage")?, number("quota")?))
        }),
        Err(_) => None,
    };
    (persisted, usage)
}
