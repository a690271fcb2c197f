//! One key's own limits, from the keys file (`crate::keys_file`).

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
}

impl KeyPolicy {
    /// Whether this key may generate with `model`.
    pub fn allows(&self, model: &str) -> bool {
        self.models
            .as_ref()
            .is_none_or(|models| models.iter().any(|m| m == model))
    }
}
