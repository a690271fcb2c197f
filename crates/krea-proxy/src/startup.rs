//! Startup policy: which upstream the flags ask for, whether listening where asked is safe,
//! and where the state lives when `--state` does not say.

use crate::config::Config;
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
            image_ttl: (config.sim_image_ttl_ms > 0)
                .then(|| Duration::from_millis(config.sim_image_ttl_ms)),
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

/// Where the state lives when `--state` is not given: a file in front of Krea, so a restart
/// forgets no idempotency key, owner, budget or token; in memory with the in-process
/// simulator, which forgets its own jobs when it stops.
pub fn default_state(config: &Config) -> String {
    if config.simulate {
        "memory".to_owned()
    } else {
        format!("file:{}", crate::stores::default_file().display())
    }
}

#[cfg(test)]
mod tests {
    use super::default_state;
    use crate::Config;

    #[test]
    fn state_is_a_file_in_front_of_krea_and_memory_with_the_simulator() {
        let mut config = Config::simulated(100);
        assert_eq!(default_state(&config), "memory");
        config.simulate = false;
        let state = default_state(&config);
        assert!(state.starts_with("file:/"), "{state}");
        assert!(state.ends_with("krea-proxy/state.redb"), "{state}");
    }
}
