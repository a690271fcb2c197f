//! What the user has typed into the generate form, and how it becomes a validated request.
//! Field inputs are kept as the text the user typed, so nothing they wrote is lost while a
//! value is still invalid.

use krea_api::{catalogue, FieldKind, FieldSpec, ImageRequest, Literal, ModelSpec};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// The model the form opens with.
pub const DEFAULT_MODEL: &str = "krea/krea-2/medium";

#[derive(Debug, Clone, PartialEq)]
pub struct FormState {
    pub model_id: String,
    pub prompt: String,
    pub values: BTreeMap<String, String>,
}

/// Problems keyed by field name (`prompt`, `width`, …; `form` for the rest).
pub type FormErrors = BTreeMap<String, String>;

impl FormState {
    pub fn new(model_id: &str) -> Self {
        let mut form = FormState {
            model_id: DEFAULT_MODEL.to_owned(),
            prompt: String::new(),
            values: BTreeMap::new(),
        };
        form.switch_model(model_id);
        form
    }

    pub fn model(&self) -> &'static ModelSpec {
        catalogue::find(&self.model_id).unwrap_or(&catalogue::MODELS[0])
    }

    /// Changes model, keeping the prompt and every value the new model also takes.
    pub fn switch_model(&mut self, model_id: &str) {
        let Some(model) = catalogue::find(model_id) else {
            return;
        };
        self.model_id = model.id.to_owned();
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

    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    /// The request to send, or the problems to show next to each field.
    pub fn build(&self) -> Result<ImageRequest, FormErrors> {
        let mut errors = FormErrors::new();
        if self.prompt.trim().is_empty() {
            errors.insert("prompt".into(), "Write a prompt first".into());
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
                    errors.insert(spec.name.to_owned(), "must be a number".into());
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
                errors
                    .entry(field.to_owned())
                    .or_insert_with(|| problem.message());
            }
        }
        if errors.is_empty() {
            Ok(request)
        } else {
            Err(errors)
        }
    }
}

/// Every field with a single value, in the catalogue's order; lists of references come
/// with their own inputs.
fn visible_fields(model: &'static ModelSpec) -> Vec<&'static FieldSpec> {
    model
        .fields
        .iter()
        .filter(|spec| spec.name != "prompt")
        .filter(|spec| !matches!(spec.kind, FieldKind::List { .. } | FieldKind::Object(_)))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        assert!(names.contains(&"creativity") && !names.contains(&"styles"));
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
        let errors = form.build().unwrap_err();
        assert_eq!(errors["prompt"], "Write a prompt first");
        assert_eq!(errors["width"], "must be at most 4096");
        assert_eq!(errors["height"], "must be a number");
        assert_eq!(form.value("height"), "tall");
        form.values.insert("height".into(), String::new());
        form.prompt = "ok".into();
        assert_eq!(form.build().unwrap_err()["height"], "is required");
    }

    #[test]
    fn switching_models_keeps_the_prompt_and_shared_values() {
        let mut form = FormState::new("bytedance/seedream-4");
        form.prompt = "a fox".into();
        form.values.insert("width".into(), "800".into());
        form.switch_model("openai/gpt-image-2");
        assert_eq!(form.prompt, "a fox");
        assert_eq!(form.value("width"), "800");
        form.switch_model("krea/krea-2/medium");
        assert!(!form.values.contains_key("width"));
        form.values.insert("aspect_ratio".into(), "2.35:1".into());
        form.switch_model("google/nano-banana-pro");
        assert_eq!(
            form.value("aspect_ratio"),
            "",
            "2.35:1 is not a Nano Banana ratio"
        );
        form.switch_model("nobody/nothing");
        assert_eq!(form.model_id, "google/nano-banana-pro");
    }
}
