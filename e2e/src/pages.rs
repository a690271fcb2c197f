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

    /// Presses Download on `card` and returns the file saved, named after its job id (with
    /// the extension of the image's type).
    pub async fn download(&self, card: &fantoccini::elements::Element) -> std::path::PathBuf {
        let id = card.attr("data-job-id").await.unwrap().expect("a job card");
        self.0
            .inside(card, "download-job")
            .await
            .click()
            .await
            .unwrap();
        let short_id: String = id.chars().filter(|c| *c != '-').take(8).collect();
        let named = format!("-{short_id}.");
        self.0
            .downloaded_where(&format!("named *{named}*"), |name| name.contains(&named))
            .await
    }

    /// Presses Generate for a job the proxy refuses, and returns what the form says why.
    pub async fn generate_refused(&self) -> String {
        self.0.click("generate-button").await;
        self.0
            .text_when("submit-error", |text| !text.is_empty())
            .await
    }

    /// What the form says is left of the caller's budget, once `ready` holds for it.
    pub async fn budget_left_when(&self, ready: impl Fn(&str) -> bool) -> String {
        self.0.text_when("budget-left", ready).await
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

    /// The admin's usage table once it has `rows` rows: each row's cells as shown.
    pub async fn usage_table(&self, rows: usize) -> Vec<Vec<String>> {
        self.0
            .wait_for_count("[data-testid='usage-row']", rows)
            .await;
        let read = self
            .0
            .eval(
                "return [...document.querySelectorAll(\"[data-testid='usage-row']\")]\
                 .map(row => [...row.querySelectorAll('td')].map(td => td.textContent));",
            )
            .await;
        serde_json::from_value(read).unwrap()
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

/// Images a person brings to the form: dropped, pasted or chosen files (drawn on a canvas
/// in the page, as a real PNG), and what the image fields show.
pub struct Images<'a>(pub &'a Stack);

/// Draws a PNG (`arguments[1]` × `arguments[2]` pixels), makes it a file named
/// `arguments[0]`, and hands `DataTransfer` holding it to `deliver`.
const WITH_PNG: &str = "
    const [name, width, height] = arguments;
    const done = arguments[arguments.length - 1];
    const canvas = document.createElement('canvas');
    canvas.width = width; canvas.height = height;
    const g = canvas.getContext('2d');
    g.fillStyle = '#c8553d'; g.fillRect(0, 0, width, height);
    g.fillStyle = '#2d7dd2'; g.fillRect(width / 4, height / 4, width / 2, height / 2);
    canvas.toBlob(blob => {
      const data = new DataTransfer();
      data.items.add(new File([blob], name, { type: 'image/png' }));
      deliver(data);
      done(true);
    }, 'image/png');";

impl Images<'_> {
    /// Drops a `width`×`height` PNG named `name` on the image field `field`.
    pub async fn drop_png(&self, field: &str, name: &str, width: u32, height: u32) {
        let script = format!(
            "const deliver = data => document.querySelector('[data-testid=drop-{field}]')
               .dispatchEvent(new DragEvent('drop', {{ dataTransfer: data, bubbles: true, cancelable: true }}));
             {WITH_PNG}"
        );
        self.0
            .eval_async(&script, vec![name.into(), width.into(), height.into()])
            .await;
    }

    /// Pastes a PNG into the page, as Ctrl/⌘+V of a copied image does.
    pub async fn paste_png(&self, name: &str) {
        let script = format!(
            "const deliver = data => window.dispatchEvent(
               new ClipboardEvent('paste', {{ clipboardData: data, bubbles: true, cancelable: true }}));
             {WITH_PNG}"
        );
        self.0
            .eval_async(&script, vec![name.into(), 40.into(), 40.into()])
            .await;
    }

    /// Drops a file named `name` holding `bytes` (a file saved to disk, read back) on the
    /// element `test_id`, as dragging it from a file manager does.
    pub async fn drop_file(&self, test_id: &str, name: &str, mime: &str, bytes: &[u8]) {
        let script = format!(
            "const [name, mime, bytes] = arguments;
             const data = new DataTransfer();
             data.items.add(new File([new Uint8Array(bytes)], name, {{ type: mime }}));
             document.querySelector('[data-testid={test_id}]')
               .dispatchEvent(new DragEvent('drop', {{ dataTransfer: data, bubbles: true, cancelable: true }}));
             return true;"
        );
        self.0
            .browser_execute(&script, vec![name.into(), mime.into(), bytes.into()])
            .await;
    }

    /// Drops a file of `mime` holding `text` on the image field `field`.
    pub async fn drop_text_file(&self, field: &str, name: &str, mime: &str, text: &str) {
        let script = format!(
            "const [name, mime, text] = arguments;
             const data = new DataTransfer();
             data.items.add(new File([text], name, {{ type: mime }}));
             document.querySelector('[data-testid=drop-{field}]')
               .dispatchEvent(new DragEvent('drop', {{ dataTransfer: data, bubbles: true, cancelable: true }}));
             return true;"
        );
        self.0
            .browser_execute(&script, vec![name.into(), mime.into(), text.into()])
            .await;
    }

    /// How many chosen images the field `field` shows (uploaded ones, not those on their way).
    pub async fn thumbs(&self, field: &str) -> usize {
        self.0
            .count(&format!(
                "[data-testid=drop-{field}] [data-testid=image-thumb]"
            ))
            .await
    }

    /// Waits until the field `field` shows `count` chosen images.
    pub async fn wait_for_thumbs(&self, field: &str, count: usize) {
        self.0
            .wait_for_count(
                &format!("[data-testid=drop-{field}] [data-testid=image-thumb]"),
                count,
            )
            .await;
    }

    /// Holds every upload back `ms` milliseconds before it is sent, so a test can act while
    /// one is on its way.
    pub async fn slow_uploads(&self, ms: u32) {
        self.0
            .eval(&format!(
                "const send = XMLHttpRequest.prototype.send;
                 XMLHttpRequest.prototype.send = function (body) {{
                   setTimeout(() => send.call(this, body), {ms});
                 }};"
            ))
            .await;
    }
}

impl Stack {
    pub fn images(&self) -> Images<'_> {
        Images(self)
    }

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
