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
pub use wording::{
    board_name_error_text, budget_left_words, field_label, limit_left_words, reason_text,
    request_settings,
};

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
///
/// A count's noun follows the count: `{n|job|jobs}` is the first form when `n` is exactly
/// `1` and the second otherwise. That is CLDR's rule for English and Italian integers (`one`:
/// i = 1 and v = 0, so `1.0` and `0` take `other`); Indonesian has only `other`, so its
/// templates have no forms to choose from (a test checks both).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let value = |name: &str| values.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let mut text = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}').map(|at| open + at) else {
            break;
        };
        let inner = &rest[open + 1..close];
        let mut parts = inner.split('|');
        let name = parts.next().unwrap_or_default();
        match (value(name), parts.next(), parts.next()) {
            (Some(value), None, _) => text.push_str(value),
            (Some(value), Some(one), Some(other)) => {
                text.push_str(if value == "1" { one } else { other });
            }
            // Not given (or not a placeholder): left as written.
            _ => text.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    text
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

    /// The values a template takes (`{n|job|jobs}` takes `n`).
    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .map(|inner| inner.split('|').next().unwrap_or_default())
            .collect()
    }

    /// Every string that counts something, and the value whose count its words follow.
    const COUNTED: &[(&str, &str)] = &[
        ("compute_units", "n"),
        ("limit_left_minute", "limit"),
        ("limit_left_hour", "limit"),
        ("limit_left_day", "limit"),
        ("prompt_count", "n"),
        ("showing", "total"),
        ("waiting_uploads", "n"),
        ("refused_entries", "n"),
        ("storage_write_failed", "n"),
        ("storage_skipped", "n"),
        ("too_few_items", "min"),
        ("too_many_items", "max"),
        ("too_short", "min"),
        ("too_long", "max"),
        ("imported", "added"),
        ("imported", "updated"),
        ("imported", "unchanged"),
        ("removed_jobs", "n"),
        ("selected_count", "n"),
        ("set_price", "n"),
        ("set_unstated", "n"),
        ("send_set", "n"),
        ("local_copies_used", "n"),
        ("local_copies_evicted", "n"),
        ("local_copies_missed", "n"),
        ("usage_today", "jobs"),
        ("usage_today", "images"),
        ("usage_month", "jobs"),
        ("usage_month", "images"),
        ("usage_extra", "uploads"),
        ("archive_parts", "n"),
        ("archive_missing", "n"),
        ("archive_progress", "total"),
    ];

    /// Strings whose words do not change with the count in that language.
    fn invariable(locale: Locale, key: &str) -> bool {
        match locale {
            Locale::Id => true,
            // "unità" is the same word for one and many.
            Locale::It => matches!(key, "compute_units" | "archive_parts" | "archive_progress"),
            // "1 new, 1 updated, 1 already here" and "1 selected" read right.
            Locale::En => matches!(
                key,
                "imported" | "selected_count" | "archive_parts" | "archive_progress"
            ),
        }
    }

    #[test]
    fn every_counted_string_reads_right_at_0_1_2_and_1000_in_every_language() {
        for locale in Locale::ALL {
            let texts = strings(locale.texts());
            let thousand = if locale == Locale::En {
                "1,000"
            } else {
                "1.000"
            };
            for (key, counted) in COUNTED {
                let template = texts[*key].as_str().unwrap();
                let read = |count: &str| {
                    let values: Vec<(&str, &str)> = placeholders(template)
                        .into_iter()
                        .map(|name| (name, if name == *counted { count } else { "7" }))
                        .collect();
                    fill(template, &values)
                };
                for count in ["0", "1", "2", thousand] {
                    let text = read(count);
                    assert!(
                        !text.contains(['{', '}', '|']),
                        "{locale:?}.{key} at {count}: {text}"
                    );
                    assert!(text.contains(count), "{locale:?}.{key}: {text}");
                }
                // One reads differently from many wherever the language says so, and 0, 2
                // and 1,000 all read as many.
                let one = read("1").replacen('1', "#", 1);
                let many: Vec<String> = ["0", "2", thousand]
                    .iter()
                    .map(|count| read(count).replacen(count, "#", 1))
                    .collect();
                assert!(many.iter().all(|m| *m == many[0]), "{locale:?}.{key}");
                if !invariable(locale, key) {
                    assert_ne!(one, many[0], "{locale:?}.{key} reads the same for 1");
                }
            }
        }
    }

    #[test]
    fn indonesian_has_no_singular_forms_and_the_others_choose_exactly_at_one() {
        for (key, text) in strings(&ID) {
            assert!(!text.as_str().unwrap().contains('|'), "id.{key}");
        }
        assert_eq!(fill(EN.prompt_count, &[("n", "1")]), "1 character");
        assert_eq!(fill(EN.prompt_count, &[("n", "0")]), "0 characters");
        assert_eq!(fill(EN.prompt_count, &[("n", "1.0")]), "1.0 characters");
        assert_eq!(fill(IT.prompt_count, &[("n", "1")]), "1 carattere");
        assert_eq!(fill(IT.prompt_count, &[("n", "1.000")]), "1.000 caratteri");
        assert_eq!(fill(ID.prompt_count, &[("n", "1")]), "1 karakter");
        assert_eq!(
            fill(EN.storage_skipped, &[("n", "1")]),
            "1 saved entry could not be read and was skipped."
        );
        assert_eq!(fill("{x|a|b} {y}", &[]), "{x|a|b} {y}", "unknown stay");
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
