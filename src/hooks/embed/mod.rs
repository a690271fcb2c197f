//! The embed page's side: whether this site may embed the studio, and the message contract
//! with the host page.

mod use_embed_allowed;
mod use_embed_host;

pub use use_embed_allowed::use_embed_allowed;
pub use use_embed_host::{embed_request, use_embed_host, EmbedHost, EmbedMode, EmbedWiring};
