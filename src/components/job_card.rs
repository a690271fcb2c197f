use super::{JobMarks, NotKeptLine};
use crate::form::image_slot::ImageSlot;
use crate::hooks::{
    tr, use_locale_context, use_texts, ImageActions, JobActions, LiveJobs, SelectedJobs,
};
use crate::hooks::{use_copy_fallbacks, Fallback};
use crate::i18n::{fill, IntlFormat};
use crate::jobs::deadline::deadline_secs;
use crate::jobs::describe::{failure_text, status_label};
use crate::jobs::lineage::Derived;
use crate::jobs::local_copies::CopyKey;
use crate::jobs::pricing::{job_price, price_text};
use crate::jobs::progress::Progress;
use crate::jobs::{JobEntry, Lost};
use krea_api::{JobStatus, Models};
use leptos::prelude::*;

/// One job: its state in words while it runs, with elapsed time against the model's typical
/// time and the preview when Krea offers one; the image when it is done (or "expired" when
/// its link no longer loads); Krea's reason when it failed; and what can be done with it.
#[component]
pub fn JobCard(id: String, jobs: LiveJobs, now: ReadSignal<f64>) -> impl IntoView {
    let t = use_texts();
    let locale = use_locale_context();
    let actions = use_context::<JobActions>();
    let models = expect_context::<ReadSignal<Models>>();
    let entry = Memo::new({
        let id = id.clone();
        move |_| jobs.job(&id)
    });
    let status = move || entry.with(|e| e.as_ref().map(|e| e.job.status.clone()));
    // Images whose link no longer loads: shown from the local copy, or said to be gone.
    let fallbacks = use_copy_fallbacks();
    let id_here = StoredValue::new(id.clone());
    let selected = use_context::<SelectedJobs>();
    let picked = Memo::new(move |_| selected.is_some_and(|s| s.has(&id_here.get_value())));

    let image = move |index: usize, url: String, prompt: String| {
        let open = move |ev: leptos::ev::MouseEvent| {
            // Ctrl/⌘- or Shift-click picks the card instead (as in a file manager).
            let picking = ev.ctrl_key() || ev.meta_key() || ev.shift_key();
            match (picking, selected, actions) {
                (true, Some(selected), _) => selected.pick(&id_here.get_value(), ev.shift_key()),
                (false, _, Some(actions)) => actions.view.run((id_here.get_value(), index)),
                _ => {}
            }
        };
        let key = StoredValue::new(CopyKey::new(&id_here.get_value(), index));
        let shown = move || key.with_value(|key| fallbacks.state(key));
        let src = move || key.with_value(|key| fallbacks.src(key, &url));
        let link_died = move |_| fallbacks.link_died(key.get_value());
        view! {
            <Show
                when=move || shown() != Some(Fallback::Gone)
                fallback=move || {
                    view! {
                        <div class="expired" data-testid="job-expired" role="note">
                            <strong>{tr(t, |t| t.expired)}</strong>
                            <span>{tr(t, |t| t.expired_detail)}</span>
                        </div>
                    }
                }
            >
                <button type="button" class="thumb" on:click=open aria-label=move || t.get().view>
                    <img
                        data-testid="job-image"
                        src=src.clone()
                        alt=prompt.clone()
                        loading="lazy"
                        on:error=link_died
                    />
                </button>
                <Show when=move || matches!(shown(), Some(Fallback::Local(_)))>
                    <p class="job-note local-copy" data-testid="job-local-copy" role="note">
                        {tr(t, |t| t.local_copy_shown)}
                    </p>
                </Show>
            </Show>
        }
    };
    let media = move || {
        let entry = entry.get()?;
        let prompt = entry.prompt().to_owned();
        let urls = entry.images();
        let flagged = entry.unsafe_urls();
        if let Some(lost) = entry.lost {
            let words = move || {
                let t = t.get();
                match lost {
                    Lost::Unknown => t.lost_unknown.to_owned(),
                    Lost::Deadline => {
                        let mins = deadline_secs(&entry.model_id) / 60;
                        fill(t.lost_deadline, &[("mins", &mins.to_string())])
                    }
                }
            };
            return Some(
                view! { <p class="job-error" data-testid="job-lost">{words}</p> }.into_any(),
            );
        }
        Some(match entry.job.status {
            JobStatus::Completed if entry.job.finished_without_image() => view! {
                <div class="job-error no-image" data-testid="job-no-image" role="note">
                    <strong>{tr(t, |t| t.no_image)}</strong>
                    <span>{tr(t, |t| t.no_image_detail)}</span>
                </div>
            }
            .into_any(),
            JobStatus::Completed => {
                let images = urls
                    .into_iter()
                    .enumerate()
                    .map(|(index, url)| image(index, url, prompt.clone()))
                    .collect_view();
                // Never followed: shown as text, so the person sees what Krea (or a file)
                // claimed.
                let flagged = flagged
                    .into_iter()
                    .map(|url| {
                        view! {
                            <p class="job-error" data-testid="unsafe-url">
                                {tr(t, |t| t.unsafe_url)}
                                <code>{url}</code>
                            </p>
                        }
                    })
                    .collect_view();
                view! { {images} {flagged} }.into_any()
            }
            JobStatus::Failed => view! {
                <p class="job-error" data-testid="job-error">
                    {move || failure_text(entry.job.failure_reason().as_deref(), t.get())}
                </p>
            }
            .into_any(),
            JobStatus::Cancelled => {
                view! { <p class="job-note">{tr(t, |t| t.cancelled)}</p> }.into_any()
            }
            _ => match urls.into_iter().next() {
                Some(preview) => view! {
                    <img class="preview" data-testid="job-preview" src=preview alt=tr(t, |t| t.preview) />
                }
                .into_any(),
                None => view! { <div class="spinner" aria-hidden="true"></div> }.into_any(),
            },
        })
    };
    let progress = move || {
        entry.with(|e| {
            let e = e.as_ref().filter(|e| !e.is_settled())?;
            let started = js_sys::Date::parse(&e.job.created_at);
            let elapsed = if started.is_nan() {
                0.0
            } else {
                now.get() - started
            };
            let typical =
                models.with(|models| models.find(&e.model_id).and_then(|m| m.typical_secs));
            Some(Progress::new(elapsed, typical))
        })
    };
    let progress_view = move || {
        progress().map(|p| {
            let t = t.get();
            let words = if p.slow {
                fill(t.slow, &[("secs", &p.elapsed_secs.to_string())])
            } else {
                fill(
                    t.elapsed,
                    &[
                        ("secs", &p.elapsed_secs.to_string()),
                        ("typical", &p.typical_secs.to_string()),
                    ],
                )
            };
            view! {
                <div class="progress" data-testid="job-progress">
                    <div
                        class="bar"
                        role="progressbar"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=p.percent()
                        style:width=format!("{}%", p.percent())
                    ></div>
                    <span class="elapsed" data-testid="job-elapsed">{words}</span>
                </div>
            }
        })
    };
    let price = move || {
        let t = t.get();
        entry.with(|e| {
            e.as_ref().map(|e| match e.job.status {
                JobStatus::Failed | JobStatus::Cancelled => t.not_billed.to_owned(),
                _ => price_text(
                    models.with(|models| job_price(models, &e.model_id, &e.request)),
                    t,
                    &*IntlFormat::of(locale.get()),
                ),
            })
        })
    };
    let when = move || {
        entry.with(|e| {
            let e = e.as_ref()?;
            let date = js_sys::Date::new(&e.job.created_at.as_str().into());
            (!date.get_time().is_nan()).then(|| {
                String::from(date.to_locale_string(locale.get().tag(), &js_sys::Object::new()))
            })
        })
    };
    let image_actions = use_context::<ImageActions>();
    let buttons = move || {
        let (actions, entry) = (actions?, entry.get()?);
        Some(card_buttons(actions, image_actions, &entry, t))
    };
    // "Which model?": the current one takes no image; these do.
    let offer = move || {
        let image_actions = image_actions?;
        let id = id_here.get_value();
        let current = image_actions
            .offering
            .get()
            .filter(|(offered, _)| *offered == id)
            .map(|(_, current)| current);
        current.map(|current| {
            let choices = models.with(|models| {
                krea_api::MODELS
                    .iter()
                    .chain(models.discovered().iter().copied())
                    .filter(|model| ImageSlot::main(model).is_some())
                    .map(|model| (model.id, model.name))
                    .collect::<Vec<_>>()
            });
            view! {
                <div class="reference-offer" data-testid="reference-offer">
                    <p>{move || fill(t.get().no_image_field, &[("model", &current)])}</p>
                    {choices
                        .into_iter()
                        .map(|(model, name)| {
                            let id = id.clone();
                            view! {
                                <button
                                    type="button"
                                    data-testid="reference-model"
                                    data-model=model
                                    on:click=move |_| image_actions.use_as_reference.run((id.clone(), Some(model.to_owned())))
                                >
                                    {name}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
            }
        })
    };
    // Where it came from: "edited from …", a click opens the source.
    let lineage = move || {
        let source = entry.with(|e| e.as_ref().and_then(|e| e.source.clone()))?;
        let known = jobs.job(&source.job_id);
        let label = move || {
            let t = t.get();
            match source.kind {
                Derived::Edited => t.edited_from,
                Derived::Enhanced => t.enhanced_from,
                Derived::Referenced => t.referenced_from,
            }
        };
        let named = match &known {
            Some(source) if !source.prompt().is_empty() => source.prompt().to_owned(),
            Some(source) => source.id().chars().take(8).collect(),
            None => t.get_untracked().source_gone.to_owned(),
        };
        let target = source.job_id.clone();
        Some(view! {
            <p class="lineage" data-testid="job-source" data-source-id=source.job_id.clone()>
                {label}
                " "
                <button
                    type="button"
                    class="link"
                    data-testid="open-source"
                    disabled=known.is_none()
                    on:click=move |_| {
                        if let Some(actions) = actions {
                            actions.view.run((target.clone(), 0));
                        }
                    }
                >
                    {named}
                </button>
            </p>
        })
    };
    // One of a set ("Compare models"): how many, and Compare for the set's images.
    let set = move || {
        let set = entry.with(|e| e.as_ref().and_then(|e| e.set.clone()))?;
        let members = jobs.with_list(|s| s.set_members(&set));
        let with_images: Vec<String> = members
            .iter()
            .filter(|id| {
                jobs.with_list(|s| {
                    s.get(id).is_some_and(|e| {
                        e.job.status == JobStatus::Completed && !e.job.finished_without_image()
                    })
                })
            })
            .take(crate::jobs::selection::COMPARE_MAX)
            .cloned()
            .collect();
        let n = members.len().to_string();
        let compare = selected.filter(|_| with_images.len() >= 2).map(|selected| {
            view! {
                <button
                    type="button"
                    class="link"
                    data-testid="compare-set"
                    on:click=move |_| {
                        selected.selection.update(|s| {
                            s.clear();
                            with_images.iter().for_each(|id| s.toggle(id));
                        });
                        selected.comparing.set(true);
                    }
                >
                    {tr(t, |t| t.compare_set)}
                </button>
            }
        });
        Some(view! {
            <p class="set" data-testid="job-set" data-set=set>
                {move || fill(t.get().set_of, &[("n", &n)])}
                " "
                {compare}
            </p>
        })
    };
    // The image's shape, known from the request before the image loads: the grid's row
    // gives the card room by it.
    let aspect = entry.with_untracked(|e| {
        e.as_ref()
            .map_or(1.0, |e| krea_api::aspect::aspect_of(&e.request))
            .to_string()
    });
    // What a screen reader says when culling moves the focus onto the card.
    let label = move || {
        entry.with(|e| {
            let e = e.as_ref()?;
            let t = t.get();
            let status = if e.job.finished_without_image() {
                t.no_image.to_owned()
            } else {
                status_label(&e.job.status, t)
            };
            let model = models.with(|models| e.model_name(models).to_owned());
            Some(fill(
                t.card_label,
                &[
                    ("status", &status),
                    ("model", &model),
                    ("prompt", e.prompt()),
                ],
            ))
        })
    };
    view! {
        // Focusable, so culling keys (`use_culling_keys`) can move between cards.
        <article
            tabindex="0"
            aria-label=label
            class="job-card"
            class:picked=picked
            data-testid="job-card"
            data-job-id=id.clone()
            style:--aspect=aspect
            data-status=move || status().map(|s| s.to_string())
            data-no-image=move || entry.with(|e| e.as_ref().is_some_and(|e| e.job.finished_without_image()).then_some("true"))
            data-lost=move || entry.with(|e| e.as_ref().and_then(|e| e.lost).map(|_| "true"))
        >
            <input
                type="checkbox"
                class="pick"
                data-testid="select-job"
                aria-label=tr(t, |t| t.select_job)
                prop:checked=picked
                on:click=move |ev| {
                    if let Some(selected) = selected {
                        selected.pick(&id_here.get_value(), ev.shift_key());
                        // A Shift-click on a picked card keeps it picked.
                        event_target::<web_sys::HtmlInputElement>(&ev).set_checked(picked.get_untracked());
                    }
                }
            />
            <div class="media">{media}</div>
            {progress_view}
            <NotKeptLine id=id.clone() />
            <div class="meta">
                <span class="status" data-testid="job-status">
                    {move || entry.with(|e| e.as_ref().map(|e| if e.job.finished_without_image() {
                        t.get().no_image.to_owned()
                    } else {
                        status_label(&e.job.status, t.get())
                    }))}
                </span>
                <span class="model">{move || entry.with(|e| e.as_ref().map(|e| models.with(|models| e.model_name(models).to_owned())))}</span>
                <span class="price" data-testid="job-price">{price}</span>
                <time class="when">{when}</time>
                <JobMarks id=id.clone() jobs />
                <p class="prompt" data-testid="job-prompt">
                    {move || entry.with(|e| e.as_ref().map(|e| e.prompt().to_owned()))}
                </p>
                {lineage}
                {set}
                <div class="actions">{buttons}</div>
                {offer}
                <p class="flash" data-testid="job-flash" aria-live="polite">
                    {move || actions.and_then(|a| a.flash.with(|f| f.get(&id_here.get_value()).cloned()))}
                </p>
                <p class="notice" data-testid="job-notice">
                    {move || entry.with(|e| e.as_ref().and_then(|e| e.notice.clone()))}
                </p>
            </div>
        </article>
    }
}

/// What can be done with a job in its state: stop it while it runs; keep, reuse or share it
/// when it is done; try again when it failed or was cancelled.
fn card_buttons(
    actions: JobActions,
    image_actions: Option<ImageActions>,
    entry: &JobEntry,
    t: Signal<&'static crate::i18n::Texts>,
) -> impl IntoView {
    let id = entry.id().to_owned();
    let button = |label: fn(&crate::i18n::Texts) -> &'static str,
                  test_id: &'static str,
                  run: Box<dyn Fn() + Send + Sync>| {
        view! {
            <button type="button" data-testid=test_id on:click=move |_| run()>
                {move || label(t.get())}
            </button>
        }
    };
    let with_id = |action: Callback<String>| {
        let id = id.clone();
        Box::new(move || action.run(id.clone())) as Box<dyn Fn() + Send + Sync>
    };
    let copy = |text: String| {
        let id = id.clone();
        Box::new(move || actions.copy.run((id.clone(), text.clone())))
            as Box<dyn Fn() + Send + Sync>
    };
    let seed = entry.request.get("seed").map(|seed| seed.to_string());
    let prompt = entry.prompt().to_owned();
    // Copying is a step away: the card keeps its few main actions in sight.
    let copy_menu = |items: Vec<AnyView>| {
        view! {
            <details class="copy-menu">
                <summary data-testid="copy-menu">{tr(t, |t| t.copy_menu)}</summary>
                <div class="copy-items">{items}</div>
            </details>
        }
    };
    if entry.lost.is_some() {
        return view! {
            {button(|t| t.check_again, "check-again", with_id(actions.check_again))}
            {button(|t| t.remove, "remove-job", with_id(actions.remove))}
        }
        .into_any();
    }
    match entry.job.status {
        JobStatus::Completed if !entry.job.finished_without_image() => {
            let url = entry.images().into_iter().next().unwrap_or_default();
            let download = {
                let id = id.clone();
                Box::new(move || actions.download.run((id.clone(), 0)))
                    as Box<dyn Fn() + Send + Sync>
            };
            let mut copies = vec![
                button(|t| t.copy_url, "copy-url", copy(url)).into_any(),
                button(|t| t.copy_prompt, "copy-prompt", copy(prompt)).into_any(),
            ];
            if let Some(seed) = seed {
                copies.push(button(|t| t.copy_seed, "copy-seed", copy(seed)).into_any());
            }
            let choose = actions.choose.map(|choose| {
                let id = id.clone();
                button(
                    |t| t.use_image,
                    "use-image",
                    Box::new(move || choose.run((id.clone(), 0))),
                )
            });
            // Taking the image further: into a reference field, an edit, or an enhance.
            let further = image_actions.map(|more| {
                let (a, b, c) = (id.clone(), id.clone(), id.clone());
                view! {
                    {button(|t| t.use_as_reference, "use-as-reference", Box::new(move || more.use_as_reference.run((a.clone(), None))))}
                    {button(|t| t.edit_image, "edit-job", Box::new(move || more.edit.run(b.clone())))}
                    {button(|t| t.enhance_image, "enhance-job", Box::new(move || more.enhancing.set(Some(c.clone()))))}
                }
            });
            view! {
                {choose}
                {further}
                {button(|t| t.download, "download-job", download)}
                {button(|t| t.reuse, "reuse-job", with_id(actions.reuse))}
                {button(|t| t.vary_seed, "vary-job", with_id(actions.vary_seed))}
                {button(|t| t.remove, "remove-job", with_id(actions.remove))}
                {copy_menu(copies)}
            }
            .into_any()
        }
        // Nothing came of it (failed, cancelled, or finished without an image): try again.
        JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled => view! {
            {button(|t| t.retry, "retry-job", with_id(actions.retry))}
            {button(|t| t.reuse, "reuse-job", with_id(actions.reuse))}
            {button(|t| t.remove, "remove-job", with_id(actions.remove))}
            {copy_menu(vec![button(|t| t.copy_prompt, "copy-prompt", copy(prompt)).into_any()])}
        }
        .into_any(),
        _ => button(|t| t.cancel, "cancel-job", with_id(actions.cancel)).into_any(),
    }
}
