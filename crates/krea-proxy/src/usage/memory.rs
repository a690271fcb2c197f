//! Usage in this process's memory: one proxy's view, forgotten when it stops.

use super::book::{apply, is_listed, Add, Counts, JobNote};
use super::{BoxFuture, UsageStore};
use crate::state::now_ms;
use std::collections::HashMap;
use std::sync::Mutex;

/// Changes between two sweeps of what expired.
const SWEEP_EVERY: u64 = 512;

#[derive(Default)]
struct State {
    /// (period, scope) → counts, and when they may be forgotten.
    tallies: HashMap<(String, String), (Counts, u64)>,
    /// Job id → its note, and until when it is kept.
    notes: HashMap<String, (JobNote, u64)>,
    changes: u64,
}

impl State {
    /// Tallies and notes whose time is over go, so a proxy that runs for months stays small.
    fn sweep_now_and_then(&mut self) {
        self.changes += 1;
        if !self.changes.is_multiple_of(SWEEP_EVERY) {
            return;
        }
        let now = now_ms();
        self.tallies.retain(|_, (_, until)| *until > now);
        self.notes.retain(|_, (_, until)| *until > now);
    }
}

#[derive(Default)]
pub struct MemoryUsage(Mutex<State>);

impl MemoryUsage {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl UsageStore for MemoryUsage {
    fn add<'a>(&'a self, adds: &'a [Add]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.state();
            for add in adds {
                let (counts, until) = state
                    .tallies
                    .entry((add.period.clone(), add.scope.clone()))
                    .or_default();
                apply(counts, add);
                *until = (*until).max(add.until_ms);
            }
            state.sweep_now_and_then();
        })
    }

    fn keep_note<'a>(
        &'a self,
        job_id: &'a str,
        note: &'a JobNote,
        until_ms: u64,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.state();
            state
                .notes
                .insert(job_id.to_owned(), (note.clone(), until_ms));
            state.sweep_now_and_then();
        })
    }

    fn take_note<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<JobNote>> {
        Box::pin(async move { self.state().notes.remove(job_id).map(|(note, _)| note) })
    }

    fn read<'a>(
        &'a self,
        period: &'a str,
        scopes: Option<&'a [String]>,
    ) -> BoxFuture<'a, Option<Vec<(String, Counts)>>> {
        Box::pin(async move {
            let state = self.state();
            let mut found: Vec<(String, Counts)> = state
                .tallies
                .iter()
                .filter(|((p, scope), _)| {
                    p == period
                        && match scopes {
                            Some(scopes) => scopes.contains(scope),
                            None => is_listed(scope),
                        }
                })
                .map(|((_, scope), (counts, _))| (scope.clone(), counts.clone()))
                .collect();
            found.sort_by(|a, b| a.0.cmp(&b.0));
            Some(found)
        })
    }
}
