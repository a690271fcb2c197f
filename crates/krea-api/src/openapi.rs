//! An OpenAPI document for the catalogue, in the shape of Krea's own `/openapi.json`: one
//! `POST /generate/image/...` per model with its closed request schema. The simulator serves
//! it, so clients that discover models from the spec work offline too.

use crate::catalogue::{self, FieldKind, FieldSpec, Literal, ModelSpec, Price};
use serde_json::{json, Map, Value};

/// The document for every catalogue model and enhancer.
pub fn document() -> Value {
    document_of(catalogue::all())
}

/// The document for these models.
pub fn document_of<'a>(models: impl IntoIterator<Item = &'a ModelSpec>) -> Value {
    let paths: Map<String, Value> = models
        .into_iter()
        .map(|model| (model.path(), json!({ "post": operation(model) })))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Krea API (simulated)", "version": "v1" },
        "servers": [{ "url": "/" }],
        "paths": paths,
    })
}

fn operation(model: &ModelSpec) -> Value {
    json!({
        "summary": model.name,
        "description": description(model),
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": object(model.fields, true) } }
        },
        "responses": {
            "200": { "description": "The job, pending." },
            "400": { "description": "The request body is invalid." }
        }
    })
}

/// Krea's shape: a one-line summary, then a table of what it costs and how long it takes.
fn description(model: &ModelSpec) -> String {
    let price = match model.price {
        Price::ComputeUnits(units) => ("Compute Units", crate::number::format_number(units)),
        other => ("Price", other.label()),
    };
    let mut columns = vec![price];
    if let Some(secs) = model.typical_secs {
        columns.push(("Average Completion Time", format!("~{secs} seconds")));
    }
    let row = |cells: Vec<&str>| format!("| {} |", cells.join(" | "));
    [
        model.description.to_owned(),
        String::new(),
        row(columns.iter().map(|(title, _)| *title).collect()),
        row(columns.iter().map(|_| "---").collect()),
        row(columns.iter().map(|(_, value)| value.as_str()).collect()),
    ]
    .join("\n")
}

fn object(fields: &[FieldSpec], closed: bool) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|field| {
            let mut schema = kind(&field.kind);
            if let (Some(default), Value::Object(map)) = (field.default, &mut schema) {
                map.insert("default".into(), literal(default));
            }
            (field.name.to_owned(), schema)
        })
        .collect();
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut schema = json!({ "type": "object", "properties": properties, "required": required });
    if closed {
        schema["additionalProperties"] = Value::Bool(false);
    }
    schema
}

fn literal(value: Literal) -> Value {
    match value {
        Literal::Number(n) => json!(n),
        Literal::Text(t) => json!(t),
        Literal::Bool(b) => json!(b),
    }
}

fn kind(kind: &FieldKind) -> Value {
    let mut schema = Map::new();
    // Absent bounds stay absent.
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(value) = value {
            schema.insert(key.to_owned(), value);
        }
    };
    match *kind {
        FieldKind::Text {
            min_len,
            max_len,
            pattern,
        } => {
            put("type", Some(json!("string")));
            put("minLength", min_len.map(|n| json!(n)));
            put("maxLength", max_len.map(|n| json!(n)));
            put("pattern", pattern.map(|p| json!(p.source())));
        }
        FieldKind::Number {
            min,
            max,
            integer,
            nullable,
        } => {
            let name = if integer { "integer" } else { "number" };
            put(
                "type",
                Some(if nullable {
                    json!([name, "null"])
                } else {
                    json!(name)
                }),
            );
            put("minimum", min.map(|n| json!(n)));
            put("maximum", max.map(|n| json!(n)));
        }
        FieldKind::Choice(options) => {
            put("type", Some(json!("string")));
            put("enum", Some(json!(options)));
        }
        FieldKind::ChoiceOrNull(options) => {
            put("type", Some(json!(["string", "null"])));
            let values: Vec<Value> = options
                .iter()
                .map(|o| json!(o))
                .chain([Value::Null])
                .collect();
            put("enum", Some(Value::Array(values)));
        }
        FieldKind::Bool => put("type", Some(json!("boolean"))),
        FieldKind::Url { max_len, nullable } => {
            put(
                "type",
                Some(if nullable {
                    json!(["string", "null"])
                } else {
                    json!("string")
                }),
            );
            put("format", Some(json!("uri")));
            put("maxLength", max_len.map(|n| json!(n)));
        }
        FieldKind::List {
            item,
            min_items,
            max_items,
        } => {
            put("type", Some(json!("array")));
            put("items", Some(self::kind(item)));
            put("minItems", min_items.map(|n| json!(n)));
            put("maxItems", max_items.map(|n| json!(n)));
        }
        FieldKind::Object(fields) => return object(fields, false),
    }
    Value::Object(schema)
}
