use super::image_field::image_field;
use super::style_field::style_field;
use super::LazyView;
use crate::form::image_slot::ImageSlot;
use crate::form::{list_hint, literal_text, FormState};
use crate::hooks::{tr, use_locale_context, use_texts};
use crate::hooks::{FirstScreenShown, UploadsAllowed};
use crate::i18n::{field_label, fill};
use crate::jobs::variations::random_seed;
use krea_api::{FieldKind, FieldSpec, Literal};
use leptos::prelude::*;

/// One model field: a select for enums, a number input for numbers, text otherwise, with
/// its problem right under it.
#[component]
pub fn FieldInput(
    spec: &'static FieldSpec,
    form: RwSignal<FormState>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let name = spec.name;
    let label = move || field_label(name, locale.get());
    let id = format!("field-{name}");
    let value = move || form.with(|f| f.value(name));
    let set = move |text: String| form.update(|f| f.set_value(name, text));
    // Krea's default, shown where the field is left blank.
    let placeholder = move || {
        let t = t.get();
        spec.default.map(|default| match default {
            Literal::Bool(true) => t.default_yes.to_owned(),
            Literal::Bool(false) => t.default_no.to_owned(),
            other => fill(t.default_value, &[("value", &literal_text(other))]),
        })
    };
    let blank_label = move || placeholder().unwrap_or_else(|| t.get().default_blank.to_owned());
    let control = match spec.kind {
        FieldKind::Choice(options) | FieldKind::ChoiceOrNull(options) => {
            let blank = (!spec.required).then(|| view! { <option value="">{blank_label}</option> });
            view! {
                <select
                    id=id.clone()
                    data-testid=id.clone()
                    prop:value=value
                    on:change=move |ev| set(event_target_value(&ev))
                >
                    {blank}
                    {options
                        .iter()
                        .map(|option| view! { <option value=*option>{*option}</option> })
                        .collect_view()}
                </select>
            }
            .into_any()
        }
        FieldKind::List { .. } => view! {
            <textarea
                id=id.clone()
                data-testid=id.clone()
                rows="2"
                placeholder=move || list_hint(spec, t.get())
                prop:value=value
                on:input=move |ev| set(event_target_value(&ev))
            ></textarea>
        }
        .into_any(),
        FieldKind::Bool => view! {
            <select
                id=id.clone()
                data-testid=id.clone()
                prop:value=value
                on:change=move |ev| set(event_target_value(&ev))
            >
                <option value="">{blank_label}</option>
                <option value="true">{tr(t, |t| t.yes)}</option>
                <option value="false">{tr(t, |t| t.no)}</option>
            </select>
        }
        .into_any(),
        FieldKind::Number { .. } => {
            let slider = slider_range(spec);
            // Beside a slider the box is narrow: the default alone says enough.
            let resting = slider.map(|(min, max, _)| {
                spec.default
                    .map(literal_text)
                    .unwrap_or_else(|| krea_api::number::format_number((min + max) / 2.0))
            });
            let box_placeholder = {
                let resting = resting.clone();
                move || resting.clone().or_else(placeholder)
            };
            // Text, not type=number: a number input reports a half-typed `0.` as empty, and
            // writing that back would wipe what is being typed. The form checks numbers itself.
            let number = view! {
                <input
                    id=id.clone()
                    data-testid=id.clone()
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    placeholder=box_placeholder
                    prop:value=value
                    on:input=move |ev| set(event_target_value(&ev))
                />
            };
            match (slider, resting) {
                // A slider beside the box: it rests on Krea's default while the box is blank,
                // so an untouched field is still left out of the request.
                (Some((min, max, step)), Some(resting)) => view! {
                    <div class="slider">
                        <input
                            type="range"
                            data-testid=format!("slider-{name}")
                            aria-label=label
                            min=min
                            max=max
                            step=step
                            prop:value=move || {
                                let typed = value();
                                if typed.trim().is_empty() { resting.clone() } else { typed }
                            }
                            on:input=move |ev| set(event_target_value(&ev))
                        />
                        {number}
                    </div>
                }
                .into_any(),
                _ => number.into_any(),
            }
        }
        _ => view! {
            <input
                id=id.clone()
                data-testid=id.clone()
                type="text"
                placeholder=placeholder
                prop:value=value
                on:input=move |ev| set(event_target_value(&ev))
            />
        }
        .into_any(),
    };
    // A new seed is the quickest way to a different image with the same settings.
    let randomise = (name == "seed").then(|| {
        view! {
            <button
                type="button"
                class="randomise"
                data-testid="randomise-seed"
                aria-label=tr(t, |t| t.random_seed)
                on:click=move |_| set(random_seed(js_sys::Math::random()).to_string())
            >
                {tr(t, |t| t.random)}
            </button>
        }
    });
    // Image fields take files too (unless a host page turned uploads off); `styles` has a
    // browser.
    let uploads_on = use_context::<UploadsAllowed>().is_none_or(|allowed| allowed.0);
    let image_slot = ImageSlot::of(spec).filter(|_| uploads_on);
    let wide = matches!(spec.kind, FieldKind::List { .. }) || image_slot.is_some();
    // Both load with the images part: once the first screen is up (the text box takes a URL
    // until then), or the first time a model that takes images is picked.
    let shown = use_context::<FirstScreenShown>().map_or(Signal::from(true), |shown| shown.0);
    let images = image_slot.map(|target| {
        view! {
            <Show when=move || shown.get()>
                <LazyView load=move || image_field(target, form) />
            </Show>
        }
    });
    let styles = (name == "styles").then(|| {
        view! {
            <Show when=move || shown.get()>
                <LazyView load=move || style_field(form) />
            </Show>
        }
    });
    view! {
        <div
            class="field"
            class:wide=wide
            class:invalid=move || error.with(Option::is_some)
        >
            <label for=id.clone()>{label}</label>
            {control}
            {images}
            {styles}
            {randomise}
            <p class="field-error" data-testid=format!("error-{name}") aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

/// Bounded numbers get a slider (Krea 2's intensity, complexity and movement, strengths,
/// guidance, steps); sizes and seeds do not, as their useful values are specific numbers.
fn slider_range(spec: &FieldSpec) -> Option<(f64, f64, f64)> {
    let FieldKind::Number {
        min: Some(min),
        max: Some(max),
        integer,
        ..
    } = spec.kind
    else {
        return None;
    };
    let sized = matches!(spec.name, "width" | "height" | "seed");
    let step = if integer { 1.0 } else { (max - min) / 100.0 };
    (!sized && max > min).then_some((min, max, step))
}
