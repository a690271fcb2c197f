use crate::api::{KreaClient, LimitLeft};
use crate::hooks::{LiveJobs, RequestSlot};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where this browser stands under the proxy's rate limit (`None` when it has none), asked
/// when the proxy changes and again whenever a job is made; a proxy that said it has no
/// limits is not asked again until the proxy changes. An answer still awaited when the next
/// question is asked, or when the owner goes, is abandoned.
pub fn use_limit_left(client: Memo<KreaClient>, jobs: LiveJobs) -> ReadSignal<Option<LimitLeft>> {
    let (left, set_left) = signal(None::<LimitLeft>);
    // Whether the current proxy has limits worth asking about.
    let limited = RwSignal::new(true);
    let request = RequestSlot::owned();
    Effect::watch(
        move || client.track(),
        move |_, _, _| limited.set(true),
        false,
    );
    Effect::new(move |_| {
        jobs.with_list(|s| s.entries().len());
        if !limited.get() {
            return;
        }
        let client = client.get();
        let signal = request.start();
        spawn_local(async move {
            match client.limit_left(signal.as_ref()).await {
                Ok(None) => {
                    limited.try_set(false);
                    set_left.try_set(None);
                }
                Ok(answer) => {
                    set_left.try_set(answer);
                }
                Err(_) => {}
            }
        });
    });
    left
}
