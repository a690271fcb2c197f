//! Limits in Redis, shared by replicas: each change is one script (`*.lua` beside this
//! file), the sliding window in `window.lua`, shared by admission and the standing.

use super::window::{day_of, new_ticket_id};
use super::{Ask, BoxFuture, LimitStore, RateState, Refusal, Rules, Ticket};
use crate::state::keys;
use crate::state::redis::{run_script, within_deadline, RedisState};
use redis::Script;
use std::sync::LazyLock;
use std::time::Duration;

static ADMIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        include_str!("window.lua"),
        include_str!("admit.lua")
    ))
});
static RATES: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        include_str!("window.lua"),
        include_str!("rates.lua")
    ))
});
static SETTLE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(concat!(
        include_str!("hold.lua"),
        include_str!("settle.lua")
    ))
});
static ENDED: LazyLock<Script> =
    LazyLock::new(|| Script::new(concat!(include_str!("hold.lua"), include_str!("ended.lua"))));

/// The rate rules as the scripts take them: `[[window_ms, count], …]`.
fn rule_list(rules: &Rules) -> serde_json::Value {
    rules
        .rates
        .iter()
        .map(|rule| serde_json::json!([rule.window.as_millis() as u64, rule.count]))
        .collect()
}

/// Per rule, the admissions left and the milliseconds to the window's reset.
fn read_states(rules: &Rules, numbers: &[i64]) -> Vec<RateState> {
    rules
        .rates
        .iter()
        .enumerate()
        .map(|(at, &policy)| RateState {
            policy,
            remaining: numbers.get(2 * at).copied().unwrap_or(0).max(0) as u32,
            reset: Duration::from_millis(
                numbers.get(2 * at + 1).copied().unwrap_or(0).max(0) as u64
            ),
        })
        .collect()
}

impl LimitStore for RedisState {
    fn admit<'a>(
        &'a self,
        rules: &'a Rules,
        ask: Ask<'a>,
    ) -> BoxFuture<'a, Result<Ticket, Refusal>> {
        Box::pin(async move {
            let ticket = new_ticket_id();
            let day = day_of(ask.now_ms);
            let budgets: Vec<serde_json::Value> = rules
                .budgets
                .iter()
                .map(|budget| {
                    let counter = budget.counter(ask.now_ms);
                    serde_json::json!([
                        keys::spent(&counter),
                        counter,
                        budget.limit_micros,
                        budget.keep_for().as_millis() as u64
                    ])
                })
                .collect();
            let args = serde_json::json!({
                "stamps": keys::rate_stamps(ask.caller),
                "in_flight": keys::in_flight(ask.caller),
                "budgets": budgets,
                "hold": keys::hold(&ticket),
                "now": ask.now_ms,
                "ticket": ticket,
                "until": ask.now_ms + ask.in_flight_for.as_millis() as u64,
                "cap": rules.max_in_flight.unwrap_or(0),
                "price": ask.price_micros,
                "day": day,
                "caller": ask.caller,
                "rules": rule_list(rules),
            });
            let answer: redis::RedisResult<Vec<redis::Value>> =
                run_script(self, &ADMIT, args).await;
            let Ok(values) = answer else {
                // Redis is away: refuse rather than spend past a limit nobody can check.
                return Err(Refusal::Unavailable);
            };
            let word = match values.first() {
                Some(redis::Value::BulkString(bytes)) => {
                    String::from_utf8_lossy(bytes).into_owned()
                }
                Some(redis::Value::SimpleString(text)) => text.clone(),
                _ => String::new(),
            };
            let numbers: Vec<i64> = values
                .iter()
                .skip(1)
                .filter_map(|v| match v {
                    redis::Value::Int(n) => Some(*n),
                    _ => None,
                })
                .collect();
            match word.as_str() {
                "ok" => Ok(Ticket {
                    id: ticket,
                    caller: ask.caller.to_owned(),
                }),
                "rate" => Err(Refusal::rate(read_states(rules, &numbers))),
                "budget" => {
                    // Lua counts from 1.
                    let at = numbers.first().map_or(0, |n| (*n).max(1) as usize - 1);
                    match rules.budgets.get(at) {
                        Some(budget) => Err(Refusal::budget(budget, ask.now_ms)),
                        None => Err(Refusal::Unavailable),
                    }
                }
                "inflight" => Err(Refusal::InFlight {
                    cap: rules.max_in_flight.unwrap_or(0),
                }),
                _ => Err(Refusal::Unavailable),
            }
        })
    }

    fn settle<'a>(&'a self, ticket: &'a Ticket, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let job = job_id.unwrap_or_default();
            let args = serde_json::json!({
                "ticket_hold": keys::hold(&ticket.id),
                "job_hold": keys::hold(job),
                "stamps": keys::rate_stamps(&ticket.caller),
                "in_flight": keys::in_flight(&ticket.caller),
                "ticket": ticket.id,
                "job": job,
                "spent_prefix": keys::spent_prefix(),
            });
            let _: redis::RedisResult<i64> = run_script(self, &SETTLE, args).await;
        })
    }

    fn ended<'a>(&'a self, job_id: &'a str, refund: bool) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let args = serde_json::json!({
                "job_hold": keys::hold(job_id),
                "job": job_id,
                "refund": refund,
                "spent_prefix": keys::spent_prefix(),
                "in_flight_prefix": keys::in_flight_prefix(),
            });
            let _: redis::RedisResult<i64> = run_script(self, &ENDED, args).await;
        })
    }

    fn spent<'a>(&'a self, counters: &'a [String]) -> BoxFuture<'a, Option<Vec<u64>>> {
        Box::pin(async move {
            if counters.is_empty() {
                return Some(Vec::new());
            }
            let keys: Vec<String> = counters.iter().map(|c| keys::spent(c)).collect();
            let values: Vec<Option<i64>> =
                within_deadline(redis::cmd("MGET").arg(&keys).query_async(&mut self.conn()))
                    .await
                    .ok()?;
            Some(
                values
                    .into_iter()
                    .map(|v| v.unwrap_or(0).max(0) as u64)
                    .collect(),
            )
        })
    }

    fn first_time<'a>(&'a self, mark: &'a str, now_ms: u64, until_ms: u64) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let keep_ms = until_ms.saturating_sub(now_ms).max(1);
            // SET NX answers OK to the one that set it and nil to every later one.
            let set: redis::RedisResult<Option<String>> = within_deadline(
                redis::cmd("SET")
                    .arg(keys::mark(mark))
                    .arg(now_ms)
                    .arg("NX")
                    .arg("PX")
                    .arg(keep_ms)
                    .query_async(&mut self.conn()),
            )
            .await;
            matches!(set, Ok(Some(_)))
        })
    }

    fn rates<'a>(
        &'a self,
        rules: &'a Rules,
        caller: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Vec<RateState>> {
        Box::pin(async move {
            let args = serde_json::json!({
                "stamps": keys::rate_stamps(caller),
                "now": now_ms,
                "rules": rule_list(rules),
            });
            let numbers: Vec<i64> = run_script(self, &RATES, args).await.unwrap_or_default();
            read_states(rules, &numbers)
        })
    }
}
