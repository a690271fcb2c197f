use crate::api;
use crate::settings::RuntimeConfig;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The deployment's `config.json`, once loaded (`None` until then).
pub fn use_runtime_config() -> ReadSignal<Option<RuntimeConfig>> {
    let (config, set_config) = signal(None);
    spawn_local(async move {
        set_config.try_set(Some(api::load_runtime_config().await));
    });
    config
}
