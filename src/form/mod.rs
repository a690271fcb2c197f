//! What the user has typed into the generate form, and how it becomes a validated request.
//! Field inputs are kept as the text the user typed, so nothing they wrote is lost while a
//! value is still invalid. The form's state is here; its sizing ([`sizing`]), how a field's
//! text becomes JSON and back ([`field_text`]) and how a problem reads ([`problem`]) are
//! beside it.

pub mod enhance;
mod field_text;
pub mod image_slot;
pub mod model_set;
mod problem;
mod sizing;
pub mod upload_check;

pub use field_text::{list_hint, literal_text};
pub use problem::{FormErrors, FormProblem};
pub use sizing::SIZE_PRESETS;

use crate::i18n::{fill, Texts};
use field_text::{to_json, value_text, where_in_list};
use krea_api::{catalogue, FieldKind, FieldSpec, ImageRequest, ModelSpec, Models, Problem, Reason};
use serde_json::{Map, Value};
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
        // Every image model needs a prompt; an enhancer takes one only if given.
        let prompt_required = self.model().field("prompt").is_none_or(|f| f.required);
        if prompt_required && self.prompt.trim().is_empty() {
            errors.insert("prompt".into(), FormProblem::of(Problem::Missing));
        }
        let mut body = Map::new();
        if prompt_required || !self.prompt.trim().is_empty() {
            body.insert("prompt".into(), Value::String(self.prompt.clone()));
        }
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

fn accepts(spec: &FieldSpec, value: &str) -> bool {
    spec.kind
        .options()
        .is_none_or(|options| options.contains(&value))
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
    fn an_enhancer_builds_without_a_prompt_and_an_image_model_never_does() {
        let mut enhance = FormState::new("krea/enhance");
        assert_eq!(enhance.model().id, "krea/enhance");
        enhance.set_value("image_url", "https://x/1.png".into());
        let request = enhance.build().expect("no prompt needed");
        assert!(!request.body.contains_key("prompt"));
        assert_eq!(request.path(), "/generate/enhance/krea/enhance");
        let flux = FormState::new("bfl/flux-1-dev");
        assert!(flux.build().unwrap_err().contains_key("prompt"));
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
