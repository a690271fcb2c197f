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

/// `ms` (milliseconds since 1970) as RFC 3339 text in UTC, to the second, as Krea writes times.
pub fn rfc3339(ms: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
