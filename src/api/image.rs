use gloo_net::http::Request;

/// The bytes of a result image, for saving it as a file with its settings inside. Fails
/// when the image host refuses (no CORS, expired link); the caller then falls back to
/// opening the original.
pub async fn image_bytes(url: &str) -> Result<Vec<u8>, String> {
    let response = Request::get(url).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    response
        .binary()
        .await
        .map_err(|_| "the body could not be read".to_owned())
}
