//! What a job costs, from Krea's published figures: USD where Krea states a price, compute
//! units otherwise. Failed and cancelled jobs are free.

use super::JobEntry;
use crate::i18n::{fill, Formatter, Texts};
use krea_api::{catalogue, Price};
use serde_json::{Map, Value};

/// The price of one generation with this body.
pub fn job_price(model_id: &str, body: &Map<String, Value>) -> Price {
    let Some(model) = catalogue::find(model_id) else {
        return Price::Unstated;
    };
    let text = |key: &str| body.get(key).and_then(Value::as_str);
    let has_items = |key: &str| {
        body.get(key)
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    };
    match (model.id, model.price) {
        // Krea 2's published tiers: text only, with style references, with a moodboard
        // (which wins over style references; the two do not add up).
        (id, _) if id.starts_with("krea/krea-2/") => {
            let tiers = match id {
                "krea/krea-2/large" => [0.06, 0.065, 0.07],
                "krea/krea-2/medium-turbo" => [0.015, 0.0175, 0.02],
                _ => [0.03, 0.035, 0.04],
            };
            let tier = if has_items("moodboards") {
                2
            } else if has_items("image_style_references") {
                1
            } else {
                0
            };
            Price::Usd(tiers[tier])
        }
        ("google/nano-banana-pro", _) if text("resolution") == Some("4K") => Price::Usd(0.30),
        ("google/nano-banana-2", _) => match text("resolution") {
            Some("2K") => Price::ComputeUnits(57.8),
            Some("4K") => Price::ComputeUnits(86.5),
            _ => Price::ComputeUnits(34.4),
        },
        ("ideogram/ideogram-3", _) if has_items("character_reference_images") => {
            Price::ComputeUnits(85.9)
        }
        // Krea's table: by mode, and by how many reference images (0 to 9) go with it.
        ("luma/uni-1", _) => {
            const STANDARD: [f64; 10] =
                [23.1, 24.9, 26.6, 28.3, 30.0, 31.7, 33.4, 35.2, 36.9, 38.6];
            const MAX: [f64; 10] = [57.3, 59.0, 60.7, 62.4, 64.1, 65.9, 67.6, 69.3, 71.0, 72.7];
            let references = body
                .get("style_images")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
                .min(9);
            let table = if text("mode") == Some("max") {
                MAX
            } else {
                STANDARD
            };
            Price::ComputeUnits(table[references])
        }
        (_, price) => price,
    }
}

/// Money and compute units spent on finished jobs.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Spent {
    pub usd: f64,
    pub compute_units: f64,
}

impl Spent {
    pub fn of(entries: &[JobEntry]) -> Spent {
        entries
            .iter()
            .filter(|entry| entry.job.status.is_billed())
            .fold(Spent::default(), |mut spent, entry| {
                match job_price(&entry.model_id, &entry.request) {
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
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn luma_is_priced_by_mode_and_reference_count_as_krea_tabulates() {
        let luma = |value: Value| job_price("luma/uni-1", &body(value));
        let refs = |n: usize| json!(vec![json!({"url": "https://x/r.png", "strength": 1}); n]);
        assert_eq!(luma(json!({})), Price::ComputeUnits(23.1));
        assert_eq!(
            luma(json!({"style_images": refs(3)})),
            Price::ComputeUnits(28.3)
        );
        assert_eq!(luma(json!({"mode": "max"})), Price::ComputeUnits(57.3));
        assert_eq!(
            luma(json!({"mode": "max", "style_images": refs(9)})),
            Price::ComputeUnits(72.7)
        );
    }

    #[test]
    fn prices_follow_the_request() {
        let krea = |extra: Value| job_price("krea/krea-2/medium", &body(extra));
        assert_eq!(krea(json!({})), Price::Usd(0.03));
        let with_style = krea(json!({"image_style_references": [{"url": "https://x"}]}));
        assert!(matches!(with_style, Price::Usd(p) if (p - 0.035).abs() < 1e-9));
        let with_both = krea(json!({"image_style_references": [{}], "moodboards": [{}]}));
        assert!(matches!(with_both, Price::Usd(p) if (p - 0.04).abs() < 1e-9));
        let large = job_price("krea/krea-2/large", &body(json!({"moodboards": [{}]})));
        assert!(matches!(large, Price::Usd(p) if (p - 0.07).abs() < 1e-9));
        assert_eq!(
            job_price("google/nano-banana-pro", &body(json!({"resolution": "4K"}))),
            Price::Usd(0.30)
        );
        assert_eq!(
            job_price("google/nano-banana-2", &body(json!({"resolution": "2K"}))),
            Price::ComputeUnits(57.8)
        );
        assert_eq!(
            job_price("bfl/flux-1-dev", &body(json!({}))),
            Price::ComputeUnits(3.0)
        );
        assert_eq!(
            job_price("nobody/nothing", &body(json!({}))),
            Price::Unstated
        );
    }

    #[test]
    fn only_completed_jobs_are_counted() {
        let entry = |model: &str, status: &str| JobEntry {
            job: serde_json::from_value(
                json!({"job_id": status, "status": status, "created_at": "t"}),
            )
            .unwrap(),
            model_id: model.into(),
            request: body(json!({"prompt": "p"})),
            notice: None,
            lost: None,
        };
        let entries = [
            entry("krea/krea-2/medium", "completed"),
            entry("krea/krea-2/medium", "failed"),
            entry("krea/krea-2/medium", "cancelled"),
            entry("bfl/flux-1-dev", "completed"),
            entry("bfl/flux-1-dev", "processing"),
        ];
        let spent = Spent::of(&entries);
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
