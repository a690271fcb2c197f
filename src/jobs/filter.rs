//! Which jobs the grid shows: by status, model, words in the prompt, star, board, seed, day
//! and price, all at once.

use super::calendar::{civil_from_days, days_from_civil};
use super::JobEntry;
use krea_api::pricing::job_price;
use krea_api::{JobStatus, Models, Price};
use serde_json::Value;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    All,
    InFlight,
    Completed,
    Failed,
    Cancelled,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 5] = [
        StatusFilter::All,
        StatusFilter::InFlight,
        StatusFilter::Completed,
        StatusFilter::Failed,
        StatusFilter::Cancelled,
    ];

    /// The value a `<select>` carries.
    pub fn key(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::InFlight => "in-flight",
            StatusFilter::Completed => "completed",
            StatusFilter::Failed => "failed",
            StatusFilter::Cancelled => "cancelled",
        }
    }

    pub fn from_key(key: &str) -> StatusFilter {
        StatusFilter::ALL
            .into_iter()
            .find(|filter| filter.key() == key)
            .unwrap_or_default()
    }

    fn admits(self, entry: &JobEntry) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::InFlight => !entry.is_settled(),
            StatusFilter::Completed => entry.job.status == JobStatus::Completed,
            StatusFilter::Failed => entry.job.status == JobStatus::Failed,
            StatusFilter::Cancelled => entry.job.status == JobStatus::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JobFilter {
    pub status: StatusFilter,
    /// A model id; empty for every model.
    pub model: String,
    /// Words that must all appear in the prompt, in any case and order.
    pub search: String,
    /// Starred jobs only.
    pub starred: bool,
    /// A board's name; empty for every job.
    pub board: String,
    /// The seed the job was made with, as typed; empty for any.
    pub seed: String,
    /// The first and last day (`YYYY-MM-DD`, in the person's time zone), each empty for open.
    pub from_day: String,
    pub to_day: String,
    /// The person's time zone when the days were picked: minutes ahead of UTC.
    pub utc_offset_min: i32,
    /// The lowest and highest price per image in USD, as typed; empty for open. A job priced
    /// in compute units has no USD price and is left out while either is set.
    pub min_usd: String,
    pub max_usd: String,
}

impl JobFilter {
    /// Whether one job passes. For many jobs, [`JobFilter::matcher`] once and ask it.
    pub fn matches(&self, entry: &JobEntry, models: &Models) -> bool {
        self.matcher().matches(entry, models)
    }

    /// The filter made ready to ask of thousands of jobs: words lowercased, days and prices
    /// read, once.
    pub fn matcher(&self) -> Matcher<'_> {
        let usd = |typed: &str| typed.trim().parse::<f64>().ok().filter(|v| v.is_finite());
        Matcher {
            filter: self,
            words: self
                .search
                .to_lowercase()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            seed: self.seed.trim().to_owned(),
            after: day_start_utc(&self.from_day, 0, self.utc_offset_min),
            before: day_start_utc(&self.to_day, 1, self.utc_offset_min),
            min_usd: usd(&self.min_usd),
            max_usd: usd(&self.max_usd),
        }
    }

    pub fn is_active(&self) -> bool {
        // The time zone alone narrows nothing.
        JobFilter {
            utc_offset_min: 0,
            ..self.clone()
        } != JobFilter::default()
    }
}

/// A [`JobFilter`] ready to be asked of every job of a history.
pub struct Matcher<'a> {
    filter: &'a JobFilter,
    words: Vec<String>,
    seed: String,
    /// Creation times (UTC, as Krea writes them) from `after` and before `before`.
    after: Option<String>,
    before: Option<String>,
    min_usd: Option<f64>,
    max_usd: Option<f64>,
}

impl Matcher<'_> {
    pub fn matches(&self, entry: &JobEntry, models: &Models) -> bool {
        let filter = self.filter;
        // The cheap questions first: the grid asks this of every job in the history.
        filter.status.admits(entry)
            && (!filter.starred || entry.starred)
            && (filter.board.is_empty() || entry.boards.contains(&filter.board))
            && (filter.model.is_empty() || entry.model_id == filter.model)
            && (self.seed.is_empty() || seed_text(entry).as_deref() == Some(self.seed.as_str()))
            && self
                .after
                .as_ref()
                .is_none_or(|after| entry.job.created_at.as_str() >= after.as_str())
            && self
                .before
                .as_ref()
                .is_none_or(|before| entry.job.created_at.as_str() < before.as_str())
            && self.admits_price(entry, models)
            && (self.words.is_empty() || {
                let prompt = entry.prompt().to_lowercase();
                self.words.iter().all(|word| prompt.contains(word.as_str()))
            })
    }

    fn admits_price(&self, entry: &JobEntry, models: &Models) -> bool {
        if self.min_usd.is_none() && self.max_usd.is_none() {
            return true;
        }
        // What the job costs (as its card says): nothing when it failed or was cancelled.
        let usd = match entry.job.status {
            JobStatus::Failed | JobStatus::Cancelled => 0.0,
            _ => match job_price(models, &entry.model_id, &entry.request) {
                Price::Usd(usd) => usd,
                Price::ComputeUnits(_) | Price::Unstated => return false,
            },
        };
        // A cent's rounding: "0.03" typed means the $0.03 Krea lists, whatever its float.
        const CENT_ROUNDING: f64 = 1e-9;
        self.min_usd.is_none_or(|min| usd >= min - CENT_ROUNDING)
            && self.max_usd.is_none_or(|max| usd <= max + CENT_ROUNDING)
    }
}

/// The job's seed as a person types it.
fn seed_text(entry: &JobEntry) -> Option<String> {
    match entry.request.get("seed")? {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The UTC time (`YYYY-MM-DDTHH:MM`, comparable with Krea's timestamps as text) at which the
/// day `days_later` after `day` begins in a time zone `utc_offset_min` ahead of UTC; `None`
/// for an empty or unreadable day.
fn day_start_utc(day: &str, days_later: i64, utc_offset_min: i32) -> Option<String> {
    let mut parts = day.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let date: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&date) {
        return None;
    }
    let minutes =
        (days_from_civil(year, month, date) + days_later) * 1440 - i64::from(utc_offset_min);
    let (days, minute_of_day) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let (year, month, date) = civil_from_days(days);
    Some(format!(
        "{year:04}-{month:02}-{date:02}T{:02}:{:02}",
        minute_of_day / 60,
        minute_of_day % 60
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(model: &str, status: &str, prompt: &str) -> JobEntry {
        serde_json::from_value(json!({
            "job": {"job_id": prompt, "status": status, "created_at": "2026-11-22T10:00:00Z"},
            "model_id": model,
            "request": {"prompt": prompt},
        }))
        .unwrap()
    }

    fn shown<'a>(jobs: &'a [JobEntry], filter: &JobFilter) -> Vec<&'a str> {
        let matcher = filter.matcher();
        let models = Models::default();
        jobs.iter()
            .filter(|e| matcher.matches(e, &models))
            .map(JobEntry::prompt)
            .collect()
    }

    #[test]
    fn status_model_and_words_narrow_the_grid_together() {
        let jobs = [
            entry("bfl/flux-1-dev", "completed", "A Red Fox in snow"),
            entry("bfl/flux-1-dev", "processing", "a red barn"),
            entry("krea/krea-2/medium", "failed", "fox portrait"),
            entry("krea/krea-2/medium", "cancelled", "blue sea"),
        ];
        assert_eq!(shown(&jobs, &JobFilter::default()).len(), 4);
        assert!(!JobFilter::default().is_active());
        let mut filter = JobFilter {
            search: "fox".into(),
            ..JobFilter::default()
        };
        assert_eq!(shown(&jobs, &filter), ["A Red Fox in snow", "fox portrait"]);
        filter.search = "red FOX".into();
        assert_eq!(shown(&jobs, &filter), ["A Red Fox in snow"]);
        filter.search.clear();
        filter.status = StatusFilter::InFlight;
        assert_eq!(shown(&jobs, &filter), ["a red barn"]);
        filter.status = StatusFilter::from_key("failed");
        filter.model = "krea/krea-2/medium".into();
        assert_eq!(shown(&jobs, &filter), ["fox portrait"]);
        assert!(filter.is_active());
        assert_eq!(StatusFilter::from_key("nonsense"), StatusFilter::All);
        let zone_only = JobFilter {
            utc_offset_min: 60,
            ..JobFilter::default()
        };
        assert!(!zone_only.is_active(), "a time zone alone filters nothing");
    }

    #[test]
    fn a_day_begins_at_local_midnight_in_utc() {
        assert_eq!(
            day_start_utc("2026-11-22", 0, 0).as_deref(),
            Some("2026-11-22T00:00")
        );
        // Rome in winter is UTC+1: its 22 November begins at 23:00 UTC the day before.
        assert_eq!(
            day_start_utc("2026-11-22", 0, 60).as_deref(),
            Some("2026-11-21T23:00")
        );
        // New York (UTC−5): the day after 31 December 2026 begins at 05:00 UTC on 1 January.
        assert_eq!(
            day_start_utc("2026-12-31", 1, -300).as_deref(),
            Some("2027-01-01T05:00")
        );
        assert_eq!(
            day_start_utc("2028-02-28", 1, 0).as_deref(),
            Some("2028-02-29T00:00")
        );
        assert_eq!(
            day_start_utc("2027-02-28", 1, 0).as_deref(),
            Some("2027-03-01T00:00")
        );
        assert_eq!(day_start_utc("", 0, 0), None);
        assert_eq!(day_start_utc("2026-13-01", 0, 0), None);
        assert_eq!(day_start_utc("yesterday", 0, 0), None);
        for days in [-800_000, -1, 0, 1, 20_424, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    /// A month of daily use, ten times over: 10,000 jobs with stars, boards, seeds, days,
    /// models and statuses spread so every combination below has a known answer.
    fn history() -> Vec<JobEntry> {
        let models = ["krea/krea-2/medium", "krea/krea-2/large", "bfl/flux-1-dev"];
        let statuses = ["completed", "completed", "failed", "processing"];
        (0..10_000)
            .map(|n| {
                let day = 1 + n % 30;
                let mut entry: JobEntry = serde_json::from_value(json!({
                    "job": {
                        "job_id": format!("job-{n}"),
                        "status": statuses[n % 4],
                        "created_at": format!("2026-11-{day:02}T{:02}:30:00Z", n % 24),
                    },
                    "model_id": models[n % 3],
                    "request": {
                        "prompt": if n % 5 == 0 { format!("a red fox {n}") } else { format!("a blue sea {n}") },
                        "seed": n % 100,
                    },
                }))
                .unwrap();
                entry.starred = n % 7 == 0;
                if n % 2 == 0 {
                    entry.boards.insert("Even".into());
                }
                if n % 11 == 0 {
                    entry.boards.insert("Client X".into());
                }
                entry
            })
            .collect()
    }

    #[test]
    fn every_filter_combines_with_every_other_over_ten_thousand_jobs() {
        let jobs = history();
        let models = Models::default();
        let count = |filter: &JobFilter| {
            let matcher = filter.matcher();
            jobs.iter().filter(|e| matcher.matches(e, &models)).count()
        };
        let expected = |keep: &dyn Fn(usize) -> bool| (0..10_000).filter(|&n| keep(n)).count();
        let favourites = JobFilter {
            starred: true,
            ..JobFilter::default()
        };
        assert_eq!(count(&favourites), expected(&|n| n % 7 == 0));
        let on_board = JobFilter {
            board: "Client X".into(),
            ..favourites.clone()
        };
        assert_eq!(count(&on_board), expected(&|n| n % 77 == 0));
        let searched = JobFilter {
            search: "RED fox".into(),
            ..on_board.clone()
        };
        assert_eq!(count(&searched), expected(&|n| n % 385 == 0));
        let seeded = JobFilter {
            seed: " 0 ".into(),
            board: "Even".into(),
            ..favourites.clone()
        };
        assert_eq!(count(&seeded), expected(&|n| n % 700 == 0));
        // 10 to 12 November in UTC, then as seen from UTC+2: two hours earlier at each end.
        let days = JobFilter {
            from_day: "2026-11-10".into(),
            to_day: "2026-11-12".into(),
            ..JobFilter::default()
        };
        assert_eq!(
            count(&days),
            expected(&|n| (10..=12).contains(&(1 + n % 30)))
        );
        let east = JobFilter {
            utc_offset_min: 120,
            ..days.clone()
        };
        assert_eq!(
            count(&east),
            expected(&|n| {
                let (day, hour) = (1 + n % 30, n % 24);
                (day == 9 && hour >= 22) || (10..=11).contains(&day) || (day == 12 && hour < 22)
            })
        );
        // Krea 2 at $0.03 and its Large at $0.06 per image; failed jobs cost nothing; Flux is
        // priced in compute units and has no USD price unless it failed.
        let cheap = JobFilter {
            max_usd: "0.03".into(),
            ..JobFilter::default()
        };
        assert_eq!(count(&cheap), expected(&|n| n % 3 == 0 || n % 4 == 2));
        let dear = JobFilter {
            min_usd: "0.05".into(),
            max_usd: "1".into(),
            status: StatusFilter::Completed,
            ..JobFilter::default()
        };
        assert_eq!(count(&dear), expected(&|n| n % 3 == 1 && n % 4 < 2));
        let everything = JobFilter {
            status: StatusFilter::Completed,
            model: "krea/krea-2/medium".into(),
            search: "fox".into(),
            starred: true,
            board: "Even".into(),
            from_day: "2026-11-01".into(),
            to_day: "2026-11-30".into(),
            max_usd: "0.03".into(),
            ..JobFilter::default()
        };
        assert_eq!(
            count(&everything),
            expected(&|n| n % 3 == 0 && n % 4 < 2 && n % 5 == 0 && n % 7 == 0 && n % 2 == 0)
        );
        let unreadable_price = JobFilter {
            max_usd: "cheap".into(),
            ..JobFilter::default()
        };
        assert_eq!(
            count(&unreadable_price),
            10_000,
            "an unreadable bound is no bound"
        );
    }
}
