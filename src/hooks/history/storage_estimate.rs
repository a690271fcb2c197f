//! How much room the history takes, and whether the browser promised to keep it.

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// Asks the browser to keep the history when space runs low, and how much space there is.
pub(super) async fn ask_for_persistence() -> (bool, Option<(f64, f64)>) {
    let storage = gloo_utils::window().navigator().storage();
    let persisted = match storage.persist() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        Err(_) => false,
    };
    let usage = match storage.estimate() {
        Ok(promise) => JsFuture::from(promise).await.ok().and_then(|estimate| {
            let number = |key: &str| {
                js_sys::Reflect::get(&estimate, &JsValue::from_str(key))
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            Some((number("usage")?, number("quota")?))
        }),
        Err(_) => None,
    };
    (persisted, usage)
}
