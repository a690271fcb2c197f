use super::{GridToolbar, JobGrid, Lightbox, PromptForm, SettingsPanel, StorageNotice};
use crate::api::KreaClient;
use crate::hooks::{
    use_access_key, use_announcements, use_clock, use_discovered_models, use_form_draft,
    use_history_files, use_job_actions, use_job_history, use_job_poller, use_locale,
    use_ready_mark, use_runtime_config, use_settings, use_submit, use_texts, use_theme,
    JobActionsContext,
};
use crate::i18n::{IntlFormat, Locale};
use crate::jobs::filter::JobFilter;
use crate::jobs::pricing::Spent;
use crate::settings::{proxy_base, RuntimeConfig};
use leptos::prelude::*;

/// The whole app: waits for the deployment's `config.json`, then shows the studio.
#[component]
pub fn App() -> impl IntoView {
    let config = use_runtime_config();
    move || match config.get() {
        Some(config) => view! { <Studio config /> }.into_any(),
        // Before the settings are read, the browser's language is the best guess.
        None => {
            let languages = crate::browser::preferred_languages();
            let locale = Locale::from_browser(languages.iter().map(String::as_str));
            view! { <p class="loading">{locale.texts().loading}</p> }.into_any()
        }
    }
}

/// The studio for one deployment configuration.
#[component]
pub fn Studio(config: RuntimeConfig) -> impl IntoView {
    let settings = use_settings();
    let locale = use_locale(settings);
    use_theme(settings);
    let texts = use_texts();
    let access_key = use_access_key();
    let client = Memo::new(move |_| {
        KreaClient::new(proxy_base(&config, &settings.get()), Some(access_key.get()))
    });
    let more_models = use_discovered_models(client);
    let history = use_job_history();
    let store = history.store;
    let poll_secs = Signal::derive(move || settings.with(|s| s.poll_interval_secs));
    use_job_poller(store, client, poll_secs, texts);
    let submitter = use_submit(store, client, texts);
    provide_context(submitter);
    let form = use_form_draft();
    let viewing = RwSignal::new(None::<(String, usize)>);
    let actions = use_job_actions(JobActionsContext {
        store,
        client,
        submit: submitter.submit,
        form,
        viewing,
        texts,
    });
    provide_context(actions);
    let files = use_history_files(store, texts);
    let filter = RwSignal::new(JobFilter::default());
    let has_pending =
        Memo::new(move |_| store.with(|s| s.has_pending() || !s.submissions().is_empty()));
    let now = use_clock(has_pending.into());
    let loaded = Signal::derive(move || history.is_loaded());
    let announcement = use_announcements(store, loaded, texts);
    use_ready_mark(loaded);
    let spent = Memo::new(move |_| store.with(|s| Spent::of(s.entries())));

    view! {
        <header class="top">
            <h1>{move || texts.get().app_title}</h1>
            <p class="spent">
                {move || texts.get().spent}
                " "
                <span data-testid="total-spent">
                    {move || spent.get().label(texts.get(), &*IntlFormat::of(locale.get()))}
                </span>
            </p>
            <SettingsPanel settings access_key storage=history.status />
        </header>
        <main class="studio">
            <PromptForm
                form
                more_models
                on_generate=submitter.submit
                busy=submitter.busy
                submit_errors=submitter.errors
            />
            <div class="results">
                <StorageNotice status=history.status />
                <GridToolbar store filter files actions />
                <JobGrid store filter now />
            </div>
        </main>
        <Lightbox store filter viewing />
        <p class="visually-hidden" aria-live="polite" data-testid="announcer">
            {move || announcement.get()}
        </p>
    }
}
