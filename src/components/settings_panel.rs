use super::{LazyView, LocalCopiesSettings, ProxyUsageSection};
use crate::api::KreaClient;
use crate::hooks::{tr, use_keydown, use_locale_context, use_texts, KeyLayer, StorageStatus};
use crate::i18n::Locale;
use crate::i18n::{fill, Formatter, IntlFormat};
use crate::jobs::spending::parse_budget;
use crate::jobs::transport::Transport;
use crate::settings::{normalize_proxy_url, parse_poll_interval, Settings, Theme};
use leptos::prelude::*;

/// Where the proxy is and how the studio behaves. A value that cannot be used is refused
/// next to its field, and the saved one stays; theme and language apply at once.
#[component]
pub fn SettingsPanel(
    settings: RwSignal<Settings>,
    access_key: RwSignal<String>,
    /// Where the history lives, to say how much room it takes.
    storage: RwSignal<StorageStatus>,
    /// How job updates reach this tab.
    transport: Signal<Transport>,
    /// The proxy, asked what this caller spent there.
    client: Memo<KreaClient>,
) -> impl IntoView {
    let t = use_texts();
    let panel = NodeRef::<leptos::html::Details>::new();
    // Esc folds the panel away, as it closes every dialog here.
    use_keydown(KeyLayer::Panel, move |ev| {
        let Some(panel) = panel.get_untracked().filter(|p| p.open()) else {
            return false;
        };
        if ev.key() != "Escape" {
            return false;
        }
        panel.set_open(false);
        true
    });
    let opened = RwSignal::new(false);
    // Each opening asks the proxy's usage again: jobs were made since.
    let openings = RwSignal::new(0u32);
    view! {
        <details
            class="settings"
            data-testid="settings"
            node_ref=panel
            on:toggle=move |_| {
                opened.set(true);
                if panel.get_untracked().is_some_and(|p| p.open()) {
                    openings.update(|n| *n += 1);
                }
            }
        >
            <summary>{tr(t, |t| t.settings)}</summary>
            // Its fields load the first time it opens.
            <Show when=move || opened.get()>
                <LazyView load=move || settings_body(settings, access_key, storage, transport, client, openings) />
            </Show>
        </details>
    }
}

crate::lazy_part! { settings, preload_settings:
/// The panel's fields, what the history takes and how updates arrive.
pub(crate) fn settings_body(
    settings: RwSignal<Settings>,
    access_key: RwSignal<String>,
    storage: RwSignal<StorageStatus>,
    transport: Signal<Transport>,
    client: Memo<KreaClient>,
    openings: RwSignal<u32>,
) -> AnyView {
    let t = use_texts();
    let url_draft =
        RwSignal::new(settings.with_untracked(|s| s.proxy_url.clone().unwrap_or_default()));
    let key_draft = RwSignal::new(access_key.get_untracked());
    let poll_draft = RwSignal::new(settings.with_untracked(|s| s.poll_interval_secs.to_string()));
    let budget_draft = RwSignal::new(settings.with_untracked(|s| {
        s.monthly_budget_usd
            .map(|usd| usd.to_string())
            .unwrap_or_default()
    }));
    let budget_error = RwSignal::new(false);
    let url_error = RwSignal::new(None::<&'static str>);
    let poll_error = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let locale = use_locale_context();
    let usage = move || {
        let t = t.get();
        storage.with(|s| {
            let (used, quota) = s.usage?;
            let format = IntlFormat::of(locale.get());
            let megabytes = |bytes: f64| format.number((bytes / 1e5).round() / 10.0);
            let kept = if s.persisted {
                t.storage_persisted
            } else {
                t.storage_evictable
            };
            let usage = fill(
                t.storage_usage,
                &[("used", &megabytes(used)), ("quota", &megabytes(quota))],
            );
            Some(format!("{usage} · {kept}"))
        })
    };
    let save = move |_| {
        let t = t.get_untracked();
        let url = normalize_proxy_url(&url_draft.get_untracked());
        let poll = parse_poll_interval(&poll_draft.get_untracked());
        url_error.set(url.as_ref().err().map(|e| e.message(t)));
        poll_error.set(poll.is_none());
        let budget = parse_budget(&budget_draft.get_untracked());
        budget_error.set(budget.is_err());
        if let (Ok(url), Some(poll), Ok(budget)) = (url, poll, budget) {
            settings.update(|s| {
                s.proxy_url = url;
                s.poll_interval_secs = poll;
                s.monthly_budget_usd = budget;
            });
            access_key.set(key_draft.get_untracked().trim().to_owned());
            saved.set(true);
        } else {
            saved.set(false);
        }
    };
    view! {
            <div class="settings-body">
                <label for="proxy-url">{tr(t, |t| t.proxy_url)}</label>
                <input
                    id="proxy-url"
                    data-testid="proxy-url"
                    type="url"
                    placeholder=tr(t, |t| t.this_site)
                    prop:value=move || url_draft.get()
                    on:input=move |ev| url_draft.set(event_target_value(&ev))
                />
                <p class="field-error" data-testid="settings-error" role="alert">
                    {move || url_error.get()}
                </p>
                <p class="note">{tr(t, |t| t.proxy_warning)}</p>

                <label for="access-key">{tr(t, |t| t.access_key)}</label>
                <input
                    id="access-key"
                    data-testid="access-key"
                    type="password"
                    autocomplete="off"
                    prop:value=move || key_draft.get()
                    on:input=move |ev| key_draft.set(event_target_value(&ev))
                />
                <p class="note">{tr(t, |t| t.access_key_note)}</p>

                <label for="poll-interval">{tr(t, |t| t.poll_interval)}</label>
                <input
                    id="poll-interval"
                    data-testid="poll-interval"
                    type="number"
                    min="2"
                    max="10"
                    prop:value=move || poll_draft.get()
                    on:input=move |ev| poll_draft.set(event_target_value(&ev))
                />
                <p class="field-error" data-testid="poll-error" role="alert">
                    {move || poll_error.get().then(|| t.get().poll_range)}
                </p>

                <label for="monthly-budget">{tr(t, |t| t.monthly_budget)}</label>
                <input
                    id="monthly-budget"
                    data-testid="monthly-budget"
                    type="text"
                    inputmode="decimal"
                    prop:value=move || budget_draft.get()
                    on:input=move |ev| budget_draft.set(event_target_value(&ev))
                />
                <p class="field-error" data-testid="budget-error" role="alert">
                    {move || budget_error.get().then(|| t.get().budget_invalid)}
                </p>

                <button type="button" data-testid="save-settings" on:click=save>
                    {tr(t, |t| t.save)}
                </button>
                <span class="saved" data-testid="settings-saved" aria-live="polite">
                    {move || saved.get().then(|| t.get().saved)}
                </span>

                <label for="theme">{tr(t, |t| t.theme)}</label>
                <select
                    id="theme"
                    data-testid="theme"
                    prop:value=move || settings.with(|s| s.theme.key())
                    on:change=move |ev| {
                        let theme = Theme::from_key(&event_target_value(&ev));
                        settings.update(|s| s.theme = theme);
                    }
                >
                    {Theme::ALL
                        .into_iter()
                        .map(|theme| {
                            view! {
                                <option value=theme.key()>
                                    {move || {
                                        let t = t.get();
                                        match theme {
                                            Theme::System => t.theme_system,
                                            Theme::Light => t.theme_light,
                                            Theme::Dark => t.theme_dark,
                                        }
                                    }}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>

                <label for="language">{tr(t, |t| t.language)}</label>
                <select
                    id="language"
                    data-testid="language"
                    prop:value=move || settings.with(|s| s.language.map(Locale::tag).unwrap_or_default())
                    on:change=move |ev| {
                        let language = Locale::from_tag(&event_target_value(&ev));
                        settings.update(|s| s.language = language);
                    }
                >
                    <option value="">{tr(t, |t| t.language_auto)}</option>
                    {Locale::ALL
                        .into_iter()
                        .map(|locale| view! { <option value=locale.tag()>{locale.native_name()}</option> })
                        .collect_view()}
                </select>
                <LocalCopiesSettings settings />
            </div>
            <p class="hint" data-testid="storage-usage">{usage}</p>
            <p class="hint" data-testid="transport">{move || transport.get().words(t.get())}</p>
            <ProxyUsageSection client openings />
    }
    .into_any()
}
}
