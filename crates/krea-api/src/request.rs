//! A request to generate an image: which model, and the JSON body Krea receives.

use crate::catalogue::{self, ModelSpec};
use crate::validation::{self, ValidationErrors};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct ImageRequest {
    pub model: &'static ModelSpec,
    pub body: Map<String, Value>,
}

impl ImageRequest {
    /// A request for a catalogue model, or `None` when the id is unknown.
    pub fn new(model_id: &str, body: Map<String, Value>) -> Option<Self> {
        catalogue::find(model_id).map(|model| ImageRequest { model, body })
    }

    pub fn path(&self) -> String {
        self.model.path()
    }

    pub fn prompt(&self) -> &str {
        self.body
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Validates the body; the request is only worth sending when this is `Ok`.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        validation::validate(self.model, &Value::Object(self.body.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_the_krea_path_and_validates_its_body() {
        let body = json!({"prompt": "a red fox", "width": 1024, "height": 1024});
        let request =
            ImageRequest::new("bytedance/seedream-4", body.as_object().unwrap().clone()).unwrap();
        assert_eq!(request.path(), "/generate/image/bytedance/seedream-4");
        assert_eq!(request.prompt(), "a red fox");
        assert!(request.validate().is_ok());
        assert!(ImageRequest::new("nobody/nothing", Map::new()).is_none());
    }
}
