//! The keys file (`--keys FILE`, TOML): one `[[key]]` table per caller, with its key (kept
//! as a SHA-256 digest), its rates and jobs in flight, its budgets in USD per day and per
//! month, the models it may use, and whether it is an admin:
//!
//! ```toml
//! [[key]]
//! name = "intern"
//! key_sha256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
//! rate = ["10/min"]
//! max_in_flight = 2
//! budget_usd_per_day = 5
//! models = ["krea/krea-2/medium"]
//! ```
//!
//! A first start may write `key = "…"` in plain; the proxy refuses to start with it until
//! `--hash-keys` rewrites those entries as digests (keeping the file's comments and order),
//! so no key stays readable on disk.

use crate::callers::{KeyEntry, KeyPolicy};
use crate::limits::charges::Charges;
use crate::limits::RatePolicy;
use crate::secret::hex;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysToml {
    #[serde(default)]
    key: Vec<KeyToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyToml {
    name: String,
    key: Option<String>,
    key_sha256: Option<String>,
    #[serde(default)]
    rate: Vec<String>,
    max_in_flight: Option<u32>,
    budget_usd_per_day: Option<f64>,
    budget_usd_per_month: Option<f64>,
    models: Option<Vec<String>>,
    #[serde(default)]
    admin: bool,
}

/// Reads the keys file at `path`. `charges` prices the models of a key with a budget: a key
/// whose budget cannot price one of its models is refused, as `--daily-budget-usd` is.
pub fn load(
    path: &Path,
    charges: &Charges,
    allow_models: &[String],
) -> Result<Vec<KeyEntry>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text, charges, allow_models).map_err(|why| format!("{}: {why}", path.display()))
}

/// The entries of a keys file's text, every one checked; the first problem is the error.
pub fn parse(
    text: &str,
    charges: &Charges,
    allow_models: &[String],
) -> Result<Vec<KeyEntry>, String> {
    let file: KeysToml = toml_edit::de::from_str(text).map_err(|e| e.message().to_owned())?;
    if file.key.is_empty() {
        return Err("no [[key]] entries".to_owned());
    }
    let mut entries: Vec<KeyEntry> = Vec::new();
    for key in file.key {
        let entry = entry(key, charges, allow_models)?;
        if entries.iter().any(|known| known.name == entry.name) {
            return Err(format!("the name {} is there twice", entry.name));
        }
        if entries.iter().any(|known| known.digest == entry.digest) {
            return Err(format!("{} shares its key with another entry", entry.name));
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn entry(key: KeyToml, charges: &Charges, allow_models: &[String]) -> Result<KeyEntry, String> {
    let name = key.name.trim().to_owned();
    if !crate::callers::is_key_name(&name) {
        return Err(format!(
            "the name {name:?} is not 1–64 letters, digits, - or _"
        ));
    }
    let digest = match (key.key, key.key_sha256) {
        (Some(_), Some(_)) => {
            return Err(format!("{name}: give key or key_sha256, not both"));
        }
        (None, None) => return Err(format!("{name}: no key_sha256")),
        (Some(_), None) => {
            return Err(format!(
                "{name}: its key is written in plain; start once with --hash-keys to keep only \
                 its SHA-256 digest in the file"
            ))
        }
        (None, Some(digest)) => digest_from_hex(&digest)
            .ok_or_else(|| format!("{name}: key_sha256 is not 64 hexadecimal digits"))?,
    };
    let rates = if key.rate.is_empty() {
        None
    } else {
        Some(
            key.rate
                .iter()
                .map(|rate| RatePolicy::parse(rate).map_err(|why| format!("{name}: rate {why}")))
                .collect::<Result<Vec<_>, _>>()?,
        )
    };
    if key.max_in_flight == Some(0) {
        return Err(format!("{name}: max_in_flight must be at least 1"));
    }
    let usd = |amount: Option<f64>, what: &str| match amount {
        None => Ok(None),
        Some(usd) if usd.is_finite() && usd > 0.0 => Ok(Some((usd * 1_000_000.0).round() as u64)),
        Some(_) => Err(format!("{name}: {what} must be a positive amount")),
    };
    let day_budget_micros = usd(key.budget_usd_per_day, "budget_usd_per_day")?;
    let month_budget_micros = usd(key.budget_usd_per_month, "budget_usd_per_month")?;
    if let Some(models) = &key.models {
        if models.is_empty() {
            return Err(format!(
                "{name}: models is empty; leave it out for every model"
            ));
        }
        if let Some(model) = models.iter().find(|m| !crate::krea_routes::is_model_id(m)) {
            return Err(format!(
                "{name}: {model:?} is not a model id like krea/krea-2/medium"
            ));
        }
    }
    if day_budget_micros.is_some() || month_budget_micros.is_some() {
        // The models this key may reach: its own list, within the proxy's.
        let reachable: Vec<String> = match &key.models {
            Some(models) => models
                .iter()
                .filter(|m| allow_models.is_empty() || allow_models.contains(m))
                .cloned()
                .collect(),
            None => allow_models.to_vec(),
        };
        charges.check(&reachable).map_err(|why| {
            format!(
                "{name}: its budget {}",
                why.trim_start_matches("--daily-budget-usd ")
            )
        })?;
    }
    Ok(KeyEntry {
        name,
        digest,
        policy: KeyPolicy {
            rates,
            max_in_flight: key.max_in_flight,
            day_budget_micros,
            month_budget_micros,
            models: key.models,
            admin: key.admin,
            shared: None,
        },
    })
}

fn digest_from_hex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut digest = [0u8; 32];
    for (at, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * at..2 * at + 2], 16).ok()?;
    }
    Some(digest)
}

/// `--hash-keys`: the file's text with every plain `key = "…"` replaced by its
/// `key_sha256`, everything else (comments, order, other entries) as it was, and how many
/// it replaced; `None` when there is nothing to hash.
pub fn hash_plain_keys(text: &str) -> Result<Option<(String, usize)>, String> {
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().to_owned())?;
    let Some(keys) = document
        .get_mut("key")
        .and_then(|item| item.as_array_of_tables_mut())
    else {
        return Ok(None);
    };
    let mut hashed = 0;
    for table in keys.iter_mut() {
        let Some(plain) = table
            .get("key")
            .and_then(|item| item.as_str())
            .map(str::to_owned)
        else {
            continue;
        };
        if plain.trim().len() < 8 {
            let name = table.get("name").and_then(|n| n.as_str()).unwrap_or("?");
            return Err(format!("{name}: its key is shorter than 8 characters"));
        }
        let digest = hex(&Sha256::digest(plain.trim().as_bytes()));
        table.remove("key");
        table.insert("key_sha256", toml_edit::value(digest));
        hashed += 1;
    }
    Ok((hashed > 0).then(|| (document.to_string(), hashed)))
}

/// Rewrites the file at `path` with its plain keys hashed (through a new file moved into
/// place, so a crash leaves either file whole). Says how many entries it changed.
pub fn hash_file(path: &Path) -> Result<usize, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let Some((hashed, count)) = hash_plain_keys(&text).map_err(|why| format!("{shown}: {why}"))?
    else {
        return Ok(0);
    };
    let next = path.with_extension("toml.new");
    std::fs::write(&next, hashed).map_err(|e| format!("{}: {e}", next.display()))?;
    std::fs::rename(&next, path).map_err(|e| format!("{shown}: {e}"))?;
    Ok(count)
}

/// On `SIGHUP`, reads the keys file again and puts its callers in place of those in use;
/// connections and jobs in flight go on. A file with a mistake changes nothing and the log
/// says why.
pub fn reload_on_hangup(
    path: std::path::PathBuf,
    charges: Charges,
    allow_models: Vec<String>,
    identity: std::sync::Arc<crate::callers::LiveIdentity>,
) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("SIGHUP cannot be caught here: the keys file is read only at start");
            return;
        };
        while hangups.recv().await.is_some() {
            match load(&path, &charges, &allow_models) {
                Ok(entries) => {
                    let count = entries.len();
                    identity.replace(crate::callers::Identity::from_entries(entries));
                    tracing::info!("keys reloaded from {}: {count} key(s)", path.display());
                }
                Err(why) => tracing::warn!(
                    "keys not reloaded ({why}); the {} key(s) in use stay",
                    identity.current().key_count()
                ),
            }
        }
    });
    #[cfg(not(unix))]
    let _ = (path, charges, allow_models, identity);
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRICED: Charges = Charges {
        usd_per_compute_unit: Some(0.001),
        stated: Vec::new(),
    };
    const PLAIN: Charges = Charges {
        usd_per_compute_unit: None,
        stated: Vec::new(),
    };

    fn sha(key: &str) -> String {
        hex(&Sha256::digest(key.as_bytes()))
    }

    #[test]
    fn a_file_names_each_caller_with_its_own_rules() {
        let text = format!(
            r#"
            # the team
            [[key]]
            name = "lead"
            key_sha256 = "{}"
            admin = true

            [[key]]
            name = "intern"
            key_sha256 = "{}"
            rate = ["10/min", "100/day"]
            max_in_flight = 2
            budget_usd_per_day = 5
            budget_usd_per_month = 50.5
            models = ["krea/krea-2/medium"]
            "#,
            sha("lead-key-0001"),
            sha("intern-key-01")
        );
        let entries = parse(&text, &PLAIN, &[]).unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries[0].policy.admin);
        assert_eq!(
            entries[0].policy,
            KeyPolicy {
                admin: true,
                ..KeyPolicy::default()
            }
        );
        let intern = &entries[1].policy;
        assert_eq!(intern.rates.as_ref().map(Vec::len), Some(2));
        assert_eq!(intern.max_in_flight, Some(2));
        assert_eq!(intern.day_budget_micros, Some(5_000_000));
        assert_eq!(intern.month_budget_micros, Some(50_500_000));
        assert_eq!(
            entries[1].digest.to_vec(),
            Sha256::digest(b"intern-key-01").to_vec()
        );
    }

    #[test]
    fn mistakes_are_refused_saying_which_entry_and_why() {
        let digest = sha("some-key-0001");
        let cases = [
            ("".to_owned(), "no [[key]] entries"),
            (format!("[[key]]\nname = \"a b\"\nkey_sha256 = \"{digest}\""), "is not 1–64 letters"),
            ("[[key]]\nname = \"a\"\nkey = \"plain-key-1\"".to_owned(), "--hash-keys"),
            ("[[key]]\nname = \"a\"\nkey_sha256 = \"abc\"".to_owned(), "64 hexadecimal"),
            ("[[key]]\nname = \"a\"".to_owned(), "no key_sha256"),
            (format!("[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\nrate = [\"9/week\"]"), "a: rate"),
            (format!("[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\nbudget_usd_per_day = -1"), "positive amount"),
            (format!("[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\nbudgets = 3"), "unknown field"),
            (format!("[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\n[[key]]\nname = \"a\"\nkey_sha256 = \"{}\"", sha("other-key-01")), "there twice"),
            (format!("[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\n[[key]]\nname = \"b\"\nkey_sha256 = \"{digest}\""), "shares its key"),
            (format!("[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\nmodels = [\"../etc\"]"), "not a model id"),
            (format!("[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\nmax_in_flight = 0"), "at least 1"),
        ];
        for (text, said) in cases {
            let why = parse(&text, &PRICED, &[]).unwrap_err();
            assert!(why.contains(said), "{text:?}: {why}");
        }
    }

    #[test]
    fn a_budget_must_price_every_model_its_key_may_use() {
        let digest = sha("some-key-0001");
        let flux = format!(
            "[[key]]\nname = \"a\"\nkey_sha256 = \"{digest}\"\nbudget_usd_per_day = 1\nmodels = [\"bfl/flux-1-dev\"]"
        );
        let why = parse(&flux, &PLAIN, &[]).unwrap_err();
        assert!(
            why.contains("bfl/flux-1-dev") && why.contains("--usd-per-compute-unit"),
            "{why}"
        );
        assert!(parse(&flux, &PRICED, &[]).is_ok());
        let krea = flux.replace("bfl/flux-1-dev", "krea/krea-2/medium");
        assert!(parse(&krea, &PLAIN, &[]).is_ok());
    }

    #[test]
    fn hashing_keeps_comments_and_order_and_leaves_no_plain_key() {
        let text = "# team keys\n[[key]]\nname = \"a\" # the lead\nkey = \"alice-key-0001\"\nadmin = true\n\n[[key]]\nname = \"b\"\nkey_sha256 = \"00\"\n";
        let (hashed, count) = hash_plain_keys(text).unwrap().unwrap();
        assert_eq!(count, 1);
        assert!(
            hashed.starts_with("# team keys\n[[key]]\nname = \"a\" # the lead\n"),
            "{hashed}"
        );
        assert!(!hashed.contains("alice-key-0001"));
        assert!(
            hashed.contains(&format!("key_sha256 = \"{}\"", sha("alice-key-0001"))),
            "{hashed}"
        );
        assert!(hashed.contains("admin = true"));
        assert_eq!(
            hash_plain_keys(&hashed).unwrap(),
            None,
            "nothing left to hash"
        );
        assert!(hash_plain_keys("[[key]]\nname = \"a\"\nkey = \"short\"").is_err());
    }
}
