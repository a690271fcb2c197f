use crate::api;
use crate::hooks::RequestSlot;
use crate::settings::RuntimeConfig;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The deployment's `config.json`, once loaded (`None` until then). A studio unmounted
/// before it came (an inline embed destroyed at once) abandons the request.
pub fn use_runtime_config() -> ReadSignal<Option<RuntimeConfig>> {
    let (config, set_config) = signal(None);
    let signal = RequestSlot::owned().start();
    spawn_local(async move {
        set_config.try_set(Some(api::load_runtime_config(signal.as_ref()).await));
    });
    config
}
