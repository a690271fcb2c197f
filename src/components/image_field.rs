use super::AssetPicker;
use crate::form::image_slot::{lines, ImageSlot};
use crate::form::upload_check::ACCEPT;
use crate::form::FormState;
use crate::hooks::{tr, use_texts, Uploads};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// An image field's files: drop, paste or choose images (the camera roll on a phone), each
/// shown at once with its upload's progress, its strength or tag where the field has one,
/// and remove; a refused file says why right here, a failed upload offers to try again.
/// "Your uploads" reuses an earlier one. The field's text input stays for pasting a URL.
#[component]
pub fn ImageField(target: ImageSlot, form: RwSignal<FormState>) -> impl IntoView {
    let t = use_texts();
    let uploads = expect_context::<Uploads>();
    let slot = target;
    let name = slot.field.name;
    let picking = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    let text = move || form.with(|f| f.value(name));
    let files_of = |list: Option<web_sys::FileList>| -> Vec<web_sys::File> {
        list.map(|list| (0..list.length()).filter_map(|at| list.get(at)).collect())
            .unwrap_or_default()
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let files = files_of(ev.data_transfer().and_then(|data| data.files()));
        if !files.is_empty() {
            uploads.add.run((slot, files));
        }
    };
    let on_choose = move |ev: web_sys::Event| {
        let Some(input) = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let files = files_of(input.files());
        input.set_value("");
        if !files.is_empty() {
            uploads.add.run((slot, files));
        }
    };
    let chosen = move || {
        lines(&text())
            .into_iter()
            .enumerate()
            .map(|(index, line)| {
                let extra = slot.extra.map(|extra| {
                    let value = line.extra.clone().unwrap_or_default();
                    let label = extra.name;
                    view! {
                        <input
                            class="image-extra"
                            data-testid=format!("image-extra-{name}")
                            aria-label=label
                            type="text"
                            inputmode=if matches!(extra.kind, krea_api::FieldKind::Number { .. }) { "decimal" } else { "text" }
                            prop:value=value
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                form.update(|f| {
                                    let text = f.value(name);
                                    f.set_value(name, slot.set_extra(&text, index, &value));
                                });
                            }
                        />
                    }
                });
                view! {
                    <figure class="image-thumb" data-testid="image-thumb">
                        <img src=line.url.clone() alt="" loading="lazy" />
                        {extra}
                        <button
                            type="button"
                            data-testid="remove-image"
                            aria-label=tr(t, |t| t.remove_image)
                            on:click=move |_| form.update(|f| {
                                let text = f.value(name);
                                f.set_value(name, slot.remove(&text, index));
                            })
                        >
                            "×"
                        </button>
                    </figure>
                }
            })
            .collect_view()
    };
    let items = move || {
        uploads.items.with(|items| {
            items
                .iter()
                .filter(|item| item.field == name)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div
            class="image-field"
            class:dragging=move || dragging.get()
            data-testid=format!("drop-{name}")
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="image-thumbs">
                {chosen}
                <For each=items key=|item| (item.key, item.error.clone()) let:item>
                    <figure
                        class="image-thumb upload"
                        data-testid="upload-item"
                        data-state=if item.error.is_some() { "failed" } else { "uploading" }
                    >
                        <img src=item.preview.clone() alt=item.name.clone() />
                        {match item.error.clone() {
                            None => view! {
                                <progress
                                    data-testid="upload-progress"
                                    max="1"
                                    value=move || {
                                        uploads.items.with(|items| {
                                            items.iter().find(|i| i.key == item.key).map_or(0.0, |i| i.progress)
                                        })
                                    }
                                ></progress>
                            }.into_any(),
                            Some(error) => view! {
                                <p class="field-error" data-testid="upload-error">{error}</p>
                                {item.retryable.then(|| view! {
                                    <button type="button" data-testid="retry-upload" on:click=move |_| uploads.retry.run(item.key)>
                                        {tr(t, |t| t.upload_retry)}
                                    </button>
                                })}
                            }.into_any(),
                        }}
                        <button
                            type="button"
                            data-testid="remove-upload"
                            aria-label=tr(t, |t| t.remove_image)
                            on:click=move |_| uploads.remove.run(item.key)
                        >
                            "×"
                        </button>
                    </figure>
                </For>
            </div>
            <div class="image-actions">
                <label class="choose-files">
                    <span>{tr(t, |t| t.choose_files)}</span>
                    <input
                        type="file"
                        data-testid=format!("file-{name}")
                        accept=ACCEPT
                        multiple=slot.many
                        on:change=on_choose
                    />
                </label>
                <button type="button" data-testid=format!("your-uploads-{name}") on:click=move |_| picking.update(|p| *p = !*p)>
                    {tr(t, |t| t.your_uploads)}
                </button>
                <span class="hint">{tr(t, |t| t.drop_images)}</span>
            </div>
            <Show when=move || picking.get()>
                <AssetPicker target=slot form open=picking />
            </Show>
        </div>
    }
}

crate::lazy_part! { images, preload_images:
    /// [`ImageField`], loaded with the rest of the images part.
    pub(crate) fn image_field(target: ImageSlot, form: RwSignal<FormState>) -> AnyView {
        view! { <ImageField target form /> }.into_any()
    }
}
