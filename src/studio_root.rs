//! Where one studio lives in the page: the whole document (its own page, or the embed page
//! in a frame), or the element a host page gave it (inline mode, inside a shadow root).
//! Everything that would otherwise touch the document (the theme and language attributes,
//! design tokens, key listeners, events for the host) goes through here, so an inline
//! studio changes nothing outside its element.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy)]
pub struct StudioRoot {
    /// `None`: the document's `<html>` and the window.
    element: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
}

impl StudioRoot {
    pub fn document() -> StudioRoot {
        StudioRoot {
            element: StoredValue::new_local(None),
        }
    }

    /// Inside `element` (the container in an inline studio's shadow root).
    pub fn element(element: web_sys::HtmlElement) -> StudioRoot {
        StudioRoot {
            element: StoredValue::new_local(Some(element)),
        }
    }

    /// The element that carries the studio's attributes and design tokens.
    fn root(&self) -> Option<web_sys::HtmlElement> {
        self.element.get_value().or_else(|| {
            gloo_utils::document()
                .document_element()
                .and_then(|root| root.dyn_into().ok())
        })
    }

    pub fn set_attribute(&self, name: &str, value: Option<&str>) {
        if let Some(root) = self.root() {
            let _ = match value {
                Some(value) => root.set_attribute(name, value),
                None => root.remove_attribute(name),
            };
        }
    }

    /// Sets a custom property (a design token the embedding page chose).
    pub fn set_style(&self, property: &str, value: &str) {
        if let Some(root) = self.root() {
            let _ = root.style().set_property(property, value);
        }
    }

    /// The first element of the studio matching `selector` (inside an inline studio's own
    /// element, which a document query would not reach).
    pub fn query(&self, selector: &str) -> Option<web_sys::HtmlElement> {
        let found = match self.element.get_value() {
            Some(element) => element.query_selector(selector),
            None => gloo_utils::document().query_selector(selector),
        };
        found
            .ok()
            .flatten()
            .and_then(|element| element.dyn_into().ok())
    }

    /// Every element of the studio matching `selector`, in document order.
    pub fn query_all(&self, selector: &str) -> Vec<web_sys::HtmlElement> {
        let found = match self.element.get_value() {
            Some(element) => element.query_selector_all(selector),
            None => gloo_utils::document().query_selector_all(selector),
        };
        let Ok(found) = found else {
            return Vec::new();
        };
        (0..found.length())
            .filter_map(|i| found.get(i))
            .filter_map(|node| node.dyn_into().ok())
            .collect()
    }

    /// Where key presses meant for the studio arrive: the window, or only the studio's
    /// own element (a key pressed elsewhere on a host page is not the studio's).
    pub fn key_target(&self) -> web_sys::EventTarget {
        match self.element.get_value() {
            Some(element) => element.into(),
            None => gloo_utils::window().into(),
        }
    }
}
