use super::Studio;
use crate::embed::{Command, EmbedOptions, OptionError};
use crate::hooks::{tr, use_embed_allowed, use_locale, use_settings, use_texts, EmbedHost};
use crate::settings::{proxy_base, RuntimeConfig, Settings};
use crate::storage_scope::StorageScope;
use crate::studio_root::StudioRoot;
use leptos::prelude::*;

/// The embed page: the studio, in its compact layout, once the proxy it will use lists the
/// embedding page's site (`GET /embedders`). A page it does not list gets a short note and
/// no messages: otherwise any site could frame the studio and spend through its proxy.
#[component]
pub fn EmbedGate(
    config: RuntimeConfig,
    options: Result<EmbedOptions, OptionError>,
    /// Inline mode: the host page's element, and the queue its commands arrive in.
    #[prop(optional)]
    inline: Option<(web_sys::HtmlElement, ArcRwSignal<Vec<Command>>)>,
) -> impl IntoView {
    expect_context::<StudioRoot>().set_attribute("data-embed", Some(""));
    provide_context(match &options {
        Ok(options) => StorageScope::embedded(&options.instance),
        Err(_) => StorageScope::studio(),
    });
    // Words before the studio's own settings exist: the host's language, else the browser's.
    let settings = use_settings();
    if let Ok(options) = &options {
        let language = options.locale;
        settings.update(|s| s.language = language);
    }
    use_locale(settings);
    let t = use_texts();
    let options = match options {
        Ok(options) => options,
        Err(error) => {
            leptos::logging::error!("{error}");
            return view! {
                <p class="embed-note" data-testid="embed-error" role="alert">
                    {tr(t, |t| t.embed_misconfigured)} " " <code>{error.to_string()}</code>
                </p>
            }
            .into_any();
        }
    };
    let proxy = options
        .proxy
        .clone()
        .unwrap_or_else(|| proxy_base(&config, &Settings::default()));
    let allowed = use_embed_allowed(proxy, options.parent.clone());
    let host = match inline {
        Some((element, inbox)) => EmbedHost::inline(options, element, inbox),
        None => EmbedHost::in_frame(options),
    };
    (move || match allowed.get() {
        None => view! { <p class="loading">{tr(t, |t| t.loading)}</p> }.into_any(),
        Some(false) => view! {
            <p class="embed-note" data-testid="embed-refused" role="alert">{tr(t, |t| t.embed_refused)}</p>
        }
        .into_any(),
        Some(true) => view! { <Studio config=config.clone() embed=host /> }.into_any(),
    })
    .into_any()
}
