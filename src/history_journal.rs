//! Where the journal's lines live: localStorage, because its writes are synchronous and
//! survive the page that made them (see [`crate::jobs::journal`]).

use crate::hooks::{browser_storage, Kept};
use crate::jobs::journal::Line;

pub struct HistoryJournal {
    storage: web_sys::Storage,
    /// This studio's lines start with it.
    prefix: String,
}

impl HistoryJournal {
    /// `None` where the browser keeps no localStorage for the page.
    pub fn open(prefix: String) -> Option<Self> {
        browser_storage(Kept::Always).map(|storage| HistoryJournal { storage, prefix })
    }

    /// Keeps the lines now. Returns whether every one was kept (storage can be full).
    pub fn write(&self, lines: &[Line]) -> bool {
        lines
            .iter()
            .all(|line| self.storage.set_item(&line.key, &line.text).is_ok())
    }

    /// IndexedDB holds these records now: their lines go, unless a later change has
    /// written a newer line meanwhile.
    pub fn settle(&self, lines: &[Line]) {
        for line in lines {
            if self.storage.get_item(&line.key).ok().flatten().as_deref() == Some(&line.text) {
                let _ = self.storage.remove_item(&line.key);
            }
        }
    }

    /// Every line a page left.
    pub fn read(&self) -> Vec<Line> {
        let count = self.storage.length().unwrap_or(0);
        let keys: Vec<String> = (0..count)
            .filter_map(|at| self.storage.key(at).ok().flatten())
            .filter(|key| key.starts_with(&self.prefix))
            .collect();
        keys.into_iter()
            .filter_map(|key| {
                let text = self.storage.get_item(&key).ok().flatten()?;
                Some(Line { key, text })
            })
            .collect()
    }
}
