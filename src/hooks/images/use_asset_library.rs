use crate::api::{ApiError, KreaClient};
use crate::i18n::Texts;
use krea_api::library::Asset;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Your uploads": the caller's assets, newest first, a page at a time, and deleting one.
#[derive(Clone, Copy)]
pub struct AssetLibrary {
    pub assets: RwSignal<Vec<Asset>>,
    /// Older uploads remain to be loaded.
    pub more: RwSignal<bool>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<String>>,
    /// Loads the first page again (when the picker opens), or the next one.
    pub load: Callback<bool>,
    pub delete: Callback<String>,
}

pub fn use_asset_library(client: Memo<KreaClient>, texts: Signal<&'static Texts>) -> AssetLibrary {
    let assets = RwSignal::new(Vec::<Asset>::new());
    let cursor = RwSignal::new(None::<String>);
    let more = RwSignal::new(false);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let words = move |e: ApiError| Some(e.message(texts.get_untracked()));
    let load = Callback::new(move |first: bool| {
        if loading.get_untracked() {
            return;
        }
        let from = if first { None } else { cursor.get_untracked() };
        loading.set(true);
        let client = client.get_untracked();
        spawn_local(async move {
            let page = client.assets(from.as_deref()).await;
            match page {
                Ok(page) => {
                    assets.update(|assets| {
                        if first {
                            assets.clear();
                        }
                        assets.extend(page.items);
                    });
                    more.set(page.next_cursor.is_some());
                    cursor.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(words(e)),
            }
            loading.set(false);
        });
    });
    let delete = Callback::new(move |id: String| {
        let client = client.get_untracked();
        spawn_local(async move {
            match client.delete_asset(&id).await {
                Ok(()) => assets.update(|assets| assets.retain(|asset| asset.id != id)),
                Err(e) => error.set(words(e)),
            }
        });
    });
    AssetLibrary {
        assets,
        more,
        loading,
        error,
        load,
        delete,
    }
}
