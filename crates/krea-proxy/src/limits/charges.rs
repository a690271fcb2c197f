//! What a job is charged against the daily budget: its price from the catalogue
//! (`krea_api::pricing`, the figures the app shows), in millionths of a dollar. Models Krea
//! prices only in compute units need `--usd-per-compute-unit`; a model the proxy cannot
//! price is refused at start (or, if it appears later, refused when asked for).

use krea_api::pricing::job_price;
use krea_api::{Models, Price, MODELS};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Charges {
    pub usd_per_compute_unit: Option<f64>,
}

impl Charges {
    /// The charge for one generation with this body, or `None` if it cannot be priced.
    pub fn micros(&self, model_id: &str, body: &Map<String, Value>) -> Option<u64> {
        let usd = match job_price(&Models::default(), model_id, body) {
            Price::Usd(usd) => usd,
            Price::ComputeUnits(units) => units * self.usd_per_compute_unit?,
            Price::Unstated => return None,
        };
        Some((usd * 1_000_000.0).round() as u64)
    }

    /// Every model that may be generated (`allowed`, or the whole catalogue when empty) can
    /// be priced, whatever its body: otherwise says which cannot, and what to do.
    pub fn check(&self, allowed: &[String]) -> Result<(), String> {
        // Bodies that reach every price variant the catalogue knows.
        let probes = [
            json!({}),
            json!({"resolution": "2K"}),
            json!({"resolution": "4K"}),
            json!({"mode": "max"}),
            json!({"character_reference_images": [{}]}),
            json!({"style_images": [{}]}),
            json!({"image_style_references": [{}]}),
            json!({"moodboards": [{}]}),
        ];
        let unpriced: Vec<&str> = MODELS
            .iter()
            .map(|model| model.id)
            .filter(|id| allowed.is_empty() || allowed.iter().any(|a| a == id))
            .filter(|id| {
                probes.iter().any(|probe| {
                    let body = probe.as_object().cloned().unwrap_or_default();
                    self.micros(id, &body).is_none()
                })
            })
            .collect();
        if unpriced.is_empty() {
            return Ok(());
        }
        Err(format!(
            "--daily-budget-usd cannot price {}: Krea prices {} in compute units (or not at all). \
             State what a compute unit costs you with --usd-per-compute-unit, or allow only \
             models priced in USD with --allow-model",
            unpriced.join(", "),
            if unpriced.len() == 1 { "it" } else { "them" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn usd_prices_are_charged_as_they_are_and_compute_units_at_the_stated_rate() {
        let plain = Charges {
            usd_per_compute_unit: None,
        };
        assert_eq!(
            plain.micros("krea/krea-2/medium", &body(json!({}))),
            Some(30_000)
        );
        assert_eq!(plain.micros("bfl/flux-1-dev", &body(json!({}))), None);
        let rated = Charges {
            usd_per_compute_unit: Some(0.001),
        };
        assert_eq!(
            rated.micros("bfl/flux-1-dev", &body(json!({}))),
            Some(3_000)
        );
        assert_eq!(rated.micros("nobody/nothing", &body(json!({}))), None);
    }

    #[test]
    fn a_budget_that_cannot_price_a_model_is_refused_with_the_way_out() {
        let plain = Charges {
            usd_per_compute_unit: None,
        };
        let all = plain.check(&[]).unwrap_err();
        assert!(
            all.contains("bfl/flux-1-dev") && all.contains("--usd-per-compute-unit"),
            "{all}"
        );
        assert!(plain.check(&["krea/krea-2/medium".to_owned()]).is_ok());
        let nano = plain
            .check(&["google/nano-banana-2".to_owned()])
            .unwrap_err();
        assert!(nano.contains("google/nano-banana-2"), "{nano}");
        let rated = Charges {
            usd_per_compute_unit: Some(0.001),
        };
        // Krea publishes no price at all for one model: only leaving it out helps.
        let unpublished = rated.check(&[]).unwrap_err();
        assert!(
            unpublished.starts_with("--daily-budget-usd cannot price bytedance/seededit:"),
            "{unpublished}"
        );
        let priced: Vec<String> = MODELS
            .iter()
            .map(|m| m.id.to_owned())
            .filter(|id| id != "bytedance/seededit")
            .collect();
        assert!(rated.check(&priced).is_ok());
    }
}
