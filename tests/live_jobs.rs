//! The live job store's notifications, in the browser (where the app's hooks live): a poll
//! answer re-runs the readers of what it changed and nobody else.
#![cfg(target_arch = "wasm32")]

use krea_studio::hooks::LiveJobs;
use krea_studio::jobs::JobEntry;
use leptos::prelude::*;
use wasm_bindgen_test::*;

use krea_api::Job;
use krea_studio::jobs::submission::Submission;
use serde_json::json;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

wasm_bindgen_test_configure!(run_in_browser);

fn job(id: &str, status: &str) -> Job {
    serde_json::from_value(
        json!({"job_id": id, "status": status, "created_at": "2026-11-22T10:00:00Z"}),
    )
    .unwrap()
}

fn entry(id: &str) -> JobEntry {
    JobEntry {
        job: job(id, "queued"),
        model_id: "bfl/flux-1-dev".into(),
        request: serde_json::Map::new(),
        notice: None,
        lost: None,
        source: None,
        starred: false,
        boards: Default::default(),
        set: None,
    }
}

/// A memo that counts how often it runs.
fn counted<T: PartialEq + Send + Sync + 'static>(
    read: impl Fn() -> T + Send + Sync + 'static,
) -> (Memo<T>, Arc<AtomicU32>) {
    let runs = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&runs);
    let memo = Memo::new(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
        read()
    });
    (memo, runs)
}

#[wasm_bindgen_test]
fn a_poll_answer_re_runs_its_own_card_only() {
    let owner = Owner::new();
    owner.with(|| {
        let jobs = LiveJobs::default();
        jobs.update(|s| s.from_elsewhere().put_entries(vec![entry("a"), entry("b")]));
        let (card_a, runs_a) = counted(move || jobs.job("a"));
        let (card_b, runs_b) = counted(move || jobs.job("b"));
        let (list, runs_list) = counted(move || jobs.with_list(|s| s.pending_ids()));
        let (queue, runs_queue) = counted(move || jobs.with_submissions(|s| s.submissions().len()));
        let read_all = || {
            card_a.get();
            card_b.get();
            list.get();
            queue.get();
        };
        let runs = || {
            let n = |runs: &Arc<AtomicU32>| runs.load(Ordering::Relaxed);
            (n(&runs_a), n(&runs_b), n(&runs_list), n(&runs_queue))
        };
        read_all();
        assert_eq!(runs(), (1, 1, 1, 1));

        jobs.update(|s| s.apply(job("b", "queued")));
        read_all();
        assert_eq!(runs(), (1, 1, 1, 1), "nothing changed: nobody re-ran");

        let mut preview = job("b", "queued");
        preview.result = Some(json!({"urls": ["https://example.com/p.png"]}));
        jobs.update(|s| s.apply(preview));
        read_all();
        assert_eq!(
            runs(),
            (1, 2, 1, 1),
            "one job's new preview: its card alone"
        );

        jobs.update(|s| s.apply(job("b", "completed")));
        read_all();
        assert_eq!(runs(), (1, 3, 2, 1), "a new status: its card and the list");
        assert_eq!(list.get(), ["a"]);

        jobs.update(|s| {
            s.add_submission(Submission::new(
                "k".into(),
                "bfl/flux-1-dev".into(),
                Default::default(),
                1.0,
            ))
        });
        read_all();
        assert_eq!(
            runs(),
            (1, 3, 2, 2),
            "a submission: the submission readers alone"
        );

        jobs.update(|s| s.from_elsewhere().put_entries(vec![entry("c")]));
        read_all();
        assert_eq!(runs(), (2, 4, 3, 2), "a bulk load: every job reader");
    });
}

#[wasm_bindgen_test]
fn after_its_owner_is_gone_it_reads_empty_and_changes_nothing() {
    let owner = Owner::new();
    let jobs = owner.with(LiveJobs::default);
    owner.with(|| jobs.update(|s| s.add(entry("a"))));
    drop(owner);
    assert_eq!(jobs.update(|s| s.add(entry("b"))), None);
    assert_eq!(jobs.with_untracked(|s| s.entries().len()), 0);
}
