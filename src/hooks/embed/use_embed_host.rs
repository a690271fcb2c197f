//! The page that embeds this studio (`/embed/`): events go to it, commands come from it,
//! and only between this frame and that page's origin, never `"*"`.

use crate::embed::contract::CAPABILITIES;
use crate::embed::{options, AutoHeight, Command, EmbedOptions, Event, OptionError};
use crate::form::FormState;
use crate::hooks::LiveJobs;
use crate::jobs::transitions::{Transition, Transitions};
use crate::settings::Settings;
use crate::studio_root::StudioRoot;
use krea_api::{JobStatus, Models};
use leptos::ev;
use leptos::prelude::*;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Whether the studio runs embedded, and in which page: provided to every view.
#[derive(Clone, Copy)]
pub struct EmbedMode(pub Option<EmbedHost>);

/// The embedding page of this instance.
#[derive(Clone, Copy)]
pub struct EmbedHost {
    options: StoredValue<EmbedOptions>,
    channel: StoredValue<HostChannel, LocalStorage>,
}

/// How events reach the host page and commands come from it.
enum HostChannel {
    /// In a frame: `postMessage` to the parent page, at its origin only.
    Frame,
    /// Inline: DOM events on the host's element; commands are queued here by
    /// [`crate::inline::InlineStudio`].
    Element {
        element: web_sys::HtmlElement,
        inbox: ArcRwSignal<Vec<Command>>,
    },
}

/// What the studio is asked to be when this page is its embed page (`…/embed/`), from the
/// fragment `embed.js` wrote; `None` for the studio's own page.
pub fn embed_request() -> Option<Result<EmbedOptions, OptionError>> {
    let location = gloo_utils::window().location();
    let path = location.pathname().ok()?;
    if !(path.ends_with("/embed/") || path.ends_with("/embed/index.html")) {
        return None;
    }
    let fragment = location.hash().unwrap_or_default();
    // As `URLSearchParams` wrote it: `+` for a space, the rest percent-encoded.
    let decode = |part: &str| {
        js_sys::decode_uri_component(&part.replace('+', " "))
            .map(String::from)
            .unwrap_or_default()
    };
    let pairs: Vec<(String, String)> = fragment
        .trim_start_matches('#')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect();
    Some(EmbedOptions::from_pairs(
        pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    ))
}

/// Posts `event` to the embedding page, if it is `parent_origin` (the browser drops the
/// message otherwise).
fn post_to_parent(parent_origin: &str, instance: &str, event: &Event) {
    let window = gloo_utils::window();
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    let message = event.envelope(instance);
    let Ok(value) = message.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) else {
        return;
    };
    let _ = parent.post_message(&value, parent_origin);
}

impl EmbedHost {
    /// The studio in a frame of the page at `options.parent`.
    pub fn in_frame(options: EmbedOptions) -> EmbedHost {
        EmbedHost {
            options: StoredValue::new(options),
            channel: StoredValue::new_local(HostChannel::Frame),
        }
    }

    /// The studio inside `element` of the host page itself.
    pub fn inline(
        options: EmbedOptions,
        element: web_sys::HtmlElement,
        inbox: ArcRwSignal<Vec<Command>>,
    ) -> EmbedHost {
        EmbedHost {
            options: StoredValue::new(options),
            channel: StoredValue::new_local(HostChannel::Element { element, inbox }),
        }
    }

    fn in_a_frame(&self) -> bool {
        self.channel.with_value(|t| matches!(t, HostChannel::Frame))
    }

    pub fn with_options<T>(&self, read: impl FnOnce(&EmbedOptions) -> T) -> T {
        self.options.with_value(read)
    }

    pub fn post(&self, event: &Event) {
        self.channel.with_value(|channel| match channel {
            HostChannel::Frame => self
                .options
                .with_value(|o| post_to_parent(&o.parent, &o.instance, event)),
            HostChannel::Element { element, .. } => dispatch(element, event),
        });
    }

    /// Whether the host offers `model_id` (every model when it named none).
    pub fn offers(&self, model_id: &str) -> bool {
        self.with_options(|o| o.models.is_empty() || o.models.iter().any(|m| m == model_id))
    }
}

/// What the embedding page may change, and what it hears about.
pub struct EmbedWiring {
    pub settings: RwSignal<Settings>,
    pub form: RwSignal<FormState>,
    pub models: ReadSignal<Models>,
    pub jobs: LiveJobs,
    /// The saved history is read (what it holds is not news).
    pub loaded: Signal<bool>,
    /// The history lives in memory only: nothing is kept past this page.
    pub storage_unavailable: Signal<bool>,
}

/// Wires the studio to its embedding page for as long as the owner lives: the host's theme,
/// language and models first, then commands in, and `ready`, `resize`, job events and
/// warnings out.
pub fn use_embed_host(host: EmbedHost, wiring: EmbedWiring) {
    let EmbedWiring {
        settings,
        form,
        models,
        jobs,
        loaded,
        storage_unavailable,
    } = wiring;
    let root = expect_context::<StudioRoot>();
    host.with_options(|o| {
        settings.update(|s| {
            s.theme = o.theme;
            s.language = o.locale;
            // The host names the proxy; none typed into a full studio here applies.
            s.proxy_url = None;
        });
        for (property, value) in &o.style {
            root.set_style(property, value);
        }
        if let Some(first) = o.models.first() {
            if !host.offers(&form.with_untracked(|f| f.model_id.clone())) {
                models.with_untracked(|m| form.update(|f| f.switch_to(m, first)));
            }
        }
    });

    if host.in_a_frame() {
        listen_to_parent(host, settings, form, models);
        use_content_height(move |height| host.post(&Event::Resize { height }));
    } else {
        // Inline: what `InlineStudio::command` queued, in order.
        let inbox = host.channel.with_value(|t| match t {
            HostChannel::Element { inbox, .. } => Some(inbox.clone()),
            HostChannel::Frame => None,
        });
        if let Some(inbox) = inbox {
            Effect::new(move |_| {
                if inbox.with(Vec::is_empty) {
                    return;
                }
                let queued = std::mem::take(&mut *inbox.write_untracked());
                for command in queued {
                    obey(host, command, settings, form, models);
                }
            });
        }
    }

    // Jobs that start and end here, once the saved history is in.
    let mut seen = Transitions::default();
    Effect::new(move |_| {
        if !loaded.get() {
            return;
        }
        let news: Vec<Event> = jobs.with_list(|s| {
            seen.observe(s.entries())
                .into_iter()
                .map(|(change, entry)| job_event(change, entry))
                .collect()
        });
        for event in &news {
            host.post(event);
        }
    });

    // `ready` once the history is in, then whether anything will be kept.
    Effect::new(move |said: Option<bool>| {
        if said == Some(true) || !loaded.get() {
            return said.unwrap_or(false);
        }
        host.post(&Event::Ready {
            version: env!("CARGO_PKG_VERSION"),
            capabilities: CAPABILITIES,
        });
        if storage_unavailable.get_untracked() {
            host.post(&Event::Warning {
                code: "storage_unavailable",
            });
        }
        true
    });
}

/// Commands from the parent window, at the parent origin, for this instance; nothing else.
fn listen_to_parent(
    host: EmbedHost,
    settings: RwSignal<Settings>,
    form: RwSignal<FormState>,
    models: ReadSignal<Models>,
) {
    let parent = host.with_options(|o| o.parent.clone());
    let listener = window_event_listener(ev::message, move |event: web_sys::MessageEvent| {
        let window = gloo_utils::window();
        let from_parent = match (event.source(), window.parent()) {
            (Some(source), Ok(Some(parent_window))) => {
                JsValue::from(source) == JsValue::from(parent_window)
            }
            _ => false,
        };
        if !from_parent || event.origin() != parent {
            return;
        }
        let Ok(message) = crate::js_json::read::<serde_json::Value>(&event.data()) else {
            return;
        };
        let Some(command) = host.with_options(|o| Command::read(&message, &o.instance)) else {
            return;
        };
        obey(host, command, settings, form, models);
    });
    on_cleanup(move || listener.remove());
}

fn obey(
    host: EmbedHost,
    command: Command,
    settings: RwSignal<Settings>,
    form: RwSignal<FormState>,
    models: ReadSignal<Models>,
) {
    let refuse = |error: OptionError| {
        host.post(&Event::Error {
            code: "bad_command",
            message: error.to_string(),
        })
    };
    match command {
        Command::SetTheme { theme } => match options::theme(&theme) {
            Ok(theme) => settings.update(|s| s.theme = theme),
            Err(error) => refuse(error),
        },
        Command::SetLocale { locale } => match options::locale(&locale) {
            Ok(locale) => settings.update(|s| s.language = locale),
            Err(error) => refuse(error),
        },
        Command::Prefill { prompt, model } => {
            if let Some(model) = model.filter(|m| host.offers(m)) {
                models.with_untracked(|m| form.update(|f| f.switch_to(m, &model)));
            }
            if let Some(prompt) = prompt {
                form.update(|f| f.prompt = prompt);
            }
        }
        Command::Reset => {
            let model = form.with_untracked(|f| f.model_id.clone());
            form.set(FormState::new(&model));
        }
    }
}

/// Inline: the event as a DOM event on the host's element (`krea:job:completed`…), the way
/// `embed.js` delivers a frame's events.
fn dispatch(element: &web_sys::HtmlElement, event: &Event) {
    let (kind, payload) = event.parts();
    let init = web_sys::CustomEventInit::new();
    if let Ok(detail) = payload.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        init.set_detail(&detail);
    }
    if let Ok(dom_event) =
        web_sys::CustomEvent::new_with_event_init_dict(&format!("krea:{kind}"), &init)
    {
        let _ = element.dispatch_event(&dom_event);
    }
}

fn job_event(change: Transition, entry: &crate::jobs::JobEntry) -> Event {
    let job_id = entry.id().to_owned();
    match (change, &entry.job.status) {
        (Transition::Started, _) => Event::JobSubmitted {
            job_id,
            model: entry.model_id.clone(),
            prompt: entry.prompt().to_owned(),
        },
        (Transition::Finished, JobStatus::Completed) => Event::JobCompleted {
            job_id,
            urls: entry.images(),
            model: entry.model_id.clone(),
            prompt: entry.prompt().to_owned(),
            seed: entry.request.get("seed").cloned(),
        },
        (Transition::Finished, status) => Event::JobFailed {
            job_id,
            reason: entry
                .job
                .failure_reason()
                .unwrap_or_else(|| status.as_str().to_owned()),
        },
    }
}

/// Calls `report` with the page's content height whenever it changes (not when the frame
/// merely grew around content sized by the viewport, see [`AutoHeight`]); the observer goes
/// with the owner.
fn use_content_height(report: impl Fn(u32) + 'static) {
    let mut heights = AutoHeight::default();
    let measure = move || {
        let window = gloo_utils::window();
        let Some(body) = gloo_utils::document().body() else {
            return;
        };
        let content = body.get_bounding_client_rect().height().ceil() as u32;
        let viewport = window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0) as u32;
        if let Some(height) = heights.observe(content, viewport) {
            report(height);
        }
    };
    let callback = Closure::<dyn FnMut()>::new(measure);
    let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    if let Some(body) = gloo_utils::document().body() {
        observer.observe(&body);
    }
    let kept = StoredValue::new_local(Some((observer, callback)));
    on_cleanup(move || {
        if let Some(Some((observer, _callback))) = kept.try_update_value(Option::take) {
            observer.disconnect();
        }
    });
}
