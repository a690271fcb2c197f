//! One caller's own limits: a key's, from the keys file (`crate::keys_file`), or those of
//! an embedding site's visitors (`--allow-embed ORIGIN,budget=…,rate=…`).

use super::RatePolicy;

/// One key's own rules from the keys file; what is not set follows the proxy's flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPolicy {
    /// Instead of `--rate`.
    pub rates: Option<Vec<RatePolicy>>,
    /// Instead of `--max-in-flight`.
    pub max_in_flight: Option<u32>,
    /// This key's own budgets per UTC day and month (on top of the proxy-wide one).
    pub day_budget_micros: Option<u64>,
    pub month_budget_micros: Option<u64>,
    /// The only models this key may use (within `--allow-model`); `None` for all.
    pub models: Option<Vec<String>>,
    /// Sees every job of the account.
    pub admin: bool,
    /// What every caller with this policy shares: an embedding site's allowance.
    pub shared: Option<SharedAllowance>,
}

/// Limits several callers spend together: every anonymous visitor of one embedding site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedAllowance {
    /// Whose allowance it is, in the limits store and in words: `site:https://blog.example`.
    pub scope: String,
    /// Generate requests of all of them together, on top of each one's own `--rate`.
    pub rates: Vec<RatePolicy>,
    pub day_budget_micros: Option<u64>,
    pub month_budget_micros: Option<u64>,
}

impl KeyPolicy {
    /// Whether this key may generate with `model`.
    pub fn allows(&self, model: &str) -> bool {
        self.models
            .as_ref()
            .is_none_or(|models| models.iter().any(|m| m == model))
    }
}
