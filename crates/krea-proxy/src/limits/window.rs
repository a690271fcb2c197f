//! The limits' rules, written once: the sliding rate window, the jobs a caller has in
//! flight, what an admission holds and what is given back, and when each budget resets.
//! The memory and file stores keep one [`CallerLimits`] per caller and the money spent per
//! budget counter, and change them only through these functions. Redis's scripts (`*.lua`
//! beside this file) follow the same rules in one atomic step each.

use super::{Ask, Budget, Period, RateState, Refusal, Rules, Ticket};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

/// One UTC day, in milliseconds: the budget's period.
pub const DAY_MS: u64 = 86_400_000;

/// The UTC day number of `now_ms`.
pub fn day_of(now_ms: u64) -> u64 {
    now_ms / DAY_MS
}

/// The UTC calendar month of `now_ms` as months since January 1970, and when the next one
/// begins (milliseconds since 1970).
pub fn month_of(now_ms: u64) -> (u64, u64) {
    let time = time::OffsetDateTime::from_unix_timestamp((now_ms / 1000) as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let (year, month) = (time.year(), u8::from(time.month()));
    let index = (year as i64 - 1970) * 12 + i64::from(month) - 1;
    let (next_year, next_month) = if month == 12 {
        (year + 1, time::Month::January)
    } else {
        (year, time.month().next())
    };
    let next = time::Date::from_calendar_date(next_year, next_month, 1)
        .map(|date| date.midnight().assume_utc().unix_timestamp())
        .unwrap_or_default();
    (index.max(0) as u64, (next.max(0) as u64) * 1000)
}

impl Budget {
    /// The counter this budget reads and charges at `now_ms`: one per scope and period.
    /// The proxy-wide daily budget keeps the name it had before budgets had scopes (the
    /// UTC day number), so a store written then keeps its day's spend.
    pub fn counter(&self, now_ms: u64) -> String {
        match (self.scope.as_str(), self.period) {
            ("", Period::Day) => day_of(now_ms).to_string(),
            (scope, Period::Day) => format!("{scope}\u{1e}d{}", day_of(now_ms)),
            (scope, Period::Month) => format!("{scope}\u{1e}m{}", month_of(now_ms).0),
        }
    }

    /// How long until the period ends and the budget is whole again.
    pub fn resets_in(&self, now_ms: u64) -> Duration {
        let ends = match self.period {
            Period::Day => (day_of(now_ms) + 1) * DAY_MS,
            Period::Month => month_of(now_ms).1,
        };
        Duration::from_millis(ends.saturating_sub(now_ms))
    }

    /// How long a counter must be kept: its period, and the next one, in which a job
    /// charged at its end may still be refunded.
    pub fn keep_for(&self) -> Duration {
        match self.period {
            Period::Day => Duration::from_millis(3 * DAY_MS),
            Period::Month => Duration::from_millis(63 * DAY_MS),
        }
    }
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

    /// `budget` is spent: it resets when its period ends.
    pub fn budget(budget: &Budget, now_ms: u64) -> Refusal {
        Refusal::Budget {
            scope: budget.scope.clone(),
            period: budget.period,
            resets_in: budget.resets_in(now_ms),
        }
    }
}

/// A slot and charge one admission holds: by ticket until the job is known, then by job id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Held {
    /// When the slot lapses if the job is never seen to end.
    pub until_ms: u64,
    /// The UTC day of the admission.
    pub day: u64,
    pub micros: u64,
    /// The admission's time, to give back its rate stamp.
    pub stamped_ms: u64,
    /// The budget counters charged ([`Budget::counter`]). A hold written before budgets
    /// had scopes has none: it charged the proxy-wide day, `day`.
    #[serde(default)]
    pub counters: Vec<String>,
}

impl Held {
    fn refund(self) -> Refund {
        let counters = if self.counters.is_empty() && self.micros > 0 {
            vec![self.day.to_string()]
        } else {
            self.counters
        };
        Refund {
            counters,
            micros: self.micros,
        }
    }
}

/// Money to give back: `micros` to each of `counters`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    pub counters: Vec<String>,
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
    /// hold under `ticket_id`, and the price, which the store adds to each budget's counter
    /// (`spent` says what each of `rules.budgets` has spent so far, in order).
    pub fn admit(
        &mut self,
        rules: &Rules,
        ask: &Ask<'_>,
        spent: &[u64],
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
        for (at, budget) in rules.budgets.iter().enumerate() {
            let so_far = spent.get(at).copied().unwrap_or(0);
            if so_far + ask.price_micros > budget.limit_micros {
                return Err(Refusal::budget(budget, now));
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
                counters: rules.budgets.iter().map(|b| b.counter(now)).collect(),
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
                Some(held.refund())
            }
        }
    }

    /// The job ended: its slot frees, and a failed or cancelled one (`refund`) gets its
    /// money back, once.
    pub fn end(&mut self, job_id: &str, refund: bool) -> Option<Refund> {
        let held = self.holds.remove(job_id)?;
        refund.then(|| held.refund())
    }
}

/// A new ticket's id: unique across restarts and replicas.
pub fn new_ticket_id() -> String {
    format!("ticket:{}", uuid::Uuid::new_v4())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> u64 {
        let time =
            time::OffsetDateTime::parse(date, &time::format_description::well_known::Rfc3339)
                .unwrap();
        (time.unix_timestamp() * 1000) as u64
    }

    #[test]
    fn months_end_on_the_first_of_the_next_at_midnight_utc() {
        let (june, next) = month_of(at("2026-06-15T12:00:00Z"));
        assert_eq!(june, 56 * 12 + 5);
        assert_eq!(next, at("2026-07-01T00:00:00Z"));
        let (december, next) = month_of(at("2026-12-31T23:59:59Z"));
        assert_eq!(december, 56 * 12 + 11);
        assert_eq!(next, at("2027-01-01T00:00:00Z"));
    }

    #[test]
    fn each_budget_counts_by_its_scope_and_period() {
        let now = at("2026-12-04T18:00:00Z");
        let budget = |scope: &str, period| Budget {
            scope: scope.to_owned(),
            period,
            limit_micros: 1,
        };
        // The proxy-wide day keeps its older name.
        assert_eq!(
            budget("", Period::Day).counter(now),
            day_of(now).to_string()
        );
        assert_ne!(
            budget("key:alice", Period::Day).counter(now),
            budget("key:bob", Period::Day).counter(now)
        );
        assert_ne!(
            budget("key:alice", Period::Day).counter(now),
            budget("key:alice", Period::Month).counter(now)
        );
        assert_eq!(
            budget("", Period::Day).resets_in(now),
            Duration::from_secs(6 * 3600)
        );
        assert_eq!(
            budget("", Period::Month).resets_in(now),
            Duration::from_millis(at("2027-01-01T00:00:00Z") - now)
        );
    }

    #[test]
    fn a_hold_from_before_scopes_refunds_the_proxy_wide_day() {
        let held: Held =
            serde_json::from_str(r#"{"until_ms":5,"day":20000,"micros":30000,"stamped_ms":1}"#)
                .unwrap();
        assert_eq!(
            held.refund(),
            Refund {
                counters: vec!["20000".to_owned()],
                micros: 30_000
            }
        );
    }
}
