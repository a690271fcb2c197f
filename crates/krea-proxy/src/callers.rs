//! Who is calling. With access keys configured, the key a request carries names its caller
//! (`KREA_PROXY_ACCESS_KEYS="alice:KEY1,bob:KEY2"` for a team, each with its own jobs and
//! limits; the single `KREA_PROXY_ACCESS_KEY` of a private proxy names one caller). Without
//! keys, the proxy is one person's: everyone who reaches it is that person.
//!
//! Keys are compared in constant time: each configured key's SHA-256 digest against the
//! given key's, all of them every time, so neither timing nor which key matched leaks.

use crate::config::Secret;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// The caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// Under which the caller's jobs and limits are kept: `local`, or `key:NAME`.
    pub id: String,
    /// Sees and acts on every job of the Krea account (a proxy with one user), rather than
    /// only the jobs it made here.
    pub sees_all: bool,
}

impl Caller {
    /// What the access log names the caller by (never a secret).
    pub fn name(&self) -> &str {
        &self.id
    }
}

/// A configured access key: its name and the digest of its secret.
pub struct NamedKey {
    name: String,
    digest: [u8; 32],
}

/// How callers are told apart.
pub enum Identity {
    /// No keys: one person, who sees the whole account.
    Local,
    /// Every request must carry one of these keys. With a single key, its holder sees the
    /// whole account, as before keys had names.
    Keys(Vec<NamedKey>),
}

/// Why a request has no caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unidentified {
    /// No key, or not one of the configured ones.
    BadKey,
}

impl Identity {
    /// From the single key and the named list (`name:key,name:key`); setting both, a name
    /// twice, a key twice or an empty part is an error that says which.
    pub fn from_keys(single: Option<&Secret>, named: Option<&Secret>) -> Result<Self, String> {
        let mut keys: Vec<(String, String)> = Vec::new();
        match (single, named) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "set either {} or {}, not both",
                    crate::config::ACCESS_KEY_ENV,
                    crate::config::ACCESS_KEYS_ENV
                ))
            }
            (Some(key), None) => keys.push(("default".to_owned(), key.expose().to_owned())),
            (None, Some(list)) => {
                for part in list.expose().split(',').map(str::trim) {
                    let Some((name, key)) = part.split_once(':') else {
                        return Err(format!(
                            "{}: each entry is name:key (an entry has no ':')",
                            crate::config::ACCESS_KEYS_ENV
                        ));
                    };
                    let (name, key) = (name.trim(), key.trim());
                    let name_ok = !name.is_empty()
                        && name.len() <= 64
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                    if !name_ok {
                        return Err(format!(
                            "{}: the name {name:?} is not 1–64 letters, digits, - or _",
                            crate::config::ACCESS_KEYS_ENV
                        ));
                    }
                    if key.len() < 8 {
                        return Err(format!(
                            "{}: the key for {name} is shorter than 8 characters",
                            crate::config::ACCESS_KEYS_ENV
                        ));
                    }
                    if keys.iter().any(|(known, _)| known == name) {
                        return Err(format!(
                            "{}: the name {name} is there twice",
                            crate::config::ACCESS_KEYS_ENV
                        ));
                    }
                    if keys.iter().any(|(_, known)| known == key) {
                        return Err(format!(
                            "{}: two names share one key",
                            crate::config::ACCESS_KEYS_ENV
                        ));
                    }
                    keys.push((name.to_owned(), key.to_owned()));
                }
            }
            (None, None) => return Ok(Identity::Local),
        }
        Ok(Identity::Keys(
            keys.into_iter()
                .map(|(name, key)| NamedKey {
                    name,
                    digest: Sha256::digest(key.as_bytes()).into(),
                })
                .collect(),
        ))
    }

    /// Whether callers must show a key.
    pub fn needs_key(&self) -> bool {
        matches!(self, Identity::Keys(_))
    }

    /// The caller a request with this key header is.
    pub fn identify(&self, given_key: Option<&[u8]>) -> Result<Caller, Unidentified> {
        let keys = match self {
            Identity::Local => {
                return Ok(Caller {
                    id: "local".to_owned(),
                    sees_all: true,
                })
            }
            Identity::Keys(keys) => keys,
        };
        let given: [u8; 32] = Sha256::digest(given_key.unwrap_or_default()).into();
        // Every key is compared; the match is picked without a branch on the secret.
        let mut any = Choice::from(0);
        let mut index = 0u32;
        for (at, key) in keys.iter().enumerate() {
            let hit = key.digest.ct_eq(&given);
            index = u32::conditional_select(&index, &(at as u32), hit);
            any |= hit;
        }
        if given_key.is_none() || !bool::from(any) {
            return Err(Unidentified::BadKey);
        }
        let key = &keys[index as usize];
        Ok(Caller {
            id: format!("key:{}", key.name),
            sees_all: keys.len() == 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> Identity {
        Identity::from_keys(
            None,
            Some(&Secret::new("alice:alice-key-1, bob:bob-key-22")),
        )
        .unwrap()
    }

    #[test]
    fn a_key_names_its_caller_and_a_team_member_sees_only_their_own() {
        let team = team();
        let alice = team.identify(Some(b"alice-key-1")).unwrap();
        assert_eq!(alice.id, "key:alice");
        assert!(!alice.sees_all);
        assert_eq!(team.identify(Some(b"bob-key-22")).unwrap().id, "key:bob");
        assert_eq!(team.identify(Some(b"bob-key-2")), Err(Unidentified::BadKey));
        assert_eq!(team.identify(None), Err(Unidentified::BadKey));
    }

    #[test]
    fn one_key_or_none_is_one_person_who_sees_everything() {
        let single = Identity::from_keys(Some(&Secret::new("just-one-key")), None).unwrap();
        let owner = single.identify(Some(b"just-one-key")).unwrap();
        assert_eq!((owner.id.as_str(), owner.sees_all), ("key:default", true));
        assert!(single.identify(Some(b"")).is_err());
        let local = Identity::from_keys(None, None).unwrap();
        assert!(!local.needs_key());
        assert!(local.identify(None).unwrap().sees_all);
    }

    #[test]
    fn a_bad_key_list_says_what_is_wrong() {
        let error = |list: &str| {
            Identity::from_keys(None, Some(&Secret::new(list)))
                .err()
                .unwrap()
        };
        assert!(error("alice").contains("name:key"));
        assert!(error("al ice:long-enough").contains("not 1–64"));
        assert!(error("alice:short").contains("shorter than 8"));
        assert!(error("a:long-enough,a:other-long").contains("twice"));
        assert!(error("a:long-enough,b:long-enough").contains("share one key"));
        let both = Identity::from_keys(
            Some(&Secret::new("long-enough")),
            Some(&Secret::new("a:long-enough")),
        );
        assert!(both.err().unwrap().contains("not both"));
    }
}
