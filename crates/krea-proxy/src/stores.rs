//! Where the proxy keeps what it must remember: idempotency records, job ownership, the
//! limits, pushed results and usage. Each concern is one trait with three implementations side by
//! side in its own folder: in this process (`memory`, tests and throwaway runs), in a file
//! (`file:PATH`, the default in front of Krea: one process, kept across restarts), or in
//! Redis (`redis://HOST:PORT`, shared by replicas). One contract test per trait runs every
//! behaviour against all three (`tests/store_contracts.rs`).

use crate::idempotency::{self, IdempotencyStore};
use crate::limits::{LimitStore, MemoryLimits};
use crate::ownership::{MemoryOwnership, Ownership};
use crate::push::{MemoryRecords, PushRecords};
use crate::state::file::FileState;
use crate::state::redis::RedisState;
use crate::usage::{MemoryUsage, UsageStore};
use std::path::{Path, PathBuf};

pub struct Stores {
    pub idempotency: Box<dyn IdempotencyStore>,
    pub ownership: Box<dyn Ownership>,
    pub limits: Box<dyn LimitStore>,
    /// The same store for `--upload-rate` (its callers under their own names).
    pub upload_limits: Box<dyn LimitStore>,
    /// Tokens and kept events of pushed results.
    pub push: Box<dyn PushRecords>,
    /// Who spent what (`GET /usage`).
    pub usage: Box<dyn UsageStore>,
    /// The shared store, when there is one (asked by `/readyz`, and heard for pushed
    /// results other replicas recorded).
    pub redis: Option<RedisState>,
    /// The secret replicas share for signing sessions, when the store keeps one.
    pub session_secret: Option<Vec<u8>>,
    /// What `/readyz` and the start line call this state.
    pub kind: StateKind,
}

/// Which of the three stores holds the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateKind {
    Memory,
    File(PathBuf),
    Redis,
}

impl StateKind {
    /// For `/readyz`: `memory`, `file` or `redis`.
    pub fn name(&self) -> &'static str {
        match self {
            StateKind::Memory => "memory",
            StateKind::File(_) => "file",
            StateKind::Redis => "redis",
        }
    }

    /// For the start line: where the state is, and whether it outlives the process.
    pub fn describe(&self) -> String {
        match self {
            StateKind::Memory => "in memory (forgotten when the proxy stops)".to_owned(),
            StateKind::File(path) => format!("in {} (kept across restarts)", path.display()),
            StateKind::Redis => "in Redis (shared by replicas, kept across restarts)".to_owned(),
        }
    }
}

impl Stores {
    pub fn memory() -> Self {
        Stores {
            idempotency: Box::new(idempotency::MemoryStore::default()),
            ownership: Box::new(MemoryOwnership::default()),
            limits: Box::new(MemoryLimits::default()),
            upload_limits: Box::new(MemoryLimits::default()),
            push: Box::new(MemoryRecords::default()),
            usage: Box::new(MemoryUsage::default()),
            redis: None,
            session_secret: None,
            kind: StateKind::Memory,
        }
    }

    /// The state in one file, created when missing. Fails, saying why, when the file is
    /// held by another proxy or cannot be read as this proxy's state.
    pub fn file(path: &Path) -> Result<Self, String> {
        let file = FileState::open(path)?;
        let session_secret = Some(file.session_secret()?);
        Ok(Stores {
            idempotency: Box::new(file.clone()),
            ownership: Box::new(file.clone()),
            limits: Box::new(file.clone()),
            upload_limits: Box::new(file.clone()),
            usage: Box::new(file.clone()),
            push: Box::new(file),
            redis: None,
            session_secret,
            kind: StateKind::File(path.to_owned()),
        })
    }

    pub async fn redis(url: &str) -> Result<Self, String> {
        let redis = RedisState::connect(url).await?;
        let session_secret = Some(redis.shared_secret().await?);
        Ok(Stores {
            session_secret,
            idempotency: Box::new(redis.clone()),
            ownership: Box::new(redis.clone()),
            limits: Box::new(redis.clone()),
            upload_limits: Box::new(redis.clone()),
            push: Box::new(redis.clone()),
            usage: Box::new(redis.clone()),
            redis: Some(redis),
            kind: StateKind::Redis,
        })
    }

    /// What `--state` asks for: `memory`, `file:PATH` or a `redis://` URL.
    pub async fn from_flag(state: &str) -> Result<Self, String> {
        if state == "memory" {
            Ok(Stores::memory())
        } else if let Some(path) = state.strip_prefix("file:") {
            Stores::file(Path::new(path))
        } else if state.starts_with("redis://") || state.starts_with("rediss://") {
            Stores::redis(state).await
        } else {
            Err(format!(
                "--state takes memory, file:PATH or redis://HOST:PORT, not {state}"
            ))
        }
    }
}

/// Where the state file goes when `--state` names none: the user's state folder
/// (`$XDG_STATE_HOME`, else `~/.local/state`), else the working folder.
pub fn default_file() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/state")));
    match base {
        Some(base) => base.join("krea-proxy").join("state.redb"),
        None => PathBuf::from("krea-proxy-state.redb"),
    }
}
