use super::JobMarks;
use super::{LazyView, Modal};
use crate::hooks::{
    is_typing, tr, use_copy_fallbacks, use_keydown, use_locale_context, use_texts, Fallback,
    FocusAfter, ImageActions, KeyLayer, LiveJobs, Marks,
};
use crate::i18n::{fill, request_settings};
use crate::jobs::local_copies::CopyKey;
use krea_api::JobStatus;
use leptos::prelude::*;

/// The image large, with its full prompt and settings beside it. Arrow keys move through
/// the results the grid shows; Esc closes.
#[component]
pub fn Lightbox(
    jobs: LiveJobs,
    /// The jobs the grid shows, in its order.
    matching: Memo<Vec<String>>,
    viewing: RwSignal<Option<(String, usize)>>,
) -> impl IntoView {
    // Every image the grid shows, in its order.
    let images = Memo::new(move |_| {
        matching.with(|ids| {
            jobs.with_list(|s| {
                ids.iter()
                    .filter_map(|id| s.get(id))
                    .filter(|e| e.job.status == JobStatus::Completed)
                    .flat_map(|e| (0..e.images().len()).map(|i| (e.id().to_owned(), i)))
                    .collect::<Vec<_>>()
            })
        })
    });
    view! {
        // The viewer's code loads the first time an image is opened.
        <Show when=move || viewing.with(Option::is_some)>
            <LazyView load=move || lightbox_dialog(jobs, images, viewing) />
        </Show>
    }
}

crate::lazy_part! { viewer, preload_viewer:
    pub(crate) fn lightbox_dialog(
        jobs: LiveJobs,
        images: Memo<Vec<(String, usize)>>,
        viewing: RwSignal<Option<(String, usize)>>,
    ) -> AnyView {
        view! { <LightboxDialog jobs images viewing /> }.into_any()
    }
}

#[component]
fn LightboxDialog(
    jobs: LiveJobs,
    images: Memo<Vec<(String, usize)>>,
    viewing: RwSignal<Option<(String, usize)>>,
) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let models = expect_context::<ReadSignal<krea_api::Models>>();
    let position = move || {
        let current = viewing.get()?;
        images.with(|all| all.iter().position(|item| *item == current))
    };
    let step = move |by: isize| {
        let total = images.with(Vec::len) as isize;
        if let (Some(at), true) = (position(), total > 0) {
            let next = (at as isize + by).rem_euclid(total) as usize;
            viewing.set(images.with(|all| all.get(next).cloned()));
        }
    };
    let close = move || viewing.set(None);
    // Taking the image further from here too: the viewer closes on the form or the enhance
    // form it opens.
    let further = use_context::<ImageActions>().map(|more| {
        let id = move || viewing.get_untracked().map(|(id, _)| id);
        view! {
            <div class="lightbox-further">
                <button type="button" data-testid="lightbox-reference" on:click=move |_| {
                    if let Some(id) = id() {
                        close();
                        more.use_as_reference.run((id, None));
                    }
                }>{tr(t, |t| t.use_as_reference)}</button>
                <button type="button" data-testid="lightbox-edit" on:click=move |_| {
                    if let Some(id) = id() {
                        close();
                        more.edit.run(id);
                    }
                }>{tr(t, |t| t.edit_image)}</button>
                <button type="button" data-testid="lightbox-enhance" on:click=move |_| {
                    if let Some(id) = id() {
                        close();
                        more.enhancing.set(Some(id));
                    }
                }>{tr(t, |t| t.enhance_image)}</button>
            </div>
        }
    });
    let marks = use_context::<Marks>();
    use_keydown(KeyLayer::Dialog, move |ev| {
        if viewing.with_untracked(Option::is_none) {
            return false;
        }
        match ev.key().as_str() {
            "Escape" => close(),
            // Letters are the fields' while the person types in one.
            _ if is_typing(ev) => return false,
            "ArrowRight" => step(1),
            "ArrowLeft" => step(-1),
            "f" if !(ev.ctrl_key() || ev.meta_key() || ev.alt_key()) => {
                let (Some(marks), Some((id, _))) = (marks, viewing.get_untracked()) else {
                    return false;
                };
                marks.toggle_star.run(id);
            }
            _ => return false,
        }
        true
    });
    // Krea's link may have died: the copy kept in the browser stands in.
    let fallbacks = use_copy_fallbacks();
    let shown = move || {
        let (id, index) = viewing.get()?;
        let entry = jobs.job(&id)?;
        let url = entry.images().into_iter().nth(index)?;
        Some((entry, index, url))
    };
    view! {
        // Esc puts the focus on the card shown last (culling), not where it was.
        <Modal
            class="lightbox"
            test_id="lightbox"
            label=|t| t.viewer
            focus_after=FocusAfter::Elsewhere
            on_close=Callback::new(move |()| close())
        >
                {move || {
                    shown()
                        .map(|(entry, index, url)| {
                            let key = StoredValue::new(CopyKey::new(entry.id(), index));
                            let settings = request_settings(&entry.request, locale.get());
                            view! {
                                <img
                                    class="large"
                                    data-testid="lightbox-image"
                                    src=move || key.with_value(|key| fallbacks.src(key, &url))
                                    alt=entry.prompt().to_owned()
                                    on:error=move |_| fallbacks.link_died(key.get_value())
                                />
                                <Show when=move || {
                                    matches!(key.with_value(|key| fallbacks.state(key)), Some(Fallback::Local(_)))
                                }>
                                    <p class="job-note local-copy" data-testid="lightbox-local-copy" role="note">
                                        {tr(t, |t| t.local_copy_shown)}
                                    </p>
                                </Show>
                                <aside class="details">
                                    <p class="model">{models.with(|models| entry.model_name(models).to_owned())}</p>
                                    <p class="prompt" data-testid="lightbox-prompt">{entry.prompt().to_owned()}</p>
                                    <JobMarks id=entry.id().to_owned() jobs />
                                    <h2>{tr(t, |t| t.settings_used)}</h2>
                                    <dl>
                                        {settings
                                            .into_iter()
                                            .map(|(key, value)| view! { <dt>{key}</dt><dd>{value}</dd> })
                                            .collect_view()}
                                    </dl>
                                </aside>
                            }
                        })
                }}
                {further}
                <div class="lightbox-nav">
                    <button type="button" data-testid="lightbox-previous" on:click=move |_| step(-1)>
                        {tr(t, |t| t.previous)}
                    </button>
                    <span data-testid="lightbox-position">
                        {move || {
                            let total = images.with(Vec::len).to_string();
                            let at = position().map(|p| p + 1).unwrap_or(0).to_string();
                            fill(t.get().position, &[("n", &at), ("total", &total)])
                        }}
                    </span>
                    <button type="button" data-testid="lightbox-next" on:click=move |_| step(1)>
                        {tr(t, |t| t.next)}
                    </button>
                    <button type="button" data-testid="lightbox-close" on:click=move |_| close()>
                        {tr(t, |t| t.close)}
                    </button>
                </div>
        </Modal>
    }
}
