//! Where the proxy keeps what it must remember (idempotency records, job ownership, the
//! limits): in this process (the default), or in Redis with `--state redis://HOST:PORT`, so
//! several replicas share it and a restart keeps it.

use crate::idempotency::{IdempotencyStore, MemoryStore};
use crate::limits::{LimitStore, MemoryLimits};
use crate::ownership::{MemoryOwnership, Ownership};
use crate::redis_state::RedisState;

pub struct Stores {
    pub idempotency: Box<dyn IdempotencyStore>,
    pub ownership: Box<dyn Ownership>,
    pub limits: Box<dyn LimitStore>,
    /// The shared store, when there is one (asked by `/readyz`).
    pub redis: Option<RedisState>,
    /// The secret replicas share for signing sessions, when the store keeps one.
    pub session_secret: Option<Vec<u8>>,
}

impl Stores {
    pub fn memory() -> Self {
        Stores {
            idempotency: Box::new(MemoryStore::default()),
            ownership: Box::new(MemoryOwnership::default()),
            limits: Box::new(MemoryLimits::default()),
            redis: None,
            session_secret: None,
        }
    }

    pub async fn redis(url: &str) -> Result<Self, String> {
        let redis = RedisState::connect(url).await?;
        let session_secret = Some(redis.shared_secret().await?);
        Ok(Stores {
            session_secret,
            idempotency: Box::new(redis.clone()),
            ownership: Box::new(redis.clone()),
            limits: Box::new(redis.clone()),
            redis: Some(redis),
        })
    }

    /// What `--state` asks for: `memory`, or a `redis://` URL.
    pub async fn from_flag(state: &str) -> Result<Self, String> {
        if state == "memory" {
            Ok(Stores::memory())
        } else if state.starts_with("redis://") || state.starts_with("rediss://") {
            Stores::redis(state).await
        } else {
            Err(format!(
                "--state takes memory or redis://HOST:PORT, not {state}"
            ))
        }
    }
}
