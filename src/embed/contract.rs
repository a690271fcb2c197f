//! The messages between the studio and the page that embeds it: one envelope,
//! `{ns: "krea-studio", v: 1, id, type, payload}`, for events (studio → host) and commands
//! (host → studio). New event types and fields may come within `v: 1`, and both sides ignore
//! what they do not know; anything that would break a host is `v: 2`.

use serde_json::{json, Value};

pub const NAMESPACE: &str = "krea-studio";
pub const PROTOCOL_VERSION: u32 = 1;

/// What the studio tells its host page. (Written out by hand rather than derived: serde's
/// tagged-enum code cost the wasm more than these few lines.)
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Sent once the studio can take commands.
    Ready {
        version: &'static str,
        capabilities: &'static [&'static str],
    },
    /// The height the frame needs, in CSS pixels.
    Resize {
        height: u32,
    },
    JobSubmitted {
        job_id: String,
        model: String,
        prompt: String,
    },
    JobCompleted {
        job_id: String,
        urls: Vec<String>,
        model: String,
        prompt: String,
        seed: Option<Value>,
    },
    JobFailed {
        job_id: String,
        reason: String,
    },
    /// The visitor pressed "Use this image": the host decides what that means.
    ImageChosen {
        url: String,
        job_id: String,
        prompt: String,
        /// The job this image started from, when it did.
        source: Option<crate::jobs::lineage::Lineage>,
        /// The proxy's signed receipt for the job (`{claims, sig}`), when it gives one.
        receipt: Option<Value>,
    },
    Error {
        code: &'static str,
        message: String,
    },
    Warning {
        code: &'static str,
    },
}

/// What the studio can do, announced in `ready`.
pub const CAPABILITIES: &[&str] = &["setTheme", "setLocale", "prefill", "reset", "image:chosen"];

impl Event {
    /// The event's type and payload, with the host's (JavaScript) field names.
    pub fn parts(&self) -> (&'static str, Value) {
        match self {
            Event::Ready {
                version,
                capabilities,
            } => (
                "ready",
                json!({"version": version, "capabilities": capabilities}),
            ),
            Event::Resize { height } => ("resize", json!({ "height": height })),
            Event::JobSubmitted {
                job_id,
                model,
                prompt,
            } => (
                "job:submitted",
                json!({"jobId": job_id, "model": model, "prompt": prompt}),
            ),
            Event::JobCompleted {
                job_id,
                urls,
                model,
                prompt,
                seed,
            } => (
                "job:completed",
                json!({"jobId": job_id, "urls": urls, "model": model, "prompt": prompt, "seed": seed}),
            ),
            Event::JobFailed { job_id, reason } => {
                ("job:failed", json!({"jobId": job_id, "reason": reason}))
            }
            Event::ImageChosen {
                url,
                job_id,
                prompt,
                source,
                receipt,
            } => (
                "image:chosen",
                json!({
                    "url": url, "jobId": job_id, "prompt": prompt,
                    "source": source.as_ref().map(|s| json!({
                        "kind": s.kind, "jobId": s.job_id, "url": s.image_url,
                    })),
                    "receipt": receipt,
                }),
            ),
            Event::Error { code, message } => ("error", json!({"code": code, "message": message})),
            Event::Warning { code } => ("warning", json!({ "code": code })),
        }
    }

    /// The whole message for instance `id`.
    pub fn envelope(&self, id: &str) -> Value {
        let (kind, payload) = self.parts();
        json!({"ns": NAMESPACE, "v": PROTOCOL_VERSION, "id": id, "type": kind, "payload": payload})
    }
}

/// What the host page may ask of the studio.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    SetTheme {
        theme: String,
    },
    SetLocale {
        locale: String,
    },
    /// Fills the form; a model the host did not offer is ignored.
    Prefill {
        prompt: Option<String>,
        model: Option<String>,
    },
    /// Back to an empty form.
    Reset,
}

impl Command {
    /// The command in `message` if it is one of ours, for instance `id`, in a version this
    /// studio speaks, of a type it knows; `None` otherwise (ignored, as the contract says).
    pub fn read(message: &Value, id: &str) -> Option<Command> {
        let ours = message.get("ns")?.as_str()? == NAMESPACE
            && message.get("v")?.as_u64()? == u64::from(PROTOCOL_VERSION)
            && message.get("id")?.as_str()? == id;
        if !ours {
            return None;
        }
        let payload = message.get("payload");
        let text = |name: &str| {
            payload
                .and_then(|p| p.get(name))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match message.get("type")?.as_str()? {
            "setTheme" => Some(Command::SetTheme {
                theme: text("theme")?,
            }),
            "setLocale" => Some(Command::SetLocale {
                locale: text("locale")?,
            }),
            "prefill" => Some(Command::Prefill {
                prompt: text("prompt"),
                model: text("model"),
            }),
            "reset" => Some(Command::Reset),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_travel_in_the_envelope_with_the_hosts_field_names() {
        let submitted = Event::JobSubmitted {
            job_id: "j1".into(),
            model: "bfl/flux-1-dev".into(),
            prompt: "a fox".into(),
        };
        assert_eq!(
            submitted.envelope("ks-1"),
            json!({"ns": "krea-studio", "v": 1, "id": "ks-1", "type": "job:submitted",
                   "payload": {"jobId": "j1", "model": "bfl/flux-1-dev", "prompt": "a fox"}})
        );
        let ready = Event::Ready {
            version: "0.1.0",
            capabilities: CAPABILITIES,
        };
        assert_eq!(
            ready.envelope("x")["payload"]["capabilities"][0],
            "setTheme"
        );
        assert_eq!(
            Event::Warning {
                code: "storage_unavailable"
            }
            .envelope("x")["payload"],
            json!({"code": "storage_unavailable"})
        );
        let chosen = |source| Event::ImageChosen {
            url: "https://x/2.png".into(),
            job_id: "j2".into(),
            prompt: "bluer".into(),
            source,
            receipt: None,
        };
        assert_eq!(
            chosen(Some(crate::jobs::lineage::Lineage {
                kind: crate::jobs::lineage::Derived::Edited,
                job_id: "j1".into(),
                image_url: "https://x/1.png".into(),
            }))
            .envelope("x")["payload"],
            json!({"url": "https://x/2.png", "jobId": "j2", "prompt": "bluer",
                   "source": {"kind": "edited", "jobId": "j1", "url": "https://x/1.png"},
                   "receipt": null}),
            "a chosen image says where it came from"
        );
        assert_eq!(chosen(None).envelope("x")["payload"]["source"], Value::Null);
    }

    #[test]
    fn only_known_commands_for_this_instance_are_taken() {
        let message = |v: Value| {
            let mut m = json!({"ns": "krea-studio", "v": 1, "id": "ks-1"});
            m.as_object_mut()
                .unwrap()
                .extend(v.as_object().unwrap().clone());
            m
        };
        assert_eq!(
            Command::read(
                &message(json!({"type": "setTheme", "payload": {"theme": "dark", "extra": 1}})),
                "ks-1"
            ),
            Some(Command::SetTheme {
                theme: "dark".into()
            })
        );
        assert_eq!(
            Command::read(
                &message(json!({"type": "prefill", "payload": {"prompt": "a cat"}})),
                "ks-1"
            ),
            Some(Command::Prefill {
                prompt: Some("a cat".into()),
                model: None
            })
        );
        assert_eq!(
            Command::read(&message(json!({"type": "reset"})), "ks-1"),
            Some(Command::Reset)
        );
        assert_eq!(
            Command::read(&message(json!({"type": "reset"})), "ks-2"),
            None
        );
        assert_eq!(
            Command::read(&message(json!({"type": "selfDestruct"})), "ks-1"),
            None
        );
        let v2 = json!({"ns": "krea-studio", "v": 2, "id": "ks-1", "type": "reset"});
        assert_eq!(Command::read(&v2, "ks-1"), None);
        assert_eq!(Command::read(&json!("reset"), "ks-1"), None);
        assert_eq!(Command::read(&json!({"type": "reset"}), "ks-1"), None);
    }
}
