//! Usage in the state file, kept across restarts: one record per period and scope, and one
//! per job until it ends.

use super::book::{apply, is_listed, Add, Counts, JobNote};
use super::{BoxFuture, UsageStore};
use crate::state::file::{decode, encode, FileState, USAGE, USAGE_NOTES};
use crate::state::now_ms;
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Default)]
struct Tally {
    counts: Counts,
    until_ms: u64,
}

#[derive(Serialize, Deserialize)]
struct KeptNote {
    note: JobNote,
    until_ms: u64,
}

/// A tally's key: `period \x1f scope` (so one period's tallies are one range).
fn tally_key(period: &str, scope: &str) -> String {
    format!("{period}\u{1f}{scope}")
}

/// Tallies and notes whose time is over.
fn sweep(tx: &WriteTransaction, now: u64) -> Result<(), redb::Error> {
    tx.open_table(USAGE)?
        .retain(|_, bytes| decode::<Tally>(bytes).is_some_and(|t| t.until_ms > now))?;
    tx.open_table(USAGE_NOTES)?
        .retain(|_, bytes| decode::<KeptNote>(bytes).is_some_and(|n| n.until_ms > now))?;
    Ok(())
}

impl UsageStore for FileState {
    fn add<'a>(&'a self, adds: &'a [Add]) -> BoxFuture<'a, ()> {
        let adds = adds.to_vec();
        let sweep_due = self.sweep_due();
        self.run("counting usage", (), move |db| {
            let tx = db.begin_write()?;
            {
                let mut table = tx.open_table(USAGE)?;
                for add in &adds {
                    let key = tally_key(&add.period, &add.scope);
                    let mut tally: Tally = table
                        .get(key.as_str())?
                        .and_then(|bytes| decode(bytes.value()))
                        .unwrap_or_default();
                    apply(&mut tally.counts, add);
                    tally.until_ms = tally.until_ms.max(add.until_ms);
                    table.insert(key.as_str(), encode(&tally).as_slice())?;
                }
            }
            if sweep_due {
                sweep(&tx, now_ms())?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn keep_note<'a>(
        &'a self,
        job_id: &'a str,
        note: &'a JobNote,
        until_ms: u64,
    ) -> BoxFuture<'a, ()> {
        let job_id = job_id.to_owned();
        let kept = KeptNote {
            note: note.clone(),
            until_ms,
        };
        self.run("noting a job's usage", (), move |db| {
            let tx = db.begin_write()?;
            tx.open_table(USAGE_NOTES)?
                .insert(job_id.as_str(), encode(&kept).as_slice())?;
            tx.commit()?;
            Ok(())
        })
    }

    fn take_note<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<JobNote>> {
        let job_id = job_id.to_owned();
        self.run("taking a job's usage note", None, move |db| {
            // Most reads of a finished job find its note taken already: a read
            // transaction tells without a write.
            let noted = db
                .begin_read()?
                .open_table(USAGE_NOTES)?
                .get(job_id.as_str())?
                .is_some();
            if !noted {
                return Ok(None);
            }
            let tx = db.begin_write()?;
            let taken = tx
                .open_table(USAGE_NOTES)?
                .remove(job_id.as_str())?
                .and_then(|bytes| decode::<KeptNote>(bytes.value()));
            tx.commit()?;
            Ok(taken.map(|kept| kept.note))
        })
    }

    fn read<'a>(
        &'a self,
        period: &'a str,
        scopes: Option<&'a [String]>,
    ) -> BoxFuture<'a, Option<Vec<(String, Counts)>>> {
        let period = period.to_owned();
        let scopes = scopes.map(<[String]>::to_vec);
        self.run("reading usage", None, move |db| {
            let table = db.begin_read()?.open_table(USAGE)?;
            let start = tally_key(&period, "");
            let mut found = Vec::new();
            for entry in table.range(start.as_str()..)? {
                let (key, bytes) = entry?;
                let Some(scope) = key.value().strip_prefix(start.as_str()) else {
                    break;
                };
                let wanted = match &scopes {
                    Some(scopes) => scopes.iter().any(|s| s == scope),
                    None => is_listed(scope),
                };
                if let Some(tally) = wanted.then(|| decode::<Tally>(bytes.value())).flatten() {
                    found.push((scope.to_owned(), tally.counts));
                }
            }
            Ok(Some(found))
        })
    }
}
