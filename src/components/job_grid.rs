use super::{JobCard, SubmissionCard};
use crate::hooks::{use_after_paint, use_texts, LiveJobs};
use crate::jobs::filter::JobFilter;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_use_intersection_observer::{
    use_intersection_observer_with_options, UseIntersectionObserverOptions,
};

/// Cards rendered at first, and added each time the person scrolls near the end: a history
/// of thousands opens as fast as a short one, and the page holds what was scrolled to.
/// A multiple of every column count the grid takes (2, 3, 4, 6, 8).
pub const PAGE: usize = 96;
/// Cards in the very first render: a screenful even at eight columns, so a long history
/// shows as fast as a short one; the rest of the first page follows once it is painted.
const FIRST_SCREEN: usize = 24;

/// Every job that passes the filter, newest first, one card each, keyed by job id, images
/// first at their own shape, `per_row` to a row; cards for generations still being sent
/// come first. Filters and search cover the whole history;
/// only the first pages of the result are in the page, more as the person scrolls.
#[component]
pub fn JobGrid(
    jobs: LiveJobs,
    filter: RwSignal<JobFilter>,
    /// The jobs that pass the filter, newest first.
    matching: Memo<Vec<String>>,
    now: ReadSignal<f64>,
    /// How many images a row holds on a wide screen (the grid takes fewer where narrow).
    per_row: Signal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let ids = matching;
    let submissions = Memo::new(move |_| {
        jobs.with_submissions(|s| {
            s.submissions()
                .iter()
                .map(|s| s.key.clone())
                .collect::<Vec<_>>()
        })
    });
    // How many of the matching jobs the page holds, and for which filter: a new filter or
    // search starts again from its first screen, in the same update as its result (never a
    // page of the old length built and then cut), and the rest of its first page follows
    // once that screen is painted.
    let shown = RwSignal::new((filter.get_untracked(), FIRST_SCREEN));
    let limit = Memo::new(move |_| {
        shown.with(|(shown_for, n)| {
            if filter.with(|f| f == shown_for) {
                *n
            } else {
                FIRST_SCREEN
            }
        })
    });
    let show = move |n: usize| shown.set((filter.get_untracked(), n));
    use_after_paint(
        Signal::derive(move || limit.get() < PAGE && ids.with(Vec::len) > limit.get()),
        move || show(limit.get_untracked().max(PAGE)),
    );
    let on_page = Memo::new(move |_| {
        let limit = limit.get();
        ids.with(|ids| ids.iter().take(limit).cloned().collect::<Vec<_>>())
    });
    let more = move || ids.with(Vec::len) > limit.get();
    // Near the end (within a screen or so), the next page comes in. The marker is made anew
    // for each page, so a marker still in view after a page is added is seen again.
    let end = NodeRef::<Div>::new();
    use_intersection_observer_with_options(
        end,
        move |entries, _| {
            if entries.iter().any(|e| e.is_intersecting()) && more() {
                // To the end of the next whole page, from the first screen too.
                show((limit.get_untracked() / PAGE + 1) * PAGE);
            }
        },
        UseIntersectionObserverOptions::default().root_margin("1200px".to_owned()),
    );
    let empty = move || ids.with(Vec::is_empty) && submissions.with(Vec::is_empty);
    view! {
        // Justified rows: each card grows by its image's aspect ratio, so the images of a row
        // share one height and fill the width (style.css, `.job-grid`).
        <section
            class="job-grid"
            data-testid="job-grid"
            aria-label=move || t.get().generations
            style:--chosen=move || per_row.get().to_string()
        >
            <Show when=empty>
                <p class="empty" data-testid="empty-grid">
                    {move || {
                        if jobs.with_list(|s| s.entries().is_empty()) {
                            t.get().empty_grid
                        } else {
                            t.get().no_match
                        }
                    }}
                </p>
            </Show>
            <For each=move || submissions.get() key=|key| key.clone() let:key>
                <SubmissionCard submission_key=key jobs now />
            </For>
            <For each=move || on_page.get() key=|id| id.clone() let:id>
                <JobCard id jobs now />
            </For>
            {move || {
                let _page = limit.get();
                more().then(|| view! { <div class="grid-end" data-testid="grid-more" node_ref=end></div> })
            }}
        </section>
    }
}
