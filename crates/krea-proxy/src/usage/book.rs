//! What the usage stores share, with no I/O: the names of the counts, the periods they are
//! kept for, and what each event (a job made, a job ended, a refusal, an upload) adds.

use crate::limits::window::{day_of, month_of, DAY_MS};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One tally's counts by field ([`field`]: model and measure), as a Redis hash holds them.
pub type Counts = BTreeMap<String, i64>;

/// What is counted, per model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Money, in millionths of a dollar: charged when the job is made, given back when it
    /// fails or is cancelled.
    Spent,
    /// Jobs made.
    Jobs,
    /// Of those, the jobs that failed or were cancelled (free at Krea).
    Failed,
    /// Images the finished jobs returned.
    Images,
    /// Requests the limits refused (model left empty).
    Refusals,
    /// Jobs the proxy could not price (no budget asked it to): counted, not charged.
    Unpriced,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::Spent,
        Measure::Jobs,
        Measure::Failed,
        Measure::Images,
        Measure::Refusals,
        Measure::Unpriced,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Measure::Spent => "spent",
            Measure::Jobs => "jobs",
            Measure::Failed => "failed",
            Measure::Images => "images",
            Measure::Refusals => "refusals",
            Measure::Unpriced => "unpriced",
        }
    }
}

/// What uploads are counted under, as if a model: `POST /assets`.
pub const UPLOADS: &str = "upload";

/// A count's field in its tally: `model \x1f measure`.
pub fn field(model: &str, measure: Measure) -> String {
    format!("{model}\u{1f}{}", measure.name())
}

/// A field read back: its model and measure.
pub fn split_field(field: &str) -> Option<(&str, Measure)> {
    let (model, name) = field.rsplit_once('\u{1f}')?;
    let measure = Measure::ALL.into_iter().find(|m| m.name() == name)?;
    Some((model, measure))
}

/// Whether a scope is listed for an admin: keys, sites and the proxy; not each anonymous
/// session (a public proxy may see thousands, and they are counted together too).
pub fn is_listed(scope: &str) -> bool {
    !scope.starts_with("session:")
}

/// The two periods a moment belongs to: its UTC day (`2026-12-05`) and month (`2026-12`),
/// the keys tallies are kept under, and until when each is kept (its period and the next
/// one, in which a job made in it may still end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Periods {
    pub day: String,
    pub month: String,
    pub day_until_ms: u64,
    pub month_until_ms: u64,
}

impl Periods {
    pub fn at(now_ms: u64) -> Periods {
        let date = |ms: u64| {
            time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
                .date()
        };
        let today = date(now_ms);
        let day = format!(
            "{:04}-{:02}-{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        );
        let month = day[..7].to_owned();
        let (_, next_month_ms) = month_of(now_ms);
        Periods {
            day,
            month,
            day_until_ms: (day_of(now_ms) + 2) * DAY_MS,
            month_until_ms: next_month_ms + 32 * DAY_MS,
        }
    }

    fn both(&self) -> [(&str, u64); 2] {
        [
            (self.day.as_str(), self.day_until_ms),
            (self.month.as_str(), self.month_until_ms),
        ]
    }
}

/// One count to add to one tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Add {
    pub period: String,
    pub scope: String,
    pub field: String,
    pub delta: i64,
    /// When the tally may be forgotten.
    pub until_ms: u64,
}

/// What a job was counted as when it was made, kept until it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobNote {
    pub model: String,
    pub micros: u64,
    pub scopes: Vec<String>,
    pub periods: NotedPeriods,
}

/// The periods a job was made in: its end is counted there, even on a later day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotedPeriods {
    pub day: String,
    pub month: String,
    pub day_until_ms: u64,
    pub month_until_ms: u64,
}

impl From<&Periods> for NotedPeriods {
    fn from(p: &Periods) -> Self {
        NotedPeriods {
            day: p.day.clone(),
            month: p.month.clone(),
            day_until_ms: p.day_until_ms,
            month_until_ms: p.month_until_ms,
        }
    }
}

impl From<&NotedPeriods> for Periods {
    fn from(p: &NotedPeriods) -> Self {
        Periods {
            day: p.day.clone(),
            month: p.month.clone(),
            day_until_ms: p.day_until_ms,
            month_until_ms: p.month_until_ms,
        }
    }
}

/// How a job ended, as usage counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Finished with this many images.
    Completed { images: u32 },
    /// Failed or cancelled: free at Krea, so its charge comes back.
    Refunded,
}

/// Each of `counts` for `model`, added to every scope's tally in both periods.
pub fn adds(
    periods: &Periods,
    scopes: &[String],
    model: &str,
    counts: &[(Measure, i64)],
) -> Vec<Add> {
    let mut adds = Vec::new();
    for (period, until_ms) in periods.both() {
        for scope in scopes {
            for &(measure, delta) in counts.iter().filter(|(_, delta)| *delta != 0) {
                adds.push(Add {
                    period: period.to_owned(),
                    scope: scope.clone(),
                    field: field(model, measure),
                    delta,
                    until_ms,
                });
            }
        }
    }
    adds
}

/// What a job made adds: its price and one job (or one job the proxy could not price).
pub fn made(periods: &Periods, scopes: &[String], model: &str, micros: Option<u64>) -> Vec<Add> {
    let price = match micros {
        Some(micros) => (Measure::Spent, micros as i64),
        None => (Measure::Unpriced, 1),
    };
    adds(periods, scopes, model, &[price, (Measure::Jobs, 1)])
}

/// What a job's end adds, where it was made.
pub fn ended(note: &JobNote, ending: Ending) -> Vec<Add> {
    let counts = match ending {
        Ending::Completed { images } => vec![(Measure::Images, i64::from(images))],
        Ending::Refunded => vec![
            (Measure::Spent, -(note.micros as i64)),
            (Measure::Failed, 1),
        ],
    };
    adds(
        &Periods::from(&note.periods),
        &note.scopes,
        &note.model,
        &counts,
    )
}

/// Applies `add` to tallies kept as a map (the memory and file stores).
pub fn apply(counts: &mut Counts, add: &Add) {
    let count = counts.entry(add.field.clone()).or_insert(0);
    *count += add.delta;
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-05T10:00:00Z
    const NOW: u64 = 1_796_464_800_000;

    #[test]
    fn a_moment_belongs_to_its_utc_day_and_month_kept_into_the_next() {
        let p = Periods::at(NOW);
        assert_eq!(
            (p.day.as_str(), p.month.as_str()),
            ("2026-12-05", "2026-12")
        );
        assert!(p.day_until_ms > NOW + DAY_MS && p.day_until_ms <= NOW + 2 * DAY_MS);
        // December's tallies are kept through January (to 2027-01-31).
        assert!(p.month_until_ms > 1_801_353_600_000);
        let new_year = Periods::at(1_798_761_600_000); // 2027-01-01T00:00:00Z
        assert_eq!(new_year.day, "2027-01-01");
        assert_eq!(new_year.month, "2027-01");
    }

    #[test]
    fn a_job_counts_its_price_and_itself_for_every_scope_in_both_periods() {
        let p = Periods::at(NOW);
        let scopes = vec!["key:ana".to_owned(), "proxy".to_owned()];
        let adds = made(&p, &scopes, "krea/krea-2/medium", Some(30_000));
        assert_eq!(adds.len(), 2 * 2 * 2);
        let mut day_ana = Counts::new();
        for add in adds
            .iter()
            .filter(|a| a.period == "2026-12-05" && a.scope == "key:ana")
        {
            apply(&mut day_ana, add);
        }
        assert_eq!(
            day_ana[&field("krea/krea-2/medium", Measure::Spent)],
            30_000
        );
        assert_eq!(day_ana[&field("krea/krea-2/medium", Measure::Jobs)], 1);
    }

    #[test]
    fn an_end_counts_images_or_gives_the_price_back_where_the_job_was_made() {
        let made_at = Periods::at(NOW);
        let note = JobNote {
            model: "m/x".to_owned(),
            micros: 40_000,
            scopes: vec!["key:ana".to_owned()],
            periods: NotedPeriods::from(&made_at),
        };
        let done = ended(&note, Ending::Completed { images: 2 });
        assert!(done
            .iter()
            .all(|a| a.field == field("m/x", Measure::Images) && a.delta == 2));
        assert_eq!(done[0].period, "2026-12-05");
        let refunded = ended(&note, Ending::Refunded);
        assert!(refunded
            .iter()
            .any(|a| a.field == field("m/x", Measure::Spent) && a.delta == -40_000));
        assert!(refunded
            .iter()
            .any(|a| a.field == field("m/x", Measure::Failed) && a.delta == 1));
        // Nothing to add for a job that finished with no image.
        assert!(ended(&note, Ending::Completed { images: 0 }).is_empty());
    }

    #[test]
    fn fields_read_back_and_sessions_are_not_listed() {
        assert_eq!(
            split_field(&field("google/nano-banana", Measure::Failed)),
            Some(("google/nano-banana", Measure::Failed))
        );
        assert_eq!(split_field("nonsense"), None);
        assert!(is_listed("key:ana") && is_listed("site:https://a.example"));
        assert!(!is_listed("session:abc"));
    }
}
