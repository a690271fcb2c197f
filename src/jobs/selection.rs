//! Several cards picked at once (Ctrl/⌘-click, Shift-click for a range, a card's box, or
//! Space on a focused card), to star, put on a board, export, remove or compare together.

/// How many images Compare shows side by side.
pub const COMPARE_MIN: usize = 2;
pub const COMPARE_MAX: usize = 4;

/// The picked jobs, in the order they were picked (Compare shows them so), and the card a
/// Shift-click range starts from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    ids: Vec<String>,
    anchor: Option<String>,
}

impl Selection {
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.iter().any(|picked| picked == id)
    }

    /// Picks the job, or lets it go; either way a later Shift-click ranges from it.
    pub fn toggle(&mut self, id: &str) {
        match self.ids.iter().position(|picked| picked == id) {
            Some(at) => {
                self.ids.remove(at);
            }
            None => self.ids.push(id.to_owned()),
        }
        self.anchor = Some(id.to_owned());
    }

    /// Shift-click: picks every job from the anchor to `id` as the grid shows them
    /// (`shown`), keeping what was picked before. Without an anchor (or one the grid no
    /// longer shows) it picks `id` alone.
    pub fn extend_to(&mut self, id: &str, shown: &[String]) {
        let from = self
            .anchor
            .as_deref()
            .and_then(|anchor| shown.iter().position(|s| s == anchor));
        let Some((from, to)) = from.zip(shown.iter().position(|s| s == id)) else {
            if !self.contains(id) {
                self.toggle(id);
            }
            return;
        };
        let (low, high) = (from.min(to), from.max(to));
        for picked in &shown[low..=high] {
            if !self.contains(picked) {
                self.ids.push(picked.clone());
            }
        }
    }

    /// Lets every job go.
    pub fn clear(&mut self) {
        self.ids.clear();
        self.anchor = None;
    }

    /// Keeps only the jobs still there (a removal, another tab's clear); whether any went.
    pub fn retain(&mut self, still_there: impl Fn(&str) -> bool) -> bool {
        let before = self.ids.len();
        self.ids.retain(|id| still_there(id));
        if self
            .anchor
            .as_deref()
            .is_some_and(|anchor| !still_there(anchor))
        {
            self.anchor = None;
        }
        self.ids.len() != before
    }

    /// The jobs Compare shows, when the selection is one it can show (2 to 4 jobs).
    pub fn to_compare(&self) -> Option<&[String]> {
        (COMPARE_MIN..=COMPARE_MAX)
            .contains(&self.ids.len())
            .then_some(self.ids.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("job-{i}")).collect()
    }

    #[test]
    fn a_toggle_picks_and_lets_go_in_the_order_picked() {
        let mut s = Selection::default();
        s.toggle("job-3");
        s.toggle("job-1");
        s.toggle("job-7");
        assert_eq!(s.ids(), ["job-3", "job-1", "job-7"]);
        s.toggle("job-1");
        assert_eq!(s.ids(), ["job-3", "job-7"]);
        assert!(s.contains("job-7") && !s.contains("job-1"));
        s.clear();
        assert!(s.is_empty());
    }

    #[test]
    fn a_shift_click_picks_the_range_from_the_last_toggled_either_way() {
        let grid = shown(8);
        let mut s = Selection::default();
        s.toggle("job-2");
        s.extend_to("job-5", &grid);
        assert_eq!(s.ids(), ["job-2", "job-3", "job-4", "job-5"]);
        // Backwards from the same anchor, keeping what is there.
        s.extend_to("job-0", &grid);
        assert_eq!(s.len(), 6);
        assert!(s.contains("job-0") && s.contains("job-1"));
        // No anchor: the one card.
        let mut fresh = Selection::default();
        fresh.extend_to("job-4", &grid);
        assert_eq!(fresh.ids(), ["job-4"]);
        // An anchor the grid no longer shows (filtered away): the one card.
        let mut hidden = Selection::default();
        hidden.toggle("gone");
        hidden.extend_to("job-1", &grid);
        assert_eq!(hidden.ids(), ["gone", "job-1"]);
    }

    #[test]
    fn jobs_that_went_leave_the_selection() {
        let mut s = Selection::default();
        for id in ["a", "b", "c"] {
            s.toggle(id);
        }
        assert!(s.retain(|id| id != "b"));
        assert_eq!(s.ids(), ["a", "c"]);
        assert!(!s.retain(|_| true), "nothing went: no change");
        // The anchor went: a Shift-click picks one card.
        assert!(s.retain(|id| id != "c"));
        s.extend_to("job-1", &shown(3));
        assert_eq!(s.ids(), ["a", "job-1"]);
    }

    #[test]
    fn compare_takes_two_to_four() {
        let mut s = Selection::default();
        s.toggle("a");
        assert_eq!(s.to_compare(), None);
        for id in ["b", "c", "d"] {
            s.toggle(id);
            assert!(s.to_compare().is_some());
        }
        s.toggle("e");
        assert_eq!(s.to_compare(), None, "five is too many to see side by side");
    }
}
