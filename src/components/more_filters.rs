use super::lazy_view::first_used;
use super::LazyView;
use crate::hooks::{tr, use_texts};
use crate::jobs::filter::JobFilter;
use leptos::prelude::*;

/// The filters a person reaches for less often, folded away: the seed, a range of days and a
/// range of price per image. Their fields load the first time the fold opens.
#[component]
pub fn MoreFilters(filter: RwSignal<JobFilter>) -> impl IntoView {
    let t = use_texts();
    let open = RwSignal::new(false);
    let opened = first_used(move || open.get());
    view! {
        <details
            class="more-filters"
            data-testid="more-filters"
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
        >
            <summary>{tr(t, |t| t.more_filters)}</summary>
            <Show when=move || opened.get()>
                <LazyView load=move || more_filter_fields(filter) />
            </Show>
        </details>
    }
}

crate::lazy_part! { filters, preload_filters:
/// The seed, day and price fields.
pub(crate) fn more_filter_fields(filter: RwSignal<JobFilter>) -> AnyView {
    let t = use_texts();

    // Days are the person's own: the filter is told their time zone as they pick one.
    let set_day = move |to_day: bool, day: String| {
        let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
        filter.update(|f| {
            f.utc_offset_min = offset;
            if to_day {
                f.to_day = day;
            } else {
                f.from_day = day;
            }
        });
    };
    let field = move |label: fn(&crate::i18n::Texts) -> &'static str,
                      test_id: &'static str,
                      kind: &'static str,
                      read: fn(&JobFilter) -> String,
                      write: Callback<String>| {
        view! {
            <label>
                <span>{move || label(t.get())}</span>
                <input
                    type=kind
                    data-testid=test_id
                    min=(kind == "number").then_some("0")
                    step=(kind == "number").then_some("0.001")
                    inputmode=(kind == "number").then_some("decimal")
                    prop:value=move || filter.with(read)
                    on:change=move |ev| write.run(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <div class="more-filter-fields">
            {field(|t| t.filter_seed, "filter-seed", "text", |f| f.seed.clone(),
                Callback::new(move |v| filter.update(|f| f.seed = v)))}
            {field(|t| t.filter_from, "filter-from", "date", |f| f.from_day.clone(),
                Callback::new(move |v| set_day(false, v)))}
            {field(|t| t.filter_to, "filter-to", "date", |f| f.to_day.clone(),
                Callback::new(move |v| set_day(true, v)))}
            {field(|t| t.filter_min_usd, "filter-min-usd", "number", |f| f.min_usd.clone(),
                Callback::new(move |v| filter.update(|f| f.min_usd = v)))}
            {field(|t| t.filter_max_usd, "filter-max-usd", "number", |f| f.max_usd.clone(),
                Callback::new(move |v| filter.update(|f| f.max_usd = v)))}
        </div>
    }
    .into_any()
}
}
