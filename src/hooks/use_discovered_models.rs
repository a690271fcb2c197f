use crate::api::KreaClient;
use krea_api::{discovery, ModelSpec};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

/// Image models that the proxy's `/openapi.json` offers and the catalogue lacks, registered
/// so the form, retries and cards know them. The spec is large and most visits never need
/// it, so it is read only once `wanted` (the person reaches for the model picker, or the
/// history holds a model the catalogue lacks), and again whenever the proxy changes; the
/// request in flight is aborted when a newer one starts or the owner goes away.
pub fn use_discovered_models(
    client: Memo<KreaClient>,
    wanted: Signal<bool>,
) -> ReadSignal<Vec<&'static ModelSpec>> {
    let (models, set_models) = signal(Vec::new());
    let in_flight = StoredValue::new_local(None::<AbortController>);
    let abort_previous = move |next: Option<AbortController>| {
        if let Some(Some(previous)) =
            in_flight.try_update_value(|slot| std::mem::replace(slot, next))
        {
            previous.abort();
        }
    };
    Effect::new(move |_| {
        if !wanted.get() {
            return;
        }
        let client = client.get();
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        abort_previous(controller);
        spawn_local(async move {
            match client.openapi(signal.as_ref()).await {
                Ok(spec) => {
                    let found = discovery::uncatalogued(&spec);
                    discovery::register(&found);
                    set_models.try_set(found);
                }
                // Discovery is a bonus: the catalogue works without it.
                Err(error) => leptos::logging::warn!("models were not discovered: {error}"),
            }
        });
    });
    on_cleanup(move || abort_previous(None));
    models
}
