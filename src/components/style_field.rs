use crate::form::image_slot::{lines, push_line, remove_line, set_line_extra};
use crate::form::FormState;
use crate::hooks::{tr, use_texts, StyleLibrary};
use crate::i18n::fill;
use krea_api::library::{style_model_name, StyleFilter};
use leptos::prelude::*;

/// A model's `styles`: each chosen style a chip with its strength (−2 to 2) and remove, and
/// a browser over Krea's styles (Krea's, the community's, yours, liked) with thumbnails and
/// the models each fits, instead of typing ids.
#[component]
pub fn StyleField(form: RwSignal<FormState>) -> impl IntoView {
    let t = use_texts();
    let library = expect_context::<StyleLibrary>();
    let browsing = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let model = move || form.with(|f| style_model_name(&f.model_id));
    let text = move || form.with(|f| f.value("styles"));
    let name_of = move |id: &str| {
        library.names.with(|names| {
            names
                .iter()
                .find(|(known, _)| known == id)
                .map_or_else(|| id.to_owned(), |(_, name)| name.clone())
        })
    };
    let chips = move || {
        lines(&text())
            .into_iter()
            .enumerate()
            .map(|(index, line)| {
                let strength = line.extra.clone().unwrap_or_else(|| "1".to_owned());
                let id = line.url.clone();
                view! {
                    <span class="style-chip" data-testid="style-chip" data-style-id=id.clone()>
                        <span class="style-name">{name_of(&id)}</span>
                        <input
                            type="range"
                            data-testid="style-strength"
                            aria-label=tr(t, |t| t.strength)
                            min="-2"
                            max="2"
                            step="0.1"
                            prop:value=strength.clone()
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                form.update(|f| {
                                    let text = f.value("styles");
                                    f.set_value("styles", set_line_extra(&text, index, &value));
                                });
                            }
                        />
                        <output>{strength}</output>
                        <button
                            type="button"
                            data-testid="remove-style"
                            aria-label=tr(t, |t| t.remove_image)
                            on:click=move |_| form.update(|f| {
                                let text = f.value("styles");
                                f.set_value("styles", remove_line(&text, index));
                            })
                        >
                            "×"
                        </button>
                    </span>
                }
            })
            .collect_view()
    };
    let open = move |_| {
        browsing.update(|b| *b = !*b);
        if browsing.get_untracked() {
            library.load.run((true, model()));
        }
    };
    let choose = move |id: String| {
        form.update(|f| {
            let text = f.value("styles");
            if !lines(&text).iter().any(|line| line.url == id) {
                f.set_value("styles", push_line(&text, &id, Some("1")));
            }
        });
    };
    let shown = move || {
        let needle = search.get().to_lowercase();
        library.styles.with(|styles| {
            styles
                .iter()
                .filter(|style| {
                    needle.is_empty()
                        || style.name().to_lowercase().contains(&needle)
                        || style.prompt.to_lowercase().contains(&needle)
                })
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let filter_label = move |filter: StyleFilter| {
        let t = t.get();
        match filter {
            StyleFilter::All => t.style_all,
            StyleFilter::Krea => t.style_krea,
            StyleFilter::Community => t.style_community,
            StyleFilter::Mine => t.style_mine,
            StyleFilter::Liked => t.style_liked,
        }
    };
    view! {
        <div class="style-field">
            <div class="style-chips">{chips}</div>
            <button type="button" data-testid="browse-styles" on:click=open>
                {tr(t, |t| t.browse_styles)}
            </button>
            <Show when=move || browsing.get()>
                <div class="styles-browser" data-testid="styles-browser" role="dialog" aria-label=tr(t, |t| t.browse_styles)>
                    <div class="style-filters" role="tablist">
                        {StyleFilter::ALL
                            .into_iter()
                            .map(|filter| view! {
                                <button
                                    type="button"
                                    role="tab"
                                    data-testid=format!("style-filter-{filter:?}").to_lowercase()
                                    aria-selected=move || (library.filter.get() == filter).to_string()
                                    on:click=move |_| {
                                        library.filter.set(filter);
                                        library.load.run((true, model()));
                                    }
                                >
                                    {move || filter_label(filter)}
                                </button>
                            })
                            .collect_view()}
                    </div>
                    <input
                        type="search"
                        data-testid="style-search"
                        placeholder=tr(t, |t| t.style_search)
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                    <p class="field-error">{move || library.error.get()}</p>
                    <Show when=move || !library.loading.get() && shown().is_empty()>
                        <p class="hint">{tr(t, |t| t.no_styles)}</p>
                    </Show>
                    <ul class="style-grid">
                        <For each=shown key=|style| style.id.clone() let:style>
                            {
                                let id = style.id.clone();
                                let fits = fill(t.get_untracked().style_fits, &[("models", &style.models.join(", "))]);
                                view! {
                                    <li data-testid="style-item" data-style-id=style.id.clone()>
                                        <img src=style.thumbnail().unwrap_or_default().to_owned() alt="" loading="lazy" />
                                        <strong>{style.name().to_owned()}</strong>
                                        <span class="hint">{fits}</span>
                                        <button type="button" data-testid="choose-style" on:click=move |_| choose(id.clone())>
                                            {tr(t, |t| t.use_this)}
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                    <Show when=move || library.more.get()>
                        <button type="button" on:click=move |_| library.load.run((false, model()))>
                            {tr(t, |t| t.load_more)}
                        </button>
                    </Show>
                    <button type="button" data-testid="close-styles" on:click=move |_| browsing.set(false)>
                        {tr(t, |t| t.close)}
                    </button>
                </div>
            </Show>
        </div>
    }
}

crate::lazy_part! { images, preload_styles:
    /// [`StyleField`], loaded with the rest of the images part.
    pub(crate) fn style_field(form: RwSignal<FormState>) -> AnyView {
        view! { <StyleField form /> }.into_any()
    }
}
