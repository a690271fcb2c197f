//! Image models that Krea's `/openapi.json` offers and the catalogue does not know yet, read
//! from their request schema so a client keeps working when Krea adds a model.
//!
//! A discovered model becomes an ordinary [`ModelSpec`], so the same form, validation and
//! request code serve it; whoever discovered it keeps it in its own [`crate::Models`]. The
//! catalogue's types borrow `'static` data, so a discovered model is leaked once per distinct
//! form (reading the same spec again hands back the same models), the price of sharing every
//! code path with the catalogue.

use crate::catalogue::{self, FieldKind, FieldSpec, Literal, ModelSpec, Price, TextPattern};
use serde_json::{Map, Value};
use std::sync::Mutex;

/// Where image endpoints live in Krea's spec.
pub const IMAGE_PATH_PREFIX: &str = "/generate/image/";

/// Every image endpoint of `spec` that the catalogue lacks, with a form-ready description.
/// Endpoints whose schema cannot be read (a required field of a shape no form can fill)
/// are left out.
pub fn uncatalogued(spec: &Value) -> Vec<&'static ModelSpec> {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    paths
        .keys()
        .filter_map(|path| path.strip_prefix(IMAGE_PATH_PREFIX))
        .filter(|id| catalogue::MODELS.iter().all(|model| model.id != *id))
        .filter_map(|id| model_from_spec(spec, id))
        .map(interned)
        .collect()
}

/// Models read before, by id and form: reading the same spec again (every page load,
/// every studio on a page) hands back the same models instead of leaking new copies.
static INTERNED: Mutex<Vec<&'static ModelSpec>> = Mutex::new(Vec::new());

fn interned(model: ModelSpec) -> &'static ModelSpec {
    let mut known = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(same) = known.iter().find(|known| ***known == model) {
        return same;
    }
    let leaked: &'static ModelSpec = Box::leak(Box::new(model));
    known.push(leaked);
    leaked
}

/// The model at `/generate/image/{id}` as `spec` describes it.
pub fn model_from_spec(spec: &Value, id: &str) -> Option<ModelSpec> {
    let operation = spec
        .get("paths")?
        .get(format!("{IMAGE_PATH_PREFIX}{id}"))?
        .get("post")?;
    let schema = resolve(
        spec,
        operation
            .get("requestBody")?
            .get("content")?
            .get("application/json")?
            .get("schema")?,
    );
    let fields = object_fields(spec, schema)?;
    if !fields.iter().any(|field| field.name == "prompt") {
        return None;
    }
    let text = |key: &str| operation.get(key).and_then(Value::as_str).map(str::trim);
    let name = text("summary").filter(|s| !s.is_empty()).unwrap_or(id);
    let description = text("description").unwrap_or_default();
    let figures = TableFigures::read(description);
    Some(ModelSpec {
        id: leak(id),
        endpoint: crate::catalogue::Endpoint::Image,
        name: leak(name),
        description: leak(description.lines().next().unwrap_or_default().trim()),
        typical_secs: figures.typical_secs,
        price: figures
            .compute_units
            .map_or(Price::Unstated, Price::ComputeUnits),
        fields: Box::leak(fields.into_boxed_slice()),
    })
}

/// What Krea's endpoint descriptions state in their markdown table: compute units (the
/// lowest row: the base price, before options such as resolution or references) and the
/// average completion time.
#[derive(Debug, Default, PartialEq)]
struct TableFigures {
    compute_units: Option<f64>,
    typical_secs: Option<u32>,
}

impl TableFigures {
    fn read(description: &str) -> TableFigures {
        let cells = |line: &str| -> Vec<String> {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().to_owned())
                .collect()
        };
        let mut lines = description.lines().map(str::trim);
        const COLUMNS: [&str; 2] = ["Compute Units", "Average Completion Time"];
        let Some(header) = lines.find(|line| {
            line.starts_with('|') && COLUMNS.iter().any(|column| line.contains(column))
        }) else {
            return TableFigures::default();
        };
        let header = cells(header);
        let rows: Vec<Vec<String>> = lines
            .take_while(|line| line.starts_with('|'))
            .filter(|line| !line.contains("---"))
            .map(cells)
            .collect();
        let lowest = |column: &str| {
            let at = header.iter().position(|title| title == column)?;
            rows.iter()
                .filter_map(|row| {
                    let cell = row.get(at)?.trim_start_matches('~');
                    cell.split_whitespace().next()?.parse::<f64>().ok()
                })
                .filter(|figure| *figure >= 0.0)
                .reduce(f64::min)
        };
        TableFigures {
            compute_units: lowest(COLUMNS[0]),
            typical_secs: lowest(COLUMNS[1]).map(|secs| secs.round() as u32),
        }
    }
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference
            .strip_prefix("#/")
            .map(|pointer| format!("/{pointer}"))
            .and_then(|pointer| spec.pointer(&pointer))
            .unwrap_or(&Value::Null),
        None => schema,
    }
}

/// The fields of an object schema; `None` when a required one has a shape no form can fill.
fn object_fields(spec: &Value, schema: &Value) -> Option<Vec<FieldSpec>> {
    let empty = Map::new();
    let properties = schema
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    for (name, property) in properties {
        let property = resolve(spec, property);
        let is_required = required.contains(&name.as_str());
        match kind(spec, property) {
            Some(kind) => fields.push(FieldSpec {
                name: leak(name),
                required: is_required,
                kind,
                default: property.get("default").and_then(literal),
            }),
            // An optional field the form cannot show is simply never sent.
            None if is_required => return None,
            None => {}
        }
    }
    // JSON objects carry no order: URLs lead (a list line starts with its URL), then what is
    // required, then the rest by name.
    fields.sort_by_key(|field| {
        (
            !matches!(field.kind, FieldKind::Url { .. }),
            !field.required,
            field.name,
        )
    });
    Some(fields)
}

/// The schema's `type` and whether it also allows `null`.
fn type_of(schema: &Value) -> (Option<&str>, bool) {
    match schema.get("type") {
        Some(Value::String(name)) => (Some(name), false),
        Some(Value::Array(names)) => (
            names
                .iter()
                .filter_map(Value::as_str)
                .find(|name| *name != "null"),
            names.iter().any(|name| name == "null"),
        ),
        _ => (None, false),
    }
}

fn kind(spec: &Value, schema: &Value) -> Option<FieldKind> {
    let count = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
    let (name, nullable) = type_of(schema);
    // `const: x` is a choice of one.
    let only = schema.get("const").map(|only| vec![only.clone()]);
    if let Some(options) = only
        .as_ref()
        .or_else(|| schema.get("enum").and_then(Value::as_array))
    {
        let options: Vec<&'static str> =
            options.iter().filter_map(Value::as_str).map(leak).collect();
        if options.is_empty() {
            return None;
        }
        let options = Box::leak(options.into_boxed_slice());
        return Some(if nullable {
            FieldKind::ChoiceOrNull(options)
        } else {
            FieldKind::Choice(options)
        });
    }
    Some(match name? {
        "string" if schema.get("format").and_then(Value::as_str) == Some("uri") => FieldKind::Url {
            max_len: count("maxLength"),
            nullable,
        },
        "string" => FieldKind::Text {
            min_len: count("minLength"),
            max_len: count("maxLength"),
            // A pattern this crate cannot check makes the field unreadable, never unchecked.
            pattern: match schema.get("pattern") {
                None => None,
                Some(source) => Some(TextPattern::from_source(source.as_str()?)?),
            },
        },
        "number" | "integer" => FieldKind::Number {
            min: bound("minimum"),
            max: bound("maximum"),
            integer: name == Some("integer"),
            nullable,
        },
        "boolean" => FieldKind::Bool,
        "array" => {
            let item = kind(spec, resolve(spec, schema.get("items")?))?;
            if matches!(item, FieldKind::List { .. }) {
                return None;
            }
            FieldKind::List {
                item: Box::leak(Box::new(item)),
                min_items: count("minItems"),
                max_items: count("maxItems"),
            }
        }
        "object" => FieldKind::Object(Box::leak(object_fields(spec, schema)?.into_boxed_slice())),
        _ => return None,
    })
}

fn literal(value: &Value) -> Option<Literal> {
    match value {
        Value::Number(number) => number.as_f64().map(Literal::Number),
        Value::String(text) => Some(Literal::Text(leak(text))),
        Value::Bool(flag) => Some(Literal::Bool(*flag)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi;

    #[test]
    fn a_new_model_is_discovered_and_found_by_whoever_holds_it() {
        let mut document = openapi::document();
        let flux = document["paths"]["/generate/image/bfl/flux-1-dev"].clone();
        document["paths"]["/generate/image/acme/brand-new"] = flux;
        // A field no form can fill: the optional one is dropped, a required one drops the model.
        let schema = &mut document["paths"]["/generate/image/acme/brand-new"]["post"]
            ["requestBody"]["content"]["application/json"]["schema"];
        schema["properties"]["mask"] = serde_json::json!({"type": "array", "items": {"type": "array", "items": {"type": "number"}}});
        let found = uncatalogued(&document);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "acme/brand-new");
        assert!(found[0].field("mask").is_none());
        assert_eq!(
            found[0].fields.len(),
            catalogue::find("bfl/flux-1-dev").unwrap().fields.len()
        );
        assert!(
            catalogue::find("acme/brand-new").is_none(),
            "the catalogue stays the catalogue"
        );
        let models = crate::Models::with_discovered(found);
        assert_eq!(models.find("acme/brand-new").unwrap().name, "Flux");

        schema_required_mask(&mut document);
        assert!(uncatalogued(&document).is_empty());
    }

    fn schema_required_mask(document: &mut Value) {
        document["paths"]["/generate/image/acme/brand-new"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"]["required"]
            .as_array_mut()
            .unwrap()
            .push("mask".into());
    }
}
