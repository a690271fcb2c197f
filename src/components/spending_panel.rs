//! What the history cost over the last 30 days: a bar per day (stacked by model) drawn as
//! SVG, the numbers of the day under the pointer or the focus, and the models' totals. Its
//! code loads the first time it opens.

use super::LazyView;
use crate::browser;
use crate::hooks::{tr, use_locale_context, use_texts, LiveJobs};
use crate::i18n::{fill, Formatter, IntlFormat, Texts};
use crate::jobs::spending::{budget_level, report, BudgetLevel, DaySpend, SpendReport, CHART_DAYS};
use crate::settings::Settings;
use krea_api::Models;
use leptos::prelude::*;

#[component]
pub fn SpendingPanel(
    jobs: LiveJobs,
    models: ReadSignal<Models>,
    settings: RwSignal<Settings>,
) -> impl IntoView {
    let t = use_texts();
    let opened = RwSignal::new(false);
    view! {
        <details class="spending" data-testid="spending" on:toggle=move |_| opened.set(true)>
            <summary>{tr(t, |t| t.spending)}</summary>
            <Show when=move || opened.get()>
                <LazyView load=move || spending_body(jobs, models, settings) />
            </Show>
        </details>
    }
}

crate::lazy_part! { spending, preload_spending:
    pub(crate) fn spending_body(
        jobs: LiveJobs,
        models: ReadSignal<Models>,
        settings: RwSignal<Settings>,
    ) -> AnyView {
        view! { <SpendingBody jobs models settings /> }.into_any()
    }
}

/// Colours for the models that spent most; the rest share the last.
const PALETTE: [&str; 6] = [
    "#3b5bfd", "#e0803a", "#2a9d6f", "#c2417a", "#8a6bd8", "#8d8d99",
];
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 140.0;
const SLOT: f64 = WIDTH / CHART_DAYS as f64;

fn total_text(usd: f64, compute_units: f64, t: &Texts, f: &dyn Formatter) -> String {
    crate::jobs::pricing::Spent { usd, compute_units }.label(t, f)
}

#[component]
fn SpendingBody(
    jobs: LiveJobs,
    models: ReadSignal<Models>,
    settings: RwSignal<Settings>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let spend = Memo::new(move |_| {
        let (today, offset) = browser::local_today();
        models.with(|models| {
            jobs.with_list(|s| report(s.entries(), models, today, offset, CHART_DAYS))
        })
    });
    // The day whose numbers are shown: the one under the pointer or focus, else today.
    let shown = RwSignal::new(None::<i64>);
    let colour_of = move |model_id: &str| {
        spend.with(|r| {
            let at = r.models.iter().position(|m| m.model_id == model_id);
            PALETTE[at.unwrap_or(PALETTE.len()).min(PALETTE.len() - 1)]
        })
    };
    let day_words = move |day: &DaySpend| {
        let t = t.get();
        let f = IntlFormat::of(locale.get());
        let date = browser::short_date(day.day, locale.get().tag());
        fill(
            t.spend_day,
            &[
                ("day", &date),
                ("total", &total_text(day.usd, day.compute_units, t, &*f)),
            ],
        )
    };
    let detail = move || {
        let t = t.get();
        let f = IntlFormat::of(locale.get());
        spend.with(|r| {
            let day = shown
                .get()
                .and_then(|d| r.days.iter().find(|x| x.day == d))
                .or(r.days.last())?;
            let parts: Vec<String> = day
                .models
                .iter()
                .map(|m| {
                    let name = models.with(|ms| ms.name_of(&m.model_id).to_owned());
                    let jobs = fill(t.spend_jobs, &[("n", &m.jobs.to_string())]);
                    format!(
                        "{name} {} ({jobs})",
                        total_text(m.usd, m.compute_units, t, &*f)
                    )
                })
                .collect();
            let head = day_words(day);
            Some(if parts.is_empty() {
                head
            } else {
                format!("{head} — {}", parts.join(", "))
            })
        })
    };
    let bars = move || {
        spend.with(|r: &SpendReport| {
            let peak = r.peak_usd().max(f64::EPSILON);
            r.days
                .iter()
                .enumerate()
                .map(|(at, day)| {
                    let x = at as f64 * SLOT;
                    let mut top = HEIGHT;
                    let rects = day
                        .models
                        .iter()
                        .filter(|m| m.usd > 0.0)
                        .map(|m| {
                            let height = m.usd / peak * (HEIGHT - 4.0);
                            top -= height;
                            view! {
                                <rect
                                    x=x + 2.0
                                    y=top
                                    width=SLOT - 4.0
                                    height=height
                                    fill=colour_of(&m.model_id)
                                />
                            }
                        })
                        .collect_view();
                    let words = day_words(day);
                    let label = words.clone();
                    let id = day.day;
                    view! {
                        <g
                            class="spend-day"
                            data-testid="spend-day"
                            tabindex="0"
                            role="img"
                            aria-label=label
                            on:mouseenter=move |_| shown.set(Some(id))
                            on:focus=move |_| shown.set(Some(id))
                        >
                            <title>{words}</title>
                            // The whole slot answers the pointer, not only the bar.
                            <rect class="spend-slot" x=x y="0" width=SLOT height=HEIGHT />
                            {rects}
                        </g>
                    }
                })
                .collect_view()
        })
    };
    let legend = move || {
        let t = t.get();
        let f = IntlFormat::of(locale.get());
        spend.with(|r| {
            r.models
                .iter()
                .map(|m| {
                    let name = models.with(|ms| ms.name_of(&m.model_id).to_owned());
                    let total = total_text(m.usd, m.compute_units, t, &*f);
                    let jobs = fill(t.spend_jobs, &[("n", &m.jobs.to_string())]);
                    let colour = colour_of(&m.model_id);
                    view! {
                        <li data-testid="spend-model">
                            <span class="swatch" style:background=colour></span>
                            <span class="spend-model-name">{name}</span>
                            <span class="spend-model-total">{total}</span>
                            <span class="spend-model-jobs">{jobs}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let summary = move || {
        let t = t.get();
        let f = IntlFormat::of(locale.get());
        let days = CHART_DAYS.to_string();
        spend.with(|r| {
            let total = total_text(r.total_usd(), r.total_compute_units(), t, &*f);
            let last = fill(t.spend_last_days, &[("days", &days), ("total", &total)]);
            let budget = settings.with(|s| s.monthly_budget_usd);
            let month = match budget {
                Some(budget) => {
                    let percent = match budget_level(r.month_usd, Some(budget)) {
                        BudgetLevel::Near { percent } | BudgetLevel::Reached { percent } => percent,
                        BudgetLevel::Fine => (r.month_usd / budget * 100.0).floor() as u32,
                    };
                    fill(
                        t.spend_month_budget,
                        &[
                            ("spent", &f.usd(r.month_usd)),
                            ("budget", &f.usd(budget)),
                            ("percent", &percent.to_string()),
                        ],
                    )
                }
                None => fill(t.spend_month, &[("spent", &f.usd(r.month_usd))]),
            };
            format!("{last} · {month}")
        })
    };
    let empty = move || spend.with(|r| r.models.is_empty());
    view! {
        <div class="spending-body" data-testid="spending-body">
            <p data-testid="spend-summary">{summary}</p>
            <Show
                when=move || !empty()
                fallback=move || {
                    view! {
                        <p class="hint" data-testid="spend-none">
                            {move || fill(t.get().spend_none, &[("days", &CHART_DAYS.to_string())])}
                        </p>
                    }
                }
            >
                <svg
                    class="spend-chart"
                    data-testid="spend-chart"
                    viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                    preserveAspectRatio="none"
                    role="group"
                    aria-label=move || fill(t.get().spend_title, &[("days", &CHART_DAYS.to_string())])
                    on:mouseleave=move |_| shown.set(None)
                >
                    {bars}
                </svg>
                <p class="spend-detail" data-testid="spend-detail" aria-live="polite">{detail}</p>
                <ul class="spend-models">{legend}</ul>
                <p class="hint">{tr(t, |t| t.spend_usd_only)}</p>
            </Show>
        </div>
    }
}
