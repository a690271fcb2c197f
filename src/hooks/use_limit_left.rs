use super::LiveJobs;
use crate::api::{KreaClient, LimitLeft};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where this browser stands under the proxy's rate limit (`None` when it has none), asked
/// when the proxy changes and again whenever a job is made.
pub fn use_limit_left(client: Memo<KreaClient>, jobs: LiveJobs) -> ReadSignal<Option<LimitLeft>> {
    let (left, set_left) = signal(None::<LimitLeft>);
    Effect::new(move |_| {
        let client = client.get();
        jobs.with_list(|s| s.entries().len());
        spawn_local(async move {
            if let Ok(answer) = client.limit_left().await {
                set_left.try_set(answer);
            }
        });
    });
    left
}
