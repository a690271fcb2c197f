//! Thin wrappers over the browser APIs the studio needs besides HTTP: saving a file,
//! opening a tab, the clipboard, reading a picked file, the page's language and visibility.
//! No views and no state.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// What a JavaScript error says, in words.
pub(crate) fn js_error(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// Saves `blob` as a download called `name`.
pub fn save_blob(blob: &Blob, name: &str) -> Result<(), String> {
    let document = gloo_utils::document();
    let url = Url::create_object_url_with_blob(blob).map_err(js_error)?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(js_error)?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // Some browsers read the blob after the click returns: let the URL go a moment later.
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(10_000).await;
        let _ = Url::revoke_object_url(&url);
    });
    Ok(())
}

/// Saves `text` as a download called `name`.
pub fn save_text(text: &str, name: &str, mime: &str) -> Result<(), String> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_error)?;
    save_blob(&blob, name)
}

/// Saves `bytes` as a download called `name`; `mime` may be empty (the name then tells).
pub fn save_bytes(bytes: &[u8], name: &str, mime: &str) -> Result<(), String> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js_error)?;
    save_blob(&blob, name)
}

/// Opens `url` in a new tab, without giving it a handle on this one.
pub fn open_in_new_tab(url: &str) {
    let _ = gloo_utils::window().open_with_url_and_target_and_features(url, "_blank", "noopener");
}

/// Puts `text` on the clipboard.
pub async fn copy_text(text: &str) -> Result<(), String> {
    let clipboard = gloo_utils::window().navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(drop)
        .map_err(js_error)
}

/// The text of a file the person picked.
pub async fn read_text(file: &web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text()).await.map_err(js_error)?;
    text.as_string().ok_or_else(|| "not text".to_owned())
}

/// The bytes of a file the person picked or dropped.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(js_error)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Today, counted from 1970-01-01 in the browser's time zone, and that zone now (minutes
/// ahead of UTC).
pub fn local_today() -> (i64, i32) {
    let now = js_sys::Date::new_0();
    let utc_offset_min = -(now.get_timezone_offset() as i32);
    let minutes = (now.get_time() / 60_000.0).floor() as i64 + i64::from(utc_offset_min);
    (minutes.div_euclid(1440), utc_offset_min)
}

/// A day (counted from 1970-01-01) as the locale writes a short date: `3 Dec`, `3 dic`.
pub fn short_date(day: i64, locale_tag: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(day as f64 * 86_400_000.0));
    let options = js_sys::Object::new();
    for (key, value) in [("day", "numeric"), ("month", "short"), ("timeZone", "UTC")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_date_string(locale_tag, &options).into()
}

/// The browser's preferred languages, most preferred first.
pub fn preferred_languages() -> Vec<String> {
    let navigator = gloo_utils::window().navigator();
    let listed: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    if listed.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        listed
    }
}

/// Today's date as `2026-11-22`, in the person's time zone.
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        now.get_full_year(),
        now.get_month() + 1,
        now.get_date()
    )
}

/// A random (version 4) UUID, for an `Idempotency-Key`. `crypto.randomUUID` needs a secure
/// context; a studio served over plain http on a LAN falls back to `getRandomValues`.
pub fn new_uuid() -> String {
    let window = gloo_utils::window();
    let crypto = window.crypto().ok();
    if let Some(crypto) = crypto.as_ref().filter(|_| window.is_secure_context()) {
        return crypto.random_uuid();
    }
    let mut bytes = [0u8; 16];
    match &crypto {
        Some(crypto) => {
            let _ = crypto.get_random_values_with_u8_array(&mut bytes);
        }
        None => bytes
            .iter_mut()
            .for_each(|b| *b = (js_sys::Math::random() * 256.0) as u8),
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A file the person chose, written as it goes: the File System Access API's writable
/// stream (Chromium has it). Nothing waits in memory but what is being written.
pub struct SaveStream {
    writable: JsValue,
    /// The file's name, as the person chose it.
    pub name: String,
}

async fn call_promise(on: &JsValue, method: &str, args: &js_sys::Array) -> Result<JsValue, String> {
    let function: js_sys::Function = js_sys::Reflect::get(on, &method.into())
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| format!("{method} is not here"))?;
    let promise: js_sys::Promise = function
        .apply(on, args)
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| format!("{method} gave no promise"))?;
    JsFuture::from(promise).await.map_err(js_error)
}

impl SaveStream {
    /// Asks where to save `suggested` (a ZIP): `None` where the browser cannot stream to a
    /// file (then the caller saves another way); `Some(Err)` when the person cancelled or
    /// the browser refused.
    pub async fn choose(suggested: &str) -> Option<Result<SaveStream, String>> {
        let window: JsValue = gloo_utils::window().into();
        let picker = js_sys::Reflect::get(&window, &"showSaveFilePicker".into()).ok()?;
        if !picker.is_function() {
            return None;
        }
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"suggestedName".into(), &suggested.into());
        let handle = match call_promise(
            &window,
            "showSaveFilePicker",
            &js_sys::Array::of1(&options),
        )
        .await
        {
            Ok(handle) => handle,
            Err(why) => return Some(Err(why)),
        };
        Some(SaveStream::of_handle(&handle).await)
    }

    /// Writes into the file `handle` (a `FileSystemFileHandle`) from its start.
    pub async fn of_handle(handle: &JsValue) -> Result<SaveStream, String> {
        let writable = call_promise(handle, "createWritable", &js_sys::Array::new()).await?;
        let name = js_sys::Reflect::get(handle, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .unwrap_or_default();
        Ok(SaveStream { writable, name })
    }

    pub async fn write(&self, bytes: &[u8]) -> Result<(), String> {
        if bytes.is_empty() {
            return Ok(());
        }
        let data = js_sys::Uint8Array::from(bytes);
        call_promise(&self.writable, "write", &js_sys::Array::of1(&data))
            .await
            .map(|_| ())
    }

    /// Ends the file: only now does it appear whole where the person chose.
    pub async fn close(self) -> Result<(), String> {
        call_promise(&self.writable, "close", &js_sys::Array::new())
            .await
            .map(|_| ())
    }

    /// Gives up: the file is left as it was before.
    pub async fn abort(self) {
        let _ = call_promise(&self.writable, "abort", &js_sys::Array::new()).await;
    }
}
