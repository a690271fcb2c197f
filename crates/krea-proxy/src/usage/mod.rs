//! Who spent what: per caller, per embedding site and for the whole proxy, today and this
//! month, the money, jobs, images, failures, uploads and refusals, by model (`GET /usage`).
//!
//! Usage is reporting, kept beside the budgets rather than in them: a budget's counter
//! decides what is refused, in one atomic step with the rest of an admission; usage counts
//! what happened. Each count is a plain addition (a Redis `HINCRBY`, a write transaction
//! in the state file), so replicas add up exactly. A job is counted when it is made and
//! noted ([`JobNote`]); when the proxy first sees it end (a read, a list, a delivery), the
//! note is taken, once on any replica, and the job's images or its refund are counted.
//!
//! [`UsageStore`] keeps the tallies in memory, in the state file or in Redis, as
//! [`crate::stores`] chooses; [`book`] holds what the stores share.

pub mod book;
pub mod counter;
mod file;
mod memory;
mod redis;
pub mod report;

pub use crate::state::BoxFuture;
pub use book::{Add, Counts, JobNote, Measure};
pub use memory::MemoryUsage;

/// Where tallies are kept.
pub trait UsageStore: Send + Sync {
    /// Adds each count to its tally.
    fn add<'a>(&'a self, adds: &'a [Add]) -> BoxFuture<'a, ()>;
    /// Keeps what a job was counted as until `until_ms`, for when it ends.
    fn keep_note<'a>(
        &'a self,
        job_id: &'a str,
        note: &'a JobNote,
        until_ms: u64,
    ) -> BoxFuture<'a, ()>;
    /// The job's note, taken away: the one call (on any replica) that gets it counts the
    /// job's end; `None` for every later one and for a job that was never noted.
    fn take_note<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<JobNote>>;
    /// The tallies of `period` (a [`book::Periods`] key): of these scopes, or of every
    /// listed scope ([`book::is_listed`]) when `None`. `None` when the store cannot tell.
    fn read<'a>(
        &'a self,
        period: &'a str,
        scopes: Option<&'a [String]>,
    ) -> BoxFuture<'a, Option<Vec<(String, Counts)>>>;
}
