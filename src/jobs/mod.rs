//! Jobs on the client: the store the grid renders and the scheduler that decides which
//! jobs to poll when. Plain Rust, tested on the host.

pub mod describe;
pub mod pricing;
pub mod scheduler;
pub mod store;

pub use scheduler::PollScheduler;
pub use store::{JobEntry, JobStore};
