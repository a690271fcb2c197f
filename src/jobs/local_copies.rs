//! The copies of finished images kept in the browser, so a history outlives Krea's links
//! (Krea does not say how long they live). No I/O here: what a copy's address in the
//! browser's cache says about it, what the copies weigh together, and which go first when
//! they weigh more than the person allows.
//!
//! A copy's address carries its size and when it was kept (`…/local-copies/{job}/{image}
//! ?bytes=…&at=…`), so the cache's own list of addresses is the whole index: nothing to keep
//! in step elsewhere, nothing that can disagree with what is really stored.

use std::collections::BTreeMap;

/// Where in the page's origin the copies' addresses live (never fetched from the network).
const PATH: &str = "local-copies/";

/// One image of one job.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CopyKey {
    pub job_id: String,
    pub image: usize,
}

/// What is known of a kept copy without reading it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CopyFacts {
    pub bytes: u64,
    /// When it was kept, in ms since 1970.
    pub at: f64,
}

impl CopyKey {
    pub fn new(job_id: &str, image: usize) -> CopyKey {
        CopyKey {
            job_id: job_id.to_owned(),
            image,
        }
    }

    /// The copy's address without its facts: what a lookup matches (ignoring the query).
    pub fn path(&self) -> String {
        format!("{PATH}{}/{}", escape(&self.job_id), self.image)
    }

    /// The address the copy is stored under.
    pub fn address(&self, facts: CopyFacts) -> String {
        format!(
            "{}?bytes={}&at={}",
            self.path(),
            facts.bytes,
            facts.at.max(0.0).round() as u64
        )
    }

    /// The key and facts in an address the cache lists (absolute, as the browser gives it
    /// back); `None` for anything this module did not write.
    pub fn parse(address: &str) -> Option<(CopyKey, CopyFacts)> {
        let rest = &address[address.find(PATH)? + PATH.len()..];
        let (path, query) = rest.split_once('?')?;
        let (job, image) = path.split_once('/')?;
        let job_id = unescape(job)?;
        let image = image.parse().ok()?;
        let mut bytes = None;
        let mut at = None;
        for pair in query.split('&') {
            match pair.split_once('=') {
                Some(("bytes", n)) => bytes = n.parse().ok(),
                Some(("at", n)) => at = n.parse::<u64>().ok().map(|n| n as f64),
                _ => {}
            }
        }
        Some((
            CopyKey { job_id, image },
            CopyFacts {
                bytes: bytes?,
                at: at?,
            },
        ))
    }
}

/// Job ids are Krea's UUIDs; anything else is escaped so it stays one path segment.
fn escape(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn unescape(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// Every kept copy, by job and image.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CopyIndex {
    copies: BTreeMap<CopyKey, CopyFacts>,
}

/// What the Settings line says.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CopySummary {
    pub count: usize,
    pub bytes: u64,
    /// Copies removed to stay under the limit since the studio opened.
    pub evicted: usize,
    /// Older images that could not be copied since the studio opened: their links had died.
    pub missed: usize,
    /// Favourites alone weigh more than the limit: they are kept anyway.
    pub favourites_over_limit: bool,
}

impl CopyIndex {
    /// The index of what the cache lists; addresses it did not write are left out, and a
    /// second copy of the same image (two tabs kept it at once) is returned to be deleted.
    pub fn from_addresses<'a>(
        addresses: impl IntoIterator<Item = &'a str>,
    ) -> (CopyIndex, Vec<String>) {
        let mut index = CopyIndex::default();
        let mut doubles = Vec::new();
        for address in addresses {
            if let Some((key, facts)) = CopyKey::parse(address) {
                match index.copies.entry(key) {
                    std::collections::btree_map::Entry::Occupied(_) => {
                        doubles.push(address.to_owned())
                    }
                    std::collections::btree_map::Entry::Vacant(room) => {
                        room.insert(facts);
                    }
                }
            }
        }
        (index, doubles)
    }

    pub fn insert(&mut self, key: CopyKey, facts: CopyFacts) {
        self.copies.insert(key, facts);
    }

    pub fn remove(&mut self, key: &CopyKey) -> Option<CopyFacts> {
        self.copies.remove(key)
    }

    pub fn has(&self, key: &CopyKey) -> bool {
        self.copies.contains_key(key)
    }

    pub fn len(&self) -> usize {
        self.copies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.copies.is_empty()
    }

    pub fn bytes(&self) -> u64 {
        self.copies.values().map(|c| c.bytes).sum()
    }

    /// Copies of jobs the history no longer holds (removed, cleared).
    pub fn orphans(&self, in_history: impl Fn(&str) -> bool) -> Vec<CopyKey> {
        self.copies
            .keys()
            .filter(|key| !in_history(&key.job_id))
            .cloned()
            .collect()
    }

    /// The copies to remove so the rest weigh at most `limit` bytes: the oldest first,
    /// favourites never. Favourites alone over the limit are all kept (the second value
    /// says so).
    pub fn to_evict(&self, limit: u64, favourite: impl Fn(&str) -> bool) -> (Vec<CopyKey>, bool) {
        let mut total = self.bytes();
        if total <= limit {
            return (Vec::new(), false);
        }
        let mut candidates: Vec<(&CopyKey, &CopyFacts)> = self
            .copies
            .iter()
            .filter(|(key, _)| !favourite(&key.job_id))
            .collect();
        candidates.sort_by(|a, b| a.1.at.total_cmp(&b.1.at).then_with(|| a.0.cmp(b.0)));
        let mut gone = Vec::new();
        for (key, facts) in candidates {
            if total <= limit {
                break;
            }
            total -= facts.bytes;
            gone.push(key.clone());
        }
        (gone, total > limit)
    }
}

/// The limit the person set, in bytes.
pub fn limit_bytes(limit_mb: u32) -> u64 {
    u64::from(limit_mb) * 1_000_000
}

/// The default limit: 1 GB.
pub const DEFAULT_LIMIT_MB: u32 = 1_000;
/// The least and most a person may set (10 MB to 100 GB).
pub const LIMIT_MB: std::ops::RangeInclusive<u32> = 10..=100_000;

/// A limit typed in Settings, in MB.
pub fn parse_limit_mb(input: &str) -> Option<u32> {
    input.trim().parse().ok().filter(|mb| LIMIT_MB.contains(mb))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(bytes: u64, at: f64) -> CopyFacts {
        CopyFacts { bytes, at }
    }

    #[test]
    fn an_address_carries_the_key_and_facts_and_reads_back_absolute() {
        let key = CopyKey::new("5e1f-9a", 2);
        let address = key.address(facts(123_456, 1_764_000_000_123.4));
        assert_eq!(
            address,
            "local-copies/5e1f-9a/2?bytes=123456&at=1764000000123"
        );
        let absolute = format!("https://studio.example/app/{address}");
        assert_eq!(
            CopyKey::parse(&absolute),
            Some((key, facts(123_456, 1_764_000_000_123.0)))
        );
    }

    #[test]
    fn odd_job_ids_stay_one_segment_and_foreign_addresses_are_not_copies() {
        let key = CopyKey::new("a/b?c=d é", 0);
        let address = key.address(facts(1, 2.0));
        assert!(!address["local-copies/".len()..].contains("?c"));
        assert_eq!(CopyKey::parse(&address).map(|(k, _)| k), Some(key));
        for foreign in [
            "https://x/other/1?bytes=1&at=2",
            "https://x/local-copies/job/1",
            "https://x/local-copies/job/one?bytes=1&at=2",
            "https://x/local-copies/job/1?bytes=1",
            "https://x/local-copies/j%G0/1?bytes=1&at=2",
        ] {
            assert_eq!(CopyKey::parse(foreign), None, "{foreign}");
        }
    }

    #[test]
    fn the_cache_list_is_the_index_and_a_second_copy_of_an_image_is_returned() {
        let a = CopyKey::new("a", 0).address(facts(10, 1.0));
        let a_again = CopyKey::new("a", 0).address(facts(10, 5.0));
        let b = CopyKey::new("b", 1).address(facts(20, 2.0));
        let (index, doubles) =
            CopyIndex::from_addresses([a.as_str(), "https://x/unrelated", &b, &a_again]);
        assert_eq!(index.len(), 2);
        assert_eq!(index.bytes(), 30);
        assert_eq!(doubles, vec![a_again]);
    }

    #[test]
    fn over_the_limit_the_oldest_non_favourites_go_first_and_only_as_many_as_needed() {
        let mut index = CopyIndex::default();
        index.insert(CopyKey::new("old-star", 0), facts(40, 1.0));
        index.insert(CopyKey::new("old", 0), facts(30, 2.0));
        index.insert(CopyKey::new("middle", 0), facts(30, 3.0));
        index.insert(CopyKey::new("middle", 1), facts(30, 3.0));
        index.insert(CopyKey::new("new", 0), facts(30, 4.0));
        let starred = |id: &str| id.ends_with("star");
        // 160 bytes against 100: 60 must go, the two oldest that are not starred.
        let (gone, still_over) = index.to_evict(100, starred);
        assert_eq!(
            gone,
            vec![CopyKey::new("old", 0), CopyKey::new("middle", 0)]
        );
        assert!(!still_over);
        assert_eq!(index.to_evict(160, starred), (Vec::new(), false));
    }

    #[test]
    fn favourites_alone_over_the_limit_are_kept_and_that_is_said() {
        let mut index = CopyIndex::default();
        index.insert(CopyKey::new("star", 0), facts(80, 1.0));
        index.insert(CopyKey::new("plain", 0), facts(30, 2.0));
        let (gone, still_over) = index.to_evict(50, |id| id == "star");
        assert_eq!(gone, vec![CopyKey::new("plain", 0)]);
        assert!(still_over);
    }

    #[test]
    fn copies_of_jobs_no_longer_in_the_history_are_orphans() {
        let mut index = CopyIndex::default();
        index.insert(CopyKey::new("kept", 0), facts(1, 1.0));
        index.insert(CopyKey::new("removed", 0), facts(1, 1.0));
        assert_eq!(
            index.orphans(|id| id == "kept"),
            vec![CopyKey::new("removed", 0)]
        );
    }

    #[test]
    fn the_limit_is_10_mb_to_100_gb() {
        assert_eq!(parse_limit_mb(" 1000 "), Some(1000));
        assert_eq!(parse_limit_mb("9"), None);
        assert_eq!(parse_limit_mb("100001"), None);
        assert_eq!(parse_limit_mb("1 GB"), None);
        assert_eq!(limit_bytes(DEFAULT_LIMIT_MB), 1_000_000_000);
    }
}
