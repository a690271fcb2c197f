//! The proxy's shared state in Redis (`--state redis://HOST:PORT`): idempotency records,
//! job ownership and the limits, so any number of replicas behind a load balancer keep one
//! set of records and one budget, exactly, and a restart loses nothing. Every change that
//! reads before it writes is one Lua script, which Redis runs atomically: no replica can
//! slip between another's read and write.

use crate::idempotency::{
    BoxFuture, Claim, Fingerprint, IdempotencyStore, Outcome, Window, REMEMBER_FOR,
};
use crate::limits::{Ask, LimitStore, RateState, Refusal, Rules, Ticket};
use crate::ownership::{OwnedPage, Ownership};
use axum::body::Bytes;
use redis::aio::ConnectionManager;
use redis::Script;
use std::time::Duration;

pub(crate) const PREFIX: &str = "krea-proxy:";
/// An in-flight claim outlives a crashed replica by this much, not by a day.
const IN_FLIGHT_FOR: Duration = Duration::from_secs(180);
/// Ownership is kept this long: a history is kept for months.
const OWNED_FOR: Duration = Duration::from_secs(400 * 24 * 3600);
const DAY_MS: u64 = 86_400_000;

/// One connection (multiplexed, reconnecting) shared by every store.
#[derive(Clone)]
pub struct RedisState {
    connection: ConnectionManager,
    /// For connections of their own (a pub/sub listener cannot share one).
    client: redis::Client,
}

impl RedisState {
    /// Connects, and fails at start (saying where) when Redis does not answer.
    pub async fn connect(url: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("--state {url}: {e}"))?;
        // A Redis that went away must not hold requests for long: they are refused instead.
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(2))
            .set_response_timeout(Duration::from_secs(2))
            .set_number_of_retries(2);
        let connection = tokio::time::timeout(
            Duration::from_secs(5),
            ConnectionManager::new_with_config(client.clone(), config),
        )
        .await
        .map_err(|_| format!("--state {url}: Redis did not answer within 5 s"))?
        .map_err(|e| format!("--state {url}: {e}"))?;
        let state = RedisState { connection, client };
        state
            .ping()
            .await
            .map_err(|e| format!("--state {url}: {e}"))?;
        Ok(state)
    }

    /// Whether Redis answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), String> {
        let mut connection = self.connection.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The secret every replica signs sessions with: the first replica's, kept in Redis.
    pub async fn shared_secret(&self) -> Result<Vec<u8>, String> {
        let mine = crate::callers::random_hex(32);
        let key = format!("{PREFIX}session-secret");
        let mut connection = self.conn();
        let _: bool = redis::cmd("SET")
            .arg(&key)
            .arg(&mine)
            .arg("NX")
            .query_async::<Option<String>>(&mut connection)
            .await
            .map(|set| set.is_some())
            .map_err(|e| e.to_string())?;
        redis::cmd("GET")
            .arg(&key)
            .query_async::<String>(&mut connection)
            .await
            .map(String::into_bytes)
            .map_err(|e| e.to_string())
    }

    pub(crate) fn conn(&self) -> ConnectionManager {
        self.connection.clone()
    }

    /// A connection of its own, for subscribing.
    pub(crate) async fn pubsub(&self) -> redis::RedisResult<redis::aio::PubSub> {
        self.client.get_async_pubsub().await
    }
}

const CLAIM: &str = r#"
local fp = redis.call('HGET', KEYS[1], 'fp')
if not fp then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'state', 'inflight')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'fresh'}
end
if fp ~= ARGV[1] then return {'mismatch'} end
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'created' then return {'replay', redis.call('HGET', KEYS[1], 'body')} end
if state == 'unknown' then
  redis.call('HSET', KEYS[1], 'state', 'inflight')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {'unsettled', redis.call('HGET', KEYS[1], 'sent'), redis.call('HGET', KEYS[1], 'judged')}
end
return {'inflight'}
"#;

impl IdempotencyStore for RedisState {
    fn claim<'a>(&'a self, key: &'a str, fingerprint: Fingerprint) -> BoxFuture<'a, Claim> {
        Box::pin(async move {
            let answer: redis::RedisResult<Vec<Vec<u8>>> = Script::new(CLAIM)
                .key(format!("{PREFIX}key:{key}"))
                .arg(crate::callers::hex(&fingerprint))
                .arg(IN_FLIGHT_FOR.as_millis() as u64)
                .invoke_async(&mut self.conn())
                .await;
            let Ok(parts) = answer else {
                // Redis is away: say "being handled" so the caller retries, never a second job.
                return Claim::InFlight;
            };
            let text = |at: usize| {
                parts
                    .get(at)
                    .map(|p| String::from_utf8_lossy(p).into_owned())
                    .unwrap_or_default()
            };
            match text(0).as_str() {
                "fresh" => Claim::Fresh,
                "mismatch" => Claim::Mismatch,
                "replay" => Claim::Replay(Bytes::from(parts.get(1).cloned().unwrap_or_default())),
                "unsettled" => Claim::Unsettled(Window {
                    sent_at: text(1).parse().unwrap_or(0),
                    judged_at: text(2).parse().unwrap_or(0),
                }),
                _ => Claim::InFlight,
            }
        })
    }

    fn settle<'a>(&'a self, key: &'a str, outcome: Outcome) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let key = format!("{PREFIX}key:{key}");
            let mut connection = self.conn();
            let mut pipe = redis::pipe();
            pipe.atomic();
            match outcome {
                Outcome::Created(body) => {
                    pipe.hset_multiple(
                        &key,
                        &[("state", b"created".to_vec()), ("body", body.to_vec())],
                    );
                    pipe.pexpire(&key, REMEMBER_FOR.as_millis() as i64);
                }
                Outcome::Unknown(window) => {
                    pipe.hset_multiple(
                        &key,
                        &[
                            ("state", "unknown".to_owned()),
                            ("sent", window.sent_at.to_string()),
                            ("judged", window.judged_at.to_string()),
                        ],
                    );
                    pipe.pexpire(&key, REMEMBER_FOR.as_millis() as i64);
                }
                Outcome::NotCreated => {
                    pipe.del(&key);
                }
            }
            let _: redis::RedisResult<()> = pipe.query_async(&mut connection).await;
        })
    }

    fn remember_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _: redis::RedisResult<()> = redis::cmd("SET")
                .arg(format!("{PREFIX}handed:{job_id}"))
                .arg(1)
                .arg("PX")
                .arg(REMEMBER_FOR.as_millis() as u64)
                .query_async(&mut self.conn())
                .await;
        })
    }

    fn knows_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            redis::cmd("EXISTS")
                .arg(format!("{PREFIX}handed:{job_id}"))
                .query_async::<bool>(&mut self.conn())
                .await
                // Unsure counts as known: a lookup then says "cannot tell", never "this one".
                .unwrap_or(true)
        })
    }
}

/// Krea's RFC 3339 creation time in microseconds since 1970 (a ZSET score holds it exactly).
fn micros(text: &str) -> Option<f64> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|at| (at.unix_timestamp_nanos() / 1000) as f64)
}

const RECORD_OWNER: &str = r#"
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
return 1
"#;

impl Ownership for RedisState {
    fn record<'a>(
        &'a self,
        job_id: &'a str,
        caller: &'a str,
        created_at: &'a str,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let score = micros(created_at).unwrap_or(0.0);
            let _: redis::RedisResult<i64> = Script::new(RECORD_OWNER)
                .key(format!("{PREFIX}owners"))
                .key(format!("{PREFIX}jobs:{caller}"))
                .arg(job_id)
                .arg(caller)
                .arg(score)
                // The member carries the creation text, handed back as the cursor.
                .arg(format!("{created_at}|{job_id}"))
                .arg(OWNED_FOR.as_millis() as u64)
                .invoke_async(&mut self.conn())
                .await;
        })
    }

    fn owner<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<String>> {
        Box::pin(async move {
            redis::cmd("HGET")
                .arg(format!("{PREFIX}owners"))
                .arg(job_id)
                .query_async::<Option<String>>(&mut self.conn())
                .await
                .ok()
                .flatten()
        })
    }

    fn page<'a>(
        &'a self,
        caller: &'a str,
        before: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, OwnedPage> {
        Box::pin(async move {
            let max = match before.and_then(micros) {
                Some(at) => format!("({at}"),
                None => "+inf".to_owned(),
            };
            let members: Vec<String> = redis::cmd("ZREVRANGEBYSCORE")
                .arg(format!("{PREFIX}jobs:{caller}"))
                .arg(max)
                .arg("-inf")
                .arg("LIMIT")
                .arg(0)
                .arg(limit + 1)
                .query_async(&mut self.conn())
                .await
                .unwrap_or_default();
            let more = members.len() > limit;
            let jobs = members
                .into_iter()
                .take(limit)
                .filter_map(|member| {
                    let (created, id) = member.rsplit_once('|')?;
                    Some((created.to_owned(), id.to_owned()))
                })
                .collect();
            OwnedPage { jobs, more }
        })
    }
}

/// Admission, in one step. KEYS: rate stamps, jobs in flight, money spent today, the
/// ticket's hold. ARGV: now, ticket id, in-flight until, cap (0: none), budget (-1: none),
/// price, day, caller, then each rule's window and count.
const ADMIT: &str = r#"
local now = tonumber(ARGV[1])
local longest = 0
local rules = {}
for i = 9, #ARGV, 2 do
  local window, count = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  table.insert(rules, {window, count})
  if window > longest then longest = window end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local function states()
  local out = {}
  for _, rule in ipairs(rules) do
    local inside = redis.call('ZCOUNT', KEYS[1], '(' .. (now - rule[1]), '+inf')
    local reset = 0
    if inside > 0 then
      local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - rule[1]), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
      reset = tonumber(oldest[2]) + rule[1] - now
    end
    table.insert(out, math.max(rule[2] - inside, 0))
    table.insert(out, reset)
  end
  return out
end
local before = states()
for i = 1, #rules do
  if before[2 * i - 1] == 0 then
    local out = {'rate'}
    for _, v in ipairs(before) do table.insert(out, v) end
    return out
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local cap = tonumber(ARGV[4])
if cap > 0 and redis.call('ZCARD', KEYS[2]) >= cap then return {'inflight'} end
local budget, price = tonumber(ARGV[5]), tonumber(ARGV[6])
if budget >= 0 then
  local spent = tonumber(redis.call('GET', KEYS[3]) or '0')
  if spent + price > budget then return {'budget'} end
end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], longest + 1000)
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[2])
redis.call('INCRBY', KEYS[3], price)
redis.call('PEXPIRE', KEYS[3], 3 * 86400000)
redis.call('HSET', KEYS[4], 'day', ARGV[7], 'micros', price, 'caller', ARGV[8], 'until', ARGV[3])
redis.call('PEXPIRE', KEYS[4], 2 * 86400000)
return {'ok'}
"#;

/// KEYS: the ticket's hold, the job's hold, rate stamps, in flight. ARGV: ticket id, job id
/// ('' when no job was made), spent-key prefix.
const SETTLE: &str = r#"
local hold = redis.call('HGETALL', KEYS[1])
if #hold == 0 then return 0 end
local fields = {}
for i = 1, #hold, 2 do fields[hold[i]] = hold[i + 1] end
redis.call('DEL', KEYS[1])
if ARGV[2] ~= '' then
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('ZADD', KEYS[4], tonumber(fields['until']), ARGV[2])
  redis.call('HSET', KEYS[2], 'day', fields['day'], 'micros', fields['micros'], 'caller', fields['caller'])
  redis.call('PEXPIRE', KEYS[2], 2 * 86400000)
else
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('DECRBY', ARGV[3] .. fields['day'], tonumber(fields['micros']))
end
return 1
"#;

/// KEYS: the job's hold. ARGV: job id, refund ('1'/'0'), spent-key prefix, in-flight prefix.
const ENDED: &str = r#"
local hold = redis.call('HGETALL', KEYS[1])
if #hold == 0 then return 0 end
local fields = {}
for i = 1, #hold, 2 do fields[hold[i]] = hold[i + 1] end
redis.call('DEL', KEYS[1])
redis.call('ZREM', ARGV[4] .. fields['caller'], ARGV[1])
if ARGV[2] == '1' then
  redis.call('DECRBY', ARGV[3] .. fields['day'], tonumber(fields['micros']))
end
return 1
"#;

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

impl RedisState {
    async fn run_admit(
        &self,
        rules: &Rules,
        ask: &Ask<'_>,
        ticket: &str,
    ) -> redis::RedisResult<Vec<redis::Value>> {
        let day = ask.now_ms / DAY_MS;
        let admit = Script::new(ADMIT);
        let mut script = admit.prepare_invoke();
        script
            .key(format!("{PREFIX}rate:{}", ask.caller))
            .key(format!("{PREFIX}inflight:{}", ask.caller))
            .key(format!("{PREFIX}spent:{day}"))
            .key(format!("{PREFIX}hold:{ticket}"))
            .arg(ask.now_ms)
            .arg(ticket)
            .arg(ask.now_ms + ask.in_flight_for.as_millis() as u64)
            .arg(rules.max_in_flight.unwrap_or(0))
            .arg(rules.daily_budget_micros.map_or(-1, |b| b as i64))
            .arg(ask.price_micros)
            .arg(day)
            .arg(ask.caller);
        for rule in &rules.rates {
            script.arg(rule.window.as_millis() as u64).arg(rule.count);
        }
        script.invoke_async(&mut self.conn()).await
    }
}

impl LimitStore for RedisState {
    fn admit<'a>(
        &'a self,
        rules: &'a Rules,
        ask: Ask<'a>,
    ) -> BoxFuture<'a, Result<Ticket, Refusal>> {
        Box::pin(async move {
            let ticket = format!("ticket:{}", uuid::Uuid::new_v4());
            let day = ask.now_ms / DAY_MS;
            let answer = self.run_admit(rules, &ask, &ticket).await;
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
            let states = read_states(rules, &numbers);
            match word.as_str() {
                "ok" => Ok(Ticket {
                    id: ticket,
                    caller: ask.caller.to_owned(),
                }),
                "rate" => Err(Refusal::Rate {
                    retry_after: states
                        .iter()
                        .filter(|s| s.remaining == 0)
                        .map(|s| s.reset)
                        .max()
                        .unwrap_or_default(),
                    states,
                }),
                "budget" => Err(Refusal::Budget {
                    resets_in: Duration::from_millis((day + 1) * DAY_MS - ask.now_ms),
                }),
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
            let _: redis::RedisResult<i64> = Script::new(SETTLE)
                .key(format!("{PREFIX}hold:{}", ticket.id))
                .key(format!("{PREFIX}hold:{job}"))
                .key(format!("{PREFIX}rate:{}", ticket.caller))
                .key(format!("{PREFIX}inflight:{}", ticket.caller))
                .arg(&ticket.id)
                .arg(job)
                .arg(format!("{PREFIX}spent:"))
                .invoke_async(&mut self.conn())
                .await;
        })
    }

    fn ended<'a>(&'a self, job_id: &'a str, refund: bool) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _: redis::RedisResult<i64> = Script::new(ENDED)
                .key(format!("{PREFIX}hold:{job_id}"))
                .arg(job_id)
                .arg(if refund { "1" } else { "0" })
                .arg(format!("{PREFIX}spent:"))
                .arg(format!("{PREFIX}inflight:"))
                .invoke_async(&mut self.conn())
                .await;
        })
    }

    fn rates<'a>(
        &'a self,
        rules: &'a Rules,
        caller: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Vec<RateState>> {
        Box::pin(async move {
            let mut states = Vec::new();
            let mut connection = self.conn();
            for &policy in &rules.rates {
                let window = policy.window.as_millis() as u64;
                let from = format!("({}", now_ms.saturating_sub(window));
                let key = format!("{PREFIX}rate:{caller}");
                let inside: u32 = redis::cmd("ZCOUNT")
                    .arg(&key)
                    .arg(&from)
                    .arg("+inf")
                    .query_async(&mut connection)
                    .await
                    .unwrap_or(0);
                let oldest: Vec<(String, f64)> = redis::cmd("ZRANGEBYSCORE")
                    .arg(&key)
                    .arg(&from)
                    .arg("+inf")
                    .arg("WITHSCORES")
                    .arg("LIMIT")
                    .arg(0)
                    .arg(1)
                    .query_async(&mut connection)
                    .await
                    .unwrap_or_default();
                let reset = oldest
                    .first()
                    .map_or(0, |(_, at)| (*at as u64 + window).saturating_sub(now_ms));
                states.push(RateState {
                    policy,
                    remaining: policy.count.saturating_sub(inside),
                    reset: Duration::from_millis(reset),
                });
            }
            states
        })
    }
}
