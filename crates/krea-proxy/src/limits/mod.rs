//! What a caller may spend: generate requests per minute, hour or day (`--rate`), jobs in
//! flight at once (`--max-in-flight`), and budgets in USD per day or per month (across all
//! callers with `--daily-budget-usd`, per key in the keys file), each job charged its
//! catalogue price when submitted and refunded when the proxy sees it fail or be cancelled.
//!
//! A generate request is first *admitted* (every rule checked and provisionally taken in one
//! step, so concurrent requests cannot slip past a limit together), then *settled* with the
//! job it made, or with none (then everything it took is given back). The rate rule is a
//! sliding window: at most `count` admissions in any `window`.
//!
//! [`LimitStore`] is the interface, kept in this process ([`MemoryLimits`]), in a file or in
//! Redis. The rules themselves (the sliding window, what is held and given back, when the
//! budget resets) are written once in [`window`], which the memory and file stores apply;
//! Redis's scripts follow them in one atomic step each.

pub mod admission;
pub mod alerts;
pub mod charges;
pub mod clock;
mod file;
mod key_policy;
mod memory;
mod redis;
mod refusals;
pub mod window;

pub use crate::state::BoxFuture;
pub use key_policy::{KeyPolicy, SharedAllowance};
pub use memory::MemoryLimits;
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

/// A budget's period: the UTC day, or the UTC calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Month,
}

/// At most `limit_micros` (millionths of a dollar) spent per `period` by `scope`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    /// Who spends it: empty for everybody on this proxy, else a caller (`key:NAME`) or
    /// the callers who share an allowance (`site:ORIGIN`).
    pub scope: String,
    pub period: Period,
    pub limit_micros: u64,
}

/// The rules one admission is checked against.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub rates: Vec<RatePolicy>,
    pub max_in_flight: Option<u32>,
    /// Every budget the request counts against; all must have room for its price.
    pub budgets: Vec<Budget>,
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.rates.is_empty() && self.max_in_flight.is_none() && self.budgets.is_empty()
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
    /// The budget of `scope` for `period` would be exceeded; it is whole again in
    /// `resets_in`.
    Budget {
        scope: String,
        period: Period,
        resets_in: Duration,
    },
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
    /// What each of these budget counters ([`Budget::counter`]) has spent, without taking
    /// anything; `None` when the store cannot tell.
    fn spent<'a>(&'a self, counters: &'a [String]) -> BoxFuture<'a, Option<Vec<u64>>>;
    /// Marks `mark` done until `until_ms`: true for the one call, on any replica, that
    /// marked it first; false after, and when the store cannot tell (so what must happen at
    /// most once, an alert, does not happen twice).
    fn first_time<'a>(&'a self, mark: &'a str, now_ms: u64, until_ms: u64) -> BoxFuture<'a, bool>;
    /// Where the caller stands under the rate rules, without taking anything.
    fn rates<'a>(
        &'a self,
        rules: &'a Rules,
        caller: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Vec<RateState>>;
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
