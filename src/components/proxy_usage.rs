use crate::api::KreaClient;
use crate::browser::save_text;
use crate::hooks::{tr, use_locale_context, use_proxy_usage, use_texts, ProxyUsage};
use crate::i18n::{fill, Formatter, IntlFormat, Texts};
use crate::jobs::proxy_usage::{
    sorted, to_csv, UsageColumn, UsagePeriod, UsageReport, UsageRow, UsageSort,
};
use leptos::prelude::*;

/// What this caller spent at the proxy (from `GET /usage`), and for an admin a table of
/// every key and site. Nothing shows at a proxy that keeps no usage.
#[component]
pub fn ProxyUsageSection(
    client: Memo<KreaClient>,
    /// Counts the panel's openings: each asks again.
    openings: RwSignal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let (usage, refresh) = use_proxy_usage(client, openings.into());
    let again = move || {
        view! {
            <button type="button" data-testid="usage-refresh" on:click=move |_| refresh.run(())>
                {tr(t, |t| t.check_again)}
            </button>
        }
    };
    move || match usage.get() {
        ProxyUsage::Asking | ProxyUsage::NotKept => ().into_any(),
        ProxyUsage::Failed(error) => {
            let reason = error.message(t.get());
            view! {
                <p class="field-error" data-testid="usage-error" role="alert">
                    {move || fill(t.get().usage_failed, &[("reason", &reason)])}
                </p>
                {again()}
            }
            .into_any()
        }
        ProxyUsage::Known(report) => {
            let everyone = report
                .everyone
                .clone()
                .map(|rows| view! { <UsageTable report=(*report).clone() rows /> });
            view! {
                <section class="proxy-usage" data-testid="proxy-usage">
                    <h3>{tr(t, |t| t.usage_title)}</h3>
                    <OwnUsage row=report.own.clone() />
                    {everyone}
                    {again()}
                </section>
            }
            .into_any()
        }
    }
}

/// "Today: $0.09 · 4 jobs · 3 images · $0.01 of $0.10 left", the month the same way, and
/// what the month went to, by model.
#[component]
fn OwnUsage(row: UsageRow) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let UsageRow {
        today, this_month, ..
    } = row;
    let models = this_month.by_model.clone();
    let line = move |template: fn(&Texts) -> &'static str, period: &UsagePeriod| {
        let t = t.get();
        let format = IntlFormat::of(locale.get());
        let mut text = fill(
            template(t),
            &[
                ("spent", &format.usd(period.spent_usd)),
                ("jobs", &period.jobs.to_string()),
                ("images", &period.images.to_string()),
            ],
        );
        if let (Some(left), Some(limit)) = (period.left_usd, period.limit_usd) {
            let left = fill(
                t.usage_left,
                &[("left", &format.usd(left)), ("limit", &format.usd(limit))],
            );
            text = format!("{text} · {left}");
        }
        text
    };
    let extra = {
        let month = this_month.clone();
        move || {
            fill(
                t.get().usage_extra,
                &[
                    ("failed", &month.failed.to_string()),
                    ("uploads", &month.uploads.to_string()),
                    ("refusals", &month.refusals.to_string()),
                ],
            )
        }
    };
    let month = this_month.clone();
    view! {
        <p data-testid="usage-today">{move || line(|t| t.usage_today, &today)}</p>
        <p data-testid="usage-month">{move || line(|t| t.usage_month, &month)}</p>
        <p class="hint" data-testid="usage-extra">{extra}</p>
        <ul class="usage-models" data-testid="usage-models">
            <For each=move || models.clone() key=|m| m.model.clone() let:model>
                <li data-testid="usage-model">
                    {move || {
                        let format = IntlFormat::of(locale.get());
                        let name = krea_api::catalogue::find(&model.model)
                            .map_or(model.model.as_str(), |spec| spec.name);
                        let jobs = fill(
                            t.get().spend_jobs,
                            &[("n", &model.jobs.to_string())],
                        );
                        format!("{name}: {} · {jobs}", format.usd(model.spent_usd))
                    }}
                </li>
            </For>
        </ul>
    }
}

/// Every key, site and the whole proxy: sortable by any column, downloadable as CSV.
#[component]
fn UsageTable(report: UsageReport, rows: Vec<UsageRow>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let sort = RwSignal::new(UsageSort::default());
    let shown = Memo::new(move |_| sorted(&rows, sort.get()));
    let header = |column: UsageColumn, t: &Texts| match column {
        UsageColumn::Who => t.usage_who,
        UsageColumn::SpentToday => t.usage_spent_today,
        UsageColumn::LeftToday => t.usage_left_today,
        UsageColumn::SpentMonth => t.usage_spent_month,
        UsageColumn::LeftMonth => t.usage_left_month,
        UsageColumn::Jobs => t.usage_jobs,
        UsageColumn::Images => t.usage_images,
        UsageColumn::Refusals => t.usage_refusals,
    };
    let download = move |_| {
        let csv = to_csv(&report, &shown.get_untracked());
        let _ = save_text(&csv, &format!("krea-usage-{}.csv", report.day), "text/csv");
    };
    view! {
        <h4>{tr(t, |t| t.usage_everyone)}</h4>
        <table class="usage-table" data-testid="usage-table">
            <thead>
                <tr>
                    {UsageColumn::ALL
                        .into_iter()
                        .map(|column| {
                            let order = move || {
                                let now = sort.get();
                                match (now.column == column, now.descending) {
                                    (false, _) => "none",
                                    (true, true) => "descending",
                                    (true, false) => "ascending",
                                }
                            };
                            view! {
                                <th scope="col" aria-sort=order>
                                    <button
                                        type="button"
                                        data-testid=format!("usage-sort-{}", column.key())
                                        on:click=move |_| sort.update(|s| *s = s.clicked(column))
                                    >
                                        {move || header(column, t.get())}
                                    </button>
                                </th>
                            }
                        })
                        .collect_view()}
                </tr>
            </thead>
            <tbody>
                <For each=move || shown.get() key=|row| row.scope.clone() let:row>
                    <tr data-testid="usage-row" data-scope=row.scope.clone()>
                        {UsageColumn::ALL
                            .into_iter()
                            .map(|column| {
                                let row = row.clone();
                                view! {
                                    <td data-testid=column.key()>
                                        {move || cell(&row, column, &*IntlFormat::of(locale.get()))}
                                    </td>
                                }
                            })
                            .collect_view()}
                    </tr>
                </For>
            </tbody>
        </table>
        <button type="button" data-testid="usage-csv" on:click=download>
            {tr(t, |t| t.usage_csv)}
        </button>
    }
}

/// One cell as shown: a name, an amount, a count; "–" where a scope has no budget.
fn cell(row: &UsageRow, column: UsageColumn, format: &impl Formatter) -> String {
    let left = |usd: Option<f64>| usd.map_or_else(|| "–".to_owned(), |usd| format.usd(usd));
    match column {
        UsageColumn::Who => row.name.clone(),
        UsageColumn::SpentToday => format.usd(row.today.spent_usd),
        UsageColumn::LeftToday => left(row.today.left_usd),
        UsageColumn::SpentMonth => format.usd(row.this_month.spent_usd),
        UsageColumn::LeftMonth => left(row.this_month.left_usd),
        UsageColumn::Jobs => row.this_month.jobs.to_string(),
        UsageColumn::Images => row.this_month.images.to_string(),
        UsageColumn::Refusals => row.this_month.refusals.to_string(),
    }
}
