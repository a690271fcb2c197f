//! How job updates reach this tab, as the Settings panel tells it.

use crate::i18n::Texts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The proxy's stream is open; polling is only a slow safety net.
    Push,
    /// Polling, as usual (no stream offered, or it broke and is being retried).
    Polling,
    /// Another tab of the studio follows the jobs; this one hears from it.
    OtherTab,
    /// The browser is offline: nothing is asked until it is back.
    Offline,
}

impl Transport {
    pub fn of(leading: bool, online: bool, stream_open: bool) -> Transport {
        match (leading, online, stream_open) {
            (false, _, _) => Transport::OtherTab,
            (true, false, _) => Transport::Offline,
            (true, true, true) => Transport::Push,
            (true, true, false) => Transport::Polling,
        }
    }

    pub fn words(self, t: &Texts) -> &'static str {
        match self {
            Transport::Push => t.transport_push,
            Transport::Polling => t.transport_polling,
            Transport::OtherTab => t.transport_other_tab,
            Transport::Offline => t.transport_offline,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Transport;

    #[test]
    fn another_tab_leading_wins_then_being_offline_then_the_stream() {
        assert_eq!(Transport::of(false, true, true), Transport::OtherTab);
        assert_eq!(Transport::of(true, false, true), Transport::Offline);
        assert_eq!(Transport::of(true, true, true), Transport::Push);
        assert_eq!(Transport::of(true, true, false), Transport::Polling);
        let t = crate::i18n::Locale::It.texts();
        assert_eq!(Transport::Push.words(t), t.transport_push);
    }
}
