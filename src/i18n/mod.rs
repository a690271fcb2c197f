//! Every string the studio shows, in English, Italian and Indonesian (Krea publishes its API
//! docs in those languages too). Plain Rust, no runtime loading: a language is a `Texts`
//! value, so a missing string is a compile error, and a test checks that every template has
//! the same `{placeholders}` in each language.

mod en;
mod format;
mod id;
#[cfg(target_arch = "wasm32")]
mod intl;
mod it;
mod wording;

pub use en::{Texts, EN};
pub use format::{Formatter, Plain};
pub use id::ID;
#[cfg(target_arch = "wasm32")]
pub use intl::IntlFormat;
pub use it::IT;
pub use wording::{field_label, limit_left_words, reason_text};

use serde::{Deserialize, Serialize};

/// Declares `Texts` and the English strings in one place, so the list of strings is
/// written once.
macro_rules! texts {
    ($($(#[$doc:meta])* $name:ident: $english:expr,)*) => {
        /// The studio's strings in one language. `{name}` marks a value filled in by [`fill`].
        #[derive(Debug)]
        #[cfg_attr(test, derive(serde::Serialize))]
        pub struct Texts {
            $($(#[$doc])* pub $name: &'static str,)*
        }

        pub const EN: Texts = Texts { $($name: $english,)* };
    };
}
pub(crate) use texts;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    It,
    Id,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::En, Locale::It, Locale::Id];

    /// The BCP 47 tag, for `lang` and for number formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::It => "it",
            Locale::Id => "id",
        }
    }

    /// The language's own name, as a picker shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::It => "Italiano",
            Locale::Id => "Bahasa Indonesia",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::En => &EN,
            Locale::It => &IT,
            Locale::Id => &ID,
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        // `in` is the retired code for Indonesian that some systems still send.
        let primary = if primary == "in" {
            "id".to_owned()
        } else {
            primary
        };
        Locale::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The first of the browser's preferred languages that the studio speaks; English
    /// otherwise.
    pub fn from_browser<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        preferred
            .into_iter()
            .find_map(Locale::from_tag)
            .unwrap_or_default()
    }
}

/// Puts values into a template: `fill("{n} jobs", &[("n", "3")])` → `3 jobs`.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn strings(texts: &Texts) -> serde_json::Map<String, serde_json::Value> {
        match serde_json::to_value(texts).unwrap() {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    #[test]
    fn every_language_has_every_string_with_the_same_placeholders() {
        let english = strings(&EN);
        for locale in [Locale::It, Locale::Id] {
            let other = strings(locale.texts());
            for (key, text) in &english {
                let (text, translated) = (text.as_str().unwrap(), other[key].as_str().unwrap());
                assert!(!translated.trim().is_empty(), "{locale:?}.{key} is empty");
                assert_eq!(
                    placeholders(text),
                    placeholders(translated),
                    "{locale:?}.{key}: {translated}"
                );
            }
        }
    }

    #[test]
    fn the_browser_language_picks_the_locale() {
        assert_eq!(Locale::from_browser(["it-IT", "en"]), Locale::It);
        assert_eq!(Locale::from_browser(["fr", "id-ID"]), Locale::Id);
        assert_eq!(Locale::from_browser(["in"]), Locale::Id);
        assert_eq!(Locale::from_browser(["de", "fr"]), Locale::En);
        assert_eq!(Locale::from_browser([]), Locale::En);
        assert_eq!(
            fill("{n} of {total}", &[("n", "2"), ("total", "4")]),
            "2 of 4"
        );
    }
}
