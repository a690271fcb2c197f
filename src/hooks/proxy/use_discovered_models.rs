use crate::api::KreaClient;
use crate::hooks::RequestSlot;
use krea_api::{discovery, Models};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The models this studio knows: the catalogue, plus the image models its proxy's
/// `/openapi.json` offers and the catalogue lacks, so the form, retries and cards know them.
/// A value this studio owns: another studio on the page with another proxy knows its own. The spec is large and most visits never need
/// it, so it is read only once `wanted` (the person reaches for the model picker, or the
/// history holds a model the catalogue lacks), and again whenever the proxy changes; the
/// request in flight is aborted when a newer one starts or the owner goes away.
pub fn use_discovered_models(client: Memo<KreaClient>, wanted: Signal<bool>) -> ReadSignal<Models> {
    let (models, set_models) = signal(Models::default());
    let request = RequestSlot::owned();
    Effect::new(move |_| {
        if !wanted.get() {
            return;
        }
        let client = client.get();
        let signal = request.start();
        spawn_local(async move {
            match client.openapi(signal.as_ref()).await {
                Ok(spec) => match discover(spec).await {
                    Ok(models) => drop(set_models.try_set(models)),
                    Err(missing) => leptos::logging::warn!("models were not discovered: {missing}"),
                },
                // Discovery is a bonus: the catalogue works without it.
                Err(error) => leptos::logging::warn!("models were not discovered: {error}"),
            }
        });
    });
    models
}

crate::lazy_part! { discovery, preload_discovery:
    /// The catalogue, with the image models `spec` (Krea's OpenAPI document) offers besides.
    pub(crate) fn discover(spec: serde_json::Value) -> Models {
        Models::with_discovered(discovery::uncatalogued(&spec))
    }
}
