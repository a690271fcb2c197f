//! The enhance form's request: an enhancer, the source image and how much larger. Krea
//! Enhance takes a scaling factor; Topaz takes the size it should make, worked out here from
//! the source's own size.

use krea_api::{FieldKind, ImageRequest, ModelSpec};
use serde_json::{json, Map, Value};

/// Scale factors the form offers.
pub const SCALES: [f64; 4] = [1.5, 2.0, 3.0, 4.0];

/// The request to enhance `image_url` (whose pixels are `source`, when known) `scale` times
/// with `enhancer`; `model` is Topaz's model where the enhancer takes one.
pub fn enhance_request(
    enhancer: &'static ModelSpec,
    image_url: &str,
    source: Option<(f64, f64)>,
    scale: f64,
    model: Option<&str>,
) -> ImageRequest {
    let mut body = Map::new();
    body.insert("image_url".into(), json!(image_url));
    if enhancer.field("width").is_some() {
        // Unknown size: Krea's usual square.
        let (width, height) = source.unwrap_or((1024.0, 1024.0));
        body.insert("width".into(), json!((width * scale).round() as u64));
        body.insert("height".into(), json!((height * scale).round() as u64));
    } else {
        body.insert("image_scaling_factor".into(), number(scale));
    }
    if let Some(field) = enhancer.field("model") {
        if let FieldKind::Choice(options) = field.kind {
            let chosen = model
                .filter(|m| options.contains(m))
                .or_else(|| field.required.then(|| options[0]));
            if let Some(chosen) = chosen {
                body.insert("model".into(), json!(chosen));
            }
        }
    }
    ImageRequest {
        model: enhancer,
        body,
    }
}

fn number(value: f64) -> Value {
    if value.fract() == 0.0 {
        json!(value as u64)
    } else {
        json!(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use krea_api::catalogue::{self, ENHANCERS};

    #[test]
    fn every_enhancer_gets_a_valid_request() {
        for enhancer in ENHANCERS {
            let request =
                enhance_request(enhancer, "https://x/1.png", Some((640.0, 480.0)), 2.0, None);
            assert_eq!(request.validate(), Ok(()), "{}", enhancer.id);
        }
    }

    #[test]
    fn krea_scales_by_a_factor_and_topaz_by_the_size_it_makes() {
        let krea = catalogue::find("krea/enhance").unwrap();
        let body = enhance_request(krea, "https://x/1.png", None, 1.5, None).body;
        assert_eq!(body["image_scaling_factor"], 1.5);
        let topaz = catalogue::find("topaz/standard-enhance").unwrap();
        let body = enhance_request(
            topaz,
            "https://x/1.png",
            Some((640.0, 480.0)),
            2.0,
            Some("CGI"),
        )
        .body;
        assert_eq!(
            (body["width"].clone(), body["height"].clone()),
            (json!(1280), json!(960))
        );
        assert_eq!(body["model"], "CGI");
        let bloom = catalogue::find("topaz/bloom-enhance").unwrap();
        let body = enhance_request(bloom, "https://x/1.png", None, 2.0, Some("nonsense")).body;
        assert_eq!(
            body["model"], "Reimagine",
            "a required model falls back to Krea's only one"
        );
    }
}
