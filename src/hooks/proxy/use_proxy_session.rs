use crate::api::KreaClient;
use crate::hooks::RequestSlot;
use crate::hooks::{browser_storage, Kept};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Sessions this browser holds, one per proxy: `{"<proxy base>": "<session>"}`. Shared by
/// every studio of this origin, embedded or not: a session is the visitor's identity at a
/// proxy (its limits are the visitor's), not a part of one studio.
const STORAGE_KEY: &str = "krea-studio.sessions";

/// The anonymous session a public proxy issues this browser (`None` for a private proxy,
/// which needs none): the one kept from before when the proxy still takes it, else a new
/// one, kept for next time. Asked again whenever the proxy changes (the question about the
/// proxy before is abandoned). An embedded studio's session is its embedding `site`'s: the
/// proxy replaces a kept one of another site.
pub fn use_proxy_session(
    client: Memo<KreaClient>,
    base: Memo<String>,
    site: Option<String>,
) -> ReadSignal<Option<String>> {
    let (session, set_session) = signal(None::<String>);
    let request = RequestSlot::owned();
    Effect::new(move |_| {
        let base = base.get();
        let client = client.get_untracked();
        let kept = kept_sessions()
            .get(&base)
            .and_then(|v| v.as_str().map(str::to_owned));
        set_session.set(kept.clone());
        let signal = request.start();
        let site = site.clone();
        spawn_local(async move {
            // Unreachable now (or abandoned): the kept one goes on being sent.
            let Ok(issued) = client
                .session(kept.as_deref(), site.as_deref(), signal.as_ref())
                .await
            else {
                return;
            };
            let mut all = kept_sessions();
            match &issued {
                Some(token) => all.insert(base, token.clone().into()),
                None => all.remove(&base),
            };
            if let Some(storage) = browser_storage(Kept::Always) {
                let _ = storage.set_item(STORAGE_KEY, &serde_json::Value::Object(all).to_string());
            }
            set_session.try_set(issued);
        });
    });
    session
}

fn kept_sessions() -> serde_json::Map<String, serde_json::Value> {
    browser_storage(Kept::Always)
        .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}
