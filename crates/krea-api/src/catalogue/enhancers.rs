//! Krea's image enhancers (`POST /generate/enhance/{provider}/{model}`): jobs like any
//! generate, that take one image and return it larger or sharper. Topaz's three are as
//! Krea's spec states them; Krea Enhance is newer than the spec and is written from Krea's
//! API reference page (the API notes, §11).

use super::fields::*;
use super::types::{Endpoint, FieldKind, FieldSpec, Literal, ModelSpec, Price};

const fn enhancer(
    id: &'static str,
    name: &'static str,
    description: &'static str,
    fields: &'static [FieldSpec],
) -> ModelSpec {
    ModelSpec {
        id,
        endpoint: Endpoint::Enhance,
        name,
        description,
        typical_secs: None,
        // Krea publishes no price for its enhancers in the material we have.
        price: Price::Unstated,
        fields,
    }
}

const fn share(name: &'static str, min: f64, default: f64) -> FieldSpec {
    with_default(name, number(Some(min), Some(1.0)), Literal::Number(default))
}

const fn flag(name: &'static str) -> FieldSpec {
    with_default(name, FieldKind::Bool, Literal::Bool(false))
}

const fn topaz_size(name: &'static str, max: f64) -> FieldSpec {
    required(name, number(Some(1.0), Some(max)))
}

const TOPAZ_PROMPT: FieldSpec = with_default("prompt", text(None, None), Literal::Text(""));
const SOURCE: FieldSpec = required("image_url", URI);
const OUTPUT_FORMAT: FieldSpec = with_default(
    "output_format",
    FieldKind::Choice(&["png", "jpg", "webp"]),
    Literal::Text("jpg"),
);
const SUBJECT_DETECTION: FieldSpec = with_default(
    "subject_detection",
    FieldKind::Choice(&["All", "Foreground", "Background"]),
    Literal::Text("All"),
);
const SCALING: FieldSpec = with_default(
    "image_scaling_factor",
    number(Some(1.0), Some(32.0)),
    Literal::Number(1.0),
);

/// The enhancers, after the image models in [`super::all`].
pub static ENHANCERS: &[ModelSpec] = &[
    enhancer(
        "krea/enhance",
        "Krea Enhance",
        "Krea's own upscaler: larger, with detail added as strongly as you ask.",
        &[
            required("image_url", KREA_2_URL),
            field("prompt", text(None, None)),
            with_default(
                "image_scaling_factor",
                number(Some(0.1), None),
                Literal::Number(2.0),
            ),
            share("ai_strength", 0.1, 0.4),
            with_default(
                "clarity_strength",
                number(Some(1.0), Some(12.0)),
                Literal::Number(4.0),
            ),
            with_default(
                "resemblance_strength",
                number(Some(0.0), Some(2.5)),
                Literal::Number(1.0),
            ),
            with_default("sharpness", number(None, None), Literal::Number(0.5)),
            field("rescale_color", FieldKind::Bool),
            field("seed", SEED),
        ],
    ),
    enhancer(
        "topaz/standard-enhance",
        "Topaz Standard",
        "Powerful faithful upscaler. Up to 22K resolution. Best for photos.",
        &[
            TOPAZ_PROMPT,
            topaz_size("width", 32000.0),
            topaz_size("height", 32000.0),
            SEED_1337,
            SOURCE,
            required(
                "model",
                FieldKind::Choice(&[
                    "Standard V2",
                    "Low Resolution V2",
                    "CGI",
                    "High Fidelity V2",
                    "Text Refine",
                ]),
            ),
            OUTPUT_FORMAT,
            SUBJECT_DETECTION,
            flag("face_enhancement"),
            share("face_enhancement_creativity", 0.0, 0.5),
            share("face_enhancement_strength", 0.0, 0.5),
            flag("crop_to_fill"),
            flag("upscaling_activated"),
            SCALING,
            share("sharpen", 0.0, 0.5),
            share("denoise", 0.0, 0.5),
            share("fix_compression", 0.0, 0.5),
            share("strength", 0.01, 0.5),
        ],
    ),
    enhancer(
        "topaz/generative-enhance",
        "Topaz Generative",
        "Most powerful creative enhancer. Max 16K.",
        &[
            TOPAZ_PROMPT,
            topaz_size("width", 32000.0),
            topaz_size("height", 32000.0),
            SEED_1337,
            SOURCE,
            with_default(
                "model",
                FieldKind::Choice(&["Redefine", "Recovery", "Recovery V2", "Reimagine"]),
                Literal::Text("Redefine"),
            ),
            OUTPUT_FORMAT,
            SUBJECT_DETECTION,
            flag("face_enhancement"),
            share("face_enhancement_creativity", 0.0, 0.5),
            share("face_enhancement_strength", 0.0, 0.5),
            flag("crop_to_fill"),
            flag("upscaling_activated"),
            SCALING,
            with_default(
                "creativity",
                integer(Some(1.0), Some(6.0)),
                Literal::Number(3.0),
            ),
            with_default(
                "texture",
                integer(Some(1.0), Some(5.0)),
                Literal::Number(3.0),
            ),
            share("sharpen", 0.0, 0.5),
            share("denoise", 0.0, 0.5),
            share("detail", 0.0, 0.5),
        ],
    ),
    enhancer(
        "topaz/bloom-enhance",
        "Topaz Bloom",
        "Creative upscaler that adds new details. Max 10K.",
        &[
            TOPAZ_PROMPT,
            topaz_size("width", 10000.0),
            topaz_size("height", 10000.0),
            SEED_1337,
            SOURCE,
            required("model", FieldKind::Choice(&["Reimagine"])),
            OUTPUT_FORMAT,
            flag("crop_to_fill"),
            with_default(
                "creativity",
                integer(Some(1.0), Some(9.0)),
                Literal::Number(3.0),
            ),
            flag("face_preservation"),
            flag("color_preservation"),
            flag("upscaling_activated"),
            SCALING,
        ],
    ),
];
