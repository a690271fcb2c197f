use super::{FieldInput, ModelSetForm};
use crate::api::LimitLeft;
use crate::form::{FormState, SIZE_PRESETS};
use crate::hooks::{tr, use_locale_context, use_texts, EmbedMode};
use crate::i18n::{budget_left_words, field_label, fill, limit_left_words, IntlFormat, Texts};
use crate::jobs::pricing::price_text;
use crate::jobs::variations::{random_seed, variations, MAX_VARIATIONS};
use krea_api::{ImageRequest, ModelSpec, Models, MODELS};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

/// Prompt, model and the model's fields. Generates on the button or Ctrl/Cmd+Enter, only
/// when the request is valid; every problem is shown next to its field.
#[component]
pub fn PromptForm(
    form: RwSignal<FormState>,
    /// The models this studio knows; those beyond the catalogue are offered under "More
    /// models".
    #[prop(into)]
    models: Signal<Models>,
    /// The person reached for the model picker: the models beyond the catalogue are wanted.
    on_models_wanted: Callback<()>,
    /// Where the person stands under the proxy's rate limit, if it has one.
    #[prop(into)]
    limit_left: Signal<Option<LimitLeft>>,
    on_generate: Callback<ImageRequest>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] submit_errors: Signal<Vec<String>>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let count = RwSignal::new(1usize);
    // Generate waits for images still on their way to Krea's asset library.
    let uploading = use_context::<crate::hooks::Uploads>()
        .map_or_else(|| Signal::derive(|| 0), |uploads| uploads.in_flight);
    let built = Memo::new(move |_| form.with(FormState::build));
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            built.with(|b| {
                b.as_ref()
                    .err()
                    .and_then(|e| e.get(field))
                    .map(|problem| problem.message(field, t.get()))
            })
        })
    };
    let blocked_because = move || {
        let t = t.get();
        built.with(|b| match b {
            Ok(_) => None,
            Err(errors) => errors.iter().next().map(|(field, problem)| {
                let message = problem.message(field, t);
                if field == "prompt" {
                    message
                } else {
                    let field = field_label(field, locale.get());
                    fill(t.fix_field, &[("field", &field), ("message", &message)])
                }
            }),
        })
    };
    let generate = move || {
        if busy.get_untracked() || uploading.get_untracked() > 0 {
            return;
        }
        if let Ok(request) = built.get_untracked() {
            // Several runs without a chosen seed would all get Krea's fixed default seed.
            let count = count.get_untracked();
            let fresh_seeds = count > 1 && !request.body.contains_key("seed");
            let runs = variations(&request, count, fresh_seeds, || {
                random_seed(js_sys::Math::random())
            });
            runs.into_iter()
                .for_each(|request| on_generate.run(request));
        }
    };
    let model_id = Memo::new(move |_| form.with(|f| f.model_id.clone()));
    let offered = expect_context::<EmbedMode>()
        .0
        .and_then(|host| host.with_options(|o| (!o.models.is_empty()).then(|| o.models.clone())));
    // A host may offer a model Krea added after this catalogue: its spec names it.
    if offered
        .as_ref()
        .is_some_and(|ids| ids.iter().any(|id| krea_api::catalogue::find(id).is_none()))
    {
        on_models_wanted.run(());
    }
    let offered = StoredValue::new(offered);
    let model_option = move |model: &'static ModelSpec| {
        view! {
            <option value=model.id>{move || picker_label(model, t.get(), &IntlFormat::of(locale.get()))}</option>
        }
    };

    view! {
        <form
            class="prompt-form"
            data-testid="prompt-form"
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                generate();
            }
        >
            <div class="field">
                <label for="model-select">{tr(t, |t| t.model)}</label>
                <select
                    id="model-select"
                    data-testid="model-select"
                    prop:value=move || model_id.get()
                    on:pointerenter=move |_| on_models_wanted.run(())
                    on:focus=move |_| on_models_wanted.run(())
                    on:change=move |ev| {
                        let id = event_target_value(&ev);
                        models.with(|models| form.update(|f| f.switch_to(models, &id)));
                    }
                >
                    {move || offered.with_value(|offered| match offered {
                        // Embedded: the models the host page offers, in its order.
                        Some(ids) => models
                            .with(|models| ids.iter().filter_map(|id| models.find(id)).collect::<Vec<_>>())
                            .into_iter()
                            .map(model_option)
                            .collect_view()
                            .into_any(),
                        None => MODELS.iter().map(model_option).collect_view().into_any(),
                    })}
                    {move || {
                        models
                            .with(|models| {
                                if offered.with_value(Option::is_some) {
                                    return None;
                                }
                                let more = models.discovered();
                                (!more.is_empty())
                                    .then(|| {
                                        view! {
                                            <optgroup label=tr(t, |t| t.more_models) data-testid="more-models">
                                                {more.iter().copied().map(model_option).collect_view()}
                                            </optgroup>
                                        }
                                    })
                            })
                    }}
                </select>
                <p class="model-meta" data-testid="model-meta">
                    {move || form.with(|f| model_summary(f.model(), t.get(), &IntlFormat::of(locale.get())))}
                </p>
            </div>
            <div class="field">
                <label for="prompt-input">{tr(t, |t| t.prompt)}</label>
                <textarea
                    id="prompt-input"
                    data-testid="prompt-input"
                    rows="4"
                    placeholder=tr(t, |t| t.prompt_placeholder)
                    prop:value=move || form.with(|f| f.prompt.clone())
                    on:input=move |ev| form.update(|f| f.prompt = event_target_value(&ev))
                    on:keydown=move |ev: KeyboardEvent| {
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            generate();
                        }
                    }
                ></textarea>
                <p class="counter" data-testid="prompt-counter" aria-live="off">
                    {move || form.with(|f| f.prompt_counter(t.get()))}
                </p>
                <p class="field-error" data-testid="error-prompt">
                    // An empty prompt is said once, on the button, rather than as an error.
                    {move || error_of("prompt").get().filter(|_| form.with(|f| !f.prompt.trim().is_empty()))}
                </p>
            </div>
            <Show when=move || form.with(FormState::takes_size)>
                <div class="size-presets" role="group" aria-label=move || t.get().size>
                    {SIZE_PRESETS
                        .iter()
                        .map(|(label, w, h)| {
                            let (w, h) = (*w, *h);
                            view! {
                                <button
                                    type="button"
                                    data-testid=format!("ratio-{w}x{h}")
                                    on:click=move |_| form.update(|f| f.apply_ratio(w, h))
                                >
                                    {*label}
                                </button>
                            }
                        })
                        .collect_view()}
                    <label class="lock">
                        <input
                            type="checkbox"
                            data-testid="size-lock"
                            prop:checked=move || form.with(|f| f.size_lock.is_some())
                            on:change=move |ev| form.update(|f| f.lock_size(event_target_checked(&ev)))
                        />
                        {tr(t, |t| t.lock_ratio)}
                    </label>
                </div>
            </Show>
            // Open on wide screens; on a phone the model's settings fold away under the
            // prompt, so the results are a short scroll away.
            <details class="model-fields" open=wide_screen()>
                <summary>{tr(t, |t| t.model_settings)}</summary>
                <div class="fields">
                    {move || {
                        model_id.track();
                        form.with_untracked(FormState::fields)
                            .into_iter()
                            .map(|spec| view! { <FieldInput spec form error=error_of(spec.name) /> })
                            .collect_view()
                    }}
                </div>
            </details>
            <div class="generate-row">
                <label class="variations">
                    <span>{tr(t, |t| t.variations)}</span>
                    <select
                        data-testid="variation-count"
                        prop:value=move || count.get().to_string()
                        on:change=move |ev| count.set(event_target_value(&ev).parse().unwrap_or(1))
                    >
                        {(1..=MAX_VARIATIONS)
                            .map(|n| view! { <option value=n.to_string()>{n}</option> })
                            .collect_view()}
                    </select>
                </label>
                <button
                    type="submit"
                    data-testid="generate-button"
                    disabled=move || { busy.get() || uploading.get() != 0 || built.with(Result::is_err) }
                >
                    {move || {
                        let t = t.get();
                        match count.get() {
                            _ if busy.get() => t.sending.to_owned(),
                            1 => t.generate.to_owned(),
                            n => fill(t.generate_n, &[("n", &n.to_string())]),
                        }
                    }}
                </button>
            </div>
            // Not in an embedded studio: a host page offers its own models.
            {expect_context::<EmbedMode>().0.is_none().then(|| view! { <ModelSetForm form /> })}
            {move || {
                limit_left
                    .get()
                    .and_then(|left| left.rate)
                    .map(|left| {
                        view! {
                            <p class="limit-left" data-testid="limit-left">
                                {move || limit_left_words(left.remaining, left.limit, left.window_secs, t.get())}
                            </p>
                        }
                    })
            }}
            {move || {
                limit_left
                    .get()
                    .and_then(|left| left.budget)
                    .map(|left| {
                        view! {
                            <p class="limit-left" data-testid="budget-left">
                                {move || {
                                    let format = IntlFormat::of(locale.get());
                                    budget_left_words(left.left_usd, left.limit_usd, left.monthly, &*format, t.get())
                                }}
                            </p>
                        }
                    })
            }}
            <p class="hint" data-testid="generate-hint">
                {move || match uploading.get() {
                    0 => blocked_because().unwrap_or_else(|| t.get().shortcut.to_owned()),
                    n => fill(t.get().waiting_uploads, &[("n", &n.to_string())]),
                }}
            </p>
            <div class="submit-error" role="alert" data-testid="submit-error">
                <For each=move || submit_errors.get() key=|error| error.clone() let:error>
                    <p>{error}</p>
                </For>
            </div>
        </form>
    }
}

/// Whether the window is wider than a phone's, as the stylesheet's breakpoint has it.
fn wide_screen() -> bool {
    gloo_utils::window()
        .inner_width()
        .ok()
        .and_then(|width| width.as_f64())
        .is_none_or(|width| width > 720.0)
}

/// `Flux · 3 compute units · ~7 s`: what a model costs and how long it takes, at a glance.
fn picker_label(model: &ModelSpec, t: &Texts, f: &IntlFormat) -> String {
    let price = price_text(model.price, t, f);
    match model.typical_secs {
        Some(secs) => {
            let time = fill(t.typical_secs, &[("secs", &secs.to_string())]);
            format!("{} · {price} · {time}", model.name)
        }
        None => format!("{} · {price}", model.name),
    }
}

fn model_summary(model: &ModelSpec, t: &Texts, f: &IntlFormat) -> String {
    let price = price_text(model.price, t, f);
    match model.typical_secs {
        Some(secs) => {
            let time = fill(t.about_secs, &[("secs", &secs.to_string())]);
            format!("{} · {price} · {time}", model.description)
        }
        None => format!("{} · {price}", model.description),
    }
}
