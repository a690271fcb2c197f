//! One tab follows jobs for all: the Web Lock in a real browser. Two owners in one page
//! queue for the lock as two tabs do.
#![cfg(target_arch = "wasm32")]

use krea_studio::hooks::{use_poll_leadership, PageState};
use krea_studio::storage_scope::StorageScope;
use leptos::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::eventually;

/// A studio's leadership, as a tab in view (`visible`) or in the background would ask.
fn tab(scope: &StorageScope, visible: bool) -> (Owner, Signal<bool>) {
    // Effects run on the browser's task queue (already set up if another test mounted).
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let owner = Owner::new();
    let leading = owner.with(|| {
        let page = PageState {
            online: signal(true).0,
            hidden: signal(!visible).0,
        };
        use_poll_leadership(scope, page, Signal::derive(|| true))
    });
    (owner, leading)
}

#[wasm_bindgen_test]
async fn background_tabs_queue_and_the_next_leads_when_the_leader_goes() {
    let scope = StorageScope::embedded("lock-queue");
    let (first, first_leads) = tab(&scope, false);
    eventually(5, "the first tab to lead", || first_leads.get_untracked()).await;
    let (second, second_leads) = tab(&scope, false);
    gloo_timers::future::TimeoutFuture::new(300).await;
    assert!(
        !second_leads.get_untracked(),
        "a background tab waits its turn"
    );
    first.cleanup();
    eventually(5, "the second tab to take over", || {
        second_leads.get_untracked()
    })
    .await;
    second.cleanup();
}

#[wasm_bindgen_test]
async fn a_tab_in_view_takes_over_and_the_one_it_took_from_waits() {
    let scope = StorageScope::embedded("lock-steal");
    let (first, first_leads) = tab(&scope, false);
    eventually(5, "the first tab to lead", || first_leads.get_untracked()).await;
    let (second, second_leads) = tab(&scope, true);
    eventually(5, "the tab in view to take over", || {
        second_leads.get_untracked() && !first_leads.get_untracked()
    })
    .await;
    second.cleanup();
    eventually(5, "the first tab to lead again", || {
        first_leads.get_untracked()
    })
    .await;
    first.cleanup();
}

#[wasm_bindgen_test]
async fn a_history_that_cannot_be_shared_leads_in_every_tab() {
    let scope = StorageScope::embedded("lock-unshared");
    let (first, first_leads) = tab(&scope, true);
    let owner = Owner::new();
    let alone = owner.with(|| {
        let page = PageState {
            online: signal(true).0,
            hidden: signal(true).0,
        };
        use_poll_leadership(&scope, page, Signal::derive(|| false))
    });
    eventually(5, "the first tab to lead", || first_leads.get_untracked()).await;
    assert!(
        alone.get_untracked(),
        "without a shared history, every tab follows its own jobs"
    );
    owner.cleanup();
    first.cleanup();
}
