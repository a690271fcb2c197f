//! How long to wait after a failed request, for every retry the studio makes (a poll, a
//! generation): the server's `Retry-After` wins, within reason; otherwise the wait doubles
//! with each failure up to a cap, stretched by up to a quarter at random so that many
//! retries do not land in lockstep.

/// One retry rule: the first wait and the longest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    pub first_ms: f64,
    pub max_ms: f64,
}

/// A `Retry-After` longer than this many times the longest wait is taken as this: a server
/// that asks for an hour should not silence the studio for an hour.
const RETRY_AFTER_CAP: f64 = 5.0;

impl Backoff {
    /// The wait after the `failures`-th failure in a row (1 for the first), with `jitter`
    /// in `[0, 1)` and the server's `Retry-After` in milliseconds if it sent one.
    pub fn wait(&self, failures: u32, retry_after_ms: Option<f64>, jitter: f64) -> f64 {
        if let Some(asked) = retry_after_ms {
            return asked.clamp(0.0, RETRY_AFTER_CAP * self.max_ms);
        }
        let doubling = 2f64.powi(failures.saturating_sub(1).min(16) as i32);
        let wait = (self.first_ms * doubling).min(self.max_ms);
        wait * (1.0 + 0.25 * jitter.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Backoff = Backoff {
        first_ms: 1_000.0,
        max_ms: 30_000.0,
    };

    #[test]
    fn waits_double_up_to_the_cap_and_jitter_stretches_them_by_a_quarter_at_most() {
        let waits: Vec<f64> = (1..=7).map(|n| RULE.wait(n, None, 0.0)).collect();
        assert_eq!(
            waits,
            [1_000.0, 2_000.0, 4_000.0, 8_000.0, 16_000.0, 30_000.0, 30_000.0]
        );
        assert_eq!(
            RULE.wait(1, None, 0.999_999),
            1_000.0 * (1.0 + 0.25 * 0.999_999)
        );
        assert_eq!(RULE.wait(1, None, 7.0), 1_250.0, "jitter past 1 is 1");
    }

    #[test]
    fn retry_after_wins_within_five_times_the_longest_wait() {
        assert_eq!(RULE.wait(9, Some(7_000.0), 0.5), 7_000.0);
        assert_eq!(RULE.wait(1, Some(0.0), 0.5), 0.0);
        assert_eq!(RULE.wait(1, Some(3_600_000.0), 0.5), 150_000.0);
        assert_eq!(RULE.wait(1, Some(-5.0), 0.5), 0.0);
    }
}
