//! Checks an answer against the response schema Krea's own spec gives for a route (read
//! from `../shared/reference/` beside the checkout, or `KREA_OPENAPI`; never copied into
//! the repo): required keys, types (with `null` where allowed), nested objects and arrays.

use serde_json::Value;
use std::path::PathBuf;

pub fn krea_spec() -> Value {
    let crate_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let path = std::env::var_os("KREA_OPENAPI")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate_dir.join("../../../shared/reference/krea-openapi.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("Krea's spec is expected at {} ({e})", path.display()));
    serde_json::from_str(&text).expect("the spec is JSON")
}

/// The 200 answer's schema of `method path` in Krea's spec.
pub fn answer_schema<'a>(spec: &'a Value, method: &str, path: &str) -> &'a Value {
    let schema =
        &spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "the spec has no 200 answer for {method} {path}"
    );
    schema
}

/// Every way `value` differs from `schema`, as `at: problem` lines.
pub fn mismatches(schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut problems = Vec::new();
    check(schema, value, at, &mut problems);
    problems
}

fn type_matches(ty: &str, value: &Value) -> bool {
    match ty {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    }
}

fn check(schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let types: Vec<&str> = match &schema["type"] {
        Value::String(ty) => vec![ty.as_str()],
        Value::Array(tys) => tys.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|ty| type_matches(ty, value)) {
        problems.push(format!("{at}: expected {types:?}, got {value}"));
        return;
    }
    if let Some(options) = schema["enum"].as_array() {
        if !options.contains(value) {
            problems.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let (Some(object), Some(properties)) = (value.as_object(), schema["properties"].as_object())
    {
        for required in schema["required"].as_array().into_iter().flatten() {
            let key = required.as_str().unwrap_or_default();
            if !object.contains_key(key) {
                problems.push(format!("{at}.{key}: required, missing"));
            }
        }
        for (key, inner) in object {
            match properties.get(key) {
                Some(property) => check(property, inner, &format!("{at}.{key}"), problems),
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    problems.push(format!("{at}.{key}: not in the spec"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(item_schema)) = (value.as_array(), schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, &format!("{at}[{i}]"), problems);
        }
    }
}

/// Fails the test with every mismatch.
pub fn assert_shape(spec: &Value, method: &str, path: &str, value: &Value) {
    let problems = mismatches(answer_schema(spec, method, path), value, path);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
