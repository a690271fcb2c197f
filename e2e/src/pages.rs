//! Page objects: what a person does on each page, named as they would say it, so a test
//! reads as a story and a changed `data-testid` is mended in one place.

use crate::Stack;

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

impl Stack {
    pub fn studio(&self) -> Studio<'_> {
        Studio(self)
    }

    pub fn settings(&self) -> Settings<'_> {
        Settings(self)
    }
}
