//! Boards: named sets of jobs the person makes ("Client X", "Moodboard"). A job may be on
//! several; a board is its name, kept on each job that is on it, so it lives in the same
//! records as the jobs (saved, exported, imported and shared between tabs with them) and
//! needs no store of its own. A board exists while some job is on it: it is made by putting
//! a first job on it, and deleting it takes it off every job and removes no job.

use std::collections::BTreeMap;

/// The longest board name, in characters: it has to fit on a card's chip.
pub const MAX_NAME_CHARS: usize = 40;

/// Why a typed board name cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardNameError {
    Empty,
    TooLong,
}

/// The board name as it is kept: spaces at the ends dropped and runs of spaces (and control
/// characters, which a paste may bring) made one, so "Client  X " and "Client X" are one board.
pub fn board_name(typed: &str) -> Result<String, BoardNameError> {
    let name = typed
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        Err(BoardNameError::Empty)
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(BoardNameError::TooLong)
    } else {
        Ok(name)
    }
}

/// Every board of a history with how many jobs are on it, by name.
pub fn board_counts<'a>(
    boards_of_each_job: impl IntoIterator<Item = impl IntoIterator<Item = &'a String>>,
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for boards in boards_of_each_job {
        for board in boards {
            *counts.entry(board.clone()).or_insert(0) += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_name_is_trimmed_and_its_spaces_made_one() {
        assert_eq!(board_name("  Client \t X\n").as_deref(), Ok("Client X"));
        assert_eq!(board_name("Città · 猫").as_deref(), Ok("Città · 猫"));
        assert_eq!(board_name(" \u{7} "), Err(BoardNameError::Empty));
        assert_eq!(board_name(""), Err(BoardNameError::Empty));
        let longest = "é".repeat(MAX_NAME_CHARS);
        assert_eq!(board_name(&longest), Ok(longest.clone()));
        assert_eq!(
            board_name(&format!("{longest}e")),
            Err(BoardNameError::TooLong)
        );
    }

    #[test]
    fn board_counts_count_each_job_once_per_board() {
        let a = ["x".to_owned(), "y".to_owned()];
        let b = ["x".to_owned()];
        let counts = board_counts([&a[..], &b[..], &[][..]]);
        assert_eq!(counts.get("x"), Some(&2));
        assert_eq!(counts.get("y"), Some(&1));
        assert_eq!(counts.len(), 2);
    }
}
