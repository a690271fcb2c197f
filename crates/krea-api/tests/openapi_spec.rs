//! The catalogue against Krea's own OpenAPI spec (read from `../shared/reference/`, never
//! copied into the repo): same paths, field names, required sets, types, enums, bounds,
//! defaults and list limits. Krea 2 predates the spec and is checked against the API notes.

mod common;

use common::krea_spec as spec;
use krea_api::{catalogue, FieldKind, FieldSpec, Literal};
use serde_json::Value;
use std::collections::BTreeSet;

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            &spec["components"]["schemas"][name]
        }
        None => schema,
    }
}

fn request_schema<'a>(spec: &'a Value, path: &str) -> Option<&'a Value> {
    let schema = spec["paths"].get(path)?["post"]["requestBody"]["content"]["application/json"]
        .get("schema")?;
    Some(resolve(spec, schema))
}

/// The schema's `type`, and whether it also allows `null`.
fn types(schema: &Value) -> (String, bool) {
    match &schema["type"] {
        Value::String(kind) => (kind.clone(), false),
        Value::Array(kinds) => {
            let nullable = kinds.iter().any(|k| k == "null");
            let kind = kinds
                .iter()
                .find(|k| *k != "null")
                .and_then(Value::as_str)
                .unwrap_or("null");
            (kind.to_owned(), nullable)
        }
        _ => ("any".to_owned(), false),
    }
}

fn number(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

fn count(schema: &Value, key: &str) -> Option<usize> {
    schema.get(key).and_then(Value::as_u64).map(|n| n as usize)
}

struct Check<'a> {
    spec: &'a Value,
    problems: Vec<String>,
}

impl Check<'_> {
    fn expect<T: PartialEq + std::fmt::Debug>(&mut self, at: &str, what: &str, ours: T, theirs: T) {
        if ours != theirs {
            self.problems
                .push(format!("{at}: {what}: catalogue {ours:?}, spec {theirs:?}"));
        }
    }

    fn object(&mut self, at: &str, fields: &[FieldSpec], schema: &Value, closed: bool) {
        let props = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let ours: BTreeSet<&str> = fields.iter().map(|f| f.name).collect();
        let theirs: BTreeSet<&str> = props.keys().map(String::as_str).collect();
        self.expect(at, "fields", &ours, &theirs);
        let required_ours: BTreeSet<&str> = fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        let required_theirs: BTreeSet<&str> = schema["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        self.expect(at, "required", &required_ours, &required_theirs);
        if closed {
            self.expect(
                at,
                "additionalProperties",
                Some(false),
                schema["additionalProperties"].as_bool(),
            );
        }
        for field in fields {
            if let Some(property) = props.get(field.name) {
                let property = resolve(self.spec, property);
                let here = format!("{at}.{}", field.name);
                self.kind(&here, &field.kind, property);
                self.default(&here, field.default, property.get("default"));
            }
        }
    }

    fn default(&mut self, at: &str, ours: Option<Literal>, theirs: Option<&Value>) {
        let ours = ours.map(|literal| match literal {
            Literal::Number(n) => Value::from(n),
            Literal::Text(t) => Value::from(t),
            Literal::Bool(b) => Value::from(b),
        });
        let theirs = theirs.map(|v| match v.as_f64() {
            Some(n) => Value::from(n),
            None => v.clone(),
        });
        self.expect(at, "default", ours, theirs);
    }

    /// Every keyword of a field's schema must be one this check compares (or plain prose):
    /// a keyword it does not understand fails the test rather than being skipped.
    fn only_known_keywords(&mut self, at: &str, kind: &FieldKind, schema: &Value) {
        const PROSE: [&str; 5] = ["type", "description", "example", "title", "default"];
        let known: &[&str] = match kind {
            FieldKind::Text { .. } => &["minLength", "maxLength", "pattern"],
            FieldKind::Url { .. } => &["format", "maxLength"],
            FieldKind::Number { .. } => &["minimum", "maximum"],
            // `const: x` is a choice of one.
            FieldKind::Choice(_) | FieldKind::ChoiceOrNull(_) => &["enum", "const"],
            FieldKind::Bool => &[],
            FieldKind::List { .. } => &["items", "minItems", "maxItems"],
            FieldKind::Object(_) => &["properties", "required", "additionalProperties"],
        };
        for keyword in schema.as_object().into_iter().flat_map(|o| o.keys()) {
            if !PROSE.contains(&keyword.as_str()) && !known.contains(&keyword.as_str()) {
                self.problems
                    .push(format!("{at}: schema keyword '{keyword}' is not checked"));
            }
        }
    }

    fn kind(&mut self, at: &str, kind: &FieldKind, schema: &Value) {
        let (ty, nullable) = types(schema);
        self.only_known_keywords(at, kind, schema);
        match *kind {
            FieldKind::Text {
                min_len,
                max_len,
                pattern,
            } => {
                self.expect(
                    at,
                    "pattern",
                    pattern.map(|p| p.source()),
                    schema.get("pattern").and_then(Value::as_str),
                );
                self.expect(at, "type", "string", &ty);
                self.expect(
                    at,
                    "uri format",
                    None,
                    schema.get("format").and_then(Value::as_str),
                );
                self.expect(at, "minLength", min_len, count(schema, "minLength"));
                self.expect(at, "maxLength", max_len, count(schema, "maxLength"));
            }
            FieldKind::Url {
                max_len,
                nullable: ours,
            } => {
                self.expect(at, "type", "string", &ty);
                self.expect(
                    at,
                    "format",
                    Some("uri"),
                    schema.get("format").and_then(Value::as_str),
                );
                self.expect(at, "nullable", ours, nullable);
                self.expect(at, "maxLength", max_len, count(schema, "maxLength"));
            }
            FieldKind::Number {
                min,
                max,
                integer,
                nullable: ours,
            } => {
                self.expect(at, "type", if integer { "integer" } else { "number" }, &ty);
                self.expect(at, "nullable", ours, nullable);
                self.expect(at, "minimum", min, number(schema, "minimum"));
                self.expect(at, "maximum", max, number(schema, "maximum"));
            }
            FieldKind::Choice(options) | FieldKind::ChoiceOrNull(options) => {
                self.expect(at, "type", "string", &ty);
                self.expect(
                    at,
                    "nullable",
                    matches!(kind, FieldKind::ChoiceOrNull(_)),
                    nullable,
                );
                let theirs: Vec<&str> = match schema.get("const").and_then(Value::as_str) {
                    Some(only) => vec![only],
                    None => schema["enum"]
                        .as_array()
                        .map(|e| e.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default(),
                };
                self.expect(at, "enum", options.to_vec(), theirs);
            }
            FieldKind::Bool => self.expect(at, "type", "boolean", &ty),
            FieldKind::List {
                item,
                min_items,
                max_items,
            } => {
                self.expect(at, "type", "array", &ty);
                self.expect(at, "minItems", min_items, count(schema, "minItems"));
                self.expect(at, "maxItems", max_items, count(schema, "maxItems"));
                let items = resolve(self.spec, &schema["items"]);
                self.kind(&format!("{at}[]"), item, items);
            }
            FieldKind::Object(fields) => {
                self.expect(at, "type", "object", &ty);
                self.object(at, fields, schema, false);
            }
        }
    }
}

#[test]
fn every_catalogue_model_matches_krea_spec_and_every_spec_model_is_catalogued() {
    let spec = spec();
    let mut check = Check {
        spec: &spec,
        problems: Vec::new(),
    };
    let mut covered = 0;
    for model in catalogue::all() {
        if let Some(schema) = request_schema(&spec, &model.path()) {
            covered += 1;
            check.object(model.id, model.fields, schema, true);
        }
    }
    let spec_paths: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|path| {
            path.strip_prefix("/generate/image/")
                .or_else(|| path.strip_prefix("/generate/enhance/"))
        })
        .collect();
    for path in &spec_paths {
        if catalogue::find(path).is_none() {
            check
                .problems
                .push(format!("{path}: in the spec, not in the catalogue"));
        }
    }
    assert!(
        check.problems.is_empty(),
        "{} mismatches:\n{}",
        check.problems.len(),
        check.problems.join("\n")
    );
    assert_eq!(covered, spec_paths.len());
    assert!(
        covered >= 25,
        "the spec lists 22 image models and 3 enhancers; only {covered} compared"
    );
}

#[test]
fn the_simulators_spec_describes_the_catalogue_exactly() {
    let ours = krea_api::openapi::document();
    let mut check = Check {
        spec: &ours,
        problems: Vec::new(),
    };
    for model in catalogue::all() {
        let schema = request_schema(&ours, &model.path()).expect("every model has a path");
        check.object(model.id, model.fields, schema, true);
    }
    assert!(check.problems.is_empty(), "{}", check.problems.join("\n"));
    // Krea's own models, as Krea's spec lists them, are all there under the same paths.
    let spec = spec();
    for path in spec["paths"].as_object().unwrap().keys() {
        if path.starts_with("/generate/image/") || path.starts_with("/generate/enhance/") {
            assert!(request_schema(&ours, path).is_some(), "{path} is missing");
        }
    }
}

#[test]
fn krea_enhance_matches_the_api_notes() {
    let spec = spec();
    assert!(
        request_schema(&spec, "/generate/enhance/krea/enhance").is_none(),
        "the spec now covers Krea Enhance: compare it there"
    );
    let model = catalogue::find("krea/enhance").unwrap();
    assert_eq!(model.path(), "/generate/enhance/krea/enhance");
    let names: Vec<&str> = model.fields.iter().map(|f| f.name).collect();
    assert_eq!(
        names,
        [
            "image_url",
            "prompt",
            "image_scaling_factor",
            "ai_strength",
            "clarity_strength",
            "resemblance_strength",
            "sharpness",
            "rescale_color",
            "seed"
        ]
    );
    let url = model.field("image_url").unwrap();
    assert!(url.required);
    assert_eq!(
        url.kind,
        FieldKind::Url {
            max_len: Some(1024),
            nullable: false
        }
    );
    let bounds = |name: &str| match model.field(name).unwrap().kind {
        FieldKind::Number { min, max, .. } => (min, max),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(bounds("image_scaling_factor"), (Some(0.1), None));
    assert_eq!(bounds("ai_strength"), (Some(0.1), Some(1.0)));
    assert_eq!(bounds("clarity_strength"), (Some(1.0), Some(12.0)));
    assert_eq!(bounds("resemblance_strength"), (Some(0.0), Some(2.5)));
}

#[test]
fn krea_2_matches_the_api_notes() {
    let spec = spec();
    assert!(
        request_schema(&spec, "/generate/image/krea/krea-2/medium").is_none(),
        "the spec now covers Krea 2: compare it there"
    );
    for id in [
        "krea/krea-2/medium",
        "krea/krea-2/large",
        "krea/krea-2/medium-turbo",
    ] {
        let model = catalogue::find(id).unwrap();
        let names: Vec<&str> = model.fields.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
                "prompt",
                "aspect_ratio",
                "resolution",
                "seed",
                "creativity",
                "intensity",
                "complexity",
                "movement",
                "styles",
                "image_style_references",
                "moodboards",
                "image_url",
                "strength"
            ]
        );
        let required: Vec<&str> = model
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        assert_eq!(required, ["prompt", "aspect_ratio", "resolution"]);
        assert_eq!(
            model.field("aspect_ratio").unwrap().kind.options().unwrap(),
            ["1:1", "4:3", "3:2", "16:9", "2.35:1", "4:5", "2:3", "9:16"]
        );
        assert_eq!(
            model.field("resolution").unwrap().kind.options().unwrap(),
            ["1K"]
        );
        let FieldKind::List { max_items, .. } = model.field("image_style_references").unwrap().kind
        else {
            panic!("image_style_references is a list")
        };
        assert_eq!(max_items, Some(10));
        let FieldKind::List { max_items, .. } = model.field("moodboards").unwrap().kind else {
            panic!("moodboards is a list")
        };
        assert_eq!(max_items, Some(1));
    }
}
