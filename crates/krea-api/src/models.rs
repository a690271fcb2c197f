//! The models one client knows: the catalogue, plus the models it discovered from its own
//! proxy's spec. A value its owner holds (one per studio instance), not a process-wide
//! registry: two studios on one page with different proxies each know their own.

use crate::catalogue::{self, ModelSpec, MODELS};
use crate::request::ImageRequest;
use serde_json::{Map, Value};
use std::sync::Arc;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Models {
    discovered: Arc<[&'static ModelSpec]>,
}

impl Models {
    /// The catalogue and `discovered` (models the catalogue lacks; the catalogue wins a tie).
    pub fn with_discovered(discovered: Vec<&'static ModelSpec>) -> Self {
        let discovered: Vec<&'static ModelSpec> = discovered
            .into_iter()
            .filter(|model| MODELS.iter().all(|known| known.id != model.id))
            .collect();
        Models {
            discovered: discovered.into(),
        }
    }

    /// A model (or enhancer) by its id: the catalogue first.
    pub fn find(&self, id: &str) -> Option<&'static ModelSpec> {
        catalogue::find(id).or_else(|| self.discovered.iter().find(|model| model.id == id).copied())
    }

    /// A model's name as these models know it, else its id (a model no longer known).
    pub fn name_of<'a>(&self, id: &'a str) -> &'a str {
        self.find(id).map_or(id, |model| model.name)
    }

    /// The models beyond the catalogue.
    pub fn discovered(&self) -> &[&'static ModelSpec] {
        &self.discovered
    }

    /// A request for one of these models, or `None` when the id is unknown here.
    pub fn request(&self, model_id: &str, body: Map<String, Value>) -> Option<ImageRequest> {
        self.find(model_id)
            .map(|model| ImageRequest { model, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery;
    use crate::openapi;

    #[test]
    fn each_value_knows_its_own_discoveries_and_the_catalogue() {
        let mut document = openapi::document();
        let flux = document["paths"]["/generate/image/bfl/flux-1-dev"].clone();
        document["paths"]["/generate/image/acme/brand-new"] = flux;
        let mine = Models::with_discovered(discovery::uncatalogued(&document));
        let theirs = Models::default();
        assert!(mine.find("acme/brand-new").is_some());
        assert!(theirs.find("acme/brand-new").is_none(), "nothing is shared");
        assert!(theirs.find("bfl/flux-1-dev").is_some());
        assert_eq!(mine.discovered().len(), 1);
        assert!(mine.request("acme/brand-new", Map::new()).is_some());
        assert!(theirs.request("acme/brand-new", Map::new()).is_none());
        // Reading the same spec again leaks nothing new: the same models come back.
        let again = discovery::uncatalogued(&document);
        assert!(std::ptr::eq(again[0], mine.discovered()[0]));
    }
}
