//! Values that come from outside the studio's own code (stored records, a host page's
//! messages and options) are read through their JSON text. Walking a JS object field by
//! field (serde-wasm-bindgen) recurses for ever on an object that contains itself, which
//! another script can write into IndexedDB or post to the page, and that overflowed the
//! stack and killed the app. `JSON.stringify` refuses such a value instead, as it refuses
//! a BigInt.

use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

/// Why a value from outside could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unreadable {
    #[error("it is not something JSON can hold (a cycle, a BigInt or a function)")]
    NotJson,
    #[error("{0}")]
    Shape(String),
}

/// `value` as `T`, read from its JSON text.
pub fn read<T: DeserializeOwned>(value: &JsValue) -> Result<T, Unreadable> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or(Unreadable::NotJson)?;
    serde_json::from_str(&text).map_err(|error| Unreadable::Shape(error.to_string()))
}
