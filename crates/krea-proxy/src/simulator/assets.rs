//! The simulator's asset library (`/assets`): uploads kept in memory within a cap (the
//! oldest go first), served back at their `image_url`, with width and height read from the
//! image's own header, and listed newest first with Krea's date-time cursor.

use super::book::{creation_time, timestamp};
use crate::image_kind::ImageKind;
use axum::body::Bytes;
use serde::Serialize;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;
use uuid::Uuid;

/// Krea's own limit for one file.
pub const MAX_FILE_BYTES: usize = 75 * 1024 * 1024;
/// All uploads together; past it the oldest are forgotten, so a long demo stays small.
const MAX_TOTAL_BYTES: usize = 256 * 1024 * 1024;
/// A description longer than this is refused (Krea states no limit; the studio sends none
/// this long).
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

pub struct Asset {
    pub id: Uuid,
    pub kind: ImageKind,
    pub bytes: Bytes,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub description: Option<String>,
    pub uploaded_at: SystemTime,
}

/// An asset as Krea's `/assets` routes answer it.
#[derive(Debug, Serialize)]
pub struct AssetBody {
    pub id: String,
    pub image_url: String,
    pub uploaded_at: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub size_bytes: Option<usize>,
    pub mime_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl Asset {
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.id, self.kind.extension())
    }

    pub fn body(&self, origin: &str) -> AssetBody {
        AssetBody {
            id: self.id.to_string(),
            image_url: format!("{origin}/simulator/assets/{}", self.file_name()),
            uploaded_at: timestamp(self.uploaded_at),
            width: self.width,
            height: self.height,
            size_bytes: Some(self.bytes.len()),
            mime_type: Some(self.kind.mime()),
            description: self.description.clone(),
        }
    }
}

#[derive(Default)]
pub struct Assets {
    /// Oldest first.
    items: Mutex<VecDeque<Asset>>,
}

impl Assets {
    fn items(&self) -> std::sync::MutexGuard<'_, VecDeque<Asset>> {
        self.items.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keeps a checked image and answers it as Krea does.
    pub fn add(
        &self,
        kind: ImageKind,
        bytes: Bytes,
        description: Option<String>,
        origin: &str,
    ) -> AssetBody {
        let size = imagesize::blob_size(&bytes).ok();
        let mut items = self.items();
        let last = items.back().map(|asset| asset.uploaded_at);
        let asset = Asset {
            id: Uuid::new_v4(),
            kind,
            width: size.map(|s| s.width as u32),
            height: size.map(|s| s.height as u32),
            bytes,
            description,
            uploaded_at: creation_time(last),
        };
        let body = asset.body(origin);
        items.push_back(asset);
        let mut total: usize = items.iter().map(|asset| asset.bytes.len()).sum();
        while total > MAX_TOTAL_BYTES && items.len() > 1 {
            if let Some(old) = items.pop_front() {
                total -= old.bytes.len();
            }
        }
        body
    }

    pub fn get(&self, id: &str, origin: &str) -> Option<AssetBody> {
        self.items()
            .iter()
            .find(|asset| asset.id.to_string() == id)
            .map(|asset| asset.body(origin))
    }

    /// The file of an asset by its served name (`{id}.{ext}`).
    pub fn file(&self, name: &str) -> Option<(ImageKind, Bytes)> {
        self.items()
            .iter()
            .find(|asset| asset.file_name() == name)
            .map(|asset| (asset.kind, asset.bytes.clone()))
    }

    /// The pixel size of an asset served at `url`, if it is one of these.
    pub fn size_of(&self, url: &str) -> Option<(u32, u32)> {
        let name = url.rsplit('/').next()?;
        let items = self.items();
        let asset = items.iter().find(|asset| asset.file_name() == name)?;
        Some((asset.width?, asset.height?))
    }

    pub fn delete(&self, id: &str) -> bool {
        let mut items = self.items();
        let before = items.len();
        items.retain(|asset| asset.id.to_string() != id);
        items.len() != before
    }

    /// Newest first, uploaded before `before` (nanoseconds since 1970), as Krea's cursor.
    pub fn list(
        &self,
        before: Option<i128>,
        limit: usize,
        origin: &str,
    ) -> (Vec<AssetBody>, Option<String>) {
        let items = self.items();
        let mut older = items.iter().rev().filter(|asset| {
            before.is_none_or(|cursor| {
                time::OffsetDateTime::from(asset.uploaded_at).unix_timestamp_nanos() < cursor
            })
        });
        let page: Vec<AssetBody> = older
            .by_ref()
            .take(limit)
            .map(|asset| asset.body(origin))
            .collect();
        let next = match older.next() {
            Some(_) => page.last().map(|asset| asset.uploaded_at.clone()),
            None => None,
        };
        (page, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::picture::Picture;

    fn png(width: u32, height: u32) -> Bytes {
        Bytes::from(
            Picture {
                prompt: "asset",
                seed: 1,
                width,
                height,
                preview: false,
            }
            .png(),
        )
    }

    #[test]
    fn uploads_read_their_size_and_list_newest_first_with_a_cursor() {
        let assets = Assets::default();
        let first = assets.add(ImageKind::Png, png(30, 20), None, "http://o");
        let second = assets.add(ImageKind::Png, png(8, 8), Some("b".into()), "http://o");
        assert_eq!((first.width, first.height), (Some(30), Some(20)));
        assert_eq!(first.mime_type, Some("image/png"));
        assert!(first.image_url.starts_with("http://o/simulator/assets/"));
        let (page, next) = assets.list(None, 1, "http://o");
        assert_eq!(page[0].id, second.id);
        let cursor = next.expect("an older upload remains");
        let cursor =
            time::OffsetDateTime::parse(&cursor, &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp_nanos();
        let (rest, next) = assets.list(Some(cursor), 10, "http://o");
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].id, first.id);
        assert_eq!(next, None);
        assert_eq!(assets.size_of(&first.image_url), Some((30, 20)));
        assert!(assets.delete(&first.id));
        assert!(!assets.delete(&first.id));
        assert!(assets.get(&first.id, "http://o").is_none());
    }
}
