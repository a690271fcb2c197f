use super::lazy_view::first_used;
use super::LazyView;
use crate::form::model_set::{choose, prompt_only_models, set_price, set_requests, MAX_MODELS};
use crate::form::FormState;
use crate::hooks::{tr, use_locale_context, use_texts, Submitter};
use crate::i18n::{field_label, fill, IntlFormat};
use krea_api::{ImageRequest, Models};
use leptos::prelude::*;

/// "Compare models", folded under Generate: the prompt to up to four chosen models at once,
/// each its own job (and idempotency key), with the whole set's price before sending. The
/// results are one set in the grid. Its code loads the first time the fold opens.
#[component]
pub fn ModelSetForm(form: RwSignal<FormState>) -> impl IntoView {
    let t = use_texts();
    let open = RwSignal::new(false);
    let opened = first_used(move || open.get());
    view! {
        <details
            class="model-set"
            data-testid="compare-models"
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())
        >
            <summary>{tr(t, |t| t.compare_models)}</summary>
            <Show when=move || opened.get()>
                <LazyView load=move || model_set_fields(form) />
            </Show>
        </details>
    }
}

crate::lazy_part! { model_set, preload_model_set:
    pub(crate) fn model_set_fields(form: RwSignal<FormState>) -> AnyView {
        view! { <ModelSetFields form /> }.into_any()
    }
}

#[component]
fn ModelSetFields(form: RwSignal<FormState>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let models = expect_context::<ReadSignal<Models>>();
    let submitter = expect_context::<Submitter>();
    // The form's model first.
    let chosen = RwSignal::new(vec![form.with_untracked(|f| f.model_id.clone())]);
    let offered = Memo::new(move |_| models.with(prompt_only_models));
    let built = Memo::new(move |_| {
        chosen.with(|chosen| form.with(|f| models.with(|m| set_requests(f, m, chosen))))
    });
    let requests = move || -> Option<Vec<ImageRequest>> {
        built.with(|all| all.iter().map(|(_, r)| r.as_ref().ok().cloned()).collect())
    };
    // The first thing in the way, named by its model.
    let problem = move || {
        let t = t.get();
        built.with(|all| {
            all.iter().find_map(|(id, built)| {
                let errors = built.as_ref().err()?;
                let name = models.with(|m| m.find(id).map_or(id.clone(), |m| m.name.to_owned()));
                let message = match errors.iter().next() {
                    Some((field, problem)) if field == "prompt" => problem.message(field, t),
                    Some((field, problem)) => fill(
                        t.fix_field,
                        &[
                            ("field", &field_label(field, locale.get())),
                            ("message", &problem.message(field, t)),
                        ],
                    ),
                    None => t.unknown_model.to_owned(),
                };
                Some(fill(
                    t.set_problem,
                    &[("model", &name), ("message", &message)],
                ))
            })
        })
    };
    let price = move || {
        let t = t.get();
        let requests = requests()?;
        let (spent, unstated) = models.with(|m| set_price(m, &requests));
        let format = IntlFormat::of(locale.get());
        let mut words = fill(
            t.set_price,
            &[
                ("n", &requests.len().to_string()),
                ("price", &spent.label(t, &*format)),
            ],
        );
        if unstated > 0 {
            words.push_str(&fill(t.set_unstated, &[("n", &unstated.to_string())]));
        }
        Some(words)
    };
    let count = move || chosen.with(Vec::len);
    let ready = move || count() >= 2 && requests().is_some() && !submitter.busy.get();
    let send = move |_| {
        if let (true, Some(requests)) = (ready(), requests()) {
            submitter.submit_set.run(requests);
        }
    };
    view! {
        <p class="hint">{move || fill(t.get().set_hint, &[("max", &MAX_MODELS.to_string())])}</p>
        <ul class="set-models">
            <For each=move || offered.get() key=|model| model.id let:model>
                <li>
                    <label>
                        <input
                            type="checkbox"
                            data-testid="set-model"
                            value=model.id
                            prop:checked=move || chosen.with(|c| c.iter().any(|id| id == model.id))
                            disabled=move || chosen.with(|c| c.len() >= MAX_MODELS && !c.iter().any(|id| id == model.id))
                            on:change=move |_| chosen.update(|c| {
                                choose(c, model.id);
                            })
                        />
                        {model.name}
                    </label>
                </li>
            </For>
        </ul>
        <p class="set-price" data-testid="set-price">{price}</p>
        <p class="field-error" data-testid="set-problem" role="alert">{problem}</p>
        <button type="button" data-testid="send-set" disabled=move || !ready() on:click=send>
            {move || fill(t.get().send_set, &[("n", &count().to_string())])}
        </button>
    }
}
