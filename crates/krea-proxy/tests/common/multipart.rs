//! Multipart bodies written by hand, so a test can send exactly the bytes it means: well
//! formed ones, and the broken ones a hostile caller sends.

pub const BOUNDARY: &str = "krea-test-boundary-7d41";

/// One part: its headers (after `Content-Disposition`) and its bytes.
pub struct Part {
    pub disposition: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
pub struct Form {
    parts: Vec<Part>,
}

impl Form {
    pub fn new() -> Self {
        Form::default()
    }

    pub fn file(mut self, name: &str, filename: &str, content_type: &str, bytes: &[u8]) -> Self {
        self.parts.push(Part {
            disposition: format!(r#"form-data; name="{name}"; filename="{filename}""#),
            content_type: Some(content_type.to_owned()),
            bytes: bytes.to_vec(),
        });
        self
    }

    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.parts.push(Part {
            disposition: format!(r#"form-data; name="{name}""#),
            content_type: None,
            bytes: value.as_bytes().to_vec(),
        });
        self
    }

    /// The body, with [`BOUNDARY`].
    pub fn body(&self) -> Vec<u8> {
        let mut body = Vec::new();
        for part in &self.parts {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            body.extend_from_slice(
                format!("Content-Disposition: {}\r\n", part.disposition).as_bytes(),
            );
            if let Some(content_type) = &part.content_type {
                body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
            body.extend_from_slice(&part.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        body
    }

    pub fn content_type() -> String {
        format!("multipart/form-data; boundary={BOUNDARY}")
    }
}

/// A real PNG of this size, of noise (so it does not compress: its size follows its
/// pixels), encoded with the `png` crate.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    let mut state: u32 = 0x9e37_79b9;
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    out
}
