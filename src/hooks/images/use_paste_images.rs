use crate::studio_root::StudioRoot;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Calls `handler` with the image files of every paste in the studio (Ctrl/⌘+V of a
/// screenshot or a copied image) while the owner lives; a paste of text alone is left to
/// the field it lands in.
pub fn use_paste_images(handler: impl Fn(Vec<web_sys::File>) + 'static) {
    let target = expect_context::<StudioRoot>().key_target();
    let listener = Closure::<dyn FnMut(web_sys::ClipboardEvent)>::new(
        move |event: web_sys::ClipboardEvent| {
            let Some(files) = event.clipboard_data().and_then(|data| data.files()) else {
                return;
            };
            let images: Vec<web_sys::File> = (0..files.length())
                .filter_map(|at| files.get(at))
                .filter(|file| file.type_().starts_with("image/"))
                .collect();
            if !images.is_empty() {
                event.prevent_default();
                handler(images);
            }
        },
    );
    let _ = target.add_event_listener_with_callback("paste", listener.as_ref().unchecked_ref());
    let kept = StoredValue::new_local(Some((target, listener)));
    on_cleanup(move || {
        if let Some(Some((target, listener))) = kept.try_update_value(Option::take) {
            let _ = target
                .remove_event_listener_with_callback("paste", listener.as_ref().unchecked_ref());
        }
    });
}
