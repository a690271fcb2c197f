//! Several jobs from one set of settings: the same request with a different seed each, where
//! the model takes a seed.

use krea_api::ImageRequest;
use serde_json::Value;

/// Most variations one click submits.
pub const MAX_VARIATIONS: usize = 4;

/// `count` requests (1 to [`MAX_VARIATIONS`]); from the second on, or all of them when
/// `fresh_seeds`, each gets a seed from `seed`. Models without a seed get copies, which
/// Krea still renders differently.
pub fn variations(
    request: &ImageRequest,
    count: usize,
    fresh_seeds: bool,
    mut seed: impl FnMut() -> u32,
) -> Vec<ImageRequest> {
    let takes_seed = request.model.field("seed").is_some();
    (0..count.clamp(1, MAX_VARIATIONS))
        .map(|index| {
            let mut copy = request.clone();
            if takes_seed && (fresh_seeds || index > 0) {
                copy.body.insert("seed".into(), Value::from(seed()));
            }
            copy
        })
        .collect()
}

/// A seed for a new variation.
pub fn random_seed(random: f64) -> u32 {
    (random.clamp(0.0, 1.0) * f64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(model: &str, body: Value) -> ImageRequest {
        ImageRequest::new(model, body.as_object().unwrap().clone()).unwrap()
    }

    #[test]
    fn each_variation_gets_its_own_seed_and_stays_valid() {
        let base = request("bfl/flux-1-dev", json!({"prompt": "a fox", "seed": 7}));
        let mut next = 100;
        let made = variations(&base, 3, false, || {
            next += 1;
            next
        });
        let seeds: Vec<_> = made.iter().map(|r| r.body["seed"].clone()).collect();
        assert_eq!(seeds, [json!(7), json!(101), json!(102)]);
        assert!(made.iter().all(|r| r.validate().is_ok()));
        assert_eq!(variations(&base, 9, true, || 5).len(), MAX_VARIATIONS);
        assert_eq!(variations(&base, 1, true, || 5)[0].body["seed"], json!(5));
        assert_eq!(variations(&base, 0, false, || 5).len(), 1);
    }

    #[test]
    fn models_without_a_seed_get_plain_copies() {
        let base = request("openai/gpt-image", json!({"prompt": "a fox"}));
        let made = variations(&base, 2, true, || 5);
        assert!(made
            .iter()
            .all(|r| !r.body.contains_key("seed") && r.validate().is_ok()));
        assert_eq!(random_seed(1.0), u32::MAX);
        assert_eq!(random_seed(0.0), 0);
    }
}
