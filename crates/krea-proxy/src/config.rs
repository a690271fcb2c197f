//! Command-line flags. Secrets (the Krea token, the access key) come only from the
//! environment, so they never show up in `--help`, in a process listing or in `Debug` output.

pub use crate::secret::Secret;
use crate::simulator::faults::{FaultKind, Faults};
use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Parser)]
#[command(
    name = "krea-proxy",
    version,
    about = "Forwards Krea's job routes with your token injected; --simulate serves a Krea simulator instead"
)]
pub struct Config {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// The Krea API base URL, fixed for the proxy's lifetime.
    #[arg(long, default_value = KREA_API)]
    pub upstream: String,
    /// Use the built-in Krea simulator as the upstream (no token, no network).
    #[arg(long)]
    pub simulate: bool,
    /// Also serve this directory (the built app) at `/`, from the same origin.
    #[arg(long, value_name = "DIR")]
    pub serve: Option<PathBuf>,
    /// A site allowed to embed the studio (repeatable): with --serve, it may frame `/embed/`;
    /// and an embedded studio using this proxy talks to that site only if it is listed here
    /// (`GET /embedders`). `ORIGIN,budget=USD[/day|/month],rate=COUNT/min` gives the site's
    /// visitors one allowance they share.
    #[arg(long = "allow-embed", value_name = "ORIGIN[,budget=USD][,rate=N/min]")]
    pub allow_embed: Vec<String>,
    /// A browser origin allowed to call the proxy (repeatable); `*` allows any origin.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// Only these models may be generated, e.g. `bfl/flux-1-dev` (repeatable; default: all).
    #[arg(long = "allow-model", value_name = "PROVIDER/MODEL")]
    pub allow_models: Vec<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub body_limit: usize,
    /// Largest image a caller may upload through `POST /assets`, in megabytes (Krea takes
    /// at most 75).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=75))]
    pub upload_limit_mb: u64,
    /// Per caller: at most this many uploads per minute, hour or day, e.g. `30/hour`
    /// (repeatable), counted for the same caller as generate requests.
    #[arg(long = "upload-rate", value_name = "COUNT/PER", value_parser = crate::limits::RatePolicy::parse)]
    pub upload_rates: Vec<crate::limits::RatePolicy>,
    /// Seconds an upload may go without sending a byte before it is refused with 408.
    #[arg(long, default_value_t = 20)]
    pub upload_idle_secs: u64,
    /// Seconds before an upstream request is abandoned with 504.
    #[arg(long, default_value_t = 60)]
    pub upstream_timeout_secs: u64,
    /// Seconds a connection may take to send a whole request head (also how long an idle
    /// kept-alive connection stays open).
    #[arg(long, default_value_t = 10)]
    pub header_read_timeout_secs: u64,
    /// Connections held at once; more are closed as soon as they arrive.
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    /// On SIGTERM or Ctrl-C, seconds that requests under way may take to finish.
    #[arg(long, default_value_t = 30)]
    pub drain_secs: u64,
    /// Serving threads, each accepting its own share of connections (0: one per CPU).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Simulator: milliseconds from `queued` to `completed` for a model Krea times at about
    /// ten seconds; quicker and slower models scale with Krea's typical durations (×0.5–×4).
    #[arg(long, default_value_t = 6000)]
    pub sim_job_ms: u64,
    /// Simulator: milliseconds a finished job's image links keep working (0: for ever).
    /// Krea does not document how long its links live.
    #[arg(long, default_value_t = 0)]
    pub sim_image_ttl_ms: u64,
    /// Simulator: milliseconds before a generate request is answered, as a real network and
    /// queue would take.
    #[arg(long, default_value_t = 0)]
    pub sim_latency_ms: u64,
    /// Simulator: share of API requests (0 to 1) that meet a fault from --sim-faults.
    #[arg(long, default_value_t = 0.0, value_parser = fault_rate)]
    pub sim_fault_rate: f64,
    /// Simulator: which faults to inject, comma-separated: 5xx, 429, latency, drop-before,
    /// drop-after, malformed, truncated (default: all).
    #[arg(long, value_delimiter = ',', value_parser = FaultKind::parse)]
    pub sim_faults: Vec<FaultKind>,
    /// Simulator: deliver every webhook twice (Krea warns deliveries can repeat).
    #[arg(long)]
    pub sim_webhook_duplicate: bool,
    /// Simulator: milliseconds between a job's end and its webhook delivery.
    #[arg(long, default_value_t = 0)]
    pub sim_webhook_delay_ms: u64,
    /// Simulator: share of webhook deliveries (0 to 1) that never arrive.
    #[arg(long, default_value_t = 0.0, value_parser = fault_rate)]
    pub sim_webhook_loss_rate: f64,
    /// Where Krea can reach this proxy (e.g. `https://proxy.example`, behind a TLS-terminating
    /// reverse proxy): each generate request then names a webhook here, and results are
    /// pushed to browsers over `GET /events` as they happen.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
    /// Build the simulator's image URLs from `X-Forwarded-Proto`/`-Host`: only behind a
    /// reverse proxy that sets them (anyone can send them otherwise).
    #[arg(long)]
    pub trust_forwarded_headers: bool,
    /// Simulator: also publish and accept `krea-labs/sketchbook`, a model the app's catalogue
    /// does not know, to try model discovery ("More models") offline.
    #[arg(long)]
    pub sim_new_model: bool,
    /// Per caller: at most this many generate requests per minute, hour or day, e.g.
    /// `10/min` (repeatable: `--rate 10/min --rate 200/day`).
    #[arg(long = "rate", value_name = "COUNT/PER", value_parser = crate::limits::RatePolicy::parse)]
    pub rates: Vec<crate::limits::RatePolicy>,
    /// Per caller: at most this many jobs in flight at once.
    #[arg(long, value_name = "N")]
    pub max_in_flight: Option<u32>,
    /// Across all callers: at most this many US dollars of jobs per UTC day, each job charged
    /// its catalogue price when submitted and refunded if it fails or is cancelled.
    #[arg(long, value_name = "USD")]
    pub daily_budget_usd: Option<f64>,
    /// What one Krea compute unit costs you, in USD: prices models Krea prices only in
    /// compute units against the daily budget.
    #[arg(long, value_name = "USD")]
    pub usd_per_compute_unit: Option<f64>,
    /// A price where Krea publishes none (its enhancers) or yours differs: `ID=USD`, a
    /// model's or enhancer's id (`topaz/standard-enhance=0.05`), or `upload` for each
    /// upload (`upload=0.001`; uploads are otherwise free). Repeatable.
    #[arg(long = "price", value_name = "ID=USD", value_parser = crate::limits::charges::StatedPrice::parse)]
    pub prices: Vec<crate::limits::charges::StatedPrice>,
    /// Where to post budget alerts (at 50 %, 80 % and 100 % of any budget, once each per
    /// period): a Slack or Discord incoming webhook, or any URL taking JSON. Such a URL is a
    /// credential: better given in the environment than on the command line.
    #[arg(
        long,
        env = "KREA_PROXY_ALERT_WEBHOOK",
        hide_env_values = true,
        value_name = "URL",
        value_parser = webhook_url
    )]
    pub alert_webhook: Option<Secret>,
    /// Where idempotency records, job ownership, limits and push tokens live: `file:PATH`
    /// (one process, kept across restarts; the default in front of Krea, at
    /// `~/.local/state/krea-proxy/state.redb`), `memory` (this process only; the default
    /// with `--simulate`) or `redis://HOST:PORT` (shared by replicas, kept across restarts).
    #[arg(
        long,
        env = "KREA_PROXY_STATE",
        value_name = "file:PATH|memory|redis://HOST:PORT"
    )]
    pub state: Option<String>,
    /// Tell callers apart by anonymous sessions the proxy issues (`POST /session`), as a
    /// public proxy without access keys does anyway (say it when a reverse proxy in front
    /// makes a loopback listener public).
    #[arg(long)]
    pub sessions: bool,
    /// Listen on a public address with no access key and no limits anyway.
    #[arg(long)]
    pub allow_unlimited: bool,
    /// Callers from a TOML file: each `[[key]]` with its name, its key's SHA-256
    /// (`key_sha256`), and optionally its own `rate`, `max_in_flight`,
    /// `budget_usd_per_day`, `budget_usd_per_month`, `models` and `admin`. `SIGHUP`
    /// reloads it; a file with a mistake keeps the keys in use.
    #[arg(long, value_name = "FILE")]
    pub keys: Option<std::path::PathBuf>,
    /// Rewrite the keys file's plain `key = "…"` entries as `key_sha256` before starting.
    #[arg(long, requires = "keys")]
    pub hash_keys: bool,
    #[arg(skip)]
    pub token: Option<Secret>,
    #[arg(skip)]
    pub access_key: Option<Secret>,
    /// Named access keys, `name:key,name:key`.
    #[arg(skip)]
    pub access_keys: Option<Secret>,
    #[arg(skip)]
    pub session_secret: Option<Secret>,
    /// Signs receipts for embedding sites (`POST /receipts`); each site's secret is derived
    /// from it (`krea-proxy receipt-secret --site ORIGIN`).
    #[arg(skip)]
    pub receipt_secret: Option<Secret>,
    /// What budgets count days and months by: the system's clock, which tests move.
    #[arg(skip)]
    pub clock: crate::limits::clock::Clock,
}

/// Krea's API, the default upstream.
pub const KREA_API: &str = "https://api.krea.ai";
/// The environment variable holding the Krea API token.
pub const TOKEN_ENV: &str = "KREA_API_TOKEN";
/// The environment variable holding the optional access key callers must send.
pub const ACCESS_KEY_ENV: &str = "KREA_PROXY_ACCESS_KEY";
/// The environment variable naming several callers by their keys: `alice:KEY1,bob:KEY2`.
pub const ACCESS_KEYS_ENV: &str = "KREA_PROXY_ACCESS_KEYS";
/// The environment variable holding the secret that signs sessions (at least 32
/// characters; shared by replicas). Without it, replicas share one through `--state redis`,
/// or a lone proxy makes one at start.
pub const SESSION_SECRET_ENV: &str = "KREA_PROXY_SESSION_SECRET";
/// The environment variable holding the secret receipts are signed with (32+ characters,
/// the same on every replica).
pub const RECEIPT_SECRET_ENV: &str = "KREA_PROXY_RECEIPT_SECRET";
/// The header in which callers send their session.
pub const SESSION_HEADER: &str = "x-krea-session";
/// The header in which an embedded studio names the site it is embedded in when it asks
/// for a session (`POST /session`), so its visitor spends that site's allowance.
pub const SITE_HEADER: &str = "x-krea-site";
/// The header in which callers send the access key.
pub const ACCESS_KEY_HEADER: &str = "x-proxy-key";

impl Config {
    /// Flags from the command line, secrets from the environment.
    pub fn from_env_and_args() -> Self {
        let mut config = Config::parse();
        config.token = Secret::from_env(TOKEN_ENV);
        config.access_key = Secret::from_env(ACCESS_KEY_ENV);
        config.access_keys = Secret::from_env(ACCESS_KEYS_ENV);
        config.session_secret = Secret::from_env(SESSION_SECRET_ENV);
        config.receipt_secret = Secret::from_env(RECEIPT_SECRET_ENV);
        config
    }

    /// The receipt secret, if set, when it is long enough to sign with.
    pub fn checked_receipt_secret(&self) -> Result<Option<Secret>, String> {
        match &self.receipt_secret {
            Some(secret) if secret.expose().len() < 32 => Err(format!(
                "{RECEIPT_SECRET_ENV} must be at least 32 characters"
            )),
            other => Ok(other.clone()),
        }
    }

    /// Defaults suitable for tests: simulator upstream, fast jobs, any free port.
    pub fn simulated(job_ms: u64) -> Self {
        let mut config =
            Config::parse_from(["krea-proxy", "--simulate", "--listen", "127.0.0.1:0"]);
        config.sim_job_ms = job_ms;
        config
    }

    /// The simulator's faults as the flags ask.
    pub fn sim_faults(&self) -> Faults {
        Faults {
            rate: self.sim_fault_rate,
            kinds: if self.sim_faults.is_empty() {
                FaultKind::ALL.to_vec()
            } else {
                self.sim_faults.clone()
            },
        }
    }

    /// The limits the flags set.
    pub fn limit_settings(&self) -> crate::limits::admission::LimitSettings<'_> {
        crate::limits::admission::LimitSettings {
            rates: &self.rates,
            max_in_flight: self.max_in_flight,
            daily_budget_usd: self.daily_budget_usd,
            charges: self.charges(),
            allow_models: &self.allow_models,
            per_key: self.keys.is_some(),
            clock: self.clock.clone(),
            alert_webhook: self.alert_webhook.clone(),
        }
    }

    /// What prices jobs against budgets.
    pub fn charges(&self) -> crate::limits::charges::Charges {
        crate::limits::charges::Charges {
            usd_per_compute_unit: self.usd_per_compute_unit,
            stated: self.prices.clone(),
        }
    }

    /// How connections are held.
    pub fn serve_options(&self) -> crate::ServeOptions {
        crate::ServeOptions {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs.max(1)),
            max_connections: self.max_connections.max(1),
            drain: Duration::from_secs(self.drain_secs),
        }
    }

    /// What an upload may be.
    pub fn upload_rules(&self) -> crate::uploads::UploadRules {
        crate::uploads::UploadRules::from_megabytes(
            self.upload_limit_mb,
            Duration::from_secs(self.upload_idle_secs.max(1)),
        )
    }

    /// How many threads serve: `--threads`, or one per CPU.
    pub fn serving_threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            threads => threads,
        }
    }

    pub fn upstream_timeout(&self) -> Duration {
        Duration::from_secs(self.upstream_timeout_secs)
    }
}

fn webhook_url(text: &str) -> Result<Secret, String> {
    match reqwest::Url::parse(text.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(Secret::new(text.trim()))
        }
        _ => Err("give an http(s) URL, like https://hooks.slack.com/services/…".to_owned()),
    }
}

fn fault_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err("the fault rate is a share between 0 and 1".to_owned())
    }
}
