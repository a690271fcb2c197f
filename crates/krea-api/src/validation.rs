//! Validation of a request body against a model's fields, the way Krea's closed schemas do:
//! unknown keys, missing required fields, wrong types and out-of-range values are refused,
//! each reported against the field it concerns.

use crate::catalogue::{FieldKind, FieldSpec, ModelSpec};
use crate::number::format_number;
use serde_json::{Map, Value};
use std::fmt;

/// camelCase names Krea accepted until 2026-06-19; now they are unknown keys, but the error
/// says what the field is called today.
pub const RENAMED_FIELDS: &[(&str, &str)] = &[
    ("imageUrl", "image_url"),
    ("imageUrls", "image_urls"),
    ("aspectRatio", "aspect_ratio"),
    ("presetStyles", "styles"),
    ("styleImages", "style_images"),
    ("imageStyleRefs", "image_style_references"),
    ("characterReferenceImages", "character_reference_images"),
    ("referenceImages", "reference_images"),
    ("skipPromptExpansion", "skip_prompt_expansion"),
    ("outputFormat", "output_format"),
    ("webSearch", "web_search"),
];

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    Missing,
    Unknown { renamed_to: Option<&'static str> },
    Invalid(Reason),
}

/// Why a value is refused. Kept as data so a client can word it in its own language; the
/// `Display` text is Krea's English.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    NotText,
    NotNumber,
    NotWhole,
    Between(f64, f64),
    AtLeast(f64),
    AtMost(f64),
    OneOf(&'static [&'static str]),
    NotBool,
    NotUrlText,
    NotUrl,
    NotList,
    TooManyItems(usize),
    TooFewItems(usize),
    NotObject,
    TooShort(usize),
    TooLong { max: usize, length: usize },
    Pattern(crate::catalogue::TextPattern),
    NotJsonObject,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NotText => f.write_str("must be a string"),
            Reason::NotNumber => f.write_str("must be a number"),
            Reason::NotWhole => f.write_str("must be a whole number"),
            Reason::Between(min, max) => write!(
                f,
                "must be between {} and {}",
                format_number(*min),
                format_number(*max)
            ),
            Reason::AtLeast(min) => write!(f, "must be at least {}", format_number(*min)),
            Reason::AtMost(max) => write!(f, "must be at most {}", format_number(*max)),
            Reason::OneOf(options) => write!(f, "must be one of {}", options.join(", ")),
            Reason::NotBool => f.write_str("must be true or false"),
            Reason::NotUrlText => f.write_str("must be a URL string"),
            Reason::NotUrl => f.write_str("must be an http(s) URL or a data: URI"),
            Reason::NotList => f.write_str("must be a list"),
            Reason::TooManyItems(max) => write!(f, "takes at most {max} items"),
            Reason::TooFewItems(min) => write!(f, "needs at least {min} items"),
            Reason::NotObject => f.write_str("must be an object"),
            Reason::TooShort(min) => write!(f, "must be at least {min} characters"),
            Reason::Pattern(pattern) => write!(f, "must match {}", pattern.source()),
            Reason::TooLong { max, length } => {
                write!(f, "must be at most {max} characters (is {length})")
            }
            Reason::NotJsonObject => f.write_str("must be a JSON object"),
        }
    }
}

/// One problem with one field; `field` is a path such as `style_images[0].strength`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    /// The message shown next to the field.
    pub fn message(&self) -> String {
        match &self.problem {
            Problem::Missing => "is required".to_owned(),
            Problem::Unknown { renamed_to: None } => "is not a field of this model".to_owned(),
            Problem::Unknown {
                renamed_to: Some(name),
            } => format!("is no longer accepted; use {name}"),
            Problem::Invalid(why) => why.to_string(),
        }
    }
}

/// Every problem found in one body.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// The first problem with a top-level field, for showing next to that field.
    pub fn for_field(&self, name: &str) -> Option<&FieldError> {
        self.0.iter().find(|error| {
            error.field == name
                || error
                    .field
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(['[', '.']))
        })
    }
}

/// Krea's wording: "Missing required params: …; Invalid values: …; Unknown params: …".
impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = |wanted: fn(&Problem) -> bool| -> Vec<String> {
            self.0
                .iter()
                .filter(|error| wanted(&error.problem))
                .map(|error| match &error.problem {
                    Problem::Missing | Problem::Unknown { renamed_to: None } => error.field.clone(),
                    _ => format!("{} ({})", error.field, error.message()),
                })
                .collect()
        };
        let parts = [
            (
                "Missing required params",
                group(|p| matches!(p, Problem::Missing)),
            ),
            (
                "Invalid values",
                group(|p| matches!(p, Problem::Invalid(_))),
            ),
            (
                "Unknown params",
                group(|p| matches!(p, Problem::Unknown { .. })),
            ),
        ];
        let text: Vec<String> = parts
            .into_iter()
            .filter(|(_, fields)| !fields.is_empty())
            .map(|(title, fields)| format!("{title}: {}", fields.join(", ")))
            .collect();
        f.write_str(&text.join("; "))
    }
}

impl std::error::Error for ValidationErrors {}

/// Checks a whole request body against `model`.
pub fn validate(model: &ModelSpec, body: &Value) -> Result<(), ValidationErrors> {
    let mut errors = Vec::new();
    match body {
        Value::Object(map) => check_object(model.fields, map, "", true, &mut errors),
        _ => errors.push(FieldError {
            field: "body".into(),
            problem: Problem::Invalid(Reason::NotJsonObject),
        }),
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ValidationErrors(errors))
    }
}

fn check_object(
    fields: &[FieldSpec],
    map: &Map<String, Value>,
    prefix: &str,
    closed: bool,
    errors: &mut Vec<FieldError>,
) {
    let path = |name: &str| {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}.{name}")
        }
    };
    for spec in fields {
        match map.get(spec.name) {
            None if spec.required => errors.push(FieldError {
                field: path(spec.name),
                problem: Problem::Missing,
            }),
            None => {}
            Some(value) => {
                if let Err(why) = check_value(&spec.kind, value, &path(spec.name), errors) {
                    errors.push(FieldError {
                        field: path(spec.name),
                        problem: Problem::Invalid(why),
                    });
                }
            }
        }
    }
    if closed {
        for key in map.keys() {
            if !fields.iter().any(|spec| spec.name == key) {
                let renamed_to = RENAMED_FIELDS
                    .iter()
                    .find(|(old, _)| old == key)
                    .map(|(_, new)| *new);
                errors.push(FieldError {
                    field: path(key),
                    problem: Problem::Unknown { renamed_to },
                });
            }
        }
    }
}

/// `Err(why)` for a problem with the value itself; problems inside lists and objects are
/// pushed to `errors` with their own paths.
fn check_value(
    kind: &FieldKind,
    value: &Value,
    path: &str,
    errors: &mut Vec<FieldError>,
) -> Result<(), Reason> {
    match *kind {
        FieldKind::Text {
            min_len,
            max_len,
            pattern,
        } => {
            let text = value.as_str().ok_or(Reason::NotText)?;
            check_length(text, min_len, max_len)?;
            match pattern {
                Some(pattern) if !pattern.matches(text) => Err(Reason::Pattern(pattern)),
                _ => Ok(()),
            }
        }
        FieldKind::Number {
            min,
            max,
            integer,
            nullable,
        } => {
            if value.is_null() && nullable {
                return Ok(());
            }
            let number = value.as_f64().ok_or(Reason::NotNumber)?;
            if integer && number.fract() != 0.0 {
                return Err(Reason::NotWhole);
            }
            match (min, max) {
                (Some(min), Some(max)) if number < min || number > max => {
                    Err(Reason::Between(min, max))
                }
                (Some(min), _) if number < min => Err(Reason::AtLeast(min)),
                (_, Some(max)) if number > max => Err(Reason::AtMost(max)),
                _ => Ok(()),
            }
        }
        FieldKind::ChoiceOrNull(_) if value.is_null() => Ok(()),
        FieldKind::Choice(options) | FieldKind::ChoiceOrNull(options) => match value.as_str() {
            Some(choice) if options.contains(&choice) => Ok(()),
            _ => Err(Reason::OneOf(options)),
        },
        FieldKind::Bool => value.is_boolean().then_some(()).ok_or(Reason::NotBool),
        FieldKind::Url { max_len, nullable } => {
            if value.is_null() && nullable {
                return Ok(());
            }
            let url = value.as_str().ok_or(Reason::NotUrlText)?;
            if !is_url(url) {
                return Err(Reason::NotUrl);
            }
            check_length(url, None, max_len)
        }
        FieldKind::List {
            item,
            min_items,
            max_items,
        } => {
            let items = value.as_array().ok_or(Reason::NotList)?;
            if let Some(max) = max_items.filter(|max| items.len() > *max) {
                return Err(Reason::TooManyItems(max));
            }
            if let Some(min) = min_items.filter(|min| items.len() < *min) {
                return Err(Reason::TooFewItems(min));
            }
            for (index, element) in items.iter().enumerate() {
                let element_path = format!("{path}[{index}]");
                if let Err(why) = check_value(item, element, &element_path, errors) {
                    errors.push(FieldError {
                        field: element_path,
                        problem: Problem::Invalid(why),
                    });
                }
            }
            Ok(())
        }
        FieldKind::Object(fields) => {
            let map = value.as_object().ok_or(Reason::NotObject)?;
            check_object(fields, map, path, false, errors);
            Ok(())
        }
    }
}

fn check_length(text: &str, min: Option<usize>, max: Option<usize>) -> Result<(), Reason> {
    let length = text.chars().count();
    if let Some(min) = min.filter(|min| length < *min) {
        return Err(Reason::TooShort(min));
    }
    if let Some(max) = max.filter(|max| length > *max) {
        return Err(Reason::TooLong { max, length });
    }
    Ok(())
}

fn is_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            !rest.is_empty() && !rest.starts_with('/') && !text.contains(char::is_whitespace)
        }
        None => text.starts_with("data:") && text.contains(','),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::find;
    use serde_json::json;

    fn check(model: &str, body: Value) -> Result<(), ValidationErrors> {
        validate(find(model).unwrap(), &body)
    }

    #[test]
    fn a_minimal_valid_body_passes_for_each_shape() {
        check(
            "krea/krea-2/medium",
            json!({"prompt": "a fox", "aspect_ratio": "16:9", "resolution": "1K"}),
        )
        .unwrap();
        check(
            "bfl/flux-1-dev",
            json!({"prompt": "a fox", "width": 1024, "height": 768}),
        )
        .unwrap();
        check(
            "openai/gpt-image-2",
            json!({"prompt": "a fox", "width": 1536, "height": 1024, "quality": "low"}),
        )
        .unwrap();
    }

    #[test]
    fn unknown_and_renamed_keys_are_refused() {
        let errors = check(
            "google/nano-banana-pro",
            json!({"prompt": "a fox", "aspectRatio": "1:1", "batch": 2}),
        )
        .unwrap_err();
        assert_eq!(
            errors.for_field("aspectRatio").unwrap().message(),
            "is no longer accepted; use aspect_ratio"
        );
        assert_eq!(
            errors.for_field("batch").unwrap().problem,
            Problem::Unknown { renamed_to: None }
        );
        assert!(errors.to_string().starts_with("Unknown params: "));
    }

    #[test]
    fn missing_wrong_type_and_out_of_range_are_named() {
        let errors = check(
            "bytedance/seedream-4",
            json!({"prompt": "a fox", "width": 5000, "seed": "7"}),
        )
        .unwrap_err();
        assert_eq!(
            errors.for_field("height").unwrap().problem,
            Problem::Missing
        );
        assert_eq!(
            errors.for_field("width").unwrap().message(),
            "must be at most 4096"
        );
        assert_eq!(
            errors.for_field("seed").unwrap().message(),
            "must be a number"
        );
        assert_eq!(
            errors.to_string(),
            "Missing required params: height; Invalid values: width (must be at most 4096), seed (must be a number)"
        );
    }

    #[test]
    fn bounds_enums_lengths_and_integers() {
        let flux = |extra: Value| {
            let mut body = json!({"prompt": "p"});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            check("bfl/flux-1-dev", body)
        };
        assert!(flux(json!({"width": 511})).is_err());
        assert!(flux(json!({"width": 2368})).is_ok());
        assert!(flux(json!({"steps": 2.5})).is_err());
        assert!(flux(json!({"prompt": "x".repeat(1801)})).is_err());
        assert!(flux(json!({"prompt": "x".repeat(1800)})).is_ok());
        assert!(flux(json!({"image_url": null})).is_ok());
        assert!(flux(json!({"image_url": "not a url"})).is_err());
        let krea = check(
            "krea/krea-2/medium",
            json!({"prompt": "p", "aspect_ratio": "5:4", "resolution": "1K"}),
        )
        .unwrap_err();
        assert!(krea
            .for_field("aspect_ratio")
            .unwrap()
            .message()
            .starts_with("must be one of 1:1"));
    }

    #[test]
    fn nested_items_are_checked_with_their_paths_but_stay_open() {
        let errors = check(
            "openai/gpt-image-2",
            json!({"prompt": "p", "width": 1, "height": 1,
                   "style_images": [{"url": "https://x/a.png", "strength": 3, "note": "kept"}]}),
        )
        .unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "style_images[0].strength");
        assert!(errors.for_field("style_images").is_some());
        let too_many = json!({"prompt": "p", "width": 1, "height": 1,
            "image_urls": vec!["https://x/a.png"; 11]});
        assert_eq!(
            check("openai/gpt-image-2", too_many).unwrap_err().0[0].message(),
            "takes at most 10 items"
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert!(check("bfl/flux-1-dev", json!(["prompt"])).is_err());
    }
}
