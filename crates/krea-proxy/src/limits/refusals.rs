//! What a refusal says: Krea's error shape with the right status (429 with `Retry-After` and
//! the `RateLimit` headers for a rate or the jobs in flight, 402 for a spent budget saying
//! which and when it resets, 503 when nobody can check), in words the studio shows as they are.

use crate::error::ProxyError;
use crate::limits::{Period, RateState, Refusal};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

pub const RATE_LIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const RATE_LIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
/// When a caller at its cap of jobs in flight may try again: a job takes seconds.
const IN_FLIGHT_RETRY: Duration = Duration::from_secs(5);

/// The refusal as the caller hears it; `counts` is what the rate rules count, in words
/// ("generate requests", "uploads").
pub fn refused(refusal: Refusal, now_ms: u64, counts: &str) -> ProxyError {
    match refusal {
        Refusal::Rate {
            states,
            retry_after,
        } => {
            let used_up = states.iter().find(|s| s.remaining == 0);
            let rule = used_up.map_or_else(String::new, |s| {
                format!(
                    "{} {} per {}",
                    s.policy.count,
                    counts,
                    window_words(s.policy.window)
                )
            });
            let secs = retry_after.as_secs().max(1);
            let mut headers = HeaderMap::new();
            rate_headers(&states, &mut headers);
            ProxyError::TooManyRequests {
                message: format!(
                    "Rate limit reached ({rule}); try again in {}",
                    duration_words(secs)
                ),
                retry_after,
                rate_headers: Box::new(headers),
            }
        }
        Refusal::Unavailable => ProxyError::Unavailable(
            "The proxy cannot check its limits right now; try again in a moment".into(),
        ),
        Refusal::InFlight { cap } => ProxyError::TooManyRequests {
            message: format!(
                "{cap} of your jobs are still in flight, the most this proxy allows; \
                 send this one when one of them is done"
            ),
            retry_after: IN_FLIGHT_RETRY,
            rate_headers: Box::default(),
        },
        Refusal::Budget {
            scope,
            period,
            resets_in,
        } => {
            let secs = resets_in.as_secs().max(1);
            let at = crate::state::rfc3339(now_ms + resets_in.as_millis() as u64);
            let (what, whose) = match (scope.strip_prefix("key:"), scope.strip_prefix("site:")) {
                (Some(name), _) => ("budget", format!("for the key {name}")),
                (_, Some(site)) => ("allowance", format!("for visitors of {site}")),
                _ => ("budget", "on this proxy".to_owned()),
            };
            let (which, when) = match period {
                Period::Day => ("Today's", "at midnight UTC"),
                Period::Month => ("This month's", "on the 1st at midnight UTC"),
            };
            ProxyError::BudgetSpent {
                message: format!(
                    "{which} {what} {whose} is spent; it resets {when}, in {}",
                    duration_words(secs)
                ),
                retry_after: resets_in,
                resets_at: at,
            }
        }
    }
}

/// A rate refusal of an allowance callers share says whose it is.
pub(super) fn for_everyone(refused: ProxyError, scope: &str) -> ProxyError {
    let whose = scope.strip_prefix("site:").unwrap_or(scope);
    match refused {
        ProxyError::TooManyRequests {
            message,
            retry_after,
            rate_headers,
        } => ProxyError::TooManyRequests {
            message: message.replacen(
                "Rate limit reached (",
                &format!("Rate limit reached for every visitor of {whose} ("),
                1,
            ),
            retry_after,
            rate_headers,
        },
        other => other,
    }
}

/// `RateLimit-Policy` lists every rule; `RateLimit` says the one closest to running out
/// (IETF httpapi rate-limit headers: `"name";q=10;w=60` and `"name";r=7;t=42`).
pub fn rate_headers(states: &[RateState], headers: &mut HeaderMap) {
    if states.is_empty() {
        return;
    }
    let policies: Vec<String> = states
        .iter()
        .map(|s| {
            format!(
                "\"{}\";q={};w={}",
                s.policy.name(),
                s.policy.count,
                s.policy.window.as_secs()
            )
        })
        .collect();
    let tightest = states
        .iter()
        .min_by_key(|s| (s.remaining, std::cmp::Reverse(s.reset)))
        .expect("not empty");
    let current = format!(
        "\"{}\";r={};t={}",
        tightest.policy.name(),
        tightest.remaining,
        tightest.reset.as_secs()
    );
    if let Ok(value) = HeaderValue::from_str(&policies.join(", ")) {
        headers.insert(RATE_LIMIT_POLICY, value);
    }
    if let Ok(value) = HeaderValue::from_str(&current) {
        headers.insert(RATE_LIMIT, value);
    }
}

fn window_words(window: Duration) -> &'static str {
    match window.as_secs() {
        60 => "minute",
        3600 => "hour",
        _ => "day",
    }
}

pub(super) fn duration_words(secs: u64) -> String {
    match secs {
        0..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min", secs.div_ceil(60)),
        3600..=172_799 => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
        _ => format!("{} days {} h", secs / 86_400, (secs % 86_400) / 3600),
    }
}
