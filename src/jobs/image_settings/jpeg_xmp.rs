//! An XMP packet in a JPEG file: an `APP1` segment after the file's own `APP0`/`APP1`
//! headers. The prompt is the standard `dc:description`, which image viewers show; the
//! record and the other fields are attributes in the studio's own namespace.

use super::{ImageSettings, NotRead, NotWritten};

const XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const START_OF_SCAN: u8 = 0xDA;
const END_OF_IMAGE: u8 = 0xD9;
/// A segment's length counts its own two bytes and fits in sixteen bits.
const MAX_SEGMENT_DATA: usize = u16::MAX as usize - 2;

struct Segment<'a> {
    marker: u8,
    data: &'a [u8],
    raw: &'a [u8],
}

impl Segment<'_> {
    fn is_xmp(&self) -> bool {
        self.marker == APP1 && self.data.starts_with(XMP_HEADER)
    }
}

/// The segments before the image data, and the bytes from the start of the scan on (kept
/// as they are). `None` when a length does not fit or the file ends before its scan.
fn segments(bytes: &[u8]) -> Option<(Vec<Segment<'_>>, &[u8])> {
    let mut rest = bytes.strip_prefix(&[0xFF, 0xD8])?;
    let mut segments = Vec::new();
    loop {
        let at = rest.iter().position(|b| *b != 0xFF)?;
        if at == 0 {
            return None;
        }
        let marker = rest[at];
        if marker == START_OF_SCAN {
            return Some((segments, &rest[at - 1..]));
        }
        if marker == END_OF_IMAGE {
            return None;
        }
        let start = at - 1;
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            // Standalone markers carry no length.
            segments.push(Segment {
                marker,
                data: &[],
                raw: &rest[start..at + 1],
            });
            rest = &rest[at + 1..];
            continue;
        }
        let after = &rest[at + 1..];
        let (length, _) = after.split_first_chunk::<2>()?;
        let length = usize::from(u16::from_be_bytes(*length));
        if length < 2 || after.len() < length {
            return None;
        }
        let end = at + 1 + length;
        segments.push(Segment {
            marker,
            data: &rest[at + 3..end],
            raw: &rest[start..end],
        });
        rest = &rest[end..];
    }
}

/// Text as an XML attribute value or element text.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            '\t' => out.push_str("&#x9;"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';')? + at;
        let entity = &rest[at + 1..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = match entity.strip_prefix("#x") {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => entity.strip_prefix('#')?.parse().ok()?,
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn packet(settings: &ImageSettings, record: &str) -> String {
    let attributes: String = settings
        .fields()
        .into_iter()
        .filter(|(name, _)| *name != "prompt")
        .map(|(name, text)| format!(" ks:{name}=\"{}\"", escape(&text)))
        .collect();
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description rdf:about=\"\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
         xmlns:ks=\"urn:krea-studio:settings:1\" \
         xmp:CreatorTool=\"Krea Studio\"{attributes} ks:record=\"{record}\">\
         <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{prompt}</rdf:li></rdf:Alt></dc:description>\
         </rdf:Description></rdf:RDF></x:xmpmeta>\
         <?xpacket end=\"w\"?>",
        record = escape(record),
        prompt = escape(settings.prompt()),
    )
}

/// `bytes` with an XMP packet holding `settings`; an XMP packet already there is replaced
/// (a file holds one).
pub fn embed(bytes: &[u8], settings: &ImageSettings, record: &str) -> Result<Vec<u8>, NotWritten> {
    let (segments, scan) = segments(bytes).ok_or(NotWritten::Corrupt)?;
    let packet = packet(settings, record);
    let data_len = XMP_HEADER.len() + packet.len();
    if data_len > MAX_SEGMENT_DATA {
        return Err(NotWritten::TooLong);
    }
    let mut xmp = vec![0xFF, APP1];
    xmp.extend_from_slice(&((data_len + 2) as u16).to_be_bytes());
    xmp.extend_from_slice(XMP_HEADER);
    xmp.extend_from_slice(packet.as_bytes());

    // JFIF and Exif headers must stay first; the packet goes right after them.
    let headers = segments
        .iter()
        .take_while(|s| s.marker == APP0 || (s.marker == APP1 && !s.is_xmp()))
        .count();
    let mut out = Vec::with_capacity(bytes.len() + xmp.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    for (at, segment) in segments.iter().enumerate() {
        if at == headers {
            out.extend_from_slice(&xmp);
        }
        if !segment.is_xmp() {
            out.extend_from_slice(segment.raw);
        }
    }
    if headers == segments.len() {
        out.extend_from_slice(&xmp);
    }
    out.extend_from_slice(scan);
    Ok(out)
}

/// The record's text, as [`embed`] wrote it.
pub fn read(bytes: &[u8]) -> Result<String, NotRead> {
    let (segments, _) = segments(bytes).ok_or(NotRead::Corrupt)?;
    let segment = segments
        .iter()
        .find(|s| s.is_xmp())
        .ok_or(NotRead::Missing)?;
    let packet =
        std::str::from_utf8(&segment.data[XMP_HEADER.len()..]).map_err(|_| NotRead::Unreadable)?;
    const START: &str = " ks:record=\"";
    let at = packet.find(START).ok_or(NotRead::Missing)? + START.len();
    let end = packet[at..].find('"').ok_or(NotRead::Unreadable)? + at;
    unescape(&packet[at..end]).ok_or(NotRead::Unreadable)
}

// Other codecs check the files, and they are host dev-dependencies only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::{embed, read, sample, NotRead, NotWritten};
    use super::*;

    /// A real baseline JPEG, with its JFIF header, as encoders write them.
    fn picture(width: u16, height: u16) -> Vec<u8> {
        let pixels: Vec<u8> = (0..usize::from(width) * usize::from(height) * 3)
            .map(|i| (i * 7 % 256) as u8)
            .collect();
        let mut bytes = Vec::new();
        jpeg_encoder::Encoder::new(&mut bytes, 90)
            .encode(&pixels, width, height, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        bytes
    }

    fn decoded(bytes: &[u8]) -> Vec<u8> {
        jpeg_decoder::Decoder::new(bytes).decode().unwrap()
    }

    #[test]
    fn settings_round_trip_through_a_jpeg_with_non_ascii_prompts() {
        let original = picture(16, 8);
        let written = embed(&original, &sample()).unwrap();
        assert_eq!(read(&written).unwrap(), sample());
        assert_eq!(read(&original), Err(NotRead::Missing));
    }

    #[test]
    fn the_image_decodes_the_same_and_the_packet_follows_the_jfif_header() {
        let original = picture(20, 12);
        let written = embed(&original, &sample()).unwrap();
        assert_eq!(decoded(&written), decoded(&original));
        let (segments, _) = segments(&written).unwrap();
        assert_eq!(segments[0].marker, APP0, "JFIF stays first");
        assert!(segments[1].is_xmp());
        let packet = std::str::from_utf8(&segments[1].data[XMP_HEADER.len()..]).unwrap();
        assert!(packet.contains(&escape(sample().prompt())), "{packet}");
        assert!(packet.contains("ks:seed=\"424242\""));
        assert!(packet.contains("ks:model=\"bfl/flux-1-dev\""));
    }

    #[test]
    fn writing_twice_keeps_one_packet() {
        let once = embed(&picture(8, 8), &sample()).unwrap();
        let twice = embed(&once, &sample()).unwrap();
        assert_eq!(once, twice);
    }

    #[test]
    fn escaping_round_trips_every_character_that_matters() {
        let text = "a & b < c > d \" e ' f\ng\th\r — 夕焼け";
        assert_eq!(unescape(&escape(text)).as_deref(), Some(text));
        assert_eq!(unescape("&#65;&#x42;&apos;").as_deref(), Some("AB'"));
        assert_eq!(unescape("&bogus"), None);
    }

    #[test]
    fn a_cut_or_lying_jpeg_is_refused() {
        let written = embed(&picture(8, 8), &sample()).unwrap();
        assert_eq!(read(&written[..40]), Err(NotRead::Corrupt));
        let mut lying = written.clone();
        // The JFIF segment's length now points past the end of the file.
        lying[4..6].copy_from_slice(&[0xFF, 0xF0]);
        assert_eq!(read(&lying), Err(NotRead::Corrupt));
        assert_eq!(embed(&lying, &sample()), Err(NotWritten::Corrupt));
    }

    #[test]
    fn settings_too_long_for_one_segment_are_not_written() {
        let mut long = sample();
        long.request
            .insert("prompt".into(), "word ".repeat(14_000).into());
        assert_eq!(embed(&picture(8, 8), &long), Err(NotWritten::TooLong));
    }
}
