//! The sites that may embed the studio, as `--allow-embed` gives them: an origin, and
//! optionally an allowance its visitors share, `https://blog.example,budget=10,rate=30/min`.
//!
//! - `budget=USD` is a day's, `budget=USD/day` or `budget=USD/month` says which (both may
//!   be given);
//! - `rate=COUNT/min|hour|day` counts the generate requests of all the site's visitors
//!   together (repeatable), on top of each visitor's own `--rate`.
//!
//! A visitor's session is bound to the site its studio is embedded in when the session is
//! issued (`POST /session` with `x-krea-site`); every session of one site spends the one
//! allowance.

use crate::limits::{KeyPolicy, RatePolicy, SharedAllowance};
use std::sync::Arc;

/// One site that may embed the studio, and what its visitors may spend.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedSite {
    /// As browsers write it: scheme, host and port, no trailing slash.
    pub origin: String,
    /// The rules of its visitors' sessions (its shared allowance, if it has one).
    pub policy: Arc<KeyPolicy>,
}

impl EmbedSite {
    /// Whether its visitors share an allowance.
    pub fn has_allowance(&self) -> bool {
        self.policy.shared.is_some()
    }

    /// Whether the allowance has a budget, which every model must be priced for.
    pub fn has_budget(&self) -> bool {
        self.policy.shared.as_ref().is_some_and(|shared| {
            shared.day_budget_micros.is_some() || shared.month_budget_micros.is_some()
        })
    }
}

/// Reads every `--allow-embed` value, saying which is wrong and how.
pub fn parse_all(given: &[String]) -> Result<Vec<EmbedSite>, String> {
    let sites = given
        .iter()
        .map(|text| parse(text))
        .collect::<Result<Vec<_>, _>>()?;
    for (at, site) in sites.iter().enumerate() {
        if sites[..at]
            .iter()
            .any(|before| before.origin == site.origin)
        {
            return Err(format!("--allow-embed {} is given twice", site.origin));
        }
    }
    Ok(sites)
}

fn parse(text: &str) -> Result<EmbedSite, String> {
    let mut parts = text.split(',').map(str::trim);
    let origin = parts.next().unwrap_or_default().trim_end_matches('/');
    match super::headers::origin_of(origin) {
        Some(parsed) if parsed == origin => {}
        _ => {
            return Err(format!(
                "--allow-embed {origin}: give an origin like https://blog.example \
                 (scheme, host and port only), then budget=USD or rate=COUNT/min if you like"
            ))
        }
    }
    let refuse = |why: String| format!("--allow-embed {text}: {why}");
    let mut shared = SharedAllowance {
        scope: format!("site:{origin}"),
        ..SharedAllowance::default()
    };
    for part in parts.filter(|p| !p.is_empty()) {
        let (name, value) = part
            .split_once('=')
            .ok_or_else(|| refuse(format!("'{part}' is not budget=USD or rate=COUNT/min")))?;
        match name.trim() {
            "budget" => {
                let (amount, period) = value.split_once('/').unwrap_or((value, "day"));
                let micros = amount
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|usd| usd.is_finite() && *usd > 0.0)
                    .map(|usd| (usd * 1_000_000.0).round() as u64)
                    .ok_or_else(|| refuse(format!("budget '{amount}' is not a positive amount")))?;
                let slot = match period.trim() {
                    "day" => &mut shared.day_budget_micros,
                    "month" => &mut shared.month_budget_micros,
                    other => return Err(refuse(format!("budget per '{other}': say day or month"))),
                };
                *slot = Some(micros);
            }
            "rate" => shared
                .rates
                .push(RatePolicy::parse(value).map_err(|why| refuse(format!("rate {why}")))?),
            other => {
                return Err(refuse(format!(
                    "'{other}' is not an allowance; say budget=USD or rate=COUNT/min"
                )))
            }
        }
    }
    let any = !shared.rates.is_empty()
        || shared.day_budget_micros.is_some()
        || shared.month_budget_micros.is_some();
    Ok(EmbedSite {
        origin: origin.to_owned(),
        policy: Arc::new(KeyPolicy {
            shared: any.then_some(shared),
            ..KeyPolicy::default()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_reads_with_or_without_an_allowance() {
        let sites = parse_all(&[
            "https://blog.example".to_owned(),
            "https://shop.example/,budget=100, budget=2000/month ,rate=30/min".to_owned(),
        ])
        .unwrap();
        assert_eq!(sites[0].origin, "https://blog.example");
        assert!(!sites[0].has_allowance());
        assert_eq!(sites[1].origin, "https://shop.example");
        let shared = sites[1].policy.shared.as_ref().unwrap();
        assert_eq!(shared.scope, "site:https://shop.example");
        assert_eq!(shared.day_budget_micros, Some(100_000_000));
        assert_eq!(shared.month_budget_micros, Some(2_000_000_000));
        assert_eq!(shared.rates[0].count, 30);
        assert!(sites[1].has_budget());
    }

    #[test]
    fn a_wrong_site_says_what_is_wrong() {
        let wrong = |text: &str| parse_all(&[text.to_owned()]).unwrap_err();
        assert!(wrong("https://blog.example/page").contains("scheme, host and port only"));
        assert!(wrong("https://blog.example,budget=-3").contains("not a positive amount"));
        assert!(wrong("https://blog.example,budget=3/week").contains("say day or month"));
        assert!(wrong("https://blog.example,rate=3/fortnight").contains("rate"));
        assert!(wrong("https://blog.example,colour=red").contains("not an allowance"));
        let twice = parse_all(&[
            "https://blog.example".to_owned(),
            "https://blog.example,budget=1".to_owned(),
        ])
        .unwrap_err();
        assert!(twice.contains("given twice"), "{twice}");
    }
}
