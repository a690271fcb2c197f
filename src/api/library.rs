//! Krea's asset library and styles through the proxy: a page of the caller's uploads,
//! deleting one, and a page of styles. Uploading (with progress) is in `upload`.

use super::{ApiError, KreaClient};
use krea_api::library::{AssetList, StyleFilter, StyleList};

/// Uploads and styles shown at once.
pub const PAGE: usize = 24;

impl KreaClient {
    /// `GET /assets`: the caller's uploads, newest first, from `cursor`.
    pub async fn assets(&self, cursor: Option<&str>) -> Result<AssetList, ApiError> {
        let mut path = format!("/assets?limit={PAGE}");
        if let Some(cursor) = cursor {
            path.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
        }
        self.get_json(&path, None).await
    }

    /// `DELETE /assets/{id}`.
    pub async fn delete_asset(&self, id: &str) -> Result<(), ApiError> {
        self.delete(&format!("/assets/{id}")).await
    }

    /// `GET /styles` for a filter, the styles that fit `model` (Krea's model name), from
    /// `cursor`.
    pub async fn styles(
        &self,
        filter: StyleFilter,
        model: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<StyleList, ApiError> {
        let query = filter.query(model, cursor, PAGE);
        self.get_json(&format!("/styles?{query}"), None).await
    }
}
