//! [`PushRecords`] in Redis, for replicas that share `--state redis://…`: a token issued by
//! one replica is known to all, a delivery is new at exactly one of them however many
//! repeats arrive where, and each new event is published on one channel, which every
//! replica listens to and hands to the streams it holds ([`listen`]).

use super::{
    hand_out, BoxFuture, LiveStreams, PushEvent, PushRecords, Recorded, KEPT_EVENTS, TOKEN_LIFETIME,
};
use crate::state::keys::{self, event_sequence, events as events_key, hook as hook_key};
use crate::state::redis::{run_script, within_deadline, RedisState};
use futures_util::StreamExt;
use redis::{AsyncCommands, Script};
use std::sync::LazyLock;
use std::time::Duration;

/// Marks the token delivered unless it was, keeps the event, trims the kept ones and
/// publishes it: one step, so two replicas receiving the same delivery cannot both push it.
static RECORD: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("record.lua")));

impl PushRecords for RedisState {
    fn issue<'a>(&'a self, token: &'a str, caller: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let key = hook_key(token);
            let _: redis::RedisResult<()> = within_deadline(
                redis::pipe()
                    .atomic()
                    .hset(&key, "caller", caller)
                    .ignore()
                    .expire(&key, TOKEN_LIFETIME.as_secs() as i64)
                    .ignore()
                    .query_async(&mut self.conn()),
            )
            .await;
        })
    }

    fn bind<'a>(&'a self, token: &'a str, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let key = hook_key(token);
            let mut connection = self.conn();
            let _: redis::RedisResult<()> = match job_id {
                Some(id) => within_deadline(connection.hset(&key, "job", id)).await,
                None => within_deadline(connection.del(&key)).await,
            };
        })
    }

    fn expected<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<(String, String)>> {
        Box::pin(async move {
            let (caller, job): (Option<String>, Option<String>) =
                within_deadline(self.conn().hget(hook_key(token), &["caller", "job"]))
                    .await
                    .ok()?;
            Some((caller?, job?))
        })
    }

    fn record<'a>(
        &'a self,
        token: &'a str,
        caller: &'a str,
        job_id: &'a str,
        job: &'a str,
    ) -> BoxFuture<'a, Recorded> {
        Box::pin(async move {
            let args = serde_json::json!({
                "hook": hook_key(token),
                "sequence": event_sequence(caller),
                "events": events_key(caller),
                "job_id": job_id,
                "job": job,
                "kept": KEPT_EVENTS,
                "lifetime_secs": TOKEN_LIFETIME.as_secs(),
                "channel": keys::events_channel(),
                "caller": caller,
            });
            let answer: redis::RedisResult<i64> = run_script(self, &RECORD, args).await;
            match answer {
                Ok(id) if id > 0 => Recorded::New((id as u64, job.to_owned())),
                Ok(0) => Recorded::Repeated,
                // Redis is away: say nothing was delivered; the studio's poll catches up.
                _ => Recorded::Unknown,
            }
        })
    }

    fn missed<'a>(
        &'a self,
        caller: &'a str,
        last_seen: Option<u64>,
    ) -> BoxFuture<'a, Vec<PushEvent>> {
        Box::pin(async move {
            let kept: Vec<String> = self
                .conn()
                .lrange(events_key(caller), 0, -1)
                .await
                .unwrap_or_default();
            kept.iter()
                .filter_map(|line| {
                    let (id, job) = line.split_once('\n')?;
                    Some((id.parse::<u64>().ok()?, job.to_owned()))
                })
                .filter(|(id, _)| last_seen.is_none_or(|seen| *id > seen))
                .collect()
        })
    }
}

/// Hands every event any replica records to the streams this replica holds, for as long as
/// the proxy runs; listens again after a lost connection (what was published meanwhile
/// reaches the browser through its safety-net poll, or its `Last-Event-ID` on reconnecting).
pub fn listen(redis: RedisState, live: LiveStreams) {
    tokio::spawn(async move {
        loop {
            if let Ok(mut pubsub) = redis.pubsub().await {
                if pubsub.subscribe(keys::events_channel()).await.is_ok() {
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let Ok(text) = message.get_payload::<String>() else {
                            continue;
                        };
                        let mut parts = text.splitn(3, '\n');
                        if let (Some(caller), Some(Ok(id)), Some(job)) = (
                            parts.next(),
                            parts.next().map(str::parse::<u64>),
                            parts.next(),
                        ) {
                            hand_out(&live, caller, (id, job.to_owned()));
                        }
                    }
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
