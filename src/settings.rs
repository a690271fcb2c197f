//! Where the proxy is: from the deployment's `config.json`, overridden by the user's
//! settings. The proxy URL is a spending key, so it only ever goes over HTTPS, except to
//! this machine.

use crate::i18n::{Locale, Texts};
use serde::{Deserialize, Serialize};

/// `config.json` beside `index.html`, written by whoever hosts the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimeConfig {
    #[serde(default)]
    pub proxy_url: Option<String>,
    /// Whether the parts a first visit does not need (settings, the viewer, uploads…) are
    /// fetched as soon as the page is idle, so they open at once; `false` fetches each on
    /// first use only (for visitors on metered links). Absent: true.
    #[serde(default = "yes")]
    pub prefetch_parts: bool,
}

fn yes() -> bool {
    true
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            proxy_url: None,
            prefetch_parts: true,
        }
    }
}

/// What the user chose in the settings panel. (The proxy access key is not here: it is kept
/// for the tab's session only, never with the history.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub proxy_url: Option<String>,
    #[serde(default = "default_poll_secs")]
    pub poll_interval_secs: u32,
    #[serde(default)]
    pub theme: Theme,
    /// `None` follows the browser's language.
    #[serde(default)]
    pub language: Option<Locale>,
    /// A personal monthly budget in USD: the studio warns at 80 % and 100 % of it and
    /// refuses nothing (`jobs/spending`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_budget_usd: Option<f64>,
    /// Keep a copy of each finished image in the browser (`jobs/local_copies`).
    #[serde(default = "keep_copies_by_default")]
    pub keep_local_copies: bool,
    /// How much room the copies may take, in MB; the oldest non-favourites go first.
    #[serde(default = "default_copy_limit_mb")]
    pub local_copy_limit_mb: u32,
    /// How many images a row of the grid holds on a wide screen (fewer on a narrow one).
    #[serde(default = "default_per_row")]
    pub images_per_row: u32,
}

/// From 3 large images a row to 12 small ones.
pub const IMAGES_PER_ROW: std::ops::RangeInclusive<u32> = 3..=12;

fn default_per_row() -> u32 {
    4
}

/// Krea's links do not last: a history is only whole with its images kept.
fn keep_copies_by_default() -> bool {
    true
}

fn default_copy_limit_mb() -> u32 {
    crate::jobs::local_copies::DEFAULT_LIMIT_MB
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            proxy_url: None,
            poll_interval_secs: default_poll_secs(),
            theme: Theme::System,
            language: None,
            monthly_budget_usd: None,
            keep_local_copies: keep_copies_by_default(),
            local_copy_limit_mb: default_copy_limit_mb(),
            images_per_row: default_per_row(),
        }
    }
}

/// Krea suggests polling every 2–5 s; 10 s is gentle on rate limits for long sessions.
pub const POLL_SECS: std::ops::RangeInclusive<u32> = 2..=10;

fn default_poll_secs() -> u32 {
    *POLL_SECS.start()
}

/// Checks a poll interval typed by the user.
pub fn parse_poll_interval(input: &str) -> Option<u32> {
    input
        .trim()
        .parse()
        .ok()
        .filter(|secs| POLL_SECS.contains(secs))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn from_key(key: &str) -> Theme {
        Theme::ALL
            .into_iter()
            .find(|theme| theme.key() == key)
            .unwrap_or_default()
    }
}

/// Why a proxy URL was refused; worded by the view in the person's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyUrlError {
    NotAUrl,
    HasQuery,
    PlainHttp,
    OtherScheme,
}

impl ProxyUrlError {
    pub fn message(self, t: &Texts) -> &'static str {
        match self {
            ProxyUrlError::NotAUrl => t.full_url,
            ProxyUrlError::HasQuery => t.no_query,
            ProxyUrlError::PlainHttp => t.use_https,
            ProxyUrlError::OtherScheme => t.https_only,
        }
    }
}

/// The base URL requests go to: the user's choice, else the deployment's, else this origin.
pub fn proxy_base(config: &RuntimeConfig, settings: &Settings) -> String {
    settings
        .proxy_url
        .clone()
        .or_else(|| config.proxy_url.clone())
        .unwrap_or_default()
}

/// Checks a proxy URL typed by the user. Empty means "this origin".
pub fn normalize_proxy_url(input: &str) -> Result<Option<String>, ProxyUrlError> {
    let url = input.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(None);
    }
    let (scheme, rest) = url.split_once("://").ok_or(ProxyUrlError::NotAUrl)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_name = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || port.chars().all(|c| c.is_ascii_digit()) => {
            name
        }
        _ => host,
    };
    if host_name.is_empty() || host.contains('@') {
        return Err(ProxyUrlError::NotAUrl);
    }
    if rest.contains(['?', '#']) {
        return Err(ProxyUrlError::HasQuery);
    }
    let local = matches!(host_name, "localhost" | "127.0.0.1" | "[::1]");
    match scheme {
        "https" => Ok(Some(url.to_owned())),
        "http" if local => Ok(Some(url.to_owned())),
        "http" => Err(ProxyUrlError::PlainHttp),
        _ => Err(ProxyUrlError::OtherScheme),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_choice_wins_over_the_deployment_and_same_origin_is_last() {
        let config = RuntimeConfig {
            proxy_url: Some("https://deploy.example".into()),
            ..RuntimeConfig::default()
        };
        let mut settings = Settings::default();
        assert_eq!(settings.poll_interval_secs, 2);
        assert_eq!(proxy_base(&config, &settings), "https://deploy.example");
        settings.proxy_url = Some("http://localhost:8787".into());
        assert_eq!(proxy_base(&config, &settings), "http://localhost:8787");
        assert_eq!(
            proxy_base(&RuntimeConfig::default(), &Settings::default()),
            ""
        );
    }

    #[test]
    fn parts_are_prefetched_unless_the_deployment_says_not_to() {
        let read = |json: &str| serde_json::from_str::<RuntimeConfig>(json).unwrap();
        assert!(read(r#"{"proxy_url": null}"#).prefetch_parts);
        assert!(RuntimeConfig::default().prefetch_parts);
        assert!(!read(r#"{"prefetch_parts": false}"#).prefetch_parts);
    }

    #[test]
    fn proxy_urls_must_be_https_except_on_this_machine() {
        assert_eq!(
            normalize_proxy_url(" https://proxy.example.com/ "),
            Ok(Some("https://proxy.example.com".into()))
        );
        assert_eq!(
            normalize_proxy_url("http://127.0.0.1:8787"),
            Ok(Some("http://127.0.0.1:8787".into()))
        );
        assert_eq!(
            normalize_proxy_url("http://localhost"),
            Ok(Some("http://localhost".into()))
        );
        assert_eq!(normalize_proxy_url(""), Ok(None));
        assert_eq!(
            normalize_proxy_url("http://proxy.example.com"),
            Err(ProxyUrlError::PlainHttp)
        );
        assert!(normalize_proxy_url("http://localhost.evil.com").is_err());
        assert!(normalize_proxy_url("proxy.example.com").is_err());
        assert!(normalize_proxy_url("ftp://proxy.example.com").is_err());
        assert!(normalize_proxy_url("https://user@proxy.example.com").is_err());
        assert_eq!(
            normalize_proxy_url("https://proxy.example.com/?x=1"),
            Err(ProxyUrlError::HasQuery)
        );
    }

    #[test]
    fn older_settings_load_with_defaults_and_the_interval_stays_in_range() {
        let old: Settings = serde_json::from_str(r#"{"proxy_url": null}"#).unwrap();
        assert_eq!(old, Settings::default());
        assert!(
            old.keep_local_copies,
            "copies are kept unless the person says not to"
        );
        assert_eq!(old.local_copy_limit_mb, 1_000);
        assert_eq!(old.images_per_row, 4);
        let chosen: Settings =
            serde_json::from_str(r#"{"theme": "dark", "language": "it", "poll_interval_secs": 5}"#)
                .unwrap();
        assert_eq!(
            (chosen.theme, chosen.language, chosen.poll_interval_secs),
            (Theme::Dark, Some(Locale::It), 5)
        );
        assert_eq!(parse_poll_interval(" 10 "), Some(10));
        assert_eq!(parse_poll_interval("1"), None);
        assert_eq!(parse_poll_interval("11"), None);
        assert_eq!(parse_poll_interval("fast"), None);
        assert_eq!(Theme::from_key("dark"), Theme::Dark);
        assert_eq!(Theme::from_key("?"), Theme::System);
    }
}
