//! The proxy's clock, as tests move it: budgets count days and months by it.

use krea_proxy::limits::clock::Clock;

/// A clock set to 01:00 UTC on the 1st of next month: a test that then spends for a while
/// stays in one day and one month however late it runs, and can move on by whole days.
pub fn early_next_month() -> Clock {
    let clock = Clock::default();
    let now = time::OffsetDateTime::from_unix_timestamp((clock.now_ms() / 1000) as i64).unwrap();
    let first = now
        .date()
        .replace_day(1)
        .unwrap()
        .checked_add(time::Duration::days(32))
        .unwrap()
        .replace_day(1)
        .unwrap();
    let ahead = first.midnight().assume_utc() + time::Duration::hours(1) - now;
    clock.advance(ahead.unsigned_abs());
    clock
}
