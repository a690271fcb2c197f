//! The plumbing every store shares: the future their methods return, the one clock they
//! keep time by, the Redis connection and its key names, and the state file. Each concern's
//! stores live in its own folder, gathered by `--state` in `stores.rs`.

pub mod file;
pub mod keys;
pub mod redis;

use std::future::Future;
use std::pin::Pin;
use std::time::{SystemTime, UNIX_EPOCH};

/// What every store method returns, so that a store that waits (Redis, a file) and one that
/// does not (memory) stand behind one trait.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Milliseconds since 1970: the one clock every store keeps time by, so that a record
/// written before a restart is read with the same meaning after it.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}
