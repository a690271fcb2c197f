//! Field shapes several models share, and the `const fn`s the catalogue is written with.

use super::types::{FieldKind, FieldSpec, Literal};

pub(super) const fn field(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
        kind,
        default: None,
    }
}

pub(super) const fn required(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        required: true,
        kind,
        default: None,
    }
}

pub(super) const fn with_default(
    name: &'static str,
    kind: FieldKind,
    default: Literal,
) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
        kind,
        default: Some(default),
    }
}

pub(super) const fn text(min_len: Option<usize>, max_len: Option<usize>) -> FieldKind {
    FieldKind::Text {
        min_len,
        max_len,
        pattern: None,
    }
}

pub(super) const fn number(min: Option<f64>, max: Option<f64>) -> FieldKind {
    FieldKind::Number {
        min,
        max,
        integer: false,
        nullable: false,
    }
}

pub(super) const fn integer(min: Option<f64>, max: Option<f64>) -> FieldKind {
    FieldKind::Number {
        min,
        max,
        integer: true,
        nullable: false,
    }
}

pub(super) const URI: FieldKind = FieldKind::Url {
    max_len: None,
    nullable: false,
};
pub(super) const SEED: FieldKind = number(None, None);
pub(super) const STRENGTH_PM2: FieldKind = number(Some(-2.0), Some(2.0));

/// `{url, strength −2…2}` image prompts (`style_images`) and Flux style references.
pub(super) const IMAGE_PROMPT: FieldKind =
    FieldKind::Object(&[field("url", URI), required("strength", STRENGTH_PM2)]);
/// `{id, strength −2…2}`: trained styles (LoRAs).
pub(super) const STYLE: FieldKind = FieldKind::Object(&[
    required("id", text(None, None)),
    required("strength", STRENGTH_PM2),
]);

pub(super) const fn list(item: &'static FieldKind, max_items: Option<usize>) -> FieldKind {
    FieldKind::List {
        item,
        min_items: None,
        max_items,
    }
}

pub(super) const KREA_2_ASPECT_RATIOS: &[&str] =
    &["1:1", "4:3", "3:2", "16:9", "2.35:1", "4:5", "2:3", "9:16"];
pub(super) const NANO_BANANA_ASPECT_RATIOS: &[&str] = &[
    "21:9", "1:1", "4:3", "3:2", "2:3", "5:4", "4:5", "3:4", "16:9", "9:16",
];

pub(super) const KREA_2_URL: FieldKind = FieldKind::Url {
    max_len: Some(1024),
    nullable: false,
};
pub(super) const KREA_2_FIELDS: &[FieldSpec] = &[
    required("prompt", text(None, None)),
    required("aspect_ratio", FieldKind::Choice(KREA_2_ASPECT_RATIOS)),
    required("resolution", FieldKind::Choice(&["1K"])),
    field(
        "seed",
        FieldKind::Number {
            min: None,
            max: None,
            integer: false,
            nullable: true,
        },
    ),
    with_default(
        "creativity",
        FieldKind::Choice(&["raw", "low", "medium", "high"]),
        Literal::Text("low"),
    ),
    with_default(
        "intensity",
        integer(Some(-100.0), Some(100.0)),
        Literal::Number(0.0),
    ),
    with_default(
        "complexity",
        integer(Some(-100.0), Some(100.0)),
        Literal::Number(0.0),
    ),
    with_default(
        "movement",
        integer(Some(-100.0), Some(100.0)),
        Literal::Number(0.0),
    ),
    field("styles", list(&STYLE, None)),
    field(
        "image_style_references",
        list(
            &FieldKind::Object(&[
                required("url", KREA_2_URL),
                with_default(
                    "strength",
                    number(Some(0.0), Some(1.0)),
                    Literal::Number(0.5),
                ),
            ]),
            Some(10),
        ),
    ),
    field(
        "moodboards",
        list(
            &FieldKind::Object(&[
                required("id", text(None, None)),
                with_default(
                    "strength",
                    number(Some(0.0), Some(1.0)),
                    Literal::Number(0.23),
                ),
            ]),
            Some(1),
        ),
    ),
    field(
        "image_url",
        FieldKind::Url {
            max_len: Some(1024),
            nullable: true,
        },
    ),
    with_default(
        "strength",
        number(Some(0.0), Some(1.0)),
        Literal::Number(0.99),
    ),
];

pub(super) const fn dimension(
    name: &'static str,
    min: Option<f64>,
    max: Option<f64>,
    default: Option<f64>,
) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
        kind: number(min, max),
        default: match default {
            Some(value) => Some(Literal::Number(value)),
            None => None,
        },
    }
}

/// `seed` with the fixed default most of Krea's schemas print.
pub(super) const SEED_1337: FieldSpec = with_default("seed", SEED, Literal::Number(1337.0));
pub(super) const PROMPT_1: FieldSpec = required("prompt", text(Some(1), None));
pub(super) const WIDTH_8192: FieldSpec =
    dimension("width", Some(512.0), Some(8192.0), Some(1024.0));
pub(super) const HEIGHT_8192: FieldSpec =
    dimension("height", Some(512.0), Some(8192.0), Some(1024.0));
/// Models that take only a prompt, a size between 512 and 8192, and a seed.
pub(super) const PLAIN_8192: &[FieldSpec] = &[PROMPT_1, WIDTH_8192, HEIGHT_8192, SEED_1337];
pub(super) const URI_LIST: FieldKind = list(&URI, None);
pub(super) const ANY_URL: FieldKind = FieldKind::Url {
    max_len: None,
    nullable: true,
};

pub(super) const fn flux_dev_fields(seed: f64) -> [FieldSpec; 11] {
    [
        required("prompt", text(None, Some(1800))),
        with_default("strength", number(None, None), Literal::Number(1.0)),
        with_default("seed", SEED, Literal::Number(seed)),
        with_default(
            "steps",
            integer(Some(1.0), Some(100.0)),
            Literal::Number(25.0),
        ),
        dimension("width", Some(512.0), Some(2368.0), Some(1024.0)),
        dimension("height", Some(512.0), Some(2368.0), Some(1024.0)),
        with_default(
            "guidance_scale_flux",
            number(Some(0.0), Some(24.0)),
            Literal::Number(3.0),
        ),
        field("image_url", ANY_URL),
        field("styles", list(&STYLE, None)),
        field("style_images", list(&IMAGE_PROMPT, None)),
        field("image_style_references", list(&IMAGE_PROMPT, None)),
    ]
}

pub(super) const FLUX_DEV: [FieldSpec; 11] = flux_dev_fields(3_317_551_338.0);
/// Kontext takes Flux dev's fields less the style LoRAs and style references, and at most
/// one image prompt.
pub(super) const FLUX_KONTEXT: [FieldSpec; 9] = {
    let dev = flux_dev_fields(3_261_419_148.0);
    [
        dev[0],
        dev[1],
        dev[2],
        dev[3],
        dev[4],
        dev[5],
        dev[6],
        dev[7],
        field("style_images", list(&IMAGE_PROMPT, Some(1))),
    ]
};

pub(super) const fn nano_banana_fields(
    min_prompt: usize,
    aspect_ratios: &'static [&'static str],
) -> [FieldSpec; 7] {
    [
        required("prompt", text(Some(min_prompt), None)),
        dimension("width", None, None, None),
        dimension("height", None, None, None),
        field("image_urls", URI_LIST),
        field("aspect_ratio", FieldKind::Choice(aspect_ratios)),
        with_default(
            "resolution",
            FieldKind::Choice(&["1K", "2K", "4K"]),
            Literal::Text("1K"),
        ),
        field("style_images", list(&IMAGE_PROMPT, None)),
    ]
}

pub(super) const NANO_BANANA_2_ASPECT_RATIOS: &[&str] = &[
    "4:1", "21:9", "1:1", "4:3", "3:2", "2:3", "5:4", "4:5", "3:4", "16:9", "9:16", "1:4", "1:8",
];
pub(super) const NANO_BANANA_PRO: [FieldSpec; 7] = nano_banana_fields(3, NANO_BANANA_ASPECT_RATIOS);
pub(super) const NANO_BANANA_2: [FieldSpec; 7] = nano_banana_fields(3, NANO_BANANA_2_ASPECT_RATIOS);
/// The first Nano Banana: no resolution choice, and a one-character prompt will do.
pub(super) const NANO_BANANA: [FieldSpec; 6] = [
    PROMPT_1,
    dimension("width", None, None, None),
    dimension("height", None, None, None),
    field("image_urls", URI_LIST),
    field("aspect_ratio", FieldKind::Choice(NANO_BANANA_ASPECT_RATIOS)),
    field("style_images", list(&IMAGE_PROMPT, None)),
];
