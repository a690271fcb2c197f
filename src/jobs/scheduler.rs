//! One scheduler for every job in flight: who is due for a poll, when the next one is due
//! (so a timer can sleep until then), and how long to wait after a failure (exponential
//! backoff with jitter, or the server's `Retry-After`). Jobs that are nearly due ride along
//! with one that is, so jobs in flight converge on one rhythm and one list request serves
//! them all. Time is passed in as milliseconds, so the logic runs on the host in tests.

use super::backoff::Backoff;
use std::collections::BTreeMap;

/// Backoff never waits longer than this.
const MAX_BACKOFF_MS: f64 = 60_000.0;
/// A job due within this share of an interval is asked about with the one that is due.
const RIDE_ALONG: f64 = 0.5;
/// How far a poll's interval is stretched or shrunk at random, so that many studios behind
/// one proxy do not poll in step: ±10 %, the mean unchanged.
const SPREAD: f64 = 0.1;

#[derive(Debug, Clone, PartialEq)]
struct Tracked {
    next_at: f64,
    failures: u32,
    in_flight: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PollScheduler {
    interval_ms: f64,
    jobs: BTreeMap<String, Tracked>,
}

impl PollScheduler {
    pub fn new(interval_ms: f64) -> Self {
        PollScheduler {
            interval_ms,
            jobs: BTreeMap::new(),
        }
    }

    /// Changes how often jobs are polled. A job already waiting longer than the new interval
    /// is brought forward, so a shorter interval takes effect at once.
    pub fn set_interval(&mut self, interval_ms: f64, now: f64) {
        if interval_ms == self.interval_ms {
            return;
        }
        self.interval_ms = interval_ms;
        for job in self.jobs.values_mut() {
            if job.failures == 0 && !job.in_flight {
                job.next_at = job.next_at.min(now + interval_ms);
            }
        }
    }

    /// Makes the tracked set equal `pending`: new jobs are first polled one interval from
    /// now (Krea has nothing new to say sooner); jobs no longer pending are forgotten.
    pub fn sync(&mut self, pending: &[String], now: f64) {
        self.jobs.retain(|id, _| pending.contains(id));
        for id in pending {
            self.jobs.entry(id.clone()).or_insert(Tracked {
                next_at: now + self.interval_ms,
                failures: 0,
                in_flight: false,
            });
        }
    }

    /// When the next poll is due: the earliest job with no request under way, if any.
    pub fn next_due(&self) -> Option<f64> {
        self.jobs
            .values()
            .filter(|job| !job.in_flight)
            .map(|job| job.next_at)
            .min_by(f64::total_cmp)
    }

    /// If some job is due at `now`, it and every job due within half an interval, with no
    /// request under way; they are marked in flight. Nothing otherwise.
    pub fn take_due(&mut self, now: f64) -> Vec<String> {
        let idle = |job: &Tracked| !job.in_flight;
        if !self
            .jobs
            .values()
            .any(|job| idle(job) && job.next_at <= now)
        {
            return Vec::new();
        }
        let horizon = now + self.interval_ms * RIDE_ALONG;
        self.jobs
            .iter_mut()
            .filter(|(_, job)| idle(job) && job.next_at <= horizon)
            .map(|(id, job)| {
                job.in_flight = true;
                id.clone()
            })
            .collect()
    }

    /// Whether this job is followed (pending, and not forgotten).
    pub fn tracks(&self, id: &str) -> bool {
        self.jobs.contains_key(id)
    }

    /// Krea answered about this job (on its own or in a list); the next poll is one
    /// interval away, stretched by `jitter` in `[0, 1)` by up to ±10 %.
    pub fn succeeded(&mut self, id: &str, now: f64, jitter: f64) {
        let interval = self.interval_ms * (1.0 + SPREAD * (2.0 * jitter.clamp(0.0, 1.0) - 1.0));
        if let Some(job) = self.jobs.get_mut(id) {
            job.in_flight = false;
            job.failures = 0;
            job.next_at = now + interval;
        }
    }

    /// A poll failed (network, 429, 5xx). `retry_after_ms` from the server wins; otherwise
    /// wait `interval × 2^failures`, capped, stretched by `jitter` in `[0, 1)` so that many
    /// jobs do not retry in lockstep.
    pub fn failed(&mut self, id: &str, now: f64, retry_after_ms: Option<f64>, jitter: f64) {
        // The first wait is two intervals.
        let backoff = Backoff {
            first_ms: 2.0 * self.interval_ms,
            max_ms: MAX_BACKOFF_MS,
        };
        if let Some(job) = self.jobs.get_mut(id) {
            job.in_flight = false;
            job.failures = job.failures.saturating_add(1);
            job.next_at = now + backoff.wait(job.failures, retry_after_ms, jitter);
        }
    }

    /// Drops every request under way (they were aborted): their jobs are due again now.
    pub fn abandon_requests(&mut self, now: f64) {
        for job in self.jobs.values_mut().filter(|job| job.in_flight) {
            job.in_flight = false;
            job.next_at = job.next_at.min(now);
        }
    }
}

/// Jobs listed beyond the studio's own newest ones, for jobs made meanwhile elsewhere with
/// the same Krea account (another app, another person behind the proxy).
const LIST_MARGIN: usize = 20;
/// The most jobs Krea lists at once.
const LIST_MAX: usize = 1000;

/// How many jobs one `GET /jobs` asks for to cover jobs that sit `depth` deep in the
/// studio's history (newest first).
pub fn list_limit(depth: usize) -> usize {
    (depth + LIST_MARGIN).clamp(1, LIST_MAX)
}

/// `Retry-After` in milliseconds, from its delta-seconds form. (The HTTP-date form needs a
/// clock and is read by the client.)
pub fn retry_after_seconds(value: &str) -> Option<f64> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn new_jobs_are_polled_one_interval_later_and_not_twice_at_once() {
        let mut scheduler = PollScheduler::new(2000.0);
        scheduler.sync(&ids(&["a", "b"]), 0.0);
        assert!(scheduler.take_due(1999.0).is_empty());
        assert_eq!(scheduler.take_due(2000.0), ids(&["a", "b"]));
        assert!(scheduler.take_due(9000.0).is_empty(), "in flight");
        scheduler.succeeded("a", 2100.0, 0.5);
        assert!(scheduler.take_due(4099.0).is_empty());
        assert_eq!(scheduler.take_due(4100.0), ids(&["a"]));
    }

    #[test]
    fn finished_jobs_are_forgotten_and_the_scheduler_goes_idle() {
        let mut scheduler = PollScheduler::new(2000.0);
        scheduler.sync(&ids(&["a", "b"]), 0.0);
        scheduler.sync(&ids(&["b"]), 10.0);
        assert_eq!(scheduler.take_due(5000.0), ids(&["b"]));
        scheduler.sync(&[], 0.0);
        assert!(scheduler.jobs.is_empty());
        assert!(scheduler.take_due(1e9).is_empty());
    }

    #[test]
    fn failures_back_off_exponentially_with_jitter_and_a_cap() {
        let mut scheduler = PollScheduler::new(2000.0);
        scheduler.sync(&ids(&["a"]), 0.0);
        let mut now = 2000.0;
        let mut waits = Vec::new();
        for _ in 0..8 {
            assert_eq!(scheduler.take_due(now), ids(&["a"]));
            scheduler.failed("a", now, None, 0.0);
            let next = scheduler.jobs["a"].next_at;
            waits.push(next - now);
            now = next;
        }
        assert_eq!(&waits[..4], &[4000.0, 8000.0, 16000.0, 32000.0]);
        assert!(waits.iter().all(|w| *w <= MAX_BACKOFF_MS));
        scheduler.take_due(now);
        scheduler.failed("a", now, None, 1.0);
        assert_eq!(scheduler.jobs["a"].next_at - now, MAX_BACKOFF_MS * 1.25);
        scheduler.take_due(1e12);
        scheduler.succeeded("a", 0.0, 0.5);
        assert_eq!(scheduler.jobs["a"].failures, 0);
    }

    #[test]
    fn a_new_interval_applies_to_the_next_polls_and_shorter_ones_at_once() {
        let mut scheduler = PollScheduler::new(10_000.0);
        scheduler.sync(&ids(&["a"]), 0.0);
        scheduler.set_interval(2000.0, 500.0);
        assert_eq!(scheduler.take_due(2500.0), ids(&["a"]), "brought forward");
        scheduler.set_interval(30_000.0, 2600.0);
        scheduler.succeeded("a", 2600.0, 0.5);
        assert!(scheduler.take_due(32_599.0).is_empty());
        assert_eq!(scheduler.take_due(32_600.0), ids(&["a"]));
    }

    #[test]
    fn jobs_nearly_due_ride_along_so_jobs_converge_on_one_rhythm() {
        let mut scheduler = PollScheduler::new(2000.0);
        scheduler.sync(&ids(&["a"]), 0.0);
        scheduler.sync(&ids(&["a", "b"]), 900.0);
        scheduler.sync(&ids(&["a", "b", "c"]), 1500.0);
        assert_eq!(scheduler.next_due(), Some(2000.0));
        // b is due 900 ms later: within half an interval, so it comes along; c is not.
        assert_eq!(scheduler.take_due(2000.0), ids(&["a", "b"]));
        assert_eq!(scheduler.next_due(), Some(3500.0), "only c is idle");
        for id in ["a", "b"] {
            scheduler.succeeded(id, 2100.0, 0.5);
        }
        assert!(scheduler.take_due(3499.0).is_empty());
        // c is due, and a and b (due at 4100) come along: one round serves all three.
        assert_eq!(scheduler.take_due(3500.0), ids(&["a", "b", "c"]));
        assert_eq!(scheduler.next_due(), None, "everything is in flight");
    }

    #[test]
    fn jitter_spreads_the_next_poll_by_a_tenth_either_way() {
        let mut scheduler = PollScheduler::new(2000.0);
        scheduler.sync(&ids(&["a"]), 0.0);
        let mut next = |jitter| {
            scheduler.take_due(1e12);
            scheduler.succeeded("a", 0.0, jitter);
            scheduler.next_due().unwrap()
        };
        assert_eq!(next(0.0), 1800.0);
        assert_eq!(next(0.5), 2000.0);
        assert!((next(0.999_999) - 2200.0).abs() < 0.01);
    }

    #[test]
    fn abandoned_requests_are_due_again_at_once() {
        let mut scheduler = PollScheduler::new(2000.0);
        scheduler.sync(&ids(&["a", "b"]), 0.0);
        assert_eq!(scheduler.take_due(2000.0), ids(&["a", "b"]));
        scheduler.abandon_requests(2500.0);
        assert_eq!(scheduler.next_due(), Some(2000.0));
        assert!(scheduler.tracks("a") && !scheduler.tracks("z"));
        assert_eq!(scheduler.take_due(2500.0), ids(&["a", "b"]));
    }

    #[test]
    fn a_list_reaches_the_oldest_job_asked_about_with_a_margin_and_krea_s_cap() {
        assert_eq!(list_limit(0), LIST_MARGIN);
        assert_eq!(list_limit(100), 100 + LIST_MARGIN);
        assert_eq!(list_limit(5000), LIST_MAX);
    }

    #[test]
    fn retry_after_wins_over_backoff() {
        let mut scheduler = PollScheduler::new(2000.0);
        scheduler.sync(&ids(&["a"]), 0.0);
        scheduler.take_due(2000.0);
        scheduler.failed("a", 2000.0, retry_after_seconds("7"), 0.5);
        assert_eq!(scheduler.jobs["a"].next_at, 9000.0);
        assert_eq!(retry_after_seconds(" 0 "), Some(0.0));
        assert_eq!(retry_after_seconds("-1"), None);
        assert_eq!(retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
