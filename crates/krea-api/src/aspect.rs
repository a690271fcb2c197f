//! The shape of the picture a request asks for, as width over height: `width` and `height`
//! where the model takes them, else `aspect_ratio` (`"16:9"`), else square. The simulator
//! draws at it; the studio lays its grid out by it before an image has loaded.

use serde_json::{Map, Value};

pub fn aspect_of(body: &Map<String, Value>) -> f64 {
    let number = |key: &str| body.get(key).and_then(Value::as_f64);
    let sized = match (number("width"), number("height")) {
        (Some(w), Some(h)) if w > 0.0 && h > 0.0 => Some(w / h),
        _ => None,
    };
    let ratio = || {
        body.get("aspect_ratio")
            .and_then(Value::as_str)
            .and_then(|text| text.split_once(':'))
            .and_then(|(w, h)| Some(w.trim().parse::<f64>().ok()? / h.trim().parse::<f64>().ok()?))
    };
    sized
        .or_else(ratio)
        .filter(|ratio| ratio.is_finite() && *ratio > 0.0)
        // A 1:100 strip would make a card a line; Krea's widest ratios are 21:9 and 9:21.
        .map(|ratio| ratio.clamp(0.25, 4.0))
        .unwrap_or(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn width_and_height_then_the_ratio_then_square() {
        assert_eq!(
            aspect_of(&body(json!({"width": 800, "height": 600}))),
            800.0 / 600.0
        );
        assert_eq!(
            aspect_of(&body(json!({"aspect_ratio": "16:9"}))),
            16.0 / 9.0
        );
        assert_eq!(
            aspect_of(&body(
                json!({"width": 512, "height": 512, "aspect_ratio": "16:9"})
            )),
            1.0
        );
        assert_eq!(aspect_of(&body(json!({}))), 1.0);
    }

    #[test]
    fn nonsense_is_square_and_extremes_are_bounded() {
        for nonsense in [
            json!({"aspect_ratio": "wide"}),
            json!({"aspect_ratio": "16:0"}),
            json!({"aspect_ratio": "-1:2"}),
            json!({"width": 0, "height": 512}),
            json!({"width": "800", "height": "600"}),
        ] {
            assert_eq!(aspect_of(&body(nonsense.clone())), 1.0, "{nonsense}");
        }
        assert_eq!(aspect_of(&body(json!({"aspect_ratio": "100:1"}))), 4.0);
        assert_eq!(aspect_of(&body(json!({"width": 16, "height": 4096}))), 0.25);
    }
}
