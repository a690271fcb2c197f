//! The studio inside another site's page (`/embed/`): what the host page may ask for, the
//! messages both sides exchange, and how tall the frame should be. Plain Rust, tested on the
//! host; the browser half is `hooks::use_embed_host`.

pub mod auto_height;
pub mod contract;
pub mod options;

pub use auto_height::AutoHeight;
pub use contract::{Command, Event, PROTOCOL_VERSION};
pub use options::{EmbedOptions, OptionError};
