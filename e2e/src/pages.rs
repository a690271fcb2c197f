//! Page objects: what a person does on each page, named as they would say it, so a test
//! reads as a story and a changed `data-testid` is mended in one place.

use crate::Stack;
use fantoccini::Locator;
use serde_json::Value;
use std::time::Duration;

/// The studio's main page: the prompt form and the grid of jobs.
pub struct Studio<'a>(pub &'a Stack);

impl Studio<'_> {
    /// Writes `prompt` and presses Generate.
    pub async fn generate(&self, prompt: &str) {
        self.0.type_into("prompt-input", prompt).await;
        self.0.click("generate-button").await;
    }

    /// Waits until `count` cards show a completed job.
    pub async fn wait_for_completed(&self, count: usize) {
        self.0
            .wait_for_count("[data-testid='job-card'][data-status='completed']", count)
            .await;
    }
}

/// The settings panel (folded under its summary until opened).
pub struct Settings<'a>(pub &'a Stack);

impl Settings<'_> {
    /// Unfolds the panel (or folds it again).
    pub async fn toggle(&self) {
        self.0.toggle_settings().await;
    }

    /// How updates arrive, as the panel says it, once `ready` holds for its text.
    pub async fn transport_when(&self, ready: impl Fn(&str) -> bool) -> String {
        self.0.text_when("transport", ready).await
    }

    /// Types `value` into the field `test_id` and saves.
    pub async fn save(&self, test_id: &str, value: &str) {
        self.0.type_into(test_id, value).await;
        self.0.click("save-settings").await;
    }
}

/// A host page that embeds studios (`<krea-studio id=…>`) and notes every event they send
/// in `window.seen`.
pub struct EmbedHost<'a>(pub &'a Stack);

impl EmbedHost<'_> {
    pub async fn seen(&self) -> Vec<Value> {
        serde_json::from_value(self.0.eval("return window.seen || [];").await).unwrap()
    }

    /// Waits (up to 30 s) for an event of `kind` from the element `on`, and returns its payload.
    pub async fn event(&self, kind: &str, on: &str) -> Value {
        for _ in 0..300 {
            if let Some(event) = self
                .seen()
                .await
                .into_iter()
                .find(|e| e["type"] == kind && e["on"] == on)
            {
                return event["payload"].clone();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no {kind} from #{on}; seen: {:?}", self.seen().await);
    }

    /// Waits (up to 10 s) until `script` returns `wanted`, and fails with what it returned.
    pub async fn eval_until(&self, script: &str, wanted: Value) {
        let mut got = Value::Null;
        for _ in 0..100 {
            got = self.0.eval(script).await;
            if got == wanted {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(got, wanted, "{script}");
    }

    /// Switches into the studio frame of `<krea-studio id=…>` (inside its shadow root).
    pub async fn enter(&self, element: &str) {
        let host = self.0.browser.find(Locator::Id(element)).await.unwrap();
        let root = host.shadow_root().await.unwrap();
        let frame = root.find(Locator::Css("iframe")).await.unwrap();
        frame.enter_frame().await.unwrap();
    }

    pub async fn leave(&self) {
        self.0.browser.enter_parent_frame().await.unwrap();
    }

    /// The frame's height on the host page, in CSS pixels.
    pub async fn frame_height(&self, element: &str) -> f64 {
        let script = format!(
            "return document.getElementById('{element}').shadowRoot.querySelector('iframe')\
             .getBoundingClientRect().height;"
        );
        self.0.eval(&script).await.as_f64().unwrap()
    }

    /// Runs a handle method on `<krea-studio id=…>` (the element offers the handle's API).
    pub async fn command(&self, element: &str, call: &str) {
        let script = format!("document.getElementById('{element}').{call};");
        self.0.eval(&script).await;
    }
}

impl Stack {
    pub fn embed_host(&self) -> EmbedHost<'_> {
        EmbedHost(self)
    }

    pub fn studio(&self) -> Studio<'_> {
        Studio(self)
    }

    pub fn settings(&self) -> Settings<'_> {
        Settings(self)
    }
}
