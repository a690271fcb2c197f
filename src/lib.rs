//! Krea Studio: a browser studio for Krea's image API.
//!
//! The pure core (job store, poll scheduler, form, settings) builds and is tested on the
//! host; the browser half (HTTP client, hooks, components) exists only on wasm32.

pub mod embed;
pub mod form;
pub mod i18n;
pub mod jobs;
pub mod settings;
pub mod shortcuts;
pub mod storage_scope;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod copy_cache;
#[cfg(target_arch = "wasm32")]
pub mod history_db;
#[cfg(target_arch = "wasm32")]
pub mod history_journal;
#[cfg(target_arch = "wasm32")]
pub mod hooks;
#[cfg(target_arch = "wasm32")]
pub mod inline;
#[cfg(target_arch = "wasm32")]
pub mod js_json;
#[cfg(target_arch = "wasm32")]
pub mod lazy;
#[cfg(target_arch = "wasm32")]
pub mod studio_root;
