//! Results pushed as they happen (`--public-url`). Each generate request sent upstream names
//! a webhook at this proxy with an unguessable token of its own. When Krea calls it, the
//! delivery is believed only after Krea's own answer for the job agrees (Krea signs
//! nothing), only once per job (Krea warns deliveries repeat), and only for a job this proxy
//! made with that token; then the job goes to its owner's event stream (`GET /events`,
//! Server-Sent Events, resumable with `Last-Event-ID`).
//!
//! In memory for now: with several replicas, a delivery reaches only the replica Krea calls
//! (Redis pub/sub is the next step).

use crate::callers::random_hex;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Events kept per caller for a stream that resumes (`Last-Event-ID`).
const KEPT_EVENTS: usize = 256;
/// A token whose job never ended is forgotten after this long.
const TOKEN_LIFETIME: Duration = Duration::from_secs(48 * 3600);

/// One event on a caller's stream: its id, and the job as JSON text.
pub type PushEvent = (u64, String);

pub struct Push {
    /// Where Krea reaches this proxy, e.g. `https://proxy.example`.
    public_url: String,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    hooks: HashMap<String, Hook>,
    streams: HashMap<String, Stream>,
}

struct Hook {
    caller: String,
    job_id: Option<String>,
    delivered: bool,
    issued: Instant,
}

struct Stream {
    next_id: u64,
    recent: VecDeque<PushEvent>,
    live: broadcast::Sender<PushEvent>,
}

impl Stream {
    fn new() -> Stream {
        Stream {
            next_id: 1,
            recent: VecDeque::new(),
            live: broadcast::channel(KEPT_EVENTS).0,
        }
    }
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
    pub fn new(public_url: &str) -> Push {
        Push {
            public_url: public_url.trim_end_matches('/').to_owned(),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A webhook URL for a job `caller` is about to make, and its token.
    pub fn hook_for(&self, caller: &str) -> (String, String) {
        let token = random_hex(24);
        let mut state = self.state();
        state
            .hooks
            .retain(|_, hook| hook.issued.elapsed() < TOKEN_LIFETIME);
        state.hooks.insert(
            token.clone(),
            Hook {
                caller: caller.to_owned(),
                job_id: None,
                delivered: false,
                issued: Instant::now(),
            },
        );
        let url = format!("{}/webhooks/{token}", self.public_url);
        (token, url)
    }

    /// The job the token's request made (a token whose request made none is dropped).
    pub fn bind(&self, token: &str, job_id: Option<&str>) {
        let mut state = self.state();
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
    }

    /// Which job a delivery to `token` must be about, if the token is known and bound.
    pub fn expected_job(&self, token: &str) -> Option<String> {
        self.state().hooks.get(token)?.job_id.clone()
    }

    /// A delivery to `token` of `delivered` (the body Krea posted), checked against `read`
    /// (Krea's own answer for the job, read after the delivery came).
    pub fn receive(
        &self,
        token: &str,
        delivered: &serde_json::Value,
        read: Option<&serde_json::Value>,
    ) -> Delivery {
        let mut state = self.state();
        let Some(hook) = state.hooks.get(token) else {
            return Delivery::Unknown;
        };
        let Some(job_id) = hook.job_id.clone() else {
            return Delivery::Unknown;
        };
        if delivered["job_id"] != job_id.as_str() {
            return Delivery::Unknown;
        }
        if hook.delivered {
            return Delivery::Repeated;
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
        let caller = hook.caller.clone();
        if let Some(hook) = state.hooks.get_mut(token) {
            hook.delivered = true;
        }
        let stream = state.streams.entry(caller).or_insert_with(Stream::new);
        let event = (stream.next_id, read.to_string());
        stream.next_id += 1;
        stream.recent.push_back(event.clone());
        if stream.recent.len() > KEPT_EVENTS {
            stream.recent.pop_front();
        }
        let _ = stream.live.send(event);
        Delivery::Pushed
    }

    /// `caller`'s stream: the kept events after `last_seen` (all kept ones without it), then
    /// what comes live.
    pub fn subscribe(
        &self,
        caller: &str,
        last_seen: Option<u64>,
    ) -> (Vec<PushEvent>, broadcast::Receiver<PushEvent>) {
        let mut state = self.state();
        let stream = state
            .streams
            .entry(caller.to_owned())
            .or_insert_with(Stream::new);
        let missed = stream
            .recent
            .iter()
            .filter(|(id, _)| last_seen.is_none_or(|seen| *id > seen))
            .cloned()
            .collect();
        (missed, stream.live.subscribe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_delivery_is_pushed_once_to_its_owner_and_only_when_krea_agrees() {
        let push = Push::new("https://proxy.example/");
        let (token, url) = push.hook_for("key:alice");
        assert_eq!(url, format!("https://proxy.example/webhooks/{token}"));
        let done = json!({"job_id": "j1", "status": "completed"});
        // Before the request made its job, nothing is known.
        assert_eq!(push.receive(&token, &done, Some(&done)), Delivery::Unknown);
        push.bind(&token, Some("j1"));
        let (_, mut live) = push.subscribe("key:alice", None);
        // Another job's body, a body Krea's answer disagrees with, a job still running.
        let other = json!({"job_id": "j2", "status": "completed"});
        assert_eq!(
            push.receive(&token, &other, Some(&other)),
            Delivery::Unknown
        );
        let running = json!({"job_id": "j1", "status": "processing"});
        assert_eq!(
            push.receive(&token, &done, Some(&running)),
            Delivery::Disbelieved
        );
        assert_eq!(push.receive(&token, &done, None), Delivery::Disbelieved);
        assert_eq!(
            push.receive("not-a-token", &done, Some(&done)),
            Delivery::Unknown
        );
        assert_eq!(push.receive(&token, &done, Some(&done)), Delivery::Pushed);
        assert_eq!(push.receive(&token, &done, Some(&done)), Delivery::Repeated);
        assert_eq!(live.try_recv().unwrap(), (1, done.to_string()));
        assert!(live.try_recv().is_err());
        // A stream that resumes gets what it missed, and nobody else's.
        assert_eq!(push.subscribe("key:alice", Some(0)).0.len(), 1);
        assert!(push.subscribe("key:alice", Some(1)).0.is_empty());
        assert!(push.subscribe("key:bob", None).0.is_empty());
        // A request that made no job leaves no token behind.
        let (dropped, _) = push.hook_for("key:alice");
        push.bind(&dropped, None);
        assert_eq!(push.expected_job(&dropped), None);
    }
}
