//! Helpers shared by the browser test files.

use gloo_timers::future::TimeoutFuture;

/// Waits up to `seconds` for `ready`, checking every 50 ms.
pub async fn eventually(seconds: u32, what: &str, mut ready: impl FnMut() -> bool) {
    for _ in 0..seconds * 20 {
        if ready() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("timed out waiting for {what}");
}
