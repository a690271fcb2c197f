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
    ) -> BoxFuture<'a, ()>;
    /// Who made the job, if it was made here.
    fn owner<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<String>>;
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
