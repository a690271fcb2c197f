//! Which caller made which job, so that on a shared proxy a caller sees, polls and cancels
//! only its own jobs and lists them in Krea's list shape.
//!
//! [`Ownership`] is the interface (futures, so a shared store can stand behind it);
//! [`MemoryOwnership`] keeps it in this process.

use crate::idempotency::BoxFuture;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

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
    /// Up to `limit` of the caller's jobs created before `before` (all when `None`).
    fn page<'a>(
        &'a self,
        caller: &'a str,
        before: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, OwnedPage>;
}

#[derive(Default)]
struct Records {
    owners: HashMap<String, String>,
    /// Per caller, `(created_at, job_id)`: Krea's timestamps are one RFC 3339 format in UTC,
    /// so their text sorts by time.
    by_caller: HashMap<String, BTreeSet<(String, String)>>,
}

/// Ownership in this process's memory: lost on restart (`--state redis://…` keeps it).
#[derive(Default)]
pub struct MemoryOwnership(Mutex<Records>);

impl Ownership for MemoryOwnership {
    fn record<'a>(
        &'a self,
        job_id: &'a str,
        caller: &'a str,
        created_at: &'a str,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if records.owners.contains_key(job_id) {
                return;
            }
            records.owners.insert(job_id.to_owned(), caller.to_owned());
            records
                .by_caller
                .entry(caller.to_owned())
                .or_default()
                .insert((created_at.to_owned(), job_id.to_owned()));
        })
    }

    fn owner<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            let records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            records.owners.get(job_id).cloned()
        })
    }

    fn page<'a>(
        &'a self,
        caller: &'a str,
        before: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, OwnedPage> {
        Box::pin(async move {
            let records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let Some(jobs) = records.by_caller.get(caller) else {
                return OwnedPage {
                    jobs: Vec::new(),
                    more: false,
                };
            };
            let mut older = jobs
                .iter()
                .rev()
                .filter(|(created, _)| before.is_none_or(|before| created.as_str() < before));
            let page: Vec<(String, String)> = older.by_ref().take(limit).cloned().collect();
            OwnedPage {
                more: older.next().is_some(),
                jobs: page,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_caller_pages_through_its_own_jobs_newest_first() {
        let owned = MemoryOwnership::default();
        for n in 0..5 {
            let at = format!("2026-11-22T10:00:0{n}Z");
            owned.record(&format!("a{n}"), "key:alice", &at).await;
        }
        owned.record("b0", "key:bob", "2026-11-22T10:00:09Z").await;
        owned.record("a0", "key:bob", "2026-11-22T10:00:00Z").await;
        assert_eq!(
            owned.owner("a0").await.as_deref(),
            Some("key:alice"),
            "first record wins"
        );
        assert_eq!(owned.owner("zz").await, None);

        let first = owned.page("key:alice", None, 2).await;
        let ids = |page: &OwnedPage| {
            page.jobs
                .iter()
                .map(|(_, id)| id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&first), ["a4", "a3"]);
        assert!(first.more);
        let cursor = first.jobs.last().unwrap().0.clone();
        let second = owned.page("key:alice", Some(&cursor), 10).await;
        assert_eq!(ids(&second), ["a2", "a1", "a0"]);
        assert!(!second.more);
        assert_eq!(ids(&owned.page("key:bob", None, 10).await), ["b0"]);
        assert!(owned.page("nobody", None, 10).await.jobs.is_empty());
    }
}
