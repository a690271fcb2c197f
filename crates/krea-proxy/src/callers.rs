//! Who is calling. With access keys configured, the key a request carries names its caller
//! (`KREA_PROXY_ACCESS_KEYS="alice:KEY1,bob:KEY2"` for a team, each with its own jobs and
//! limits; the single `KREA_PROXY_ACCESS_KEY` of a private proxy names one caller). A public
//! proxy without keys (an embed's visitors) tells strangers apart by anonymous sessions it
//! issues (`POST /session`): a random id signed with the proxy's secret, which the app keeps
//! and sends in `x-krea-session`; not by IP, which NAT and phones share and change. Without
//! keys on loopback, the proxy is one person's: everyone who reaches it is that person.
//!
//! Keys are compared in constant time: each configured key's SHA-256 digest against the
//! given key's, all of them every time, so neither timing nor which key matched leaks.

pub use crate::limits::KeyPolicy;
use crate::secret::{hex, random_hex, Secret};
use crate::site::embed_sites::EmbedSite;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// The caller of one request.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// Under which the caller's jobs and limits are kept: `local`, or `key:NAME`.
    pub id: String,
    /// Sees and acts on every job of the Krea account (a proxy with one user, or an admin
    /// key), rather than only the jobs it made here.
    pub sees_all: bool,
    /// What the keys file says this caller may do; the proxy's flags where it says nothing.
    pub policy: Arc<KeyPolicy>,
    /// The embedding site a visitor's session was issued for (`--allow-embed`).
    pub site: Option<String>,
}

/// One caller of a keys file (`crate::keys_file`): its name, its key's digest and what it may do.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyEntry {
    pub name: String,
    pub digest: [u8; 32],
    pub policy: KeyPolicy,
}

/// A key's name: 1–64 letters, digits, `-` or `_`.
pub fn is_key_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Caller {
    /// What the access log names the caller by (never a secret): a key's name, or a
    /// session's hash.
    pub fn name(&self) -> String {
        match self.id.strip_prefix("session:") {
            Some(id) => {
                let hash = Sha256::digest(id.as_bytes());
                let short = hex(&hash[..6]);
                format!("session#{short}")
            }
            None => self.id.clone(),
        }
    }
}

/// A configured access key: its name, the digest of its secret, and its rules.
pub struct NamedKey {
    name: String,
    digest: [u8; 32],
    policy: Arc<KeyPolicy>,
}

/// How callers are told apart.
pub enum Identity {
    /// No keys: one person, who sees the whole account.
    Local,
    /// Every request must carry one of these keys. With a single key, its holder sees the
    /// whole account, as before keys had names.
    Keys(Vec<NamedKey>),
    /// Every request must carry a session this proxy issued.
    Sessions(Sessions),
}

impl Identity {
    /// The budgets of a usage scope (`key:NAME`, `site:ORIGIN`) in millionths of a dollar,
    /// per day and per month: a key's own, or a site's shared allowance.
    pub fn budgets_of(&self, scope: &str) -> (Option<u64>, Option<u64>) {
        let found = match self {
            Identity::Keys(keys) => scope
                .strip_prefix("key:")
                .and_then(|name| keys.iter().find(|key| key.name == name))
                .map(|key| (key.policy.day_budget_micros, key.policy.month_budget_micros)),
            Identity::Sessions(sessions) => scope
                .strip_prefix("site:")
                .and_then(|origin| sessions.site(origin))
                .and_then(|site| site.policy.shared.as_ref())
                .map(|shared| (shared.day_budget_micros, shared.month_budget_micros)),
            Identity::Local => None,
        };
        found.unwrap_or_default()
    }

    /// Every key and embedding site as a usage scope, for an admin's table (listed even
    /// before they spend).
    pub fn scopes(&self) -> Vec<String> {
        match self {
            Identity::Keys(keys) => keys.iter().map(|key| format!("key:{}", key.name)).collect(),
            Identity::Sessions(sessions) => sessions
                .sites
                .iter()
                .map(|site| format!("site:{}", site.origin))
                .collect(),
            Identity::Local => Vec::new(),
        }
    }
}

/// The identity in use. The keys file's reload replaces it whole; a request keeps the one
/// it started with.
pub struct LiveIdentity(std::sync::RwLock<Arc<Identity>>);

impl LiveIdentity {
    pub fn new(identity: Identity) -> Self {
        LiveIdentity(std::sync::RwLock::new(Arc::new(identity)))
    }

    pub fn current(&self) -> Arc<Identity> {
        // A panic while replacing leaves the old or the new one, both whole.
        Arc::clone(&self.0.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn replace(&self, identity: Identity) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(identity);
    }
}

/// Issues and checks anonymous sessions: `id.mac`, both hex, or `id.site.mac` for a
/// visitor of an embedding site (the site's origin in base64url); the MAC an HMAC-SHA256 of
/// what precedes it under the proxy's secret (shared by replicas through
/// `--state redis://…` or `KREA_PROXY_SESSION_SECRET`).
pub struct Sessions {
    secret: Vec<u8>,
    /// The sites that may embed the studio (`--allow-embed`), each with its visitors' rules.
    sites: Vec<EmbedSite>,
}

/// A session this proxy issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    /// The embedding site it was issued for, if any.
    pub site: Option<String>,
}

impl Sessions {
    pub fn new(secret: Vec<u8>) -> Self {
        Sessions {
            secret,
            sites: Vec::new(),
        }
    }

    /// Sessions may be bound to these sites, whose visitors spend their site's allowance.
    pub fn with_sites(mut self, sites: Vec<EmbedSite>) -> Self {
        self.sites = sites;
        self
    }

    /// Whether `origin` is a site this proxy lets embed the studio.
    pub fn lists(&self, origin: &str) -> bool {
        self.site(origin).is_some()
    }

    /// The listed site `origin` is, if it is one.
    fn site(&self, origin: &str) -> Option<&EmbedSite> {
        self.sites.iter().find(|site| site.origin == origin)
    }

    fn mac(&self, id: &str) -> [u8; 32] {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.secret)
            .expect("HMAC takes a key of any length");
        mac.update(id.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A new session (128 bits from the system's secure random source), bound to `site`
    /// when that is a site this proxy lets embed the studio.
    pub fn issue(&self, site: Option<&str>) -> String {
        use base64::Engine;
        let id = random_hex(16);
        let signed = match site.and_then(|origin| self.site(origin)) {
            Some(site) => format!(
                "{id}.{}",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&site.origin)
            ),
            None => id,
        };
        let mac = hex(&self.mac(&signed));
        format!("{signed}.{mac}")
    }

    /// The session, if this proxy issued it.
    pub fn verify(&self, token: &[u8]) -> Option<Session> {
        use base64::Engine;
        let token = std::str::from_utf8(token).ok()?;
        let (signed, mac) = token.rsplit_once('.')?;
        let (id, site) = match signed.split_once('.') {
            Some((id, site)) => (id, Some(site)),
            None => (signed, None),
        };
        if id.len() != 32 || mac.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let expected = hex(&self.mac(signed));
        if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
            return None;
        }
        let site = match site {
            Some(encoded) => Some(
                String::from_utf8(
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(encoded)
                        .ok()?,
                )
                .ok()?,
            ),
            None => None,
        };
        Some(Session {
            id: id.to_owned(),
            site,
        })
    }
}

/// Why a request has no caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unidentified {
    /// No key, or not one of the configured ones.
    BadKey,
    /// No session, or not one this proxy issued.
    NoSession,
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
                    if !is_key_name(name) {
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
                    policy: Arc::default(),
                })
                .collect(),
        ))
    }

    /// The callers of a keys file (`--keys`).
    pub fn from_entries(entries: Vec<KeyEntry>) -> Self {
        Identity::Keys(
            entries
                .into_iter()
                .map(|entry| NamedKey {
                    name: entry.name,
                    digest: entry.digest,
                    policy: Arc::new(entry.policy),
                })
                .collect(),
        )
    }

    /// How many keys there are (for the log).
    pub fn key_count(&self) -> usize {
        match self {
            Identity::Keys(keys) => keys.len(),
            _ => 0,
        }
    }

    /// Whether callers must show a key.
    pub fn needs_key(&self) -> bool {
        matches!(self, Identity::Keys(_))
    }

    /// The caller a request with this key header (or session header) is.
    pub fn identify(
        &self,
        given_key: Option<&[u8]>,
        given_session: Option<&[u8]>,
    ) -> Result<Caller, Unidentified> {
        let keys = match self {
            Identity::Local => {
                return Ok(Caller {
                    id: "local".to_owned(),
                    sees_all: true,
                    policy: Arc::default(),
                    site: None,
                })
            }
            Identity::Sessions(sessions) => {
                let session = given_session
                    .and_then(|token| sessions.verify(token))
                    .ok_or(Unidentified::NoSession)?;
                // A site no longer listed leaves its sessions with the proxy's own rules.
                let site = session
                    .site
                    .as_deref()
                    .and_then(|origin| sessions.site(origin));
                return Ok(Caller {
                    id: format!("session:{}", session.id),
                    sees_all: false,
                    policy: site.map(|s| Arc::clone(&s.policy)).unwrap_or_default(),
                    site: site.map(|s| s.origin.clone()),
                });
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
            sees_all: keys.len() == 1 || key.policy.admin,
            policy: Arc::clone(&key.policy),
            site: None,
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
        let alice = team.identify(Some(b"alice-key-1"), None).unwrap();
        assert_eq!(alice.id, "key:alice");
        assert!(!alice.sees_all);
        assert_eq!(
            team.identify(Some(b"bob-key-22"), None).unwrap().id,
            "key:bob"
        );
        assert_eq!(
            team.identify(Some(b"bob-key-2"), None),
            Err(Unidentified::BadKey)
        );
        assert_eq!(team.identify(None, None), Err(Unidentified::BadKey));
    }

    #[test]
    fn one_key_or_none_is_one_person_who_sees_everything() {
        let single = Identity::from_keys(Some(&Secret::new("just-one-key")), None).unwrap();
        let owner = single.identify(Some(b"just-one-key"), None).unwrap();
        assert_eq!((owner.id.as_str(), owner.sees_all), ("key:default", true));
        assert!(single.identify(Some(b""), None).is_err());
        let local = Identity::from_keys(None, None).unwrap();
        assert!(!local.needs_key());
        assert!(local.identify(None, None).unwrap().sees_all);
    }

    #[test]
    fn a_session_is_its_own_caller_and_a_forged_one_is_nobody() {
        let sessions = Identity::Sessions(Sessions::new(b"secret-of-this-proxy".to_vec()));
        let Identity::Sessions(issuer) = &sessions else {
            unreachable!()
        };
        let token = issuer.issue(None);
        let caller = sessions.identify(None, Some(token.as_bytes())).unwrap();
        assert!(caller.id.starts_with("session:") && !caller.sees_all);
        assert!(caller.name().starts_with("session#"));
        assert!(
            !caller.name().contains(&token[..32]),
            "the log never shows the id"
        );
        let other = issuer.issue(None);
        assert_ne!(
            sessions.identify(None, Some(other.as_bytes())).unwrap(),
            caller
        );
        let (id, _) = token.split_once('.').unwrap();
        let forged = format!("{id}.{}", "0".repeat(64));
        assert_eq!(
            sessions.identify(None, Some(forged.as_bytes())),
            Err(Unidentified::NoSession)
        );
        let elsewhere = Sessions::new(b"another proxy".to_vec());
        assert!(elsewhere.verify(token.as_bytes()).is_none());
        assert_eq!(sessions.identify(None, None), Err(Unidentified::NoSession));
    }

    #[test]
    fn a_site_s_session_carries_its_site_s_allowance_and_the_site_cannot_be_changed() {
        let sites =
            crate::site::embed_sites::parse_all(&["https://blog.example,budget=10".to_owned()])
                .unwrap();
        let sessions = Sessions::new(b"secret-of-this-proxy".to_vec()).with_sites(sites);
        let token = sessions.issue(Some("https://blog.example"));
        let session = sessions.verify(token.as_bytes()).unwrap();
        assert_eq!(session.site.as_deref(), Some("https://blog.example"));
        let identity = Identity::Sessions(sessions);
        let caller = identity.identify(None, Some(token.as_bytes())).unwrap();
        let shared = caller.policy.shared.as_ref().unwrap();
        assert_eq!(shared.scope, "site:https://blog.example");
        // Another site's name under the same MAC is nobody.
        let parts: Vec<&str> = token.split('.').collect();
        let moved = format!("{}.aHR0cHM6Ly9ldmlsLmV4YW1wbGU.{}", parts[0], parts[2]);
        assert_eq!(
            identity.identify(None, Some(moved.as_bytes())),
            Err(Unidentified::NoSession)
        );
        // A site the proxy does not list gets a plain session.
        let Identity::Sessions(sessions) = &identity else {
            unreachable!()
        };
        let unlisted = sessions.issue(Some("https://other.example"));
        assert_eq!(sessions.verify(unlisted.as_bytes()).unwrap().site, None);
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
