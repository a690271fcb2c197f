//! Tokens and events in this process (one replica): gone when it stops.

use super::{lock, BoxFuture, Hook, Kept, PushEvent, PushRecords, Recorded};
use crate::state::now_ms;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct MemoryRecords {
    state: Mutex<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    hooks: HashMap<String, Hook>,
    kept: HashMap<String, Kept>,
    issued: u64,
}

/// Tokens issued between two sweeps of what expired: a sweep reads every token, so one per
/// job would make each generate cost as much as the day's jobs.
const SWEEP_EVERY: u64 = 512;

impl PushRecords for MemoryRecords {
    fn issue<'a>(&'a self, token: &'a str, caller: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let now = now_ms();
            let mut state = lock(&self.state);
            state.issued += 1;
            if state.issued.is_multiple_of(SWEEP_EVERY) {
                state.hooks.retain(|_, hook| hook.is_live(now));
                state.kept.retain(|_, kept| kept.is_live(now));
            }
            state.hooks.insert(token.to_owned(), Hook::new(caller, now));
        })
    }

    fn bind<'a>(&'a self, token: &'a str, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = lock(&self.state);
            match job_id {
                Some(id) => {
                    if let Some(hook) = state.hooks.get_mut(token) {
                        hook.job_id = Some(id.to_owned());
                    }
                }
                None => {
                    state.hooks.remove(token);
                }
            }
        })
    }

    fn expected<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<(String, String)>> {
        Box::pin(async move { lock(&self.state).hooks.get(token)?.expected() })
    }

    fn record<'a>(
        &'a self,
        token: &'a str,
        caller: &'a str,
        job_id: &'a str,
        job: &'a str,
    ) -> BoxFuture<'a, Recorded> {
        Box::pin(async move {
            let now = now_ms();
            let mut state = lock(&self.state);
            let first = state
                .hooks
                .get_mut(token)
                .and_then(|hook| hook.deliver(job_id));
            match first {
                None => Recorded::Unknown,
                Some(false) => Recorded::Repeated,
                Some(true) => Recorded::New(
                    state
                        .kept
                        .entry(caller.to_owned())
                        .or_insert_with(|| Kept::new(now))
                        .push(job, now),
                ),
            }
        })
    }

    fn missed<'a>(
        &'a self,
        caller: &'a str,
        last_seen: Option<u64>,
    ) -> BoxFuture<'a, Vec<PushEvent>> {
        Box::pin(async move {
            lock(&self.state)
                .kept
                .get(caller)
                .map(|kept| kept.after(last_seen))
                .unwrap_or_default()
        })
    }
}
