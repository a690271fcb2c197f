//! `use_*` hooks: each owns one browser resource (timer, fetch, listener, storage) and
//! releases it when its owner is disposed.

mod live_jobs;
mod use_access_key;
mod use_after_paint;
mod use_announcements;
mod use_clock;
mod use_discovered_models;
mod use_embed_allowed;
mod use_embed_host;
mod use_form_draft;
mod use_history_files;
mod use_interval_while;
mod use_job_actions;
mod use_job_history;
mod use_job_poller;
mod use_keydown;
mod use_limit_left;
mod use_locale;
mod use_matching_jobs;
mod use_proxy_session;
mod use_push_stream;
mod use_ready_mark;
mod use_runtime_config;
mod use_settings;
mod use_stored;
mod use_submit;
mod use_theme;

pub use live_jobs::LiveJobs;
pub use use_access_key::use_access_key;
pub use use_after_paint::use_after_paint;
pub use use_announcements::use_announcements;
pub use use_clock::use_clock;
pub use use_discovered_models::use_discovered_models;
pub use use_embed_allowed::use_embed_allowed;
pub use use_embed_host::{
    embed_request, post_to_parent, use_embed_host, EmbedHost, EmbedMode, EmbedWiring,
};
pub use use_form_draft::use_form_draft;
pub use use_history_files::{use_history_files, HistoryFiles};
pub use use_interval_while::use_interval_while;
pub use use_job_actions::{use_job_actions, JobActions, JobActionsContext};
pub use use_job_history::{use_job_history, History, StorageStatus, HISTORY_KEY};
pub use use_job_poller::use_job_poller;
pub use use_keydown::{use_keydown, KeyLayer};
pub use use_limit_left::use_limit_left;
pub use use_locale::{tr, use_locale, use_locale_context, use_texts, CurrentLocale};
pub use use_matching_jobs::use_matching_jobs;
pub use use_proxy_session::use_proxy_session;
pub use use_push_stream::{use_push_stream, Transport};
pub use use_ready_mark::{use_ready_mark, READY_MARK};
pub use use_runtime_config::use_runtime_config;
pub use use_settings::use_settings;
pub use use_stored::{browser_storage, use_stored, Kept};
pub use use_submit::{use_submit, Submitter};
pub use use_theme::use_theme;
