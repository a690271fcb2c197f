//! What the studio asks the proxy about itself: its session, its limits and usage, its
//! runtime config and the models it offers.

mod use_discovered_models;
mod use_limit_left;
mod use_proxy_session;
mod use_proxy_usage;
mod use_runtime_config;

pub(crate) use use_discovered_models::preload_discovery;
pub use use_discovered_models::use_discovered_models;
pub use use_limit_left::use_limit_left;
pub use use_proxy_session::use_proxy_session;
pub use use_proxy_usage::{use_proxy_usage, ProxyUsage};
pub use use_runtime_config::use_runtime_config;
