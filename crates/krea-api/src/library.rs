//! Krea's asset library and styles as a client reads them (`GET /assets`, `POST /assets`,
//! `GET /styles`): the fields the studio uses, tolerant of the ones it does not, and which of
//! Krea's style model names fit which catalogue model.

use serde::{Deserialize, Serialize};

/// One uploaded asset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Asset {
    pub id: String,
    pub image_url: String,
    #[serde(default)]
    pub uploaded_at: String,
    #[serde(default)]
    pub width: Option<f64>,
    #[serde(default)]
    pub height: Option<f64>,
    #[serde(default)]
    pub size_bytes: Option<f64>,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A page of assets, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetList {
    pub items: Vec<Asset>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// Who made a style: `None` for Krea's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StyleOwner {
    #[serde(default)]
    pub id: String,
    pub name: String,
}

/// One style (a trained LoRA), as `GET /styles` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Style {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub urls: Vec<String>,
    #[serde(default)]
    pub cover_url: Option<String>,
    #[serde(default)]
    pub prompt: String,
    #[serde(default)]
    pub models: Vec<String>,
    #[serde(default)]
    pub owner: Option<StyleOwner>,
    #[serde(default)]
    pub like_count: f64,
}

impl Style {
    /// The picture to show: the cover, else the first preview.
    pub fn thumbnail(&self) -> Option<&str> {
        self.cover_url
            .as_deref()
            .or(self.urls.first().map(String::as_str))
    }

    /// Its title, or its id when it has none.
    pub fn name(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StyleList {
    pub items: Vec<Style>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// Which styles to list: Krea's `filter` values the studio offers, and `liked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StyleFilter {
    #[default]
    All,
    Krea,
    Community,
    Mine,
    Liked,
}

impl StyleFilter {
    pub const ALL: [StyleFilter; 5] = [
        StyleFilter::All,
        StyleFilter::Krea,
        StyleFilter::Community,
        StyleFilter::Mine,
        StyleFilter::Liked,
    ];

    /// The query for this filter, a model name and a cursor.
    pub fn query(self, model: Option<&str>, cursor: Option<&str>, limit: usize) -> String {
        let filter = match self {
            StyleFilter::All | StyleFilter::Liked => "all",
            StyleFilter::Krea => "krea",
            StyleFilter::Community => "community",
            StyleFilter::Mine => "user",
        };
        let mut pairs = vec![("filter", filter.to_owned()), ("limit", limit.to_string())];
        if self == StyleFilter::Liked {
            pairs.push(("liked", "true".to_owned()));
        }
        if let Some(model) = model {
            pairs.push(("model", model.to_owned()));
        }
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor.to_owned()));
        }
        pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Krea's name for a catalogue model in a style's `models` (the spec's examples write
/// `flux_dev`): the models that take `styles`.
pub fn style_model_name(model_id: &str) -> Option<&'static str> {
    match model_id {
        "bfl/flux-1-dev" => Some("flux_dev"),
        id if id.starts_with("krea/krea-2/") => Some("krea_2"),
        "qwen/2512" => Some("qwen"),
        "z-image/z-image" => Some("z_image"),
        "openai/gpt-image" | "openai/gpt-image-2" => Some("gpt_image"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_krea_queries() {
        assert_eq!(
            StyleFilter::Mine.query(Some("flux_dev"), None, 24),
            "filter=user&limit=24&model=flux_dev"
        );
        assert_eq!(
            StyleFilter::Liked.query(None, Some("2026-01-01T00:00:00Z"), 10),
            "filter=all&limit=10&liked=true&cursor=2026-01-01T00%3A00%3A00Z"
        );
    }

    #[test]
    fn every_model_that_takes_styles_has_a_style_name() {
        for model in crate::MODELS {
            if model.field("styles").is_some() {
                assert!(style_model_name(model.id).is_some(), "{}", model.id);
            }
        }
    }

    #[test]
    fn assets_and_styles_read_krea_answers() {
        let asset: Asset = serde_json::from_str(
            r#"{"id":"a","image_url":"https://x/a.png","uploaded_at":"t","width":3,"height":2,
            "size_bytes":9,"mime_type":"image/png","metadata":{}}"#,
        )
        .unwrap();
        assert_eq!(asset.width, Some(3.0));
        let style: Style = serde_json::from_str(
            r#"{"id":"s","title":null,"urls":["https://x/p.png"],"public":true,"prompt":"p",
            "owner":null,"like_count":3,"created_at":"t"}"#,
        )
        .unwrap();
        assert_eq!(style.name(), "s");
        assert_eq!(style.thumbnail(), Some("https://x/p.png"));
    }
}
