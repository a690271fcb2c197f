//! What the history cost, seen over time: per day and per model over the last days, this
//! month's total, and how it stands against a personal monthly budget. The budget only
//! warns; the proxy's budgets are the ones that refuse.

use super::calendar::{civil_from_days, local_day};
use super::pricing::job_price;
use super::JobEntry;
use krea_api::{Models, Price};

/// The days the chart shows, today included.
pub const CHART_DAYS: usize = 30;

/// One model's part of a day, or of the whole period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelSpend {
    pub model_id: String,
    pub usd: f64,
    pub compute_units: f64,
    pub jobs: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DaySpend {
    /// Counted from 1970-01-01, in the person's time zone.
    pub day: i64,
    pub usd: f64,
    pub compute_units: f64,
    /// Biggest first.
    pub models: Vec<ModelSpend>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpendReport {
    /// Oldest first, every day present (a day with nothing billed has zeros).
    pub days: Vec<DaySpend>,
    /// Over all the days, biggest first (USD, then compute units).
    pub models: Vec<ModelSpend>,
    /// Billed since the first of this calendar month.
    pub month_usd: f64,
}

impl SpendReport {
    /// The highest day in USD, for the chart's scale.
    pub fn peak_usd(&self) -> f64 {
        self.days.iter().map(|d| d.usd).fold(0.0, f64::max)
    }

    pub fn total_usd(&self) -> f64 {
        self.days.iter().map(|d| d.usd).sum()
    }

    pub fn total_compute_units(&self) -> f64 {
        self.days.iter().map(|d| d.compute_units).sum()
    }
}

fn add(models: &mut Vec<ModelSpend>, model_id: &str, price: Price) {
    let at = match models.iter().position(|m| m.model_id == model_id) {
        Some(at) => at,
        None => {
            models.push(ModelSpend {
                model_id: model_id.to_owned(),
                ..ModelSpend::default()
            });
            models.len() - 1
        }
    };
    let spend = &mut models[at];
    spend.jobs += 1;
    match price {
        Price::Usd(usd) => spend.usd += usd,
        Price::ComputeUnits(units) => spend.compute_units += units,
        Price::Unstated => {}
    }
}

fn biggest_first(models: &mut [ModelSpend]) {
    models.sort_by(|a, b| {
        b.usd
            .total_cmp(&a.usd)
            .then(b.compute_units.total_cmp(&a.compute_units))
            .then_with(|| a.model_id.cmp(&b.model_id))
    });
}

/// The last `days` days up to `today` (both counted from 1970-01-01 in a time zone
/// `utc_offset_min` ahead of UTC). A job counts on the day it finished (else the day it was
/// made); only billed jobs count, as in the header's total.
pub fn report(
    entries: &[JobEntry],
    models: &Models,
    today: i64,
    utc_offset_min: i32,
    days: usize,
) -> SpendReport {
    let first = today - days as i64 + 1;
    let (year, month, _) = civil_from_days(today);
    let month_start = super::calendar::days_from_civil(year, month, 1);
    let mut report = SpendReport {
        days: (first..=today)
            .map(|day| DaySpend {
                day,
                ..DaySpend::default()
            })
            .collect(),
        ..SpendReport::default()
    };
    for entry in entries.iter().filter(|e| e.job.status.is_billed()) {
        let when = entry
            .job
            .completed_at
            .as_deref()
            .unwrap_or(&entry.job.created_at);
        let Some(day) = local_day(when, utc_offset_min) else {
            continue;
        };
        let price = job_price(models, &entry.model_id, &entry.request);
        if (month_start..=today).contains(&day) {
            if let Price::Usd(usd) = price {
                report.month_usd += usd;
            }
        }
        if !(first..=today).contains(&day) {
            continue;
        }
        let slot = &mut report.days[(day - first) as usize];
        match price {
            Price::Usd(usd) => slot.usd += usd,
            Price::ComputeUnits(units) => slot.compute_units += units,
            Price::Unstated => {}
        }
        add(&mut slot.models, &entry.model_id, price);
        add(&mut report.models, &entry.model_id, price);
    }
    report
        .days
        .iter_mut()
        .for_each(|d| biggest_first(&mut d.models));
    biggest_first(&mut report.models);
    report
}

/// Billed since the first of `today`'s month, in USD (the budget's measure).
pub fn month_usd(entries: &[JobEntry], models: &Models, today: i64, utc_offset_min: i32) -> f64 {
    report(entries, models, today, utc_offset_min, 0).month_usd
}

/// Where this month's spending stands against the person's budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BudgetLevel {
    /// No budget set, or under 80 % of it.
    Fine,
    /// 80 % or more: a warning.
    Near { percent: u32 },
    /// 100 % or more: a stronger one. Nothing is refused.
    Reached { percent: u32 },
}

pub fn budget_level(month_usd: f64, budget_usd: Option<f64>) -> BudgetLevel {
    let Some(budget) = budget_usd.filter(|b| *b > 0.0) else {
        return BudgetLevel::Fine;
    };
    // Sums of prices drift in the last bits (0.015 + 0.03 + 0.015 is not quite 0.06):
    // compare in millionths of a dollar.
    let share = (month_usd * 1e6).round() / (budget * 1e6).round();
    let percent = (share * 100.0 + 1e-9).floor() as u32;
    if share >= 1.0 {
        BudgetLevel::Reached { percent }
    } else if share >= 0.8 {
        BudgetLevel::Near { percent }
    } else {
        BudgetLevel::Fine
    }
}

/// A budget that is not an amount of dollars above 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a budget is an amount in USD above 0")]
pub struct NotABudget;

/// Checks a monthly budget typed by the person: empty for none, else dollars above 0.
pub fn parse_budget(input: &str) -> Result<Option<f64>, NotABudget> {
    let input = input.trim().trim_start_matches('$').trim();
    if input.is_empty() {
        return Ok(None);
    }
    match input.replace(',', ".").parse::<f64>() {
        Ok(usd) if usd > 0.0 && usd <= 1_000_000.0 => Ok(Some((usd * 100.0).round() / 100.0)),
        _ => Err(NotABudget),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::calendar::days_from_civil;
    use krea_api::catalogue::MODELS;
    use serde_json::json;

    fn entry(model: &str, status: &str, completed: &str) -> JobEntry {
        JobEntry::new(
            serde_json::from_value(json!({
                "job_id": completed, "status": status,
                "created_at": "2026-11-01T00:00:00Z", "completed_at": completed
            }))
            .unwrap(),
            model.into(),
            json!({"prompt": "p"}).as_object().unwrap().clone(),
        )
    }

    fn usd(models: &Models, model: &str) -> f64 {
        match job_price(models, model, &Default::default()) {
            Price::Usd(usd) => usd,
            other => panic!("{model} is not priced in USD: {other:?}"),
        }
    }

    #[test]
    fn days_and_models_add_up_and_failures_are_free() {
        let models = Models::default();
        let usd_model = MODELS
            .iter()
            .find(|m| matches!(m.price, Price::Usd(_)))
            .unwrap()
            .id;
        let cu_model = MODELS
            .iter()
            .find(|m| matches!(m.price, Price::ComputeUnits(_)))
            .unwrap()
            .id;
        let today = days_from_civil(2026, 12, 3);
        let entries = vec![
            entry(usd_model, "completed", "2026-12-03T10:00:00Z"),
            entry(usd_model, "completed", "2026-12-03T11:00:00Z"),
            entry(cu_model, "completed", "2026-12-02T11:00:00Z"),
            entry(usd_model, "failed", "2026-12-03T12:00:00Z"),
            // Before the 30 days: in neither the chart nor this month.
            entry(usd_model, "completed", "2026-10-01T12:00:00Z"),
            // Last month, inside the 30 days.
            entry(usd_model, "completed", "2026-11-20T12:00:00Z"),
        ];
        let report = report(&entries, &models, today, 0, CHART_DAYS);
        assert_eq!(report.days.len(), CHART_DAYS);
        assert_eq!(report.days.last().unwrap().day, today);
        let price = usd(&models, usd_model);
        let last = report.days.last().unwrap();
        assert!((last.usd - 2.0 * price).abs() < 1e-9);
        assert_eq!(last.models.len(), 1);
        assert_eq!(last.models[0].jobs, 2);
        let yesterday = &report.days[CHART_DAYS - 2];
        assert_eq!(yesterday.usd, 0.0);
        assert!(yesterday.compute_units > 0.0);
        assert!((report.total_usd() - 3.0 * price).abs() < 1e-9);
        assert!((report.month_usd - 2.0 * price).abs() < 1e-9);
        assert_eq!(report.models[0].model_id, usd_model);
        assert_eq!(report.models[0].jobs, 3);
        assert_eq!(report.models[1].model_id, cu_model);
        assert!((report.peak_usd() - 2.0 * price).abs() < 1e-9);
    }

    #[test]
    fn a_job_counts_on_the_persons_day() {
        let models = Models::default();
        let model = MODELS[0].id;
        let today = days_from_civil(2026, 12, 4);
        // 23:30 UTC on the 3rd is the 4th in Rome.
        let entries = vec![entry(model, "completed", "2026-12-03T23:30:00Z")];
        let rome = report(&entries, &models, today, 60, 2);
        assert_eq!(rome.days[1].models.len(), 1);
        let london = report(&entries, &models, today, 0, 2);
        assert_eq!(london.days[0].models.len(), 1);
    }

    #[test]
    fn the_budget_warns_at_80_and_100_percent() {
        assert_eq!(budget_level(7.99, Some(10.0)), BudgetLevel::Fine);
        assert_eq!(
            budget_level(8.0, Some(10.0)),
            BudgetLevel::Near { percent: 80 }
        );
        assert_eq!(
            budget_level(10.4, Some(10.0)),
            BudgetLevel::Reached { percent: 104 }
        );
        assert_eq!(budget_level(50.0, None), BudgetLevel::Fine);
        assert_eq!(
            budget_level(0.015 + 0.03 + 0.015, Some(0.05)),
            BudgetLevel::Reached { percent: 120 }
        );
        assert_eq!(
            budget_level(0.015 + 0.03, Some(0.05)),
            BudgetLevel::Near { percent: 90 }
        );
    }

    #[test]
    fn budgets_are_dollars_above_zero_or_nothing() {
        assert_eq!(parse_budget(""), Ok(None));
        assert_eq!(parse_budget(" $25 "), Ok(Some(25.0)));
        assert_eq!(parse_budget("12,5"), Ok(Some(12.5)));
        assert_eq!(parse_budget("0"), Err(NotABudget));
        assert_eq!(parse_budget("-3"), Err(NotABudget));
        assert_eq!(parse_budget("ten"), Err(NotABudget));
    }
}
