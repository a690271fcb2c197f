//! Hooks, by what they are about. Each `use_*` owns one browser resource (timer, fetch,
//! listener, storage) and releases it when its owner is disposed; the folder says which
//! part of the studio it serves. Everything is re-exported here, so users name
//! `crate::hooks::…` whatever the folder.

mod browser;
mod embed;
mod history;
mod images;
mod jobs;
mod proxy;
mod settings;
mod sync;

pub use browser::*;
pub use embed::*;
pub use history::*;
pub use images::*;
pub use jobs::*;
pub use proxy::*;
pub use settings::*;
pub use sync::*;
