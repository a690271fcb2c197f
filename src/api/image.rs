use gloo_net::http::Request;
use wasm_bindgen_futures::JsFuture;

/// The bytes of a result image, for saving it as a file. Fails when the image host refuses
/// (no CORS, expired link); the caller then falls back to opening the original.
pub async fn image_blob(url: &str) -> Result<web_sys::Blob, String> {
    let response = Request::get(url).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let raw: web_sys::Response = response.into();
    let blob = raw.blob().map_err(|_| "no body".to_owned())?;
    JsFuture::from(blob)
        .await
        .map(wasm_bindgen::JsCast::unchecked_into)
        .map_err(|_| "the body could not be read".to_owned())
}
