//! Idempotency records in the state file: a claim is one write transaction, and a key a
//! request held when the previous process died is looked at again at once after a restart.

use super::{stale_before, BoxFuture, Claim, Fingerprint, IdempotencyStore, KeyRecord, Outcome};
use super::{Write, REMEMBER_FOR};
use crate::state::file::{decode, encode, FileState, HANDED_OUT, KEYS};
use crate::state::now_ms;
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};

/// Applies `write` to `key`'s record.
fn apply(tx: &WriteTransaction, key: &str, write: Write) -> Result<(), redb::Error> {
    let mut keys = tx.open_table(KEYS)?;
    match write {
        Write::Keep => {}
        Write::Put(record) => {
            keys.insert(key, encode(&record).as_slice())?;
        }
        Write::Remove => {
            keys.remove(key)?;
        }
    }
    Ok(())
}

/// Forgets keys and job ids older than [`REMEMBER_FOR`].
fn sweep(tx: &WriteTransaction, now: u64) -> Result<(), redb::Error> {
    let old = |at: u64| now.saturating_sub(at) >= REMEMBER_FOR.as_millis() as u64;
    tx.open_table(KEYS)?
        .retain(|_, bytes| decode::<KeyRecord>(bytes).is_none_or(|record| !old(record.at_ms)))?;
    tx.open_table(HANDED_OUT)?.retain(|_, at| !old(at))?;
    Ok(())
}

impl IdempotencyStore for FileState {
    fn claim<'a>(&'a self, key: &'a str, fingerprint: Fingerprint) -> BoxFuture<'a, Claim> {
        let key = key.to_owned();
        let opened = self.opened_ms;
        let sweep_due = self.sweep_due();
        // Unreadable: refuse, so the caller retries; never a second job.
        self.run("an idempotency claim", Claim::Unavailable, move |db| {
            let now = now_ms();
            let tx = db.begin_write()?;
            if sweep_due {
                sweep(&tx, now)?;
            }
            let existing = match tx.open_table(KEYS)?.get(key.as_str())? {
                None => None,
                Some(bytes) => match decode::<KeyRecord>(bytes.value()) {
                    Some(record) => Some(record),
                    None => return Ok(Claim::InFlight),
                },
            };
            let stale = stale_before(now).max(opened);
            let (claim, write) = KeyRecord::claim(existing.as_ref(), fingerprint, now, stale);
            apply(&tx, &key, write)?;
            tx.commit()?;
            Ok(claim)
        })
    }

    fn settle<'a>(&'a self, key: &'a str, outcome: Outcome) -> BoxFuture<'a, ()> {
        let key = key.to_owned();
        self.run("settling an idempotency key", (), move |db| {
            let tx = db.begin_write()?;
            let existing = tx
                .open_table(KEYS)?
                .get(key.as_str())?
                .and_then(|bytes| decode::<KeyRecord>(bytes.value()));
            let write = KeyRecord::settle(existing.as_ref(), outcome, now_ms());
            apply(&tx, &key, write)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn remember_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, ()> {
        let job_id = job_id.to_owned();
        self.run("remembering a job id", (), move |db| {
            let tx = db.begin_write()?;
            tx.open_table(HANDED_OUT)?
                .insert(job_id.as_str(), now_ms())?;
            tx.commit()?;
            Ok(())
        })
    }

    fn knows_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, bool> {
        let job_id = job_id.to_owned();
        // Unsure counts as known: a lookup then says "cannot tell", never "this one".
        self.run("looking up a job id", true, move |db| {
            let tx = db.begin_read()?;
            let known = tx.open_table(HANDED_OUT)?.get(job_id.as_str())?.is_some();
            Ok(known)
        })
    }
}
