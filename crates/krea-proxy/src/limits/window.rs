//! The limits' rules, written once: the sliding rate window, the jobs a caller has in
//! flight, what an admission holds and what is given back, and when the budget resets.
//! The memory and file stores keep one [`CallerLimits`] per caller and the money spent per
//! UTC day, and change them only through these functions. Redis's scripts (`*.lua` beside
//! this file) follow the same rules in one atomic step each.

use super::{Ask, RateState, Refusal, Rules, Ticket};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

/// One UTC day, in milliseconds: the budget's period.
pub const DAY_MS: u64 = 86_400_000;

/// The UTC day number of `now_ms`.
pub fn day_of(now_ms: u64) -> u64 {
    now_ms / DAY_MS
}

impl Refusal {
    /// A rate refusal: the caller may come back when the fullest rule has room again.
    pub fn rate(states: Vec<RateState>) -> Refusal {
        let retry_after = states
            .iter()
            .filter(|state| state.remaining == 0)
            .map(|state| state.reset)
            .max()
            .unwrap_or_default();
        Refusal::Rate {
            states,
            retry_after,
        }
    }

    /// The budget is spent: it resets at the next UTC midnight.
    pub fn budget(now_ms: u64) -> Refusal {
        Refusal::Budget {
            resets_in: Duration::from_millis((day_of(now_ms) + 1) * DAY_MS - now_ms),
        }
    }
}

/// A slot and charge one admission holds: by ticket until the job is known, then by job id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Held {
    /// When the slot lapses if the job is never seen to end.
    pub until_ms: u64,
    pub day: u64,
    pub micros: u64,
    /// The admission's time, to give back its rate stamp.
    pub stamped_ms: u64,
}

/// Money to give back: `micros` on `day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refund {
    pub day: u64,
    pub micros: u64,
}

/// One caller's standing: admission times and holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CallerLimits {
    /// Admission times, oldest first.
    pub stamps: VecDeque<u64>,
    /// By ticket id or job id.
    pub holds: BTreeMap<String, Held>,
}

impl CallerLimits {
    /// Where the caller stands under each rate rule at `now_ms`; forgets stamps no window
    /// can see any more.
    pub fn rate_states(&mut self, rules: &Rules, now_ms: u64) -> Vec<RateState> {
        let longest = rules
            .rates
            .iter()
            .map(|rule| rule.window.as_millis() as u64)
            .max()
            .unwrap_or_default();
        while self
            .stamps
            .front()
            .is_some_and(|at| now_ms.saturating_sub(*at) >= longest)
        {
            self.stamps.pop_front();
        }
        rules
            .rates
            .iter()
            .map(|&policy| {
                let window_ms = policy.window.as_millis() as u64;
                let mut inside = self
                    .stamps
                    .iter()
                    .filter(|at| now_ms.saturating_sub(**at) < window_ms);
                let oldest = inside.next();
                let count = oldest.map_or(0, |_| 1 + inside.count());
                RateState {
                    policy,
                    remaining: policy.count.saturating_sub(count as u32),
                    reset: Duration::from_millis(oldest.map_or(0, |at| at + window_ms - now_ms)),
                }
            })
            .collect()
    }

    /// Jobs in flight at `now_ms`; forgets holds that lapsed and can no longer be refunded
    /// (a charge stays refundable through the next day).
    pub fn in_flight(&mut self, now_ms: u64) -> u32 {
        let today = day_of(now_ms);
        self.holds
            .retain(|_, held| held.until_ms > now_ms || (held.micros > 0 && held.day + 1 >= today));
        self.holds
            .values()
            .filter(|held| held.until_ms > now_ms)
            .count() as u32
    }

    /// Checks every rule for one more admission and, if all allow it, takes it: a stamp, a
    /// hold under `ticket_id`, and the price (which the caller adds to `spent_today`).
    pub fn admit(
        &mut self,
        rules: &Rules,
        ask: &Ask<'_>,
        spent_today: u64,
        ticket_id: String,
    ) -> Result<Ticket, Refusal> {
        let now = ask.now_ms;
        let states = self.rate_states(rules, now);
        if states.iter().any(|state| state.remaining == 0) {
            return Err(Refusal::rate(states));
        }
        if let Some(cap) = rules.max_in_flight {
            if self.in_flight(now) >= cap {
                return Err(Refusal::InFlight { cap });
            }
        }
        if let Some(budget) = rules.daily_budget_micros {
            if spent_today + ask.price_micros > budget {
                return Err(Refusal::budget(now));
            }
        }
        self.stamps.push_back(now);
        self.holds.insert(
            ticket_id.clone(),
            Held {
                until_ms: now + ask.in_flight_for.as_millis() as u64,
                day: day_of(now),
                micros: ask.price_micros,
                stamped_ms: now,
            },
        );
        Ok(Ticket {
            id: ticket_id,
            caller: ask.caller.to_owned(),
        })
    }

    /// The ticket's request made `job_id` (its hold now follows the job), or none: its
    /// stamp goes, and the money it took comes back.
    pub fn settle(&mut self, ticket_id: &str, job_id: Option<&str>) -> Option<Refund> {
        let held = self.holds.remove(ticket_id)?;
        match job_id {
            Some(job_id) => {
                self.holds.insert(job_id.to_owned(), held);
                None
            }
            None => {
                if let Some(at) = self.stamps.iter().position(|at| *at == held.stamped_ms) {
                    self.stamps.remove(at);
                }
                Some(Refund {
                    day: held.day,
                    micros: held.micros,
                })
            }
        }
    }

    /// The job ended: its slot frees, and a failed or cancelled one (`refund`) gets its
    /// money back, once.
    pub fn end(&mut self, job_id: &str, refund: bool) -> Option<Refund> {
        let held = self.holds.remove(job_id)?;
        refund.then_some(Refund {
            day: held.day,
            micros: held.micros,
        })
    }
}

/// A new ticket's id: unique across restarts and replicas.
pub fn new_ticket_id() -> String {
    format!("ticket:{}", uuid::Uuid::new_v4())
}
