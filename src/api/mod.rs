//! The HTTP client for Krea's job API through the proxy (gloo-net). It knows Krea's routes
//! and error shapes and nothing about views.

mod client;
mod error;
mod image;
pub mod library;
pub mod upload;

pub use crate::jobs::limit_left::LimitLeft;
pub use crate::jobs::proxy_usage::UsageReport;
pub use client::KreaClient;
pub use error::ApiError;
pub use image::image_bytes;

use crate::settings::RuntimeConfig;
use gloo_net::http::Request;

/// `config.json` beside `index.html`; absent or unreadable means the defaults (same origin).
pub async fn load_runtime_config(abort: Option<&web_sys::AbortSignal>) -> RuntimeConfig {
    match Request::get("config.json").abort_signal(abort).send().await {
        Ok(response) if response.ok() => response.json().await.unwrap_or_default(),
        _ => RuntimeConfig::default(),
    }
}
