//! Ownership in this process's memory: lost on restart.

use super::{BoxFuture, OwnedPage, Ownership, Unanswered};
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

#[derive(Default)]
struct Records {
    owners: HashMap<String, String>,
    /// Per caller, `(created_at, job_id)`: Krea's timestamps are one RFC 3339 format in UTC,
    /// so their text sorts by time.
    by_caller: HashMap<String, BTreeSet<(String, String)>>,
    /// Job id → its price, in millionths of a dollar.
    prices: HashMap<String, u64>,
}

#[derive(Default)]
pub struct MemoryOwnership(Mutex<Records>);

impl Ownership for MemoryOwnership {
    fn record<'a>(
        &'a self,
        job_id: &'a str,
        caller: &'a str,
        created_at: &'a str,
    ) -> BoxFuture<'a, Result<(), Unanswered>> {
        Box::pin(async move {
            let mut records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            if records.owners.contains_key(job_id) {
                return Ok(());
            }
            records.owners.insert(job_id.to_owned(), caller.to_owned());
            records
                .by_caller
                .entry(caller.to_owned())
                .or_default()
                .insert((created_at.to_owned(), job_id.to_owned()));
            Ok(())
        })
    }

    fn owner<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<Option<String>, Unanswered>> {
        Box::pin(async move {
            let records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            Ok(records.owners.get(job_id).cloned())
        })
    }

    fn note_price<'a>(&'a self, job_id: &'a str, micros: u64) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            records.prices.insert(job_id.to_owned(), micros);
        })
    }

    fn price<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<u64>> {
        Box::pin(async move {
            let records = self.0.lock().unwrap_or_else(|e| e.into_inner());
            records.prices.get(job_id).copied()
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
