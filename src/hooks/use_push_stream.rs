use super::LiveJobs;
use crate::api::KreaClient;
use crate::jobs::sse::SseReader;
use krea_api::Job;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

/// How job updates reach the studio, for the Settings panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// The proxy's stream is open; polling is only a slow safety net.
    Push,
    /// Polling, as usual (no stream offered, or it broke and is being retried).
    Polling,
}

/// Holds the proxy's `GET /events` stream open while the owner lives, and applies every job
/// it carries to the store (a job already finished there is left alone, so a delivery that
/// polling beat changes nothing). A proxy without a stream answers 404 once: then the
/// studio polls. A stream that breaks is reopened after a pause, resumed after the last
/// event it delivered.
pub fn use_push_stream(client: Memo<KreaClient>, store: LiveJobs) -> ReadSignal<Transport> {
    let (transport, set_transport) = signal(Transport::Polling);
    let in_flight = StoredValue::new_local(None::<AbortController>);
    let stop = move || {
        if let Some(Some(controller)) = in_flight.try_update_value(Option::take) {
            controller.abort();
        }
    };
    Effect::new(move |_| {
        let client = client.get();
        stop();
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        in_flight.set_value(controller);
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
                        set_transport.try_set(Transport::Polling);
                        gloo_timers::future::TimeoutFuture::new(pause_ms).await;
                        pause_ms = (pause_ms * 2).min(60_000);
                        continue;
                    }
                };
                set_transport.try_set(Transport::Push);
                pause_ms = 2_000;
                let chunks: web_sys::ReadableStreamDefaultReader =
                    stream.get_reader().unchecked_into();
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
                if signal.as_ref().is_some_and(web_sys::AbortSignal::aborted) {
                    return;
                }
                set_transport.try_set(Transport::Polling);
                gloo_timers::future::TimeoutFuture::new(pause_ms).await;
            }
        });
    });
    on_cleanup(stop);
    transport
}
