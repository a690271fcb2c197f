//! What one generation costs, from Krea's published figures: USD where Krea states a price,
//! compute units otherwise. The app shows it and totals it; the proxy charges it against a
//! daily budget.

use crate::catalogue::Price;
use crate::Models;
use serde_json::{Map, Value};

/// The price of one generation with this body.
pub fn job_price(models: &Models, model_id: &str, body: &Map<String, Value>) -> Price {
    let Some(model) = models.find(model_id) else {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn luma_is_priced_by_mode_and_reference_count_as_krea_tabulates() {
        let luma = |value: Value| job_price(&Models::default(), "luma/uni-1", &body(value));
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
        let krea = |extra: Value| job_price(&Models::default(), "krea/krea-2/medium", &body(extra));
        assert_eq!(krea(json!({})), Price::Usd(0.03));
        let with_style = krea(json!({"image_style_references": [{"url": "https://x"}]}));
        assert!(matches!(with_style, Price::Usd(p) if (p - 0.035).abs() < 1e-9));
        let with_both = krea(json!({"image_style_references": [{}], "moodboards": [{}]}));
        assert!(matches!(with_both, Price::Usd(p) if (p - 0.04).abs() < 1e-9));
        let large = job_price(
            &Models::default(),
            "krea/krea-2/large",
            &body(json!({"moodboards": [{}]})),
        );
        assert!(matches!(large, Price::Usd(p) if (p - 0.07).abs() < 1e-9));
        assert_eq!(
            job_price(
                &Models::default(),
                "google/nano-banana-pro",
                &body(json!({"resolution": "4K"}))
            ),
            Price::Usd(0.30)
        );
        assert_eq!(
            job_price(
                &Models::default(),
                "google/nano-banana-2",
                &body(json!({"resolution": "2K"}))
            ),
            Price::ComputeUnits(57.8)
        );
        assert_eq!(
            job_price(&Models::default(), "bfl/flux-1-dev", &body(json!({}))),
            Price::ComputeUnits(3.0)
        );
        assert_eq!(
            job_price(&Models::default(), "nobody/nothing", &body(json!({}))),
            Price::Unstated
        );
    }
}
