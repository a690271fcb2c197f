//! The chaos suite: 60 generations through the studio while Krea (the simulator, as its own
//! server) fails one API request in five in every way it can, with a page reload and a
//! proxy restart in the middle. Afterwards every submission is exactly one job at Krea and
//! one card in the job's true final state, and every fault the person saw was in words.

use krea_e2e::{out_dir, Proxy, Stack};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

const CLICKS: usize = 20;
const PER_CLICK: usize = 3;
const TERMINAL: [&str; 3] = ["completed", "failed", "cancelled"];

/// Every job Krea holds, with its state, asked from the page through the proxy until an
/// answer survives the faults.
async fn jobs_at_krea(stack: &Stack) -> BTreeMap<String, String> {
    for _ in 0..100 {
        let list = stack
            .browser
            .execute_async(
                "const done = arguments[0];
                 fetch('/jobs?limit=1000').then(r => r.ok ? r.json() : null).then(done, () => done(null));",
                vec![],
            )
            .await
            .unwrap();
        if let Some(items) = list.get("items").and_then(Value::as_array) {
            return items
                .iter()
                .map(|job| {
                    let id = job["job_id"].as_str().unwrap().to_owned();
                    (id, job["status"].as_str().unwrap().to_owned())
                })
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("Krea never answered the job list");
}

/// What the page tells the person about submissions and jobs right now.
async fn words_on_screen(stack: &Stack) -> Vec<String> {
    let found = stack
        .eval(
            "return [...document.querySelectorAll(
                '[data-testid=placeholder-status], [data-testid=job-notice], [data-testid=submit-error], [data-testid=job-lost]'
             )].map(e => e.textContent).filter(t => t.trim() !== '')",
        )
        .await;
    serde_json::from_value(found).unwrap()
}

/// The cards in the grid: job id → (status, lost).
async fn cards(stack: &Stack) -> BTreeMap<String, (String, bool)> {
    let found = stack
        .eval(
            "return [...document.querySelectorAll('[data-testid=job-card]')]
                .map(c => [c.dataset.jobId, c.dataset.status, c.dataset.lost === 'true'])",
        )
        .await;
    let rows: Vec<(String, String, bool)> = serde_json::from_value(found).unwrap();
    rows.into_iter()
        .map(|(id, status, lost)| (id, (status, lost)))
        .collect()
}

/// A quick model, three images per click; and a record of what the page logs as errors
/// (a panic in the app is one).
async fn choose(stack: &Stack) {
    stack
        .eval(
            "window.pageErrors = [];
             const original = console.error;
             console.error = (...args) => { window.pageErrors.push(args.join(' ')); original(...args); };
             window.addEventListener('error', e => window.pageErrors.push(String(e.message)));",
        )
        .await;
    stack
        .select("model-select", "krea/krea-2/medium-turbo")
        .await;
    stack
        .select("variation-count", &PER_CLICK.to_string())
        .await;
}

async fn wait_until_generate_is_enabled(stack: &Stack, said: &mut BTreeSet<String>) {
    for _ in 0..300 {
        let disabled = stack
            .eval("return document.querySelector('[data-testid=generate-button]').disabled")
            .await;
        if disabled == Value::Bool(false) {
            return;
        }
        said.extend(words_on_screen(stack).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let states = stack
        .eval("return [...document.querySelectorAll('[data-testid=job-placeholder]')].map(p => p.dataset.state + ': ' + p.textContent)")
        .await;
    let hint = stack.text("generate-hint").await;
    panic!("Generate stayed disabled; hint {hint:?}; submissions {states}; seen {said:?}");
}

#[tokio::test]
async fn sixty_jobs_through_faults_a_reload_and_a_restart_each_end_as_one_true_card() {
    let krea = Proxy::start(
        &[
            "--simulate",
            "--sim-job-ms",
            "1500",
            "--sim-fault-rate",
            "0.2",
        ],
        &[],
    )
    .await;
    let dist = std::env::var("KREA_DIST").expect("KREA_DIST");
    // In front of Krea the proxy keeps its state in a file by default, and that is what
    // the restart below must keep: an idempotency key in flight across it.
    let state = out_dir().join(format!("chaos-state-{}.redb", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let state_flag = format!("file:{}", state.display());
    let front = Proxy::start(
        &[
            "--upstream",
            &krea.base,
            "--serve",
            &dist,
            "--state",
            &state_flag,
        ],
        &[("KREA_API_TOKEN", "chaos-test-token")],
    )
    .await;
    let mut stack = Stack::builder().proxy(front).start().await;
    stack.open().await;
    let mut said = BTreeSet::new();
    choose(&stack).await;
    for click in 0..CLICKS {
        if click == CLICKS / 2 {
            // A reload while submissions may be in flight.
            stack.open().await;
            choose(&stack).await;
        }
        if click == CLICKS * 3 / 4 {
            stack.restart_proxy().await;
        }
        stack
            .type_into("prompt-input", &format!("chaos {click}"))
            .await;
        wait_until_generate_is_enabled(&stack, &mut said).await;
        stack.click("generate-button").await;
        said.extend(words_on_screen(&stack).await);
        // Every click shows its generations (a click must never be swallowed).
        let shown_for_click = format!(
            "return [...document.querySelectorAll('.job-card .prompt')]
                .filter(p => p.textContent === 'chaos {click}').length"
        );
        let mut made = Value::Null;
        for _ in 0..20 {
            made = stack.eval(&shown_for_click).await;
            if made == PER_CLICK {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            made,
            Value::from(PER_CLICK),
            "click {click} did not show its {PER_CLICK} generations"
        );
    }

    // Everything settles: no submission left, every card in a final state.
    let started = Instant::now();
    loop {
        said.extend(words_on_screen(&stack).await);
        let placeholders = stack.count("[data-testid=job-placeholder]").await;
        let shown = cards(&stack).await;
        let unsettled = shown
            .values()
            .filter(|(status, lost)| !*lost && !TERMINAL.contains(&status.as_str()))
            .count();
        if placeholders == 0 && unsettled == 0 && shown.len() >= CLICKS * PER_CLICK {
            break;
        }
        if started.elapsed() > Duration::from_secs(240) {
            let states = stack
                .eval("return [...document.querySelectorAll('[data-testid=job-placeholder]')].map(p => p.dataset.state + ': ' + p.textContent)")
                .await;
            println!("unsettled submissions: {states:#}");
            let errors = stack.eval("return window.pageErrors").await;
            println!("page errors: {errors:#}");
            let at_krea = jobs_at_krea(&stack).await;
            let missing: Vec<_> = at_krea
                .keys()
                .filter(|id| !shown.contains_key(*id))
                .collect();
            println!(
                "jobs at Krea: {}; without a card: {missing:?}",
                at_krea.len()
            );
            let stored = stack.stored_jobs().await;
            println!("stored: {}", stored.len());
            let prompts = stack
                .eval("return [...document.querySelectorAll('[data-testid=job-prompt]')].map(p => p.textContent)")
                .await;
            println!("prompts on cards: {prompts}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "not settled: {placeholders} submissions and {unsettled} jobs in flight, {} cards; seen: {said:?}",
            shown.len()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    let submissions = CLICKS * PER_CLICK;
    let at_krea = jobs_at_krea(&stack).await;
    let shown = cards(&stack).await;
    let duplicates = at_krea.len().saturating_sub(submissions);
    let orphans = at_krea.keys().filter(|id| !shown.contains_key(*id)).count();
    let stuck = shown.values().filter(|(_, lost)| *lost).count();
    let wrong = shown
        .iter()
        .filter(|(id, (status, _))| at_krea.get(*id) != Some(status))
        .count();
    let retried = said
        .iter()
        .filter(|w| w.starts_with("Trying again"))
        .count();
    // Parser or transport jargon must never reach the person.
    let jargon: Vec<&String> = said
        .iter()
        .filter(|w| {
            [
                "line 1",
                "column",
                "EOF",
                "expected",
                "error decoding",
                "invalid type",
            ]
            .iter()
            .any(|j| w.contains(j))
        })
        .collect();
    let report = format!(
        "chaos: {submissions} submissions, {} jobs at Krea, {} cards; duplicates {duplicates}, \
         orphans {orphans}, stuck {stuck}, wrong {wrong}; {} different messages shown \
         ({retried} about retrying), none in jargon: {}",
        at_krea.len(),
        shown.len(),
        said.len(),
        jargon.is_empty()
    );
    println!("{report}");
    std::fs::write(
        out_dir().join("chaos.txt"),
        format!("{report}\n{said:#?}\n"),
    )
    .unwrap();
    assert_eq!(at_krea.len(), submissions, "{report}");
    assert_eq!(shown.len(), submissions, "{report}");
    assert_eq!(
        (duplicates, orphans, stuck, wrong),
        (0, 0, 0, 0),
        "{report}"
    );
    assert!(
        retried > 0,
        "no fault reached the person; the test proves little: {report}"
    );
    assert!(jargon.is_empty(), "{jargon:?}");
    stack.close().await;
}
