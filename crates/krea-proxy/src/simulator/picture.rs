//! The simulator's "generated" pictures: real PNGs, as Krea's models return, drawn
//! deterministically from the prompt and seed, so the same request always yields the same
//! picture and nothing leaves the machine.
//!
//! A small picture (a gradient and a few discs on a grid of cells) is drawn and scaled to the
//! requested size by repeating each cell: the file has the size a model would return while
//! its long flat runs compress to a few kilobytes, and a 2K picture encodes in milliseconds.

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
        encode(w, h, &rgb)
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

fn encode(width: u32, height: u32, rgb: &[u8]) -> Vec<u8> {
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
    fn hues_wrap_and_grey_has_no_chroma() {
        assert_eq!(hsl(0.0, 0.0, 0.5), [0.5, 0.5, 0.5]);
        let red = hsl(360.0, 1.0, 0.5);
        assert!((red[0] - 1.0).abs() < 1e-6 && red[1].abs() < 1e-6);
    }
}
