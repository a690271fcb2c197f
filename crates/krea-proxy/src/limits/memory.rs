//! Limits in this process's memory: one proxy's view, forgotten when it stops.

use super::window::{new_ticket_id, CallerLimits, Refund};
use super::{Ask, BoxFuture, LimitStore, RateState, Refusal, Rules, Ticket};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
struct State {
    callers: HashMap<String, CallerLimits>,
    /// Whose hold each job id is (a ticket's caller is on the ticket).
    holders: HashMap<String, String>,
    /// Money taken per budget counter, and when the counter may be forgotten.
    spent: HashMap<String, Spent>,
    /// Marks taken ([`LimitStore::first_time`]), until when.
    marks: HashMap<String, u64>,
}

struct Spent {
    micros: u64,
    until_ms: u64,
}

impl State {
    fn refund(&mut self, refund: Option<Refund>) {
        let Some(Refund { counters, micros }) = refund else {
            return;
        };
        for counter in counters {
            if let Some(spent) = self.spent.get_mut(&counter) {
                spent.micros = spent.micros.saturating_sub(micros);
            }
        }
    }

    /// Counters whose periods are long over go, so a proxy that runs for months stays small.
    fn forget_old_counters(&mut self, now_ms: u64) {
        self.spent.retain(|_, spent| spent.until_ms > now_ms);
        self.marks.retain(|_, until_ms| *until_ms > now_ms);
    }
}

#[derive(Default)]
pub struct MemoryLimits(Mutex<State>);

impl MemoryLimits {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl LimitStore for MemoryLimits {
    fn admit<'a>(
        &'a self,
        rules: &'a Rules,
        ask: Ask<'a>,
    ) -> BoxFuture<'a, Result<Ticket, Refusal>> {
        Box::pin(async move {
            let mut state = self.state();
            let now = ask.now_ms;
            state.forget_old_counters(now);
            let counters: Vec<String> = rules.budgets.iter().map(|b| b.counter(now)).collect();
            let spent: Vec<u64> = counters
                .iter()
                .map(|c| state.spent.get(c).map_or(0, |s| s.micros))
                .collect();
            let caller = state.callers.entry(ask.caller.to_owned()).or_default();
            let ticket = caller.admit(rules, &ask, &spent, new_ticket_id())?;
            for (counter, budget) in counters.into_iter().zip(&rules.budgets) {
                let until_ms = now + budget.keep_for().as_millis() as u64;
                let spent = state.spent.entry(counter).or_insert(Spent {
                    micros: 0,
                    until_ms,
                });
                spent.micros += ask.price_micros;
            }
            Ok(ticket)
        })
    }

    fn settle<'a>(&'a self, ticket: &'a Ticket, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.state();
            let Some(caller) = state.callers.get_mut(&ticket.caller) else {
                return;
            };
            let refund = caller.settle(&ticket.id, job_id);
            if let Some(job_id) = job_id {
                state
                    .holders
                    .insert(job_id.to_owned(), ticket.caller.clone());
            }
            state.refund(refund);
        })
    }

    fn ended<'a>(&'a self, job_id: &'a str, refund: bool) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.state();
            let Some(holder) = state.holders.remove(job_id) else {
                return;
            };
            let refund = state
                .callers
                .get_mut(&holder)
                .and_then(|caller| caller.end(job_id, refund));
            state.refund(refund);
        })
    }

    fn spent<'a>(&'a self, counters: &'a [String]) -> BoxFuture<'a, Option<Vec<u64>>> {
        Box::pin(async move {
            let state = self.state();
            Some(
                counters
                    .iter()
                    .map(|c| state.spent.get(c).map_or(0, |s| s.micros))
                    .collect(),
            )
        })
    }

    fn first_time<'a>(&'a self, mark: &'a str, now_ms: u64, until_ms: u64) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let mut state = self.state();
            match state.marks.get(mark) {
                Some(until) if *until > now_ms => false,
                _ => {
                    state.marks.insert(mark.to_owned(), until_ms);
                    true
                }
            }
        })
    }

    fn rates<'a>(
        &'a self,
        rules: &'a Rules,
        caller: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Vec<RateState>> {
        Box::pin(async move {
            let mut state = self.state();
            let caller = state.callers.entry(caller.to_owned()).or_default();
            caller.rate_states(rules, now_ms)
        })
    }
}
