//! A history export that keeps the images: one ZIP with `history.json` (the history file as
//! `history_file` writes it) and each image under `images/{job id}-{n}.{png|jpg|webp}`.
//! Entries are stored, not compressed (the images are compressed already), so reading one
//! never expands it. No I/O here: the archive is built and read in memory.
//!
//! Reading trusts nothing: a file that is not a ZIP, not ours, corrupt or hostile (a name
//! with `..` or a folder, an entry larger than Krea makes, a compressed entry, which is how
//! ZIP bombs expand, too many entries, a PNG carrying a text chunk of megabytes) is refused
//! whole, with the reason, before anything is imported.

use super::image_settings::{png_text, ImageKind};
use super::local_copies::CopyKey;
use super::safe_url::is_job_id;
use std::cell::RefCell;
use std::io::{Cursor, Read, Seek, Write};
use std::rc::Rc;
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipArchive, ZipWriter};

pub const HISTORY_NAME: &str = "history.json";
const IMAGES: &str = "images/";

/// The largest image entry read: Krea's own upload limit.
pub const MOST_IMAGE_BYTES: u64 = 75 * 1024 * 1024;
/// The largest `history.json` read (a history of 100,000 jobs is about 60 MB).
pub const MOST_HISTORY_BYTES: u64 = 128 * 1024 * 1024;
/// More entries than this is not a history of ours.
pub const MOST_ENTRIES: usize = 200_000;
/// The largest text chunk a PNG of ours may carry (settings inside are ≤ 256 KB).
pub const MOST_PNG_TEXT_BYTES: usize = 1024 * 1024;
/// How large one export part grows before the next begins: well inside what a browser
/// tab holds in memory, and under ZIP's 4 GB without ZIP64.
pub const PART_BYTES: u64 = 512 * 1024 * 1024;

/// An image's kind, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFile {
    Png,
    Jpeg,
    Webp,
}

impl ImageFile {
    /// PNG and JPEG as the settings writer reads them; WebP besides.
    pub fn of(bytes: &[u8]) -> Option<ImageFile> {
        match ImageKind::of(bytes) {
            Some(ImageKind::Png) => Some(ImageFile::Png),
            Some(ImageKind::Jpeg) => Some(ImageFile::Jpeg),
            None if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" => {
                Some(ImageFile::Webp)
            }
            None => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ImageFile::Png => "png",
            ImageFile::Jpeg => "jpg",
            ImageFile::Webp => "webp",
        }
    }

    fn from_extension(extension: &str) -> Option<ImageFile> {
        match extension {
            "png" => Some(ImageFile::Png),
            "jpg" => Some(ImageFile::Jpeg),
            "webp" => Some(ImageFile::Webp),
            _ => None,
        }
    }
}

/// The entry name of one image.
pub fn image_name(key: &CopyKey, kind: ImageFile) -> String {
    format!("{IMAGES}{}-{}.{}", key.job_id, key.image, kind.extension())
}

/// The key and kind an image entry's name says; `None` for any other name.
fn parse_image_name(name: &str) -> Option<(CopyKey, ImageFile)> {
    let file = name.strip_prefix(IMAGES)?;
    let (stem, extension) = file.rsplit_once('.')?;
    let (job_id, image) = stem.rsplit_once('-')?;
    let image: usize = image.parse().ok().filter(|n| *n < 100)?;
    if !is_job_id(job_id) || image.to_string().len() != stem.len() - job_id.len() - 1 {
        return None;
    }
    Some((
        CopyKey::new(job_id, image),
        ImageFile::from_extension(extension)?,
    ))
}

/// Builds one archive: in memory (the default), or as it goes into a [`Sink`] whose bytes
/// the caller hands on to a file after each image ([`ArchiveWriter::streaming`]).
pub struct ArchiveWriter<W: Write + Seek = Cursor<Vec<u8>>> {
    zip: ZipWriter<W>,
    bytes: u64,
}

impl Default for ArchiveWriter {
    fn default() -> Self {
        ArchiveWriter {
            zip: ZipWriter::new(Cursor::new(Vec::new())),
            bytes: 0,
        }
    }
}

/// Where a streamed archive's bytes wait to be written out.
#[derive(Clone, Default)]
pub struct Sink(Rc<RefCell<Vec<u8>>>);

impl Sink {
    /// What was written since the last take.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ArchiveWriter<StreamWriter<Sink>> {
    /// An archive written as it goes: never more than one image in memory.
    pub fn streaming() -> (Self, Sink) {
        let sink = Sink::default();
        let writer = ArchiveWriter {
            zip: ZipWriter::new_stream(sink.clone()),
            bytes: 0,
        };
        (writer, sink)
    }
}

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

impl<W: Write + Seek> ArchiveWriter<W> {
    /// Adds an image; its kind comes from its bytes (`None`: not an image, left out).
    pub fn add_image(&mut self, key: &CopyKey, bytes: &[u8]) -> Option<()> {
        let kind = ImageFile::of(bytes)?;
        self.zip.start_file(image_name(key, kind), stored()).ok()?;
        self.zip.write_all(bytes).ok()?;
        self.bytes += bytes.len() as u64;
        Some(())
    }

    /// What the images added so far weigh.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Adds `history.json` and ends the archive.
    pub fn finish_into(mut self, history: &str) -> Result<W, String> {
        self.zip
            .start_file(HISTORY_NAME, stored())
            .map_err(|e| e.to_string())?;
        self.zip
            .write_all(history.as_bytes())
            .map_err(|e| e.to_string())?;
        self.zip.finish().map_err(|e| e.to_string())
    }
}

impl ArchiveWriter {
    /// Adds `history.json` and returns the whole file.
    pub fn finish(self, history: &str) -> Result<Vec<u8>, String> {
        self.finish_into(history).map(Cursor::into_inner)
    }
}

/// What an archive holds, read whole and checked.
#[derive(Debug)]
pub struct Archive {
    pub history: String,
    pub images: Vec<(CopyKey, Vec<u8>)>,
}

/// Why an archive was refused; nothing of it is imported then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    #[error("not a ZIP file, or a damaged one")]
    NotZip,
    #[error("not a Krea Studio export (no history.json)")]
    NotOurs,
    #[error("it holds {0}, which a Krea Studio export never does")]
    Foreign(String),
    #[error("it holds more than {MOST_ENTRIES} files")]
    TooManyEntries,
    #[error("{0} is compressed, which a Krea Studio export never is")]
    Compressed(String),
    #[error("{0} is larger than Krea makes images")]
    TooLarge(String),
    #[error("{0} is damaged")]
    Damaged(String),
    #[error("{0} is not the image its name says")]
    NotAnImage(String),
    #[error("{0} carries a text chunk of megabytes")]
    HugeText(String),
}

/// Reads and checks a whole archive.
pub fn read(bytes: &[u8]) -> Result<Archive, ArchiveError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| ArchiveError::NotZip)?;
    if zip.len() > MOST_ENTRIES {
        return Err(ArchiveError::TooManyEntries);
    }
    let mut history = None;
    let mut images = Vec::new();
    for at in 0..zip.len() {
        let mut entry = zip.by_index_raw(at).map_err(|_| ArchiveError::NotZip)?;
        let name = entry.name().map_err(|_| ArchiveError::NotZip)?.into_owned();
        let shown = name.chars().take(80).collect::<String>();
        let image = parse_image_name(&name);
        let most = match (&image, name.as_str()) {
            (Some(_), _) => MOST_IMAGE_BYTES,
            (None, HISTORY_NAME) => MOST_HISTORY_BYTES,
            _ => return Err(ArchiveError::Foreign(shown)),
        };
        if entry.compression() != CompressionMethod::Stored {
            return Err(ArchiveError::Compressed(shown));
        }
        // Stored: what the directory says it holds is what is read, byte for byte.
        if entry.size() > most || entry.compressed_size() > most {
            return Err(ArchiveError::TooLarge(shown));
        }
        if entry.size() != entry.compressed_size() {
            return Err(ArchiveError::Damaged(shown));
        }
        let mut data = Vec::with_capacity(entry.size() as usize);
        (&mut entry)
            .take(most + 1)
            .read_to_end(&mut data)
            .map_err(|_| ArchiveError::Damaged(shown.clone()))?;
        if data.len() as u64 != entry.size() || entry.crc32() != crc32fast::hash(&data) {
            return Err(ArchiveError::Damaged(shown));
        }
        match image {
            Some((key, kind)) => {
                check_image(&data, kind, &shown)?;
                images.push((key, data));
            }
            None if history.is_some() => return Err(ArchiveError::Foreign(shown)),
            None => {
                history = Some(String::from_utf8(data).map_err(|_| ArchiveError::Damaged(shown))?)
            }
        }
    }
    Ok(Archive {
        history: history.ok_or(ArchiveError::NotOurs)?,
        images,
    })
}

fn check_image(data: &[u8], kind: ImageFile, shown: &str) -> Result<(), ArchiveError> {
    if ImageFile::of(data) != Some(kind) {
        return Err(ArchiveError::NotAnImage(shown.to_owned()));
    }
    if kind == ImageFile::Png {
        let text = png_text::largest_text(data).ok_or(ArchiveError::Damaged(shown.to_owned()))?;
        if text > MOST_PNG_TEXT_BYTES {
            return Err(ArchiveError::HugeText(shown.to_owned()));
        }
    }
    Ok(())
}

/// The name of an export made on `date`: one file, or part `n` of several (each part is
/// saved as it fills, before the number of parts is known).
pub fn file_name(date: &str, part: Option<usize>) -> String {
    match part {
        None => format!("krea-history-{date}.zip"),
        Some(n) => format!("krea-history-{date}-part-{n}.zip"),
    }
}

// The `png` crate that draws test images is a host-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const JOB: &str = "4d0e5f97-9721-4422-b88c-73a9032d7de1";

    /// A whole, tiny PNG (1×1) with an optional text chunk of `text` bytes.
    fn png(text: usize) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, 1, 1);
            encoder.set_color(png::ColorType::Rgba);
            if text > 0 {
                encoder
                    .add_text_chunk("comment".into(), "x".repeat(text))
                    .unwrap();
            }
            let mut writer = encoder.write_header().unwrap();
            writer.write_image_data(&[1, 2, 3, 255]).unwrap();
        }
        out
    }

    fn zip_of(entries: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data, method) in entries {
            let options = SimpleFileOptions::default().compression_method(*method);
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn an_archive_round_trips_the_history_and_every_image() {
        let mut writer = ArchiveWriter::default();
        let first = CopyKey::new(JOB, 0);
        let second = CopyKey::new(JOB, 1);
        writer.add_image(&first, &png(0)).unwrap();
        writer
            .add_image(&second, b"\xFF\xD8\xFF\xE0 a jpeg")
            .unwrap();
        assert_eq!(writer.add_image(&first, b"<svg/>"), None, "not an image");
        let bytes = writer
            .finish("{\"format\":\"krea-studio.history\"}")
            .unwrap();
        let archive = read(&bytes).unwrap();
        assert_eq!(archive.history, "{\"format\":\"krea-studio.history\"}");
        assert_eq!(archive.images.len(), 2);
        assert_eq!(archive.images[0], (first, png(0)));
        assert_eq!(archive.images[1].0, second);
        let names: Vec<String> = {
            let mut zip = ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
            (0..zip.len())
                .map(|i| zip.by_index_raw(i).unwrap().name().unwrap().into_owned())
                .collect()
        };
        assert_eq!(
            names,
            [
                format!("images/{JOB}-0.png"),
                format!("images/{JOB}-1.jpg"),
                "history.json".into()
            ]
        );
    }

    #[test]
    fn an_archive_written_as_it_goes_reads_back_the_same() {
        let (mut writer, sink) = ArchiveWriter::streaming();
        let mut file = Vec::new();
        for image in 0..3 {
            writer
                .add_image(&CopyKey::new(JOB, image), &png(10 * image))
                .unwrap();
            // Handed on after each image: what waits is never more than one image.
            let ready = sink.take();
            assert!(ready.len() < png(30).len() + 512, "{}", ready.len());
            file.extend(ready);
        }
        writer.finish_into("{}").unwrap();
        file.extend(sink.take());
        let archive = read(&file).unwrap();
        assert_eq!(archive.history, "{}");
        assert_eq!(archive.images.len(), 3);
        assert_eq!(archive.images[2], (CopyKey::new(JOB, 2), png(20)));
    }

    #[test]
    fn what_is_not_a_zip_or_not_ours_is_refused() {
        assert_eq!(read(b"{\"jobs\": []}").unwrap_err(), ArchiveError::NotZip);
        let no_history = zip_of(&[(
            &format!("images/{JOB}-0.png"),
            &png(0),
            CompressionMethod::Stored,
        )]);
        assert_eq!(read(&no_history).unwrap_err(), ArchiveError::NotOurs);
        let truncated = zip_of(&[("history.json", b"{}", CompressionMethod::Stored)]);
        assert_eq!(
            read(&truncated[..truncated.len() - 10]).unwrap_err(),
            ArchiveError::NotZip
        );
    }

    #[test]
    fn hostile_names_and_entries_are_refused_whole() {
        let history = ("history.json", &b"{}"[..], CompressionMethod::Stored);
        for name in [
            "../history.json",
            "../../etc/passwd",
            "images/../../x.png",
            &format!("images/{JOB}-0.png/../../x"),
            &format!("images/sub/{JOB}-0.png"),
            "images/not-a-job-0.png",
            &format!("images/{JOB}-0.svg"),
            &format!("images/{JOB}-007.png"),
            "/etc/passwd",
            "C:\\evil.png",
            "notes.txt",
        ] {
            let bytes = zip_of(&[history, (name, &png(0), CompressionMethod::Stored)]);
            assert!(
                matches!(read(&bytes), Err(ArchiveError::Foreign(_))),
                "{name}: {:?}",
                read(&bytes).map(|a| a.images.len())
            );
        }
    }

    #[test]
    fn a_compressed_entry_which_is_how_zip_bombs_expand_is_refused() {
        // Deflate is not built in: a ZIP that uses it is not ours.
        let mut raw = zip_of(&[("history.json", b"{}", CompressionMethod::Stored)]);
        // Mark the entry deflated (method 8) in the local header and the directory.
        let local = 8;
        raw[local] = 8;
        let central = raw.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        raw[central + 10] = 8;
        assert!(
            matches!(
                read(&raw),
                Err(ArchiveError::Compressed(_) | ArchiveError::NotZip)
            ),
            "{:?}",
            read(&raw).map(|a| a.history)
        );
    }

    #[test]
    fn an_entry_claiming_gigabytes_is_refused_before_it_is_read() {
        let mut raw = zip_of(&[
            (
                &format!("images/{JOB}-0.png"),
                &png(0)[..],
                CompressionMethod::Stored,
            ),
            ("history.json", b"{}", CompressionMethod::Stored),
        ]);
        // The directory says the image is 2 GB (both sizes), as a hostile file would.
        let central = raw.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        let two_gb = (2u32 << 30).to_le_bytes();
        raw[central + 20..central + 24].copy_from_slice(&two_gb);
        raw[central + 24..central + 28].copy_from_slice(&two_gb);
        assert!(matches!(
            read(&raw),
            Err(ArchiveError::TooLarge(_) | ArchiveError::NotZip)
        ));
    }

    #[test]
    fn a_damaged_entry_and_an_image_that_lies_are_refused() {
        let image = format!("images/{JOB}-0.png");
        let mut raw = zip_of(&[
            (&image, &png(0)[..], CompressionMethod::Stored),
            ("history.json", b"{}", CompressionMethod::Stored),
        ]);
        // Flip a byte of the image's data: its CRC no longer matches.
        let data_at = 30 + image.len() + 20;
        raw[data_at] ^= 0xFF;
        assert!(matches!(read(&raw), Err(ArchiveError::Damaged(_))));

        let lying = zip_of(&[
            (&image, b"<html>not a png</html>", CompressionMethod::Stored),
            ("history.json", b"{}", CompressionMethod::Stored),
        ]);
        assert!(matches!(read(&lying), Err(ArchiveError::NotAnImage(_))));
    }

    #[test]
    fn a_png_with_a_text_chunk_of_megabytes_is_refused() {
        let image = format!("images/{JOB}-0.png");
        let history = ("history.json", &b"{}"[..], CompressionMethod::Stored);
        let small = zip_of(&[(&image, &png(1000), CompressionMethod::Stored), history]);
        assert_eq!(read(&small).unwrap().images.len(), 1);
        let huge = zip_of(&[(&image, &png(3 << 20), CompressionMethod::Stored), history]);
        assert!(matches!(read(&huge), Err(ArchiveError::HugeText(_))));
    }

    #[test]
    fn parts_are_named_only_when_there_are_several() {
        assert_eq!(file_name("2026-12-04", None), "krea-history-2026-12-04.zip");
        assert_eq!(
            file_name("2026-12-04", Some(2)),
            "krea-history-2026-12-04-part-2.zip"
        );
    }
}
