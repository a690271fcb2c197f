//! The smallest useful Leptos app, as the benchmark's yardstick for size and load time:
//! a counter, one fetch through gloo-net, a value read with serde_json. It marks
//! `app:ready` (a Performance mark) once it has rendered, as the studio does.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;

    #[component]
    fn Anchor() -> impl IntoView {
        let count = RwSignal::new(0);
        let greeting = LocalResource::new(|| async {
            let response = gloo_net::http::Request::get("/data.json")
                .send()
                .await
                .ok()?;
            let value: serde_json::Value = response.json().await.ok()?;
            value["greeting"].as_str().map(str::to_owned)
        });
        request_animation_frame(|| {
            if let Some(performance) = window().performance() {
                let _ = performance.mark("app:ready");
            }
        });
        view! {
            <button data-testid="count" on:click=move |_| count.update(|n| *n += 1)>
                {move || count.get()}
            </button>
            <p>{move || greeting.get().flatten()}</p>
        }
    }

    mount_to_body(Anchor);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
