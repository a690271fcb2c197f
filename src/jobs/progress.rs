//! How far along a job in flight is, against how long its model typically takes. Krea sends
//! no percentage, so the bar is an estimate that never claims to be done before Krea says so.

/// Used when a model's typical time is unknown.
const FALLBACK_TYPICAL_SECS: f64 = 20.0;
/// The bar stops short of full until the job finishes.
const MOST: f64 = 0.95;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub elapsed_secs: u64,
    /// What the bar measures against: the model's typical time, or a guess.
    pub typical_secs: u32,
    /// 0 to 0.95.
    pub fraction: f64,
    /// Longer than twice the typical time: worth telling the person.
    pub slow: bool,
}

impl Progress {
    pub fn new(elapsed_ms: f64, typical_secs: Option<u32>) -> Progress {
        let elapsed = (elapsed_ms / 1000.0).max(0.0);
        let typical = typical_secs
            .map_or(FALLBACK_TYPICAL_SECS, f64::from)
            .max(1.0);
        Progress {
            elapsed_secs: elapsed.floor() as u64,
            typical_secs: typical.round() as u32,
            fraction: (elapsed / typical).min(MOST),
            slow: elapsed > 2.0 * typical,
        }
    }

    pub fn percent(&self) -> u32 {
        (self.fraction * 100.0).round() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_follows_the_typical_time_and_never_claims_done() {
        let start = Progress::new(-500.0, Some(10));
        assert_eq!(
            (start.elapsed_secs, start.percent(), start.slow),
            (0, 0, false)
        );
        let half = Progress::new(5_400.0, Some(10));
        assert_eq!((half.elapsed_secs, half.percent()), (5, 54));
        let late = Progress::new(25_000.0, Some(10));
        assert_eq!((late.percent(), late.slow), (95, true));
        assert_eq!(Progress::new(10_000.0, None).percent(), 50);
        assert_eq!(Progress::new(0.0, Some(7)).typical_secs, 7);
        assert_eq!(Progress::new(0.0, None).typical_secs, 20);
    }
}
