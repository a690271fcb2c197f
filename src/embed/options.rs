//! What the host page asked for, read from the embed page's fragment (`/embed/#id=…&parent=…`,
//! written by `embed.js`; a fragment never reaches a server log). Anything wrong is refused
//! with the option's name and why, shown in the frame and sent to the host as an `error`.

use crate::i18n::Locale;
use crate::settings::{normalize_proxy_url, Theme};

/// Design tokens a host may set, and the custom property each one sets. Nothing else of the
/// studio's style is open to the host page.
pub const STYLE_TOKENS: [(&str, &str); 3] = [
    ("accent", "--studio-accent"),
    ("radius", "--studio-radius"),
    ("font", "--studio-font"),
];

#[derive(Debug, Clone, PartialEq)]
pub struct EmbedOptions {
    /// Names this instance in every message, so several on one page stay apart.
    pub instance: String,
    /// The host page's origin: messages go there and come only from there.
    pub parent: String,
    /// The proxy the host page names (else the deployment's `config.json`).
    pub proxy: Option<String>,
    /// Models offered, in this order (empty: every model).
    pub models: Vec<String>,
    pub theme: Theme,
    pub locale: Option<Locale>,
    /// `(custom property, value)` from [`STYLE_TOKENS`].
    pub style: Vec<(&'static str, String)>,
    /// Visitors may upload images (`uploads="off"` turns it off).
    pub uploads: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub option: &'static str,
    pub reason: String,
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "embed option `{}`: {}", self.option, self.reason)
    }
}

fn refuse(option: &'static str, reason: impl Into<String>) -> OptionError {
    OptionError {
        option,
        reason: reason.into(),
    }
}

impl EmbedOptions {
    /// Reads the decoded `name=value` pairs of the fragment. Unknown names are ignored (a
    /// newer loader may know more options than this studio).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<EmbedOptions, OptionError> {
        let mut instance = None;
        let mut parent = None;
        let mut options = EmbedOptions {
            instance: String::new(),
            parent: String::new(),
            proxy: None,
            models: Vec::new(),
            theme: Theme::System,
            locale: None,
            style: Vec::new(),
            uploads: true,
        };
        for (name, value) in pairs {
            match name {
                "id" => instance = Some(check_instance(value)?),
                "parent" => parent = Some(check_origin(value)?),
                "proxy" => {
                    options.proxy = normalize_proxy_url(value).map_err(|_| {
                        refuse(
                            "proxy",
                            "give an https:// URL (http:// only for this machine)",
                        )
                    })?
                }
                "models" => options.models = check_models(value)?,
                "theme" => options.theme = theme(value)?,
                "locale" => options.locale = locale(value)?,
                "uploads" => {
                    options.uploads = match value {
                        "" | "on" => true,
                        "off" => false,
                        _ => return Err(refuse("uploads", format!("{value:?} is not on or off"))),
                    }
                }
                _ => {
                    if let Some((token, property)) =
                        STYLE_TOKENS.iter().find(|(token, _)| *token == name)
                    {
                        options.style.push((property, check_style(token, value)?));
                    }
                }
            }
        }
        options.instance = instance.ok_or_else(|| refuse("id", "missing (embed.js sets it)"))?;
        options.parent = parent.ok_or_else(|| refuse("parent", "missing (embed.js sets it)"))?;
        Ok(options)
    }
}

/// `auto` (or nothing) follows the visitor's system.
pub fn theme(value: &str) -> Result<Theme, OptionError> {
    match value {
        "" | "auto" | "system" => Ok(Theme::System),
        "light" => Ok(Theme::Light),
        "dark" => Ok(Theme::Dark),
        _ => Err(refuse(
            "theme",
            format!("{value:?} is not light, dark or auto"),
        )),
    }
}

/// `auto` (or nothing) follows the visitor's browser.
pub fn locale(value: &str) -> Result<Option<Locale>, OptionError> {
    if value.is_empty() || value == "auto" {
        return Ok(None);
    }
    Locale::from_tag(value).map(Some).ok_or_else(|| {
        refuse(
            "locale",
            format!("{value:?}: the studio speaks en, it and id"),
        )
    })
}

fn check_instance(value: &str) -> Result<String, OptionError> {
    let fits = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    fits.then(|| value.to_owned())
        .ok_or_else(|| refuse("id", "letters, digits, - and _ only, at most 64"))
}

/// `scheme://host[:port]` and nothing more, as `location.origin` gives it.
fn check_origin(value: &str) -> Result<String, OptionError> {
    let bad = || refuse("parent", format!("{value:?} is not an origin"));
    let (scheme, host) = value.split_once("://").ok_or_else(bad)?;
    let fits = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !host.contains(['/', '?', '#', '@', ' ']);
    fits.then(|| value.to_owned()).ok_or_else(bad)
}

fn check_models(value: &str) -> Result<Vec<String>, OptionError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| {
            let fits = id.split_once('/').is_some_and(|(provider, model)| {
                !provider.is_empty()
                    && !model.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
            });
            fits.then(|| id.to_owned())
                .ok_or_else(|| refuse("models", format!("{id:?} is not provider/model")))
        })
        .collect()
}

/// A value for one declaration: no way out of it (`;`, braces) and nothing that fetches.
fn check_style(token: &'static str, value: &str) -> Result<String, OptionError> {
    let value = value.trim();
    let fits = !value.is_empty()
        && value.len() <= 100
        && !value.contains([';', '{', '}', '<', '>', '\\'])
        && !value.to_ascii_lowercase().contains("url(");
    fits.then(|| value.to_owned())
        .ok_or_else(|| refuse(token, format!("{value:?} is not a plain CSS value")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> Result<EmbedOptions, OptionError> {
        EmbedOptions::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn what_the_loader_writes_is_read_back() {
        let options = read(&[
            ("id", "ks-1"),
            ("parent", "https://blog.example"),
            ("proxy", "https://proxy.example/"),
            ("models", "bfl/flux-1-dev, google/nano-banana-pro"),
            ("theme", "dark"),
            ("locale", "it-IT"),
            ("accent", "#ff3366"),
            ("font", "Georgia, serif"),
            ("later", "ignored"),
        ])
        .unwrap();
        assert_eq!(options.instance, "ks-1");
        assert_eq!(options.parent, "https://blog.example");
        assert_eq!(options.proxy.as_deref(), Some("https://proxy.example"));
        assert_eq!(options.models, ["bfl/flux-1-dev", "google/nano-banana-pro"]);
        assert_eq!(
            (options.theme, options.locale),
            (Theme::Dark, Some(Locale::It))
        );
        assert_eq!(
            options.style,
            [
                ("--studio-accent", "#ff3366".to_owned()),
                ("--studio-font", "Georgia, serif".to_owned())
            ]
        );
        let plain = read(&[("id", "a"), ("parent", "http://127.0.0.1:8080")]).unwrap();
        assert_eq!(
            (plain.theme, plain.locale, plain.proxy),
            (Theme::System, None, None)
        );
        assert!(
            plain.uploads,
            "visitors may upload unless the host says otherwise"
        );
        let off = read(&[
            ("id", "a"),
            ("parent", "https://blog.example"),
            ("uploads", "off"),
        ]);
        assert!(!off.unwrap().uploads);
        let wrong = read(&[
            ("id", "a"),
            ("parent", "https://blog.example"),
            ("uploads", "no"),
        ]);
        assert_eq!(wrong.unwrap_err().option, "uploads");
    }

    #[test]
    fn bad_options_name_the_option_and_say_why() {
        let base = [("id", "a"), ("parent", "https://blog.example")];
        let with = |extra: (&'static str, &'static str)| {
            let mut pairs = base.to_vec();
            pairs.push(extra);
            read(&pairs).unwrap_err()
        };
        assert_eq!(with(("theme", "pink")).option, "theme");
        assert_eq!(with(("locale", "fr")).option, "locale");
        assert_eq!(with(("proxy", "http://proxy.example")).option, "proxy");
        assert_eq!(with(("models", "flux")).option, "models");
        assert_eq!(with(("accent", "red; background: url(x)")).option, "accent");
        assert_eq!(with(("radius", "url(https://x)")).option, "radius");
        assert_eq!(
            with(("parent", "https://blog.example/page")).option,
            "parent"
        );
        assert_eq!(with(("id", "a b")).option, "id");
        assert_eq!(read(&[("id", "a")]).unwrap_err().option, "parent");
        assert_eq!(
            read(&[("parent", "https://blog.example")])
                .unwrap_err()
                .to_string(),
            "embed option `id`: missing (embed.js sets it)"
        );
    }
}
