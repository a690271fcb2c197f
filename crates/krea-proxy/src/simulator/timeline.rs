//! How a simulated job moves through Krea's states as time passes: a pure function of the
//! elapsed time, so every poll sees a consistent story and tests can ask about any instant.

use krea_api::JobStatus;
use std::time::Duration;

/// Where a simulated job stands at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub status: JobStatus,
    /// A preview picture is available (Krea may show previews while it works).
    pub preview: bool,
    /// When the job ended, measured from its creation.
    pub ended_after: Option<Duration>,
}

/// What happened to the job besides time passing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Events {
    /// The prompt asked to fail (moderation); the job fails halfway.
    pub fails: bool,
    /// The job was cancelled this long after creation.
    pub cancelled_after: Option<Duration>,
}

/// Share of the whole duration at which each state begins.
const STEPS: [(f64, JobStatus); 5] = [
    (0.0, JobStatus::Queued),
    (0.1, JobStatus::Scheduled),
    (0.2, JobStatus::Processing),
    (0.5, JobStatus::Sampling),
    (0.8, JobStatus::IntermediateComplete),
];
const FAILS_AT: f64 = 0.5;

pub fn phase_at(elapsed: Duration, total: Duration, events: Events) -> Phase {
    if let Some(cancelled) = events.cancelled_after.filter(|at| *at <= elapsed) {
        return ended(JobStatus::Cancelled, cancelled);
    }
    let share = |fraction: f64| total.mul_f64(fraction);
    if events.fails && elapsed >= share(FAILS_AT) {
        return ended(JobStatus::Failed, share(FAILS_AT));
    }
    if elapsed >= total {
        return ended(JobStatus::Completed, total);
    }
    let status = STEPS
        .iter()
        .rev()
        .find(|(start, _)| elapsed >= share(*start))
        .map(|(_, status)| status.clone())
        .unwrap_or(JobStatus::Queued);
    let preview = matches!(
        status,
        JobStatus::Processing | JobStatus::Sampling | JobStatus::IntermediateComplete
    );
    Phase {
        status,
        preview,
        ended_after: None,
    }
}

fn ended(status: JobStatus, after: Duration) -> Phase {
    Phase {
        status,
        preview: false,
        ended_after: Some(after),
    }
}

/// How long a simulated job of a model takes: `base` for a model Krea times at about ten
/// seconds (or does not time), scaled by the model's typical duration within ×0.5…×4 so
/// quick models stay quick and slow ones do not stall a demo.
pub fn duration_for(base: Duration, typical_secs: Option<u32>) -> Duration {
    let factor = f64::from(typical_secs.unwrap_or(10)) / 10.0;
    base.mul_f64(factor.clamp(0.5, 4.0))
}

/// Krea documents cancelling only while a job is `queued` or `processing`.
pub fn can_cancel(status: &JobStatus) -> bool {
    matches!(status, JobStatus::Queued | JobStatus::Processing)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOTAL: Duration = Duration::from_millis(1000);
    const CALM: Events = Events {
        fails: false,
        cancelled_after: None,
    };

    fn status(ms: u64, events: Events) -> JobStatus {
        phase_at(Duration::from_millis(ms), TOTAL, events).status
    }

    #[test]
    fn walks_forward_through_the_states_to_completed() {
        let seen: Vec<_> = [0, 150, 300, 600, 900, 1000, 5000]
            .into_iter()
            .map(|ms| status(ms, CALM))
            .collect();
        assert_eq!(
            seen,
            [
                JobStatus::Queued,
                JobStatus::Scheduled,
                JobStatus::Processing,
                JobStatus::Sampling,
                JobStatus::IntermediateComplete,
                JobStatus::Completed,
                JobStatus::Completed,
            ]
        );
        let done = phase_at(Duration::from_secs(9), TOTAL, CALM);
        assert_eq!(done.ended_after, Some(TOTAL));
        assert!(!done.preview);
        assert!(phase_at(Duration::from_millis(300), TOTAL, CALM).preview);
    }

    #[test]
    fn a_failing_job_fails_halfway_and_stays_failed() {
        let fails = Events {
            fails: true,
            ..CALM
        };
        assert_eq!(status(300, fails), JobStatus::Processing);
        assert_eq!(status(500, fails), JobStatus::Failed);
        assert_eq!(status(5000, fails), JobStatus::Failed);
    }

    #[test]
    fn a_cancelled_job_stays_cancelled_from_that_moment() {
        let cancelled = Events {
            cancelled_after: Some(Duration::from_millis(250)),
            ..CALM
        };
        assert_eq!(status(150, cancelled), JobStatus::Scheduled);
        let phase = phase_at(Duration::from_millis(5000), TOTAL, cancelled);
        assert_eq!(phase.status, JobStatus::Cancelled);
        assert_eq!(phase.ended_after, Some(Duration::from_millis(250)));
    }

    #[test]
    fn slower_models_take_longer_within_bounds() {
        let base = Duration::from_millis(1000);
        assert_eq!(duration_for(base, Some(5)), Duration::from_millis(500));
        assert_eq!(duration_for(base, Some(1)), Duration::from_millis(500));
        assert_eq!(duration_for(base, None), base);
        assert_eq!(duration_for(base, Some(20)), Duration::from_millis(2000));
        assert_eq!(duration_for(base, Some(72)), Duration::from_millis(4000));
    }

    #[test]
    fn only_queued_and_processing_jobs_can_be_cancelled() {
        let cancellable: Vec<_> = JobStatus::ALL.into_iter().filter(can_cancel).collect();
        assert_eq!(cancellable, [JobStatus::Queued, JobStatus::Processing]);
    }
}
