//! Inline mode (`render: "inline"`): the studio rendered into a host page's element, inside
//! a shadow root, by the app's own module (`embed.js` imports it once for every instance).
//! The host's CSS cannot reach in, the studio's cannot leak out, and nothing is attached to
//! the host's window or document: keys are heard on the studio's element, events are DOM
//! events on the host's element, and `destroy()` unmounts everything.

use crate::components::EmbedGate;
use crate::embed::{Command, EmbedOptions};
use crate::settings::RuntimeConfig;
use crate::studio_root::StudioRoot;
use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The options a host page passes to `mount`, as JavaScript writes them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InlineOptions {
    /// Where the studio's stylesheet is (the loader knows the hashed name).
    stylesheet: String,
    proxy: String,
    /// Names the instance (and where it keeps its history).
    id: String,
    #[serde(default)]
    models: Option<ModelList>,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    accent: Option<String>,
    #[serde(default)]
    radius: Option<String>,
    #[serde(default)]
    font: Option<String>,
    /// `"off"`: visitors may not upload images.
    #[serde(default)]
    uploads: Option<String>,
}

/// `"a/b,c/d"` as in the attribute, or `["a/b", "c/d"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ModelList {
    Text(String),
    List(Vec<String>),
}

impl InlineOptions {
    /// Checked as the embed page checks its fragment, so both modes refuse the same things.
    fn checked(self, page_origin: String) -> Result<EmbedOptions, String> {
        let models = match self.models {
            Some(ModelList::Text(text)) => text,
            Some(ModelList::List(list)) => list.join(","),
            None => String::new(),
        };
        let mut pairs = vec![
            ("id", self.id),
            ("parent", page_origin),
            ("proxy", self.proxy),
            ("models", models),
        ];
        let optional = [
            ("theme", self.theme),
            ("locale", self.locale),
            ("accent", self.accent),
            ("radius", self.radius),
            ("font", self.font),
            ("uploads", self.uploads),
        ];
        pairs.extend(
            optional
                .into_iter()
                .filter_map(|(name, value)| value.map(|v| (name, v))),
        );
        EmbedOptions::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())))
            .map_err(|error| error.to_string())
    }
}

/// One studio on a host page, as `mount` returns it to the loader.
#[wasm_bindgen]
pub struct InlineStudio {
    /// Dropping it unmounts the studio and disposes of everything it owns.
    mounted: Option<Box<dyn std::any::Any>>,
    inbox: ArcRwSignal<Vec<Command>>,
    shadow: web_sys::ShadowRoot,
}

#[wasm_bindgen]
impl InlineStudio {
    /// A command from the host page: `setTheme`, `setLocale`, `prefill`, `reset`, with its
    /// payload. Unknown types are ignored, as in a frame.
    pub fn command(&self, kind: &str, payload: JsValue) {
        let payload: serde_json::Value = crate::js_json::read(&payload).unwrap_or_default();
        let message = serde_json::json!({
            "ns": crate::embed::contract::NAMESPACE,
            "v": crate::embed::PROTOCOL_VERSION,
            "id": "inline",
            "type": kind,
            "payload": payload,
        });
        if let Some(command) = Command::read(&message, "inline") {
            self.inbox.update(|queue| queue.push(command));
        }
    }

    /// Unmounts the studio: its nodes, listeners, timers and fetches go.
    pub fn destroy(&mut self) {
        self.mounted.take();
        self.shadow.set_inner_html("");
    }
}

/// Renders a studio into `element` (in an open shadow root), with `options` as in the
/// README's Embedding section. Bad options are an error naming the option.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, options: JsValue) -> Result<InlineStudio, JsError> {
    let given: InlineOptions = crate::js_json::read(&options)
        .map_err(|e| JsError::new(&format!("Krea Studio options: {e}")))?;
    let stylesheet = given.stylesheet.clone();
    let page_origin = gloo_utils::window().location().origin().unwrap_or_default();
    let options = given
        .checked(page_origin)
        .map_err(|e| JsError::new(&format!("Krea Studio: {e}")))?;
    let proxy = options.proxy.clone();
    let document = gloo_utils::document();
    let shadow = match element.shadow_root() {
        Some(shadow) => shadow,
        None => element
            .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
            .map_err(|_| JsError::new("Krea Studio: this element cannot hold a shadow root"))?,
    };
    shadow.set_inner_html("");
    let link: web_sys::HtmlLinkElement = document
        .create_element("link")
        .map_err(|_| JsError::new("Krea Studio: no document"))?
        .unchecked_into();
    link.set_rel("stylesheet");
    link.set_href(&stylesheet);
    let container: web_sys::HtmlElement = document
        .create_element("div")
        .map_err(|_| JsError::new("Krea Studio: no document"))?
        .unchecked_into();
    container.set_class_name("krea-studio");
    let _ = shadow.append_child(&link);
    let _ = shadow.append_child(&container);
    let inbox = ArcRwSignal::new(Vec::new());
    let queue = inbox.clone();
    let root = container.clone();
    let mounted = leptos::mount::mount_to(container, move || {
        provide_context(StudioRoot::element(root));
        let config = RuntimeConfig {
            proxy_url: proxy,
            ..RuntimeConfig::default()
        };
        view! { <EmbedGate config options=Ok(options) inline=(element, queue) /> }.into_any()
    });
    Ok(InlineStudio {
        mounted: Some(Box::new(mounted)),
        inbox,
        shadow,
    })
}
