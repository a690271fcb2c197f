//! `GET /usage`: what the caller spent today and this month, by model, and what is left;
//! an admin (a key that sees the whole account) sees every key, site and the proxy too.

use super::Shared;
use crate::callers::Caller;
use crate::error::ProxyError;
use crate::usage::counter::{own_scope, PROXY};
use crate::usage::report::{row, Limits};
use crate::usage::Counts;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::collections::BTreeSet;

fn counts_of(tallies: &[(String, Counts)], scope: &str) -> Counts {
    tallies
        .iter()
        .find(|(s, _)| s == scope)
        .map(|(_, counts)| counts.clone())
        .unwrap_or_default()
}

pub async fn usage(State(proxy): Shared, caller: Caller) -> Result<Response, ProxyError> {
    let Some(usage) = &proxy.usage else {
        return Err(ProxyError::NotFound(
            "This proxy keeps no usage: it has one user and no limits (the studio's Spending \
             panel counts from the history)"
                .into(),
        ));
    };
    let unreadable = || ProxyError::Unavailable("The proxy cannot read its usage right now".into());
    let identity = proxy.identity.current();
    let limits_of = |scope: &str| {
        if scope == PROXY {
            Limits {
                day: proxy.gate.proxy_day_budget(),
                month: None,
            }
        } else {
            let (day, month) = identity.budgets_of(scope);
            Limits { day, month }
        }
    };
    let periods = usage.periods();
    let own = own_scope(&caller);
    let mine = [own.clone()];
    let scopes = (!caller.sees_all).then_some(&mine[..]);
    // An admin's read lists every scope, their own among them.
    let today = usage
        .read(&periods.day, scopes)
        .await
        .ok_or_else(unreadable)?;
    let month = usage
        .read(&periods.month, scopes)
        .await
        .ok_or_else(unreadable)?;
    let row_of = |scope: &str| {
        row(
            scope,
            &counts_of(&today, scope),
            &counts_of(&month, scope),
            limits_of(scope),
        )
    };
    let mut answer = serde_json::json!({
        "day": periods.day,
        "month": periods.month,
        "own": row_of(&own),
    });
    if caller.sees_all {
        let everyone: BTreeSet<String> = today
            .iter()
            .chain(&month)
            .map(|(scope, _)| scope.clone())
            .chain(identity.scopes())
            .chain([PROXY.to_owned()])
            .collect();
        answer["everyone"] = everyone.iter().map(|scope| row_of(scope)).collect();
    }
    Ok(Json(answer).into_response())
}
