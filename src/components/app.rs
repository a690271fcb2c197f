use super::{
    BudgetWarning, CompareView, EmbedGate, EnhanceForm, GridToolbar, JobGrid, KeySheet, Lightbox,
    PromptForm, SelectionBar, SettingsPanel, SpendingPanel, StorageNotice, UndoToast,
};
use crate::api::KreaClient;
use crate::form::image_slot::ImageSlot;
use crate::hooks::{
    browser_storage, embed_request, use_access_key, use_announcements, use_chosen_image, use_clock,
    use_culling_keys, use_discovered_models, use_embed_host, use_form_draft, use_history_files,
    use_idle_prefetch, use_job_actions, use_job_history, use_job_poller, use_limit_left,
    use_local_copies, use_locale, use_marks, use_matching_jobs, use_page_state,
    use_poll_leadership, use_proxy_session, use_push_stream, use_ready_mark, use_removals,
    use_runtime_config, use_selection, use_settings, use_submit, use_texts, use_theme, CullingKeys,
    EmbedHost, EmbedMode, EmbedWiring, FirstScreenShown, JobActionsContext, Kept, PollerInputs,
    UploadsAllowed,
};
use crate::hooks::{
    use_asset_library, use_image_actions, use_paste_images, use_settings_drop, use_style_library,
    use_uploads,
};
use crate::i18n::{fill, IntlFormat, Locale};
use crate::jobs::filter::JobFilter;
use crate::jobs::poll_policy;
use crate::jobs::pricing::Spent;
use crate::jobs::transport::Transport;
use crate::jobs::JobStore;
use crate::settings::{proxy_base, RuntimeConfig};
use crate::storage_scope::StorageScope;
use crate::studio_root::StudioRoot;
use leptos::prelude::*;

/// The whole app: waits for the deployment's `config.json`, then shows the studio, or on the
/// embed page (`/embed/`) the studio as the embedding page asked for it.
#[component]
pub fn App() -> impl IntoView {
    provide_context(StudioRoot::document());
    let config = use_runtime_config();
    let embedded = embed_request();
    move || match config.get() {
        Some(config) => match embedded.clone() {
            None => view! { <Studio config /> }.into_any(),
            Some(options) => view! { <EmbedGate config options /> }.into_any(),
        },
        // Before the settings are read, the browser's language is the best guess.
        None => {
            let languages = crate::browser::preferred_languages();
            let locale = Locale::from_browser(languages.iter().map(String::as_str));
            view! { <p class="loading">{locale.texts().loading}</p> }.into_any()
        }
    }
}

/// The studio for one deployment configuration; `embed`: the page it is embedded in.
#[component]
pub fn Studio(config: RuntimeConfig, #[prop(optional)] embed: Option<EmbedHost>) -> impl IntoView {
    provide_context(EmbedMode(embed));
    provide_context(match embed {
        Some(host) => host.with_options(|o| StorageScope::embedded(&o.instance)),
        None => StorageScope::studio(),
    });
    let prefetch_parts = config.prefetch_parts;
    let settings = use_settings();
    let locale = use_locale(settings);
    use_theme(settings);
    let texts = use_texts();
    let access_key = use_access_key();
    // Embedded: the proxy the host page named, else the deployment's.
    let embed_proxy = embed.and_then(|host| host.with_options(|o| o.proxy.clone()));
    let base = Memo::new(move |_| match &embed_proxy {
        Some(proxy) => proxy.clone(),
        None => proxy_base(&config, &settings.get()),
    });
    // Without the session: asks a public proxy for one.
    let plain_client = Memo::new(move |_| KreaClient::new(base.get(), Some(access_key.get())));
    // Embedded: the visitor spends the allowance of the site the studio is in.
    let site = embed.map(|host| host.with_options(|o| o.parent.clone()));
    let session = use_proxy_session(plain_client, base, site);
    let client = Memo::new(move |_| plain_client.get().with_session(session.get()));
    let history = use_job_history();
    provide_context(history.not_kept);
    let jobs = history.jobs;
    let models_wanted = RwSignal::new(false);
    // Once: every later hover over the picker would otherwise read the spec again.
    let want_models = move || {
        if !models_wanted.get_untracked() {
            models_wanted.set(true);
        }
    };
    let models = use_discovered_models(client, models_wanted.into());
    provide_context(models);
    // One tab follows the jobs for every open tab of this studio that shares its history.
    let page = use_page_state();
    let shared = Signal::derive(move || !history.status.with(|s| s.in_memory_only));
    let leading = use_poll_leadership(&expect_context::<StorageScope>(), page, shared);
    let following = Signal::derive(move || leading.get() && page.online.get());
    let stream_open = use_push_stream(client, jobs, following);
    let transport =
        Signal::derive(move || Transport::of(leading.get(), page.online.get(), stream_open.get()));
    // With the proxy's stream open, polling is only a slow safety net.
    let poll_secs = Signal::derive(move || {
        poll_policy::interval_secs(settings.with(|s| s.poll_interval_secs), stream_open.get())
    });
    use_job_poller(PollerInputs {
        store: jobs,
        client,
        interval_secs: poll_secs,
        texts,
        page,
        leading,
    });
    let submitter = use_submit(jobs, client, models, texts);
    provide_context(submitter);
    let form = use_form_draft();
    let viewing = RwSignal::new(None::<(String, usize)>);
    let removals = use_removals(jobs);
    provide_context(removals);
    let marks = use_marks(jobs, removals);
    provide_context(marks);
    // Ready (and prefetching) once the studio shows its history, or the newest of a long one.
    let shown = Signal::derive(move || history.is_shown());
    use_ready_mark(shown);
    provide_context(use_idle_prefetch(shown, prefetch_parts));
    let first_screen = expect_context::<FirstScreenShown>().0;
    let loaded = Signal::derive(move || history.is_loaded());
    // Before the job actions, whose downloads fall back on the copies.
    let copies = use_local_copies(
        &expect_context::<StorageScope>(),
        client,
        jobs,
        settings,
        loaded,
        following,
        first_screen,
    );
    provide_context(copies);
    let mut actions = use_job_actions(JobActionsContext {
        removals,
        store: jobs,
        client,
        models,
        submit: submitter.submit,
        form,
        viewing,
        texts,
    });
    // Images: uploads (unless a host page turned them off), the library, styles, and
    // taking a result further.
    let uploads_on = embed.is_none_or(|host| host.with_options(|o| o.uploads));
    provide_context(UploadsAllowed(uploads_on));
    let uploads = use_uploads(form, client, texts);
    provide_context(uploads);
    provide_context(use_asset_library(client, texts));
    provide_context(use_style_library(client, texts));
    let image_actions = use_image_actions(jobs, form, models);
    provide_context(image_actions);
    if uploads_on {
        use_paste_images(move |files| {
            if let Some(slot) = form.with_untracked(|f| ImageSlot::main(f.model())) {
                uploads.add.run((slot, files));
            }
        });
    }
    // An image the studio saved, dropped anywhere but on an image field, restores its settings.
    let settings_drop = use_settings_drop(form, models, texts);
    let dragging_file = RwSignal::new(false);
    // A job made from another's image names it, while the form still holds that image.
    let generate = Callback::new(move |request: krea_api::ImageRequest| {
        let source = image_actions
            .source
            .get_untracked()
            .filter(|source| source.holds(&request.body));
        submitter.submit_from.run((request, source));
    });
    actions.choose = embed.map(|host| use_chosen_image(host, jobs, client));
    provide_context(actions);
    let files = use_history_files(jobs, client, texts);
    let filter = RwSignal::new(JobFilter::default());
    // Which jobs pass the filter: worked out once, read by the grid, its counts and the viewer.
    let matching = use_matching_jobs(jobs, filter, removals.waiting);
    // Cards picked together, to act on at once or compare.
    provide_context(use_selection(jobs, matching, removals));
    // Culling without a mouse: keys on the focused card, and `?` for the sheet of them.
    let key_sheet = RwSignal::new(false);
    use_culling_keys(CullingKeys {
        jobs,
        viewing,
        sheet: key_sheet,
    });
    let has_pending = Memo::new(move |_| {
        jobs.with_list(JobStore::has_pending)
            || jobs.with_submissions(|s| !s.submissions().is_empty())
    });
    let now = use_clock(has_pending.into());
    let announcement = use_announcements(jobs, loaded, texts);
    // Jobs of a model Krea added later need its spec to be named, priced and retried.
    Effect::new(move |_| {
        if loaded.get() && jobs.with_untracked(JobStore::has_uncatalogued_model) {
            want_models();
        }
    });
    let limit_left = use_limit_left(client, jobs);
    if let Some(host) = embed {
        let storage = history.status;
        let wiring = EmbedWiring {
            settings,
            form,
            models,
            jobs,
            loaded,
            storage_unavailable: Signal::derive(move || {
                storage.with(|s| s.in_memory_only) || browser_storage(Kept::Always).is_none()
            }),
        };
        // The embedding contract loads with the embed page, not with the studio's own.
        let owner = Owner::current();
        // Gone with the studio: a studio removed before the contract arrived wires nothing.
        let alive = StoredValue::new(());
        leptos::task::spawn_local(async move {
            if let Some(owner) = owner {
                if let Err(missing) = wire_embed(host, wiring, owner, alive).await {
                    leptos::logging::error!("{missing}");
                }
            }
        });
    }
    let spent = Memo::new(move |_| {
        models.with(|models| jobs.with_list(|s| Spent::of(models, s.entries())))
    });

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
            <BudgetWarning jobs models settings />
            <SpendingPanel jobs models settings />
            <SettingsPanel settings access_key storage=history.status transport client />
        </header>
        <main
            class="studio"
            class:dropping=move || dragging_file.get()
            on:dragover=move |ev: web_sys::DragEvent| {
                if carries_files(&ev) {
                    // Without this the browser opens the file in place of the studio.
                    ev.prevent_default();
                    dragging_file.set(true);
                }
            }
            on:dragleave=move |_| dragging_file.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                dragging_file.set(false);
                // An image field took it as an image.
                if ev.default_prevented() {
                    return;
                }
                let file = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0));
                if let Some(file) = file {
                    ev.prevent_default();
                    settings_drop.restore.run(file);
                }
            }
        >
            <p class="drop-hint" data-testid="drop-hint" hidden=move || !dragging_file.get()>
                {move || texts.get().drop_to_restore}
            </p>
            <p class="restore-outcome" role="status" data-testid="restore-outcome">
                {move || settings_drop.outcome.get()}
            </p>
            <PromptForm
                form
                models
                limit_left
                on_models_wanted=Callback::new(move |()| want_models())
                on_generate=generate
                busy=submitter.busy
                submit_errors=submitter.errors
            />
            <div class="results">
                <StorageNotice status=history.status not_kept=history.not_kept />
                // A copy that could not be kept (a full disk, most often), said where the
                // history's own storage troubles are.
                {move || {
                    copies.problem.get().map(|why| view! {
                        <p class="storage-notice" data-testid="copy-problem" role="status">
                            {move || fill(texts.get().local_copies_failed, &[("reason", &why)])}
                        </p>
                    })
                }}
                <UndoToast removals />
                <GridToolbar jobs filter matching files actions marks removals settings />
                <SelectionBar jobs files />
                <JobGrid jobs filter matching now per_row=Signal::derive(move || settings.with(|s| s.images_per_row)) />
            </div>
        </main>
        <Lightbox jobs matching viewing />
        <EnhanceForm jobs />
        <KeySheet open=key_sheet />
        <CompareView jobs />
        <p class="visually-hidden" aria-live="polite" data-testid="announcer">
            {move || announcement.get()}
        </p>
    }
}

/// Whether a drag carries files (not text or a link dragged from the page).
fn carries_files(ev: &web_sys::DragEvent) -> bool {
    ev.data_transfer().is_some_and(|data| {
        data.types()
            .iter()
            .any(|kind| kind.as_string().as_deref() == Some("Files"))
    })
}

crate::lazy_part! { embed_contract, preload_embed_contract:
    /// Talks with the embedding page for as long as `owner` (the studio) lives; `alive` is
    /// disposed with it.
    pub(crate) fn wire_embed(
        host: EmbedHost,
        wiring: EmbedWiring,
        owner: Owner,
        alive: StoredValue<()>,
    ) -> () {
        if alive.try_get_value().is_some() {
            owner.with(|| use_embed_host(host, wiring));
        }
    }
}
