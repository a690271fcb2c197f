//! Other tabs of the studio: each write is announced on a BroadcastChannel by the records it
//! changed, and the other tabs read those records back as copies from elsewhere.

use crate::history_db::HistoryDb;
use crate::hooks::LiveJobs;
use crate::jobs::store::Changes;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// What a write changed, as told to the other tabs.
#[derive(Serialize, Deserialize)]
struct Written {
    jobs: Vec<String>,
    submissions: Vec<String>,
}

pub(super) type Channel = StoredValue<
    Option<(
        web_sys::BroadcastChannel,
        Closure<dyn FnMut(web_sys::MessageEvent)>,
    )>,
    leptos::prelude::LocalStorage,
>;

pub(super) fn tell_other_tabs(channel: Channel, changes: &Changes) {
    let written = Written {
        jobs: changes.jobs.iter().cloned().collect(),
        submissions: changes.submissions.iter().cloned().collect(),
    };
    let text = serde_json::to_string(&written).unwrap_or_default();
    channel.with_value(|channel| {
        if let Some((channel, _)) = channel {
            let _ = channel.post_message(&JsValue::from_str(&text));
        }
    });
}

/// Another tab wrote these records: read them back and show them here.
pub(super) fn listen_to_other_tabs(
    name: &str,
    channel: Channel,
    database: Rc<HistoryDb>,
    store: LiveJobs,
) {
    let Ok(broadcast) = web_sys::BroadcastChannel::new(name) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(written) = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<Written>(&text).ok())
            else {
                return;
            };
            let database = Rc::clone(&database);
            spawn_local(async move {
                for id in written.jobs {
                    match database.job(&id).await {
                        Ok(Some(entry)) => store.update(|s| s.from_elsewhere().put_entry(entry)),
                        Ok(None) => store.update(|s| s.from_elsewhere().forget_entry(&id)),
                        Err(_) => None,
                    };
                }
                for key in written.submissions {
                    match database.submission(&key).await {
                        Ok(Some(submission)) => {
                            store.update(|s| s.from_elsewhere().put_submission(submission))
                        }
                        Ok(None) => store.update(|s| s.from_elsewhere().forget_submission(&key)),
                        Err(_) => None,
                    };
                }
            });
        });
    broadcast.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    channel.set_value(Some((broadcast, on_message)));
}
