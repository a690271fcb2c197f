use crate::hooks::{tr, use_texts};
use crate::lazy::PartMissing;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type Loading = Pin<Box<dyn Future<Output = Result<AnyView, PartMissing>> + Send>>;

/// Loads a part and builds its view. Boxed, so that [`LazyView`] is compiled once, not once
/// per part.
#[derive(Clone)]
pub struct PartLoader(Arc<dyn Fn() -> Loading + Send + Sync>);

impl<F, Fut> From<F> for PartLoader
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, PartMissing>> + Send + 'static,
{
    fn from(load: F) -> Self {
        PartLoader(Arc::new(move || Box::pin(load())))
    }
}

/// A part of the studio loaded on first use (`crate::lazy`): a quiet placeholder while its
/// module arrives; if it cannot arrive, a line saying so beside a button that tries again.
#[component]
pub fn LazyView(
    /// Loads the part (at once in builds that are not split) and builds its view.
    #[prop(into)]
    load: PartLoader,
) -> impl IntoView {
    let t = use_texts();
    let attempt = RwSignal::new(0_u32);
    let fallback = move || {
        view! {
            <p class="part-loading" data-testid="part-loading" aria-busy="true">
                {tr(t, |t| t.loading)}
            </p>
        }
    };
    view! {
        <Suspense fallback>
            {move || {
                attempt.track();
                let load = load.clone();
                Suspend::new(async move {
                    match (load.0)().await {
                        Ok(part) => part,
                        Err(PartMissing) => {
                            view! {
                                <p class="part-missing" role="alert" data-testid="part-missing">
                                    {tr(t, |t| t.part_missing)}
                                    " "
                                    <button
                                        type="button"
                                        on:click=move |_| attempt.update(|n| *n += 1)
                                    >
                                        {tr(t, |t| t.retry)}
                                    </button>
                                </p>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

/// True from the first time `wanted` holds: a part, once shown, stays built (and keeps its
/// state) when it is hidden again.
pub fn first_used(wanted: impl Fn() -> bool + Send + Sync + 'static) -> Memo<bool> {
    Memo::new(move |was: Option<&bool>| was == Some(&true) || wanted())
}
