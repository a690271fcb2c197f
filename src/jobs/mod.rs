//! Jobs on the client: the store the grid renders and the scheduler that decides which
//! jobs to poll when. Plain Rust, tested on the host.

pub mod archive;
pub mod backoff;
pub mod boards;
pub mod calendar;
pub mod deadline;
pub mod describe;
pub mod download_name;
pub mod filter;
pub mod history_file;
pub mod history_schema;
pub mod image_settings;
pub mod journal;
pub mod limit_left;
pub mod lineage;
pub mod local_copies;
pub mod poll_policy;
pub mod pricing;
pub mod progress;
pub mod proxy_usage;
pub mod removals;
pub mod safe_url;
pub mod scheduler;
pub mod selection;
pub mod spending;
pub mod sse;
pub mod store;
pub mod submission;
pub mod transitions;
pub mod transport;
pub mod variations;

pub use scheduler::PollScheduler;
pub use store::{JobEntry, JobStore, Lost, MergeReport};
