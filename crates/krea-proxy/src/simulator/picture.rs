//! The simulator's "generated" pictures: real raster files in the format each model returns
//! (PNG unless the request or the model's default says JPEG or WebP), drawn
//! deterministically from the prompt and seed, so the same request always yields the same
//! picture and nothing leaves the machine.
//!
//! A small picture (a gradient and a few discs on a grid of cells) is drawn and scaled to the
//! requested size by repeating each cell: the file has the size a model would return while
//! its long flat runs compress to a few kilobytes, and a 2K picture encodes in milliseconds.

use crate::image_kind::ImageKind;
use krea_api::{Literal, ModelSpec};
use serde_json::{Map, Value};

/// FNV-1a: tiny, and stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Cells along the long side: the finished picture, and the coarse preview shown while a
/// job is still running.
const CELLS: u32 = 48;
const PREVIEW_CELLS: u32 = 8;

/// The file formats Krea's models answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Jpeg,
    Webp,
}

impl Format {
    /// What a request asks for in `output_format`, else the model's default, else PNG (what
    /// Krea's image models return when they have no such field).
    pub fn asked(model: &ModelSpec, body: &Map<String, Value>) -> Format {
        let default = match model.field("output_format").and_then(|field| field.default) {
            Some(Literal::Text(name)) => Some(name),
            _ => None,
        };
        body.get("output_format")
            .and_then(Value::as_str)
            .or(default)
            .and_then(Format::named)
            .unwrap_or(Format::Png)
    }

    fn named(name: &str) -> Option<Format> {
        match name {
            "png" => Some(Format::Png),
            "jpg" | "jpeg" => Some(Format::Jpeg),
            "webp" => Some(Format::Webp),
            _ => None,
        }
    }

    /// The type, for the file's extension and `Content-Type`.
    pub fn kind(self) -> ImageKind {
        match self {
            Format::Png => ImageKind::Png,
            Format::Jpeg => ImageKind::Jpeg,
            Format::Webp => ImageKind::Webp,
        }
    }
}

pub struct Picture<'a> {
    pub prompt: &'a str,
    pub seed: u64,
    pub width: u32,
    pub height: u32,
    /// A coarse preview, as shown while the job is still running.
    pub preview: bool,
}

impl Picture<'_> {
    /// The picture as a PNG file.
    pub fn png(&self) -> Vec<u8> {
        self.file(Format::Png)
    }

    /// The picture as a file of `format`.
    pub fn file(&self, format: Format) -> Vec<u8> {
        let (w, h) = (self.width.max(1), self.height.max(1));
        let long = w.max(h);
        let cells = if self.preview { PREVIEW_CELLS } else { CELLS }.min(long);
        let cell = long.div_ceil(cells).max(1);
        let (cols, rows) = (w.div_ceil(cell), h.div_ceil(cell));
        let small = self.draw(cols, rows);
        let mut rgb = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            let row = (y / cell) as usize;
            for x in 0..w {
                let at = row * cols as usize + (x / cell) as usize;
                rgb.extend_from_slice(&small[at]);
            }
        }
        match format {
            Format::Png => png_file(w, h, &rgb),
            Format::Jpeg => jpeg_file(w, h, &rgb),
            Format::Webp => webp_file(w, h, &rgb),
        }
    }

    /// One colour per cell: a diagonal gradient between two hues and seven translucent discs.
    fn draw(&self, cols: u32, rows: u32) -> Vec<[u8; 3]> {
        let mut state =
            fnv1a(self.prompt.as_bytes()) ^ self.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut next = move |modulo: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % modulo.max(1)
        };
        let (hue_a, hue_b) = (next(360) as f32, next(360) as f32);
        let discs: Vec<(f32, f32, f32, f32)> = (0..7)
            .map(|_| {
                let (cx, cy) = (next(1000) as f32 / 1000.0, next(1000) as f32 / 1000.0);
                let r = 0.08 + next(250) as f32 / 1000.0;
                (cx, cy, r, next(360) as f32)
            })
            .collect();
        let mut cells = Vec::with_capacity((cols * rows) as usize);
        for row in 0..rows {
            for col in 0..cols {
                let (u, v) = (
                    (col as f32 + 0.5) / cols as f32,
                    (row as f32 + 0.5) / rows as f32,
                );
                let t = (u + v) / 2.0;
                let mut colour = hsl(hue_a + (hue_b - hue_a) * t, 0.65, 0.35 + 0.2 * t);
                for &(cx, cy, r, hue) in &discs {
                    if (u - cx).powi(2) + (v - cy).powi(2) <= r * r {
                        let disc = hsl(hue, 0.7, 0.6);
                        for (c, d) in colour.iter_mut().zip(disc) {
                            *c = *c * 0.45 + d * 0.55;
                        }
                    }
                }
                cells.push(colour.map(|c| (c * 255.0).round().clamp(0.0, 255.0) as u8));
            }
        }
        cells
    }
}

fn png_file(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    // Rows repeat cell by cell: "Up" turns each repeat into zeros.
    encoder.set_filter(png::Filter::Up);
    let mut writer = encoder.write_header().expect("a PNG header in memory");
    writer
        .write_image_data(rgb)
        .expect("a whole picture's rows in memory");
    writer.finish().expect("a PNG written to memory");
    out
}

fn jpeg_file(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    // Krea's sizes stay far below JPEG's 65,535-pixel side (the simulator clamps to 4,096).
    let side = |n: u32| u16::try_from(n).unwrap_or(u16::MAX);
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(rgb, side(width), side(height), jpeg_encoder::ColorType::Rgb)
        .expect("a JPEG written to memory");
    out
}

fn webp_file(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    image_webp::WebPEncoder::new(&mut out)
        .encode(rgb, width, height, image_webp::ColorType::Rgb8)
        .expect("a WebP written to memory");
    out
}

/// HSL (hue in degrees, saturation and lightness in 0..1) to RGB in 0..1.
fn hsl(hue: f32, saturation: f32, lightness: f32) -> [f32; 3] {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue.rem_euclid(360.0) / 60.0;
    let x = chroma * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    [r + m, g + m, b + m]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn picture(prompt: &str, seed: u64, width: u32, height: u32) -> Vec<u8> {
        Picture {
            prompt,
            seed,
            width,
            height,
            preview: false,
        }
        .png()
    }

    #[test]
    fn same_prompt_and_seed_give_the_same_picture() {
        assert_eq!(picture("a fox", 7, 64, 64), picture("a fox", 7, 64, 64));
        assert_ne!(picture("a fox", 7, 64, 64), picture("a fox", 8, 64, 64));
        assert_ne!(picture("a fox", 7, 64, 64), picture("a cat", 7, 64, 64));
    }

    #[test]
    fn pictures_are_pngs_of_the_asked_size_and_stay_small() {
        let png = picture("a fox", 1, 1365, 768);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let size = imagesize::blob_size(&png).unwrap();
        assert_eq!((size.width, size.height), (1365, 768));
        assert!(png.len() < 64 * 1024, "{} bytes", png.len());
    }

    #[test]
    fn each_format_is_a_real_file_of_the_asked_size() {
        let picture = Picture {
            prompt: "a fox",
            seed: 1,
            width: 640,
            height: 360,
            preview: false,
        };
        for format in [Format::Png, Format::Jpeg, Format::Webp] {
            let file = picture.file(format);
            assert_eq!(ImageKind::sniff(&file), Some(format.kind()), "{format:?}");
            let size = imagesize::blob_size(&file).unwrap();
            assert_eq!((size.width, size.height), (640, 360), "{format:?}");
        }
    }

    #[test]
    fn the_format_is_the_asked_one_else_the_models_default_else_png() {
        let body = |v: Value| v.as_object().unwrap().clone();
        let topaz = krea_api::catalogue::find("topaz/standard-enhance").unwrap();
        let luma = krea_api::catalogue::find("luma/uni-1").unwrap();
        let flux = krea_api::catalogue::find("bfl/flux-1-dev").unwrap();
        assert_eq!(Format::asked(topaz, &body(json!({}))), Format::Jpeg);
        assert_eq!(
            Format::asked(topaz, &body(json!({"output_format": "webp"}))),
            Format::Webp
        );
        assert_eq!(
            Format::asked(luma, &body(json!({"output_format": "jpeg"}))),
            Format::Jpeg
        );
        assert_eq!(
            Format::asked(luma, &body(json!({"output_format": null}))),
            Format::Png
        );
        assert_eq!(Format::asked(flux, &body(json!({}))), Format::Png);
    }

    #[test]
    fn hues_wrap_and_grey_has_no_chroma() {
        assert_eq!(hsl(0.0, 0.0, 0.5), [0.5, 0.5, 0.5]);
        let red = hsl(360.0, 1.0, 0.5);
        assert!((red[0] - 1.0).abs() < 1e-6 && red[1].abs() < 1e-6);
    }
}
