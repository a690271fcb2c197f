use crate::settings::{normalize_proxy_url, Settings};
use leptos::prelude::*;

/// Where the proxy is. Invalid URLs are refused with the reason, and the saved one stays.
#[component]
pub fn SettingsPanel(settings: RwSignal<Settings>) -> impl IntoView {
    let draft = RwSignal::new(settings.with_untracked(|s| s.proxy_url.clone().unwrap_or_default()));
    let (error, set_error) = signal(None::<String>);
    let save = move |_| match normalize_proxy_url(&draft.get_untracked()) {
        Ok(url) => {
            set_error.set(None);
            settings.update(|s| s.proxy_url = url);
        }
        Err(message) => set_error.set(Some(message)),
    };
    view! {
        <details class="settings" data-testid="settings">
            <summary>"Settings"</summary>
            <label for="proxy-url">"Proxy URL"</label>
            <input
                id="proxy-url"
                data-testid="proxy-url"
                type="url"
                placeholder="This site"
                prop:value=move || draft.get()
                on:input=move |ev| draft.set(event_target_value(&ev))
            />
            <button type="button" data-testid="save-settings" on:click=save>"Save"</button>
            <p class="field-error" data-testid="settings-error" role="alert">{move || error.get()}</p>
            <p class="note">
                "Anyone who has this URL can spend your Krea balance: keep it private, or protect the proxy with an access key."
            </p>
        </details>
    }
}
