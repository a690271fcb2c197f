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
    /// Krea publishes no price for this model.
    Unstated,
}

impl Price {
    /// `$0.03 per image`, `17.2 compute units`.
    pub fn label(&self) -> String {
        match self {
            Price::Usd(usd) => format!("${} per image", crate::number::format_number(*usd)),
            Price::ComputeUnits(units) => {
                format!("{} compute units", crate::number::format_number(*units))
            }
            Price::Unstated => "price not published".to_owned(),
        }
    }
}

impl FieldKind {
    /// The options of an enum field.
    pub fn options(&self) -> Option<&'static [&'static str]> {
        match self {
            FieldKind::Choice(options) | FieldKind::ChoiceOrNull(options) => Some(options),
            _ => None,
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
        pattern: Option<TextPattern>,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        integer: bool,
        nullable: bool,
    },
    Choice(&'static [&'static str]),
    /// One of the options, or `null`.
    ChoiceOrNull(&'static [&'static str]),
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

/// The few `pattern`s Krea's schemas use, as data: a regex engine would cost the browser
/// app more than every pattern Krea has ever published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPattern {
    /// Runway's reference tags: a lowercase letter, then lowercase letters, digits or `_`.
    LowerSnake,
}

impl TextPattern {
    pub const ALL: [TextPattern; 1] = [TextPattern::LowerSnake];

    /// The pattern as Krea's spec writes it.
    pub fn source(self) -> &'static str {
        match self {
            TextPattern::LowerSnake => "^[a-z][a-z0-9_]+$",
        }
    }

    /// The pattern a spec names, if it is one of these.
    pub fn from_source(source: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.source() == source)
    }

    pub fn matches(self, text: &str) -> bool {
        match self {
            TextPattern::LowerSnake => {
                let mut chars = text.chars();
                chars.next().is_some_and(|c| c.is_ascii_lowercase())
                    && text.len() >= 2
                    && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }
        }
    }
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

/// A catalogue model by its id (the path after `/generate/image/`). Models discovered from a
/// proxy's spec are in that client's [`crate::Models`].
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
    FieldKind::Text {
        min_len,
        max_len,
        pattern: None,
    }
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

const fn dimension(
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
const SEED_1337: FieldSpec = with_default("seed", SEED, Literal::Number(1337.0));
const PROMPT_1: FieldSpec = required("prompt", text(Some(1), None));
const WIDTH_8192: FieldSpec = dimension("width", Some(512.0), Some(8192.0), Some(1024.0));
const HEIGHT_8192: FieldSpec = dimension("height", Some(512.0), Some(8192.0), Some(1024.0));
/// Models that take only a prompt, a size between 512 and 8192, and a seed.
const PLAIN_8192: &[FieldSpec] = &[PROMPT_1, WIDTH_8192, HEIGHT_8192, SEED_1337];
const URI_LIST: FieldKind = list(&URI, None);
const ANY_URL: FieldKind = FieldKind::Url {
    max_len: None,
    nullable: true,
};

const fn flux_dev_fields(seed: f64) -> [FieldSpec; 11] {
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

const FLUX_DEV: [FieldSpec; 11] = flux_dev_fields(3_317_551_338.0);
/// Kontext takes Flux dev's fields less the style LoRAs and style references, and at most
/// one image prompt.
const FLUX_KONTEXT: [FieldSpec; 9] = {
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

const fn nano_banana_fields(
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

const NANO_BANANA_2_ASPECT_RATIOS: &[&str] = &[
    "4:1", "21:9", "1:1", "4:3", "3:2", "2:3", "5:4", "4:5", "3:4", "16:9", "9:16", "1:4", "1:8",
];
const NANO_BANANA_PRO: [FieldSpec; 7] = nano_banana_fields(3, NANO_BANANA_ASPECT_RATIOS);
const NANO_BANANA_2: [FieldSpec; 7] = nano_banana_fields(3, NANO_BANANA_2_ASPECT_RATIOS);
/// The first Nano Banana: no resolution choice, and a one-character prompt will do.
const NANO_BANANA: [FieldSpec; 6] = [
    PROMPT_1,
    dimension("width", None, None, None),
    dimension("height", None, None, None),
    field("image_urls", URI_LIST),
    field("aspect_ratio", FieldKind::Choice(NANO_BANANA_ASPECT_RATIOS)),
    field("style_images", list(&IMAGE_PROMPT, None)),
];

const fn model(
    id: &'static str,
    name: &'static str,
    description: &'static str,
    typical_secs: Option<u32>,
    price: Price,
    fields: &'static [FieldSpec],
) -> ModelSpec {
    ModelSpec {
        id,
        name,
        description,
        typical_secs,
        price,
        fields,
    }
}

/// Every image model Krea's API offers. Prices and times are Krea's own figures (see the
/// API notes): USD where Krea states one, else compute units; times where Krea prints them.
pub static MODELS: &[ModelSpec] = &[
    model(
        "krea/krea-2/medium",
        "Krea 2",
        "Krea's own model: strong aesthetics, styles and moodboards.",
        None,
        Price::Usd(0.03),
        KREA_2_FIELDS,
    ),
    model(
        "krea/krea-2/large",
        "Krea 2 Large",
        "Krea 2 at its largest: the most detail, slower.",
        None,
        Price::Usd(0.06),
        KREA_2_FIELDS,
    ),
    model(
        "krea/krea-2/medium-turbo",
        "Krea 2 Turbo",
        "Krea 2 Medium, fast.",
        Some(4),
        Price::Usd(0.015),
        KREA_2_FIELDS,
    ),
    model(
        "bfl/flux-1-dev",
        "Flux",
        "Fast model. Best for LoRAs.",
        Some(7),
        Price::ComputeUnits(3.0),
        &FLUX_DEV,
    ),
    model(
        "bfl/flux-1-kontext-dev",
        "Flux Kontext",
        "Edits an image from instructions.",
        Some(23),
        Price::ComputeUnits(6.0),
        &FLUX_KONTEXT,
    ),
    model(
        "bfl/flux-1.1-pro",
        "Flux 1.1 Pro",
        "Flux's professional model.",
        None,
        Price::ComputeUnits(22.9),
        &[
            PROMPT_1,
            FieldSpec {
                required: true,
                ..dimension("width", Some(256.0), Some(1440.0), None)
            },
            FieldSpec {
                required: true,
                ..dimension("height", Some(256.0), Some(1440.0), None)
            },
            SEED_1337,
        ],
    ),
    model(
        "bfl/flux-1.1-pro-ultra",
        "Flux 1.1 Pro Ultra",
        "Flux Pro at up to 4 megapixels.",
        None,
        Price::ComputeUnits(34.4),
        &[
            PROMPT_1,
            WIDTH_8192,
            HEIGHT_8192,
            SEED_1337,
            with_default("raw", FieldKind::Bool, Literal::Bool(true)),
        ],
    ),
    model(
        "google/nano-banana",
        "Nano Banana",
        "Google's fast image model; edits with reference images.",
        None,
        Price::ComputeUnits(22.3),
        &NANO_BANANA,
    ),
    model(
        "google/nano-banana-2",
        "Nano Banana 2",
        "Google's second Nano Banana, up to 4K.",
        None,
        Price::ComputeUnits(34.4),
        &NANO_BANANA_2,
    ),
    model(
        "google/nano-banana-pro",
        "Nano Banana Pro",
        "World's most intelligent model.",
        None,
        Price::Usd(0.15),
        &NANO_BANANA_PRO,
    ),
    model(
        "openai/gpt-image",
        "GPT Image",
        "OpenAI's image model: follows instructions closely.",
        Some(72),
        Price::ComputeUnits(179.0),
        &[
            PROMPT_1,
            WIDTH_8192,
            HEIGHT_8192,
            with_default(
                "quality",
                FieldKind::Choice(&["low", "medium", "high", "auto"]),
                Literal::Text("auto"),
            ),
            field("image_urls", list(&text(None, None), None)),
            field("styles", list(&STYLE, Some(5))),
            field("style_images", list(&IMAGE_PROMPT, Some(15))),
        ],
    ),
    model(
        "openai/gpt-image-2",
        "GPT Image 2",
        "Smart, powerful model for editing.",
        Some(55),
        Price::ComputeUnits(127.0),
        &[
            PROMPT_1,
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
    ),
    model(
        "google/imagen-3",
        "Imagen 3",
        "Google's Imagen 3.",
        None,
        Price::ComputeUnits(22.9),
        PLAIN_8192,
    ),
    model(
        "google/imagen-4",
        "Imagen 4",
        "Google's Imagen 4.",
        None,
        Price::ComputeUnits(22.9),
        PLAIN_8192,
    ),
    model(
        "google/imagen-4-fast",
        "Imagen 4 Fast",
        "Imagen 4, faster and cheaper.",
        None,
        Price::ComputeUnits(11.5),
        PLAIN_8192,
    ),
    model(
        "google/imagen-4-ultra",
        "Imagen 4 Ultra",
        "Imagen 4 at its best quality.",
        None,
        Price::ComputeUnits(34.4),
        PLAIN_8192,
    ),
    model(
        "ideogram/ideogram-2-turbo",
        "Ideogram 2.0A Turbo",
        "Fast Ideogram, good with text.",
        None,
        Price::ComputeUnits(14.3),
        PLAIN_8192,
    ),
    model(
        "ideogram/ideogram-3",
        "Ideogram 3.0",
        "Ideogram 3: typography and character references.",
        None,
        Price::ComputeUnits(34.4),
        &[
            PROMPT_1,
            WIDTH_8192,
            HEIGHT_8192,
            SEED_1337,
            field("character_reference_images", URI_LIST),
            field("style_images", list(&IMAGE_PROMPT, None)),
        ],
    ),
    model(
        "bytedance/seedream-4",
        "Seedream 4",
        "High quality model for photorealism and text rendering.",
        Some(20),
        Price::ComputeUnits(17.2),
        &[
            PROMPT_1,
            required("width", number(None, Some(4096.0))),
            required("height", number(None, Some(4096.0))),
            SEED_1337,
            field("style_images", list(&IMAGE_PROMPT, None)),
        ],
    ),
    model(
        "bytedance/seedream-5-lite",
        "Seedream 5 Lite",
        "Seedream 5, light and quick.",
        None,
        Price::ComputeUnits(20.0),
        &[
            PROMPT_1,
            required("width", number(None, Some(4096.0))),
            required("height", number(None, Some(4096.0))),
            SEED_1337,
            field("style_images", list(&IMAGE_PROMPT, Some(14))),
        ],
    ),
    model(
        "bytedance/seededit",
        "SeedEdit",
        "Edits one image from a prompt.",
        None,
        Price::Unstated,
        &[PROMPT_1, SEED_1337, required("image_url", URI)],
    ),
    model(
        "runway/gen-4-image",
        "Runway Gen-4",
        "Consistent subjects from tagged reference images.",
        Some(38),
        Price::ComputeUnits(44.0),
        &[
            required("prompt", text(Some(1), Some(1000))),
            WIDTH_8192,
            HEIGHT_8192,
            SEED_1337,
            required(
                "reference_images",
                FieldKind::List {
                    item: &FieldKind::Object(&[
                        required("url", URI),
                        required(
                            "tag",
                            FieldKind::Text {
                                min_len: Some(3),
                                max_len: Some(16),
                                pattern: Some(TextPattern::LowerSnake),
                            },
                        ),
                    ]),
                    min_items: Some(1),
                    max_items: Some(3),
                },
            ),
        ],
    ),
    model(
        "luma/uni-1",
        "Luma UNI-1",
        "Luma's image model, with web search and manga style.",
        None,
        Price::ComputeUnits(23.1),
        &[
            required("prompt", text(Some(1), Some(6000))),
            WIDTH_8192,
            HEIGHT_8192,
            with_default(
                "mode",
                FieldKind::Choice(&["standard", "max"]),
                Literal::Text("standard"),
            ),
            with_default(
                "style",
                FieldKind::Choice(&["auto", "manga"]),
                Literal::Text("auto"),
            ),
            field("output_format", FieldKind::ChoiceOrNull(&["png", "jpeg"])),
            with_default("web_search", FieldKind::Bool, Literal::Bool(false)),
            field("style_images", list(&IMAGE_PROMPT, Some(9))),
        ],
    ),
    model(
        "qwen/2512",
        "Qwen 2512",
        "Qwen's image model, with negative prompts and LoRAs.",
        Some(22),
        Price::ComputeUnits(9.0),
        &[
            required("prompt", text(None, None)),
            with_default("negative_prompt", text(None, None), Literal::Text("")),
            with_default("width", integer(None, None), Literal::Number(1024.0)),
            with_default("height", integer(None, None), Literal::Number(1024.0)),
            with_default(
                "num_inference_steps",
                integer(None, None),
                Literal::Number(30.0),
            ),
            with_default("cfg_scale", number(None, None), Literal::Number(4.0)),
            field("seed", SEED),
            field("skip_prompt_expansion", FieldKind::Bool),
            field("styles", list(&STYLE, None)),
        ],
    ),
    model(
        "z-image/z-image",
        "Z Image",
        "Very fast and cheap.",
        Some(5),
        Price::ComputeUnits(1.0),
        &[
            required("prompt", text(None, None)),
            field("seed", SEED),
            with_default(
                "denoising_strength",
                number(Some(0.0), Some(1.0)),
                Literal::Number(0.6),
            ),
            field("styles", list(&STYLE, None)),
            with_default(
                "skip_prompt_expansion",
                FieldKind::Bool,
                Literal::Bool(false),
            ),
            required(
                "aspect_ratio",
                FieldKind::Choice(&["1:1", "4:3", "2:3", "16:9", "9:16"]),
            ),
            required("resolution", FieldKind::Choice(&["1K"])),
            field("image_url", ANY_URL),
            field("style_images", list(&IMAGE_PROMPT, Some(1))),
        ],
    ),
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
                || (model.field("width").is_some() && model.field("height").is_some())
                || model.field("image_url").is_some_and(|f| f.required);
            assert!(sized, "{} takes no size and no source image", model.id);
        }
    }
}
