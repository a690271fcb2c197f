//! How often jobs are asked about, in one place: the person's interval, the slow safety net
//! while the proxy pushes results, the slower pace of a hidden tab, and how long to leave a
//! job whose answer will not change by asking again soon. The scheduler (`scheduler.rs`)
//! applies these; backoff after a failure is `backoff.rs`.

/// With the proxy's stream open, polling only catches deliveries that were lost.
pub const SAFETY_NET_SECS: u32 = 10;
/// While the tab is in the background, jobs are checked at most this often.
pub const HIDDEN_PACE_MS: f64 = 30_000.0;
/// Answers that will not change by retrying soon (404: the job is gone, 401: the proxy's
/// token) are asked again this often, in case the operator fixes it.
pub const PERMANENT_ERROR_PACE_MS: f64 = 60_000.0;

/// The interval between rounds, in seconds: the person's choice, or the safety net's while
/// results are pushed.
pub fn interval_secs(chosen_secs: u32, stream_open: bool) -> u32 {
    if stream_open {
        SAFETY_NET_SECS
    } else {
        chosen_secs
    }
}

/// The time between rounds at `interval_secs`, slowed while the tab is hidden.
pub fn pace_ms(interval_secs: u32, hidden: bool) -> f64 {
    let interval = f64::from(interval_secs) * 1000.0;
    if hidden {
        interval.max(HIDDEN_PACE_MS)
    } else {
        interval
    }
}

/// How long the server asked to wait after a failed read: its `Retry-After` for a failure
/// worth retrying, the permanent-error pace for one that is not (backoff decides when
/// neither says).
pub fn wait_after_failure(transient: bool, retry_after_ms: Option<f64>) -> Option<f64> {
    if transient {
        retry_after_ms
    } else {
        Some(PERMANENT_ERROR_PACE_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushed_results_poll_as_a_safety_net_and_a_hidden_tab_slows_down() {
        assert_eq!(interval_secs(2, false), 2);
        assert_eq!(interval_secs(2, true), SAFETY_NET_SECS);
        assert_eq!(pace_ms(2, false), 2_000.0);
        assert_eq!(pace_ms(2, true), HIDDEN_PACE_MS);
        assert_eq!(pace_ms(60, true), 60_000.0, "never faster than chosen");
    }

    #[test]
    fn a_permanent_error_waits_long_and_a_transient_one_as_the_server_asks() {
        assert_eq!(wait_after_failure(true, Some(7_000.0)), Some(7_000.0));
        assert_eq!(wait_after_failure(true, None), None);
        assert_eq!(
            wait_after_failure(false, Some(1.0)),
            Some(PERMANENT_ERROR_PACE_MS)
        );
    }
}
