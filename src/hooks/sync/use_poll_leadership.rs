use crate::hooks::PageState;
use crate::storage_scope::StorageScope;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

// The Web Locks API, bound by hand: web-sys has it only behind `web_sys_unstable_apis`, a
// flag that would change how the whole of web-sys is built for one call.
#[wasm_bindgen]
extern "C" {
    type LockManager;
    #[wasm_bindgen(method, catch, js_name = request)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &js_sys::Object,
        granted: &JsValue,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// Whether this tab is the one that follows jobs (polls, holds the proxy's stream) for
/// every open tab of this studio. The tabs queue for one Web Lock. A tab that comes into
/// view takes the lock over, so the tab someone looks at is the one keeping pace (a hidden
/// leader would slow down for everyone); the tab it was taken from queues again. The
/// browser hands the lock to the next tab in line the moment its holder closes or crashes.
/// The others hear of every update through the shared history, so several open tabs cost
/// the proxy what one does. A browser without Web Locks (or that refuses them, as with site
/// data blocked), or a studio whose history cannot be shared (`shared` false), follows its
/// own jobs in every tab.
pub fn use_poll_leadership(
    scope: &StorageScope,
    page: PageState,
    shared: Signal<bool>,
) -> Signal<bool> {
    let navigator = gloo_utils::window().navigator();
    let locks = js_sys::Reflect::get(&navigator, &JsValue::from_str("locks"))
        .ok()
        .filter(|locks| !locks.is_undefined() && !locks.is_null());
    let Some(locks) = locks else {
        return Signal::derive(|| true);
    };
    let lease = Lease {
        locks: StoredValue::new_local(locks.unchecked_into()),
        name: StoredValue::new_local(scope.poller_lock()),
        holds: RwSignal::new(false),
        refused: RwSignal::new(false),
        asked: StoredValue::new_local(0),
        release: StoredValue::new_local(None),
        waiting: StoredValue::new_local(None),
        hidden: page.hidden,
        shown_holding: StoredValue::new_local(None),
    };
    // Queues once at the start (taking over if this tab is in view), and takes over
    // whenever it comes into view.
    Effect::new(move |before: Option<()>| {
        let visible = !page.hidden.get();
        let holds = lease.holds.get_untracked();
        lease
            .shown_holding
            .set_value((visible && holds && before.is_some()).then(js_sys::Date::now));
        if !holds && (visible || before.is_none()) {
            lease.ask(visible);
        }
    });
    on_cleanup(move || lease.give_up());
    Signal::derive(move || !shared.get() || lease.refused.get() || lease.holds.get())
}

/// How long after coming into view a takeover may have happened before it (its news was
/// still on its way). Tabs hear of a takeover within milliseconds, a throttled background
/// tab within a second or so.
const NEWS_ON_ITS_WAY_MS: f64 = 2_000.0;

/// This tab's place in the queue for the lock, or its hold on it.
#[derive(Clone, Copy)]
struct Lease {
    locks: StoredValue<LockManager, LocalStorage>,
    name: StoredValue<String, LocalStorage>,
    holds: RwSignal<bool>,
    /// The browser refused the lock itself (not a takeover): this tab leads alone.
    refused: RwSignal<bool>,
    /// Which request is the current one; answers to older ones are ignored.
    asked: StoredValue<u32, LocalStorage>,
    /// Resolving it releases the lock.
    release: StoredValue<Option<js_sys::Function>, LocalStorage>,
    /// Aborting it leaves the queue.
    waiting: StoredValue<Option<AbortController>, LocalStorage>,
    hidden: ReadSignal<bool>,
    /// This tab came into view while it held the lock, as far as it knew. The news that
    /// another tab had just taken it over may have been on its way (seen in CI: switching
    /// tabs quickly left the tab in view queued behind a hidden leader, which polls every
    /// 30 s): when that news comes soon after, the tab in view takes the lock back instead
    /// of queueing. Once per coming into view, and only then, so two tabs in view never
    /// take turns.
    shown_holding: StoredValue<Option<f64>, LocalStorage>,
}

/// Whether a rejection is the `AbortError` a lock taken over (or a request withdrawn) ends in.
fn is_abort(error: &JsValue) -> bool {
    error
        .dyn_ref::<web_sys::DomException>()
        .is_some_and(|e| e.name() == "AbortError")
}

impl Lease {
    /// Asks for the lock: at once, taking it from its holder (`take_over`), or in turn.
    fn ask(self, take_over: bool) {
        self.leave_queue();
        let Some(mine) = self.asked.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        let options = js_sys::Object::new();
        // The API takes either `steal` or an abort signal, not both.
        if take_over {
            let _ = js_sys::Reflect::set(&options, &"steal".into(), &JsValue::TRUE);
        } else if let Ok(waiting) = AbortController::new() {
            let _ = js_sys::Reflect::set(&options, &"signal".into(), &waiting.signal());
            self.waiting.try_set_value(Some(waiting));
        }
        let granted = Closure::once_into_js(move |_lock: JsValue| {
            let current = self.asked.try_get_value() == Some(mine);
            js_sys::Promise::new(&mut |resolve, _reject| {
                if current {
                    self.release.try_set_value(Some(resolve));
                    self.holds.try_set(true);
                } else {
                    // A request this tab no longer stands by: hand the lock straight on.
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            })
        });
        let answer = self.locks.with_value(|locks| {
            self.name
                .with_value(|name| locks.request(name, &options, &granted))
        });
        spawn_local(async move {
            let outcome = match answer {
                Ok(answer) => JsFuture::from(answer).await,
                Err(thrown) => Err(thrown),
            };
            if self.asked.try_get_value() != Some(mine) {
                return;
            }
            self.holds.try_set(false);
            self.release.try_set_value(None);
            match outcome {
                Ok(_) => {}
                // Taken over by a tab that came into view: wait for the next turn, unless
                // this tab came into view itself meanwhile.
                Err(error) if is_abort(&error) => {
                    let shown = self.shown_holding.try_update_value(Option::take).flatten();
                    let just_shown =
                        shown.is_some_and(|at| js_sys::Date::now() - at < NEWS_ON_ITS_WAY_MS);
                    let in_view = self.hidden.try_get_untracked() == Some(false);
                    self.ask(just_shown && in_view);
                }
                // Refused outright (a `SecurityError` where site data is blocked): asking
                // again would only be refused again, at once, forever.
                Err(_) => {
                    self.refused.try_set(true);
                }
            }
        });
    }

    fn leave_queue(self) {
        if let Some(Some(waiting)) = self.waiting.try_update_value(Option::take) {
            waiting.abort();
        }
    }

    /// Releases the lock or leaves the queue, for good.
    fn give_up(self) {
        self.asked.try_update_value(|n| *n += 1);
        self.leave_queue();
        if let Some(Some(release)) = self.release.try_update_value(Option::take) {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}
