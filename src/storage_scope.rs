//! Where one studio keeps its things in the browser: its IndexedDB database, its
//! localStorage keys, the channel its tabs talk on. The studio's own page uses the names it
//! always had; each embedded instance has its own (`krea-studio.embed.ks-1…`), so two
//! studios on one page, or an embed and the full studio on one site, never share a
//! history, settings or a draft.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageScope {
    root: String,
}

impl StorageScope {
    /// The studio opened as a page of its own.
    pub fn studio() -> StorageScope {
        StorageScope {
            root: "krea-studio".to_owned(),
        }
    }

    /// The embedded instance named `instance` (stable across reloads of the host page).
    pub fn embedded(instance: &str) -> StorageScope {
        StorageScope {
            root: format!("krea-studio.embed.{instance}"),
        }
    }

    /// A localStorage or sessionStorage key.
    pub fn key(&self, name: &str) -> String {
        format!("{}.{name}", self.root)
    }

    /// The IndexedDB database.
    pub fn database(&self) -> &str {
        &self.root
    }

    /// What every journal line's key starts with (see [`crate::jobs::journal`]).
    pub fn journal_prefix(&self) -> String {
        self.key("journal.")
    }

    /// The BroadcastChannel on which this studio's tabs tell each other what they wrote.
    pub fn channel(&self) -> String {
        self.key("history")
    }

    /// The Cache Storage cache that holds the local copies of finished images.
    pub fn copies_cache(&self) -> String {
        self.key("copies")
    }

    /// The Web Lock held by the one tab of this studio that follows jobs for all of them.
    pub fn poller_lock(&self) -> String {
        self.key("poller")
    }
}

#[cfg(test)]
mod tests {
    use super::StorageScope;

    #[test]
    fn the_studio_keeps_its_names_and_embeds_have_their_own() {
        let studio = StorageScope::studio();
        assert_eq!(studio.key("settings"), "krea-studio.settings");
        assert_eq!(studio.database(), "krea-studio");
        assert_eq!(studio.journal_prefix(), "krea-studio.journal.");
        assert_eq!(studio.channel(), "krea-studio.history");
        assert_eq!(studio.poller_lock(), "krea-studio.poller");
        let embed = StorageScope::embedded("ks-2");
        assert_eq!(embed.key("settings"), "krea-studio.embed.ks-2.settings");
        assert_eq!(embed.database(), "krea-studio.embed.ks-2");
        // Neither reads the other's journal lines.
        assert!(!embed.journal_prefix().starts_with(&studio.journal_prefix()));
        assert!(!studio.journal_prefix().starts_with(&embed.journal_prefix()));
    }
}
