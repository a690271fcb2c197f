//! `POST /assets` from the browser, with progress: `fetch` cannot report how much of a body
//! went out, `XMLHttpRequest`'s upload events can. The upload stops when its handle is
//! dropped, so whoever holds it (a hook) owns it.

use super::{ApiError, KreaClient};
use krea_api::library::Asset;
use krea_api::ErrorBody;
use wasm_bindgen::prelude::*;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

/// An upload under way; dropping it aborts it.
pub struct Upload {
    xhr: XmlHttpRequest,
    _progress: Closure<dyn FnMut(ProgressEvent)>,
    _ended: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Upload {
    fn drop(&mut self) {
        self.xhr.set_onloadend(None);
        if let Ok(upload) = self.xhr.upload() {
            upload.set_onprogress(None);
        }
        let _ = self.xhr.abort();
    }
}

/// Sends `file` to the proxy's `POST /assets`, telling `progress` the share sent (0 to 1)
/// and `done` the asset or why there is none.
pub fn upload(
    client: &KreaClient,
    file: &web_sys::File,
    progress: impl Fn(f64) + 'static,
    done: impl FnOnce(Result<Asset, ApiError>) + 'static,
) -> Result<Upload, ApiError> {
    let failed = |detail: JsValue| ApiError::Network {
        base: client.base().to_owned(),
        detail: format!("{detail:?}"),
    };
    let xhr = XmlHttpRequest::new().map_err(failed)?;
    xhr.open("POST", &format!("{}/assets", client.base()))
        .map_err(failed)?;
    for (name, value) in client.caller_headers() {
        xhr.set_request_header(name, &value).map_err(failed)?;
    }
    xhr.set_request_header("accept", "application/json")
        .map_err(failed)?;
    let form = FormData::new().map_err(failed)?;
    form.append_with_blob_and_filename("file", file, &file.name())
        .map_err(failed)?;

    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress(event.loaded() / event.total());
        }
    });
    let reader = xhr.clone();
    let base = client.base().to_owned();
    let mut done = Some(done);
    let on_ended = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        let Some(done) = done.take() else { return };
        let status = reader.status().unwrap_or(0);
        let text = reader.response_text().ok().flatten().unwrap_or_default();
        let outcome = match status {
            0 => Err(ApiError::Network {
                base: base.clone(),
                detail: "the upload did not reach the proxy".to_owned(),
            }),
            200..=299 => {
                serde_json::from_str::<Asset>(&text).map_err(|e| ApiError::Decode(e.to_string()))
            }
            _ => Err(ApiError::Status {
                status,
                message: ErrorBody::message_from(&text).unwrap_or_else(|| format!("HTTP {status}")),
                retry_after_ms: None,
            }),
        };
        done(outcome);
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    xhr.set_onloadend(Some(on_ended.as_ref().unchecked_ref()));
    xhr.send_with_opt_form_data(Some(&form)).map_err(failed)?;
    Ok(Upload {
        xhr,
        _progress: on_progress,
        _ended: on_ended,
    })
}
