//! Calendar days without a date crate: days counted from 1970-01-01, Krea's timestamps read
//! into them, and the person's time zone as minutes ahead of UTC (the browser's at the
//! moment asked). A date crate with time zones would cost the wasm far more than these.

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar (Howard Hinnant's
/// algorithm).
pub fn days_from_civil(year: i64, month: u32, date: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(date) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day counted from 1970-01-01: the inverse of [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let date = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, date)
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01.
pub fn day_text(days: i64) -> String {
    let (year, month, date) = civil_from_days(days);
    format!("{year:04}-{month:02}-{date:02}")
}

/// Minutes since 1970-01-01T00:00Z of an RFC 3339 timestamp as Krea writes them
/// (`2026-11-22T08:15:00.123Z`, or with an offset such as `+01:00`); `None` when unreadable.
pub fn utc_minutes(timestamp: &str) -> Option<i64> {
    let timestamp = timestamp.trim();
    let (date, time) = timestamp.split_once(['T', ' '])?;
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let hour: i64 = time.get(0..2)?.parse().ok()?;
    let minute: i64 = time.get(3..5)?.parse().ok()?;
    // The zone: `Z`, or `±HH:MM` after the seconds and their fraction.
    let offset = match time.rfind(['+', '-']) {
        Some(at) if at >= 5 => {
            let zone = &time[at + 1..];
            let hours: i64 = zone.get(0..2)?.parse().ok()?;
            let minutes: i64 = zone.get(3..5).map_or(Some(0), |m| m.parse().ok())?;
            let sign = if time.as_bytes()[at] == b'-' { -1 } else { 1 };
            sign * (hours * 60 + minutes)
        }
        _ => 0,
    };
    Some(days_from_civil(year, month, day) * 1440 + hour * 60 + minute - offset)
}

/// The day (from 1970-01-01) a timestamp falls on in a time zone `utc_offset_min` ahead of
/// UTC.
pub fn local_day(timestamp: &str, utc_offset_min: i32) -> Option<i64> {
    Some((utc_minutes(timestamp)? + i64::from(utc_offset_min)).div_euclid(1440))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_dates_agree_both_ways() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(day_text(days_from_civil(2024, 2, 29)), "2024-02-29");
        assert_eq!(day_text(days_from_civil(2026, 12, 31) + 1), "2027-01-01");
    }

    #[test]
    fn krea_timestamps_fall_on_the_persons_day() {
        let dec3 = days_from_civil(2026, 12, 3);
        assert_eq!(local_day("2026-12-03T23:30:00.000Z", 0), Some(dec3));
        // Half past midnight in Rome (UTC+1) is already the next day.
        assert_eq!(local_day("2026-12-03T23:30:00Z", 60), Some(dec3 + 1));
        // And still the day before in New York (UTC-5).
        assert_eq!(local_day("2026-12-04T03:00:00Z", -300), Some(dec3));
        assert_eq!(local_day("2026-12-04T01:00:00+02:00", 0), Some(dec3));
        assert_eq!(local_day("2026-12-03T20:00:00-05:00", 0), Some(dec3 + 1));
        assert_eq!(local_day("not a time", 0), None);
        assert_eq!(local_day("2026-13-01T00:00:00Z", 0), None);
    }
}
