//! Results pushed as they happen (`--public-url`). Each generate request sent upstream names
//! a webhook at this proxy with an unguessable token of its own. When Krea calls it, the
//! delivery is believed only after Krea's own answer for the job agrees (Krea signs
//! nothing), only once per job (Krea warns deliveries repeat), and only for a job this proxy
//! made with that token; then the job goes to its owner's event stream (`GET /events`,
//! Server-Sent Events, resumable with `Last-Event-ID`).
//!
//! Tokens and each caller's recent events are [`PushRecords`]: in this process, in a file,
//! or in Redis (`--state redis://…`), where a delivery that reaches one replica is published
//! to all of them, so it reaches the browser whichever replica holds its stream. How a
//! token and a caller's kept events change is written once ([`Hook`], [`Kept`]).

mod file;
mod memory;
mod redis;

pub use self::redis::listen;
use crate::secret::random_hex;
pub use crate::state::BoxFuture;
pub use memory::MemoryRecords;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
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

    /// Pushed results for `public_url`, kept in `records`: published to every replica when
    /// they are in Redis (whose listener hands them to this replica's streams), else handed
    /// out by this process.
    pub fn start(
        public_url: &str,
        records: Box<dyn PushRecords>,
        redis: Option<&crate::state::redis::RedisState>,
    ) -> Push {
        let push = Push::with_records(public_url, records, redis.is_some());
        if let Some(redis) = redis {
            listen(redis.clone(), push.live_streams());
        }
        push
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

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A webhook token's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hook {
    pub caller: String,
    pub job_id: Option<String>,
    pub delivered: bool,
    /// Milliseconds since 1970.
    pub issued_ms: u64,
}

impl Hook {
    pub fn new(caller: &str, now_ms: u64) -> Hook {
        Hook {
            caller: caller.to_owned(),
            job_id: None,
            delivered: false,
            issued_ms: now_ms,
        }
    }

    /// Whether it is still good at `now_ms`.
    pub fn is_live(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.issued_ms) < TOKEN_LIFETIME.as_millis() as u64
    }

    /// The caller and job a delivery must be about, once the job is known.
    pub fn expected(&self) -> Option<(String, String)> {
        Some((self.caller.clone(), self.job_id.clone()?))
    }

    /// Marks a delivery about `job_id`: `Some(true)` the first time, `Some(false)` for a
    /// repeat, `None` when the token is for another job.
    pub fn deliver(&mut self, job_id: &str) -> Option<bool> {
        if self.job_id.as_deref() != Some(job_id) {
            return None;
        }
        Some(!std::mem::replace(&mut self.delivered, true))
    }
}

/// A caller's kept events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    pub next_id: u64,
    pub recent: VecDeque<PushEvent>,
    /// Milliseconds since 1970 of the last event.
    pub touched_ms: u64,
}

impl Kept {
    pub fn new(now_ms: u64) -> Kept {
        Kept {
            next_id: 1,
            recent: VecDeque::new(),
            touched_ms: now_ms,
        }
    }

    /// Whether anything came recently enough to keep them at `now_ms`.
    pub fn is_live(&self, now_ms: u64) -> bool {
        now_ms.saturating_sub(self.touched_ms) < TOKEN_LIFETIME.as_millis() as u64
    }

    /// Keeps `job` as the next event, the oldest going past [`KEPT_EVENTS`].
    pub fn push(&mut self, job: &str, now_ms: u64) -> PushEvent {
        let event = (self.next_id, job.to_owned());
        self.next_id += 1;
        self.touched_ms = now_ms;
        self.recent.push_back(event.clone());
        if self.recent.len() > KEPT_EVENTS {
            self.recent.pop_front();
        }
        event
    }

    /// The events after `last_seen` (all without it), oldest first.
    pub fn after(&self, last_seen: Option<u64>) -> Vec<PushEvent> {
        self.recent
            .iter()
            .filter(|(id, _)| last_seen.is_none_or(|seen| *id > seen))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[tokio::test]
    async fn a_delivery_is_pushed_once_to_its_owner_and_only_when_krea_agrees() {
        let push = Push::with_records(
            "https://proxy.example/",
            Box::new(MemoryRecords::default()),
            false,
        );
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
