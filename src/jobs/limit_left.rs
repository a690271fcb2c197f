//! What the proxy's limits leave a caller (`GET /limits`), as the form shows it under
//! Generate: requests left under the tightest rate rule, dollars left of the tightest
//! budget.

use serde_json::Value;

/// Where a caller stands under the proxy's limits: the rate limit and the budget closest to
/// running out, each if the proxy has one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimitLeft {
    pub rate: Option<RateLeft>,
    pub budget: Option<BudgetLeft>,
}

/// Requests left under one rate rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLeft {
    pub remaining: u32,
    pub limit: u32,
    pub window_secs: u64,
}

/// Dollars left of one budget, this UTC day (`monthly` false) or month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetLeft {
    pub left_usd: f64,
    pub limit_usd: f64,
    pub monthly: bool,
}

/// What `GET /limits` says, as the form shows it: the rate rule with the fewest requests
/// left, and the budget with the fewest dollars left (one whose spend the proxy could not
/// read is left out).
pub fn limit_left_of(body: &Value) -> Option<LimitLeft> {
    let list = |key: &str| body[key].as_array().into_iter().flatten();
    let number = |rate: &Value, key: &str| rate[key].as_u64().unwrap_or(0);
    let rate = list("rates")
        .map(|rate| RateLeft {
            remaining: number(rate, "remaining") as u32,
            limit: number(rate, "limit") as u32,
            window_secs: number(rate, "window_secs"),
        })
        .min_by_key(|left| (left.remaining, std::cmp::Reverse(left.window_secs)));
    let budget = list("budgets")
        .filter_map(|budget| {
            Some(BudgetLeft {
                left_usd: budget["left_usd"].as_f64()?,
                limit_usd: budget["limit_usd"].as_f64()?,
                monthly: budget["period"] == "month",
            })
        })
        .min_by(|a, b| a.left_usd.total_cmp(&b.left_usd));
    (rate.is_some() || budget.is_some()).then_some(LimitLeft { rate, budget })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_tightest_rate_and_the_budget_with_least_left_are_shown() {
        let body = json!({
            "rates": [
                {"limit": 10, "window_secs": 60, "remaining": 7},
                {"limit": 200, "window_secs": 86400, "remaining": 150}
            ],
            "budgets": [
                {"period": "day", "limit_usd": 100.0, "left_usd": 40.0},
                {"period": "month", "limit_usd": 50.0, "left_usd": 3.2},
                {"period": "day", "limit_usd": 5.0, "left_usd": null}
            ]
        });
        let left = limit_left_of(&body).unwrap();
        assert_eq!(left.rate.unwrap().remaining, 7);
        let budget = left.budget.unwrap();
        assert_eq!(
            (budget.left_usd, budget.limit_usd, budget.monthly),
            (3.2, 50.0, true)
        );
        assert_eq!(limit_left_of(&json!({"rates": [], "budgets": []})), None);
        let only_budget = limit_left_of(&json!({
            "rates": [],
            "budgets": [{"period": "day", "limit_usd": 5.0, "left_usd": 3.2}]
        }))
        .unwrap();
        assert!(only_budget.rate.is_none() && !only_budget.budget.unwrap().monthly);
    }
}
