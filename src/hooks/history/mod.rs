//! The saved history: IndexedDB records written as jobs change (`use_job_history`), the move
//! from the old localStorage copy (`migration`), sync between tabs (`tab_sync`), the storage
//! estimate, and import and export files (`use_history_files`).

mod migration;
mod status;
mod storage_estimate;
mod tab_sync;
mod use_history_files;
mod use_job_history;

pub use migration::HISTORY_KEY;
pub use status::{History, NotKept, StorageStatus};
pub(crate) use use_history_files::preload_history_files;
pub use use_history_files::{use_history_files, HistoryFiles};
pub use use_job_history::use_job_history;
