//! Where a job came from, when it was made from another job's image: edited from it,
//! enhanced from it, or made with it as a reference. A card says so and links there.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Derived {
    Edited,
    Enhanced,
    Referenced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lineage {
    pub kind: Derived,
    /// The job whose image it started from.
    pub job_id: String,
    /// That image.
    pub image_url: String,
}

impl Lineage {
    /// Whether a request still starts from the source image (a person may have swapped it
    /// out after choosing Edit): only then does the new job name its source.
    pub fn holds(&self, request: &Map<String, Value>) -> bool {
        request
            .values()
            .any(|value| mentions(value, &self.image_url))
    }
}

fn mentions(value: &Value, url: &str) -> bool {
    match value {
        Value::String(text) => text == url,
        Value::Array(items) => items.iter().any(|item| mentions(item, url)),
        Value::Object(members) => members.values().any(|member| mentions(member, url)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_request_holds_its_source_wherever_the_image_sits() {
        let source = Lineage {
            kind: Derived::Edited,
            job_id: "j".into(),
            image_url: "https://x/1.png".into(),
        };
        let body = |v: Value| v.as_object().unwrap().clone();
        assert!(source.holds(&body(json!({"image_url": "https://x/1.png"}))));
        assert!(source.holds(&body(
            json!({"image_style_references": [{"url": "https://x/1.png", "strength": 0.5}]})
        )));
        assert!(!source.holds(&body(json!({"image_url": "https://x/2.png"}))));
        assert_eq!(
            serde_json::to_value(&source).unwrap()["kind"],
            "edited",
            "kept in the history by name"
        );
    }
}
