use super::FieldInput;
use crate::form::{FormState, DEFAULT_MODEL, SIZE_PRESETS};
use krea_api::{ImageRequest, ModelSpec, MODELS};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;

/// Prompt, model and size. Generates on the button or Ctrl/Cmd+Enter, only when the
/// request is valid; every problem is shown next to its field.
#[component]
pub fn PromptForm(
    /// Models discovered from the proxy's spec, offered under "More models".
    #[prop(into)]
    more_models: Signal<Vec<&'static ModelSpec>>,
    on_generate: Callback<ImageRequest>,
    #[prop(into)] busy: Signal<bool>,
    #[prop(into)] submit_error: Signal<Option<String>>,
) -> impl IntoView {
    let form = RwSignal::new(FormState::new(DEFAULT_MODEL));
    let built = Memo::new(move |_| form.with(FormState::build));
    let error_of = move |field: &'static str| {
        Signal::derive(move || built.with(|b| b.as_ref().err().and_then(|e| e.get(field).cloned())))
    };
    let blocked_because = move || {
        built.with(|b| match b {
            Ok(_) => None,
            Err(errors) => errors.iter().next().map(|(field, message)| {
                if field == "prompt" {
                    message.clone()
                } else {
                    format!("Fix {}: {message}", field.replace('_', " "))
                }
            }),
        })
    };
    let generate = move || {
        if busy.get_untracked() {
            return;
        }
        if let Ok(request) = built.get_untracked() {
            on_generate.run(request);
        }
    };
    let model_id = Memo::new(move |_| form.with(|f| f.model_id.clone()));
    let model = move || form.with(FormState::model);

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
                <label for="model-select">"Model"</label>
                <select
                    id="model-select"
                    data-testid="model-select"
                    prop:value=move || model_id.get()
                    on:change=move |ev| form.update(|f| f.switch_model(&event_target_value(&ev)))
                >
                    {MODELS.iter().map(model_option).collect_view()}
                    {move || {
                        more_models
                            .with(|more| {
                                (!more.is_empty())
                                    .then(|| {
                                        view! {
                                            <optgroup label="More models" data-testid="more-models">
                                                {more.iter().copied().map(model_option).collect_view()}
                                            </optgroup>
                                        }
                                    })
                            })
                    }}
                </select>
                <p class="model-meta" data-testid="model-meta">{move || model_summary(model())}</p>
            </div>
            <div class="field">
                <label for="prompt-input">"Prompt"</label>
                <textarea
                    id="prompt-input"
                    data-testid="prompt-input"
                    rows="4"
                    placeholder="A red fox in fresh snow, golden hour"
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
                    {move || form.with(FormState::prompt_counter)}
                </p>
                <p class="field-error" data-testid="error-prompt">
                    // An empty prompt is said once, on the button, rather than as an error.
                    {move || error_of("prompt").get().filter(|_| form.with(|f| !f.prompt.trim().is_empty()))}
                </p>
            </div>
            <Show when=move || form.with(FormState::takes_size)>
                <div class="size-presets" role="group" aria-label="Size">
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
                        "Lock ratio"
                    </label>
                </div>
            </Show>
            <div class="fields">
                {move || {
                    model_id.track();
                    form.with_untracked(FormState::fields)
                        .into_iter()
                        .map(|spec| view! { <FieldInput spec form error=error_of(spec.name) /> })
                        .collect_view()
                }}
            </div>
            <button
                type="submit"
                data-testid="generate-button"
                disabled=move || busy.get() || built.with(Result::is_err)
            >
                {move || if busy.get() { "Sending…" } else { "Generate" }}
            </button>
            <p class="hint" data-testid="generate-hint">
                {move || blocked_because().unwrap_or_else(|| "Ctrl/⌘ + Enter".to_owned())}
            </p>
            <p class="submit-error" role="alert" data-testid="submit-error">
                {move || submit_error.get()}
            </p>
        </form>
    }
}

fn model_option(model: &'static ModelSpec) -> impl IntoView {
    view! { <option value=model.id>{picker_label(model)}</option> }
}

/// `Flux · 3 compute units · ~7 s`: what a model costs and how long it takes, at a glance.
fn picker_label(model: &ModelSpec) -> String {
    match model.typical_secs {
        Some(secs) => format!("{} · {} · ~{secs} s", model.name, model.price.label()),
        None => format!("{} · {}", model.name, model.price.label()),
    }
}

fn model_summary(model: &ModelSpec) -> String {
    let price = model.price.label();
    match model.typical_secs {
        Some(secs) => format!("{} · {price} · about {secs} s", model.description),
        None => format!("{} · {price}", model.description),
    }
}
