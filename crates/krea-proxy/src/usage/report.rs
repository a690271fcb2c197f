//! `GET /usage` in words a person and a spreadsheet read: each scope's spend, jobs, images,
//! failures, uploads and refusals today and this month, by model, with what is left of its
//! budgets. No I/O: the tallies and limits come in, JSON goes out.

use super::book::{split_field, Counts, Measure, UPLOADS};
use super::counter::{PROXY, VISITORS};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A scope's budgets in millionths of a dollar: per UTC day and per month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub day: Option<u64>,
    pub month: Option<u64>,
}

/// What kind of spender a scope is, and its name in words.
pub fn kind_and_name(scope: &str) -> (&'static str, &str) {
    if scope == PROXY {
        ("proxy", "everyone")
    } else if scope == VISITORS {
        ("visitors", "visitors without a site")
    } else if let Some(name) = scope.strip_prefix("key:") {
        ("key", name)
    } else if let Some(origin) = scope.strip_prefix("site:") {
        ("site", origin)
    } else if scope.starts_with("session:") {
        ("session", "this session")
    } else {
        ("other", scope)
    }
}

fn usd(micros: i64) -> f64 {
    micros.max(0) as f64 / 1_000_000.0
}

/// One period's tally: totals, each model's share, and what is left of `limit`.
pub fn period(counts: &Counts, limit: Option<u64>) -> Value {
    let mut models: BTreeMap<&str, BTreeMap<&'static str, i64>> = BTreeMap::new();
    let mut total: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut uploads = 0;
    for (field, &count) in counts {
        let Some((model, measure)) = split_field(field) else {
            continue;
        };
        *total.entry(measure.name()).or_default() += count;
        if model == UPLOADS {
            if measure == Measure::Jobs {
                uploads += count;
            }
        } else if !model.is_empty() {
            *models
                .entry(model)
                .or_default()
                .entry(measure.name())
                .or_default() += count;
        }
    }
    let get =
        |m: &BTreeMap<&str, i64>, measure: Measure| m.get(measure.name()).copied().unwrap_or(0);
    let spent = get(&total, Measure::Spent);
    let by_model: Vec<Value> = models
        .iter()
        .map(|(model, m)| {
            json!({
                "model": model,
                "spent_usd": usd(get(m, Measure::Spent)),
                "jobs": get(m, Measure::Jobs),
                "images": get(m, Measure::Images),
                "failed": get(m, Measure::Failed),
                "unpriced": get(m, Measure::Unpriced),
            })
        })
        .collect();
    json!({
        "spent_usd": usd(spent),
        "jobs": get(&total, Measure::Jobs) - uploads,
        "images": get(&total, Measure::Images),
        "failed": get(&total, Measure::Failed),
        "unpriced": get(&total, Measure::Unpriced),
        "uploads": uploads,
        "refusals": get(&total, Measure::Refusals),
        "limit_usd": limit.map(|l| usd(l as i64)),
        "left_usd": limit.map(|l| usd(l as i64 - spent)),
        "by_model": by_model,
    })
}

/// One scope's row: who it is, and its day and month.
pub fn row(scope: &str, today: &Counts, month: &Counts, limits: Limits) -> Value {
    let (kind, name) = kind_and_name(scope);
    json!({
        "scope": scope,
        "kind": kind,
        "name": name,
        "today": period(today, limits.day),
        "this_month": period(month, limits.month),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::book::field;

    fn counts(entries: &[(&str, Measure, i64)]) -> Counts {
        entries
            .iter()
            .map(|(model, measure, n)| (field(model, *measure), *n))
            .collect()
    }

    #[test]
    fn a_period_adds_its_models_up_and_says_what_is_left() {
        let tally = counts(&[
            ("krea/krea-2/medium", Measure::Spent, 60_000),
            ("krea/krea-2/medium", Measure::Jobs, 3),
            ("krea/krea-2/medium", Measure::Failed, 1),
            ("krea/krea-2/medium", Measure::Images, 2),
            ("google/nano-banana-pro", Measure::Spent, 150_000),
            ("google/nano-banana-pro", Measure::Jobs, 1),
            ("google/nano-banana-pro", Measure::Images, 1),
            (UPLOADS, Measure::Jobs, 4),
            (UPLOADS, Measure::Spent, 0),
            ("", Measure::Refusals, 2),
        ]);
        let p = period(&tally, Some(5_000_000));
        assert_eq!(p["spent_usd"], 0.21);
        assert_eq!(p["jobs"], 4);
        assert_eq!(p["images"], 3);
        assert_eq!(p["failed"], 1);
        assert_eq!(p["uploads"], 4);
        assert_eq!(p["refusals"], 2);
        assert_eq!(p["left_usd"], 4.79);
        let models = p["by_model"].as_array().unwrap();
        assert_eq!(models.len(), 2, "uploads and refusals are not models");
        assert_eq!(models[1]["model"], "krea/krea-2/medium");
        assert_eq!(models[1]["spent_usd"], 0.06);
        // No budget, nothing said to be left; overspent says none left.
        assert!(period(&tally, None)["left_usd"].is_null());
        assert_eq!(period(&tally, Some(100_000))["left_usd"], 0.0);
    }

    #[test]
    fn scopes_are_named_as_people_read_them() {
        assert_eq!(kind_and_name("key:intern"), ("key", "intern"));
        assert_eq!(
            kind_and_name("site:https://blog.example"),
            ("site", "https://blog.example")
        );
        assert_eq!(kind_and_name("proxy"), ("proxy", "everyone"));
        assert_eq!(kind_and_name("session:abc").0, "session");
    }
}
