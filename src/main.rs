#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(krea_studio::components::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Krea Studio runs in the browser: start it with `cargo xtask dev`.");
}
