//! Every lazily loaded part, fetched one after another when the page is idle, so that a
//! part opens at once when it is first used.

/// When the prefetch is over (a performance mark, which the bench waits for).
pub const PREFETCHED_MARK: &str = "parts:prefetched";

/// Fetches each part that is not here yet (but the embed contract, which only the embed
/// page needs, and loads at once there), one at a time (they share the link with the
/// polls), and says how many could not be fetched; those are fetched again on first use.
/// Stops between parts once `still_wanted` says no (the studio was removed from the page).
pub async fn prefetch(still_wanted: impl Fn() -> bool) -> usize {
    use crate::components::{
        board_filter, compare_view, enhance_form, image_field, key_sheet, lightbox, model_set_form,
        more_filters, selection_bar, settings_panel, spending_panel,
    };
    use crate::hooks::{
        preload_discovery, preload_history_files, preload_local_copies, preload_push_stream,
        preload_read_settings,
    };
    let mut missing = 0;
    // Each preload is started only when its turn comes (the types differ by build, so a
    // macro rather than a list).
    macro_rules! in_turn {
        ($($preload:expr),* $(,)?) => {$(
            if !still_wanted() {
                return missing;
            }
            missing += usize::from($preload.await.is_err());
        )*};
    }
    // The likeliest first: the viewer, then the images part (a model that takes images).
    in_turn!(
        lightbox::preload_viewer(),
        image_field::preload_images(),
        settings_panel::preload_settings(),
        enhance_form::preload_enhance(),
        preload_history_files(),
        preload_discovery(),
        more_filters::preload_filters(),
        board_filter::preload_boards(),
        key_sheet::preload_keys(),
        selection_bar::preload_selection(),
        compare_view::preload_compare(),
        model_set_form::preload_model_set(),
        spending_panel::preload_spending(),
        // The writer and reader of settings inside downloaded images.
        preload_read_settings(),
        // The copies of finished images kept in the browser.
        preload_local_copies(),
        // The reader of pushed results (a proxy with `--public-url`).
        preload_push_stream(),
    );
    if let Some(performance) = gloo_utils::window().performance() {
        let _ = performance.mark(PREFETCHED_MARK);
    }
    missing
}
