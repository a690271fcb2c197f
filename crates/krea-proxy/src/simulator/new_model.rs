//! A model the catalogue does not know, published by `--sim-new-model`, so that model
//! discovery (a client reading `/openapi.json` and building a form from the schema) can be
//! tried and tested offline. It uses every field shape such a form must handle.

use krea_api::{FieldKind, FieldSpec, Literal, ModelSpec, Price};

const fn field(name: &'static str, required: bool, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        required,
        kind,
        default: None,
    }
}

pub static NEW_MODEL: ModelSpec = ModelSpec {
    id: "krea-labs/sketchbook",
    endpoint: krea_api::Endpoint::Image,
    name: "Sketchbook (preview)",
    description: "A model Krea added after this catalogue was written.",
    typical_secs: Some(5),
    price: Price::ComputeUnits(4.0),
    fields: &[
        field(
            "prompt",
            true,
            FieldKind::Text {
                min_len: Some(1),
                max_len: Some(500),
                pattern: None,
            },
        ),
        FieldSpec {
            default: Some(Literal::Text("pencil")),
            ..field(
                "medium",
                false,
                FieldKind::Choice(&["pencil", "ink", "charcoal"]),
            )
        },
        field(
            "line_weight",
            false,
            FieldKind::Number {
                min: Some(0.0),
                max: Some(1.0),
                integer: false,
                nullable: false,
            },
        ),
        field(
            "pages",
            false,
            FieldKind::Number {
                min: Some(1.0),
                max: Some(4.0),
                integer: true,
                nullable: false,
            },
        ),
        field("colour", false, FieldKind::Bool),
        field(
            "image_urls",
            false,
            FieldKind::List {
                item: &FieldKind::Url {
                    max_len: Some(1024),
                    nullable: false,
                },
                min_items: None,
                max_items: Some(2),
            },
        ),
    ],
};
