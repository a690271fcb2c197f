use crate::api::KreaClient;
use crate::hooks::{LiveJobs, RequestSlot};
use crate::jobs::sse::SseReader;
use krea_api::Job;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Holds the proxy's `GET /events` stream open while `active` (this tab follows the jobs,
/// and the browser is online) and the owner lives, and applies every job
/// it carries to the store (a job already finished there is left alone, so a delivery that
/// polling beat changes nothing). A proxy without a stream answers 404 once: then the
/// studio polls. A stream that breaks is reopened after a pause, resumed after the last
/// event it delivered. Returns whether the stream is open.
pub fn use_push_stream(
    client: Memo<KreaClient>,
    store: LiveJobs,
    active: Signal<bool>,
) -> ReadSignal<bool> {
    let (open, set_open) = signal(false);
    let request = RequestSlot::owned();
    Effect::new(move |_| {
        let client = client.get();
        if !active.get() {
            request.abort();
            set_open.set(false);
            return;
        }
        let signal = request.start();
        spawn_local(async move {
            let mut reader = SseReader::default();
            let mut pause_ms = 2_000;
            loop {
                let opened = client
                    .events(reader.last_id.as_deref(), signal.as_ref())
                    .await;
                let stream = match opened {
                    Ok(Some(stream)) => stream,
                    // No stream here: polling it is.
                    Ok(None) => return,
                    Err(crate::api::ApiError::Aborted) => return,
                    Err(_) => {
                        set_open.try_set(false);
                        gloo_timers::future::TimeoutFuture::new(pause_ms).await;
                        pause_ms = (pause_ms * 2).min(60_000);
                        continue;
                    }
                };
                set_open.try_set(true);
                pause_ms = 2_000;
                reader = match read_pushed(stream, std::mem::take(&mut reader), store).await {
                    Ok(reading) => reading.await,
                    // The reader's part could not be fetched (offline, or the site was
                    // redeployed): polling it is, until the next visit.
                    Err(_) => {
                        set_open.try_set(false);
                        return;
                    }
                };
                if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                    return;
                }
                set_open.try_set(false);
                gloo_timers::future::TimeoutFuture::new(pause_ms).await;
            }
        });
    });
    open
}

crate::lazy_part! { push_stream, preload_push_stream:
    /// Reads one open stream to its end, applying every job it carries, and hands the
    /// reader back (it knows the last event's id, to resume after). Its own part: only a
    /// proxy that pushes results needs it.
    pub(crate) fn read_pushed(
        stream: web_sys::ReadableStream,
        reader: SseReader,
        store: LiveJobs,
    ) -> Pin<Box<dyn Future<Output = SseReader>>> {
        Box::pin(read_to_end(stream, reader, store))
    }
}

async fn read_to_end(
    stream: web_sys::ReadableStream,
    mut reader: SseReader,
    store: LiveJobs,
) -> SseReader {
    let chunks: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    while let Ok(read) = JsFuture::from(chunks.read()).await {
        let done = js_sys::Reflect::get(&read, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let Ok(value) = js_sys::Reflect::get(&read, &"value".into()) else {
            break;
        };
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        for event in reader.feed(&bytes) {
            if event.kind != "job" {
                continue;
            }
            if let Ok(job) = serde_json::from_str::<Job>(&event.data) {
                store.update(|s| s.apply(job));
            }
        }
    }
    reader
}
