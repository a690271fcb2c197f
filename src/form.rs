//! What the user has typed into the generate form, and how it becomes a validated request.
//! Field inputs are kept as the text the user typed, so nothing they wrote is lost while a
//! value is still invalid.

use crate::i18n::{fill, reason_text, Texts};
use krea_api::{
    catalogue, FieldKind, FieldSpec, ImageRequest, Literal, ModelSpec, Models, Problem, Reason,
};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// The model the form opens with.
pub const DEFAULT_MODEL: &str = "krea/krea-2/medium";

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FormState {
    pub model_id: String,
    pub prompt: String,
    pub values: BTreeMap<String, String>,
    /// With the size locked: height ÷ width, kept when either side changes.
    pub size_lock: Option<f64>,
    /// The model itself, when it came from the studio's [`Models`] (a discovered one is not
    /// in the catalogue); a draft read back from storage finds its model in the catalogue.
    #[serde(skip)]
    spec: Option<&'static ModelSpec>,
}

/// Ratios offered as one-click sizes for models that take width and height.
pub const SIZE_PRESETS: [(&str, u32, u32); 6] = [
    ("1:1", 1, 1),
    ("4:3", 4, 3),
    ("3:2", 3, 2),
    ("16:9", 16, 9),
    ("2:3", 2, 3),
    ("9:16", 9, 16),
];

/// Problems keyed by field name (`prompt`, `width`, …; `form` for the rest).
pub type FormErrors = BTreeMap<String, FormProblem>;

/// What is wrong with one field, and where inside a list field.
#[derive(Debug, Clone, PartialEq)]
pub struct FormProblem {
    /// The line of a list input (from 1), and the member of its item, when that is where.
    pub line: Option<(usize, Option<String>)>,
    pub problem: Problem,
}

impl FormProblem {
    fn of(problem: Problem) -> Self {
        FormProblem {
            line: None,
            problem,
        }
    }

    /// The message shown next to `field`.
    pub fn message(&self, field: &str, t: &Texts) -> String {
        if field == "prompt" && self.problem == Problem::Missing {
            return t.write_prompt.to_owned();
        }
        let message = reason_text(&self.problem, t);
        match &self.line {
            None => message,
            Some((line, None)) => fill(
                t.on_line,
                &[("line", &line.to_string()), ("message", &message)],
            ),
            Some((line, Some(member))) => fill(
                t.on_line_member,
                &[
                    ("line", &line.to_string()),
                    ("member", member),
                    ("message", &message),
                ],
            ),
        }
    }
}

impl FormState {
    pub fn new(model_id: &str) -> Self {
        let mut form = FormState {
            model_id: DEFAULT_MODEL.to_owned(),
            prompt: String::new(),
            values: BTreeMap::new(),
            size_lock: None,
            spec: None,
        };
        form.switch_to(&Models::default(), model_id);
        form
    }

    pub fn model(&self) -> &'static ModelSpec {
        self.spec
            .filter(|spec| spec.id == self.model_id)
            .or_else(|| catalogue::find(&self.model_id))
            .unwrap_or(&catalogue::MODELS[0])
    }

    /// The form as it was for a past request ("Reuse settings"): its model, prompt and every
    /// value it sent; fields it left out stay blank, so building it again sends the same body.
    pub fn load(models: &Models, model_id: &str, body: &Map<String, Value>) -> Option<Self> {
        let model = models.find(model_id)?;
        let mut form = FormState::new(DEFAULT_MODEL);
        form.switch_model(model);
        form.prompt = body
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        for spec in visible_fields(model) {
            let text = body
                .get(spec.name)
                .map(|value| value_text(&spec.kind, value))
                .unwrap_or_default();
            form.values.insert(spec.name.to_owned(), text);
        }
        Some(form)
    }

    /// Changes to the model `models` knows as `model_id` (nothing changes for an unknown id).
    pub fn switch_to(&mut self, models: &Models, model_id: &str) {
        if let Some(model) = models.find(model_id) {
            self.switch_model(model);
        }
    }

    /// Changes model, keeping the prompt and every value the new model also takes.
    pub fn switch_model(&mut self, model: &'static ModelSpec) {
        self.model_id = model.id.to_owned();
        self.spec = Some(model);
        let previous = std::mem::take(&mut self.values);
        for spec in visible_fields(model) {
            let kept = previous
                .get(spec.name)
                .filter(|value| accepts(spec, value))
                .cloned();
            self.values.insert(
                spec.name.to_owned(),
                kept.unwrap_or_else(|| initial_value(spec)),
            );
        }
    }

    pub fn fields(&self) -> Vec<&'static FieldSpec> {
        visible_fields(self.model())
    }

    /// Whether the model is sized by width and height (and so gets ratio presets).
    pub fn takes_size(&self) -> bool {
        let model = self.model();
        model.field("width").is_some() && model.field("height").is_some()
    }

    /// Sets a field as typed; with the size locked, the other side follows the ratio.
    pub fn set_value(&mut self, field: &str, text: String) {
        self.values.insert(field.to_owned(), text);
        let (Some(ratio), Some(new)) = (self.size_lock, self.number(field)) else {
            return;
        };
        let (other, size) = match field {
            "width" => ("height", new * ratio),
            "height" => ("width", new / ratio),
            _ => return,
        };
        let follower = self.fit(other, size);
        self.values.insert(other.to_owned(), follower.to_string());
    }

    /// Locks the current ratio (when both sides are numbers), or unlocks.
    pub fn lock_size(&mut self, locked: bool) {
        self.size_lock = match (locked, self.number("width"), self.number("height")) {
            (true, Some(width), Some(height)) if width > 0.0 && height > 0.0 => {
                Some(height / width)
            }
            _ => None,
        };
    }

    /// Sizes the image to `w:h`, keeping the longer side (1024 when blank) within bounds.
    pub fn apply_ratio(&mut self, w: u32, h: u32) {
        let long = self
            .number("width")
            .into_iter()
            .chain(self.number("height"))
            .fold(0.0, f64::max);
        let long = if long > 0.0 { long } else { 1024.0 };
        let (width, height) = if w >= h {
            (long, long * f64::from(h) / f64::from(w))
        } else {
            (long * f64::from(w) / f64::from(h), long)
        };
        // Shrink both sides together until each fits, so the ratio survives the bounds.
        let scale = [("width", width), ("height", height)]
            .into_iter()
            .map(|(field, side)| f64::from(self.fit(field, f64::MAX)) / side)
            .fold(1.0, f64::min);
        let (width, height) = (
            self.fit("width", width * scale),
            self.fit("height", height * scale),
        );
        self.values.insert("width".into(), width.to_string());
        self.values.insert("height".into(), height.to_string());
        if self.size_lock.is_some() {
            self.lock_size(true);
        }
    }

    fn number(&self, field: &str) -> Option<f64> {
        self.values.get(field)?.trim().parse().ok()
    }

    /// Rounds to a multiple of 8 (what image models work in) within the field's bounds.
    fn fit(&self, field: &str, value: f64) -> u32 {
        let (min, max) = match self.model().field(field).map(|f| f.kind) {
            Some(FieldKind::Number { min, max, .. }) => (min.unwrap_or(8.0), max.unwrap_or(8192.0)),
            _ => (8.0, 8192.0),
        };
        ((value / 8.0).round() * 8.0).clamp(min, max) as u32
    }

    /// `12 / 1800` against the model's prompt limit, or `12 characters` when it has none.
    pub fn prompt_counter(&self, t: &Texts) -> String {
        let length = self.prompt.chars().count().to_string();
        match self.model().field("prompt").map(|f| f.kind) {
            Some(FieldKind::Text {
                max_len: Some(max), ..
            }) => fill(
                t.prompt_count_of,
                &[("n", &length), ("max", &max.to_string())],
            ),
            _ => fill(t.prompt_count, &[("n", &length)]),
        }
    }

    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    /// The request to send, or the problems to show next to each field.
    pub fn build(&self) -> Result<ImageRequest, FormErrors> {
        let mut errors = FormErrors::new();
        if self.prompt.trim().is_empty() {
            errors.insert("prompt".into(), FormProblem::of(Problem::Missing));
        }
        let mut body = Map::new();
        body.insert("prompt".into(), Value::String(self.prompt.clone()));
        for spec in self.fields() {
            let text = self.value(spec.name);
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            match to_json(&spec.kind, text) {
                Some(value) => {
                    body.insert(spec.name.to_owned(), value);
                }
                None => {
                    errors.insert(
                        spec.name.to_owned(),
                        FormProblem::of(Problem::Invalid(Reason::NotNumber)),
                    );
                }
            }
        }
        let request = ImageRequest {
            model: self.model(),
            body,
        };
        if let Err(problems) = request.validate() {
            for problem in problems.0 {
                let field = problem.field.split(['.', '[']).next().unwrap_or("form");
                let line = where_in_list(&problem.field[field.len()..]);
                errors.entry(field.to_owned()).or_insert(FormProblem {
                    line,
                    problem: problem.problem,
                });
            }
        }
        if errors.is_empty() {
            Ok(request)
        } else {
            Err(errors)
        }
    }
}

/// Every field but the prompt: the size first, then other single values, then the lists
/// (reference images, styles), each group in the catalogue's order.
fn visible_fields(model: &'static ModelSpec) -> Vec<&'static FieldSpec> {
    const SIZE: [&str; 5] = ["aspect_ratio", "width", "height", "resolution", "quality"];
    let mut fields: Vec<_> = model.fields.iter().filter(|s| s.name != "prompt").collect();
    fields.sort_by_key(|spec| match spec.kind {
        FieldKind::List { .. } => 2,
        _ if SIZE.contains(&spec.name) => 0,
        _ => 1,
    });
    fields
}

/// The text a field starts with. Required fields and the size start filled in; everything
/// else starts blank, so Krea applies its own default and the body stays minimal (a
/// schema's fixed `seed` default would otherwise repeat the same image forever).
fn initial_value(spec: &FieldSpec) -> String {
    let is_size = matches!(spec.name, "width" | "height");
    if !spec.required && !is_size {
        return String::new();
    }
    match (spec.default, spec.kind) {
        (Some(default), _) => literal_text(default),
        (None, FieldKind::Choice(options)) => options[0].to_owned(),
        (None, FieldKind::Number { .. }) if is_size && spec.required => "1024".to_owned(),
        _ => String::new(),
    }
}

/// How a sent value reads in its input: list items one per line, an item object as its
/// members' values in the schema's order, separated by spaces (the way [`list_item`] reads
/// them).
fn value_text(kind: &FieldKind, value: &Value) -> String {
    match (kind, value) {
        (_, Value::String(text)) => text.clone(),
        (_, Value::Number(number)) => number
            .as_f64()
            .map(krea_api::number::format_number)
            .unwrap_or_else(|| number.to_string()),
        (_, Value::Bool(flag)) => flag.to_string(),
        (FieldKind::List { item, .. }, Value::Array(items)) => items
            .iter()
            .map(|value| value_text(item, value))
            .collect::<Vec<_>>()
            .join("\n"),
        (FieldKind::Object(members), Value::Object(values)) => members
            .iter()
            .filter_map(|member| Some(value_text(&member.kind, values.get(member.name)?)))
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// How a default reads in an input.
pub fn literal_text(literal: Literal) -> String {
    match literal {
        Literal::Text(text) => text.to_owned(),
        Literal::Number(number) => krea_api::number::format_number(number),
        Literal::Bool(flag) => flag.to_string(),
    }
}

fn accepts(spec: &FieldSpec, value: &str) -> bool {
    spec.kind
        .options()
        .is_none_or(|options| options.contains(&value))
}

fn to_json(kind: &FieldKind, text: &str) -> Option<Value> {
    match kind {
        FieldKind::List { item, .. } => text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| list_item(item, line))
            .collect::<Option<Vec<Value>>>()
            .map(Value::Array),
        FieldKind::Number { .. } => {
            let number: f64 = text.parse().ok().filter(|n: &f64| n.is_finite())?;
            // Whole numbers go out as integers (`1024`, not `1024.0`).
            Some(if number.fract() == 0.0 && number.abs() < 9.0e15 {
                Value::Number(Number::from(number as i64))
            } else {
                Value::Number(Number::from_f64(number)?)
            })
        }
        FieldKind::Bool => text.parse().ok().map(Value::Bool),
        _ => Some(Value::String(text.to_owned())),
    }
}

/// `[0].tag` → line 1, member `tag`; `[2]` → line 3; `None` for a top-level field.
fn where_in_list(rest: &str) -> Option<(usize, Option<String>)> {
    let inner = rest.strip_prefix('[')?;
    let (index, member) = inner.split_once(']')?;
    let line = index.parse::<usize>().ok()? + 1;
    Some((line, member.strip_prefix('.').map(str::to_owned)))
}

/// One line of a list input: a URL (or id), optionally followed by the item's second member
/// (`https://… 0.8` for a strength, `https://… hero` for a tag).
fn list_item(item: &FieldKind, line: &str) -> Option<Value> {
    let FieldKind::Object(members) = item else {
        return Some(Value::String(line.to_owned()));
    };
    let (first, rest) = match line.split_once(char::is_whitespace) {
        Some((first, rest)) => (first, rest.trim()),
        None => (line, ""),
    };
    let mut object = Map::new();
    let mut members = members.iter();
    let key = members.next()?;
    object.insert(key.name.to_owned(), Value::String(first.to_owned()));
    if let Some(second) = members.next() {
        if !rest.is_empty() {
            object.insert(second.name.to_owned(), to_json(&second.kind, rest)?);
        } else if second.required {
            // A required strength the user left out: full strength, within its bounds.
            let FieldKind::Number { min, max, .. } = second.kind else {
                return Some(Value::Object(object));
            };
            let full = 1f64.clamp(min.unwrap_or(f64::MIN), max.unwrap_or(f64::MAX));
            object.insert(
                second.name.to_owned(),
                to_json(&second.kind, &full.to_string())?,
            );
        }
    }
    Some(Value::Object(object))
}

/// What a list input expects on each line, for its placeholder.
pub fn list_hint(spec: &FieldSpec, t: &Texts) -> Option<String> {
    let FieldKind::List {
        item, max_items, ..
    } = spec.kind
    else {
        return None;
    };
    let line = match item {
        FieldKind::Object(members) => members
            .iter()
            .map(|member| match member.name {
                "url" => "URL",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => "URL".to_owned(),
    };
    Some(match max_items {
        Some(max) => fill(
            t.one_per_line_max,
            &[("line", &line), ("max", &max.to_string())],
        ),
        None => fill(t.one_per_line, &[("line", &line)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;
    use serde_json::json;

    /// The form's problems as English messages.
    fn problems(form: &FormState) -> BTreeMap<String, String> {
        form.build()
            .unwrap_err()
            .iter()
            .map(|(field, problem)| (field.clone(), problem.message(field, &EN)))
            .collect()
    }

    #[test]
    fn each_model_opens_with_the_size_fields_it_takes() {
        let krea = FormState::new("krea/krea-2/medium");
        assert_eq!(krea.value("aspect_ratio"), "1:1");
        assert_eq!(krea.value("resolution"), "1K");
        assert!(!krea.values.contains_key("width"));
        let seedream = FormState::new("bytedance/seedream-4");
        assert_eq!(seedream.value("width"), "1024");
        assert_eq!(seedream.value("height"), "1024");
        let gpt = FormState::new("openai/gpt-image-2");
        assert_eq!(gpt.value("quality"), "", "optional: Krea's default applies");
        let nano = FormState::new("google/nano-banana-pro");
        assert_eq!(nano.value("width"), "", "no default and not required");
        let flux = FormState::new("bfl/flux-1-dev");
        assert_eq!(
            flux.value("seed"),
            "",
            "the schema's fixed seed is not sent"
        );
        let seededit = FormState::new("bytedance/seededit");
        assert!(seededit
            .fields()
            .iter()
            .any(|f| f.name == "image_url" && f.required));
        let names: Vec<_> = krea.fields().iter().map(|f| f.name).collect();
        assert_eq!(
            &names[..2],
            ["aspect_ratio", "resolution"],
            "the size leads"
        );
        assert!(names.contains(&"creativity"));
        assert_eq!(
            &names[names.len() - 3..],
            ["styles", "image_style_references", "moodboards"],
            "lists come after the single values"
        );
    }

    #[test]
    fn a_filled_form_builds_the_exact_body() {
        let mut form = FormState::new("bfl/flux-1-dev");
        form.prompt = "a red fox".into();
        form.values.insert("width".into(), "768".into());
        let request = form.build().unwrap();
        assert_eq!(request.path(), "/generate/image/bfl/flux-1-dev");
        assert_eq!(
            Value::Object(request.body),
            json!({"prompt": "a red fox", "width": 768, "height": 1024})
        );
    }

    #[test]
    fn problems_are_reported_per_field_and_the_input_is_kept() {
        let mut form = FormState::new("bytedance/seedream-4");
        form.values.insert("width".into(), "9000".into());
        form.values.insert("height".into(), "tall".into());
        let errors = problems(&form);
        assert_eq!(errors["prompt"], "Write a prompt first");
        assert_eq!(errors["width"], "must be at most 4096");
        assert_eq!(errors["height"], "must be a number");
        assert_eq!(form.value("height"), "tall");
        form.values.insert("height".into(), String::new());
        form.prompt = "ok".into();
        assert_eq!(problems(&form)["height"], "is required");
    }

    #[test]
    fn list_inputs_take_one_reference_per_line() {
        let mut form = FormState::new("runway/gen-4-image");
        form.prompt = "@hero walks".into();
        form.values.insert(
            "reference_images".into(),
            "https://x/a.png hero\n\n https://x/b.png  villain ".into(),
        );
        let body = Value::Object(form.build().unwrap().body);
        assert_eq!(
            body["reference_images"],
            json!([{"url": "https://x/a.png", "tag": "hero"}, {"url": "https://x/b.png", "tag": "villain"}])
        );
        let mut gpt = FormState::new("openai/gpt-image-2");
        gpt.prompt = "p".into();
        gpt.values.insert(
            "style_images".into(),
            "https://x/s.png\nhttps://x/t.png 0.5".into(),
        );
        gpt.values
            .insert("image_urls".into(), "https://x/i.png".into());
        let body = Value::Object(gpt.build().unwrap().body);
        assert_eq!(
            body["style_images"],
            json!([{"url": "https://x/s.png", "strength": 1}, {"url": "https://x/t.png", "strength": 0.5}])
        );
        assert_eq!(body["image_urls"], json!(["https://x/i.png"]));
        gpt.values
            .insert("image_urls".into(), "https://x/i.png\n".repeat(11));
        assert_eq!(problems(&gpt)["image_urls"], "takes at most 10 items");
        gpt.values.insert("image_urls".into(), String::new());
        gpt.values
            .insert("style_images".into(), "https://x/s.png strong".into());
        assert_eq!(problems(&gpt)["style_images"], "must be a number");
        let mut runway = FormState::new("runway/gen-4-image");
        runway.prompt = "p".into();
        runway.values.insert(
            "reference_images".into(),
            "https://x/a.png hero\nhttps://x/b.png x".into(),
        );
        assert_eq!(
            problems(&runway)["reference_images"],
            "line 2, tag: must be at least 3 characters"
        );
        assert_eq!(
            list_hint(runway.model().field("reference_images").unwrap(), &EN).unwrap(),
            "One per line: URL tag (up to 3)"
        );
    }

    #[test]
    fn ratio_presets_and_the_lock_keep_sizes_in_proportion_and_in_bounds() {
        let mut form = FormState::new("bfl/flux-1-dev");
        assert!(form.takes_size());
        form.apply_ratio(16, 9);
        assert_eq!(
            (form.value("width"), form.value("height")),
            ("1024".into(), "576".into())
        );
        form.apply_ratio(9, 16);
        assert_eq!(
            (form.value("width"), form.value("height")),
            ("576".into(), "1024".into())
        );
        form.lock_size(true);
        form.set_value("height", String::new());
        form.set_value("height", "2048".into());
        assert_eq!(form.value("width"), "1152");
        form.set_value("height", "4000".into());
        assert_eq!(form.value("width"), "2248", "kept within 512…2368");
        form.lock_size(false);
        form.set_value("width", "800".into());
        assert_eq!(form.value("height"), "4000", "unlocked sides move alone");
        form.set_value("width", "abc".into());
        assert_eq!(form.value("width"), "abc", "what was typed is kept");
        form.values.insert("width".into(), "99999".into());
        form.apply_ratio(16, 9);
        assert_eq!(
            (form.value("width"), form.value("height")),
            ("2368".into(), "1336".into())
        );
        assert!(!FormState::new("krea/krea-2/medium").takes_size());
    }

    #[test]
    fn the_prompt_counter_knows_each_models_limit() {
        let mut form = FormState::new("runway/gen-4-image");
        form.prompt = "a fox".into();
        assert_eq!(form.prompt_counter(&EN), "5 / 1000");
        form.switch_to(&Models::default(), "krea/krea-2/medium");
        assert_eq!(form.prompt_counter(&EN), "5 characters");
        form.switch_to(&Models::default(), "bfl/flux-1-dev");
        form.prompt = "x".repeat(1801);
        assert_eq!(form.prompt_counter(&EN), "1801 / 1800");
        assert_eq!(
            problems(&form)["prompt"],
            "must be at most 1800 characters (is 1801)"
        );
    }

    #[test]
    fn switching_models_keeps_the_prompt_and_shared_values() {
        let mut form = FormState::new("bytedance/seedream-4");
        form.prompt = "a fox".into();
        form.values.insert("width".into(), "800".into());
        form.switch_to(&Models::default(), "openai/gpt-image-2");
        assert_eq!(form.prompt, "a fox");
        assert_eq!(form.value("width"), "800");
        form.switch_to(&Models::default(), "krea/krea-2/medium");
        assert!(!form.values.contains_key("width"));
        form.values.insert("aspect_ratio".into(), "2.35:1".into());
        form.switch_to(&Models::default(), "google/nano-banana-pro");
        assert_eq!(
            form.value("aspect_ratio"),
            "",
            "2.35:1 is not a Nano Banana ratio"
        );
        form.switch_to(&Models::default(), "nobody/nothing");
        assert_eq!(form.model_id, "google/nano-banana-pro");
    }
}
