//! Text chunks in a PNG file: `iTXt` (UTF-8, uncompressed) chunks written right after the
//! header, so a reader that stops before the pixels still finds them.

use super::{NotRead, NotWritten, MAX_SETTINGS_BYTES};

pub const SIGNATURE: [u8; 8] = *b"\x89PNG\r\n\x1a\n";

/// The chunk holding the whole record; the other keywords are for people and other tools.
const RECORD_KEYWORD: &str = "krea_studio";
const SOFTWARE: &str = "Krea Studio";

struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// The whole chunk: length, kind, data and CRC.
    raw: &'a [u8],
}

impl Chunk<'_> {
    fn crc_matches(&self) -> bool {
        let stored = &self.raw[self.raw.len() - 4..];
        crc(&self.kind, self.data).to_be_bytes() == stored
    }

    /// The keyword and text of an uncompressed `iTXt` chunk.
    fn international_text(&self) -> Option<(&[u8], &[u8])> {
        if &self.kind != b"iTXt" {
            return None;
        }
        let keyword_end = self.data.iter().position(|b| *b == 0)?;
        let (keyword, rest) = self.data.split_at(keyword_end);
        // Null, compression flag, compression method.
        let (&[0, 0, _], rest) = rest.split_first_chunk::<3>()? else {
            return None;
        };
        let language_end = rest.iter().position(|b| *b == 0)?;
        let rest = &rest[language_end + 1..];
        let translated_end = rest.iter().position(|b| *b == 0)?;
        Some((keyword, &rest[translated_end + 1..]))
    }
}

fn crc(kind: &[u8; 4], data: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    hasher.finalize()
}

/// The file's chunks, in order; `None` when the file is not a whole PNG (it must start with
/// `IHDR` and end with `IEND`, and every length must fit).
fn chunks(bytes: &[u8]) -> Option<Vec<Chunk<'_>>> {
    let mut rest = bytes.strip_prefix(&SIGNATURE)?;
    let mut chunks = Vec::new();
    while !rest.is_empty() {
        let (length, after) = rest.split_first_chunk::<4>()?;
        let length = u32::from_be_bytes(*length) as usize;
        let (kind, after) = after.split_first_chunk::<4>()?;
        if after.len() < length.checked_add(4)? {
            return None;
        }
        let size = 12 + length;
        chunks.push(Chunk {
            kind: *kind,
            data: &after[..length],
            raw: &rest[..size],
        });
        rest = &rest[size..];
        if kind == b"IEND" {
            break;
        }
    }
    let whole = chunks.first().is_some_and(|c| &c.kind == b"IHDR")
        && chunks.last().is_some_and(|c| &c.kind == b"IEND");
    whole.then_some(chunks)
}

fn text_chunk(keyword: &str, text: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(keyword.len() + text.len() + 5);
    data.extend_from_slice(keyword.as_bytes());
    // Null, not compressed, method 0, no language tag, no translated keyword.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    chunk.extend_from_slice(b"iTXt");
    chunk.extend_from_slice(&data);
    chunk.extend_from_slice(&crc(b"iTXt", &data).to_be_bytes());
    chunk
}

fn is_ours(keyword: &[u8], fields: &[(&str, String)]) -> bool {
    keyword == RECORD_KEYWORD.as_bytes()
        || keyword == b"Software"
        || fields.iter().any(|(name, _)| keyword == name.as_bytes())
}

/// `bytes` with the record and `fields` as text chunks after the header. Text chunks of
/// the same keywords already there are replaced, so saving a dropped file again does not
/// stack them.
pub fn embed(bytes: &[u8], fields: &[(&str, String)], record: &str) -> Result<Vec<u8>, NotWritten> {
    let chunks = chunks(bytes).ok_or(NotWritten::Corrupt)?;
    let mut out = Vec::with_capacity(bytes.len() + record.len() * 2 + 512);
    out.extend_from_slice(&SIGNATURE);
    for (at, chunk) in chunks.iter().enumerate() {
        if chunk
            .international_text()
            .is_some_and(|(keyword, _)| is_ours(keyword, fields))
        {
            continue;
        }
        out.extend_from_slice(chunk.raw);
        if at == 0 {
            out.extend(text_chunk("Software", SOFTWARE));
            for (name, text) in fields {
                out.extend(text_chunk(name, text));
            }
            out.extend(text_chunk(RECORD_KEYWORD, record));
        }
    }
    Ok(out)
}

/// The size of the largest text chunk (`tEXt`, `zTXt`, `iTXt`) in a whole PNG, 0 when there is
/// none; `None` when the file is not a whole PNG.
pub fn largest_text(bytes: &[u8]) -> Option<usize> {
    let chunks = chunks(bytes)?;
    Some(
        chunks
            .iter()
            .filter(|c| matches!(&c.kind, b"tEXt" | b"zTXt" | b"iTXt"))
            .map(|c| c.data.len())
            .max()
            .unwrap_or_default(),
    )
}

/// The record's text, as [`embed`] wrote it.
pub fn read(bytes: &[u8]) -> Result<String, NotRead> {
    let chunks = chunks(bytes).ok_or(NotRead::Corrupt)?;
    let chunk = chunks
        .iter()
        .find(|chunk| {
            chunk
                .international_text()
                .is_some_and(|(keyword, _)| keyword == RECORD_KEYWORD.as_bytes())
        })
        .ok_or(NotRead::Missing)?;
    if !chunk.crc_matches() {
        return Err(NotRead::Corrupt);
    }
    let (_, text) = chunk.international_text().ok_or(NotRead::Corrupt)?;
    if text.len() > MAX_SETTINGS_BYTES {
        return Err(NotRead::TooLarge);
    }
    String::from_utf8(text.to_vec()).map_err(|_| NotRead::Unreadable)
}

// Other codecs check the files, and they are host dev-dependencies only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::{embed, read, sample, ImageSettings, NotRead};
    use super::*;

    /// A real PNG made by the `png` crate, as the simulator and other tools write them.
    fn picture(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
        writer.write_image_data(&pixels).unwrap();
        writer.finish().unwrap();
        bytes
    }

    #[test]
    fn settings_round_trip_through_a_png_with_non_ascii_prompts() {
        let original = picture(7, 5);
        let settings = sample();
        let written = embed(&original, &settings).unwrap();
        assert_eq!(read(&written).unwrap(), settings);
        assert_eq!(read(&original), Err(NotRead::Missing));
    }

    #[test]
    fn another_png_decoder_reads_the_pixels_and_the_text_chunks() {
        let original = picture(9, 4);
        let written = embed(&original, &sample()).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&written));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut pixels).unwrap();
        let expected: Vec<u8> = (0..9 * 4 * 3).map(|i| (i % 251) as u8).collect();
        assert_eq!(pixels, expected, "the pixels are untouched");
        let texts: Vec<(String, String)> = reader
            .info()
            .utf8_text
            .iter()
            .map(|chunk| (chunk.keyword.clone(), chunk.get_text().unwrap()))
            .collect();
        let text = |key: &str| texts.iter().find(|(k, _)| k == key).map(|(_, t)| t.clone());
        assert_eq!(text("prompt").as_deref(), Some(sample().prompt()));
        assert_eq!(text("model").as_deref(), Some("bfl/flux-1-dev"));
        assert_eq!(text("seed").as_deref(), Some("424242"));
        assert_eq!(text("price").as_deref(), Some("$0.03"));
        assert_eq!(
            text("job_id").as_deref(),
            Some("3f2a9c1e-0000-4000-8000-000000000001")
        );
        assert_eq!(text("Software").as_deref(), Some("Krea Studio"));
        let record: ImageSettings = serde_json::from_str(&text("krea_studio").unwrap()).unwrap();
        assert_eq!(record, sample());
    }

    #[test]
    fn writing_twice_replaces_rather_than_stacks() {
        let mut second = sample();
        second.request.insert("seed".into(), 7.into());
        let once = embed(&picture(3, 3), &sample()).unwrap();
        let twice = embed(&once, &second).unwrap();
        assert_eq!(read(&twice).unwrap(), second);
        let texts = |bytes: &[u8]| {
            chunks(bytes)
                .unwrap()
                .iter()
                .filter(|c| c.international_text().is_some())
                .count()
        };
        assert_eq!(texts(&twice), texts(&once), "as many text chunks as once");
        assert_eq!(texts(&once), 7);
    }

    #[test]
    fn a_cut_or_damaged_png_is_refused() {
        let written = embed(&picture(4, 4), &sample()).unwrap();
        let cut = &written[..written.len() - 20];
        assert_eq!(read(cut), Err(NotRead::Corrupt));
        assert!(embed(cut, &sample()).is_err());
        // One flipped byte inside the record: its CRC no longer matches.
        let at = written
            .windows(RECORD_KEYWORD.len())
            .position(|w| w == RECORD_KEYWORD.as_bytes())
            .unwrap()
            + 40;
        let mut damaged = written.clone();
        damaged[at] ^= 0x20;
        assert_eq!(read(&damaged), Err(NotRead::Corrupt));
        // A length that points past the end.
        let mut lying = written;
        lying[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(read(&lying), Err(NotRead::Corrupt));
    }

    #[test]
    fn a_text_of_many_megabytes_is_not_parsed() {
        let huge = "x".repeat(8 * 1024 * 1024);
        let written = super::embed(&picture(2, 2), &[], &huge).unwrap();
        assert_eq!(read(&written), Err(NotRead::TooLarge));
    }
}
