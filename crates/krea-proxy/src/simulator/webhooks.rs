//! Webhook deliveries as Krea makes them: when a job whose generate request named an
//! `X-Webhook-URL` reaches a terminal state (completed, failed or cancelled), the full job
//! object is POSTed there as JSON. Krea signs nothing and warns that deliveries can repeat;
//! the flags make the simulator repeat, delay or lose deliveries, so receivers are tested
//! against all three.

use super::Simulator;
use std::sync::Arc;
use std::time::Duration;

/// How the simulator's deliveries misbehave (`--sim-webhook-*`).
#[derive(Debug, Clone, Default)]
pub struct WebhookFaults {
    /// Every delivery is made twice.
    pub duplicate: bool,
    /// Time between the job ending and its delivery.
    pub delay: Duration,
    /// Share of deliveries (0 to 1) that never arrive.
    pub loss_rate: f64,
}

/// How often a waiting delivery looks at its job.
const LOOK_EVERY: Duration = Duration::from_millis(50);
/// A delivery whose job has not ended by then is given up (the job was forgotten).
const GIVE_UP_AFTER: Duration = Duration::from_secs(3600);

/// Delivers job `id` to `url` once it has ended, as `faults` say.
pub(super) fn deliver_when_done(sim: Arc<Simulator>, id: String, url: String, origin: String) {
    tokio::spawn(async move {
        let started = tokio::time::Instant::now();
        let job = loop {
            match sim.book.get(&id, &origin) {
                Some(job) if job.status.is_terminal() => break job,
                Some(_) if started.elapsed() < GIVE_UP_AFTER => {
                    tokio::time::sleep(LOOK_EVERY).await
                }
                _ => return,
            }
        };
        let faults = &sim.webhooks;
        if fastrand::f64() < faults.loss_rate {
            tracing::info!(job = %id, "simulated webhook lost");
            return;
        }
        tokio::time::sleep(faults.delay).await;
        let body = serde_json::to_vec(&job).unwrap_or_default();
        let times = if faults.duplicate { 2 } else { 1 };
        for _ in 0..times {
            let sent = sim
                .webhook_client
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            if let Err(error) = sent {
                tracing::info!(job = %id, %error, "simulated webhook not delivered");
            }
        }
    });
}
