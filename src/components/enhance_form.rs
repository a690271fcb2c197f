use crate::form::enhance::{enhance_request, SCALES};
use crate::hooks::{tr, use_locale_context, use_texts, ImageActions, LiveJobs, Submitter};
use crate::i18n::IntlFormat;
use crate::jobs::lineage::{Derived, Lineage};
use crate::jobs::pricing::price_text;
use krea_api::catalogue::{self, ENHANCERS};
use krea_api::FieldKind;
use leptos::prelude::*;

/// "Enhance": Krea Enhance or one of Topaz's three, how much larger, Topaz's model where it
/// has one, and the price; the result is a new card that names its source.
#[component]
pub fn EnhanceForm(jobs: LiveJobs) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let actions = expect_context::<ImageActions>();
    let submitter = expect_context::<Submitter>();
    let enhancer = RwSignal::new(ENHANCERS[0].id.to_owned());
    let scale = RwSignal::new(2.0f64);
    let topaz_model = RwSignal::new(String::new());
    let natural = RwSignal::new(None::<(f64, f64)>);
    let source = Memo::new(move |_| {
        let id = actions.enhancing.get()?;
        let url = jobs.job(&id)?.images().into_iter().next()?;
        Some((id, url))
    });
    let spec = move || catalogue::find(&enhancer.get()).unwrap_or(&ENHANCERS[0]);
    let models = move || match spec().field("model").map(|f| f.kind) {
        Some(FieldKind::Choice(options)) if options.len() > 1 => Some(options),
        _ => None,
    };
    let close = move || {
        actions.enhancing.set(None);
        natural.set(None);
    };
    let send = move |_| {
        let Some((id, url)) = source.get_untracked() else {
            return;
        };
        let model = topaz_model.get_untracked();
        let request = enhance_request(
            spec(),
            &url,
            natural.get_untracked(),
            scale.get_untracked(),
            (!model.is_empty()).then_some(model.as_str()),
        );
        let lineage = Lineage {
            kind: Derived::Enhanced,
            job_id: id,
            image_url: url,
        };
        submitter.submit_from.run((request, Some(lineage)));
        close();
    };
    view! {
        <Show when=move || source.get().is_some()>
            <div class="enhance-form" role="dialog" data-testid="enhance-form" aria-label=tr(t, |t| t.enhance_title)>
                <h2>{tr(t, |t| t.enhance_title)}</h2>
                <img
                    class="enhance-source"
                    alt=""
                    src=move || source.get().map(|(_, url)| url).unwrap_or_default()
                    on:load=move |ev| {
                        let image: web_sys::HtmlImageElement = event_target(&ev);
                        natural.set(Some((image.natural_width() as f64, image.natural_height() as f64)));
                    }
                />
                <label>
                    <span>{tr(t, |t| t.enhancer)}</span>
                    <select
                        data-testid="enhancer-select"
                        prop:value=move || enhancer.get()
                        on:change=move |ev| {
                            enhancer.set(event_target_value(&ev));
                            topaz_model.set(String::new());
                        }
                    >
                        {ENHANCERS
                            .iter()
                            .map(|e| view! { <option value=e.id>{e.name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    <span>{tr(t, |t| t.scale)}</span>
                    <select
                        data-testid="enhance-scale"
                        prop:value=move || scale.get().to_string()
                        on:change=move |ev| scale.set(event_target_value(&ev).parse().unwrap_or(2.0))
                    >
                        {SCALES
                            .iter()
                            .map(|s| view! { <option value=s.to_string()>{format!("{s}×")}</option> })
                            .collect_view()}
                    </select>
                </label>
                {move || models().map(|options| view! {
                    <label>
                        <span>{tr(t, |t| t.model)}</span>
                        <select data-testid="enhance-model" on:change=move |ev| topaz_model.set(event_target_value(&ev))>
                            {options.iter().map(|o| view! { <option value=*o>{*o}</option> }).collect_view()}
                        </select>
                    </label>
                })}
                <p class="price" data-testid="enhance-price">
                    {move || price_text(spec().price, t.get(), &*IntlFormat::of(locale.get()))}
                </p>
                <p class="hint">
                    {move || natural.get().map(|(w, h)| {
                        let s = scale.get();
                        format!("{w}×{h} → {}×{}", (w * s).round(), (h * s).round())
                    })}
                </p>
                <div class="actions">
                    <button type="button" data-testid="enhance-submit" on:click=send>
                        {tr(t, |t| t.enhance_image)}
                    </button>
                    <button type="button" data-testid="enhance-close" on:click=move |_| close()>
                        {tr(t, |t| t.close)}
                    </button>
                </div>
            </div>
        </Show>
    }
}
