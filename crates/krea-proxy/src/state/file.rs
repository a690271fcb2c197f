//! The state in one file (`--state file:PATH`, the default in front of Krea), through redb:
//! an embedded, crash-safe key-value store in pure Rust. Every change is one write
//! transaction, durable when it returns, and read-modify-write steps cannot interleave
//! (redb runs one writer at a time), so the file store keeps the same promises as Redis
//! for one process. The file is locked while a proxy holds it: replicas share state
//! through Redis instead.
//!
//! Each store's implementation is in its own folder (`idempotency/file.rs`, …); this file
//! holds the database, its tables, and how work reaches it off the async threads.

use super::BoxFuture;
use redb::{Database, DatabaseError, ReadableTable, TableDefinition};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Idempotency key → `KeyRecord` (JSON).
pub const KEYS: TableDefinition<&str, &[u8]> = TableDefinition::new("idempotency_keys");
/// Job id handed out → when (ms since 1970).
pub const HANDED_OUT: TableDefinition<&str, u64> = TableDefinition::new("handed_out");
/// Job id → its caller.
pub const OWNERS: TableDefinition<&str, &str> = TableDefinition::new("owners");
/// `caller \x1f created_at \x1f job_id` → nothing: each caller's jobs in creation order
/// (Krea's RFC 3339 times in UTC sort as text).
pub const OWNED: TableDefinition<&str, ()> = TableDefinition::new("owned_jobs");
/// Job id → its price when submitted (millionths of a dollar), for receipts.
pub const PRICES: TableDefinition<&str, u64> = TableDefinition::new("job_prices");
/// Caller → `CallerLimits` (JSON).
pub const LIMIT_CALLERS: TableDefinition<&str, &[u8]> = TableDefinition::new("limit_callers");
/// Job id → the caller whose hold it is.
pub const HOLDERS: TableDefinition<&str, &str> = TableDefinition::new("limit_holders");
/// UTC day number → money taken (millionths of a dollar).
/// The proxy-wide spend per UTC day, as files written before budgets had scopes kept it
/// (read, never written: see `limits::file`).
pub const SPENT: TableDefinition<u64, u64> = TableDefinition::new("spent");
/// The spend per budget counter (`limits::Budget::counter`).
pub const SPENT_BY_COUNTER: TableDefinition<&str, u64> = TableDefinition::new("spent_by_counter");
/// Something done at most once (`limits::LimitStore::first_time`) → until when it stays done.
pub const MARKS: TableDefinition<&str, u64> = TableDefinition::new("marks");
/// `period \x1f scope` → its usage tally (JSON, `usage::file`).
pub const USAGE: TableDefinition<&str, &[u8]> = TableDefinition::new("usage");
/// Job id → what it was counted as when made, until its end is counted (JSON).
pub const USAGE_NOTES: TableDefinition<&str, &[u8]> = TableDefinition::new("usage_notes");
/// Webhook token → `Hook` (JSON).
pub const HOOKS: TableDefinition<&str, &[u8]> = TableDefinition::new("push_hooks");
/// Caller → `Kept` events (JSON).
pub const KEPT: TableDefinition<&str, &[u8]> = TableDefinition::new("push_kept");

/// What the proxy keeps about itself: the secret sessions are signed with.
pub const META: TableDefinition<&str, &str> = TableDefinition::new("meta");
const SESSION_SECRET: &str = "session_secret";

/// The file's own page cache: the records a request touches (a caller's limits, a key, an
/// owner) are a few pages; the rest is read through the system's file cache. (The soak in
/// `cargo xtask bench` grew 1.25× with 1 MiB here, 1.9× with 16 MiB as the cache filled.)
const CACHE_BYTES: usize = 1024 * 1024;

/// Writes between two sweeps of what expired.
const SWEEP_EVERY: usize = 1024;

/// State-file work running at once, on the blocking threads. redb runs one writer at a
/// time, so more would only wait on its lock: each waiting request held a thread of its
/// own, and every serving runtime's pool grew to as many threads as requests had ever
/// waited together (29 in the soak), each keeping its allocator cache. Readers run beside
/// the writer, so a few are enough.
const AT_ONCE: usize = 4;

/// The open state file, shared by every store.
#[derive(Clone)]
pub struct FileState {
    db: Arc<Database>,
    /// When this process opened the file: an idempotency key still in flight from before
    /// belongs to a request that died with the previous process.
    pub opened_ms: u64,
    writes: Arc<AtomicUsize>,
    /// Turns to run work on the file ([`AT_ONCE`]).
    turns: Arc<Semaphore>,
}

impl FileState {
    /// Opens the file, creating it (and its folder) when missing.
    pub fn open(path: &Path) -> Result<FileState, String> {
        let shown = path.display();
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("--state file:{shown}: cannot create its folder: {e}"))?;
        }
        // redb caches up to 1 GiB by default, growing with the file: a proxy that runs for
        // months would hold its whole history in memory. A small cache keeps it flat.
        let db = redb::Builder::new()
            .set_cache_size(CACHE_BYTES)
            .create(path)
            .map_err(|error| match error {
                DatabaseError::DatabaseAlreadyOpen => format!(
                    "--state file:{shown} is held by another krea-proxy: one file serves one \
                 process (replicas share --state redis://HOST:PORT)"
                ),
                other => {
                    format!("--state file:{shown}: cannot open it as the proxy's state: {other}")
                }
            })?;
        let state = FileState {
            db: Arc::new(db),
            opened_ms: super::now_ms(),
            writes: Arc::default(),
            turns: Arc::new(Semaphore::new(AT_ONCE)),
        };
        state
            .create_tables()
            .map_err(|e| format!("--state file:{shown}: {e}"))?;
        Ok(state)
    }

    fn create_tables(&self) -> Result<(), redb::Error> {
        let write = self.db.begin_write()?;
        write.open_table(KEYS)?;
        write.open_table(HANDED_OUT)?;
        write.open_table(OWNERS)?;
        write.open_table(OWNED)?;
        write.open_table(LIMIT_CALLERS)?;
        write.open_table(HOLDERS)?;
        write.open_table(SPENT)?;
        write.open_table(SPENT_BY_COUNTER)?;
        write.open_table(HOOKS)?;
        write.open_table(KEPT)?;
        write.open_table(META)?;
        write.open_table(MARKS)?;
        write.open_table(PRICES)?;
        write.open_table(USAGE)?;
        write.open_table(USAGE_NOTES)?;
        write.commit()?;
        Ok(())
    }

    /// The secret sessions are signed with: the first start's, kept in the file, so
    /// sessions a browser holds outlive a restart (as with Redis).
    pub fn session_secret(&self) -> Result<Vec<u8>, String> {
        let kept = || -> Result<String, redb::Error> {
            let write = self.db.begin_write()?;
            let secret = {
                let mut meta = write.open_table(META)?;
                let existing = meta.get(SESSION_SECRET)?.map(|s| s.value().to_owned());
                match existing {
                    Some(secret) => secret,
                    None => {
                        let secret = crate::secret::random_hex(32);
                        meta.insert(SESSION_SECRET, secret.as_str())?;
                        secret
                    }
                }
            };
            write.commit()?;
            Ok(secret)
        };
        kept()
            .map(String::into_bytes)
            .map_err(|e| format!("the state file's session secret: {e}"))
    }

    /// Runs `work` on the database on a blocking thread (a commit waits for the disk), and
    /// answers `fallback` when it fails, saying why in the log.
    pub fn run<T, F>(&self, what: &'static str, fallback: T, work: F) -> BoxFuture<'static, T>
    where
        T: Send + 'static,
        F: FnOnce(&Database) -> Result<T, redb::Error> + Send + 'static,
    {
        let db = Arc::clone(&self.db);
        let turns = Arc::clone(&self.turns);
        Box::pin(async move {
            // The semaphore is never closed, so a turn always comes.
            let turn = turns.acquire_owned().await;
            match tokio::task::spawn_blocking(move || {
                let _turn = turn;
                work(&db)
            })
            .await
            {
                Ok(Ok(value)) => value,
                Ok(Err(error)) => {
                    tracing::error!("state file: {what} failed: {error}");
                    fallback
                }
                Err(_) => {
                    tracing::error!("state file: {what} failed");
                    fallback
                }
            }
        })
    }

    /// Whether this write is one on which to sweep what expired.
    pub fn sweep_due(&self) -> bool {
        self.writes.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1
    }
}

/// A stored JSON value, read back; a record that does not read (written by a newer or
/// broken proxy) is treated as absent rather than stopping every request.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::warn!("state file: a record does not read ({error}); ignoring it");
            None
        }
    }
}

/// A value as stored.
pub fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}
