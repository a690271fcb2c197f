//! Budget alerts: when a budget's spend reaches 50 %, 80 % or 100 % of it, the proxy logs it
//! once and, with `--alert-webhook`, posts a small JSON once per threshold per period.
//!
//! "Once" holds across replicas and restarts: the first to mark the threshold in the limits
//! store ([`LimitStore::first_time`]) sends it, and nobody after. A mark is taken before the
//! post, so a proxy that dies between the two loses that alert rather than sending it twice.
//! The post is retried with backoff while the receiver fails; every try carries the same
//! `id`, for a receiver that saw a try whose answer was lost.

use super::window::DAY_MS;
use super::{Budget, LimitStore, Period};
use crate::secret::Secret;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

/// The shares of a budget, in percent, that raise an alert.
pub const THRESHOLDS: [u64; 3] = [50, 80, 100];
/// Tries of one post before it is given up (logged).
const TRIES: u32 = 6;
/// The wait after the first failed try; it doubles after each.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// One threshold reached by one budget in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub budget: Budget,
    pub threshold: u64,
    pub spent_micros: u64,
    /// The budget's counter in this period ([`Budget::counter`]).
    pub counter: String,
    /// When the period began, milliseconds since 1970.
    pub period_start_ms: u64,
}

impl Alert {
    /// The thresholds `spent_micros` of `budget` has reached (100 % also when the budget
    /// refused a job, `refused`, which it does before spend reaches the limit).
    pub fn reached(
        budget: &Budget,
        spent_micros: u64,
        refused: bool,
        now_ms: u64,
    ) -> impl Iterator<Item = Alert> + '_ {
        let counter = budget.counter(now_ms);
        let period_start_ms = period_start(budget.period, now_ms);
        THRESHOLDS
            .into_iter()
            .filter(move |&threshold| {
                (threshold == 100 && refused)
                    || u128::from(spent_micros) * 100
                        >= u128::from(threshold) * u128::from(budget.limit_micros)
            })
            .map(move |threshold| Alert {
                budget: budget.clone(),
                threshold,
                spent_micros,
                counter: counter.clone(),
                period_start_ms,
            })
    }

    /// Names this alert in the store: one per budget, period and threshold.
    pub fn mark(&self) -> String {
        format!("alert\u{1e}{}\u{1e}{}", self.counter, self.threshold)
    }

    /// Until when the mark must be kept: past the period's end.
    pub fn mark_until(&self, now_ms: u64) -> u64 {
        now_ms + self.budget.keep_for().as_millis() as u64
    }

    /// Who spends the budget, in words: "the key designer" or "this proxy".
    fn whose(&self) -> String {
        let scope = &self.budget.scope;
        match (scope.strip_prefix("key:"), scope.strip_prefix("site:")) {
            (Some(name), _) => format!("the key {name}"),
            (_, Some(site)) => format!("the visitors of {site}"),
            _ => "this proxy".to_owned(),
        }
    }

    /// The alert in one sentence, as a chat shows it.
    pub fn words(&self) -> String {
        let which = match self.budget.period {
            Period::Day => "today's",
            Period::Month => "this month's",
        };
        format!(
            "Krea proxy: {} has spent {} % of {which} budget ({} of {})",
            self.whose(),
            self.threshold,
            dollars(self.spent_micros),
            dollars(self.budget.limit_micros)
        )
    }

    /// What the webhook receives. `text` and `content` carry the sentence, so a Slack or a
    /// Discord incoming webhook shows it as it is; the rest is for programs.
    pub fn body(&self) -> Value {
        let usd = |micros: u64| micros as f64 / 1_000_000.0;
        let scope = &self.budget.scope;
        let (scope, name) = match (scope.strip_prefix("key:"), scope.strip_prefix("site:")) {
            (Some(name), _) => ("key", Some(name)),
            (_, Some(site)) => ("site", Some(site)),
            _ => ("proxy", None),
        };
        let words = self.words();
        json!({
            "id": crate::secret::hex(&sha2_of(&self.mark())),
            "type": "budget.threshold",
            "text": words,
            "content": words,
            "threshold_percent": self.threshold,
            "budget": {
                "scope": scope,
                "name": name,
                "period": match self.budget.period { Period::Day => "day", Period::Month => "month" },
                "period_start": crate::state::rfc3339(self.period_start_ms),
                "limit_usd": usd(self.budget.limit_micros),
            },
            "spent_usd": usd(self.spent_micros),
            "left_usd": usd(self.budget.limit_micros.saturating_sub(self.spent_micros)),
        })
    }
}

/// Raises alerts: each once (through the store's marks), logged, and posted when a webhook
/// is set.
pub struct Alerts {
    webhook: Option<Secret>,
    client: reqwest::Client,
    /// Marks this process knows are taken, so a busy budget past a threshold does not ask
    /// the store again on every job.
    known: Mutex<HashSet<String>>,
}

impl Alerts {
    pub fn new(webhook: Option<Secret>) -> Self {
        Alerts {
            webhook,
            client: reqwest::Client::builder()
                .timeout(POST_TIMEOUT)
                .build()
                .unwrap_or_default(),
            known: Mutex::default(),
        }
    }

    /// Raises each alert in `alerts` that nobody raised before.
    pub async fn raise(
        &self,
        store: &dyn LimitStore,
        alerts: impl Iterator<Item = Alert>,
        now_ms: u64,
    ) {
        for alert in alerts {
            let mark = alert.mark();
            if !self.newly_known(&mark) {
                continue;
            }
            if !store
                .first_time(&mark, now_ms, alert.mark_until(now_ms))
                .await
            {
                continue;
            }
            tracing::warn!(
                threshold = alert.threshold,
                spent_usd = alert.spent_micros as f64 / 1e6,
                limit_usd = alert.budget.limit_micros as f64 / 1e6,
                "budget alert: {}",
                alert.words()
            );
            if let Some(url) = &self.webhook {
                tokio::spawn(post(self.client.clone(), url.clone(), alert.body()));
            }
        }
    }

    /// Whether this process has yet to see `mark` (and now has).
    fn newly_known(&self, mark: &str) -> bool {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        // Marks of periods long over need not be remembered.
        if known.len() > 10_000 {
            known.clear();
        }
        known.insert(mark.to_owned())
    }
}

/// Posts `body` until the receiver takes it (2xx), gives up on a refusal (4xx but 408 and
/// 429), or after [`TRIES`]. The URL is a credential (a Slack webhook's is): it is never
/// logged, only its host.
async fn post(client: reqwest::Client, url: Secret, body: Value) {
    let host = reqwest::Url::parse(url.expose())
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let mut wait = FIRST_BACKOFF;
    for attempt in 1..=TRIES {
        let outcome = client
            .post(url.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await;
        let why = match outcome {
            Ok(answer) if answer.status().is_success() => return,
            Ok(answer) => {
                let status = answer.status();
                let final_refusal = status.is_client_error()
                    && status != reqwest::StatusCode::REQUEST_TIMEOUT
                    && status != reqwest::StatusCode::TOO_MANY_REQUESTS;
                if final_refusal {
                    tracing::error!("budget alert: the webhook at {host} refused it ({status})");
                    return;
                }
                format!("answered {status}")
            }
            Err(error) if error.is_timeout() => "did not answer in time".to_owned(),
            Err(_) => "could not be reached".to_owned(),
        };
        if attempt == TRIES {
            tracing::error!(
                "budget alert: the webhook at {host} {why}; given up after {TRIES} tries"
            );
            return;
        }
        tracing::warn!("budget alert: the webhook at {host} {why}; trying again in {wait:?}");
        tokio::time::sleep(wait + Duration::from_millis(fastrand::u64(0..250))).await;
        wait *= 2;
    }
}

fn sha2_of(text: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())[..16].to_vec()
}

/// The first millisecond of the period `now_ms` is in.
fn period_start(period: Period, now_ms: u64) -> u64 {
    match period {
        Period::Day => now_ms / DAY_MS * DAY_MS,
        Period::Month => {
            let time = time::OffsetDateTime::from_unix_timestamp((now_ms / 1000) as i64)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            let first = time.date().replace_day(1).unwrap_or(time.date());
            first.midnight().assume_utc().unix_timestamp().max(0) as u64 * 1000
        }
    }
}

fn dollars(micros: u64) -> String {
    format!("${:.2}", micros as f64 / 1_000_000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_day(limit_usd: f64) -> Budget {
        Budget {
            scope: "key:designer".to_owned(),
            period: Period::Day,
            limit_micros: (limit_usd * 1e6) as u64,
        }
    }

    /// 2026-12-04T15:00:00Z.
    const NOW: u64 = 1_796_396_400_000;

    fn thresholds(budget: &Budget, spent_usd: f64, refused: bool) -> Vec<u64> {
        Alert::reached(budget, (spent_usd * 1e6) as u64, refused, NOW)
            .map(|a| a.threshold)
            .collect()
    }

    #[test]
    fn thresholds_are_reached_at_their_share_to_the_micro_and_100_also_by_a_refusal() {
        let budget = key_day(0.10);
        assert!(thresholds(&budget, 0.049_999, false).is_empty());
        assert_eq!(thresholds(&budget, 0.05, false), [50]);
        assert_eq!(thresholds(&budget, 0.09, false), [50, 80]);
        assert_eq!(thresholds(&budget, 0.09, true), [50, 80, 100]);
        assert_eq!(thresholds(&budget, 0.10, false), [50, 80, 100]);
    }

    #[test]
    fn an_alert_is_one_per_budget_period_and_threshold_and_says_what_it_is() {
        let budget = key_day(5.0);
        let alert = Alert::reached(&budget, 4_000_000, false, NOW)
            .find(|a| a.threshold == 80)
            .unwrap();
        let tomorrow = Alert::reached(&budget, 4_000_000, false, NOW + DAY_MS)
            .find(|a| a.threshold == 80)
            .unwrap();
        assert_ne!(alert.mark(), tomorrow.mark());
        let body = alert.body();
        assert_eq!(
            body["text"],
            "Krea proxy: the key designer has spent 80 % of today's budget ($4.00 of $5.00)"
        );
        assert_eq!(body["content"], body["text"]);
        assert_eq!(body["budget"]["period_start"], "2026-12-04T00:00:00Z");
        assert_eq!(body["budget"]["name"], "designer");
        assert_eq!(body["left_usd"], 1.0);
        assert_eq!(body["id"].as_str().unwrap().len(), 32);
    }

    #[test]
    fn a_month_begins_on_the_first_at_midnight_utc() {
        assert_eq!(
            crate::state::rfc3339(period_start(Period::Month, NOW)),
            "2026-12-01T00:00:00Z"
        );
    }
}
