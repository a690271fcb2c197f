//! Views. Thin: they read signals, call callbacks, and hold no HTTP.

mod app;
mod asset_picker;
mod embed_gate;
mod enhance_form;
mod field_input;
mod grid_toolbar;
mod image_field;
mod job_card;
mod job_grid;
mod lightbox;
mod prompt_form;
mod settings_panel;
mod storage_notice;
mod style_field;
mod submission_card;

pub use app::{App, Studio};
pub use asset_picker::AssetPicker;
pub use embed_gate::EmbedGate;
pub use enhance_form::EnhanceForm;
pub use field_input::FieldInput;
pub use grid_toolbar::GridToolbar;
pub use image_field::ImageField;
pub use job_card::JobCard;
pub use job_grid::{JobGrid, PAGE as GRID_PAGE};
pub use lightbox::Lightbox;
pub use prompt_form::PromptForm;
pub use settings_panel::SettingsPanel;
pub use storage_notice::StorageNotice;
pub use style_field::StyleField;
pub use submission_card::SubmissionCard;
