//! Images a person brings in, and the copies of finished ones kept in the browser: files uploaded to Krea's asset library with progress, the
//! library itself ("Your uploads"), images pasted anywhere in the studio, Krea's styles, and saved images dropped back
//! to restore their settings.

mod use_asset_library;
mod use_copy_fallbacks;
mod use_image_actions;
mod use_local_copies;
mod use_paste_images;
mod use_settings_drop;
mod use_style_library;
mod use_uploads;

pub use use_asset_library::{use_asset_library, AssetLibrary};
pub use use_copy_fallbacks::{use_copy_fallbacks, CopyFallbacks, Fallback};
pub use use_image_actions::{use_image_actions, ImageActions};
pub(crate) use use_local_copies::preload_local_copies;
pub use use_local_copies::{made_at, use_local_copies, CopyWork, LocalCopies};
pub use use_paste_images::use_paste_images;
pub(crate) use use_settings_drop::preload_read_settings;
pub use use_settings_drop::{use_settings_drop, SettingsDrop};
pub use use_style_library::{use_style_library, StyleLibrary};
pub use use_uploads::{use_uploads, UploadItem, Uploads};

/// Whether this studio may upload: always on its own page; embedded, unless the host page
/// says `uploads="off"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadsAllowed(pub bool);
