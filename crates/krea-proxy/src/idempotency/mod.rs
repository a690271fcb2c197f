//! Idempotent submits, in Stripe's model: a caller sends `Idempotency-Key` with a generate
//! request, and every repeat of that key is answered with the job the first one made, never
//! a second job. The proxy also remembers every job id it has handed out, so that when
//! Krea's answer is lost it can tell the lost job apart from jobs it already reported.
//!
//! [`IdempotencyStore`] is the interface, kept in memory ([`MemoryStore`]), in a file or in
//! Redis. How a key's record changes is written once, in [`KeyRecord`]; the memory and file
//! stores apply it, and Redis's `claim.lua` follows the same rules in one atomic step.

mod file;
mod memory;
mod redis;

pub use crate::state::BoxFuture;
use axum::body::Bytes;
pub use memory::MemoryStore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The request header a caller puts its key in.
pub const HEADER: &str = "idempotency-key";
/// How long a key (and a job id handed out) is remembered.
pub const REMEMBER_FOR: Duration = Duration::from_secs(24 * 60 * 60);
/// A request in flight longer than this cannot still be running (the upstream timeout and
/// the lookup are far shorter): its process died, and the key is looked at again as a
/// lost answer, in the window since it was claimed.
pub const IN_FLIGHT_FOR: Duration = Duration::from_secs(180);

/// What makes two requests "the same": the model path and the body, as JSON values (so key
/// order and spacing do not matter).
pub type Fingerprint = [u8; 32];

pub fn fingerprint(model_path: &str, body: &[u8]) -> Fingerprint {
    // serde_json's maps are sorted, so re-serialising gives one text per JSON value.
    let canonical = serde_json::from_slice::<serde_json::Value>(body)
        .map(|value| value.to_string().into_bytes())
        .unwrap_or_else(|_| body.to_vec());
    let mut hash = Sha256::new();
    hash.update(model_path.as_bytes());
    hash.update([0]);
    hash.update(&canonical);
    hash.finalize().into()
}

/// A key is 1–255 visible ASCII characters (a UUID, typically).
pub fn is_valid_key(key: &str) -> bool {
    (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// When a request was sent upstream and when its outcome was judged unknown, in
/// nanoseconds since 1970: where to look for the job it may have made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub sent_at: i128,
    pub judged_at: i128,
}

/// What a key's first use left behind, as seen by a new request with that key.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// Never seen (or the request made no job): go ahead. The key is now in flight.
    Fresh,
    /// The job this key made, as first answered.
    Replay(Bytes),
    /// Another request with this key is being handled right now.
    InFlight,
    /// The store did not answer: nobody can tell whether the key made a job, so nothing is
    /// sent (never a second job).
    Unavailable,
    /// The key was used for a different request.
    Mismatch,
    /// Krea's answer was lost (or the request's process died) and the proxy could not tell
    /// whether it made a job: look again in this window. The key is now in flight.
    Unsettled(Window),
}

/// How a request with a key ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Krea made this job; repeats get this body.
    Created(Bytes),
    /// Krea made no job: the key is free for the same request again.
    NotCreated,
    /// Nobody can tell yet.
    Unknown(Window),
}

pub trait IdempotencyStore: Send + Sync {
    /// Looks the key up for a request with `fingerprint` and, when it may go ahead, marks
    /// the key in flight.
    fn claim<'a>(&'a self, key: &'a str, fingerprint: Fingerprint) -> BoxFuture<'a, Claim>;
    /// Records how the request with `key` ended.
    fn settle<'a>(&'a self, key: &'a str, outcome: Outcome) -> BoxFuture<'a, ()>;
    /// Remembers a job id the proxy handed out.
    fn remember_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, ()>;
    /// Whether the proxy handed this job id out already.
    fn knows_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, bool>;
}

/// Where a key stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum KeyState {
    InFlight,
    Created(Vec<u8>),
    Unknown(Window),
}

/// One key's record, as the memory and file stores keep it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub fingerprint: Fingerprint,
    pub state: KeyState,
    /// When it was claimed or last settled, in milliseconds since 1970.
    pub at_ms: u64,
}

/// What a store does with a key's record.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    Keep,
    Put(KeyRecord),
    Remove,
}

impl KeyRecord {
    /// A claim of `key` for `fingerprint` at `now_ms`, given its record (if any): what the
    /// request is told, and what becomes of the record. An in-flight claim made before
    /// `stale_before_ms` belongs to a request that cannot still be running.
    pub fn claim(
        existing: Option<&KeyRecord>,
        fingerprint: Fingerprint,
        now_ms: u64,
        stale_before_ms: u64,
    ) -> (Claim, Write) {
        let in_flight = Write::Put(KeyRecord {
            fingerprint,
            state: KeyState::InFlight,
            at_ms: now_ms,
        });
        let live = existing
            .filter(|record| now_ms.saturating_sub(record.at_ms) < REMEMBER_FOR.as_millis() as u64);
        let Some(record) = live else {
            return (Claim::Fresh, in_flight);
        };
        if record.fingerprint != fingerprint {
            return (Claim::Mismatch, Write::Keep);
        }
        match &record.state {
            KeyState::Created(body) => (Claim::Replay(Bytes::from(body.clone())), Write::Keep),
            KeyState::InFlight if record.at_ms >= stale_before_ms => (Claim::InFlight, Write::Keep),
            KeyState::InFlight => {
                let window = Window {
                    sent_at: i128::from(record.at_ms) * 1_000_000,
                    judged_at: i128::from(now_ms) * 1_000_000,
                };
                (Claim::Unsettled(window), in_flight)
            }
            KeyState::Unknown(window) => (Claim::Unsettled(*window), in_flight),
        }
    }

    /// How the request with this record ended, at `now_ms`.
    pub fn settle(existing: Option<&KeyRecord>, outcome: Outcome, now_ms: u64) -> Write {
        let Some(record) = existing else {
            return Write::Keep;
        };
        let state = match outcome {
            Outcome::Created(body) => KeyState::Created(body.to_vec()),
            Outcome::Unknown(window) => KeyState::Unknown(window),
            Outcome::NotCreated => return Write::Remove,
        };
        Write::Put(KeyRecord {
            fingerprint: record.fingerprint,
            state,
            at_ms: now_ms,
        })
    }
}

/// The in-flight age past which a claim is stale, at `now_ms`.
pub fn stale_before(now_ms: u64) -> u64 {
    now_ms.saturating_sub(IN_FLIGHT_FOR.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_in_flight_claim_older_than_any_request_is_looked_at_again_in_its_window() {
        let a = fingerprint("m/x", b"{}");
        let (claim, write) = KeyRecord::claim(None, a, 1_000, 0);
        assert_eq!(claim, Claim::Fresh);
        let Write::Put(record) = write else {
            panic!("a fresh claim is written")
        };
        let (claim, _) = KeyRecord::claim(Some(&record), a, 2_000, stale_before(2_000));
        assert_eq!(claim, Claim::InFlight, "still running");
        let later = 1_000 + IN_FLIGHT_FOR.as_millis() as u64 + 1;
        let (claim, write) = KeyRecord::claim(Some(&record), a, later, stale_before(later));
        assert_eq!(
            claim,
            Claim::Unsettled(Window {
                sent_at: 1_000_000_000,
                judged_at: i128::from(later) * 1_000_000,
            })
        );
        assert!(matches!(
            write,
            Write::Put(KeyRecord {
                state: KeyState::InFlight,
                ..
            })
        ));
    }

    #[test]
    fn keys_are_visible_ascii_up_to_255_characters() {
        assert!(is_valid_key("4d0e5f97-9721-4422-b88c-73a9032d7de1"));
        assert!(!is_valid_key(""));
        assert!(!is_valid_key("with space"));
        assert!(!is_valid_key("ключ"));
        assert!(!is_valid_key(&"k".repeat(256)));
    }
}
