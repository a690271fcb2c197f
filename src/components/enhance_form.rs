use super::lazy_view::first_used;
use super::FieldInput;
use super::LazyView;
use crate::form::enhance::{enhance_request, SCALES};
use crate::form::FormState;
use crate::hooks::{tr, use_locale_context, use_texts, ImageActions, LiveJobs, Submitter};
use crate::i18n::field_label;
use crate::i18n::IntlFormat;
use crate::jobs::lineage::{Derived, Lineage};
use crate::jobs::pricing::price_text;
use krea_api::catalogue::ENHANCERS;
use leptos::prelude::*;

/// Fields the form itself fills in: the source, and its size times the scale.
const FILLED: [&str; 4] = ["image_url", "width", "height", "image_scaling_factor"];

/// "Enhance": Krea Enhance or one of Topaz's three, how much larger, every other field Krea
/// documents for it (checked as the main form checks its own), and the price; the result is
/// a new card that names its source.
#[component]
pub fn EnhanceForm(jobs: LiveJobs) -> impl IntoView {
    let actions = expect_context::<ImageActions>();
    // Its code loads the first time an image is taken to an enhancer; it then stays, with
    // the enhancer and scale last chosen.
    let opened = first_used(move || actions.enhancing.with(Option::is_some));
    view! {
        <Show when=move || opened.get()>
            <LazyView load=move || enhance_dialog(jobs) />
        </Show>
    }
}

crate::lazy_part! { enhance, preload_enhance:
    pub(crate) fn enhance_dialog(jobs: LiveJobs) -> AnyView {
        view! { <EnhanceDialog jobs /> }.into_any()
    }
}

#[component]
fn EnhanceDialog(jobs: LiveJobs) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let actions = expect_context::<ImageActions>();
    let submitter = expect_context::<Submitter>();
    // The enhancer's own fields, kept and checked like the main form's.
    let state = RwSignal::new(FormState::new(ENHANCERS[0].id));
    let scale = RwSignal::new(2.0f64);
    let natural = RwSignal::new(None::<(f64, f64)>);
    let problem = RwSignal::new(None::<String>);
    let source = Memo::new(move |_| {
        let id = actions.enhancing.get()?;
        let url = jobs.job(&id)?.images().into_iter().next()?;
        Some((id, url))
    });
    let enhancer = Memo::new(move |_| state.with(|f| f.model_id.clone()));
    let close = move || {
        actions.enhancing.set(None);
        natural.set(None);
        problem.set(None);
    };
    let send = move |_| {
        let Some((id, url)) = source.get_untracked() else {
            return;
        };
        let filled = enhance_request(
            state.with_untracked(FormState::model),
            &url,
            natural.get_untracked(),
            scale.get_untracked(),
            None,
        );
        state.update(|form| {
            for (key, value) in filled.body {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                if FILLED.contains(&key.as_str()) || form.value(&key).trim().is_empty() {
                    form.set_value(&key, text);
                }
            }
        });
        match state.with_untracked(FormState::build) {
            Ok(request) => {
                let lineage = Lineage {
                    kind: Derived::Enhanced,
                    job_id: id,
                    image_url: url,
                };
                submitter.submit_from.run((request, Some(lineage)));
                close();
            }
            Err(errors) => {
                let t = t.get_untracked();
                problem.set(errors.iter().next().map(|(field, why)| {
                    format!(
                        "{}: {}",
                        field_label(field, locale.get_untracked()),
                        why.message(field, t)
                    )
                }));
            }
        }
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
                            state.set(FormState::new(&event_target_value(&ev)));
                            problem.set(None);
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
                <details class="enhance-fields">
                    <summary>{tr(t, |t| t.model_settings)}</summary>
                    {move || {
                        enhancer.track();
                        state
                            .with_untracked(FormState::fields)
                            .into_iter()
                            .filter(|spec| !FILLED.contains(&spec.name))
                            .map(|spec| {
                                let name = spec.name;
                                let error = Signal::derive(move || {
                                    state.with(|f| f.build().err()?.get(name).map(|p| p.message(name, t.get())))
                                });
                                view! { <FieldInput spec form=state error /> }
                            })
                            .collect_view()
                    }}
                </details>
                <p class="price" data-testid="enhance-price">
                    {move || price_text(state.with(|f| f.model().price), t.get(), &*IntlFormat::of(locale.get()))}
                </p>
                <p class="hint">
                    {move || natural.get().map(|(w, h)| {
                        let s = scale.get();
                        format!("{w}×{h} → {}×{}", (w * s).round(), (h * s).round())
                    })}
                </p>
                <p class="field-error" data-testid="enhance-error" aria-live="polite">{move || problem.get()}</p>
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
