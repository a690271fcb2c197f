//! The parsers and the validator meet whatever a network, an import file or a hostile
//! upstream sends: on any input they answer, with a value or an error, and never panic.
#![cfg(not(target_arch = "wasm32"))]

use krea_api::{validation, ErrorBody, Job, JobList, MODELS};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Any JSON value, nested a few levels, with the keys Krea's objects use among others.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("job_id".to_owned()),
        Just("status".to_owned()),
        Just("created_at".to_owned()),
        Just("completed_at".to_owned()),
        Just("result".to_owned()),
        Just("urls".to_owned()),
        Just("error".to_owned()),
        Just("items".to_owned()),
        Just("next_cursor".to_owned()),
        Just("prompt".to_owned()),
        Just("width".to_owned()),
        Just("reference_images".to_owned()),
        "[a-z_]{1,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn job_and_list_parsers_answer_any_text(text in ".{0,200}") {
        let _ = serde_json::from_str::<Job>(&text);
        let _ = serde_json::from_str::<JobList>(&text);
        let _ = ErrorBody::message_from(&text);
    }

    #[test]
    fn job_and_list_parsers_answer_any_json(value in any_json()) {
        let text = value.to_string();
        if let Ok(job) = serde_json::from_str::<Job>(&text) {
            // What the app reads of a job must not panic either.
            let _ = (job.urls(), job.failure_reason(), job.is_finished());
        }
        let _ = serde_json::from_str::<JobList>(&text);
        let _ = ErrorBody::message_from(&text);
    }

    #[test]
    fn the_validator_answers_any_body_for_any_model(value in any_json(), pick in any::<prop::sample::Index>()) {
        let model = &MODELS[pick.index(MODELS.len())];
        let _ = validation::validate(model, &value);
    }

    #[test]
    fn cut_off_answers_are_errors_not_panics(cut in any::<prop::sample::Index>()) {
        let whole = r#"{"items":[{"job_id":"4d0e5f97-9721-4422-b88c-73a9032d7de1","status":"completed","created_at":"2026-11-22T10:00:00.000000Z","completed_at":"2026-11-22T10:00:07.000000Z","result":{"urls":["https://gen.krea.ai/images/1.png"]}}],"next_cursor":null}"#;
        let at = cut.index(whole.len());
        prop_assert!(serde_json::from_str::<JobList>(&whole[..at]).is_err());
    }
}
