//! Idempotency records in Redis, shared by replicas: a claim is one script
//! (`claim.lua`), so two replicas cannot both find a key fresh.

use super::REMEMBER_FOR;
use super::{stale_before, BoxFuture, Claim, Fingerprint, IdempotencyStore, Outcome, Window};
use crate::state::keys;
use crate::state::now_ms;
use crate::state::redis::{run_script, within_deadline, RedisState};
use axum::body::Bytes;
use redis::Script;
use std::sync::LazyLock;

static CLAIM: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("claim.lua")));

impl IdempotencyStore for RedisState {
    fn claim<'a>(&'a self, key: &'a str, fingerprint: Fingerprint) -> BoxFuture<'a, Claim> {
        Box::pin(async move {
            let now = now_ms();
            let args = serde_json::json!({
                "key": keys::idempotency(key),
                "fingerprint": crate::secret::hex(&fingerprint),
                "now_ms": now.to_string(),
                "stale_before_ms": stale_before(now).to_string(),
                "remember_ms": REMEMBER_FOR.as_millis() as u64,
            });
            let answer: redis::RedisResult<Vec<Vec<u8>>> = run_script(self, &CLAIM, args).await;
            let Ok(parts) = answer else {
                // Redis is away: refuse, so the caller retries; never a second job.
                return Claim::Unavailable;
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
            let key = keys::idempotency(key);
            let mut connection = self.conn();
            let mut pipe = redis::pipe();
            pipe.atomic();
            let at = now_ms().to_string();
            match outcome {
                Outcome::Created(body) => {
                    pipe.hset_multiple(
                        &key,
                        &[
                            ("state", b"created".to_vec()),
                            ("body", body.to_vec()),
                            ("at", at.into_bytes()),
                        ],
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
                            ("at", at),
                        ],
                    );
                    pipe.pexpire(&key, REMEMBER_FOR.as_millis() as i64);
                }
                Outcome::NotCreated => {
                    pipe.del(&key);
                }
            }
            let _: redis::RedisResult<()> =
                within_deadline(pipe.query_async(&mut connection)).await;
        })
    }

    fn remember_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _: redis::RedisResult<()> = within_deadline(
                redis::cmd("SET")
                    .arg(keys::handed_out(job_id))
                    .arg(1)
                    .arg("PX")
                    .arg(REMEMBER_FOR.as_millis() as u64)
                    .query_async(&mut self.conn()),
            )
            .await;
        })
    }

    fn knows_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            within_deadline(
                redis::cmd("EXISTS")
                    .arg(keys::handed_out(job_id))
                    .query_async::<bool>(&mut self.conn()),
            )
            .await
            // Unsure counts as known: a lookup then says "cannot tell", never "this one".
            .unwrap_or(true)
        })
    }
}
