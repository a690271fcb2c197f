use crate::form::image_slot::ImageSlot;
use crate::form::FormState;
use crate::hooks::{tr, use_texts, AssetLibrary};
use leptos::prelude::*;

/// "Your uploads": earlier uploads, newest first, a page at a time; one goes into the field,
/// or is deleted from Krea's library.
#[component]
pub fn AssetPicker(
    target: ImageSlot,
    form: RwSignal<FormState>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let t = use_texts();
    let library = expect_context::<AssetLibrary>();
    library.load.run(true);
    let slot = target;
    let name = slot.field.name;
    view! {
        <div class="asset-picker" data-testid="asset-picker" role="dialog" aria-label=tr(t, |t| t.your_uploads)>
            <p class="field-error" data-testid="asset-error">{move || library.error.get()}</p>
            <Show when=move || !library.loading.get() && library.assets.with(Vec::is_empty)>
                <p class="hint">{tr(t, |t| t.no_uploads)}</p>
            </Show>
            <ul class="asset-grid">
                <For each=move || library.assets.get() key=|asset| asset.id.clone() let:asset>
                    {
                        let url = asset.image_url.clone();
                        let id = asset.id.clone();
                        view! {
                            <li data-testid="asset-item">
                                <img src=asset.image_url.clone() alt=asset.description.clone().unwrap_or_default() loading="lazy" />
                                <button
                                    type="button"
                                    data-testid="use-asset"
                                    on:click=move |_| {
                                        form.update(|f| {
                                            let text = f.value(name);
                                            f.set_value(name, slot.add(&text, &url));
                                        });
                                        open.set(false);
                                    }
                                >
                                    {tr(t, |t| t.use_this)}
                                </button>
                                <button type="button" data-testid="delete-asset" on:click=move |_| library.delete.run(id.clone())>
                                    {tr(t, |t| t.delete_upload)}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || library.more.get()>
                <button type="button" data-testid="more-assets" on:click=move |_| library.load.run(false)>
                    {tr(t, |t| t.load_more)}
                </button>
            </Show>
            <button type="button" data-testid="close-assets" on:click=move |_| open.set(false)>
                {tr(t, |t| t.close)}
            </button>
        </div>
    }
}
