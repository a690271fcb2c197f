//! Every lazily loaded part, fetched one after another when the page is idle, so that a
//! part opens at once when it is first used.

/// When the prefetch is over (a performance mark, which the bench waits for).
pub const PREFETCHED_MARK: &str = "parts:prefetched";

/// Fetches each part that is not here yet (but the embed contract, which only the embed
/// page needs, and loads at once there), one at a time (they share the link with the
/// polls), and says how many could not be fetched; those are fetched again on first use.
pub async fn prefetch() -> usize {
    use crate::components::{enhance_form, image_field, lightbox, settings_panel};
    use crate::hooks::{preload_discovery, preload_history_files};
    let mut missing = 0;
    // The likeliest first: the viewer, then the images part (a model that takes images).
    missing += usize::from(lightbox::preload_viewer().await.is_err());
    missing += usize::from(image_field::preload_images().await.is_err());
    missing += usize::from(settings_panel::preload_settings().await.is_err());
    missing += usize::from(enhance_form::preload_enhance().await.is_err());
    missing += usize::from(preload_history_files().await.is_err());
    missing += usize::from(preload_discovery().await.is_err());
    if let Some(performance) = gloo_utils::window().performance() {
        let _ = performance.mark(PREFETCHED_MARK);
    }
    missing
}
