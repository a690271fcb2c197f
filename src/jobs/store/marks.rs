//! Marks the person puts on jobs: a star, and the boards a job is on. Local edits like the
//! others (written back, other tabs hear them); a filter reads them, so a change tells the
//! list as well as the job's card.

use super::JobStore;
use std::collections::BTreeMap;

impl JobStore {
    /// Stars or unstars a job. Returns whether anything changed.
    pub fn set_starred(&mut self, id: &str, starred: bool) -> bool {
        match self.position(id).map(|at| &mut self.entries[at]) {
            Some(entry) if entry.starred != starred => {
                entry.starred = starred;
                self.marked(id);
                true
            }
            _ => false,
        }
    }

    /// Puts `ids` on `board` (a name [`crate::jobs::boards::board_name`] accepted). Returns how
    /// many were not on it yet.
    pub fn add_to_board<'a>(
        &mut self,
        ids: impl IntoIterator<Item = &'a str>,
        board: &str,
    ) -> usize {
        self.each_mark(ids, |boards| boards.insert(board.to_owned()))
    }

    /// Takes `ids` off `board`. Returns how many were on it.
    pub fn remove_from_board<'a>(
        &mut self,
        ids: impl IntoIterator<Item = &'a str>,
        board: &str,
    ) -> usize {
        self.each_mark(ids, |boards| boards.remove(board))
    }

    /// Renames a board on every job on it; renaming onto a board that exists joins the two.
    /// Returns how many jobs changed.
    pub fn rename_board(&mut self, from: &str, to: &str) -> usize {
        let on_it = self.on_board(from);
        self.each_mark(on_it.iter().map(String::as_str), |boards| {
            boards.remove(from);
            boards.insert(to.to_owned());
            true
        })
    }

    /// Takes a board off every job (no job is removed). Returns how many jobs were on it.
    pub fn delete_board(&mut self, board: &str) -> usize {
        let on_it = self.on_board(board);
        self.remove_from_board(on_it.iter().map(String::as_str), board)
    }

    /// The jobs on `board`, newest first.
    pub fn on_board(&self, board: &str) -> Vec<String> {
        self.entries
            .iter()
            .filter(|entry| entry.boards.contains(board))
            .map(|entry| entry.id().to_owned())
            .collect()
    }

    /// Every board with how many jobs are on it.
    pub fn boards(&self) -> BTreeMap<String, usize> {
        crate::jobs::boards::board_counts(self.entries.iter().map(|entry| &entry.boards))
    }

    /// How many jobs are starred.
    pub fn starred_count(&self) -> usize {
        self.entries.iter().filter(|entry| entry.starred).count()
    }

    fn each_mark<'a>(
        &mut self,
        ids: impl IntoIterator<Item = &'a str>,
        change: impl Fn(&mut std::collections::BTreeSet<String>) -> bool,
    ) -> usize {
        let mut changed = 0;
        for id in ids {
            let Some(at) = self.position(id) else {
                continue;
            };
            if change(&mut self.entries[at].boards) {
                self.marked(id);
                changed += 1;
            }
        }
        changed
    }

    fn marked(&mut self, id: &str) {
        self.changed_job(id);
        self.notices.list = true;
    }
}
