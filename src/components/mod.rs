//! Views. Thin: they read signals, call callbacks, and hold no HTTP.

mod app;
mod embed_gate;
mod field_input;
mod grid_toolbar;
mod job_card;
mod job_grid;
mod lightbox;
mod prompt_form;
mod settings_panel;
mod storage_notice;
mod submission_card;

pub use app::{App, Studio};
pub use embed_gate::EmbedGate;
pub use field_input::FieldInput;
pub use grid_toolbar::GridToolbar;
pub use job_card::JobCard;
pub use job_grid::{JobGrid, PAGE as GRID_PAGE};
pub use lightbox::Lightbox;
pub use prompt_form::PromptForm;
pub use settings_panel::SettingsPanel;
pub use storage_notice::StorageNotice;
pub use submission_card::SubmissionCard;
