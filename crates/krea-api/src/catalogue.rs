//! The catalogue of Krea image models: every field each endpoint accepts, with its type,
//! bounds, enum values and default, as Krea's OpenAPI spec (and, for Krea 2, its docs)
//! states them. The app's form, client-side validation and the simulator's 400s all read it.

/// How a model is priced per generated image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Price {
    /// A fixed price in US dollars, where Krea publishes one.
    Usd(f64),
    /// Krea compute units, as printed in the endpoint's description.
    ComputeUnits(f64),
}

impl Price {
    /// `$0.03 per image`, `17.2 compute units`.
    pub fn label(&self) -> String {
        match self {
            Price::Usd(usd) => format!("${} per image", crate::number::format_number(*usd)),
            Price::ComputeUnits(units) => {
                format!("{} compute units", crate::number::format_number(*units))
            }
        }
    }
}

/// A constant default value from the spec.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal {
    Number(f64),
    Text(&'static str),
    Bool(bool),
}

/// What a field accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldKind {
    Text {
        min_len: Option<usize>,
        max_len: Option<usize>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
        nullable: bool,
    },
    Choice(&'static [&'static str]),
    Bool,
    /// A URL (or `data:` URI) string.
    Url {
        max_len: Option<usize>,
        nullable: bool,
    },
    List {
        item: &'static FieldKind,
        min_items: Option<usize>,
        max_items: Option<usize>,
    },
    /// Nested item objects are open in Krea's schemas: only the listed members are checked.
    Object(&'static [FieldSpec]),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub required: bool,
    pub kind: FieldKind,
    pub default: Option<Literal>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelSpec {
    /// The path after `/generate/image/`, e.g. `bfl/flux-1-dev`; also the model's id.
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// Typical seconds to a finished image, where Krea states it.
    pub typical_secs: Option<u32>,
    /// The base price of one image (text-only, lowest resolution).
    pub price: Price,
    pub fields: &'static [FieldSpec],
}

impl ModelSpec {
    pub fn path(&self) -> String {
        format!("/generate/image/{}", self.id)
    }

    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// `provider` in `/generate/image/{provider}/{model}`.
    pub fn provider(&self) -> &'static str {
        self.id.split('/').next().unwrap_or(self.id)
    }
}

/// Looks a model up by its id (the path after `/generate/image/`).
pub fn find(id: &str) -> Option<&'static ModelSpec> {
    MODELS.iter().find(|model| model.id == id)
}

const fn field(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
        kind,
        default: None,
    }
}

const fn required(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        required: true,
        kind,
        default: None,
    }
}

const fn with_default(name: &'static str, kind: FieldKind, default: Literal) -> FieldSpec {
    FieldSpec {
        name,
        required: false,
        kind,
        default: Some(default),
    }
}

const fn text(min_len: Option<usize>, max_len: Option<usize>) -> FieldKind {
    FieldKind::Text { min_len, max_len }
}

const fn number(min: Option<f64>, max: Option<f64>) -> FieldKind {
    FieldKind::Number {
        min,
        max,
        integer: false,
        nullable: false,
    }
}

const fn integer(min: Option<f64>, max: Option<f64>) -> FieldKind {
    FieldKind::Number {
        min,
        max,
        integer: true,
        nullable: false,
    }
}

const URI: FieldKind = FieldKind::Url {
    max_len: None,
    nullable: false,
};
const SEED: FieldKind = number(None, None);
const STRENGTH_PM2: FieldKind = number(Some(-2.0), Some(2.0));

/// `{url, strength −2…2}` image prompts (`style_images`) and Flux style references.
const IMAGE_PROMPT: FieldKind =
    FieldKind::Object(&[field("url", URI), required("strength", STRENGTH_PM2)]);
/// `{id, strength −2…2}`: trained styles (LoRAs).
const STYLE: FieldKind = FieldKind::Object(&[
    required("id", text(None, None)),
    required("strength", STRENGTH_PM2),
]);

const fn list(item: &'static FieldKind, max_items: Option<usize>) -> FieldKind {
    FieldKind::List {
        item,
        min_items: None,
        max_items,
    }
}

const KREA_2_ASPECT_RATIOS: &[&str] =
    &["1:1", "4:3", "3:2", "16:9", "2.35:1", "4:5", "2:3", "9:16"];
const NANO_BANANA_ASPECT_RATIOS: &[&str] = &[
    "21:9", "1:1", "4:3", "3:2", "2:3", "5:4", "4:5", "3:4", "16:9", "9:16",
];

const KREA_2_URL: FieldKind = FieldKind::Url {
    max_len: Some(1024),
    nullable: false,
};
const KREA_2_FIELDS: &[FieldSpec] = &[
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

/// The headline models. Prices and times are Krea's own figures (see the API notes).
pub static MODELS: &[ModelSpec] = &[
    ModelSpec {
        id: "krea/krea-2/medium",
        name: "Krea 2",
        description: "Krea's own model: strong aesthetics, styles and moodboards.",
        typical_secs: None,
        price: Price::Usd(0.03),
        fields: KREA_2_FIELDS,
    },
    ModelSpec {
        id: "bfl/flux-1-dev",
        name: "Flux",
        description: "Fast model. Best for LoRAs.",
        typical_secs: Some(7),
        price: Price::ComputeUnits(3.0),
        fields: &[
            required("prompt", text(None, Some(1800))),
            with_default("strength", number(None, None), Literal::Number(1.0)),
            with_default("seed", SEED, Literal::Number(3_317_551_338.0)),
            with_default(
                "steps",
                integer(Some(1.0), Some(100.0)),
                Literal::Number(25.0),
            ),
            with_default(
                "width",
                number(Some(512.0), Some(2368.0)),
                Literal::Number(1024.0),
            ),
            with_default(
                "height",
                number(Some(512.0), Some(2368.0)),
                Literal::Number(1024.0),
            ),
            with_default(
                "guidance_scale_flux",
                number(Some(0.0), Some(24.0)),
                Literal::Number(3.0),
            ),
            field(
                "image_url",
                FieldKind::Url {
                    max_len: None,
                    nullable: true,
                },
            ),
            field("styles", list(&STYLE, None)),
            field("style_images", list(&IMAGE_PROMPT, None)),
            field("image_style_references", list(&IMAGE_PROMPT, None)),
        ],
    },
    ModelSpec {
        id: "google/nano-banana-pro",
        name: "Nano Banana Pro",
        description: "World's most intelligent model.",
        typical_secs: None,
        price: Price::Usd(0.15),
        fields: &[
            required("prompt", text(Some(3), None)),
            field("width", number(None, None)),
            field("height", number(None, None)),
            field("image_urls", list(&URI, None)),
            field("aspect_ratio", FieldKind::Choice(NANO_BANANA_ASPECT_RATIOS)),
            with_default(
                "resolution",
                FieldKind::Choice(&["1K", "2K", "4K"]),
                Literal::Text("1K"),
            ),
            field("style_images", list(&IMAGE_PROMPT, None)),
        ],
    },
    ModelSpec {
        id: "bytedance/seedream-4",
        name: "Seedream 4",
        description: "High quality model for photorealism and text rendering.",
        typical_secs: Some(20),
        price: Price::ComputeUnits(17.2),
        fields: &[
            required("prompt", text(Some(1), None)),
            required("width", number(None, Some(4096.0))),
            required("height", number(None, Some(4096.0))),
            with_default("seed", SEED, Literal::Number(1337.0)),
            field("style_images", list(&IMAGE_PROMPT, None)),
        ],
    },
    ModelSpec {
        id: "openai/gpt-image-2",
        name: "GPT Image 2",
        description: "Smart, powerful model for editing.",
        typical_secs: Some(55),
        price: Price::ComputeUnits(127.0),
        fields: &[
            required("prompt", text(Some(1), None)),
            required("width", number(None, None)),
            required("height", number(None, None)),
            with_default(
                "quality",
                FieldKind::Choice(&["low", "medium", "high", "auto"]),
                Literal::Text("high"),
            ),
            field("image_urls", list(&text(None, None), Some(10))),
            field("style_images", list(&IMAGE_PROMPT, Some(10))),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_paths_are_krea_paths() {
        let mut ids: Vec<_> = MODELS.iter().map(|m| m.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), MODELS.len());
        assert_eq!(
            find("bfl/flux-1-dev").unwrap().path(),
            "/generate/image/bfl/flux-1-dev"
        );
        assert_eq!(find("krea/krea-2/medium").unwrap().provider(), "krea");
        assert!(find("bfl/flux-9").is_none());
    }

    #[test]
    fn prices_read_naturally() {
        assert_eq!(Price::Usd(0.03).label(), "$0.03 per image");
        assert_eq!(Price::ComputeUnits(17.2).label(), "17.2 compute units");
    }

    #[test]
    fn every_model_requires_a_prompt_and_can_be_sized() {
        for model in MODELS {
            assert!(
                model.field("prompt").is_some_and(|f| f.required),
                "{}",
                model.id
            );
            let sized = model.field("aspect_ratio").is_some()
                || (model.field("width").is_some() && model.field("height").is_some());
            assert!(sized, "{} takes no size", model.id);
        }
    }
}
