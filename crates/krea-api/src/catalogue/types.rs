//! What a model and its fields are: kinds, bounds, defaults and prices.

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

/// Which family of Krea's generate endpoints a model is under: the path's second segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `/generate/image/…`: makes a picture from a prompt (and maybe images).
    Image,
    /// `/generate/enhance/…`: upscales or enhances one image.
    Enhance,
}

impl Endpoint {
    pub const ALL: [Endpoint; 2] = [Endpoint::Image, Endpoint::Enhance];

    /// `image` or `enhance`, as in the path.
    pub fn segment(self) -> &'static str {
        match self {
            Endpoint::Image => "image",
            Endpoint::Enhance => "enhance",
        }
    }

    /// `/generate/image/` or `/generate/enhance/`.
    pub fn prefix(self) -> &'static str {
        match self {
            Endpoint::Image => "/generate/image/",
            Endpoint::Enhance => "/generate/enhance/",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelSpec {
    /// The path after `/generate/image/` (or `/generate/enhance/`), e.g. `bfl/flux-1-dev`;
    /// also the model's id.
    pub id: &'static str,
    pub endpoint: Endpoint,
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
        format!("{}{}", self.endpoint.prefix(), self.id)
    }

    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|field| field.name == name)
    }

    /// `provider` in `/generate/image/{provider}/{model}`.
    pub fn provider(&self) -> &'static str {
        self.id.split('/').next().unwrap_or(self.id)
    }
}
