use crate::api::{ApiError, KreaClient, UsageReport};
use crate::hooks::RequestSlot;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What the proxy said of its usage, as Settings shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum ProxyUsage {
    Asking,
    /// The proxy keeps none (one user, no limits): nothing to show.
    NotKept,
    Known(Box<UsageReport>),
    /// It could not be asked, or did not answer.
    Failed(ApiError),
}

/// The proxy's `GET /usage`, asked when the owner mounts, whenever the proxy changes or
/// `asked` changes (Settings opening again), and when `refresh` is called. An answer still awaited when the next
/// question is asked, or when the owner goes, is abandoned.
pub fn use_proxy_usage(
    client: Memo<KreaClient>,
    asked: Signal<u32>,
) -> (ReadSignal<ProxyUsage>, Callback<()>) {
    let (usage, set_usage) = signal(ProxyUsage::Asking);
    let request = RequestSlot::owned();
    let ask = move || {
        let client = client.get_untracked();
        let signal = request.start();
        spawn_local(async move {
            let answer = match client.usage(signal.as_ref()).await {
                Ok(Some(report)) => ProxyUsage::Known(Box::new(report)),
                Ok(None) => ProxyUsage::NotKept,
                Err(error) => ProxyUsage::Failed(error),
            };
            set_usage.try_set(answer);
        });
    };
    Effect::new(move |_| {
        client.track();
        asked.track();
        ask();
    });
    (usage, Callback::new(move |()| ask()))
}
