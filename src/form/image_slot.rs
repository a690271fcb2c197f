//! Which fields take images, and how images go in and out of their text. A field's text
//! stays what the form keeps (one URL, or one image per line with its strength or tag after
//! it), so a draft keeps every image a person chose, uploaded or pasted, across reloads.

use krea_api::{FieldKind, FieldSpec, ModelSpec};

/// An image field: how many images it takes, and what each image carries besides its URL.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageSlot {
    pub field: &'static FieldSpec,
    /// A list of images (else one URL).
    pub many: bool,
    /// At most this many images, where Krea says.
    pub max: Option<usize>,
    /// What follows the URL on an image's line: a strength or a tag.
    pub extra: Option<&'static FieldSpec>,
}

impl ImageSlot {
    /// The field as an image field, if it takes images: a URL, a list of URLs, a list of
    /// items whose first member is a URL (style images, moodboards, references), or a list
    /// of text named for images (`image_urls`).
    pub fn of(field: &'static FieldSpec) -> Option<ImageSlot> {
        let slot = |many, max, extra| {
            Some(ImageSlot {
                field,
                many,
                max,
                extra,
            })
        };
        match field.kind {
            FieldKind::Url { .. } => slot(false, Some(1), None),
            FieldKind::List {
                item, max_items, ..
            } => match item {
                FieldKind::Url { .. } => slot(true, max_items, None),
                FieldKind::Text { .. } if field.name.contains("image") => {
                    slot(true, max_items, None)
                }
                FieldKind::Object(members) => match members.first().map(|m| m.kind) {
                    Some(FieldKind::Url { .. }) => slot(true, max_items, members.get(1)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Every image field of a model, in its order.
    pub fn all(model: &'static ModelSpec) -> Vec<ImageSlot> {
        model.fields.iter().filter_map(ImageSlot::of).collect()
    }

    /// The field a source image goes in: the one the model requires, else the first.
    pub fn main(model: &'static ModelSpec) -> Option<ImageSlot> {
        let slots = ImageSlot::all(model);
        slots
            .iter()
            .find(|slot| slot.field.required)
            .or_else(|| slots.first())
            .copied()
    }

    /// Whether another image fits.
    pub fn has_room(&self, text: &str) -> bool {
        let count = lines(text).len();
        if self.many {
            self.max.is_none_or(|max| count < max)
        } else {
            true
        }
    }

    /// The text with `url` added: the only URL of a single field, or a new line of a list
    /// (with its required strength at full, or a required tag made from its place).
    pub fn add(&self, text: &str, url: &str) -> String {
        if !self.many {
            return url.to_owned();
        }
        let count = lines(text).len();
        let extra = self
            .extra
            .filter(|extra| extra.required)
            .map(|extra| match extra.kind {
                FieldKind::Number { min, max, .. } => krea_api::number::format_number(
                    1f64.clamp(min.unwrap_or(f64::MIN), max.unwrap_or(f64::MAX)),
                ),
                _ => format!("image_{}", count + 1),
            });
        push_line(text, url, extra.as_deref())
    }

    /// The text without its `index`th image.
    pub fn remove(&self, text: &str, index: usize) -> String {
        remove_line(text, index)
    }

    /// The text with the `index`th image's strength or tag set to `value`.
    pub fn set_extra(&self, text: &str, index: usize, value: &str) -> String {
        set_line_extra(text, index, value)
    }
}

/// A list field's text with one more line: `first` and what follows it.
pub fn push_line(text: &str, first: &str, extra: Option<&str>) -> String {
    let mut all = lines(text);
    all.push(ImageLine {
        url: first.to_owned(),
        extra: extra.map(str::to_owned),
    });
    write(&all)
}

/// A list field's text without its `index`th line.
pub fn remove_line(text: &str, index: usize) -> String {
    let mut all = lines(text);
    if index < all.len() {
        all.remove(index);
    }
    write(&all)
}

/// A list field's text with what follows the first word of its `index`th line set.
pub fn set_line_extra(text: &str, index: usize, value: &str) -> String {
    let mut all = lines(text);
    if let Some(line) = all.get_mut(index) {
        let value = value.trim();
        line.extra = (!value.is_empty()).then(|| value.to_owned());
    }
    write(&all)
}

/// One image of a field: its URL and what follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageLine {
    pub url: String,
    pub extra: Option<String>,
}

/// The images in a field's text, one per non-blank line.
pub fn lines(text: &str) -> Vec<ImageLine> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| match line.split_once(char::is_whitespace) {
            Some((url, extra)) => ImageLine {
                url: url.to_owned(),
                extra: Some(extra.trim().to_owned()),
            },
            None => ImageLine {
                url: line.to_owned(),
                extra: None,
            },
        })
        .collect()
}

fn write(lines: &[ImageLine]) -> String {
    lines
        .iter()
        .map(|line| match &line.extra {
            Some(extra) => format!("{} {extra}", line.url),
            None => line.url.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Puts `url` into the form's main image field (`only`: as its only image). `false` when the
/// model takes no image, or its field is full.
pub fn put_image(form: &mut super::FormState, url: &str, only: bool) -> bool {
    let Some(slot) = ImageSlot::main(form.model()) else {
        return false;
    };
    let text = if only {
        String::new()
    } else {
        form.value(slot.field.name)
    };
    if !slot.has_room(&text) {
        return false;
    }
    form.set_value(slot.field.name, slot.add(&text, url));
    true
}

/// The model "Edit" switches to: editing models Krea offers, the first the studio knows.
pub const EDITING_MODELS: [&str; 5] = [
    "bfl/flux-1-kontext-dev",
    "google/nano-banana-pro",
    "openai/gpt-image-2",
    "bytedance/seededit",
    "bytedance/seedream-4",
];

#[cfg(test)]
mod tests {
    use super::*;
    use krea_api::catalogue;

    fn slot(model: &str, field: &str) -> ImageSlot {
        let model = catalogue::find(model).unwrap();
        ImageSlot::of(model.field(field).unwrap()).unwrap()
    }

    #[test]
    fn image_fields_are_found_in_every_shape_krea_uses() {
        let seedream = catalogue::find("bytedance/seedream-4").unwrap();
        let names: Vec<&str> = ImageSlot::all(seedream)
            .iter()
            .map(|s| s.field.name)
            .collect();
        assert!(!names.is_empty(), "Seedream 4 takes reference images");
        let krea_2 = catalogue::find("krea/krea-2/medium").unwrap();
        let names: Vec<&str> = ImageSlot::all(krea_2)
            .iter()
            .map(|s| s.field.name)
            .collect();
        assert!(names.contains(&"image_style_references"), "{names:?}");
        assert!(names.contains(&"image_url"), "{names:?}");
        // Krea 2's moodboards are named by id, as its styles are.
        let styles = catalogue::find("bfl/flux-1-dev")
            .unwrap()
            .field("styles")
            .unwrap();
        assert_eq!(
            ImageSlot::of(styles),
            None,
            "LoRA styles are ids, not images"
        );
        let prompt = catalogue::find("bfl/flux-1-dev")
            .unwrap()
            .field("prompt")
            .unwrap();
        assert_eq!(ImageSlot::of(prompt), None);
        for model in EDITING_MODELS {
            let model = catalogue::find(model).unwrap();
            assert!(
                ImageSlot::main(model).is_some(),
                "{} edits images",
                model.id
            );
        }
        let enhance = catalogue::find("krea/enhance").unwrap();
        assert_eq!(ImageSlot::main(enhance).unwrap().field.name, "image_url");
    }

    #[test]
    fn images_go_in_with_their_strength_and_come_out_by_place() {
        let references = slot("krea/krea-2/medium", "image_style_references");
        let text = references.add("", "https://a/1.png");
        assert_eq!(lines(&text)[0].url, "https://a/1.png");
        let text = references.add(&text, "https://a/2.png");
        assert_eq!(lines(&text).len(), 2);
        let text = references.set_extra(&text, 1, "0.4");
        assert_eq!(lines(&text)[1].extra.as_deref(), Some("0.4"));
        let text = references.remove(&text, 0);
        assert_eq!(text, "https://a/2.png 0.4");

        let single = slot("krea/enhance", "image_url");
        assert_eq!(
            single.add("https://old.png", "https://new.png"),
            "https://new.png"
        );
        assert!(!single.many);
    }

    #[test]
    fn an_image_goes_into_the_models_main_field_or_is_refused() {
        let mut form = crate::form::FormState::new("bytedance/seedream-4");
        assert!(put_image(&mut form, "https://x/1.png", false));
        let slot = ImageSlot::main(form.model()).unwrap();
        assert!(form.value(slot.field.name).contains("https://x/1.png"));
        assert!(put_image(&mut form, "https://x/2.png", true));
        assert_eq!(
            lines(&form.value(slot.field.name)).len(),
            1,
            "only the new one"
        );
        let mut text_only = crate::form::FormState::new("google/imagen-4");
        assert!(!put_image(&mut text_only, "https://x/1.png", false));
    }

    #[test]
    fn a_list_with_a_cap_has_room_until_it_is_full() {
        let model = catalogue::find("openai/gpt-image").unwrap();
        let capped = ImageSlot::all(model)
            .into_iter()
            .find(|slot| slot.max.is_some());
        if let Some(capped) = capped {
            let max = capped.max.unwrap();
            let full = (0..max).fold(String::new(), |text, i| {
                capped.add(&text, &format!("https://x/{i}"))
            });
            assert!(!capped.has_room(&full));
            assert!(capped.has_room(&capped.remove(&full, 0)));
        }
    }
}
