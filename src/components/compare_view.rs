use super::{LazyView, Modal};
use crate::hooks::{
    tr, use_copy_fallbacks, use_keydown, use_locale_context, use_texts, FocusAfter, KeyLayer,
    LiveJobs, SelectedJobs,
};
use crate::i18n::{fill, request_settings};
use crate::jobs::local_copies::CopyKey;
use leptos::prelude::*;

/// Compare: the picked images (2 to 4) side by side with their settings beneath; for two, a
/// slider that wipes one over the other. Its code loads the first time it opens.
#[component]
pub fn CompareView(jobs: LiveJobs) -> impl IntoView {
    let Some(selected) = use_context::<SelectedJobs>() else {
        return ().into_any();
    };
    view! {
        <Show when=move || selected.comparing.get()>
            <LazyView load=move || compare_dialog(jobs, selected) />
        </Show>
    }
    .into_any()
}

crate::lazy_part! { compare, preload_compare:
    pub(crate) fn compare_dialog(jobs: LiveJobs, selected: SelectedJobs) -> AnyView {
        view! { <CompareDialog jobs selected /> }.into_any()
    }
}

/// One image being compared, and what made it.
#[derive(Clone, PartialEq)]
struct Compared {
    id: String,
    url: String,
    prompt: String,
    model: String,
    settings: Vec<(String, String)>,
}

#[component]
fn CompareDialog(jobs: LiveJobs, selected: SelectedJobs) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let models = expect_context::<ReadSignal<krea_api::Models>>();
    let items = Memo::new(move |_| {
        let ids = selected
            .selection
            .with(|s| s.to_compare().map(<[String]>::to_vec))
            .unwrap_or_default();
        ids.into_iter()
            .filter_map(|id| {
                let entry = jobs.job(&id)?;
                Some(Compared {
                    url: entry.images().into_iter().next()?,
                    prompt: entry.prompt().to_owned(),
                    model: models.with(|m| entry.model_name(m).to_owned()),
                    settings: request_settings(&entry.request, locale.get()),
                    id,
                })
            })
            .collect::<Vec<_>>()
    });
    let wipe = RwSignal::new(false);
    let position = RwSignal::new(50.0_f64);
    // Krea's link may have died: the copy kept in the browser stands in.
    let fallbacks = use_copy_fallbacks();
    let src = move |item: &Compared| {
        let key = CopyKey::new(&item.id, 0);
        let url = item.url.clone();
        move || fallbacks.src(&key, &url)
    };
    let died = move |item: &Compared| {
        let key = CopyKey::new(&item.id, 0);
        move |_| fallbacks.link_died(key.clone())
    };
    let close = move || selected.comparing.set(false);
    use_keydown(KeyLayer::Dialog, move |ev| {
        if !selected.comparing.get_untracked() || ev.key() != "Escape" {
            return false;
        }
        close();
        true
    });
    let two = move || items.with(Vec::len) == 2;
    let side_by_side = move || {
        items
            .get()
            .into_iter()
            .map(|item| {
                view! {
                    <figure class="compared" data-testid="compared" data-job-id=item.id.clone()>
                        <img
                            src=src(&item)
                            on:error=died(&item)
                            alt=item.prompt.clone()
                            data-testid="compared-image"
                        />
                        <figcaption>
                            <p class="model">{item.model.clone()}</p>
                            <p class="prompt" data-testid="compared-prompt">{item.prompt.clone()}</p>
                            <dl>
                                {item
                                    .settings
                                    .iter()
                                    .map(|(key, value)| view! { <dt>{key.clone()}</dt><dd>{value.clone()}</dd> })
                                    .collect_view()}
                            </dl>
                        </figcaption>
                    </figure>
                }
            })
            .collect_view()
    };
    // Two images in one frame: the first shows left of the line, the second right of it.
    let wiped = move || {
        let items = items.get();
        let (first, second) = (items.first()?.clone(), items.get(1)?.clone());
        Some(view! {
            <div class="wipe" data-testid="wipe">
                <img src=src(&second) on:error=died(&second) alt=second.prompt.clone() />
                <img
                    class="over"
                    data-testid="wipe-over"
                    src=src(&first)
                    on:error=died(&first)
                    alt=first.prompt.clone()
                    style:clip-path=move || format!("inset(0 {}% 0 0)", 100.0 - position.get())
                />
            </div>
            <input
                type="range"
                min="0"
                max="100"
                step="1"
                data-testid="compare-slider"
                aria-label=tr(t, |t| t.wipe_position)
                prop:value=move || position.get().to_string()
                on:input=move |ev| {
                    if let Ok(at) = event_target_value(&ev).parse::<f64>() {
                        position.set(at.clamp(0.0, 100.0));
                    }
                }
            />
        })
    };
    view! {
        <Modal
            class="compare"
            test_id="compare"
            labelled_by="compare-title"
            focus_after=FocusAfter::GiveBack
            on_close=Callback::new(move |()| close())
        >
                <header>
                    <h2 id="compare-title">
                        {move || fill(t.get().compare_title, &[("n", &items.with(Vec::len).to_string())])}
                    </h2>
                    <Show when=two>
                        <button
                            type="button"
                            data-testid="compare-mode"
                            aria-pressed=move || if wipe.get() { "true" } else { "false" }
                            on:click=move |_| wipe.update(|w| *w = !*w)
                        >
                            {move || if wipe.get() { t.get().side_by_side } else { t.get().wipe }}
                        </button>
                    </Show>
                    <button type="button" data-testid="compare-close" on:click=move |_| close()>
                        {tr(t, |t| t.close)}
                    </button>
                </header>
                {move || {
                    if wipe.get() && two() {
                        wiped().into_any()
                    } else {
                        view! {
                            <div class="compared-row" style:--columns=move || items.with(Vec::len).to_string()>
                                {side_by_side}
                            </div>
                        }
                            .into_any()
                    }
                }}
        </Modal>
    }
}
