//! Usage in Redis, shared by replicas: each tally a hash whose fields are counts, added to
//! with `HINCRBY` (replicas never overwrite each other's counts); each period's listed
//! scopes in a set; a job's note a string taken with `GETDEL`, so exactly one replica
//! counts its end.

use super::book::{is_listed, Add, Counts, JobNote};
use super::{BoxFuture, UsageStore};
use crate::state::keys;
use crate::state::now_ms;
use crate::state::redis::{within_deadline, RedisState};

impl UsageStore for RedisState {
    fn add<'a>(&'a self, adds: &'a [Add]) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if adds.is_empty() {
                return;
            }
            let mut pipe = redis::pipe();
            pipe.atomic();
            for add in adds {
                let key = keys::usage(&add.period, &add.scope);
                pipe.hincr(&key, &add.field, add.delta).ignore();
                pipe.cmd("PEXPIREAT").arg(&key).arg(add.until_ms).ignore();
                if is_listed(&add.scope) {
                    let listed = keys::usage_scopes(&add.period);
                    pipe.sadd(&listed, &add.scope).ignore();
                    pipe.cmd("PEXPIREAT")
                        .arg(&listed)
                        .arg(add.until_ms)
                        .ignore();
                }
            }
            let done: redis::RedisResult<()> =
                within_deadline(pipe.query_async(&mut self.conn())).await;
            if let Err(error) = done {
                tracing::warn!("usage not counted: Redis: {error}");
            }
        })
    }

    fn keep_note<'a>(
        &'a self,
        job_id: &'a str,
        note: &'a JobNote,
        until_ms: u64,
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Ok(text) = serde_json::to_string(note) else {
                return;
            };
            let keep_ms = until_ms.saturating_sub(now_ms()).max(1);
            let _: redis::RedisResult<()> = within_deadline(
                redis::cmd("SET")
                    .arg(keys::usage_note(job_id))
                    .arg(text)
                    .arg("PX")
                    .arg(keep_ms)
                    .query_async(&mut self.conn()),
            )
            .await;
        })
    }

    fn take_note<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<JobNote>> {
        Box::pin(async move {
            let text: Option<String> = within_deadline(
                redis::cmd("GETDEL")
                    .arg(keys::usage_note(job_id))
                    .query_async(&mut self.conn()),
            )
            .await
            .ok()
            .flatten();
            text.and_then(|text| serde_json::from_str(&text).ok())
        })
    }

    fn read<'a>(
        &'a self,
        period: &'a str,
        scopes: Option<&'a [String]>,
    ) -> BoxFuture<'a, Option<Vec<(String, Counts)>>> {
        Box::pin(async move {
            let mut scopes: Vec<String> = match scopes {
                Some(scopes) => scopes.to_vec(),
                None => within_deadline(
                    redis::cmd("SMEMBERS")
                        .arg(keys::usage_scopes(period))
                        .query_async(&mut self.conn()),
                )
                .await
                .ok()?,
            };
            scopes.sort();
            if scopes.is_empty() {
                return Some(Vec::new());
            }
            let mut pipe = redis::pipe();
            for scope in &scopes {
                pipe.hgetall(keys::usage(period, scope));
            }
            let tallies: Vec<Counts> = within_deadline(pipe.query_async(&mut self.conn()))
                .await
                .ok()?;
            Some(
                scopes
                    .into_iter()
                    .zip(tallies)
                    .filter(|(_, counts)| !counts.is_empty())
                    .collect(),
            )
        })
    }
}
