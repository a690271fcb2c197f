//! What a caller may spend: generate requests per minute, hour or day (`--rate`), jobs in
//! flight at once (`--max-in-flight`), and, across all callers, a daily budget in USD
//! (`--daily-budget-usd`), each job charged its catalogue price when submitted and refunded
//! when the proxy sees it fail or be cancelled.
//!
//! A generate request is first *admitted* (every rule checked and provisionally taken in one
//! step, so concurrent requests cannot slip past a limit together), then *settled* with the
//! job it made, or with none (then everything it took is given back). The rate rule is a
//! sliding window: at most `count` admissions in any `window`.
//!
//! [`LimitStore`] is the interface; [`MemoryLimits`] keeps the counts in this process.

use crate::idempotency::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

/// One rate rule: at most `count` generate requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatePolicy {
    pub count: u32,
    pub window: Duration,
}

impl RatePolicy {
    /// `10/min`, `100/hour`, `500/day`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (count, per) = text
            .split_once('/')
            .ok_or_else(|| format!("'{text}' is not COUNT/min, COUNT/hour or COUNT/day"))?;
        let count: u32 = count
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("'{count}' is not a positive whole number"))?;
        let window = match per.trim() {
            "min" | "minute" => 60,
            "hour" => 3600,
            "day" => 86_400,
            other => return Err(format!("'{other}' is not min, hour or day")),
        };
        Ok(RatePolicy {
            count,
            window: Duration::from_secs(window),
        })
    }

    /// The policy's name in `RateLimit` headers: `10-per-min`.
    pub fn name(&self) -> String {
        let per = match self.window.as_secs() {
            60 => "min",
            3600 => "hour",
            _ => "day",
        };
        format!("{}-per-{per}", self.count)
    }
}

/// The rules, as configured.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub rates: Vec<RatePolicy>,
    pub max_in_flight: Option<u32>,
    /// Across all callers, per UTC day, in millionths of a dollar.
    pub daily_budget_micros: Option<u64>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty() && self.max_in_flight.is_none() && self.daily_budget_micros.is_none()
    }
}

/// Where a caller stands under one rate rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    pub policy: RatePolicy,
    pub remaining: u32,
    /// Until the oldest admission in the window leaves it (0 when none is in it).
    pub reset: Duration,
}

/// Why a request was not admitted.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    /// A rate rule is used up; the next admission fits after `retry_after`.
    Rate {
        states: Vec<RateState>,
        retry_after: Duration,
    },
    /// The caller has this many jobs in flight already.
    InFlight { cap: u32 },
    /// Today's budget would be exceeded; it resets at the next UTC midnight.
    Budget { resets_in: Duration },
    /// The shared store did not answer: nobody can check the limits, so nothing is spent.
    Unavailable,
}

/// What an admitted request took, to be settled.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    pub id: String,
    pub caller: String,
}

/// One admission, as asked.
pub struct Ask<'a> {
    pub caller: &'a str,
    pub price_micros: u64,
    /// Milliseconds since 1970.
    pub now_ms: u64,
    /// How long a job counts as in flight if the proxy never sees it end.
    pub in_flight_for: Duration,
}

pub trait LimitStore: Send + Sync {
    /// Checks every rule for one more generate request and, if all allow it, takes it.
    fn admit<'a>(
        &'a self,
        rules: &'a Rules,
        ask: Ask<'a>,
    ) -> BoxFuture<'a, Result<Ticket, Refusal>>;
    /// The request made `job_id` (its slot and charge now follow the job), or made no job
    /// (`None`: everything it took is given back).
    fn settle<'a>(&'a self, ticket: &'a Ticket, job_id: Option<&'a str>) -> BoxFuture<'a, ()>;
    /// The proxy saw the job end; a failed or cancelled job (`refund`) is given its money back,
    /// once.
    fn ended<'a>(&'a self, job_id: &'a str, refund: bool) -> BoxFuture<'a, ()>;
    /// Where the caller stands under the rate rules, without taking anything.
    fn rates<'a>(
        &'a self,
        rules: &'a Rules,
        caller: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Vec<RateState>>;
}

/// A slot or charge, by ticket until the job is known, then by job id.
#[derive(Debug, Clone)]
struct Held {
    caller: String,
    /// When the slot lapses if the job is never seen to end.
    until_ms: u64,
    day: u64,
    micros: u64,
    /// The admission's time, to give back its rate stamp.
    stamped_ms: u64,
}

#[derive(Default)]
struct State {
    /// Admission times per caller, oldest first.
    stamps: HashMap<String, VecDeque<u64>>,
    held: HashMap<String, Held>,
    /// Money taken per UTC day number.
    spent: HashMap<u64, u64>,
    next_ticket: u64,
}

const DAY_MS: u64 = 86_400_000;

impl State {
    fn rate_states(&mut self, rules: &Rules, caller: &str, now_ms: u64) -> Vec<RateState> {
        let longest = rules
            .rates
            .iter()
            .map(|r| r.window)
            .max()
            .unwrap_or_default();
        let stamps = self.stamps.entry(caller.to_owned()).or_default();
        // What no window can see any more is forgotten.
        while stamps
            .front()
            .is_some_and(|at| now_ms.saturating_sub(*at) >= longest.as_millis() as u64)
        {
            stamps.pop_front();
        }
        rules
            .rates
            .iter()
            .map(|&policy| {
                let window_ms = policy.window.as_millis() as u64;
                let inside: Vec<u64> = stamps
                    .iter()
                    .copied()
                    .filter(|at| now_ms.saturating_sub(*at) < window_ms)
                    .collect();
                let reset = inside
                    .first()
                    .map_or(0, |oldest| oldest + window_ms - now_ms);
                RateState {
                    policy,
                    remaining: policy.count.saturating_sub(inside.len() as u32),
                    reset: Duration::from_millis(reset),
                }
            })
            .collect()
    }

    fn in_flight(&mut self, caller: &str, now_ms: u64) -> u32 {
        // A charge stays refundable through the next day; a slot, until it lapses.
        let today = now_ms / DAY_MS;
        self.held
            .retain(|_, held| held.until_ms > now_ms || (held.micros > 0 && held.day + 1 >= today));
        self.held
            .values()
            .filter(|held| held.caller == caller && held.until_ms > now_ms)
            .count() as u32
    }
}

/// Limits in this process's memory: one proxy's view (`--state redis://…` shares them).
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
            let states = state.rate_states(rules, ask.caller, now);
            if let Some(full) = states
                .iter()
                .filter(|s| s.remaining == 0)
                .max_by_key(|s| s.reset)
            {
                return Err(Refusal::Rate {
                    retry_after: full.reset,
                    states,
                });
            }
            if let Some(cap) = rules.max_in_flight {
                if state.in_flight(ask.caller, now) >= cap {
                    return Err(Refusal::InFlight { cap });
                }
            }
            let day = now / DAY_MS;
            if let Some(budget) = rules.daily_budget_micros {
                let spent = state.spent.get(&day).copied().unwrap_or(0);
                if spent + ask.price_micros > budget {
                    return Err(Refusal::Budget {
                        resets_in: Duration::from_millis((day + 1) * DAY_MS - now),
                    });
                }
            }
            // Taken, all together.
            state
                .stamps
                .entry(ask.caller.to_owned())
                .or_default()
                .push_back(now);
            *state.spent.entry(day).or_default() += ask.price_micros;
            state.next_ticket += 1;
            let id = format!("ticket:{}", state.next_ticket);
            state.held.insert(
                id.clone(),
                Held {
                    caller: ask.caller.to_owned(),
                    until_ms: now + ask.in_flight_for.as_millis() as u64,
                    day,
                    micros: ask.price_micros,
                    stamped_ms: now,
                },
            );
            Ok(Ticket {
                id,
                caller: ask.caller.to_owned(),
            })
        })
    }

    fn settle<'a>(&'a self, ticket: &'a Ticket, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.state();
            let Some(held) = state.held.remove(&ticket.id) else {
                return;
            };
            match job_id {
                Some(job_id) => {
                    state.held.insert(job_id.to_owned(), held);
                }
                None => {
                    if let Some(spent) = state.spent.get_mut(&held.day) {
                        *spent = spent.saturating_sub(held.micros);
                    }
                    if let Some(stamps) = state.stamps.get_mut(&held.caller) {
                        if let Some(at) = stamps.iter().position(|at| *at == held.stamped_ms) {
                            stamps.remove(at);
                        }
                    }
                }
            }
        })
    }

    fn ended<'a>(&'a self, job_id: &'a str, refund: bool) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = self.state();
            let Some(held) = state.held.remove(job_id) else {
                return;
            };
            if refund {
                if let Some(spent) = state.spent.get_mut(&held.day) {
                    *spent = spent.saturating_sub(held.micros);
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
        Box::pin(async move { self.state().rate_states(rules, caller, now_ms) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(caller: &str, price_micros: u64, now_ms: u64) -> Ask<'_> {
        Ask {
            caller,
            price_micros,
            now_ms,
            in_flight_for: Duration::from_secs(600),
        }
    }

    #[test]
    fn rates_read_as_written_and_refuse_nonsense() {
        assert_eq!(
            RatePolicy::parse("10/min").unwrap(),
            RatePolicy {
                count: 10,
                window: Duration::from_secs(60)
            }
        );
        assert_eq!(
            RatePolicy::parse("100/hour").unwrap().name(),
            "100-per-hour"
        );
        assert_eq!(
            RatePolicy::parse("5/day").unwrap().window,
            Duration::from_secs(86_400)
        );
        for bad in ["10", "0/min", "x/min", "10/week", "-1/day"] {
            assert!(RatePolicy::parse(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_rate_counts_a_sliding_window_and_gives_back_what_made_no_job() {
        let rules = Rules {
            rates: vec![RatePolicy::parse("2/min").unwrap()],
            ..Rules::default()
        };
        let limits = MemoryLimits::default();
        limits.admit(&rules, ask("a", 0, 1_000)).await.unwrap();
        assert_eq!(limits.rates(&rules, "a", 1_000).await[0].remaining, 1);
        let second = limits.admit(&rules, ask("a", 0, 2_000)).await.unwrap();
        assert_eq!(limits.rates(&rules, "a", 2_000).await[0].remaining, 0);
        match limits.admit(&rules, ask("a", 0, 3_000)).await {
            Err(Refusal::Rate { retry_after, .. }) => {
                assert_eq!(retry_after, Duration::from_millis(58_000))
            }
            other => panic!("{other:?}"),
        }
        assert!(
            limits.admit(&rules, ask("b", 0, 3_000)).await.is_ok(),
            "per caller"
        );
        // The second made no job: its turn comes back.
        limits.settle(&second, None).await;
        assert!(limits.admit(&rules, ask("a", 0, 4_000)).await.is_ok());
        // A minute after the first, it leaves the window.
        assert!(limits.admit(&rules, ask("a", 0, 61_000)).await.is_ok());
        assert!(limits.admit(&rules, ask("a", 0, 61_500)).await.is_err());
    }

    #[tokio::test]
    async fn jobs_in_flight_are_capped_until_they_end_or_lapse() {
        let rules = Rules {
            max_in_flight: Some(1),
            ..Rules::default()
        };
        let limits = MemoryLimits::default();
        let ticket = limits.admit(&rules, ask("a", 0, 0)).await.unwrap();
        limits.settle(&ticket, Some("job-1")).await;
        assert_eq!(
            limits.admit(&rules, ask("a", 0, 1)).await,
            Err(Refusal::InFlight { cap: 1 })
        );
        limits.ended("job-1", false).await;
        let ticket = limits.admit(&rules, ask("a", 0, 2)).await.unwrap();
        limits.settle(&ticket, Some("job-2")).await;
        // Never seen to end: it stops counting after `in_flight_for`.
        assert!(limits.admit(&rules, ask("a", 0, 600_003)).await.is_ok());
    }

    #[tokio::test]
    async fn the_budget_is_shared_refunded_once_and_resets_at_midnight() {
        let rules = Rules {
            daily_budget_micros: Some(100_000), // $0.10
            ..Rules::default()
        };
        let limits = MemoryLimits::default();
        let noon = 20_000 * DAY_MS + DAY_MS / 2;
        for (n, caller) in ["a", "b", "a"].iter().enumerate() {
            let ticket = limits
                .admit(&rules, ask(caller, 30_000, noon))
                .await
                .unwrap();
            limits.settle(&ticket, Some(&format!("job-{n}"))).await;
        }
        match limits.admit(&rules, ask("b", 30_000, noon)).await {
            Err(Refusal::Budget { resets_in }) => {
                assert_eq!(resets_in, Duration::from_millis(DAY_MS / 2))
            }
            other => panic!("{other:?}"),
        }
        // A failed job's money comes back, once.
        limits.ended("job-1", true).await;
        limits.ended("job-1", true).await;
        let ticket = limits.admit(&rules, ask("b", 30_000, noon)).await.unwrap();
        limits.settle(&ticket, Some("job-3")).await;
        assert!(limits.admit(&rules, ask("b", 30_000, noon)).await.is_err());
        assert!(limits
            .admit(&rules, ask("b", 30_000, noon + DAY_MS / 2))
            .await
            .is_ok());
    }
}
