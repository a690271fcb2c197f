//! Ownership in the state file: who made each job, and each caller's jobs in creation
//! order, kept across restarts.

use super::{BoxFuture, OwnedPage, Ownership, Unanswered};
use crate::state::file::{FileState, OWNED, OWNERS, PRICES};
use redb::{ReadableDatabase, ReadableTable};

/// Separates the parts of an [`OWNED`] key; no caller id, RFC 3339 time or job id holds it.
const SEP: char = '\u{1f}';

impl Ownership for FileState {
    fn record<'a>(
        &'a self,
        job_id: &'a str,
        caller: &'a str,
        created_at: &'a str,
    ) -> BoxFuture<'a, Result<(), Unanswered>> {
        let (job_id, caller, created_at) =
            (job_id.to_owned(), caller.to_owned(), created_at.to_owned());
        self.run("recording a job's owner", Err(Unanswered), move |db| {
            let tx = db.begin_write()?;
            {
                let mut owners = tx.open_table(OWNERS)?;
                // The first record wins.
                if owners.get(job_id.as_str())?.is_some() {
                    return Ok(Ok(()));
                }
                owners.insert(job_id.as_str(), caller.as_str())?;
                let key = format!("{caller}{SEP}{created_at}{SEP}{job_id}");
                tx.open_table(OWNED)?.insert(key.as_str(), ())?;
            }
            tx.commit()?;
            Ok(Ok(()))
        })
    }

    fn owner<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Result<Option<String>, Unanswered>> {
        let job_id = job_id.to_owned();
        self.run("reading a job's owner", Err(Unanswered), move |db| {
            let tx = db.begin_read()?;
            let owner = tx
                .open_table(OWNERS)?
                .get(job_id.as_str())?
                .map(|caller| caller.value().to_owned());
            Ok(Ok(owner))
        })
    }

    fn note_price<'a>(&'a self, job_id: &'a str, micros: u64) -> BoxFuture<'a, ()> {
        let job_id = job_id.to_owned();
        self.run("noting a job's price", (), move |db| {
            let tx = db.begin_write()?;
            tx.open_table(PRICES)?.insert(job_id.as_str(), micros)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn price<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, Option<u64>> {
        let job_id = job_id.to_owned();
        self.run("reading a job's price", None, move |db| {
            let tx = db.begin_read()?;
            let price = tx
                .open_table(PRICES)?
                .get(job_id.as_str())?
                .map(|micros| micros.value());
            Ok(price)
        })
    }

    fn page<'a>(
        &'a self,
        caller: &'a str,
        before: Option<&'a str>,
        limit: usize,
    ) -> BoxFuture<'a, OwnedPage> {
        let from = format!("{caller}{SEP}");
        let to = match before {
            Some(before) => format!("{caller}{SEP}{before}"),
            // Past every key of this caller: the next character after the separator.
            None => format!("{caller}{}", char::from_u32(SEP as u32 + 1).unwrap_or(SEP)),
        };
        let empty = OwnedPage {
            jobs: Vec::new(),
            more: false,
        };
        self.run("listing a caller's jobs", empty, move |db| {
            let tx = db.begin_read()?;
            let owned = tx.open_table(OWNED)?;
            let mut older = owned.range(from.as_str()..to.as_str())?.rev();
            let mut jobs = Vec::new();
            for entry in older.by_ref().take(limit) {
                let (key, _) = entry?;
                let mut parts = key.value().rsplitn(2, SEP);
                if let (Some(id), Some(rest)) = (parts.next(), parts.next()) {
                    let created = rest.split_once(SEP).map_or("", |(_, at)| at);
                    jobs.push((created.to_owned(), id.to_owned()));
                }
            }
            let more = older.next().is_some();
            Ok(OwnedPage { jobs, more })
        })
    }
}
