use super::{BoardFilter, MoreFilters};
use crate::hooks::{tr, use_texts, HistoryFiles, JobActions, LiveJobs, Marks, PendingRemovals};
use crate::i18n::fill;
use crate::jobs::filter::{JobFilter, StatusFilter};
use crate::jobs::JobStore;
use crate::settings::{Settings, IMAGES_PER_ROW};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Above the grid: which jobs to show (status, model, words in the prompt, favourites, board,
/// and more) and what to do with many at once (cancel what is pending, clear what is finished, export, import).
#[component]
pub fn GridToolbar(
    jobs: LiveJobs,
    filter: RwSignal<JobFilter>,
    /// The jobs that pass the filter.
    matching: Memo<Vec<String>>,
    files: HistoryFiles,
    actions: JobActions,
    marks: Marks,
    removals: PendingRemovals,
    settings: RwSignal<Settings>,
) -> impl IntoView {
    let t = use_texts();
    let models = expect_context::<ReadSignal<krea_api::Models>>();
    // The models this history used, in the order they first appear.
    let models = Memo::new(move |_| {
        jobs.with_list(|s| {
            let mut seen: Vec<(String, String)> = Vec::new();
            for entry in s.entries() {
                if !seen.iter().any(|(id, _)| *id == entry.model_id) {
                    let name = models.with(|models| entry.model_name(models).to_owned());
                    seen.push((entry.model_id.clone(), name));
                }
            }
            seen
        })
    });
    let counts = Memo::new(move |_| {
        let total = jobs.with_list(|s| s.entries().len());
        (matching.with(Vec::len), total)
    });
    let has_pending = Memo::new(move |_| jobs.with_list(JobStore::has_pending));
    let has_finished =
        Memo::new(move |_| jobs.with_list(|s| s.entries().iter().any(|e| e.is_settled())));
    let status_name = move |status: StatusFilter| {
        let t = t.get();
        match status {
            StatusFilter::All => t.filter_all,
            StatusFilter::InFlight => t.filter_in_flight,
            StatusFilter::Completed => t.completed,
            StatusFilter::Failed => t.failed,
            StatusFilter::Cancelled => t.cancelled,
        }
    };
    let picked = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            files.import.run(file);
        }
        // Picking the same file again must fire again.
        input.set_value("");
    };
    let import_input = NodeRef::<leptos::html::Input>::new();

    view! {
        <div class="grid-toolbar" data-testid="grid-toolbar">
            <div class="filters" role="search">
                <label>
                    <span>{tr(t, |t| t.filter_status)}</span>
                    <select
                        data-testid="filter-status"
                        prop:value=move || filter.with(|f| f.status.key())
                        on:change=move |ev| {
                            let status = StatusFilter::from_key(&event_target_value(&ev));
                            filter.update(|f| f.status = status);
                        }
                    >
                        {StatusFilter::ALL
                            .into_iter()
                            .map(|status| view! { <option value=status.key()>{move || status_name(status)}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    <span>{tr(t, |t| t.filter_model)}</span>
                    <select
                        data-testid="filter-model"
                        prop:value=move || filter.with(|f| f.model.clone())
                        on:change=move |ev| filter.update(|f| f.model = event_target_value(&ev))
                    >
                        <option value="">{tr(t, |t| t.all_models)}</option>
                        {move || {
                            models
                                .get()
                                .into_iter()
                                .map(|(id, name)| view! { <option value=id>{name}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <input
                    type="search"
                    data-testid="filter-search"
                    placeholder=tr(t, |t| t.search)
                    aria-label=tr(t, |t| t.search)
                    prop:value=move || filter.with(|f| f.search.clone())
                    on:input=move |ev| filter.update(|f| f.search = event_target_value(&ev))
                />
                <BoardFilter filter marks removals />
                <MoreFilters filter />
                <Show when=move || filter.with(JobFilter::is_active)>
                    <button
                        type="button"
                        data-testid="clear-filters"
                        on:click=move |_| filter.set(JobFilter::default())
                    >
                        {tr(t, |t| t.clear_filters)}
                    </button>
                </Show>
                <span class="count" data-testid="filter-count">
                    {move || {
                        let (shown, total) = counts.get();
                        fill(t.get().showing, &[("shown", &shown.to_string()), ("total", &total.to_string())])
                    }}
                </span>
                // From 3 large images a row to 12 small ones; applies at once and is kept.
                <label class="density">
                    <span>{tr(t, |t| t.images_per_row)}</span>
                    <input
                        type="range"
                        data-testid="grid-density"
                        min=*IMAGES_PER_ROW.start()
                        max=*IMAGES_PER_ROW.end()
                        step="1"
                        prop:value=move || settings.with(|s| s.images_per_row).to_string()
                        on:input=move |ev| {
                            if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                                if IMAGES_PER_ROW.contains(&n) {
                                    settings.update(|s| s.images_per_row = n);
                                }
                            }
                        }
                    />
                </label>
            </div>
            <div class="bulk">
                <button
                    type="button"
                    data-testid="cancel-all"
                    disabled=move || !has_pending.get()
                    on:click=move |_| actions.cancel_all.run(())
                >
                    {tr(t, |t| t.cancel_all)}
                </button>
                <button
                    type="button"
                    data-testid="clear-finished"
                    disabled=move || !has_finished.get()
                    on:click=move |_| actions.clear_finished.run(())
                >
                    {tr(t, |t| t.clear_finished)}
                </button>
                <button type="button" data-testid="export-history" on:click=move |_| files.export.run(None)>
                    {tr(t, |t| t.export)}
                </button>
                // What the grid shows, images included: the whole history, or a filter's result.
                <button
                    type="button"
                    data-testid="export-archive"
                    disabled=move || files.progress.with(Option::is_some)
                    on:click=move |_| {
                        let (shown, total) = counts.get_untracked();
                        let only = (shown < total).then(|| matching.get_untracked());
                        files.export_archive.run(only);
                    }
                >
                    {tr(t, |t| t.export_archive)}
                </button>
                <button
                    type="button"
                    data-testid="import-history"
                    on:click=move |_| {
                        if let Some(input) = import_input.get() {
                            input.unchecked_ref::<web_sys::HtmlElement>().click();
                        }
                    }
                >
                    {tr(t, |t| t.import)}
                </button>
                <input
                    node_ref=import_input
                    class="visually-hidden"
                    type="file"
                    accept="application/json,.json,application/zip,.zip"
                    data-testid="import-file"
                    tabindex="-1"
                    aria-hidden="true"
                    on:change=picked
                />
            </div>
            {move || {
                files.progress.get().map(|(done, total)| {
                    let words = fill(
                        t.get().archive_progress,
                        &[("done", &done.to_string()), ("total", &total.to_string())],
                    );
                    view! {
                        <label class="files-progress">
                            <progress
                                data-testid="files-progress"
                                max=total.max(1)
                                value=done
                            ></progress>
                            <span>{words}</span>
                        </label>
                    }
                })
            }}
            <p class="files-outcome" data-testid="files-outcome" role="status">
                {move || files.outcome.get()}
            </p>
        </div>
    }
}
