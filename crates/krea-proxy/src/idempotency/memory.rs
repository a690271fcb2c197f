//! Keys and job ids in this process's memory: lost on restart, not shared by replicas.

use super::{stale_before, BoxFuture, Claim, Fingerprint, IdempotencyStore, KeyRecord, Outcome};
use super::{Write, REMEMBER_FOR};
use crate::state::now_ms;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
struct Memory {
    keys: HashMap<String, KeyRecord>,
    /// Job ids handed out, with when.
    jobs: HashMap<String, u64>,
    /// Writes since the last sweep of expired entries.
    writes: usize,
}

impl Memory {
    /// Forgets what is older than [`REMEMBER_FOR`], every so many writes, so the maps stay
    /// bounded by a day's traffic without a timer.
    fn sweep_now_and_then(&mut self, now: u64) {
        self.writes += 1;
        if self.writes < 1024 {
            return;
        }
        self.writes = 0;
        let keep = |at: u64| now.saturating_sub(at) < REMEMBER_FOR.as_millis() as u64;
        self.keys.retain(|_, record| keep(record.at_ms));
        self.jobs.retain(|_, at| keep(*at));
    }

    fn write(&mut self, key: &str, write: Write) {
        match write {
            Write::Keep => {}
            Write::Put(record) => {
                self.keys.insert(key.to_owned(), record);
            }
            Write::Remove => {
                self.keys.remove(key);
            }
        }
    }
}

#[derive(Default)]
pub struct MemoryStore {
    memory: Mutex<Memory>,
}

impl MemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut Memory) -> T) -> T {
        // A panic while holding the lock leaves plain data behind; keep using it.
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut memory)
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str, fingerprint: Fingerprint) -> BoxFuture<'a, Claim> {
        let claim = self.with(|memory| {
            let now = now_ms();
            memory.sweep_now_and_then(now);
            let (claim, write) =
                KeyRecord::claim(memory.keys.get(key), fingerprint, now, stale_before(now));
            memory.write(key, write);
            claim
        });
        Box::pin(std::future::ready(claim))
    }

    fn settle<'a>(&'a self, key: &'a str, outcome: Outcome) -> BoxFuture<'a, ()> {
        self.with(|memory| {
            let write = KeyRecord::settle(memory.keys.get(key), outcome, now_ms());
            memory.write(key, write);
        });
        Box::pin(std::future::ready(()))
    }

    fn remember_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, ()> {
        self.with(|memory| {
            let now = now_ms();
            memory.sweep_now_and_then(now);
            memory.jobs.insert(job_id.to_owned(), now);
        });
        Box::pin(std::future::ready(()))
    }

    fn knows_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, bool> {
        let known = self.with(|memory| memory.jobs.contains_key(job_id));
        Box::pin(std::future::ready(known))
    }
}
