//! The catalogue of Krea image models: every field each endpoint accepts, with its type,
//! bounds, enum values and default, as Krea's OpenAPI spec (and, for Krea 2, its docs)
//! states them. The app's form, client-side validation and the simulator's 400s all read it.
//! The types are in [`types`], the field shapes several models share in `fields`, and the
//! models themselves in `models`.

mod enhancers;
mod fields;
mod models;
pub mod types;

pub use enhancers::ENHANCERS;
pub use models::MODELS;
pub use types::*;

/// A catalogue model or enhancer by its id (the path after `/generate/image/` or
/// `/generate/enhance/`). Models discovered from a proxy's spec are in that client's
/// [`crate::Models`].
pub fn find(id: &str) -> Option<&'static ModelSpec> {
    all().find(|model| model.id == id)
}

/// The model at this endpoint and id.
pub fn find_at(endpoint: Endpoint, id: &str) -> Option<&'static ModelSpec> {
    all().find(|model| model.endpoint == endpoint && model.id == id)
}

/// Every catalogue entry: the image models, then the enhancers.
pub fn all() -> impl Iterator<Item = &'static ModelSpec> {
    MODELS.iter().chain(ENHANCERS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_paths_are_krea_paths() {
        let mut ids: Vec<_> = all().map(|m| m.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), MODELS.len() + ENHANCERS.len());
        assert_eq!(
            find("topaz/standard-enhance").unwrap().path(),
            "/generate/enhance/topaz/standard-enhance"
        );
        assert!(find_at(Endpoint::Image, "krea/enhance").is_none());
        assert_eq!(
            find("bfl/flux-1-dev").unwrap().path(),
            "/generate/image/bfl/flux-1-dev"
        );
        assert_eq!(find("krea/krea-2/medium").unwrap().provider(), "krea");
        assert!(find("bfl/flux-9").is_none());
    }

    #[test]
    fn prices_read_naturally() {
        assert_eq!(Price::Usd(0.03).label(), "$0.03 per image");
        assert_eq!(Price::ComputeUnits(17.2).label(), "17.2 compute units");
    }

    #[test]
    fn every_model_requires_a_prompt_and_can_be_sized() {
        for model in MODELS {
            assert!(
                model.field("prompt").is_some_and(|f| f.required),
                "{}",
                model.id
            );
            let sized = model.field("aspect_ratio").is_some()
                || (model.field("width").is_some() && model.field("height").is_some())
                || model.field("image_url").is_some_and(|f| f.required);
            assert!(sized, "{} takes no size and no source image", model.id);
        }
    }
}
