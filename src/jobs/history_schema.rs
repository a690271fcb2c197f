//! The saved history's IndexedDB schema, named once: the app's database code and the
//! end-to-end tests that seed or read a history both use these names, and records are
//! [`crate::jobs::JobEntry`] and [`crate::jobs::submission::Submission`] as serde writes them.

/// Version 1: `jobs`, keyed by `job.job_id`; `submissions`, keyed by `key`.
/// Version 2: the `created` index on `jobs`, by `job.created_at`, so the newest jobs are read
/// first. A later version adds its step to the upgrade and keeps the earlier ones, so any
/// old database catches up.
pub const VERSION: u32 = 2;
/// One record per job.
pub const JOBS: &str = "jobs";
/// Where a job record keeps its key.
pub const JOBS_KEY_PATH: &str = "job.job_id";
/// The index of `jobs` by creation time (Krea's `created_at`: ISO 8601 in UTC, which sorts
/// as text in time order).
pub const JOBS_BY_CREATED: &str = "created";
/// Where a job record keeps its creation time.
pub const JOBS_CREATED_PATH: &str = "job.created_at";
/// One record per generation not yet answered with a job.
pub const SUBMISSIONS: &str = "submissions";
/// Where a submission record keeps its key.
pub const SUBMISSIONS_KEY_PATH: &str = "key";
