//! The simulator's styles (`GET /styles`, `GET /styles/{id}`): a handful of its own, Krea's,
//! the community's and "yours", with portrait thumbnails it draws, filtered and paged the way
//! Krea's spec describes.

use serde::Serialize;
use serde_json::{json, Value};

/// One simulated style.
struct Style {
    id: &'static str,
    title: &'static str,
    prompt: &'static str,
    /// Krea's model names (`flux_dev`, …), as the spec's example writes them.
    models: &'static [&'static str],
    /// `None`: one of Krea's own; `Some(name)`: the community's, or "you".
    owner: Option<&'static str>,
    public: bool,
    liked: bool,
    like_count: u32,
    created_at: &'static str,
}

/// The simulated account's own name: `filter=user` lists the styles it owns.
const YOU: &str = "you";

static STYLES: &[Style] = &[
    Style {
        id: "3f0c7a52-1d1e-4c36-9d0b-6b1f2a7c0a01",
        title: "Ink wash",
        prompt: "an ink wash painting, soft grey gradients",
        models: &["flux_dev", "krea_2"],
        owner: None,
        public: true,
        liked: true,
        like_count: 1204,
        created_at: "2026-03-02T10:00:00.000000Z",
    },
    Style {
        id: "3f0c7a52-1d1e-4c36-9d0b-6b1f2a7c0a02",
        title: "Risograph",
        prompt: "a two-colour risograph print with grain",
        models: &["flux_dev"],
        owner: None,
        public: true,
        liked: false,
        like_count: 880,
        created_at: "2026-04-11T10:00:00.000000Z",
    },
    Style {
        id: "3f0c7a52-1d1e-4c36-9d0b-6b1f2a7c0a03",
        title: "Claymation",
        prompt: "a claymation still, fingerprints in the clay",
        models: &["flux_dev", "qwen"],
        owner: Some("Marta Rossi"),
        public: true,
        liked: true,
        like_count: 312,
        created_at: "2026-05-20T10:00:00.000000Z",
    },
    Style {
        id: "3f0c7a52-1d1e-4c36-9d0b-6b1f2a7c0a04",
        title: "Neon noir",
        prompt: "neon noir, wet streets, magenta and teal",
        models: &["krea_2", "flux_dev", "gpt_image"],
        owner: Some("Budi Santoso"),
        public: true,
        liked: false,
        like_count: 97,
        created_at: "2026-07-08T10:00:00.000000Z",
    },
    Style {
        id: "3f0c7a52-1d1e-4c36-9d0b-6b1f2a7c0a05",
        title: "Our brand palette",
        prompt: "flat shapes in the brand's coral and navy",
        models: &["flux_dev", "krea_2"],
        owner: Some(YOU),
        public: false,
        liked: false,
        like_count: 0,
        created_at: "2026-10-01T10:00:00.000000Z",
    },
    Style {
        id: "3f0c7a52-1d1e-4c36-9d0b-6b1f2a7c0a06",
        title: "Botanical plate",
        prompt: "a botanical plate, engraved lines, hand tinted",
        models: &["qwen", "krea_2"],
        owner: None,
        public: true,
        liked: false,
        like_count: 455,
        created_at: "2026-08-15T10:00:00.000000Z",
    },
];

/// What `GET /styles` asks for.
pub struct StyleQuery<'a> {
    pub filter: &'a str,
    pub liked: bool,
    pub model: Option<&'a str>,
    pub ids: Option<Vec<&'a str>>,
    /// How many to skip: the simulator's cursor is an offset written as text.
    pub offset: usize,
    pub limit: usize,
}

/// The filters Krea's spec lists for `GET /styles`.
pub const FILTERS: [&str; 9] = [
    "all",
    "user",
    "community",
    "krea",
    "shared",
    "unapproved",
    "editor",
    "gallery",
    "public",
];

impl Style {
    fn passes(&self, query: &StyleQuery) -> bool {
        let by_filter = match query.filter {
            "user" => self.owner == Some(YOU),
            "krea" => self.owner.is_none(),
            "community" => self.owner.is_some_and(|owner| owner != YOU),
            "public" | "gallery" => self.public,
            // Nothing is shared with the simulated workspace, awaiting approval or picked
            // by Krea's editors.
            "shared" | "unapproved" | "editor" => false,
            _ => true,
        };
        by_filter
            && (!query.liked || self.liked)
            && query.model.is_none_or(|model| self.models.contains(&model))
            && query.ids.as_ref().is_none_or(|ids| ids.contains(&self.id))
    }

    fn body(&self, origin: &str) -> StyleBody {
        let thumbnail = format!("{origin}/simulator/styles/{}.png", self.id);
        StyleBody {
            id: self.id,
            title: Some(self.title),
            urls: vec![thumbnail.clone()],
            public: self.public,
            cover_url: Some(thumbnail),
            prompt: self.prompt,
            models: self.models,
            owner: self.owner.map(|name| {
                json!({
                    "id": owner_id(name),
                    "name": name,
                    "avatar_url": null,
                })
            }),
            like_count: self.like_count,
            created_at: self.created_at,
        }
    }
}

/// A stable UUID per owner name.
fn owner_id(name: &str) -> String {
    let n = name
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    format!("00000000-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff)
}

#[derive(Debug, Serialize)]
pub struct StyleBody {
    id: &'static str,
    title: Option<&'static str>,
    urls: Vec<String>,
    public: bool,
    cover_url: Option<String>,
    prompt: &'static str,
    models: &'static [&'static str],
    owner: Option<Value>,
    like_count: u32,
    created_at: &'static str,
}

/// A page of styles and the cursor to the next, as `GET /styles` answers.
pub fn list(query: &StyleQuery, origin: &str) -> (Vec<StyleBody>, Option<String>) {
    let matching: Vec<&Style> = STYLES.iter().filter(|style| style.passes(query)).collect();
    let page: Vec<StyleBody> = matching
        .iter()
        .skip(query.offset)
        .take(query.limit)
        .map(|style| style.body(origin))
        .collect();
    let next = query.offset + page.len();
    let next_cursor = (next < matching.len()).then(|| next.to_string());
    (page, next_cursor)
}

/// One style, public or the account's own.
pub fn one(id: &str, origin: &str) -> Option<StyleBody> {
    STYLES
        .iter()
        .find(|style| style.id == id)
        .map(|style| style.body(origin))
}

/// The thumbnail's prompt and seed, when `id` names a style.
pub fn thumbnail(id: &str) -> Option<(&'static str, u64)> {
    let at = STYLES.iter().position(|style| style.id == id)?;
    Some((STYLES[at].prompt, at as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(filter: &str) -> StyleQuery<'_> {
        StyleQuery {
            filter,
            liked: false,
            model: None,
            ids: None,
            offset: 0,
            limit: 100,
        }
    }

    fn titles(query: &StyleQuery) -> Vec<&'static str> {
        list(query, "http://o")
            .0
            .into_iter()
            .filter_map(|s| s.title)
            .collect()
    }

    #[test]
    fn filters_split_krea_community_and_mine() {
        assert_eq!(titles(&query("user")), ["Our brand palette"]);
        assert_eq!(
            titles(&query("krea")),
            ["Ink wash", "Risograph", "Botanical plate"]
        );
        assert_eq!(titles(&query("community")), ["Claymation", "Neon noir"]);
        assert_eq!(titles(&query("all")).len(), STYLES.len());
        let liked = StyleQuery {
            liked: true,
            ..query("all")
        };
        assert_eq!(titles(&liked), ["Ink wash", "Claymation"]);
        let qwen = StyleQuery {
            model: Some("qwen"),
            ..query("all")
        };
        assert_eq!(titles(&qwen), ["Claymation", "Botanical plate"]);
    }

    #[test]
    fn pages_follow_the_cursor_to_the_end() {
        let first = StyleQuery {
            limit: 4,
            ..query("all")
        };
        let (page, next) = list(&first, "http://o");
        assert_eq!(page.len(), 4);
        let rest = StyleQuery {
            offset: next.unwrap().parse().unwrap(),
            ..first
        };
        let (page, next) = list(&rest, "http://o");
        assert_eq!(page.len(), 2);
        assert_eq!(next, None);
    }
}
