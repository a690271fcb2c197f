//! Reads a caller's multipart upload as it arrives and writes the one Krea receives: a `file`
//! (an image whose first bytes say JPEG, PNG, WebP or HEIC) and an optional `description`,
//! under the proxy's own boundary, with the file's true type. Nothing else the caller sent
//! goes on.
//!
//! The first [`PREFETCH`] bytes are read and checked before anything is forwarded, so a
//! small upload is wholly checked first: a hostile one never reaches Krea. A larger one
//! streams on after its head passed; a problem found later (a second file, the size cap on a
//! body without a length, a stall) cuts the stream, Krea receives an unfinished body and
//! makes no asset, and the caller hears why.

use super::{UploadRules, DESCRIPTION_CHARS};
use crate::error::ProxyError;
use crate::image_kind::ImageKind;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use futures_util::stream::{self, Stream, StreamExt};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Bytes read and checked before the upstream request starts.
pub const PREFETCH: usize = 64 * 1024;
/// A form's own bytes besides the file: part headers, boundaries, the description.
pub const FORM_OVERHEAD: u64 = 64 * 1024;
/// The first bytes of a file, as a browser reads them to guess a type it is not told
/// (WHATWG MIME Sniffing's resource header): markup there makes the file a polyglot.
const SNIFF_WINDOW: usize = 1445;
/// Markup that has no business in an image's first bytes, lowercase, after its `<`.
const MARKUP: [&[u8]; 7] = [
    b"script",
    b"html",
    b"svg",
    b"iframe",
    b"body",
    b"!doctype",
    b"?php",
];

/// A checked upload on its way: the form Krea receives, streamed.
pub struct Outgoing {
    /// `multipart/form-data; boundary=…` of the proxy's own boundary.
    pub content_type: String,
    pub body: Body,
    /// Why the stream was cut after it started, when it was.
    pub cut: Arc<Mutex<Option<ProxyError>>>,
}

/// Checks the head of the upload and returns the form to forward, or the refusal.
pub async fn check(
    headers: &HeaderMap,
    body: Body,
    rules: &UploadRules,
) -> Result<Outgoing, ProxyError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let essence = declared.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return Err(ProxyError::UnsupportedMediaType(
            "Send the image as multipart/form-data, with a file and an optional description".into(),
        ));
    }
    let boundary = multer::parse_boundary(declared)
        .map_err(|_| ProxyError::BadRequest("The multipart body names no boundary".into()))?;
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if length.is_some_and(|length| length > rules.max_bytes + FORM_OVERHEAD) {
        return Err(rules.too_large());
    }
    let constraints = multer::Constraints::new()
        .allowed_fields(vec!["file", "description"])
        .size_limit(
            multer::SizeLimit::new()
                .whole_stream(rules.max_bytes + FORM_OVERHEAD)
                .for_field("file", rules.max_bytes)
                .for_field("description", (DESCRIPTION_CHARS * 4) as u64),
        );
    let incoming = Paced {
        inner: Box::pin(idle_bounded(body.into_data_stream(), rules.idle)),
        just_gave: false,
    };
    let mut reader = Reader {
        form: multer::Multipart::with_constraints(incoming, boundary, constraints),
        field: None,
        rules: rules.clone(),
        out_boundary: format!("krea-proxy-{}", crate::secret::random_hex(16)),
        state: State::Between,
        file_seen: false,
        description_seen: false,
    };
    let mut prefix: Vec<Bytes> = Vec::new();
    let mut buffered = 0;
    while buffered < PREFETCH {
        match reader.next_piece().await? {
            Some(piece) => {
                buffered += piece.len();
                prefix.push(piece);
            }
            None => break,
        }
    }
    let content_type = format!("multipart/form-data; boundary={}", reader.out_boundary);
    let cut = Arc::new(Mutex::new(None));
    let head = stream::iter(prefix.into_iter().map(Ok::<Bytes, std::io::Error>));
    if reader.state == State::Done {
        return Ok(Outgoing {
            content_type,
            body: Body::from_stream(head),
            cut,
        });
    }
    let rest = stream::unfold((reader, Arc::clone(&cut)), |(mut reader, cut)| async move {
        match reader.next_piece().await {
            Ok(Some(piece)) => Some((Ok(piece), (reader, cut))),
            Ok(None) => None,
            Err(refusal) => {
                let words = refusal.to_string();
                *cut.lock().unwrap_or_else(|e| e.into_inner()) = Some(refusal);
                reader.state = State::Done;
                Some((Err(std::io::Error::other(words)), (reader, cut)))
            }
        }
    });
    Ok(Outgoing {
        content_type,
        body: Body::from_stream(head.chain(rest)),
        cut,
    })
}

/// The incoming body, cut with an error when no bytes come for `idle`.
fn idle_bounded(
    body: axum::body::BodyDataStream,
    idle: Duration,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    stream::unfold(Some(body), move |body| async move {
        let mut body = body?;
        match tokio::time::timeout(idle, body.next()).await {
            Ok(Some(Ok(bytes))) => Some((Ok(bytes), Some(body))),
            Ok(Some(Err(error))) => Some((Err(std::io::Error::other(error)), None)),
            Ok(None) => None,
            Err(_) => Some((
                Err(std::io::Error::new(std::io::ErrorKind::TimedOut, Stalled)),
                None,
            )),
        }
    })
}

/// A stream that gives one item per poll and then says "not yet" once (waking itself at
/// once): multer reads its source until the source is not ready, so unpaced it would take
/// in the whole body as fast as the caller sends it, however slowly Krea reads. Paced, it
/// holds about one chunk at a time.
struct Paced<S> {
    inner: std::pin::Pin<Box<S>>,
    just_gave: bool,
}

impl<S: Stream> Stream for Paced<S> {
    type Item = S::Item;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<S::Item>> {
        let this = self.get_mut();
        if this.just_gave {
            this.just_gave = false;
            cx.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        let next = this.inner.as_mut().poll_next(cx);
        this.just_gave = matches!(next, std::task::Poll::Ready(Some(_)));
        next
    }
}

/// The marker of a stalled upload, found again in multer's error.
#[derive(Debug)]
struct Stalled;

impl std::fmt::Display for Stalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the upload stalled")
    }
}

impl std::error::Error for Stalled {}

#[derive(Debug, PartialEq, Eq)]
enum State {
    /// Between parts.
    Between,
    /// In the file, its head checked and sent: the rest streams through.
    File,
    Done,
}

struct Reader {
    form: multer::Multipart<'static>,
    /// The file part being streamed.
    field: Option<multer::Field<'static>>,
    rules: UploadRules,
    out_boundary: String,
    state: State,
    file_seen: bool,
    description_seen: bool,
}

impl Reader {
    /// The next bytes of the outgoing form, `None` when it is complete.
    async fn next_piece(&mut self) -> Result<Option<Bytes>, ProxyError> {
        match self.state {
            State::Done => Ok(None),
            State::File => {
                let Some(field) = self.field.as_mut() else {
                    self.state = State::Between;
                    return Ok(Some(Bytes::from_static(b"\r\n")));
                };
                match field.chunk().await.map_err(|e| refusal(e, &self.rules))? {
                    Some(chunk) => Ok(Some(chunk)),
                    None => {
                        self.field = None;
                        self.state = State::Between;
                        Ok(Some(Bytes::from_static(b"\r\n")))
                    }
                }
            }
            State::Between => self.next_part().await,
        }
    }

    async fn next_part(&mut self) -> Result<Option<Bytes>, ProxyError> {
        let next = self.form.next_field().await;
        let Some(mut field) = next.map_err(|e| refusal(e, &self.rules))? else {
            if !self.file_seen {
                return Err(ProxyError::BadRequest(
                    "The upload has no file: send the image in a part named file".into(),
                ));
            }
            self.state = State::Done;
            return Ok(Some(Bytes::from(format!("--{}--\r\n", self.out_boundary))));
        };
        if field.name() == Some("description") {
            if self.description_seen {
                return Err(ProxyError::BadRequest("Send one description".into()));
            }
            self.description_seen = true;
            let bytes = field.bytes().await.map_err(|e| refusal(e, &self.rules))?;
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| ProxyError::BadRequest("The description is not UTF-8 text".into()))?;
            if text.chars().count() > DESCRIPTION_CHARS {
                return Err(description_too_long());
            }
            return Ok(Some(Bytes::from(format!(
                "--{}\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n{text}\r\n",
                self.out_boundary
            ))));
        }
        // Only `file` and `description` pass multer's constraints.
        if self.file_seen {
            return Err(ProxyError::BadRequest("Send one file per upload".into()));
        }
        self.file_seen = true;
        let name = field.file_name().map(str::to_owned);
        let declared = field
            .content_type()
            .map(|mime| mime.essence_str().to_owned());
        let mut head: Vec<u8> = Vec::new();
        while head.len() < SNIFF_WINDOW {
            match field.chunk().await.map_err(|e| refusal(e, &self.rules))? {
                Some(chunk) => head.extend_from_slice(&chunk),
                None => break,
            }
        }
        let kind = check_head(&head, declared.as_deref())?;
        let file_name = checked_file_name(name.as_deref(), kind)?;
        let mut piece = format!(
            "--{}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {}\r\n\r\n",
            self.out_boundary,
            kind.mime()
        )
        .into_bytes();
        piece.extend_from_slice(&head);
        self.field = Some(field);
        self.state = State::File;
        Ok(Some(Bytes::from(piece)))
    }
}

fn description_too_long() -> ProxyError {
    ProxyError::BadRequest(
        format!("The description is too long: at most {DESCRIPTION_CHARS} characters").into(),
    )
}

/// What a multer error means for the caller.
fn refusal(error: multer::Error, rules: &UploadRules) -> ProxyError {
    use multer::Error as E;
    match error {
        E::UnknownField { field_name } => ProxyError::BadRequest(
            format!(
                "An upload takes a file and a description, nothing else (not '{}')",
                field_name.unwrap_or_default()
            )
            .into(),
        ),
        E::FieldSizeExceeded { field_name, .. } if field_name.as_deref() == Some("description") => {
            description_too_long()
        }
        E::FieldSizeExceeded { .. } | E::StreamSizeExceeded { .. } => rules.too_large(),
        E::StreamReadFailed(cause) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&*cause);
            while let Some(error) = source {
                // `io::Error` hides the error it wraps from `source()`: look inside.
                let inner = error
                    .downcast_ref::<std::io::Error>()
                    .and_then(|io| io.get_ref())
                    .map(|inner| inner as &(dyn std::error::Error + 'static));
                for error in [Some(error), inner].into_iter().flatten() {
                    if error.is::<Stalled>() {
                        return ProxyError::RequestTimeout(
                            format!(
                                "The upload stalled: no bytes came for {} seconds",
                                rules.idle.as_secs()
                            )
                            .into(),
                        );
                    }
                    if error.is::<http_body_util::LengthLimitError>() {
                        return rules.too_large();
                    }
                }
                source = inner
                    .and_then(|inner| inner.source())
                    .or_else(|| error.source());
            }
            ProxyError::BadRequest("The upload broke off before its end".into())
        }
        other => ProxyError::BadRequest(format!("The multipart body is malformed: {other}").into()),
    }
}

/// The file's head: not empty, an image by its first bytes, no markup where a browser
/// would sniff for it, and of the type it declares (when it declares an image type).
fn check_head(head: &[u8], declared: Option<&str>) -> Result<ImageKind, ProxyError> {
    if head.is_empty() {
        return Err(ProxyError::BadRequest("The file is empty".into()));
    }
    let Some(kind) = ImageKind::sniff(head) else {
        return Err(ProxyError::UnsupportedMediaType(
            "Only JPEG, PNG, WebP and HEIC images can be uploaded; this file is none of them"
                .into(),
        ));
    };
    if has_markup(&head[..head.len().min(SNIFF_WINDOW)]) {
        return Err(ProxyError::UnsupportedMediaType(
            "The file holds markup (HTML or script) besides the image; it is refused".into(),
        ));
    }
    if let Some(declared) = declared {
        let declared = declared.to_ascii_lowercase();
        let agrees = match declared.as_str() {
            "application/octet-stream" => true,
            "image/jpg" | "image/pjpeg" => kind == ImageKind::Jpeg,
            "image/heif" => kind == ImageKind::Heic,
            other => other == kind.mime(),
        };
        if !agrees {
            return Err(ProxyError::UnsupportedMediaType(
                format!(
                    "The file says it is {declared}, but its bytes are {}",
                    kind.mime()
                )
                .into(),
            ));
        }
    }
    Ok(kind)
}

fn has_markup(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(at, byte)| {
        *byte == b'<'
            && MARKUP.iter().any(|tag| {
                bytes
                    .get(at + 1..at + 1 + tag.len())
                    .is_some_and(|after| after.eq_ignore_ascii_case(tag))
            })
    })
}

/// A plain file name (no path, no quotes or control characters, at most 255 bytes), or one
/// made up from the type when the caller sent none.
fn checked_file_name(name: Option<&str>, kind: ImageKind) -> Result<String, ProxyError> {
    let Some(name) = name.filter(|name| !name.is_empty()) else {
        return Ok(format!("upload.{}", kind.extension()));
    };
    let plain = name.len() <= 255
        && !name.contains("..")
        && !name
            .chars()
            .any(|c| c.is_control() || matches!(c, '/' | '\\' | '"' | ';'));
    if plain {
        Ok(name.to_owned())
    } else {
        Err(ProxyError::BadRequest(
            "The file name must be a plain name, without a path, quotes or control characters"
                .into(),
        ))
    }
}
