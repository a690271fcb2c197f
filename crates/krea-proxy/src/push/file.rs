//! Webhook tokens and kept events in the state file: a job made before a restart is still
//! pushed when Krea delivers it after.

use super::{BoxFuture, Hook, Kept, PushEvent, PushRecords, Recorded};
use crate::state::file::{decode, encode, FileState, HOOKS, KEPT};
use crate::state::now_ms;
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};

fn read_hook(tx: &WriteTransaction, token: &str) -> Result<Option<Hook>, redb::Error> {
    Ok(tx
        .open_table(HOOKS)?
        .get(token)?
        .and_then(|bytes| decode(bytes.value())))
}

fn write_hook(tx: &WriteTransaction, token: &str, hook: &Hook) -> Result<(), redb::Error> {
    tx.open_table(HOOKS)?
        .insert(token, encode(hook).as_slice())?;
    Ok(())
}

/// Forgets tokens and kept events past their lifetime.
fn sweep(tx: &WriteTransaction, now: u64) -> Result<(), redb::Error> {
    tx.open_table(HOOKS)?
        .retain(|_, bytes| decode::<Hook>(bytes).is_some_and(|hook| hook.is_live(now)))?;
    tx.open_table(KEPT)?
        .retain(|_, bytes| decode::<Kept>(bytes).is_some_and(|kept| kept.is_live(now)))?;
    Ok(())
}

impl PushRecords for FileState {
    fn issue<'a>(&'a self, token: &'a str, caller: &'a str) -> BoxFuture<'a, ()> {
        let (token, caller) = (token.to_owned(), caller.to_owned());
        let sweep_due = self.sweep_due();
        self.run("issuing a webhook token", (), move |db| {
            let now = now_ms();
            let tx = db.begin_write()?;
            if sweep_due {
                sweep(&tx, now)?;
            }
            write_hook(&tx, &token, &Hook::new(&caller, now))?;
            tx.commit()?;
            Ok(())
        })
    }

    fn bind<'a>(&'a self, token: &'a str, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        let token = token.to_owned();
        let job_id = job_id.map(str::to_owned);
        self.run("binding a webhook token", (), move |db| {
            let tx = db.begin_write()?;
            match job_id {
                Some(id) => {
                    if let Some(mut hook) = read_hook(&tx, &token)? {
                        hook.job_id = Some(id);
                        write_hook(&tx, &token, &hook)?;
                    }
                }
                None => {
                    tx.open_table(HOOKS)?.remove(token.as_str())?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn expected<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<(String, String)>> {
        let token = token.to_owned();
        self.run("reading a webhook token", None, move |db| {
            let tx = db.begin_read()?;
            let hook = tx
                .open_table(HOOKS)?
                .get(token.as_str())?
                .and_then(|bytes| decode::<Hook>(bytes.value()));
            Ok(hook.and_then(|hook| hook.expected()))
        })
    }

    fn record<'a>(
        &'a self,
        token: &'a str,
        caller: &'a str,
        job_id: &'a str,
        job: &'a str,
    ) -> BoxFuture<'a, Recorded> {
        let (token, caller) = (token.to_owned(), caller.to_owned());
        let (job_id, job) = (job_id.to_owned(), job.to_owned());
        // Unreadable: say nothing was delivered; the studio's poll catches up.
        self.run("recording a delivery", Recorded::Unknown, move |db| {
            let now = now_ms();
            let tx = db.begin_write()?;
            let Some(mut hook) = read_hook(&tx, &token)? else {
                return Ok(Recorded::Unknown);
            };
            let recorded = match hook.deliver(&job_id) {
                None => return Ok(Recorded::Unknown),
                Some(false) => return Ok(Recorded::Repeated),
                Some(true) => {
                    let mut kept_table = tx.open_table(KEPT)?;
                    let mut kept = kept_table
                        .get(caller.as_str())?
                        .and_then(|bytes| decode::<Kept>(bytes.value()))
                        .unwrap_or_else(|| Kept::new(now));
                    let event = kept.push(&job, now);
                    kept_table.insert(caller.as_str(), encode(&kept).as_slice())?;
                    Recorded::New(event)
                }
            };
            write_hook(&tx, &token, &hook)?;
            tx.commit()?;
            Ok(recorded)
        })
    }

    fn missed<'a>(
        &'a self,
        caller: &'a str,
        last_seen: Option<u64>,
    ) -> BoxFuture<'a, Vec<PushEvent>> {
        let caller = caller.to_owned();
        self.run("reading kept events", Vec::new(), move |db| {
            let tx = db.begin_read()?;
            let kept = tx
                .open_table(KEPT)?
                .get(caller.as_str())?
                .and_then(|bytes| decode::<Kept>(bytes.value()));
            Ok(kept.map(|kept| kept.after(last_seen)).unwrap_or_default())
        })
    }
}
