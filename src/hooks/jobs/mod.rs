//! The job store's reactive face ([`LiveJobs`]: one signal per job) and what acts on it:
//! submitting, the job actions, the matching jobs for the grid, announcements, the keys.

mod live_jobs;
mod use_announcements;
mod use_culling_keys;
mod use_job_actions;
mod use_marks;
mod use_matching_jobs;
mod use_removals;
mod use_selection;
mod use_submit;

pub use live_jobs::LiveJobs;
pub use use_announcements::use_announcements;
pub use use_culling_keys::{use_culling_keys, CullingKeys};
pub use use_job_actions::{use_job_actions, JobActions, JobActionsContext};
pub use use_marks::{use_marks, Marks};
pub use use_matching_jobs::use_matching_jobs;
pub use use_removals::{use_removals, PendingRemovals};
pub use use_selection::{use_selection, SelectedJobs};
pub use use_submit::{use_submit, Submitter};
