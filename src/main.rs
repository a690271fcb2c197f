#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // The studio's own pages say so; a host page that loads this module for inline mode
    // (`embed.js`) gets nothing mounted on its body, only `mount` to call.
    let own_page = gloo_utils::document()
        .query_selector("meta[name=krea-studio]")
        .ok()
        .flatten()
        .is_some();
    if own_page {
        leptos::mount::mount_to_body(krea_studio::components::App);
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Krea Studio runs in the browser: start it with `cargo xtask dev`.");
}
