//! Which caller made which job, so that on a shared proxy a caller sees, polls and cancels
//! only its own jobs and lists them in Krea's list shape.
//!
//! [`Ownership`] is the interface (futures, so a shared store can stand behind it), kept in
//! this process ([`MemoryOwnership`]), in a file or in Redis.

mod file;
mod memory;
mod redis;

pub use crate::state::BoxFuture;
pub use memory::MemoryOwnership;
use std::time::Duration;

/// The store did not answer: who made a job is unknown right now, which is not "nobody".
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the proxy's state store did not answer")]
pub struct Unanswered;

/// How long a job's owner is tried again while the store does not answer.
const RECORD_FOR: Duration = Duration::from_secs(3600);
/// The longest wait between two tries: the studio gives a job up after a few "not found"
/// answers, so its owner must be written soon after the store is back.
const RECORD_WAIT_AT_MOST: Duration = Duration::from_secs(5);

/// Ownership is kept this long: a history is kept for months.
pub const OWNED_FOR: Duration = Duration::from_secs(400 * 24 * 3600);

/// One page of a caller's jobs, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedPage {
    /// `(created_at, job_id)`, newest first.
    pub jobs: Vec<(String, String)>,
    /// Older jobs remain after this page.
    pub more: bool,
}

pub trait Ownership: Send + Sync {
    /// Records that `caller` made `job_id`, created at `created_at` (Krea's RFC 3339 text).
    fn record<'a>(
        &'a self,
        job_id: &'a str,
        caller: &'a str,
        created_at: &'a str,
    ) -> BoxFuture<'a, Result<(), Unanswered>>;
    /// Who made the job, if it was made here.
    fn owner<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<Option<String>, Unanswered>>;
    /// Notes what the job cost when it was submitted (its catalogue price, in millionths of
    /// a dollar), for the receipts an embedding site checks.
    fn note_price<'a>(&'a self, job_id: &'a str, micros: u64) -> BoxFuture<'a, ()>;
    /// What the job cost, if it was noted.
    fn price<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<u64>>;
    /// Up to `limit` of the caller's jobs created before `before` (all when `None`).
    fn page<'a>(
        &'a self,
        caller: &'a str,
        before: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, OwnedPage>;
}

/// Records who made a job, trying again while the store does not answer (for up to an hour,
/// then says so in the log): the job exists at Krea and is billed, and without its owner its
/// caller could never read it through this proxy.
pub async fn record_until_kept(
    ownership: &dyn Ownership,
    job_id: &str,
    caller: &str,
    created_at: &str,
) {
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(250);
    while ownership.record(job_id, caller, created_at).await.is_err() {
        if started.elapsed() > RECORD_FOR {
            tracing::error!(
                "job {job_id} was made, but the state store did not take its owner for an \
                 hour: its caller cannot read it through this proxy"
            );
            return;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(RECORD_WAIT_AT_MOST);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The memory store behind a store that does not answer its first `down` writes.
    struct ComesBack {
        kept: MemoryOwnership,
        down: usize,
        tries: AtomicUsize,
    }

    impl Ownership for ComesBack {
        fn record<'a>(
            &'a self,
            job_id: &'a str,
            caller: &'a str,
            created_at: &'a str,
        ) -> BoxFuture<'a, Result<(), Unanswered>> {
            if self.tries.fetch_add(1, Ordering::SeqCst) < self.down {
                return Box::pin(async { Err(Unanswered) });
            }
            self.kept.record(job_id, caller, created_at)
        }
        fn owner<'a>(
            &'a self,
            job_id: &'a str,
        ) -> BoxFuture<'a, Result<Option<String>, Unanswered>> {
            self.kept.owner(job_id)
        }
        fn note_price<'a>(&'a self, job_id: &'a str, micros: u64) -> BoxFuture<'a, ()> {
            self.kept.note_price(job_id, micros)
        }
        fn price<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<u64>> {
            self.kept.price(job_id)
        }
        fn page<'a>(
            &'a self,
            caller: &'a str,
            before: Option<&'a str>,
            limit: usize,
        ) -> BoxFuture<'a, OwnedPage> {
            self.kept.page(caller, before, limit)
        }
    }

    #[tokio::test]
    async fn a_job_s_owner_is_written_once_the_store_answers_again() {
        let store = ComesBack {
            kept: MemoryOwnership::default(),
            down: 3,
            tries: AtomicUsize::new(0),
        };
        record_until_kept(&store, "j1", "key:alice", "2026-12-05T08:00:00Z").await;
        assert_eq!(
            store.tries.load(Ordering::SeqCst),
            4,
            "three refusals, then kept"
        );
        assert_eq!(store.owner("j1").await, Ok(Some("key:alice".to_owned())));
    }
}
