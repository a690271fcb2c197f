//! The time budgets are counted in. It is the system's clock; tests move it forward to cross
//! a day or a month without waiting, so a budget's reset is tested as it happens, not mocked.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The system's clock, plus however far a test has moved it. Clones share the move.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    ahead_ms: Arc<AtomicU64>,
}

impl Clock {
    /// Milliseconds since 1970.
    pub fn now_ms(&self) -> u64 {
        crate::state::now_ms() + self.ahead_ms.load(Ordering::Relaxed)
    }

    /// Moves this clock (and its clones) `by` forward.
    pub fn advance(&self, by: Duration) {
        self.ahead_ms
            .fetch_add(by.as_millis() as u64, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_clock_moves_its_clones_and_no_other() {
        let clock = Clock::default();
        let clone = clock.clone();
        let other = Clock::default();
        clock.advance(Duration::from_secs(86_400));
        let day_ms = 86_400_000;
        assert!(clone.now_ms() >= other.now_ms() + day_ms - 1000);
        assert!(clone.now_ms() <= other.now_ms() + day_ms + 1000);
    }
}
