//! `krea-proxy`: the reference proxy between Krea Studio (or any Krea client) and Krea's API.
//!
//! It keeps Krea's paths unchanged at its root, so its URL replaces `https://api.krea.ai`
//! one for one. It forwards only the job routes, injects the operator's token, drops the
//! caller's credentials, and can serve the built app from the same origin. With
//! `--simulate` the upstream is a built-in simulator of the Krea API.

pub mod callers;
pub mod config;
pub mod error;
pub mod http;
pub mod idempotency;
pub mod image_kind;
pub mod keys_file;
pub mod krea_routes;
pub mod limits;
pub mod ownership;
pub mod push;
pub mod receipt_secret;
pub mod secret;
pub mod serving;
pub mod simulator;
pub mod site;
pub mod startup;
pub mod state;
pub mod stores;
pub mod uploads;
pub mod upstream;
pub mod usage;

pub use config::Config;
pub use serving::{serve, ServeOptions};
