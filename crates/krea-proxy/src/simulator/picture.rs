//! The simulator's "generated" pictures: an SVG drawn deterministically from the prompt and
//! seed, so the same request always yields the same picture and nothing leaves the machine.

/// FNV-1a: tiny, and stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

pub struct Picture<'a> {
    pub prompt: &'a str,
    pub seed: u64,
    pub width: u32,
    pub height: u32,
    /// A blurred preview, as shown while the job is still running.
    pub preview: bool,
}

impl Picture<'_> {
    pub fn svg(&self) -> String {
        let mut state =
            fnv1a(self.prompt.as_bytes()) ^ self.seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut next = move |modulo: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % modulo.max(1)
        };
        let (w, h) = (self.width.max(1), self.height.max(1));
        let (hue_a, hue_b) = (next(360), next(360));
        let mut shapes = String::new();
        for _ in 0..7 {
            let (cx, cy) = (next(u64::from(w)), next(u64::from(h)));
            let r = u64::from(w.min(h)) / 12 + next(u64::from(w.min(h)) / 4 + 1);
            let hue = next(360);
            shapes.push_str(&format!(
                r#"<circle cx="{cx}" cy="{cy}" r="{r}" fill="hsl({hue},70%,60%)" fill-opacity="0.55"/>"#
            ));
        }
        let filter = if self.preview {
            r#"<filter id="blur"><feGaussianBlur stdDeviation="24"/></filter>"#
        } else {
            ""
        };
        let group = if self.preview {
            r#"<g filter="url(#blur)">"#
        } else {
            "<g>"
        };
        let caption = escape(&self.prompt.chars().take(60).collect::<String>());
        let font = (w.min(h) / 24).max(10);
        format!(
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#,
                r#"<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">"#,
                r#"<stop offset="0" stop-color="hsl({a},65%,35%)"/><stop offset="1" stop-color="hsl({b},70%,55%)"/>"#,
                r#"</linearGradient>{filter}</defs>"#,
                r#"<rect width="{w}" height="{h}" fill="url(#bg)"/>{group}{shapes}</g>"#,
                r#"<text x="50%" y="94%" text-anchor="middle" font-family="sans-serif" font-size="{font}" fill="white" fill-opacity="0.85">{caption}</text>"#,
                "</svg>"
            ),
            w = w,
            h = h,
            a = hue_a,
            b = hue_b,
            filter = filter,
            group = group,
            shapes = shapes,
            font = font,
            caption = caption,
        )
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(prompt: &str, seed: u64) -> String {
        Picture {
            prompt,
            seed,
            width: 640,
            height: 480,
            preview: false,
        }
        .svg()
    }

    #[test]
    fn same_prompt_and_seed_give_the_same_picture() {
        assert_eq!(picture("a fox", 7), picture("a fox", 7));
        assert_ne!(picture("a fox", 7), picture("a fox", 8));
        assert_ne!(picture("a fox", 7), picture("a cat", 7));
    }

    #[test]
    fn the_prompt_is_escaped_and_the_size_kept() {
        let svg = picture("<script>&", 1);
        assert!(svg.contains("&lt;script&gt;&amp;"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains(r#"width="640" height="480""#));
    }
}
