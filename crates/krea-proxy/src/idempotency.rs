//! Idempotent submits, in Stripe's model: a caller sends `Idempotency-Key` with a generate
//! request, and every repeat of that key is answered with the job the first one made, never
//! a second job. The proxy also remembers every job id it has handed out, so that when
//! Krea's answer is lost it can tell the lost job apart from jobs it already reported.
//!
//! [`IdempotencyStore`] is the interface; [`MemoryStore`] keeps everything in this process.
//! Its methods return futures so that a shared store (Redis) can stand behind it.

use axum::body::Bytes;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The request header a caller puts its key in.
pub const HEADER: &str = "idempotency-key";
/// How long a key (and a job id handed out) is remembered.
pub const REMEMBER_FOR: Duration = Duration::from_secs(24 * 60 * 60);

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// The key was used for a different request.
    Mismatch,
    /// Krea's answer was lost and the proxy could not tell whether it made a job: look
    /// again in this window. The key is now in flight.
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

#[derive(Debug, Clone)]
enum State {
    InFlight,
    Created(Bytes),
    Unknown(Window),
}

#[derive(Debug, Clone)]
struct Record {
    fingerprint: Fingerprint,
    state: State,
    at: Instant,
}

#[derive(Default)]
struct Memory {
    keys: HashMap<String, Record>,
    jobs: HashMap<String, Instant>,
    /// Writes since the last sweep of expired entries.
    writes: usize,
}

impl Memory {
    /// Forgets what is older than [`REMEMBER_FOR`], every so many writes, so the maps stay
    /// bounded by a day's traffic without a timer.
    fn sweep_now_and_then(&mut self) {
        self.writes += 1;
        if self.writes < 1024 {
            return;
        }
        self.writes = 0;
        self.keys
            .retain(|_, record| record.at.elapsed() < REMEMBER_FOR);
        self.jobs.retain(|_, at| at.elapsed() < REMEMBER_FOR);
    }
}

/// Keys and job ids in this process's memory: lost on restart, not shared by replicas.
#[derive(Default)]
pub struct MemoryStore {
    memory: Mutex<Memory>,
}

impl MemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut Memory) -> T) -> T {
        // A panic while holding the lock leaves plain data behind; keep using it.
        let mut memory = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut memory)
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim<'a>(&'a self, key: &'a str, fingerprint: Fingerprint) -> BoxFuture<'a, Claim> {
        let claim = self.with(|memory| {
            memory.sweep_now_and_then();
            let fresh = Record {
                fingerprint,
                state: State::InFlight,
                at: Instant::now(),
            };
            let record = match memory.keys.get_mut(key) {
                Some(record) if record.at.elapsed() < REMEMBER_FOR => record,
                _ => {
                    memory.keys.insert(key.to_owned(), fresh);
                    return Claim::Fresh;
                }
            };
            if record.fingerprint != fingerprint {
                return Claim::Mismatch;
            }
            match record.state.clone() {
                State::InFlight => Claim::InFlight,
                State::Created(body) => Claim::Replay(body),
                State::Unknown(window) => {
                    record.state = State::InFlight;
                    Claim::Unsettled(window)
                }
            }
        });
        Box::pin(std::future::ready(claim))
    }

    fn settle<'a>(&'a self, key: &'a str, outcome: Outcome) -> BoxFuture<'a, ()> {
        self.with(|memory| {
            let Some(record) = memory.keys.get_mut(key) else {
                return;
            };
            record.at = Instant::now();
            match outcome {
                Outcome::Created(body) => record.state = State::Created(body),
                Outcome::Unknown(window) => record.state = State::Unknown(window),
                Outcome::NotCreated => {
                    memory.keys.remove(key);
                }
            }
        });
        Box::pin(std::future::ready(()))
    }

    fn remember_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, ()> {
        self.with(|memory| {
            memory.sweep_now_and_then();
            memory.jobs.insert(job_id.to_owned(), Instant::now());
        });
        Box::pin(std::future::ready(()))
    }

    fn knows_job<'a>(&'a self, job_id: &'a str) -> BoxFuture<'a, bool> {
        let known = self.with(|memory| memory.jobs.contains_key(job_id));
        Box::pin(std::future::ready(known))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(store: &MemoryStore, key: &str, fp: Fingerprint) -> Claim {
        futures_lite(store.claim(key, fp))
    }

    /// The memory store's futures are ready at once.
    fn futures_lite<T>(future: BoxFuture<'_, T>) -> T {
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let mut future = future;
        match future.as_mut().poll(&mut context) {
            std::task::Poll::Ready(value) => value,
            std::task::Poll::Pending => panic!("the memory store never waits"),
        }
    }

    #[test]
    fn a_key_answers_its_first_job_to_every_repeat_and_refuses_other_bodies() {
        let store = MemoryStore::default();
        let a = fingerprint("bfl/flux-1-dev", br#"{"prompt":"fox","seed":1}"#);
        let same = fingerprint("bfl/flux-1-dev", br#"{ "seed": 1, "prompt": "fox" }"#);
        let other = fingerprint("bfl/flux-1-dev", br#"{"prompt":"cat","seed":1}"#);
        assert_eq!(a, same, "key order and spacing do not matter");
        assert_ne!(
            a,
            fingerprint("bfl/flux-1.1-pro", br#"{"prompt":"fox","seed":1}"#)
        );
        assert_eq!(claim(&store, "k", a), Claim::Fresh);
        assert_eq!(claim(&store, "k", a), Claim::InFlight);
        futures_lite(store.settle("k", Outcome::Created(Bytes::from_static(b"job"))));
        assert_eq!(
            claim(&store, "k", same),
            Claim::Replay(Bytes::from_static(b"job"))
        );
        assert_eq!(claim(&store, "k", other), Claim::Mismatch);
    }

    #[test]
    fn a_key_that_made_no_job_is_free_again_and_an_unknown_one_is_looked_at_again() {
        let store = MemoryStore::default();
        let a = fingerprint("m/x", b"{}");
        assert_eq!(claim(&store, "k", a), Claim::Fresh);
        futures_lite(store.settle("k", Outcome::NotCreated));
        assert_eq!(claim(&store, "k", a), Claim::Fresh);
        let window = Window {
            sent_at: 1,
            judged_at: 2,
        };
        futures_lite(store.settle("k", Outcome::Unknown(window)));
        assert_eq!(claim(&store, "k", a), Claim::Unsettled(window));
        assert_eq!(claim(&store, "k", a), Claim::InFlight, "one look at a time");
    }

    #[test]
    fn job_ids_handed_out_are_known() {
        let store = MemoryStore::default();
        assert!(!futures_lite(store.knows_job("j")));
        futures_lite(store.remember_job("j"));
        assert!(futures_lite(store.knows_job("j")));
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
