//! Results pushed as they happen (`--public-url`). Each generate request sent upstream names
//! a webhook at this proxy with an unguessable token of its own. When Krea calls it, the
//! delivery is believed only after Krea's own answer for the job agrees (Krea signs
//! nothing), only once per job (Krea warns deliveries repeat), and only for a job this proxy
//! made with that token; then the job goes to its owner's event stream (`GET /events`,
//! Server-Sent Events, resumable with `Last-Event-ID`).
//!
//! Tokens and each caller's recent events are [`PushRecords`]: in this process, or in Redis
//! (`--state redis://…`), where a delivery that reaches one replica is published to all of
//! them, so it reaches the browser whichever replica holds its stream.

use crate::callers::random_hex;
use crate::idempotency::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Events kept per caller for a stream that resumes (`Last-Event-ID`).
pub const KEPT_EVENTS: usize = 256;
/// A token whose job never ended is forgotten after this long; so are a caller's kept
/// events when nothing new came for as long.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(48 * 3600);

/// One event on a caller's stream: its id, and the job as JSON text.
pub type PushEvent = (u64, String);

/// What the records made of a believed delivery.
#[derive(Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Kept as this caller's event, with this id.
    New(PushEvent),
    /// This job was delivered before.
    Repeated,
    /// The token is unknown, or bound to another job.
    Unknown,
}

/// Where tokens and kept events live.
pub trait PushRecords: Send + Sync {
    /// Remembers a token for a job `caller` is about to make.
    fn issue<'a>(&'a self, token: &'a str, caller: &'a str) -> BoxFuture<'a, ()>;
    /// The job the token's request made; `None`: it made none, and the token goes.
    fn bind<'a>(&'a self, token: &'a str, job_id: Option<&'a str>) -> BoxFuture<'a, ()>;
    /// The caller and job a delivery to `token` must be about.
    fn expected<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<(String, String)>>;
    /// Marks the token delivered and keeps `job` (JSON) as `caller`'s next event, at once:
    /// of two deliveries racing, even at two replicas, one is new and one a repeat.
    fn record<'a>(
        &'a self,
        token: &'a str,
        caller: &'a str,
        job_id: &'a str,
        job: &'a str,
    ) -> BoxFuture<'a, Recorded>;
    /// `caller`'s kept events after `last_seen` (all of them without it), oldest first.
    fn missed<'a>(
        &'a self,
        caller: &'a str,
        last_seen: Option<u64>,
    ) -> BoxFuture<'a, Vec<PushEvent>>;
}

/// Each caller's live streams in this process.
pub type LiveStreams = Arc<Mutex<HashMap<String, broadcast::Sender<PushEvent>>>>;

pub struct Push {
    /// Where Krea reaches this proxy, e.g. `https://proxy.example`.
    public_url: String,
    records: Box<dyn PushRecords>,
    /// Whether the records publish every new event to every replica (which then hands it
    /// to [`Push::hand_out`]); otherwise this process hands it out itself.
    published: bool,
    live: LiveStreams,
}

/// What became of a delivery.
#[derive(Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The job went to its owner's stream.
    Pushed,
    /// Nobody issued this token (or it is for another job).
    Unknown,
    /// This job was delivered before: a repeat changes nothing.
    Repeated,
    /// Krea's own answer disagrees with the delivery, or the job has not ended.
    Disbelieved,
}

impl Push {
    /// Keeps tokens and events in this process.
    pub fn in_memory(public_url: &str) -> Push {
        Push::with_records(public_url, Box::new(MemoryRecords::default()), false)
    }

    /// Keeps them in `records`; `published`: the records publish new events to every
    /// replica, whose listener calls [`Push::hand_out`].
    pub fn with_records(public_url: &str, records: Box<dyn PushRecords>, published: bool) -> Push {
        Push {
            public_url: public_url.trim_end_matches('/').to_owned(),
            records,
            published,
            live: LiveStreams::default(),
        }
    }

    /// The live streams, for a listener that hands out what other replicas recorded.
    pub fn live_streams(&self) -> LiveStreams {
        Arc::clone(&self.live)
    }

    /// A webhook URL for a job `caller` is about to make, and its token.
    pub async fn hook_for(&self, caller: &str) -> (String, String) {
        let token = random_hex(24);
        self.records.issue(&token, caller).await;
        let url = format!("{}/webhooks/{token}", self.public_url);
        (token, url)
    }

    /// The job the token's request made (a token whose request made none is dropped).
    pub async fn bind(&self, token: &str, job_id: Option<&str>) {
        self.records.bind(token, job_id).await;
    }

    /// Which job a delivery to `token` must be about, if the token is known and bound.
    pub async fn expected_job(&self, token: &str) -> Option<String> {
        self.records.expected(token).await.map(|(_, job)| job)
    }

    /// A delivery to `token` of `delivered` (the body Krea posted), checked against `read`
    /// (Krea's own answer for the job, read after the delivery came).
    pub async fn receive(
        &self,
        token: &str,
        delivered: &serde_json::Value,
        read: Option<&serde_json::Value>,
    ) -> Delivery {
        let Some((caller, job_id)) = self.records.expected(token).await else {
            return Delivery::Unknown;
        };
        if delivered["job_id"] != job_id.as_str() {
            return Delivery::Unknown;
        }
        let Some(read) = read else {
            return Delivery::Disbelieved;
        };
        let ended = matches!(
            read["status"].as_str(),
            Some("completed" | "failed" | "cancelled")
        );
        if !ended || read["job_id"] != job_id.as_str() || read["status"] != delivered["status"] {
            return Delivery::Disbelieved;
        }
        match self
            .records
            .record(token, &caller, &job_id, &read.to_string())
            .await
        {
            Recorded::New(event) => {
                if !self.published {
                    hand_out(&self.live, &caller, event);
                }
                Delivery::Pushed
            }
            Recorded::Repeated => Delivery::Repeated,
            Recorded::Unknown => Delivery::Unknown,
        }
    }

    /// `caller`'s stream: the kept events after `last_seen` (all kept ones without it), then
    /// what comes live. Listens before reading what was kept, so nothing falls between.
    pub async fn subscribe(
        &self,
        caller: &str,
        last_seen: Option<u64>,
    ) -> (Vec<PushEvent>, broadcast::Receiver<PushEvent>) {
        let live = {
            let mut streams = lock(&self.live);
            // Streams nobody listens to any more go.
            streams.retain(|_, sender| sender.receiver_count() > 0);
            streams
                .entry(caller.to_owned())
                .or_insert_with(|| broadcast::channel(KEPT_EVENTS).0)
                .subscribe()
        };
        (self.records.missed(caller, last_seen).await, live)
    }
}

/// Gives `event` to `caller`'s streams in this process, if it has any.
pub fn hand_out(live: &LiveStreams, caller: &str, event: PushEvent) {
    if let Some(sender) = lock(live).get(caller) {
        let _ = sender.send(event);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Tokens and events in this process (one replica): gone when it stops.
#[derive(Default)]
pub struct MemoryRecords {
    state: Mutex<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    hooks: HashMap<String, Hook>,
    kept: HashMap<String, Kept>,
}

struct Hook {
    caller: String,
    job_id: Option<String>,
    delivered: bool,
    issued: Instant,
}

struct Kept {
    next_id: u64,
    recent: VecDeque<PushEvent>,
    touched: Instant,
}

impl PushRecords for MemoryRecords {
    fn issue<'a>(&'a self, token: &'a str, caller: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = lock(&self.state);
            state
                .hooks
                .retain(|_, hook| hook.issued.elapsed() < TOKEN_LIFETIME);
            state
                .kept
                .retain(|_, kept| kept.touched.elapsed() < TOKEN_LIFETIME);
            state.hooks.insert(
                token.to_owned(),
                Hook {
                    caller: caller.to_owned(),
                    job_id: None,
                    delivered: false,
                    issued: Instant::now(),
                },
            );
        })
    }

    fn bind<'a>(&'a self, token: &'a str, job_id: Option<&'a str>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let mut state = lock(&self.state);
            match job_id {
                Some(id) => {
                    if let Some(hook) = state.hooks.get_mut(token) {
                        hook.job_id = Some(id.to_owned());
                    }
                }
                None => {
                    state.hooks.remove(token);
                }
            }
        })
    }

    fn expected<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Option<(String, String)>> {
        Box::pin(async move {
            let state = lock(&self.state);
            let hook = state.hooks.get(token)?;
            Some((hook.caller.clone(), hook.job_id.clone()?))
        })
    }

    fn record<'a>(
        &'a self,
        token: &'a str,
        caller: &'a str,
        job_id: &'a str,
        job: &'a str,
    ) -> BoxFuture<'a, Recorded> {
        Box::pin(async move {
            let mut state = lock(&self.state);
            let Some(hook) = state
                .hooks
                .get_mut(token)
                .filter(|hook| hook.job_id.as_deref() == Some(job_id))
            else {
                return Recorded::Unknown;
            };
            if std::mem::replace(&mut hook.delivered, true) {
                return Recorded::Repeated;
            }
            let kept = state.kept.entry(caller.to_owned()).or_insert(Kept {
                next_id: 1,
                recent: VecDeque::new(),
                touched: Instant::now(),
            });
            let event = (kept.next_id, job.to_owned());
            kept.next_id += 1;
            kept.touched = Instant::now();
            kept.recent.push_back(event.clone());
            if kept.recent.len() > KEPT_EVENTS {
                kept.recent.pop_front();
            }
            Recorded::New(event)
        })
    }

    fn missed<'a>(
        &'a self,
        caller: &'a str,
        last_seen: Option<u64>,
    ) -> BoxFuture<'a, Vec<PushEvent>> {
        Box::pin(async move {
            lock(&self.state)
                .kept
                .get(caller)
                .map(|kept| {
                    kept.recent
                        .iter()
                        .filter(|(id, _)| last_seen.is_none_or(|seen| *id > seen))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_delivery_is_pushed_once_to_its_owner_and_only_when_krea_agrees() {
        let push = Push::in_memory("https://proxy.example/");
        let (token, url) = push.hook_for("key:alice").await;
        assert_eq!(url, format!("https://proxy.example/webhooks/{token}"));
        let done = json!({"job_id": "j1", "status": "completed"});
        // Before the request made its job, nothing is known.
        assert_eq!(
            push.receive(&token, &done, Some(&done)).await,
            Delivery::Unknown
        );
        push.bind(&token, Some("j1")).await;
        let (_, mut live) = push.subscribe("key:alice", None).await;
        // Another job's body, a body Krea's answer disagrees with, a job still running.
        let other = json!({"job_id": "j2", "status": "completed"});
        assert_eq!(
            push.receive(&token, &other, Some(&other)).await,
            Delivery::Unknown
        );
        let running = json!({"job_id": "j1", "status": "processing"});
        assert_eq!(
            push.receive(&token, &done, Some(&running)).await,
            Delivery::Disbelieved
        );
        assert_eq!(
            push.receive(&token, &done, None).await,
            Delivery::Disbelieved
        );
        assert_eq!(
            push.receive("not-a-token", &done, Some(&done)).await,
            Delivery::Unknown
        );
        assert_eq!(
            push.receive(&token, &done, Some(&done)).await,
            Delivery::Pushed
        );
        assert_eq!(
            push.receive(&token, &done, Some(&done)).await,
            Delivery::Repeated
        );
        assert_eq!(live.try_recv().unwrap(), (1, done.to_string()));
        assert!(live.try_recv().is_err());
        // A stream that resumes gets what it missed, and nobody else's.
        assert_eq!(push.subscribe("key:alice", Some(0)).await.0.len(), 1);
        assert!(push.subscribe("key:alice", Some(1)).await.0.is_empty());
        assert!(push.subscribe("key:bob", None).await.0.is_empty());
        // A request that made no job leaves no token behind.
        let (dropped, _) = push.hook_for("key:alice").await;
        push.bind(&dropped, None).await;
        assert_eq!(push.expected_job(&dropped).await, None);
    }
}
