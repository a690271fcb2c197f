//! What a job is charged against the daily budget: its price from the catalogue
//! (`krea_api::pricing`, the figures the app shows), in millionths of a dollar. Models Krea
//! prices only in compute units need `--usd-per-compute-unit`; a model the proxy cannot
//! price is refused at start (or, if it appears later, refused when asked for). Where Krea
//! publishes no price (its enhancers) or the operator pays otherwise, `--price ID=USD`
//! states one: a model's or enhancer's id, or `upload` for each `POST /assets`.

use krea_api::pricing::job_price;
use krea_api::{Models, Price, MODELS};
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Charges {
    pub usd_per_compute_unit: Option<f64>,
    /// Prices the operator states (`--price`), over the catalogue's.
    pub stated: Vec<StatedPrice>,
}

/// `--price ID=USD`: what one job of a model or enhancer, or one upload (`upload`), costs.
#[derive(Debug, Clone, PartialEq)]
pub struct StatedPrice {
    pub id: String,
    pub usd: f64,
}

/// What `--price` stands for when it names `upload`.
pub const UPLOAD: &str = "upload";

impl StatedPrice {
    /// `topaz/standard-enhance=0.05`, `upload=0`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (id, usd) = text
            .split_once('=')
            .ok_or_else(|| format!("'{text}' is not ID=USD (a model's id, or upload)"))?;
        let id = id.trim();
        let known = id == UPLOAD || krea_api::catalogue::find(id).is_some();
        if !known {
            return Err(format!(
                "'{id}' is neither a model or enhancer of the catalogue nor upload"
            ));
        }
        let usd: f64 = usd
            .trim()
            .parse()
            .ok()
            .filter(|usd: &f64| usd.is_finite() && *usd >= 0.0)
            .ok_or_else(|| format!("'{usd}' is not an amount in USD"))?;
        Ok(StatedPrice {
            id: id.to_owned(),
            usd,
        })
    }
}

impl Charges {
    fn stated(&self, id: &str) -> Option<f64> {
        self.stated.iter().rev().find(|p| p.id == id).map(|p| p.usd)
    }

    /// What one upload is charged: its stated price, else nothing (Krea bills jobs, not
    /// assets).
    pub fn upload_micros(&self) -> u64 {
        to_micros(self.stated(UPLOAD).unwrap_or(0.0))
    }

    /// The charge for one generation with this body, or `None` if it cannot be priced.
    pub fn micros(&self, model_id: &str, body: &Map<String, Value>) -> Option<u64> {
        if let Some(usd) = self.stated(model_id) {
            return Some(to_micros(usd));
        }
        let usd = match job_price(&Models::default(), model_id, body) {
            Price::Usd(usd) => usd,
            Price::ComputeUnits(units) => units * self.usd_per_compute_unit?,
            Price::Unstated => return None,
        };
        Some(to_micros(usd))
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
             State what a compute unit costs you with --usd-per-compute-unit, a model's price \
             with --price ID=USD, or allow only models priced in USD with --allow-model",
            unpriced.join(", "),
            if unpriced.len() == 1 { "it" } else { "them" }
        ))
    }
}

fn to_micros(usd: f64) -> u64 {
    (usd * 1_000_000.0).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn usd_prices_are_charged_as_they_are_and_compute_units_at_the_stated_rate() {
        let plain = Charges::default();
        assert_eq!(
            plain.micros("krea/krea-2/medium", &body(json!({}))),
            Some(30_000)
        );
        assert_eq!(plain.micros("bfl/flux-1-dev", &body(json!({}))), None);
        let rated = Charges {
            usd_per_compute_unit: Some(0.001),
            ..Charges::default()
        };
        assert_eq!(
            rated.micros("bfl/flux-1-dev", &body(json!({}))),
            Some(3_000)
        );
        assert_eq!(rated.micros("nobody/nothing", &body(json!({}))), None);
    }

    #[test]
    fn a_budget_that_cannot_price_a_model_is_refused_with_the_way_out() {
        let plain = Charges::default();
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
            ..Charges::default()
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

    #[test]
    fn stated_prices_price_what_krea_does_not_and_uploads() {
        let stated = Charges {
            stated: vec![
                StatedPrice::parse("topaz/standard-enhance=0.05").unwrap(),
                StatedPrice::parse("upload = 0.002").unwrap(),
            ],
            ..Charges::default()
        };
        assert_eq!(
            stated.micros("topaz/standard-enhance", &body(json!({}))),
            Some(50_000)
        );
        assert_eq!(stated.upload_micros(), 2_000);
        assert_eq!(Charges::default().upload_micros(), 0);
        assert_eq!(
            Charges::default().micros("topaz/standard-enhance", &body(json!({}))),
            None
        );
        assert!(stated.check(&["topaz/standard-enhance".to_owned()]).is_ok());
        for bad in ["topaz", "nobody/nothing=1", "upload=-1", "upload=free"] {
            assert!(StatedPrice::parse(bad).is_err(), "{bad}");
        }
    }
}
