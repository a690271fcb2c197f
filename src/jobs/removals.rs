//! Removals wait before they happen. A removed job (one, or every finished one at once)
//! leaves the grid at once but stays in the history for [`UNDO_MS`]: Undo brings it back,
//! and a reload in between keeps it, because nothing was written yet. Only when the time is
//! up is it taken out of the store, and so out of storage. A deleted board waits the same
//! way: it leaves the lists at once and comes off its jobs when the time is up.

use std::collections::BTreeSet;

/// How long Undo is offered.
pub const UNDO_MS: f64 = 10_000.0;

/// What a removal takes away.
#[derive(Debug, Clone, PartialEq)]
pub enum Removed {
    Jobs(BTreeSet<String>),
    /// A board, by name: it comes off every job, and no job goes.
    Board(String),
}

/// One removal the person can still undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    pub batch: u64,
    pub what: Removed,
    pub until_ms: f64,
}

/// What is due to go now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Due {
    pub jobs: BTreeSet<String>,
    pub boards: Vec<String>,
}

/// The removals waiting for their time, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Removals {
    next: u64,
    waiting: Vec<Removal>,
}

impl Removals {
    /// Hides `jobs` now and removes them at `now_ms + UNDO_MS`. Returns the batch to undo,
    /// or `None` when there was nothing (new) to remove.
    pub fn start(&mut self, jobs: impl IntoIterator<Item = String>, now_ms: f64) -> Option<u64> {
        let jobs: BTreeSet<String> = jobs.into_iter().filter(|id| !self.hides(id)).collect();
        if jobs.is_empty() {
            return None;
        }
        Some(self.wait(Removed::Jobs(jobs), now_ms))
    }

    /// Hides `board` now and deletes it at `now_ms + UNDO_MS`; `None` when it already waits.
    pub fn start_board(&mut self, board: String, now_ms: f64) -> Option<u64> {
        (!self.hides_board(&board)).then(|| self.wait(Removed::Board(board), now_ms))
    }

    fn wait(&mut self, what: Removed, now_ms: f64) -> u64 {
        self.next += 1;
        self.waiting.push(Removal {
            batch: self.next,
            what,
            until_ms: now_ms + UNDO_MS,
        });
        self.next
    }

    /// Brings a batch back. Returns whether it was still waiting.
    pub fn undo(&mut self, batch: u64) -> bool {
        let before = self.waiting.len();
        self.waiting.retain(|removal| removal.batch != batch);
        self.waiting.len() != before
    }

    /// Keeps `jobs` after all (they came back, in an imported file): they leave every
    /// waiting removal, and a removal left with nothing goes.
    pub fn spare<'a>(&mut self, jobs: impl IntoIterator<Item = &'a str>) {
        let jobs: BTreeSet<&str> = jobs.into_iter().collect();
        self.waiting.retain_mut(|removal| match &mut removal.what {
            Removed::Jobs(waiting) => {
                waiting.retain(|id| !jobs.contains(id.as_str()));
                !waiting.is_empty()
            }
            Removed::Board(_) => true,
        });
    }

    /// What is due, taken out of the waiting list: remove it now.
    pub fn take_due(&mut self, now_ms: f64) -> Due {
        let (due, waiting): (Vec<Removal>, Vec<Removal>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|removal| removal.until_ms <= now_ms);
        self.waiting = waiting;
        let mut out = Due::default();
        for removal in due {
            match removal.what {
                Removed::Jobs(jobs) => out.jobs.extend(jobs),
                Removed::Board(board) => out.boards.push(board),
            }
        }
        out
    }

    /// Whether the grid must leave this job out: its removal is waiting.
    pub fn hides(&self, id: &str) -> bool {
        self.waiting
            .iter()
            .any(|removal| matches!(&removal.what, Removed::Jobs(jobs) if jobs.contains(id)))
    }

    /// Whether the lists must leave this board out: its deletion is waiting.
    pub fn hides_board(&self, board: &str) -> bool {
        self.waiting
            .iter()
            .any(|removal| matches!(&removal.what, Removed::Board(name) if name == board))
    }

    /// The newest removal still waiting: the one the toast offers to undo.
    pub fn latest(&self) -> Option<&Removal> {
        self.waiting.last()
    }
}

#[cfg(test)]
mod tests {
    use super::{Due, Removals, Removed, UNDO_MS};

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|id| (*id).to_owned()).collect()
    }

    #[test]
    fn a_removed_job_is_hidden_at_once_and_removed_only_when_undo_is_over() {
        let mut removals = Removals::default();
        let batch = removals.start(ids(&["a"]), 1_000.0).unwrap();
        assert!(removals.hides("a"));
        assert!(
            removals.take_due(1_000.0 + UNDO_MS - 1.0) == Due::default(),
            "not yet"
        );
        assert_eq!(removals.latest().unwrap().batch, batch);
        let due = removals.take_due(1_000.0 + UNDO_MS);
        assert_eq!(due.jobs.into_iter().collect::<Vec<_>>(), ids(&["a"]));
        assert!(!removals.hides("a") && removals.latest().is_none());
    }

    #[test]
    fn undo_brings_back_its_batch_only_and_nothing_is_removed_later() {
        let mut removals = Removals::default();
        let first = removals.start(ids(&["a"]), 0.0).unwrap();
        let cleared = removals.start(ids(&["b", "c", "a"]), 5.0).unwrap();
        assert_eq!(
            removals.latest().unwrap().what,
            Removed::Jobs(ids(&["b", "c"]).into_iter().collect()),
            "a is already waiting"
        );
        assert!(removals.undo(cleared));
        assert!(!removals.undo(cleared), "once");
        assert!(!removals.hides("b") && removals.hides("a"));
        assert_eq!(removals.latest().unwrap().batch, first);
        let due = removals.take_due(UNDO_MS + 5.0);
        assert_eq!(due.jobs.into_iter().collect::<Vec<_>>(), ids(&["a"]));
    }

    #[test]
    fn jobs_that_come_back_leave_their_removal() {
        let mut removals = Removals::default();
        removals.start(ids(&["a", "b"]), 0.0);
        removals.start(ids(&["c"]), 0.0);
        removals.spare(["a", "c"]);
        assert!(!removals.hides("a") && removals.hides("b") && !removals.hides("c"));
        assert_eq!(
            removals.latest().unwrap().what,
            Removed::Jobs(ids(&["b"]).into_iter().collect()),
            "the emptied batch went"
        );
    }

    #[test]
    fn removing_nothing_offers_no_undo() {
        let mut removals = Removals::default();
        assert_eq!(removals.start(Vec::new(), 0.0), None);
        removals.start(ids(&["a"]), 0.0);
        assert_eq!(removals.start(ids(&["a"]), 1.0), None, "already waiting");
    }

    #[test]
    fn a_deleted_board_waits_like_a_removal_and_spares_no_job() {
        let mut removals = Removals::default();
        let board = removals.start_board("Client X".into(), 0.0).unwrap();
        assert_eq!(
            removals.start_board("Client X".into(), 1.0),
            None,
            "already waiting"
        );
        assert!(removals.hides_board("Client X") && !removals.hides_board("Other"));
        assert!(!removals.hides("Client X"), "a board is not a job");
        removals.spare(["a"]);
        assert_eq!(
            removals.latest().unwrap().batch,
            board,
            "sparing jobs keeps it"
        );
        assert!(removals.undo(board));
        assert!(!removals.hides_board("Client X"));

        removals.start_board("Client X".into(), 0.0);
        removals.start(ids(&["a"]), 0.0);
        let due = removals.take_due(UNDO_MS);
        assert_eq!(due.boards, ["Client X"]);
        assert_eq!(due.jobs.into_iter().collect::<Vec<_>>(), ids(&["a"]));
        assert!(removals.latest().is_none());
    }
}
