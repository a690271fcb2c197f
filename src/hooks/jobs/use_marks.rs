use crate::hooks::{LiveJobs, PendingRemovals};
use leptos::prelude::*;

/// Stars and boards ([`crate::jobs::boards`]): what there is (boards with their job counts,
/// leaving out one whose deletion waits for Undo; how many jobs are starred), and the ways
/// to change them. Each change is a local edit of the store, saved and shared like any other.
#[derive(Clone, Copy)]
pub struct Marks {
    /// Every board, by name, with how many jobs are on it.
    pub boards: Memo<Vec<(String, usize)>>,
    pub starred: Memo<usize>,
    /// Stars the job, or takes its star away.
    pub toggle_star: Callback<String>,
    /// Stars jobs (`true`) or takes their stars away.
    pub set_starred: Callback<(Vec<String>, bool)>,
    /// Puts jobs on a board (a name [`crate::jobs::boards::board_name`] accepted).
    pub add_to_board: Callback<(Vec<String>, String)>,
    /// Takes one job off one board.
    pub remove_from_board: Callback<(String, String)>,
    /// Renames a board (from, to); onto an existing one, the two become one.
    pub rename_board: Callback<(String, String)>,
}

pub fn use_marks(jobs: LiveJobs, removals: PendingRemovals) -> Marks {
    let boards = Memo::new(move |_| {
        jobs.with_list(|s| s.boards())
            .into_iter()
            .filter(|(board, _)| !removals.hides_board(board))
            .collect()
    });
    let starred = Memo::new(move |_| jobs.with_list(|s| s.starred_count()));
    Marks {
        boards,
        starred,
        toggle_star: Callback::new(move |id: String| {
            jobs.update(|s| {
                let starred = s.get(&id).is_some_and(|e| e.starred);
                s.set_starred(&id, !starred);
            });
        }),
        set_starred: Callback::new(move |(ids, starred): (Vec<String>, bool)| {
            jobs.update(|s| {
                for id in &ids {
                    s.set_starred(id, starred);
                }
            });
        }),
        add_to_board: Callback::new(move |(ids, board): (Vec<String>, String)| {
            jobs.update(|s| s.add_to_board(ids.iter().map(String::as_str), &board));
        }),
        remove_from_board: Callback::new(move |(id, board): (String, String)| {
            jobs.update(|s| s.remove_from_board([id.as_str()], &board));
        }),
        rename_board: Callback::new(move |(from, to): (String, String)| {
            jobs.update(|s| s.rename_board(&from, &to));
        }),
    }
}
