//! Keeping jobs current: the poll scheduler's hook, the proxy's push stream, and which tab
//! polls for all of them.

mod use_job_poller;
mod use_poll_leadership;
mod use_push_stream;

pub use use_job_poller::{use_job_poller, PollerInputs};
pub use use_poll_leadership::use_poll_leadership;
pub(crate) use use_push_stream::preload_push_stream;
pub use use_push_stream::use_push_stream;
