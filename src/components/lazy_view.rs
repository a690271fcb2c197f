use crate::hooks::{tr, use_texts};
use crate::lazy::PartMissing;
use leptos::prelude::*;
use std::future::Future;

/// A part of the studio loaded on first use (`crate::lazy`): a quiet placeholder while its
/// module arrives; if it cannot arrive, a line saying so beside a button that tries again.
#[component]
pub fn LazyView<F, Fut>(
    /// Loads the part (at once in builds that are not split) and builds its view.
    load: F,
) -> impl IntoView
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, PartMissing>> + Send + 'static,
{
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
                    match load().await {
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
