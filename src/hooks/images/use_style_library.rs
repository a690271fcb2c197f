use crate::api::KreaClient;
use crate::i18n::Texts;
use krea_api::library::{Style, StyleFilter};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Krea's styles for the browser: a filter, the model they should fit, a page at a time;
/// and every style seen so far, so a chosen style's chip can say its name.
#[derive(Clone, Copy)]
pub struct StyleLibrary {
    pub styles: RwSignal<Vec<Style>>,
    pub filter: RwSignal<StyleFilter>,
    pub more: RwSignal<bool>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// Loads the first page for the filter and model (Krea's model name), or the next one.
    pub load: Callback<(bool, Option<&'static str>)>,
    /// Names of styles seen, by id.
    pub names: RwSignal<Vec<(String, String)>>,
}

pub fn use_style_library(client: Memo<KreaClient>, texts: Signal<&'static Texts>) -> StyleLibrary {
    let styles = RwSignal::new(Vec::<Style>::new());
    let filter = RwSignal::new(StyleFilter::All);
    let cursor = RwSignal::new(None::<String>);
    let more = RwSignal::new(false);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let names = RwSignal::new(Vec::<(String, String)>::new());
    let load = Callback::new(move |(first, model): (bool, Option<&'static str>)| {
        let from = if first { None } else { cursor.get_untracked() };
        let asked = filter.get_untracked();
        loading.set(true);
        let client = client.get_untracked();
        spawn_local(async move {
            let page = client.styles(asked, model, from.as_deref()).await;
            // A page for a filter no longer chosen is dropped.
            if asked != filter.get_untracked() {
                return;
            }
            match page {
                Ok(page) => {
                    names.update(|names| {
                        for style in &page.items {
                            if !names.iter().any(|(id, _)| id == &style.id) {
                                names.push((style.id.clone(), style.name().to_owned()));
                            }
                        }
                    });
                    styles.update(|styles| {
                        if first {
                            styles.clear();
                        }
                        styles.extend(page.items);
                    });
                    more.set(page.next_cursor.is_some());
                    cursor.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e.message(texts.get_untracked()))),
            }
            loading.set(false);
        });
    });
    StyleLibrary {
        styles,
        filter,
        more,
        loading,
        error,
        load,
        names,
    }
}
