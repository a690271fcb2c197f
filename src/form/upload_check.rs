//! What a file must be before it is uploaded: an image type Krea takes, no larger than the
//! proxy's cap. Checked in the browser first, so a person hears why next to the field
//! before anything is sent (the proxy checks again, by the file's bytes).

/// The largest upload the proxy takes by default (`--upload-limit-mb`); a proxy set lower
/// says so itself.
pub const DEFAULT_LIMIT_MB: u64 = 20;

/// What the file picker offers: the four types Krea's asset library takes for images.
pub const ACCEPT: &str = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Not JPEG, PNG, WebP or HEIC (by its type, or its name when the browser gives none).
    Type,
    /// Larger than the cap, in megabytes.
    Size {
        limit_mb: u64,
    },
    Empty,
}

/// Whether a file may be uploaded.
pub fn check_file(name: &str, mime: &str, size: f64, limit_mb: u64) -> Result<(), FileProblem> {
    let mime = mime.to_ascii_lowercase();
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let by_type = matches!(
        mime.as_str(),
        "image/jpeg" | "image/jpg" | "image/png" | "image/webp" | "image/heic" | "image/heif"
    );
    // Some browsers give HEIC files no type at all.
    let by_name = mime.is_empty()
        && matches!(
            extension.as_deref(),
            Some("jpg" | "jpeg" | "png" | "webp" | "heic" | "heif")
        );
    if !(by_type || by_name) {
        return Err(FileProblem::Type);
    }
    if size <= 0.0 {
        return Err(FileProblem::Empty);
    }
    if size > (limit_mb * 1024 * 1024) as f64 {
        return Err(FileProblem::Size { limit_mb });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_krea_takes_pass_and_others_say_why() {
        assert_eq!(check_file("a.png", "image/png", 10.0, 20), Ok(()));
        assert_eq!(check_file("a.HEIC", "", 10.0, 20), Ok(()));
        assert_eq!(
            check_file("a.svg", "image/svg+xml", 10.0, 20),
            Err(FileProblem::Type)
        );
        assert_eq!(
            check_file("a.gif", "image/gif", 10.0, 20),
            Err(FileProblem::Type)
        );
        assert_eq!(check_file("notes", "", 10.0, 20), Err(FileProblem::Type));
        assert_eq!(
            check_file("a.png", "image/png", 0.0, 20),
            Err(FileProblem::Empty)
        );
        assert_eq!(
            check_file("a.jpg", "image/jpeg", 21.0 * 1024.0 * 1024.0, 20),
            Err(FileProblem::Size { limit_mb: 20 })
        );
    }
}
