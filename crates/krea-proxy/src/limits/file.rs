//! Limits in the state file: each caller's standing and the money spent per budget counter,
//! kept across restarts, so a restart neither resets a budget's spend nor frees its slots.

use super::window::{new_ticket_id, CallerLimits, Refund};
use super::{Ask, BoxFuture, LimitStore, RateState, Refusal, Rules, Ticket};
use crate::state::file::{
    decode, encode, FileState, HOLDERS, LIMIT_CALLERS, MARKS, SPENT, SPENT_BY_COUNTER,
};
use redb::{ReadableDatabase, ReadableTable, WriteTransaction};

fn read_caller(tx: &WriteTransaction, caller: &str) -> Result<CallerLimits, redb::Error> {
    Ok(tx
        .open_table(LIMIT_CALLERS)?
        .get(caller)?
        .and_then(|bytes| decode(bytes.value()))
        .unwrap_or_default())
}

fn write_caller(
    tx: &WriteTransaction,
    caller: &str,
    limits: &CallerLimits,
) -> Result<(), redb::Error> {
    let mut callers = tx.open_table(LIMIT_CALLERS)?;
    if limits == &CallerLimits::default() {
        callers.remove(caller)?;
    } else {
        callers.insert(caller, encode(limits).as_slice())?;
    }
    Ok(())
}

/// What a budget counter has spent. A file written before budgets had scopes kept the
/// proxy-wide day's spend by day number, in its own table: read from there until the
/// counter is first written.
fn spent(tx: &WriteTransaction, counter: &str) -> Result<u64, redb::Error> {
    let by_counter = tx.open_table(SPENT_BY_COUNTER)?;
    let by_day = tx.open_table(SPENT)?;
    spent_in(&by_counter, &by_day, counter)
}

fn spent_in(
    by_counter: &impl ReadableTable<&'static str, u64>,
    by_day: &impl ReadableTable<u64, u64>,
    counter: &str,
) -> Result<u64, redb::Error> {
    if let Some(micros) = by_counter.get(counter)? {
        return Ok(micros.value());
    }
    let Ok(day) = counter.parse::<u64>() else {
        return Ok(0);
    };
    Ok(by_day.get(day)?.map_or(0, |v| v.value()))
}

fn refund(tx: &WriteTransaction, refund: Option<Refund>) -> Result<(), redb::Error> {
    let Some(Refund { counters, micros }) = refund else {
        return Ok(());
    };
    for counter in counters {
        let now = spent(tx, &counter)?;
        tx.open_table(SPENT_BY_COUNTER)?
            .insert(counter.as_str(), now.saturating_sub(micros))?;
    }
    Ok(())
}

impl LimitStore for FileState {
    fn admit<'a>(
        &'a self,
        rules: &'a Rules,
        ask: Ask<'a>,
    ) -> BoxFuture<'a, Result<Ticket, Refusal>> {
        let rules = rules.clone();
        let caller = ask.caller.to_owned();
        let (price, now, in_flight_for) = (ask.price_micros, ask.now_ms, ask.in_flight_for);
        // Unreadable: refuse rather than spend past a limit nobody can check.
        self.run("an admission", Err(Refusal::Unavailable), move |db| {
            let ask = Ask {
                caller: &caller,
                price_micros: price,
                now_ms: now,
                in_flight_for,
            };
            let tx = db.begin_write()?;
            let counters: Vec<String> = rules.budgets.iter().map(|b| b.counter(now)).collect();
            let so_far = counters
                .iter()
                .map(|counter| spent(&tx, counter))
                .collect::<Result<Vec<u64>, _>>()?;
            let mut limits = read_caller(&tx, &caller)?;
            let admitted = limits.admit(&rules, &ask, &so_far, new_ticket_id());
            if admitted.is_ok() {
                let mut table = tx.open_table(SPENT_BY_COUNTER)?;
                for (counter, before) in counters.iter().zip(so_far) {
                    table.insert(counter.as_str(), before + price)?;
                }
            }
            // Written either way: the refusal forgot what had expired.
            write_caller(&tx, &caller, &limits)?;
            tx.commit()?;
            Ok(admitted)
        })
    }

    fn settle<'a>(&'a self, ticket: &'a Ticket, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        let ticket = ticket.clone();
        let job_id = job_id.map(str::to_owned);
        self.run("settling an admission", (), move |db| {
            let tx = db.begin_write()?;
            let mut limits = read_caller(&tx, &ticket.caller)?;
            let given_back = limits.settle(&ticket.id, job_id.as_deref());
            if let Some(job_id) = &job_id {
                tx.open_table(HOLDERS)?
                    .insert(job_id.as_str(), ticket.caller.as_str())?;
            }
            write_caller(&tx, &ticket.caller, &limits)?;
            refund(&tx, given_back)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn ended<'a>(&'a self, job_id: &'a str, refund_it: bool) -> BoxFuture<'a, ()> {
        let job_id = job_id.to_owned();
        self.run("ending a job's hold", (), move |db| {
            let tx = db.begin_write()?;
            let holder = tx
                .open_table(HOLDERS)?
                .remove(job_id.as_str())?
                .map(|caller| caller.value().to_owned());
            if let Some(holder) = holder {
                let mut limits = read_caller(&tx, &holder)?;
                let given_back = limits.end(&job_id, refund_it);
                write_caller(&tx, &holder, &limits)?;
                refund(&tx, given_back)?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn spent<'a>(&'a self, counters: &'a [String]) -> BoxFuture<'a, Option<Vec<u64>>> {
        let counters = counters.to_vec();
        self.run("reading what budgets spent", None, move |db| {
            let tx = db.begin_read()?;
            let by_counter = tx.open_table(SPENT_BY_COUNTER)?;
            let by_day = tx.open_table(SPENT)?;
            let spent = counters
                .iter()
                .map(|counter| spent_in(&by_counter, &by_day, counter))
                .collect::<Result<Vec<u64>, _>>()?;
            Ok(Some(spent))
        })
    }

    fn first_time<'a>(&'a self, mark: &'a str, now_ms: u64, until_ms: u64) -> BoxFuture<'a, bool> {
        let mark = mark.to_owned();
        self.run("marking something done once", false, move |db| {
            let tx = db.begin_write()?;
            let first = {
                let mut marks = tx.open_table(MARKS)?;
                let taken = marks
                    .get(mark.as_str())?
                    .is_some_and(|until| until.value() > now_ms);
                if !taken {
                    marks.insert(mark.as_str(), until_ms)?;
                }
                !taken
            };
            tx.commit()?;
            Ok(first)
        })
    }

    fn rates<'a>(
        &'a self,
        rules: &'a Rules,
        caller: &'a str,
        now_ms: u64,
    ) -> BoxFuture<'a, Vec<RateState>> {
        let rules = rules.clone();
        let caller = caller.to_owned();
        self.run("reading a caller's standing", Vec::new(), move |db| {
            let tx = db.begin_read()?;
            let mut limits: CallerLimits = tx
                .open_table(LIMIT_CALLERS)?
                .get(caller.as_str())?
                .and_then(|bytes| decode(bytes.value()))
                .unwrap_or_default();
            Ok(limits.rate_states(&rules, now_ms))
        })
    }
}
