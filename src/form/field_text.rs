//! A field's text and its JSON: how a typed value is sent, how a sent value reads again in
//! its input, and what a list input expects on each line.

use crate::i18n::{fill, Texts};
use krea_api::{FieldKind, FieldSpec, Literal};
use serde_json::{Map, Number, Value};

/// How a sent value reads in its input: list items one per line, an item object as its
/// members' values in the schema's order, separated by spaces (the way [`list_item`] reads
/// them).
pub(super) fn value_text(kind: &FieldKind, value: &Value) -> String {
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

pub(super) fn to_json(kind: &FieldKind, text: &str) -> Option<Value> {
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
pub(super) fn where_in_list(rest: &str) -> Option<(usize, Option<String>)> {
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
