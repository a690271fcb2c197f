//! Ownership in Redis, shared by replicas: who made each job in one hash, each caller's
//! jobs in a sorted set by creation time.

use super::{BoxFuture, OwnedPage, Ownership, Unanswered, OWNED_FOR};
use crate::state::keys;
use crate::state::redis::{run_script, within_deadline, RedisState};
use redis::Script;
use std::sync::LazyLock;

static RECORD: LazyLock<Script> = LazyLock::new(|| Script::new(include_str!("record.lua")));

/// Krea's RFC 3339 creation time in microseconds since 1970 (a ZSET score holds it exactly).
fn micros(text: &str) -> Option<i128> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|at| at.unix_timestamp_nanos() / 1000)
}

impl Ownership for RedisState {
    fn record<'a>(
        &'a self,
        job_id: &'a str,
        caller: &'a str,
        created_at: &'a str,
    ) -> BoxFuture<'a, Result<(), Unanswered>> {
        Box::pin(async move {
            let args = serde_json::json!({
                "owners": keys::owners(),
                "owned": keys::owned_jobs(caller),
                "job_id": job_id,
                "caller": caller,
                "score": micros(created_at).unwrap_or(0).to_string(),
                // The member carries the creation text, handed back as the cursor.
                "member": format!("{created_at}|{job_id}"),
                "keep_ms": OWNED_FOR.as_millis() as u64,
            });
            let recorded: redis::RedisResult<i64> = run_script(self, &RECORD, args).await;
            recorded.map(|_| ()).map_err(|_| Unanswered)
        })
    }

    fn owner<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<Option<String>, Unanswered>> {
        Box::pin(async move {
            within_deadline(
                redis::cmd("HGET")
                    .arg(keys::owners())
                    .arg(job_id)
                    .query_async::<Option<String>>(&mut self.conn()),
            )
            .await
            .map_err(|_| Unanswered)
        })
    }

    fn note_price<'a>(&'a self, job_id: &'a str, micros: u64) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let _: redis::RedisResult<i64> = within_deadline(
                redis::cmd("HSET")
                    .arg(keys::prices())
                    .arg(job_id)
                    .arg(micros)
                    .query_async(&mut self.conn()),
            )
            .await;
        })
    }

    fn price<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<u64>> {
        Box::pin(async move {
            within_deadline(
                redis::cmd("HGET")
                    .arg(keys::prices())
                    .arg(job_id)
                    .query_async::<Option<u64>>(&mut self.conn()),
            )
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
            let members: Vec<String> = within_deadline(
                redis::cmd("ZREVRANGEBYSCORE")
                    .arg(keys::owned_jobs(caller))
                    .arg(max)
                    .arg("-inf")
                    .arg("LIMIT")
                    .arg(0)
                    .arg(limit + 1)
                    .query_async(&mut self.conn()),
            )
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
