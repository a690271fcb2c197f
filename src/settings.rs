//! Where the proxy is: from the deployment's `config.json`, overridden by the user's
//! settings. The proxy URL is a spending key, so it only ever goes over HTTPS, except to
//! this machine.

use serde::{Deserialize, Serialize};

/// `config.json` beside `index.html`, written by whoever hosts the app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuntimeConfig {
    #[serde(default)]
    pub proxy_url: Option<String>,
}

/// What the user chose in the settings panel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub proxy_url: Option<String>,
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
pub fn normalize_proxy_url(input: &str) -> Result<Option<String>, String> {
    let url = input.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(None);
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or("Enter a full URL, such as https://proxy.example.com")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_name = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || port.chars().all(|c| c.is_ascii_digit()) => {
            name
        }
        _ => host,
    };
    if host_name.is_empty() || host.contains('@') {
        return Err("Enter a full URL, such as https://proxy.example.com".into());
    }
    if rest.contains(['?', '#']) {
        return Err("The proxy URL takes no query or fragment".into());
    }
    let local = matches!(host_name, "localhost" | "127.0.0.1" | "[::1]");
    match scheme {
        "https" => Ok(Some(url.to_owned())),
        "http" if local => Ok(Some(url.to_owned())),
        "http" => Err("Use https: the proxy URL spends your Krea balance".into()),
        _ => Err("The proxy URL must start with https://".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_choice_wins_over_the_deployment_and_same_origin_is_last() {
        let config = RuntimeConfig {
            proxy_url: Some("https://deploy.example".into()),
        };
        let mut settings = Settings::default();
        assert_eq!(proxy_base(&config, &settings), "https://deploy.example");
        settings.proxy_url = Some("http://localhost:8787".into());
        assert_eq!(proxy_base(&config, &settings), "http://localhost:8787");
        assert_eq!(
            proxy_base(&RuntimeConfig::default(), &Settings::default()),
            ""
        );
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
        assert!(normalize_proxy_url("http://proxy.example.com").is_err());
        assert!(normalize_proxy_url("http://localhost.evil.com").is_err());
        assert!(normalize_proxy_url("proxy.example.com").is_err());
        assert!(normalize_proxy_url("ftp://proxy.example.com").is_err());
        assert!(normalize_proxy_url("https://user@proxy.example.com").is_err());
        assert!(normalize_proxy_url("https://proxy.example.com/?x=1").is_err());
    }
}
