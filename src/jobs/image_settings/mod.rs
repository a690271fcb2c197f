//! Settings that travel inside a downloaded image: the prompt, model, seed, job id, price and
//! the full request, so that a file found on a disk months later can be made again, and
//! dropping it back on the studio fills the form.
//!
//! PNG files get `iTXt` chunks ([`png_text`]) and JPEG files an XMP packet ([`jpeg_xmp`]).
//! Both are written by hand rather than with the `png` crate: adding a chunk with `png` means
//! decoding and re-encoding every pixel (inflate and deflate in the app's wasm, and seconds
//! for a 4K image), while inserting a chunk into the bytes as they are is a copy. Other
//! formats (WebP) are saved as they came.

mod jpeg_xmp;
pub(crate) mod png_text;

use super::pricing::job_price;
use super::JobEntry;
use krea_api::{Models, Price};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What is written into an image, and read back from one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageSettings {
    /// Names the record's kind, so some other app's JSON is not taken for settings.
    pub format: String,
    pub job_id: String,
    /// The catalogue id of the model, e.g. `bfl/flux-1-dev`.
    pub model_id: String,
    /// The body that was sent to Krea.
    pub request: Map<String, Value>,
    /// The job's price as the studio showed it (`$0.04`, `45 compute units`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
}

const FORMAT: &str = "krea-studio.image-settings/1";

/// The largest settings record read back: a request is a few kilobytes, and a text of
/// many megabytes is someone else's (or hostile) and is not parsed.
pub const MAX_SETTINGS_BYTES: usize = 256 * 1024;

impl ImageSettings {
    pub fn new(
        job_id: &str,
        model_id: &str,
        request: Map<String, Value>,
        price: Option<String>,
    ) -> Self {
        ImageSettings {
            format: FORMAT.to_owned(),
            job_id: job_id.to_owned(),
            model_id: model_id.to_owned(),
            request,
            price,
        }
    }

    /// What is written into a download of `entry`'s images.
    pub fn of(entry: &JobEntry, models: &Models) -> Self {
        let price = match job_price(models, &entry.model_id, &entry.request) {
            Price::Usd(usd) => Some(usd_text(usd)),
            Price::ComputeUnits(units) => Some(format!("{units} compute units")),
            Price::Unstated => None,
        };
        ImageSettings::new(entry.id(), &entry.model_id, entry.request.clone(), price)
    }

    pub fn prompt(&self) -> &str {
        self.request
            .get("prompt")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The seed as written in the request, when there is one.
    pub fn seed(&self) -> Option<String> {
        match self.request.get("seed")? {
            Value::String(seed) => Some(seed.clone()),
            Value::Number(seed) => Some(seed.to_string()),
            _ => None,
        }
    }

    /// The record as one line of JSON, the form both writers embed.
    fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    fn from_json(text: &str) -> Result<Self, NotRead> {
        if text.len() > MAX_SETTINGS_BYTES {
            return Err(NotRead::TooLarge);
        }
        let settings: ImageSettings =
            serde_json::from_str(text).map_err(|_| NotRead::Unreadable)?;
        if settings.format != FORMAT {
            return Err(NotRead::Unreadable);
        }
        Ok(settings)
    }

    /// Human-readable fields written beside the record, for other tools (exiftool, an image
    /// viewer's info panel): (name, text).
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("prompt", self.prompt().to_owned()),
            ("model", self.model_id.clone()),
            ("job_id", self.job_id.clone()),
        ];
        if let Some(seed) = self.seed() {
            fields.push(("seed", seed));
        }
        if let Some(price) = &self.price {
            fields.push(("price", price.clone()));
        }
        fields
    }
}

/// `$0.03`, `$0.035`: the same in every language, so any tool reads it.
fn usd_text(usd: f64) -> String {
    let text = format!("{usd:.4}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    format!("${whole}.{:0<2}", fraction.trim_end_matches('0'))
}

/// The kinds of image a record can be written into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
}

impl ImageKind {
    /// Read from the file's first bytes, not its name or declared type.
    pub fn of(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(&png_text::SIGNATURE) {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else {
            None
        }
    }
}

/// Why settings were not written; the image is then saved as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotWritten {
    #[error("only PNG and JPEG files carry settings")]
    Unsupported,
    #[error("the image file is not whole")]
    Corrupt,
    #[error("the settings are too long for a JPEG segment")]
    TooLong,
}

/// Why settings could not be read from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotRead {
    #[error("not a PNG or JPEG file")]
    Unsupported,
    #[error("the image file is damaged")]
    Corrupt,
    #[error("the image carries no Krea Studio settings")]
    Missing,
    #[error("the settings in the image are too large to be ours")]
    TooLarge,
    #[error("the settings in the image cannot be read")]
    Unreadable,
}

/// `bytes` with `settings` written into them.
pub fn embed(bytes: &[u8], settings: &ImageSettings) -> Result<Vec<u8>, NotWritten> {
    match ImageKind::of(bytes) {
        Some(ImageKind::Png) => png_text::embed(bytes, &settings.fields(), &settings.to_json()),
        Some(ImageKind::Jpeg) => jpeg_xmp::embed(bytes, settings, &settings.to_json()),
        None => Err(NotWritten::Unsupported),
    }
}

/// The settings written into `bytes` by [`embed`].
pub fn read(bytes: &[u8]) -> Result<ImageSettings, NotRead> {
    let text = match ImageKind::of(bytes) {
        Some(ImageKind::Png) => png_text::read(bytes)?,
        Some(ImageKind::Jpeg) => jpeg_xmp::read(bytes)?,
        None => return Err(NotRead::Unsupported),
    };
    ImageSettings::from_json(&text)
}

#[cfg(test)]
pub(crate) fn sample() -> ImageSettings {
    let request = serde_json::json!({
        "prompt": "Città d'arte al tramonto — 夕焼け, \"quoted\" <tags> & more\nsecond line",
        "seed": 424242,
        "width": 1024,
        "height": 768,
        "image_urls": ["https://gen.krea.ai/images/a.png"]
    });
    ImageSettings::new(
        "3f2a9c1e-0000-4000-8000-000000000001",
        "bfl/flux-1-dev",
        request.as_object().unwrap().clone(),
        Some("$0.03".to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_comes_from_the_first_bytes() {
        assert_eq!(
            ImageKind::of(b"\x89PNG\r\n\x1a\nrest"),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::of(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(ImageKind::of(b"RIFF....WEBP"), None);
        assert_eq!(ImageKind::of(b""), None);
    }

    #[test]
    fn other_files_are_refused_both_ways() {
        assert_eq!(embed(b"GIF89a", &sample()), Err(NotWritten::Unsupported));
        assert_eq!(read(b"<svg/>"), Err(NotRead::Unsupported));
    }

    #[test]
    fn a_record_of_another_kind_is_not_taken_for_settings() {
        let mut other = sample();
        other.format = "someone-else/1".to_owned();
        let json = serde_json::to_string(&other).unwrap();
        assert_eq!(ImageSettings::from_json(&json), Err(NotRead::Unreadable));
        assert_eq!(
            ImageSettings::from_json("{\"prompt\": 1}"),
            Err(NotRead::Unreadable)
        );
        let huge = format!("\"{}\"", "a".repeat(MAX_SETTINGS_BYTES));
        assert_eq!(ImageSettings::from_json(&huge), Err(NotRead::TooLarge));
    }

    #[test]
    fn prices_read_the_same_in_every_language() {
        assert_eq!(usd_text(0.03), "$0.03");
        assert_eq!(usd_text(0.035), "$0.035");
        assert_eq!(usd_text(1.0), "$1.00");
        assert_eq!(usd_text(0.0125), "$0.0125");
    }

    #[test]
    fn the_seed_reads_as_written() {
        assert_eq!(sample().seed().as_deref(), Some("424242"));
        let mut no_seed = sample();
        no_seed.request.remove("seed");
        assert_eq!(no_seed.seed(), None);
    }
}
