use super::{LiveJobs, PendingRemovals};
use crate::jobs::selection::Selection;
use leptos::prelude::*;

/// The cards picked together ([`Selection`]), and whether Compare shows them. Provided as
/// context by the studio; a card reads whether it is picked, the selection bar acts on all.
#[derive(Clone, Copy)]
pub struct SelectedJobs {
    pub selection: RwSignal<Selection>,
    /// The grid's jobs in its order (a Shift-click picks a range of them).
    pub shown: Memo<Vec<String>>,
    /// Whether Compare is open.
    pub comparing: RwSignal<bool>,
}

impl SelectedJobs {
    /// Picks or lets go of one card; with Shift, the range from the last one picked.
    pub fn pick(&self, id: &str, range: bool) {
        let shown = self.shown;
        self.selection.update(|s| {
            if range {
                shown.with_untracked(|shown| s.extend_to(id, shown));
            } else {
                s.toggle(id);
            }
        });
    }

    /// Whether this card is picked (tracked: its card follows it).
    pub fn has(&self, id: &str) -> bool {
        self.selection.with(|s| s.contains(id))
    }

    pub fn clear(&self) {
        if self.selection.with_untracked(|s| !s.is_empty()) {
            self.selection.update(Selection::clear);
        }
        self.comparing.set(false);
    }
}

/// Owns the selection: a job removed (here, by Undo's end, or in another tab) leaves it, and
/// Compare closes when fewer than two are left to show.
pub fn use_selection(
    jobs: LiveJobs,
    shown: Memo<Vec<String>>,
    removals: PendingRemovals,
) -> SelectedJobs {
    let selection = RwSignal::new(Selection::default());
    let comparing = RwSignal::new(false);
    Effect::new(move |_| {
        removals.waiting.track();
        let still_there = |id: &str| jobs.with_list(|s| s.get(id).is_some()) && !removals.hides(id);
        let gone = selection.with_untracked(|s| s.ids().iter().any(|id| !still_there(id)));
        // Only a real change notifies the cards.
        if gone {
            selection.update(|s| {
                s.retain(still_there);
            });
        }
    });
    Effect::new(move |_| {
        if comparing.get() && selection.with(|s| s.to_compare().is_none()) {
            comparing.set(false);
        }
    });
    SelectedJobs {
        selection,
        shown,
        comparing,
    }
}
