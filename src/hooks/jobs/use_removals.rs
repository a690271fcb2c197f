use crate::hooks::{use_interval_while, LiveJobs};
use crate::jobs::removals::Removals;
use leptos::prelude::*;

/// Removals with Undo ([`Removals`]): what is waiting (the grid leaves those jobs out, the
/// toast offers the newest), and the ways to start and undo one.
#[derive(Clone, Copy)]
pub struct PendingRemovals {
    pub waiting: RwSignal<Removals>,
    /// Hides these jobs now and removes them once Undo is over.
    pub remove: Callback<Vec<String>>,
    /// Hides a board now and takes it off its jobs once Undo is over.
    pub delete_board: Callback<String>,
    /// Brings a batch back.
    pub undo: Callback<u64>,
}

impl PendingRemovals {
    /// Whether this job's removal is waiting.
    pub fn hides(&self, id: &str) -> bool {
        self.waiting
            .try_with_untracked(|w| w.hides(id))
            .unwrap_or(false)
    }

    /// Whether this board's deletion is waiting (tracked: lists of boards follow it).
    pub fn hides_board(&self, board: &str) -> bool {
        self.waiting
            .try_with(|w| w.hides_board(board))
            .unwrap_or(false)
    }

    /// Keeps these jobs after all (an imported file brought them back).
    pub fn spare(&self, jobs: &[String]) {
        self.waiting
            .try_update(|w| w.spare(jobs.iter().map(String::as_str)));
    }
}

/// How often waiting removals are checked: a removal lands within this of its time.
const CHECK_MS: u32 = 250;

/// Owns the waiting removals (jobs and boards) of `store`: while any waits, a timer takes the due ones out of
/// the store. A studio that goes away (or a page that reloads) first removes nothing.
pub fn use_removals(store: LiveJobs) -> PendingRemovals {
    let waiting = RwSignal::new(Removals::default());
    let apply_due = move || {
        let now = js_sys::Date::now();
        let due = waiting
            .try_update(|waiting| waiting.take_due(now))
            .unwrap_or_default();
        if !due.jobs.is_empty() || !due.boards.is_empty() {
            store.update(|s| {
                s.remove_all(&due.jobs);
                for board in &due.boards {
                    s.delete_board(board);
                }
            });
        }
    };
    let any_waiting = Signal::derive(move || waiting.with(|w| w.latest().is_some()));
    use_interval_while(any_waiting, CHECK_MS, apply_due);
    PendingRemovals {
        waiting,
        remove: Callback::new(move |jobs: Vec<String>| {
            waiting.update(|w| {
                w.start(jobs, js_sys::Date::now());
            });
        }),
        delete_board: Callback::new(move |board: String| {
            waiting.update(|w| {
                w.start_board(board, js_sys::Date::now());
            });
        }),
        undo: Callback::new(move |batch: u64| {
            waiting.update(|w| {
                w.undo(batch);
            });
        }),
    }
}
