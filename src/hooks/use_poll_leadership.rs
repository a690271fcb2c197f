use crate::storage_scope::StorageScope;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

// The Web Locks API, bound by hand: web-sys has it only behind `web_sys_unstable_apis`, a
// flag that would change how the whole of web-sys is built for two calls.
#[wasm_bindgen]
extern "C" {
    type LockManager;
    #[wasm_bindgen(method, js_name = request)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &js_sys::Object,
        granted: &js_sys::Function,
    ) -> js_sys::Promise;
}

/// Whether this tab is the one that follows jobs (polls, holds the proxy's stream) for
/// every open tab of this studio. The tabs queue for one Web Lock; the holder keeps it while
/// its owner lives, and the browser hands it to the next tab in line the moment the holder
/// closes or crashes. The others hear of every update through the shared history, so
/// several open tabs cost the proxy what one does. A browser without Web Locks, or a studio
/// whose history cannot be shared (`shared` false), follows its own jobs in every tab.
pub fn use_poll_leadership(scope: &StorageScope, shared: Signal<bool>) -> Signal<bool> {
    let (holds_lock, set_holds_lock) = signal(false);
    let navigator = gloo_utils::window().navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks"))
        .ok()
        .filter(|locks| !locks.is_undefined() && !locks.is_null());
    let Some(locks) = locks else {
        return Signal::derive(|| true);
    };
    let locks: LockManager = locks.unchecked_into();
    // Resolving this releases the lock; aborting the controller leaves the queue.
    let release = StoredValue::new_local(None::<js_sys::Function>);
    let waiting = AbortController::new().ok();
    let options = js_sys::Object::new();
    if let Some(waiting) = &waiting {
        let _ = js_sys::Reflect::set(&options, &"signal".into(), &waiting.signal());
    }
    let granted = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_lock| {
        set_holds_lock.try_set(true);
        js_sys::Promise::new(&mut |resolve, _reject| {
            release.try_set_value(Some(resolve));
        })
    });
    let asked = locks.request(
        &scope.poller_lock(),
        &options,
        granted.as_ref().unchecked_ref(),
    );
    // Rejected when the owner leaves the queue before its turn: nothing to do then.
    spawn_local(async move {
        let _ = JsFuture::from(asked).await;
    });
    let kept = StoredValue::new_local(Some((granted, waiting)));
    on_cleanup(move || {
        if let Some(Some(resolve)) = release.try_update_value(Option::take) {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
        if let Some(Some((_granted, Some(waiting)))) = kept.try_update_value(Option::take) {
            waiting.abort();
        }
    });
    Signal::derive(move || !shared.get() || holds_lock.get())
}
