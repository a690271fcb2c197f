//! Views. Thin: they read signals, call callbacks, and hold no HTTP.

mod app;
mod asset_picker;
mod embed_gate;
pub(crate) mod enhance_form;
mod field_input;
mod grid_toolbar;
pub(crate) mod image_field;
mod job_card;
mod job_grid;
pub(crate) mod lazy_view;
pub(crate) mod lightbox;
mod not_kept_line;
mod prompt_form;
pub(crate) mod settings_panel;
mod storage_notice;
pub(crate) mod style_field;
mod submission_card;
mod undo_toast;

pub use app::{App, Studio};
pub use asset_picker::AssetPicker;
pub use embed_gate::EmbedGate;
pub use enhance_form::EnhanceForm;
pub use field_input::FieldInput;
pub use grid_toolbar::GridToolbar;
pub use image_field::ImageField;
pub use job_card::JobCard;
pub use job_grid::{JobGrid, PAGE as GRID_PAGE};
pub use lazy_view::LazyView;
pub use lightbox::Lightbox;
pub use not_kept_line::NotKeptLine;
pub use prompt_form::PromptForm;
pub use settings_panel::SettingsPanel;
pub use storage_notice::StorageNotice;
pub use style_field::StyleField;
pub use submission_card::SubmissionCard;
pub use undo_toast::UndoToast;
