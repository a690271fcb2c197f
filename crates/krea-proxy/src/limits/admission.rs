//! The HTTP side of the limits: which generate requests go upstream (refused in the words of
//! `refusals`), the standard `RateLimit` and `RateLimit-Policy` headers on every generate
//! answer, budget alerts as spend crosses their thresholds, and `GET /limits` for a caller to
//! see where it stands before it asks. Without limits configured, none of this runs.

use crate::error::ProxyError;
use crate::limits::alerts::{Alert, Alerts};
use crate::limits::charges::Charges;
use crate::limits::clock::Clock;
use crate::limits::refusals::{duration_words, for_everyone, refused};
pub use crate::limits::refusals::{rate_headers, RATE_LIMIT, RATE_LIMIT_POLICY};
use crate::limits::{
    Ask, Budget, KeyPolicy, LimitStore, Period, RatePolicy, RateState, Refusal, Rules, Ticket,
};
use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use axum::Json;
use krea_api::{Job, JobStatus};
use std::borrow::Cow;
use std::time::Duration;

/// How long a job counts as in flight when the proxy never sees it end (nobody polls it):
/// longer than Krea's slowest image model takes.
const IN_FLIGHT_AT_MOST: Duration = Duration::from_secs(30 * 60);
/// New sessions one client address may ask for.
const SESSIONS_PER_ADDRESS: crate::limits::RatePolicy = crate::limits::RatePolicy {
    count: 20,
    window: Duration::from_secs(3600),
};

/// The limits as the flags set them (`--rate`, `--max-in-flight`, `--daily-budget-usd`,
/// `--usd-per-compute-unit`, `--price`, and the models `--allow-model` lets through).
pub struct LimitSettings<'a> {
    pub rates: &'a [RatePolicy],
    pub max_in_flight: Option<u32>,
    pub daily_budget_usd: Option<f64>,
    /// What prices jobs and uploads (`--usd-per-compute-unit`, `--price`).
    pub charges: Charges,
    pub allow_models: &'a [String],
    /// Callers come from a keys file, which may give each its own rules.
    pub per_key: bool,
    /// What budgets count days and months by.
    pub clock: Clock,
    /// Where budget alerts are posted (`--alert-webhook`).
    pub alert_webhook: Option<crate::secret::Secret>,
}

/// What a generate request made, as the limits settle it.
#[derive(Debug, Clone, Copy)]
pub enum Made<'a> {
    /// This job, new for this request.
    Job(&'a Job),
    /// No new job: refused, or the key's earlier job replayed.
    Nothing,
    /// Nobody can tell: what the request took stays taken.
    Unknown,
}

pub struct Gate {
    /// The proxy's own rules; a key's own (from the keys file) take their place or add to
    /// them ([`Gate::rules_for`]).
    rules: Rules,
    per_key: bool,
    charges: Charges,
    store: Box<dyn LimitStore>,
    /// What the rate rules count, in words: "generate requests" or "uploads".
    counts: &'static str,
    clock: Clock,
    alerts: Alerts,
}

impl Gate {
    /// The rules the flags ask for. A budget that cannot price every model that may be
    /// generated is refused, saying which and what to do.
    pub fn new(settings: LimitSettings<'_>, store: Box<dyn LimitStore>) -> Result<Self, String> {
        let charges = settings.charges;
        let budgets = match settings.daily_budget_usd {
            Some(usd) if usd.is_finite() && usd > 0.0 => {
                charges.check(settings.allow_models)?;
                vec![Budget {
                    scope: String::new(),
                    period: Period::Day,
                    limit_micros: (usd * 1_000_000.0).round() as u64,
                }]
            }
            Some(_) => return Err("--daily-budget-usd must be a positive amount".to_owned()),
            None => Vec::new(),
        };
        if settings.max_in_flight == Some(0) {
            return Err("--max-in-flight must be at least 1".to_owned());
        }
        Ok(Gate {
            rules: Rules {
                rates: settings.rates.to_vec(),
                max_in_flight: settings.max_in_flight,
                budgets,
            },
            per_key: settings.per_key,
            charges,
            store,
            counts: "generate requests",
            clock: settings.clock,
            alerts: Alerts::new(settings.alert_webhook),
        })
    }

    /// The rate rules of `--upload-rate`, counted apart from generate requests (the same
    /// caller, under its own name in the store).
    pub fn for_uploads(rates: &[RatePolicy], store: Box<dyn LimitStore>) -> Self {
        Gate {
            rules: Rules {
                rates: rates.to_vec(),
                ..Rules::default()
            },
            per_key: false,
            charges: Charges::default(),
            store,
            counts: "uploads",
            clock: Clock::default(),
            alerts: Alerts::new(None),
        }
    }

    /// Admits one upload of `caller`, or answers the refusal.
    pub async fn admit_upload(&self, caller: &str) -> Result<Option<Ticket>, ProxyError> {
        self.admit_under(&self.rules, &upload_caller(caller), "", &Bytes::new())
            .await
    }

    /// An upload that made an asset keeps its place in the window; one that did not gives
    /// it back.
    pub async fn settle_upload(&self, ticket: Option<Ticket>, made: bool) {
        let Some(ticket) = ticket else { return };
        if made {
            self.store.settle(&ticket, Some(&ticket.id)).await;
            self.store.ended(&ticket.id, false).await;
        } else {
            self.store.settle(&ticket, None).await;
        }
    }

    /// Charges one upload of `caller` against its budgets, at `--price upload=USD`; `None`
    /// when uploads are free or no budget applies. Uploads take no rate turn or job slot
    /// here: `--upload-rate` counts them apart.
    pub async fn charge_upload(
        &self,
        caller: &str,
        policy: &KeyPolicy,
    ) -> Result<Option<Ticket>, ProxyError> {
        let rules = self.rules_for(caller, policy);
        if self.charges.upload_micros() == 0 || rules.budgets.is_empty() {
            return Ok(None);
        }
        let budgets_only = Rules {
            budgets: rules.budgets.clone(),
            ..Rules::default()
        };
        self.admit_under(
            &budgets_only,
            caller,
            crate::limits::charges::UPLOAD,
            &Bytes::new(),
        )
        .await
    }

    /// The proxy-wide daily budget (`--daily-budget-usd`), in millionths of a dollar.
    pub fn proxy_day_budget(&self) -> Option<u64> {
        self.rules
            .budgets
            .iter()
            .find(|budget| budget.scope.is_empty())
            .map(|budget| budget.limit_micros)
    }

    /// What one upload is charged (`--price upload=USD`, else nothing).
    pub fn upload_micros(&self) -> u64 {
        self.charges.upload_micros()
    }

    /// Whether any limit is configured, for the proxy or for a key.
    pub fn is_active(&self) -> bool {
        !self.rules.is_empty() || self.per_key
    }

    /// The rules for `caller`: its key's own rates and jobs in flight (`policy`) instead of
    /// the proxy's, and its key's budgets as well as the proxy's.
    pub fn rules_for(&self, caller: &str, policy: &KeyPolicy) -> Cow<'_, Rules> {
        if *policy == KeyPolicy::default() {
            return Cow::Borrowed(&self.rules);
        }
        let mut rules = self.rules.clone();
        if let Some(rates) = &policy.rates {
            rules.rates = rates.clone();
        }
        if let Some(cap) = policy.max_in_flight {
            rules.max_in_flight = Some(cap);
        }
        let own = [
            (Period::Day, policy.day_budget_micros),
            (Period::Month, policy.month_budget_micros),
        ];
        let shared = policy.shared.as_ref().map(|shared| {
            (
                shared.scope.as_str(),
                [
                    (Period::Day, shared.day_budget_micros),
                    (Period::Month, shared.month_budget_micros),
                ],
            )
        });
        for (scope, budgets) in [(caller, own)].into_iter().chain(shared) {
            for (period, limit) in budgets {
                if let Some(limit_micros) = limit {
                    rules.budgets.push(Budget {
                        scope: scope.to_owned(),
                        period,
                        limit_micros,
                    });
                }
            }
        }
        Cow::Owned(rules)
    }

    /// The catalogue price of a generate request for `model` with `body`, in millionths of
    /// a dollar, if it can be priced.
    pub fn price(&self, model: &str, body: &Bytes) -> Option<u64> {
        let fields = serde_json::from_slice(body).unwrap_or_default();
        self.charges.micros(model, &fields)
    }

    /// Admits one generate request of `caller` for `model` with `body`, or answers the
    /// refusal. `None`: no limits, nothing to settle.
    pub async fn admit(
        &self,
        caller: &str,
        policy: &KeyPolicy,
        model: &str,
        body: &Bytes,
    ) -> Result<Option<Ticket>, ProxyError> {
        let rules = self.rules_for(caller, policy);
        let shared_rates = policy
            .shared
            .as_ref()
            .filter(|shared| !shared.rates.is_empty());
        let Some(shared) = shared_rates else {
            return self.admit_under(&rules, caller, model, body).await;
        };
        // The rate all the allowance's callers share is a turn of its own, taken first and
        // given back when the caller's own rules refuse.
        let together = Rules {
            rates: shared.rates.clone(),
            ..Rules::default()
        };
        let turn = self
            .admit_under(&together, &shared.scope, "", &Bytes::new())
            .await
            .map_err(|refusal| for_everyone(refusal, &shared.scope))?;
        let own = self.admit_under(&rules, caller, model, body).await;
        if let Some(turn) = turn {
            // Nothing of the turn follows a job: only its place in the window stays.
            let kept = own.is_ok();
            self.store
                .settle(&turn, kept.then_some(turn.id.as_str()))
                .await;
            if kept {
                self.store.ended(&turn.id, false).await;
            }
        }
        own
    }

    async fn admit_under(
        &self,
        rules: &Rules,
        caller: &str,
        model: &str,
        body: &Bytes,
    ) -> Result<Option<Ticket>, ProxyError> {
        if rules.is_empty() {
            return Ok(None);
        }
        let price_micros = if rules.budgets.is_empty() {
            0
        } else {
            self.price(model, body).ok_or_else(|| {
                ProxyError::Forbidden(
                    format!(
                        "This proxy cannot price {model} against its budget (its operator can \
                         state a price with --price {model}=USD)"
                    )
                    .into(),
                )
            })?
        };
        let now = self.clock.now_ms();
        let ask = Ask {
            caller,
            price_micros,
            now_ms: now,
            in_flight_for: IN_FLIGHT_AT_MOST,
        };
        let admitted = self.store.admit(rules, ask).await;
        let refused_budget = match &admitted {
            Err(Refusal::Budget { scope, period, .. }) => Some((scope.clone(), *period)),
            _ => None,
        };
        if !rules.budgets.is_empty() && !matches!(admitted, Err(Refusal::Unavailable)) {
            self.alert(rules, refused_budget, now).await;
        }
        match admitted {
            Ok(ticket) => Ok(Some(ticket)),
            Err(refusal) => Err(refused(refusal, now, self.counts)),
        }
    }

    /// Raises the alerts the budgets' spend has reached (a budget that just refused a job
    /// has reached its 100 %).
    async fn alert(&self, rules: &Rules, refused: Option<(String, Period)>, now: u64) {
        let counters: Vec<String> = rules.budgets.iter().map(|b| b.counter(now)).collect();
        let Some(spent) = self.store.spent(&counters).await else {
            return;
        };
        let reached = rules.budgets.iter().zip(spent).flat_map(|(budget, spent)| {
            let refused_here = refused
                .as_ref()
                .is_some_and(|(scope, period)| *scope == budget.scope && *period == budget.period);
            Alert::reached(budget, spent, refused_here, now)
        });
        self.alerts.raise(&*self.store, reached, now).await;
    }

    /// After the answer: a job made keeps what it took (its slot and charge now follow the
    /// job); a request that made no new job gives it all back; an unknown outcome keeps it
    /// (the job may exist). Returns the caller's standing, for the answer's rate headers.
    pub async fn settle(
        &self,
        policy: &KeyPolicy,
        ticket: Option<Ticket>,
        made: Made<'_>,
    ) -> Vec<RateState> {
        let Some(ticket) = ticket else {
            return Vec::new();
        };
        match made {
            Made::Job(job) => self.store.settle(&ticket, Some(&job.job_id)).await,
            Made::Nothing => self.store.settle(&ticket, None).await,
            Made::Unknown => {}
        }
        self.store
            .rates(
                &self.rules_for(&ticket.caller, policy),
                &ticket.caller,
                self.clock.now_ms(),
            )
            .await
    }

    /// A job answer passed back to a caller: a job that ended frees its slot, and a failed
    /// or cancelled one is refunded (once).
    pub async fn saw(&self, job: &serde_json::Value) {
        if !self.is_active() {
            return;
        }
        let (Some(id), Some(status)) = (job["job_id"].as_str(), job["status"].as_str()) else {
            return;
        };
        let status = JobStatus::from(status.to_owned());
        if status.is_terminal() {
            self.store.ended(id, !status.is_billed()).await;
        }
    }

    /// New anonymous sessions per client address: [`SESSIONS_PER_ADDRESS`] an hour.
    pub async fn ration_sessions(&self, address: &str) -> Result<(), ProxyError> {
        let rules = Rules {
            rates: vec![SESSIONS_PER_ADDRESS],
            ..Rules::default()
        };
        let ask = Ask {
            caller: &format!("address:{address}"),
            price_micros: 0,
            now_ms: self.clock.now_ms(),
            in_flight_for: Duration::ZERO,
        };
        match self.store.admit(&rules, ask).await {
            Ok(ticket) => {
                // Nothing to follow: only the turn it took stays.
                self.store.ended(&ticket.id, false).await;
                Ok(())
            }
            Err(Refusal::Rate { retry_after, .. }) => {
                let secs = retry_after.as_secs().max(1);
                Err(ProxyError::TooManyRequests {
                    message: format!(
                        "Too many new sessions from this address; try again in {}",
                        duration_words(secs)
                    ),
                    retry_after,
                    rate_headers: Box::default(),
                })
            }
            Err(refusal) => Err(refused(refusal, self.clock.now_ms(), self.counts)),
        }
    }

    /// `GET /limits`: where the caller stands.
    pub async fn standing(&self, caller: &str, policy: &KeyPolicy) -> Response {
        let rules = self.rules_for(caller, policy);
        let now = self.clock.now_ms();
        let states = self.store.rates(&rules, caller, now).await;
        let counters: Vec<String> = rules.budgets.iter().map(|b| b.counter(now)).collect();
        let spent = self.store.spent(&counters).await;
        let rates: Vec<serde_json::Value> = states
            .iter()
            .map(|s| {
                serde_json::json!({
                    "limit": s.policy.count,
                    "window_secs": s.policy.window.as_secs(),
                    "remaining": s.remaining,
                    "reset_secs": s.reset.as_secs(),
                })
            })
            .collect();
        let mut answer = Json(serde_json::json!({
            "rates": rates,
            "max_in_flight": rules.max_in_flight,
            "daily_budget": rules.budgets.iter().any(|b| b.scope.is_empty()),
            "budgets": rules.budgets.iter().enumerate().map(|(at, b)| {
                let usd = |micros: u64| micros as f64 / 1_000_000.0;
                let spent = spent.as_ref().and_then(|s| s.get(at).copied());
                serde_json::json!({
                    "scope": budget_scope(&b.scope),
                    "period": match b.period { Period::Day => "day", Period::Month => "month" },
                    "limit_usd": usd(b.limit_micros),
                    // Unknown when the store does not answer.
                    "spent_usd": spent.map(usd),
                    "left_usd": spent.map(|s| usd(b.limit_micros.saturating_sub(s))),
                    "resets_in_secs": b.resets_in(now).as_secs(),
                })
            }).collect::<Vec<_>>(),
        }))
        .into_response();
        rate_headers(&states, answer.headers_mut());
        answer
    }
}

/// A caller's uploads, under their own name in the limits store.
fn upload_caller(caller: &str) -> String {
    format!("uploads\u{1e}{caller}")
}

/// What kind of spender a budget's scope is, as `GET /limits` says it.
fn budget_scope(scope: &str) -> &'static str {
    if scope.is_empty() {
        "proxy"
    } else if scope.starts_with("site:") {
        "site"
    } else {
        "key"
    }
}
