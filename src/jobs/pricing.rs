//! What a job costs, from Krea's published figures: USD where Krea states a price, compute
//! units otherwise. Failed and cancelled jobs are free.

use super::JobEntry;
use crate::i18n::{fill, Formatter, Texts};
pub use krea_api::pricing::job_price;
use krea_api::{Models, Price};

/// Money and compute units spent on finished jobs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spent {
    pub usd: f64,
    pub compute_units: f64,
}

impl Spent {
    pub fn of(models: &Models, entries: &[JobEntry]) -> Spent {
        entries
            .iter()
            .filter(|entry| entry.job.status.is_billed())
            .fold(Spent::default(), |mut spent, entry| {
                match job_price(models, &entry.model_id, &entry.request) {
                    Price::Usd(usd) => spent.usd += usd,
                    Price::ComputeUnits(units) => spent.compute_units += units,
                    Price::Unstated => {}
                }
                spent
            })
    }

    /// `$0.18 + 45.2 compute units`, `$0.00` when nothing was spent.
    pub fn label(&self, t: &Texts, f: &dyn Formatter) -> String {
        let usd = f.usd(self.usd);
        let units = fill(
            t.compute_units,
            &[("n", &f.number((self.compute_units * 10.0).round() / 10.0))],
        );
        match (self.usd > 0.0, self.compute_units > 0.0) {
            (_, false) => usd,
            (false, true) => units,
            (true, true) => fill(t.and, &[("a", &usd), ("b", &units)]),
        }
    }
}

/// `$0.03 per image`, `3 compute units`, in the person's language.
pub fn price_text(price: Price, t: &Texts, f: &dyn Formatter) -> String {
    match price {
        Price::Usd(usd) => fill(t.usd_per_image, &[("price", &f.usd(usd))]),
        Price::ComputeUnits(units) => fill(t.compute_units, &[("n", &f.number(units))]),
        Price::Unstated => t.price_unstated.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Plain, EN};
    use serde_json::{json, Map, Value};

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn only_completed_jobs_are_counted() {
        let entry = |model: &str, status: &str| {
            JobEntry::new(
                serde_json::from_value(
                    json!({"job_id": status, "status": status, "created_at": "t"}),
                )
                .unwrap(),
                model.into(),
                body(json!({"prompt": "p"})),
            )
        };
        let entries = [
            entry("krea/krea-2/medium", "completed"),
            entry("krea/krea-2/medium", "failed"),
            entry("krea/krea-2/medium", "cancelled"),
            entry("bfl/flux-1-dev", "completed"),
            entry("bfl/flux-1-dev", "processing"),
        ];
        let spent = Spent::of(&Models::default(), &entries);
        assert!((spent.usd - 0.03).abs() < 1e-9);
        assert_eq!(spent.compute_units, 3.0);
        assert_eq!(spent.label(&EN, &Plain), "$0.03 + 3 compute units");
        assert_eq!(Spent::default().label(&EN, &Plain), "$0.00");
        assert_eq!(
            price_text(Price::Usd(0.035), &EN, &Plain),
            "$0.035 per image"
        );
        assert_eq!(
            price_text(Price::ComputeUnits(22.9), &crate::i18n::IT, &Plain),
            "22.9 unità di calcolo"
        );
    }
}
