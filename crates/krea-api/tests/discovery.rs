//! Discovery reads a model from a request schema exactly as the catalogue describes it: the
//! test runs it over the simulator's document and over Krea's own spec (read from
//! `../shared/reference/`), for every model either covers.

mod common;

use common::krea_spec;
use krea_api::{catalogue, discovery, openapi, FieldKind, FieldSpec, Price, MODELS};

/// Fields as text, by name at every level: JSON objects carry no order.
fn canonical(fields: &[FieldSpec]) -> Vec<String> {
    let mut lines: Vec<String> = fields
        .iter()
        .map(|field| {
            let kind = match field.kind {
                FieldKind::Object(members) => format!("{:?}", canonical(members)),
                FieldKind::List {
                    item: FieldKind::Object(members),
                    min_items,
                    max_items,
                } => format!(
                    "list {min_items:?}..{max_items:?} of {:?}",
                    canonical(members)
                ),
                other => format!("{other:?}"),
            };
            format!(
                "{} {} {kind} {:?}",
                field.name, field.required, field.default
            )
        })
        .collect();
    lines.sort();
    lines
}

#[test]
fn the_simulators_document_reads_back_as_the_catalogue() {
    let document = openapi::document();
    assert!(discovery::uncatalogued(&document).is_empty());
    for model in MODELS {
        let read = discovery::model_from_spec(&document, model.id).expect(model.id);
        assert_eq!(
            canonical(read.fields),
            canonical(model.fields),
            "{}",
            model.id
        );
        assert_eq!(read.name, model.name);
        assert_eq!(read.description, model.description);
        assert_eq!(read.typical_secs, model.typical_secs, "{}", model.id);
        if let Price::ComputeUnits(_) = model.price {
            assert_eq!(read.price, model.price, "{}", model.id);
        }
    }
}

#[test]
fn krea_spec_reads_back_as_the_catalogue_for_every_model_it_covers() {
    let spec = krea_spec();
    assert!(
        discovery::uncatalogued(&spec).is_empty(),
        "every image endpoint of Krea's spec is catalogued"
    );
    let mut covered = 0;
    let mut problems = Vec::new();
    for model in MODELS {
        let Some(read) = discovery::model_from_spec(&spec, model.id) else {
            continue;
        };
        covered += 1;
        if canonical(read.fields) != canonical(model.fields) {
            problems.push(format!(
                "{}: fields\n  read      {:?}\n  catalogue {:?}",
                model.id,
                canonical(read.fields),
                canonical(model.fields)
            ));
        }
        if read.typical_secs.is_some() && read.typical_secs != model.typical_secs {
            problems.push(format!(
                "{}: time {:?} vs {:?}",
                model.id, read.typical_secs, model.typical_secs
            ));
        }
        if let Price::ComputeUnits(_) = model.price {
            if read.price != model.price {
                problems.push(format!(
                    "{}: price {:?} vs {:?}",
                    model.id, read.price, model.price
                ));
            }
        }
    }
    assert_eq!(covered, MODELS.len() - 3, "all but Krea 2's three");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(catalogue::find("bfl/flux-1-dev").is_some());
}
