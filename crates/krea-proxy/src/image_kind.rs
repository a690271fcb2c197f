//! The image files the proxy takes for upload and the simulator keeps: JPEG, PNG, WebP and
//! HEIC, told apart by their first bytes, never by what a caller declares.

/// An image type, by what the file's first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    Heic,
}

impl ImageKind {
    /// The type the file's first bytes announce, if it is one of the four.
    pub fn sniff(head: &[u8]) -> Option<ImageKind> {
        match imagesize::image_type(head).ok()? {
            imagesize::ImageType::Jpeg => Some(ImageKind::Jpeg),
            imagesize::ImageType::Png => Some(ImageKind::Png),
            imagesize::ImageType::Webp => Some(ImageKind::Webp),
            // HEIC is HEIF holding HEVC; AVIF and other HEIF kinds are not taken.
            imagesize::ImageType::Heif(imagesize::Compression::Hevc) => Some(ImageKind::Heic),
            _ => None,
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
            ImageKind::Heic => "image/heic",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
            ImageKind::Webp => "webp",
            ImageKind::Heic => "heic",
        }
    }

    pub fn from_extension(extension: &str) -> Option<ImageKind> {
        [
            ImageKind::Jpeg,
            ImageKind::Png,
            ImageKind::Webp,
            ImageKind::Heic,
        ]
        .into_iter()
        .find(|kind| kind.extension() == extension)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_the_first_bytes() {
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01"),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(
            ImageKind::sniff(b"RIFF\x24\x00\x00\x00WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(
            ImageKind::sniff(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"),
            Some(ImageKind::Heic)
        );
        assert_eq!(
            ImageKind::sniff(b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00"),
            None,
            "AVIF is not HEIC"
        );
        assert_eq!(ImageKind::sniff(b"<svg xmlns="), None);
        assert_eq!(ImageKind::sniff(b"GIF89a\x01\x00"), None);
        assert_eq!(ImageKind::sniff(b""), None);
    }
}
