//! `use_*` hooks: each owns one browser resource (timer, fetch, storage) and releases it
//! when its owner is disposed.

mod use_discovered_models;
mod use_job_actions;
mod use_job_history;
mod use_job_poller;
mod use_runtime_config;
mod use_settings;
mod use_submit;

pub use use_discovered_models::use_discovered_models;
pub use use_job_actions::{use_job_actions, JobActions};
pub use use_job_history::{use_job_history, HISTORY_KEY};
pub use use_job_poller::{use_job_poller, POLL_INTERVAL_MS};
pub use use_runtime_config::use_runtime_config;
pub use use_settings::use_settings;
pub use use_submit::{use_submit, Submitter};
