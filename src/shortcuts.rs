//! The studio's keys for working through a grid of results without a mouse ("culling"):
//! which key does what, where the focus goes next, and the sheet that lists them. Pure, so
//! the keys, the moves and the sheet are host-tested; the browser half only reads the
//! event and moves the focus.

use crate::i18n::Texts;

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// The next card (→, `j`).
    Next,
    /// The previous card (←, `k`).
    Previous,
    /// The card below, a row down (↓).
    Down,
    /// The card above, a row up (↑).
    Up,
    /// The focused card's image in the viewer (Enter).
    Open,
    /// Pick the focused card, or let it go (Space).
    Select,
    /// Let every picked card go (Esc).
    Unselect,
    /// Star or unstar the focused card (`f`).
    Star,
    /// "Add to board" of the focused card (`b`).
    Board,
    /// Remove the focused card, with Undo (`x`, Delete).
    Remove,
    /// Bring back the last removal while Undo is offered (`z`).
    Undo,
    /// The focused card's settings into the form (`r`).
    Reuse,
    /// The focused card's settings with a new seed, sent (`v`).
    Vary,
    /// Edit the focused card's image (`e`).
    Edit,
    /// Enhance the focused card's image (`u`).
    Enhance,
    /// The prompt search (`/`).
    Search,
    /// The prompt (`n`).
    Prompt,
    /// The sheet of every key (`?`).
    Help,
}

/// The modifier keys held with a key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Held {
    pub ctrl: bool,
    pub meta: bool,
    pub alt: bool,
}

/// The shortcut for `key` (a `KeyboardEvent.key`), if any. With Ctrl, ⌘ or Alt held a key is
/// the browser's or the system's, never ours. Shift is allowed: it is how `?` is typed.
pub fn shortcut(key: &str, held: Held) -> Option<Shortcut> {
    if held.ctrl || held.meta || held.alt {
        return None;
    }
    Some(match key {
        "ArrowRight" | "j" => Shortcut::Next,
        "ArrowLeft" | "k" => Shortcut::Previous,
        "ArrowDown" => Shortcut::Down,
        "ArrowUp" => Shortcut::Up,
        "Enter" => Shortcut::Open,
        " " => Shortcut::Select,
        "Escape" => Shortcut::Unselect,
        "f" => Shortcut::Star,
        "b" => Shortcut::Board,
        "x" | "Delete" => Shortcut::Remove,
        "z" => Shortcut::Undo,
        "r" => Shortcut::Reuse,
        "v" => Shortcut::Vary,
        "e" => Shortcut::Edit,
        "u" => Shortcut::Enhance,
        "/" => Shortcut::Search,
        "n" => Shortcut::Prompt,
        "?" => Shortcut::Help,
        _ => return None,
    })
}

impl Shortcut {
    /// Whether it acts on the card that has the focus (and so needs one).
    pub fn on_card(self) -> bool {
        matches!(
            self,
            Shortcut::Open
                | Shortcut::Select
                | Shortcut::Star
                | Shortcut::Board
                | Shortcut::Remove
                | Shortcut::Reuse
                | Shortcut::Vary
                | Shortcut::Edit
                | Shortcut::Enhance
        )
    }

    /// Whether it moves the focus between cards.
    pub fn moves(self) -> bool {
        matches!(
            self,
            Shortcut::Next | Shortcut::Previous | Shortcut::Down | Shortcut::Up
        )
    }

    /// What it does, in the person's language (for the sheet).
    pub fn describe(self, t: &Texts) -> &'static str {
        match self {
            Shortcut::Next => t.key_next,
            Shortcut::Previous => t.key_previous,
            Shortcut::Down => t.key_down,
            Shortcut::Up => t.key_up,
            Shortcut::Open => t.key_open,
            Shortcut::Select => t.key_select,
            Shortcut::Unselect => t.key_unselect,
            Shortcut::Star => t.key_star,
            Shortcut::Board => t.key_board,
            Shortcut::Remove => t.key_remove,
            Shortcut::Undo => t.key_undo,
            Shortcut::Reuse => t.key_reuse,
            Shortcut::Vary => t.key_vary,
            Shortcut::Edit => t.key_edit,
            Shortcut::Enhance => t.key_enhance,
            Shortcut::Search => t.key_search,
            Shortcut::Prompt => t.key_prompt,
            Shortcut::Help => t.key_help,
        }
    }
}

/// Every key, as the sheet shows it: the keys a person presses (as printed on the keyboard)
/// and what they do. A test checks that each key here does what its row says.
pub const SHEET: &[(&[&str], Shortcut)] = &[
    (&["→", "j"], Shortcut::Next),
    (&["←", "k"], Shortcut::Previous),
    (&["↓"], Shortcut::Down),
    (&["↑"], Shortcut::Up),
    (&["Enter"], Shortcut::Open),
    (&["Space"], Shortcut::Select),
    (&["Esc"], Shortcut::Unselect),
    (&["f"], Shortcut::Star),
    (&["b"], Shortcut::Board),
    (&["x", "Delete"], Shortcut::Remove),
    (&["z"], Shortcut::Undo),
    (&["r"], Shortcut::Reuse),
    (&["v"], Shortcut::Vary),
    (&["e"], Shortcut::Edit),
    (&["u"], Shortcut::Enhance),
    (&["/"], Shortcut::Search),
    (&["n"], Shortcut::Prompt),
    (&["?"], Shortcut::Help),
];

/// Where the focus goes from card `at` (none focused: `None`) among `len` cards laid out
/// `columns` to a row. Moves stop at either end rather than wrap (a person culling wants to
/// know they reached the last one); with no card focused, any move lands on the first.
pub fn step(at: Option<usize>, len: usize, columns: usize, by: Shortcut) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let Some(at) = at else {
        return Some(0);
    };
    let columns = columns.max(1);
    let last = len - 1;
    Some(match by {
        Shortcut::Next => (at + 1).min(last),
        Shortcut::Previous => at.saturating_sub(1),
        // A row down from the last row's short end: the last card.
        Shortcut::Down => (at + columns).min(last),
        Shortcut::Up => at.checked_sub(columns).unwrap_or(at),
        _ => at.min(last),
    })
}

/// How many cards share the first row, from the cards' top edges in grid order.
pub fn columns(tops: impl IntoIterator<Item = f64>) -> usize {
    let mut tops = tops.into_iter();
    let Some(first) = tops.next() else {
        return 1;
    };
    1 + tops.take_while(|top| (top - first).abs() < 1.0).count()
}

/// Which card takes the focus when the focused one is removed: the next, or the one before
/// it when it was the last; none when it was the only one.
pub fn after_removal(at: usize, len: usize) -> Option<usize> {
    if len <= 1 {
        None
    } else if at + 1 < len {
        Some(at + 1)
    } else {
        Some(at - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    const NONE: Held = Held {
        ctrl: false,
        meta: false,
        alt: false,
    };

    /// The key a browser reports for a key printed on the sheet.
    fn reported(printed: &str) -> &str {
        match printed {
            "→" => "ArrowRight",
            "←" => "ArrowLeft",
            "↓" => "ArrowDown",
            "↑" => "ArrowUp",
            "Space" => " ",
            "Esc" => "Escape",
            other => other,
        }
    }

    #[test]
    fn every_key_on_the_sheet_does_what_its_row_says_and_every_shortcut_is_on_it() {
        for (keys, does) in SHEET {
            for key in *keys {
                assert_eq!(shortcut(reported(key), NONE), Some(*does), "{key}");
            }
        }
        let listed: Vec<Shortcut> = SHEET.iter().map(|(_, s)| *s).collect();
        for key in [
            "ArrowRight",
            "ArrowLeft",
            "ArrowDown",
            "ArrowUp",
            "Enter",
            " ",
            "Escape",
            "f",
            "b",
            "x",
            "Delete",
            "z",
            "r",
            "v",
            "e",
            "u",
            "/",
            "n",
            "?",
            "j",
            "k",
        ] {
            let does = shortcut(key, NONE).expect(key);
            assert!(listed.contains(&does), "{key} is not on the sheet");
        }
    }

    #[test]
    fn a_key_held_with_ctrl_cmd_or_alt_is_the_browsers() {
        for held in [
            Held { ctrl: true, ..NONE },
            Held { meta: true, ..NONE },
            Held { alt: true, ..NONE },
        ] {
            assert_eq!(shortcut("f", held), None);
            assert_eq!(shortcut("x", held), None);
            assert_eq!(shortcut("ArrowRight", held), None);
        }
        // Capitals and other letters are nobody's here.
        assert_eq!(shortcut("F", NONE), None);
        assert_eq!(shortcut("q", NONE), None);
        assert_eq!(shortcut("Tab", NONE), None);
    }

    #[test]
    fn every_shortcut_is_described_in_every_language() {
        for locale in Locale::ALL {
            let t = locale.texts();
            let mut seen = std::collections::BTreeSet::new();
            for (_, does) in SHEET {
                let words = does.describe(t);
                assert!(!words.trim().is_empty(), "{locale:?} {does:?}");
                assert!(seen.insert(words), "{locale:?}: '{words}' twice");
            }
        }
    }

    #[test]
    fn moves_stop_at_either_end_and_rows_follow_the_columns() {
        use Shortcut::*;
        // 10 cards, 4 to a row: 0 1 2 3 / 4 5 6 7 / 8 9
        assert_eq!(
            step(None, 10, 4, Next),
            Some(0),
            "from nowhere to the first"
        );
        assert_eq!(step(None, 10, 4, Up), Some(0));
        assert_eq!(step(Some(0), 10, 4, Next), Some(1));
        assert_eq!(step(Some(0), 10, 4, Previous), Some(0));
        assert_eq!(step(Some(9), 10, 4, Next), Some(9));
        assert_eq!(step(Some(1), 10, 4, Down), Some(5));
        assert_eq!(step(Some(6), 10, 4, Down), Some(9), "short last row");
        assert_eq!(step(Some(9), 10, 4, Down), Some(9));
        assert_eq!(step(Some(9), 10, 4, Up), Some(5));
        assert_eq!(step(Some(2), 10, 4, Up), Some(2), "the first row stays");
        assert_eq!(step(Some(3), 10, 0, Down), Some(4), "no layout: one column");
        assert_eq!(step(Some(0), 0, 4, Next), None);
        // A card that went (the list shrank under the focus): the last one.
        assert_eq!(step(Some(12), 10, 4, Star), Some(9));
    }

    #[test]
    fn columns_are_the_cards_on_the_first_row() {
        assert_eq!(columns([10.0, 10.0, 10.4, 10.0, 300.0, 300.0]), 4);
        assert_eq!(columns([10.0, 300.0]), 1);
        assert_eq!(columns([]), 1);
        assert_eq!(columns([5.0; 3]), 3);
    }

    #[test]
    fn the_focus_moves_on_after_a_removal() {
        assert_eq!(after_removal(0, 5), Some(1));
        assert_eq!(after_removal(3, 5), Some(4));
        assert_eq!(after_removal(4, 5), Some(3), "the last: the one before");
        assert_eq!(after_removal(0, 1), None, "the only one");
    }

    #[test]
    fn only_card_actions_need_a_card_and_only_moves_move() {
        for (_, does) in SHEET {
            assert!(
                !(does.on_card() && does.moves()),
                "{does:?} is both a move and a card action"
            );
        }
        assert!(Shortcut::Star.on_card());
        assert!(!Shortcut::Help.on_card());
        assert!(!Shortcut::Undo.on_card());
        assert!(Shortcut::Down.moves());
    }
}
