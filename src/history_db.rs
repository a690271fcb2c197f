//! The history in IndexedDB: one record per job and one per submission, written when that
//! record changes, under a versioned schema. Plain storage: no views and no signals; the
//! history hook owns the connection.

use crate::jobs::safe_url::is_job_id;
use crate::jobs::store::Changes;
use crate::jobs::submission::Submission;
use crate::jobs::{JobEntry, JobStore};
use crate::js_json;
use idb::{
    CursorDirection, Database, DatabaseEvent, Event, Factory, KeyPath, ObjectStoreParams, Request,
    TransactionMode,
};
use serde::Serialize;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};

pub use crate::jobs::history_schema::{JOBS, SUBMISSIONS};
use crate::jobs::history_schema::{
    JOBS_BY_CREATED, JOBS_CREATED_PATH, JOBS_KEY_PATH, SUBMISSIONS_KEY_PATH, VERSION,
};

/// Why the history could not be read or written, as a person would want it said.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StorageError {
    /// No IndexedDB here (blocked, a private mode, a partitioned third-party frame).
    #[error("this browser keeps no storage for this page")]
    Unavailable,
    /// The history was written by a newer version of the studio (a tab opened before an
    /// update): this page cannot open it, and must not touch it.
    #[error("the history was saved by a newer version of the studio")]
    NewerVersion,
    /// The browser has not opened the history in time (another tab of an older version
    /// holds it open, or the browser is stuck).
    #[error("the browser has not opened the history yet")]
    NotOpened,
    /// The browser refused to store more (the disk, or the site's share of it, is full).
    #[error("the browser's storage for this site is full")]
    Full,
    #[error("{0}")]
    Failed(String),
}

impl StorageError {
    /// What a DOMException's name means here.
    fn from_exception(exception: &web_sys::DomException) -> Self {
        match exception.name().as_str() {
            "QuotaExceededError" => StorageError::Full,
            "VersionError" => StorageError::NewerVersion,
            name => StorageError::Failed(format!("{name}: {}", exception.message())),
        }
    }
}

impl From<idb::Error> for StorageError {
    fn from(error: idb::Error) -> Self {
        if let idb::Error::DomException(exception) = &error {
            return StorageError::from_exception(exception);
        }
        // A request that threw at once carries the exception as text ("Name: message").
        let text = error.to_string();
        if text.contains("QuotaExceeded") {
            StorageError::Full
        } else {
            StorageError::Failed(text)
        }
    }
}

/// Every saved job that can be read, and how many cannot. The records cross into wasm as
/// one JSON text, read by serde_json: reading each record's fields through the JS boundary
/// was most of the time a history of thousands took to open. Should the text not come
/// about (a record JSON cannot hold: a BigInt, an object that contains itself), each record
/// is read on its own and the ones that cannot be are counted.
fn read_jobs(records: Vec<JsValue>) -> (Vec<JobEntry>, usize) {
    let readable = |entry: &JobEntry| is_job_id(entry.id());
    let array: js_sys::Array = records.iter().collect();
    let text = js_sys::JSON::stringify(&array)
        .ok()
        .and_then(|text| text.as_string());
    let raws = text
        .and_then(|text| serde_json::from_str::<Vec<Box<serde_json::value::RawValue>>>(&text).ok());
    let Some(raws) = raws else {
        let mut unreadable = 0;
        let entries = records
            .into_iter()
            .filter_map(|value| {
                let entry = js_json::read::<JobEntry>(&value).ok().filter(readable);
                unreadable += usize::from(entry.is_none());
                entry
            })
            .collect();
        return (entries, unreadable);
    };
    let total = raws.len();
    let entries: Vec<JobEntry> = raws
        .iter()
        .filter_map(|raw| serde_json::from_str::<JobEntry>(raw.get()).ok())
        .filter(readable)
        .collect();
    let unreadable = total - entries.len();
    (entries, unreadable)
}

/// One record to write.
pub enum Write {
    Put(&'static str, JsValue),
    Delete(&'static str, String),
}

/// What the saved history held.
pub struct Loaded {
    pub store: JobStore,
    /// Records that could not be read: left where they are, skipped, counted.
    pub unreadable: usize,
}

pub struct HistoryDb {
    db: Database,
    /// A newer version of the studio (another tab, after an update) asked for the history
    /// and this connection let go of it, rather than keep that tab waiting.
    superseded: Rc<Cell<bool>>,
}

fn to_js<T: Serialize>(value: &T) -> Option<JsValue> {
    // Maps as plain objects, so the key paths reach into them.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .ok()
}

/// A connection nobody uses any more closes (once its transactions are done), so it
/// cannot keep a newer version's upgrade or a deletion waiting.
impl Drop for HistoryDb {
    fn drop(&mut self) {
        self.db.close();
    }
}

impl HistoryDb {
    /// Opens (or creates) the database called `name` (see [`crate::storage_scope`]).
    pub async fn open(name: &str) -> Result<Self, StorageError> {
        let factory = Factory::new().map_err(|_| StorageError::Unavailable)?;
        let mut request = factory
            .open(name, Some(VERSION))
            .map_err(|_| StorageError::Unavailable)?;
        request.on_upgrade_needed(|event| {
            let Ok(db) = event.database() else {
                return;
            };
            let old = event.old_version().unwrap_or(0);
            if old < 1 {
                let mut jobs = ObjectStoreParams::new();
                jobs.key_path(Some(KeyPath::new_single(JOBS_KEY_PATH)));
                let _ = db.create_object_store(JOBS, jobs);
                let mut submissions = ObjectStoreParams::new();
                submissions.key_path(Some(KeyPath::new_single(SUBMISSIONS_KEY_PATH)));
                let _ = db.create_object_store(SUBMISSIONS, submissions);
            }
            if old < 2 {
                // The browser indexes the records already there; none is rewritten.
                let upgrade = event.target().ok().and_then(|open| open.transaction());
                if let Some(jobs) = upgrade.and_then(|tx| tx.object_store(JOBS).ok()) {
                    let by_created = KeyPath::new_single(JOBS_CREATED_PATH);
                    let _ = jobs.create_index(JOBS_BY_CREATED, by_created, None);
                }
            }
        });
        let mut db = request
            .await
            .map_err(|error| match StorageError::from(error) {
                // Anything else that stops the open (a private mode, an internal error) leaves
                // no storage to use.
                StorageError::NewerVersion => StorageError::NewerVersion,
                StorageError::Full => StorageError::Full,
                _ => StorageError::Unavailable,
            })?;
        let superseded = Rc::new(Cell::new(false));
        db.on_version_change({
            let superseded = Rc::clone(&superseded);
            move |event| {
                let connection = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::IdbDatabase>().ok());
                if let Some(connection) = connection {
                    connection.close();
                    superseded.set(true);
                }
            }
        });
        // The handler outlives this value: a connection nobody holds any more must still let
        // go when asked.
        db.forget_callbacks();
        Ok(HistoryDb { db, superseded })
    }

    /// The `count` newest jobs (by creation time), newest first, to show before the rest is
    /// read. Records that cannot be read are left out (the full [`HistoryDb::load`] counts
    /// them).
    pub async fn newest(&self, count: usize) -> Result<Vec<JobEntry>, StorageError> {
        let tx = self.db.transaction(&[JOBS], TransactionMode::ReadOnly)?;
        let index = tx.object_store(JOBS)?.index(JOBS_BY_CREATED)?;
        let mut records = Vec::with_capacity(count);
        let mut cursor = index
            .open_cursor(None, Some(CursorDirection::Prev))?
            .await?;
        while let Some(at) = cursor.filter(|_| records.len() < count) {
            records.push(at.value()?);
            cursor = at.next(None)?.await?;
        }
        Ok(read_jobs(records).0)
    }

    /// Every record, each read on its own: one that cannot be read is skipped and counted.
    pub async fn load(&self) -> Result<Loaded, StorageError> {
        let tx = self
            .db
            .transaction(&[JOBS, SUBMISSIONS], TransactionMode::ReadOnly)?;
        let jobs = tx.object_store(JOBS)?.get_all(None, None)?.await?;
        let submissions = tx.object_store(SUBMISSIONS)?.get_all(None, None)?.await?;
        let mut store = JobStore::default();
        let (entries, mut unreadable) = read_jobs(jobs);
        store.from_elsewhere().put_entries(entries);
        for value in submissions {
            match js_json::read::<Submission>(&value) {
                Ok(submission) => store.from_elsewhere().put_submission(submission),
                Err(_) => unreadable += 1,
            }
        }
        Ok(Loaded { store, unreadable })
    }

    /// The records `changes` names, as they are in `store` now: kept ones are put, gone
    /// ones deleted. Made at once, so a later change cannot slip into this write.
    pub fn writes(store: &JobStore, changes: &Changes) -> Vec<Write> {
        let jobs = changes
            .jobs
            .iter()
            .map(|id| match store.get(id).and_then(to_js) {
                Some(value) => Write::Put(JOBS, value),
                None => Write::Delete(JOBS, id.clone()),
            });
        let submissions = changes.submissions.iter().map(|key| {
            let found = store.submissions().iter().find(|s| &s.key == key);
            match found.and_then(to_js) {
                Some(value) => Write::Put(SUBMISSIONS, value),
                None => Write::Delete(SUBMISSIONS, key.clone()),
            }
        });
        jobs.chain(submissions).collect()
    }

    /// Writes the records in one transaction: all of them, or (on an error) none.
    pub async fn write(&self, writes: Vec<Write>) -> Result<(), StorageError> {
        if self.superseded.get() {
            return Err(StorageError::NewerVersion);
        }
        // A second handle on the transaction, to read why it ended once it has: a full disk
        // aborts it with a QuotaExceededError that only the transaction carries.
        let handle: web_sys::IdbTransaction = self
            .db
            .transaction(&[JOBS, SUBMISSIONS], TransactionMode::ReadWrite)?
            .into();
        let tx = idb::Transaction::from(handle.clone());
        let queued: Result<(), idb::Error> = writes.into_iter().try_for_each(|write| match write {
            Write::Put(name, value) => tx.object_store(name)?.put(&value, None).map(drop),
            Write::Delete(name, key) => tx
                .object_store(name)?
                .delete(JsValue::from_str(&key))
                .map(drop),
        });
        if let Err(error) = queued {
            // None of it, rather than part of it.
            let _ = tx.abort();
            return Err(StorageError::from(error));
        }
        let done = tx.commit()?.await;
        if matches!(&done, Ok(result) if result.is_committed()) {
            return Ok(());
        }
        Err(match (handle.error(), done) {
            (Some(exception), _) => StorageError::from_exception(&exception),
            (None, Err(error)) => StorageError::from(error),
            (None, Ok(_)) => StorageError::Failed("the write was aborted".to_owned()),
        })
    }

    /// Empties the history (every job and submission).
    pub async fn clear(&self) -> Result<(), StorageError> {
        let tx = self
            .db
            .transaction(&[JOBS, SUBMISSIONS], TransactionMode::ReadWrite)?;
        tx.object_store(JOBS)?.clear()?;
        tx.object_store(SUBMISSIONS)?.clear()?;
        tx.commit()?.await?;
        Ok(())
    }

    /// Closes the connection once its transactions are done.
    pub fn close(&self) {
        self.db.close();
    }

    /// One job as saved now (`None`: removed), for a change another tab made.
    pub async fn job(&self, id: &str) -> Result<Option<JobEntry>, StorageError> {
        let tx = self.db.transaction(&[JOBS], TransactionMode::ReadOnly)?;
        let value = tx.object_store(JOBS)?.get(JsValue::from_str(id))?.await?;
        Ok(value.and_then(|v| js_json::read(&v).ok()))
    }

    /// One submission as saved now (`None`: gone).
    pub async fn submission(&self, key: &str) -> Result<Option<Submission>, StorageError> {
        let tx = self
            .db
            .transaction(&[SUBMISSIONS], TransactionMode::ReadOnly)?;
        let value = tx
            .object_store(SUBMISSIONS)?
            .get(JsValue::from_str(key))?
            .await?;
        Ok(value.and_then(|v| js_json::read(&v).ok()))
    }
}
