use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// True once the first screen (`app:ready`) has been painted: parts shown on that screen
/// (an image field of the model picked) load from then on, not before it.
#[derive(Clone, Copy)]
pub struct FirstScreenShown(pub Signal<bool>);

/// Once `ready` holds and the page has painted, waits for the browser to be idle, then
/// fetches the parts loaded on first use ([`crate::lazy::prefetch`]), unless `wanted` is
/// false (the deployment said so, or the browser asks to save data). Nothing runs after
/// the owner goes away. Returns when the first screen was painted.
pub fn use_idle_prefetch(ready: Signal<bool>, wanted: bool) -> FirstScreenShown {
    let idle = StoredValue::new_local(None::<IdleRequest>);
    let shown = RwSignal::new(false);
    // Disposed with the owner: a prefetch under way stops at the next part.
    let alive = StoredValue::new(());
    super::use_after_paint(ready, move || {
        // Once: the first screen is shown only once.
        if shown.get_untracked() {
            return;
        }
        shown.set(true);
        if !wanted || save_data() {
            return;
        }
        idle.set_value(IdleRequest::start(move || {
            leptos::task::spawn_local(async move {
                crate::lazy::prefetch(move || alive.try_get_value().is_some()).await;
            });
        }));
    });
    on_cleanup(move || {
        if let Some(Some(request)) = idle.try_update_value(Option::take) {
            request.cancel();
        }
    });
    FirstScreenShown(shown.into())
}

/// `requestIdleCallback`, or a short timeout where the browser has none (Safari).
struct IdleRequest {
    handle: u32,
    idle_callback: bool,
    _callback: Closure<dyn FnMut()>,
}

/// At most this long after the first paint, even on a page that is never idle.
const IDLE_TIMEOUT_MS: u32 = 2_000;
/// Without `requestIdleCallback`: after this, the first screen's own work is done.
const FALLBACK_DELAY_MS: i32 = 300;

impl IdleRequest {
    fn start(then: impl FnOnce() + 'static) -> Option<IdleRequest> {
        let window = web_sys::window()?;
        let callback = Closure::once(then);
        let function: &js_sys::Function = callback.as_ref().unchecked_ref();
        let has_idle =
            js_sys::Reflect::has(&window, &"requestIdleCallback".into()).unwrap_or(false);
        let handle = if has_idle {
            let options = web_sys::IdleRequestOptions::new();
            options.set_timeout(IDLE_TIMEOUT_MS);
            window
                .request_idle_callback_with_options(function, &options)
                .ok()?
        } else {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(function, FALLBACK_DELAY_MS)
                .ok()? as u32
        };
        Some(IdleRequest {
            handle,
            idle_callback: has_idle,
            _callback: callback,
        })
    }

    fn cancel(self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        if self.idle_callback {
            window.cancel_idle_callback(self.handle);
        } else {
            window.clear_timeout_with_handle(self.handle as i32);
        }
    }
}

/// The browser's data saver (`navigator.connection.saveData`, Chromium): nothing is
/// fetched before it is needed.
fn save_data() -> bool {
    let navigator = gloo_utils::window().navigator();
    js_sys::Reflect::get(&navigator, &"connection".into())
        .ok()
        .filter(|connection| connection.is_object())
        .and_then(|connection| js_sys::Reflect::get(&connection, &"saveData".into()).ok())
        .and_then(|save| save.as_bool())
        .unwrap_or(false)
}
