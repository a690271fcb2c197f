//! The messages between the studio and the page that embeds it: one envelope,
//! `{ns: "krea-studio", v: 1, id, type, payload}`, for events (studio → host) and commands
//! (host → studio). New event types and fields may come within `v: 1`, and both sides ignore
//! what they do not know; anything that would break a host is `v: 2`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const NAMESPACE: &str = "krea-studio";
pub const PROTOCOL_VERSION: u32 = 1;

/// What the studio tells its host page. Field names are the host's (JavaScript) names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "payload")]
pub enum Event {
    /// Sent once the studio can take commands.
    #[serde(rename = "ready")]
    Ready {
        version: &'static str,
        capabilities: &'static [&'static str],
    },
    /// The height the frame needs, in CSS pixels.
    #[serde(rename = "resize")]
    Resize { height: u32 },
    #[serde(rename = "job:submitted", rename_all = "camelCase")]
    JobSubmitted {
        job_id: String,
        model: String,
        prompt: String,
    },
    #[serde(rename = "job:completed", rename_all = "camelCase")]
    JobCompleted {
        job_id: String,
        urls: Vec<String>,
        model: String,
        prompt: String,
        seed: Option<Value>,
    },
    #[serde(rename = "job:failed", rename_all = "camelCase")]
    JobFailed { job_id: String, reason: String },
    /// The visitor pressed "Use this image": the host decides what that means.
    #[serde(rename = "image:chosen", rename_all = "camelCase")]
    ImageChosen {
        url: String,
        job_id: String,
        prompt: String,
    },
    #[serde(rename = "error")]
    Error { code: &'static str, message: String },
    #[serde(rename = "warning")]
    Warning { code: &'static str },
}

/// What the studio can do, announced in `ready`.
pub const CAPABILITIES: &[&str] = &["setTheme", "setLocale", "prefill", "reset", "image:chosen"];

#[derive(Serialize)]
struct Envelope<'a> {
    ns: &'static str,
    v: u32,
    id: &'a str,
    #[serde(flatten)]
    event: &'a Event,
}

impl Event {
    /// The whole message for instance `id`.
    pub fn envelope(&self, id: &str) -> Value {
        serde_json::to_value(Envelope {
            ns: NAMESPACE,
            v: PROTOCOL_VERSION,
            id,
            event: self,
        })
        .unwrap_or_default()
    }
}

/// What the host page may ask of the studio.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", content = "payload")]
pub enum Command {
    #[serde(rename = "setTheme")]
    SetTheme { theme: String },
    #[serde(rename = "setLocale")]
    SetLocale { locale: String },
    /// Fills the form; a model the host did not offer is ignored.
    #[serde(rename = "prefill")]
    Prefill {
        #[serde(default)]
        prompt: Option<String>,
        #[serde(default)]
        model: Option<String>,
    },
    /// Back to an empty form.
    #[serde(rename = "reset")]
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
        let mut command = serde_json::Map::new();
        command.insert("type".into(), message.get("type")?.clone());
        if let Some(payload) = message.get("payload") {
            command.insert("payload".into(), payload.clone());
        }
        serde_json::from_value(Value::Object(command)).ok()
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
