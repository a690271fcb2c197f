//! The embed page's side: whether this site may embed the studio, the message contract
//! with the host page, and the images a visitor chooses for it.

mod use_chosen_image;
mod use_embed_allowed;
mod use_embed_host;

pub use use_chosen_image::use_chosen_image;
pub use use_embed_allowed::use_embed_allowed;
pub use use_embed_host::{embed_request, use_embed_host, EmbedHost, EmbedMode, EmbedWiring};
