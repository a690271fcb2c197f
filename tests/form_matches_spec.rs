//! Property: any valid state of the form, for any model, builds a request whose JSON body
//! satisfies that endpoint's request schema in Krea's own spec (closed bodies: an extra key
//! fails). Krea 2, absent from the spec, is covered by the catalogue's own validation.
#![cfg(not(target_arch = "wasm32"))]

use krea_api::{FieldKind, FieldSpec, ModelSpec, MODELS};
use krea_studio::form::FormState;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use std::path::PathBuf;

fn spec() -> Value {
    // Cargo says where the crate is when the test runs; the path compiled in is a fallback.
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let path = std::env::var_os("KREA_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../shared/reference/krea-openapi.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Krea's spec is expected at {} ({e})", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn url() -> BoxedStrategy<String> {
    "https://example\\.com/[a-z]{1,12}\\.png".boxed()
}

fn number(min: Option<f64>, max: Option<f64>, integer: bool) -> BoxedStrategy<String> {
    let (lo, hi) = (min.unwrap_or(1.0), max.unwrap_or(4096.0));
    if integer {
        (lo as i64..=hi as i64).prop_map(|n| n.to_string()).boxed()
    } else {
        prop_oneof![
            (lo as i64..=hi as i64).prop_map(|n| n.to_string()),
            (lo..=hi).prop_map(|n| n.to_string()),
        ]
        .boxed()
    }
}

fn text(min: Option<usize>, max: Option<usize>) -> BoxedStrategy<String> {
    let min = min.unwrap_or(1).max(1);
    let max = max.unwrap_or(min + 30).min(min + 30);
    proptest::string::string_regex(&format!("[a-z]{{{min},{max}}}"))
        .expect("a valid pattern")
        .boxed()
}

/// A valid line for one item of a list input.
fn item_line(item: &'static FieldKind) -> BoxedStrategy<String> {
    match item {
        FieldKind::Object(members) => {
            let first = match members[0].name {
                "url" => url(),
                _ => "[a-z0-9]{1,12}".boxed(),
            };
            match members.get(1) {
                Some(second) => (first, single(second, true))
                    .prop_map(|(a, b)| format!("{a} {b}"))
                    .boxed(),
                None => first,
            }
        }
        _ => url(),
    }
}

/// A valid value for one field as the user would type it (`required` forces a value).
fn single(spec: &'static FieldSpec, required: bool) -> BoxedStrategy<String> {
    let value = match spec.kind {
        FieldKind::Choice(options) | FieldKind::ChoiceOrNull(options) => {
            proptest::sample::select(options)
                .prop_map(str::to_owned)
                .boxed()
        }
        FieldKind::Number {
            min, max, integer, ..
        } => number(min, max, integer),
        FieldKind::Text {
            min_len, max_len, ..
        } => text(min_len, max_len),
        FieldKind::Url { .. } => url(),
        FieldKind::Bool => proptest::sample::select(&["true", "false"][..])
            .prop_map(str::to_owned)
            .boxed(),
        FieldKind::List {
            item,
            min_items,
            max_items,
        } => {
            let lo = min_items.unwrap_or(0).max(usize::from(required));
            let hi = max_items.unwrap_or(3).min(3).max(lo);
            proptest::collection::vec(item_line(item), lo..=hi)
                .prop_map(|lines| lines.join("\n"))
                .boxed()
        }
        FieldKind::Object(_) => Just(String::new()).boxed(),
    };
    if required {
        value
    } else {
        prop_oneof![1 => Just(String::new()), 3 => value].boxed()
    }
}

fn form_state(model: &'static ModelSpec) -> BoxedStrategy<FormState> {
    let prompt = model.field("prompt").unwrap();
    let FieldKind::Text {
        min_len, max_len, ..
    } = prompt.kind
    else {
        unreachable!("prompts are text")
    };
    let fields = FormState::new(model.id).fields();
    let values: Vec<BoxedStrategy<(String, String)>> = fields
        .into_iter()
        .map(|spec| {
            single(spec, spec.required)
                .prop_map(move |v| (spec.name.to_owned(), v))
                .boxed()
        })
        .collect();
    (text(min_len, max_len), values)
        .prop_map(move |(prompt, values)| {
            let mut form = FormState::new(model.id);
            form.prompt = prompt;
            form.values = values.into_iter().collect();
            form
        })
        .boxed()
}

/// A small JSON Schema check, independent of the catalogue: types, enums, bounds, lengths,
/// list limits, required members and closed objects.
fn conforms(value: &Value, schema: &Value, at: &str) -> Result<(), String> {
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let type_ok = types.is_empty()
        || types.iter().any(|t| match *t {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "null" => value.is_null(),
            _ => false,
        });
    if !type_ok {
        return Err(format!("{at}: {value} is not {types:?}"));
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            return Err(format!("{at}: {value} not in enum"));
        }
    }
    if let Some(n) = value.as_f64() {
        if schema["minimum"].as_f64().is_some_and(|min| n < min)
            || schema["maximum"].as_f64().is_some_and(|max| n > max)
        {
            return Err(format!("{at}: {n} out of bounds"));
        }
    }
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|m| len < m)
            || schema["maxLength"].as_u64().is_some_and(|m| len > m)
        {
            return Err(format!("{at}: length {len} out of bounds"));
        }
        if schema["format"] == "uri" && !s.starts_with("https://") {
            return Err(format!("{at}: {s} is not a URI"));
        }
    }
    if let Some(items) = value.as_array() {
        let n = items.len() as u64;
        if schema["minItems"].as_u64().is_some_and(|m| n < m)
            || schema["maxItems"].as_u64().is_some_and(|m| n > m)
        {
            return Err(format!("{at}: {n} items out of bounds"));
        }
        for (i, item) in items.iter().enumerate() {
            conforms(item, &schema["items"], &format!("{at}[{i}]"))?;
        }
    }
    if let Some(map) = value.as_object() {
        let props = schema["properties"].as_object();
        for required in schema["required"].as_array().into_iter().flatten() {
            let key = required.as_str().unwrap();
            if !map.contains_key(key) {
                return Err(format!("{at}: missing {key}"));
            }
        }
        for (key, member) in map {
            match props.and_then(|p| p.get(key)) {
                Some(sub) => conforms(member, sub, &format!("{at}.{key}"))?,
                None if schema["additionalProperties"] == false => {
                    return Err(format!("{at}: unknown key {key}"))
                }
                None => {}
            }
        }
    }
    Ok(())
}

#[test]
fn every_valid_form_state_builds_a_body_krea_spec_accepts() {
    let spec = spec();
    let mut checked = 0;
    for model in MODELS {
        let pointer = format!(
            "/paths/~1generate~1image~1{}/post/requestBody/content/application~1json/schema",
            model.id.replace('/', "~1")
        );
        let schema = spec.pointer(&pointer).cloned();
        let mut runner = TestRunner::new(Config::with_cases(48));
        runner
            .run(&form_state(model), |form| {
                let request = form.build().map_err(|e| {
                    TestCaseError::fail(format!("{}: form refused {e:?}", model.id))
                })?;
                // "Reuse settings": the form loaded from the sent body sends it again.
                let reloaded =
                    FormState::load(&krea_api::Models::default(), model.id, &request.body)
                        .ok_or_else(|| TestCaseError::fail("model not found"))?
                        .build()
                        .map_err(|e| {
                            TestCaseError::fail(format!(
                                "{}: reloaded form refused {e:?}",
                                model.id
                            ))
                        })?;
                prop_assert_eq!(&reloaded.body, &request.body, "{}", model.id);
                if let Some(schema) = &schema {
                    conforms(&Value::Object(request.body), schema, model.id)
                        .map_err(TestCaseError::fail)?;
                }
                Ok(())
            })
            .unwrap_or_else(|failure| panic!("{}: {failure}", model.id));
        checked += usize::from(schema.is_some());
    }
    assert!(
        checked >= 22,
        "only {checked} models were compared with the spec"
    );
}
