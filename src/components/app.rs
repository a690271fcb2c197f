use super::{JobGrid, PromptForm, SettingsPanel};
use crate::api::KreaClient;
use crate::hooks::{
    use_discovered_models, use_job_actions, use_job_history, use_job_poller, use_runtime_config,
    use_settings, use_submit,
};
use crate::jobs::pricing::Spent;
use crate::settings::{proxy_base, RuntimeConfig};
use leptos::prelude::*;

/// The whole app: waits for the deployment's `config.json`, then shows the studio.
#[component]
pub fn App() -> impl IntoView {
    let config = use_runtime_config();
    move || match config.get() {
        Some(config) => view! { <Studio config /> }.into_any(),
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
    }
}

/// The studio for one deployment configuration.
#[component]
pub fn Studio(config: RuntimeConfig) -> impl IntoView {
    let settings = use_settings();
    let client = Memo::new(move |_| KreaClient::new(proxy_base(&config, &settings.get()), None));
    let more_models = use_discovered_models(client);
    let store = use_job_history();
    use_job_poller(store, client);
    let submitter = use_submit(store, client);
    provide_context(use_job_actions(store, client, submitter.submit));
    let spent = Memo::new(move |_| store.with(|s| Spent::of(s.entries())));

    view! {
        <header class="top">
            <h1>"Krea Studio"</h1>
            <p class="spent">
                "Spent in this history: "
                <span data-testid="total-spent">{move || spent.with(Spent::label)}</span>
            </p>
            <SettingsPanel settings />
        </header>
        <main class="studio">
            <PromptForm
                more_models
                on_generate=submitter.submit
                busy=submitter.busy
                submit_error=submitter.error
            />
            <JobGrid store />
        </main>
    }
}
