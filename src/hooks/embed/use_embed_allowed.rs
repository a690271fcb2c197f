use crate::api::KreaClient;
use crate::hooks::RequestSlot;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Whether the proxy at `proxy` lists `page_origin` among the sites that may embed the
/// studio (`GET /embedders`): `None` while it is asked. A proxy that cannot be reached or
/// does not say lists nobody. The request is aborted if the owner goes away first.
pub fn use_embed_allowed(proxy: String, page_origin: String) -> ReadSignal<Option<bool>> {
    let (allowed, set_allowed) = signal(None);
    let signal = RequestSlot::owned().start();
    spawn_local(async move {
        let listed = KreaClient::new(proxy, None)
            .embedders(signal.as_ref())
            .await;
        set_allowed.try_set(Some(
            listed.is_ok_and(|origins| origins.contains(&page_origin)),
        ));
    });
    allowed
}
