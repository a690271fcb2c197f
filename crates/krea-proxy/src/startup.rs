//! Startup policy: which upstream the flags ask for, whether listening where asked is safe,
//! how callers are told apart, and how pushed results are kept.

use crate::callers::{Identity, Sessions};
use crate::config::Config;
use crate::push::{Push, PushRecords};
use crate::simulator::{self, SimConfig};
use crate::upstream::Upstream;
use std::time::Duration;

/// The upstream the flags ask for: the simulator, or Krea with the token from the environment.
pub fn upstream(config: &Config) -> Result<Upstream, String> {
    if config.simulate {
        return Ok(Upstream::Simulator(simulator::router(SimConfig {
            job_duration: Duration::from_millis(config.sim_job_ms),
            new_model: config.sim_new_model,
            latency: Duration::from_millis(config.sim_latency_ms),
            faults: config.sim_faults(),
            webhooks: simulator::webhooks::WebhookFaults {
                duplicate: config.sim_webhook_duplicate,
                delay: Duration::from_millis(config.sim_webhook_delay_ms),
                loss_rate: config.sim_webhook_loss_rate,
            },
        })));
    }
    let token = config.token.clone().ok_or_else(|| {
        format!(
            "{} is not set: export your Krea API token, or run with --simulate",
            crate::config::TOKEN_ENV
        )
    })?;
    Upstream::krea(&config.upstream, token, config.upstream_timeout())
}

/// A proxy anyone on the network can reach, spending real money, with no key and no
/// limit, is refused: whoever finds it could spend the whole balance. `--allow-unlimited`
/// accepts that knowingly.
pub fn check_exposure(config: &Config) -> Result<(), String> {
    let private = config.listen.ip().is_loopback();
    let keyed = config.access_key.is_some() || config.access_keys.is_some();
    let limited = !config.rates.is_empty()
        || config.max_in_flight.is_some()
        || config.daily_budget_usd.is_some();
    if private || keyed || limited || config.simulate || config.allow_unlimited {
        return Ok(());
    }
    Err(format!(
        "refusing to listen on {} with no access key and no limits: anyone who reaches it \
         could spend your whole Krea balance. Set {} or {}, or limits (--rate, \
         --max-in-flight, --daily-budget-usd), or pass --allow-unlimited to accept that",
        config.listen,
        crate::config::ACCESS_KEY_ENV,
        crate::config::ACCESS_KEYS_ENV
    ))
}

/// Pushed results for `public_url`, kept in `records`: published to every replica when
/// they are in Redis (whose listener hands them to this replica's streams), else handed out
/// by this process.
pub fn push(
    public_url: &str,
    records: Box<dyn PushRecords>,
    redis: Option<&crate::state::redis::RedisState>,
) -> Push {
    let push = Push::with_records(public_url, records, redis.is_some());
    if let Some(redis) = redis {
        crate::push::listen(redis.clone(), push.live_streams());
    }
    push
}

/// Where the state lives when `--state` is not given: a file in front of Krea, so a restart
/// forgets no idempotency key, owner, budget or token; in memory with the in-process
/// simulator, which forgets its own jobs when it stops.
pub fn default_state(config: &Config) -> String {
    if config.simulate {
        "memory".to_owned()
    } else {
        format!("file:{}", crate::state::default_file().display())
    }
}

/// How callers are told apart: named keys; anonymous sessions on a public proxy without
/// keys (or with `--sessions`); else the one local person.
pub fn identity(config: &Config, shared_secret: Option<Vec<u8>>) -> Result<Identity, String> {
    let keyed = Identity::from_keys(config.access_key.as_ref(), config.access_keys.as_ref())?;
    let public = config.sessions || !config.listen.ip().is_loopback();
    if keyed.needs_key() || !public {
        return Ok(keyed);
    }
    let secret = match (&config.session_secret, shared_secret) {
        (Some(secret), _) if secret.expose().len() < 32 => {
            return Err(format!(
                "{} must be at least 32 characters",
                crate::config::SESSION_SECRET_ENV
            ))
        }
        (Some(secret), _) => secret.expose().as_bytes().to_vec(),
        (None, Some(shared)) => shared,
        (None, None) => crate::callers::random_hex(32).into_bytes(),
    };
    Ok(Identity::Sessions(Sessions::new(secret)))
}
