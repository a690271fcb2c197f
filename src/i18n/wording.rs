//! Words for things that come from Krea's data rather than from the studio: why a value is
//! refused, and what a model's fields are called; and why a name the person typed is refused.

use super::{fill, Locale, Texts};
use crate::jobs::boards::{BoardNameError, MAX_NAME_CHARS};
use krea_api::number::format_number;
use krea_api::{Problem, Reason};

/// A validation problem as the person reads it.
pub fn reason_text(problem: &Problem, t: &Texts) -> String {
    let reason = match problem {
        Problem::Missing => return t.required.to_owned(),
        Problem::Unknown { renamed_to: None } => return t.unknown_field.to_owned(),
        Problem::Unknown {
            renamed_to: Some(name),
        } => return fill(t.renamed_field, &[("name", name)]),
        Problem::Invalid(reason) => reason,
    };
    let n = |value: f64| format_number(value);
    match reason {
        Reason::NotText => t.not_text.to_owned(),
        Reason::NotNumber => t.not_number.to_owned(),
        Reason::NotWhole => t.not_whole.to_owned(),
        Reason::Between(min, max) => fill(t.between, &[("min", &n(*min)), ("max", &n(*max))]),
        Reason::AtLeast(min) => fill(t.at_least, &[("min", &n(*min))]),
        Reason::AtMost(max) => fill(t.at_most, &[("max", &n(*max))]),
        Reason::OneOf(options) => fill(t.one_of, &[("options", &options.join(", "))]),
        Reason::NotBool => t.not_bool.to_owned(),
        Reason::NotUrlText | Reason::NotUrl => t.not_url.to_owned(),
        Reason::NotList => t.not_list.to_owned(),
        Reason::TooManyItems(max) => fill(t.too_many_items, &[("max", &max.to_string())]),
        Reason::TooFewItems(min) => fill(t.too_few_items, &[("min", &min.to_string())]),
        Reason::NotObject | Reason::NotJsonObject => t.not_object.to_owned(),
        Reason::TooShort(min) => fill(t.too_short, &[("min", &min.to_string())]),
        Reason::Pattern(krea_api::TextPattern::LowerSnake) => t.lower_snake.to_owned(),
        Reason::TooLong { max, length } => fill(
            t.too_long,
            &[("max", &max.to_string()), ("length", &length.to_string())],
        ),
    }
}

/// A job's settings as the person reads them, each field's label and value; the prompt is
/// left out (it is shown on its own).
pub fn request_settings(
    request: &serde_json::Map<String, serde_json::Value>,
    locale: Locale,
) -> Vec<(String, String)> {
    request
        .iter()
        .filter(|(key, _)| key.as_str() != "prompt")
        .map(|(key, value)| {
            let text = value
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| value.to_string());
            (field_label(key, locale), text)
        })
        .collect()
}

/// Why a board name is refused, as the person reads it.
pub fn board_name_error_text(why: BoardNameError, t: &Texts) -> String {
    match why {
        BoardNameError::Empty => t.board_name_empty.to_owned(),
        BoardNameError::TooLong => fill(
            t.board_name_too_long,
            &[("max", &MAX_NAME_CHARS.to_string())],
        ),
    }
}

/// The label of a model field: translated for the fields of the catalogue, derived from the
/// name for fields of models discovered later (`line_weight` → `Line weight`).
pub fn field_label(name: &str, locale: Locale) -> String {
    let known = FIELD_LABELS
        .iter()
        .find(|(field, ..)| *field == name)
        .map(|(_, en, it, id)| match locale {
            Locale::En => *en,
            Locale::It => *it,
            Locale::Id => *id,
        });
    known
        .map(str::to_owned)
        .unwrap_or_else(|| derived_label(name))
}

fn derived_label(name: &str) -> String {
    let spaced = name.replace('_', " ").replace("url", "URL");
    let mut chars = spaced.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// (field, English, Italian, Indonesian)
const FIELD_LABELS: &[(&str, &str, &str, &str)] = &[
    ("prompt", "Prompt", "Prompt", "Prompt"),
    ("aspect_ratio", "Aspect ratio", "Proporzioni", "Rasio aspek"),
    ("width", "Width", "Larghezza", "Lebar"),
    ("height", "Height", "Altezza", "Tinggi"),
    ("resolution", "Resolution", "Risoluzione", "Resolusi"),
    ("quality", "Quality", "Qualità", "Kualitas"),
    ("seed", "Seed", "Seed", "Seed"),
    ("steps", "Steps", "Passi", "Langkah"),
    ("num_inference_steps", "Steps", "Passi", "Langkah"),
    ("guidance_scale_flux", "Guidance", "Guida", "Panduan"),
    (
        "cfg_scale",
        "Guidance (CFG)",
        "Guida (CFG)",
        "Panduan (CFG)",
    ),
    ("strength", "Strength", "Intensità", "Kekuatan"),
    (
        "denoising_strength",
        "Denoising strength",
        "Intensità di denoising",
        "Kekuatan denoising",
    ),
    (
        "negative_prompt",
        "Negative prompt",
        "Prompt negativo",
        "Prompt negatif",
    ),
    ("creativity", "Creativity", "Creatività", "Kreativitas"),
    ("intensity", "Intensity", "Intensità", "Intensitas"),
    ("complexity", "Complexity", "Complessità", "Kompleksitas"),
    ("movement", "Movement", "Movimento", "Gerakan"),
    ("mode", "Mode", "Modalità", "Mode"),
    ("style", "Style", "Stile", "Gaya"),
    ("styles", "Styles", "Stili", "Gaya"),
    ("raw", "Raw", "Grezzo", "Mentah"),
    (
        "output_format",
        "Output format",
        "Formato di uscita",
        "Format keluaran",
    ),
    ("web_search", "Web search", "Ricerca web", "Pencarian web"),
    (
        "skip_prompt_expansion",
        "Skip prompt expansion",
        "Salta l'espansione del prompt",
        "Lewati perluasan prompt",
    ),
    ("image_url", "Image URL", "URL immagine", "URL gambar"),
    ("image_urls", "Image URLs", "URL immagini", "URL gambar"),
    (
        "style_images",
        "Style images",
        "Immagini di stile",
        "Gambar gaya",
    ),
    (
        "image_style_references",
        "Style references",
        "Riferimenti di stile",
        "Referensi gaya",
    ),
    (
        "reference_images",
        "Reference images",
        "Immagini di riferimento",
        "Gambar referensi",
    ),
    (
        "character_reference_images",
        "Character references",
        "Riferimenti del personaggio",
        "Referensi karakter",
    ),
    ("moodboards", "Moodboards", "Moodboard", "Moodboard"),
];

/// "7 of 10 images left this hour": where the person stands under a proxy's rate limit.
/// "$3.20 of $5.00 left today": what is left of a budget, with `format`'s dollars.
pub fn budget_left_words(
    left_usd: f64,
    limit_usd: f64,
    monthly: bool,
    format: &impl super::Formatter,
    t: &Texts,
) -> String {
    let template = if monthly {
        t.budget_left_month
    } else {
        t.budget_left_day
    };
    fill(
        template,
        &[
            ("left", &format.usd(left_usd)),
            ("limit", &format.usd(limit_usd)),
        ],
    )
}

pub fn limit_left_words(remaining: u32, limit: u32, window_secs: u64, t: &Texts) -> String {
    let template = match window_secs {
        0..=60 => t.limit_left_minute,
        61..=3600 => t.limit_left_hour,
        _ => t.limit_left_day,
    };
    fill(
        template,
        &[("n", &remaining.to_string()), ("limit", &limit.to_string())],
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_budget_reads_in_dollars_by_its_period_in_each_language() {
        let plain = crate::i18n::Plain;
        assert_eq!(
            budget_left_words(3.2, 5.0, false, &plain, Locale::En.texts()),
            "$3.20 of $5.00 left today"
        );
        assert_eq!(
            budget_left_words(12.0, 50.0, true, &plain, Locale::En.texts()),
            "$12.00 of $50.00 left this month"
        );
        assert!(budget_left_words(1.0, 5.0, false, &plain, Locale::It.texts()).ends_with("oggi"));
        assert!(
            budget_left_words(1.0, 5.0, true, &plain, Locale::Id.texts()).ends_with("bulan ini")
        );
    }

    #[test]
    fn a_rate_limit_reads_by_its_window_in_each_language() {
        let en = Locale::En.texts();
        assert_eq!(
            limit_left_words(7, 10, 3600, en),
            "7 of 10 images left this hour"
        );
        assert_eq!(
            limit_left_words(0, 2, 60, en),
            "0 of 2 images left this minute"
        );
        assert_eq!(
            limit_left_words(3, 50, 86_400, en),
            "3 of 50 images left today"
        );
        assert!(limit_left_words(7, 10, 3600, Locale::It.texts()).starts_with("7 di 10"));
        assert!(limit_left_words(7, 10, 3600, Locale::Id.texts()).starts_with("7 dari 10"));
    }

    use super::*;
    use crate::i18n::{EN, IT};

    #[test]
    fn reasons_and_labels_read_in_each_language() {
        assert_eq!(
            reason_text(&Problem::Invalid(Reason::Between(512.0, 2368.0)), &EN),
            "must be between 512 and 2368"
        );
        assert_eq!(
            reason_text(&Problem::Invalid(Reason::Between(0.0, 1.0)), &IT),
            "deve essere tra 0 e 1"
        );
        assert_eq!(
            reason_text(
                &Problem::Unknown {
                    renamed_to: Some("image_urls")
                },
                &EN
            ),
            "is no longer accepted; use image_urls"
        );
        assert_eq!(field_label("aspect_ratio", Locale::It), "Proporzioni");
        assert_eq!(field_label("image_urls", Locale::Id), "URL gambar");
        assert_eq!(field_label("line_weight", Locale::It), "Line weight");
    }

    #[test]
    fn every_catalogue_field_has_a_translated_label() {
        for model in krea_api::MODELS {
            for field in model.fields {
                assert!(
                    FIELD_LABELS.iter().any(|(name, ..)| *name == field.name),
                    "{} ({}) has no label",
                    field.name,
                    model.id
                );
            }
        }
    }
}
