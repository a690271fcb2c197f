//! One contract per store trait, each behaviour written once as a function of the trait
//! object, and run against every backend: this process's memory, the state file, and a real
//! Redis. A store that drifts from the others fails here. The file store's own promises
//! (what survives a restart, one process per file) follow.

mod common;

use axum::body::Bytes;
use common::redis_server::{start_redis, Redis};
use krea_proxy::idempotency::{fingerprint, Claim, IdempotencyStore, Outcome, Window};
use krea_proxy::limits::window::DAY_MS;
use krea_proxy::limits::{Ask, Budget, LimitStore, Period, RatePolicy, Refusal, Rules};
use krea_proxy::ownership::{OwnedPage, Ownership};
use krea_proxy::push::{PushRecords, Recorded};
use krea_proxy::stores::Stores;
use krea_proxy::usage::book::{self, field, Ending, NotedPeriods, Periods};
use krea_proxy::usage::{JobNote, Measure, UsageStore};
use std::path::PathBuf;
use std::time::Duration;

/// A backend the contracts run against; each behaviour gets fresh stores.
enum Backend {
    Memory,
    File(tempdir::TempDir),
    Redis(Redis),
}

mod tempdir {
    /// A folder of its own under the system's temporary folder, removed when dropped.
    pub struct TempDir(pub std::path::PathBuf);

    impl TempDir {
        pub fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!(
                "krea-proxy-{name}-{}-{}",
                std::process::id(),
                uuid_ish()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    fn uuid_ish() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Backend {
    async fn fresh(&self, n: usize) -> Stores {
        match self {
            Backend::Memory => Stores::memory(),
            Backend::File(dir) => Stores::file(&dir.0.join(format!("state-{n}.redb"))).unwrap(),
            Backend::Redis(redis) => {
                let client = redis::Client::open(redis.url.as_str()).unwrap();
                let mut connection = client.get_multiplexed_async_connection().await.unwrap();
                let _: () = redis::cmd("FLUSHALL")
                    .query_async(&mut connection)
                    .await
                    .unwrap();
                Stores::redis(&redis.url).await.unwrap()
            }
        }
    }
}

/// Runs every contract against `backend`.
async fn keeps_every_contract(backend: Backend) {
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let stores = backend.fresh(next()).await;
    a_key_answers_its_first_job_to_every_repeat_and_refuses_other_bodies(&*stores.idempotency)
        .await;
    let stores = backend.fresh(next()).await;
    a_key_that_made_no_job_is_free_again_and_an_unknown_one_is_looked_at_again(
        &*stores.idempotency,
    )
    .await;
    let stores = backend.fresh(next()).await;
    job_ids_handed_out_are_known(&*stores.idempotency).await;
    let stores = backend.fresh(next()).await;
    a_caller_pages_through_its_own_jobs_newest_first(&*stores.ownership).await;
    let stores = backend.fresh(next()).await;
    a_rate_counts_a_sliding_window_and_gives_back_what_made_no_job(&*stores.limits).await;
    let stores = backend.fresh(next()).await;
    jobs_in_flight_are_capped_until_they_end_or_lapse(&*stores.limits).await;
    let stores = backend.fresh(next()).await;
    the_budget_is_shared_refunded_once_and_resets_at_midnight(&*stores.limits).await;
    a_key_s_budgets_count_its_own_spend_by_day_and_month(&*stores.limits).await;
    let stores = backend.fresh(next()).await;
    a_delivery_is_recorded_once_for_its_own_job_and_kept_for_a_resuming_stream(&*stores.push).await;
    let stores = backend.fresh(next()).await;
    usage_adds_up_by_scope_and_period_and_counts_a_job_s_end_once(&*stores.usage).await;
}

#[tokio::test]
async fn the_memory_store_keeps_every_contract() {
    keeps_every_contract(Backend::Memory).await;
}

#[tokio::test]
async fn the_file_store_keeps_every_contract() {
    keeps_every_contract(Backend::File(tempdir::TempDir::new("contracts"))).await;
}

#[tokio::test]
async fn the_redis_store_keeps_every_contract() {
    keeps_every_contract(Backend::Redis(start_redis())).await;
}

// Idempotency.

async fn a_key_answers_its_first_job_to_every_repeat_and_refuses_other_bodies(
    store: &dyn IdempotencyStore,
) {
    let a = fingerprint("bfl/flux-1-dev", br#"{"prompt":"fox","seed":1}"#);
    let same = fingerprint("bfl/flux-1-dev", br#"{ "seed": 1, "prompt": "fox" }"#);
    let other = fingerprint("bfl/flux-1-dev", br#"{"prompt":"cat","seed":1}"#);
    assert_eq!(a, same, "key order and spacing do not matter");
    assert_ne!(
        a,
        fingerprint("bfl/flux-1.1-pro", br#"{"prompt":"fox","seed":1}"#)
    );
    assert_eq!(store.claim("k", a).await, Claim::Fresh);
    assert_eq!(store.claim("k", a).await, Claim::InFlight);
    store
        .settle("k", Outcome::Created(Bytes::from_static(b"job")))
        .await;
    assert_eq!(
        store.claim("k", same).await,
        Claim::Replay(Bytes::from_static(b"job"))
    );
    assert_eq!(store.claim("k", other).await, Claim::Mismatch);
}

async fn a_key_that_made_no_job_is_free_again_and_an_unknown_one_is_looked_at_again(
    store: &dyn IdempotencyStore,
) {
    let a = fingerprint("m/x", b"{}");
    assert_eq!(store.claim("k", a).await, Claim::Fresh);
    store.settle("k", Outcome::NotCreated).await;
    assert_eq!(store.claim("k", a).await, Claim::Fresh);
    let window = Window {
        sent_at: 1_764_000_000_000_000_000,
        judged_at: 1_764_000_001_000_000_000,
    };
    store.settle("k", Outcome::Unknown(window)).await;
    assert_eq!(store.claim("k", a).await, Claim::Unsettled(window));
    assert_eq!(
        store.claim("k", a).await,
        Claim::InFlight,
        "one look at a time"
    );
}

async fn job_ids_handed_out_are_known(store: &dyn IdempotencyStore) {
    assert!(!store.knows_job("j").await);
    store.remember_job("j").await;
    assert!(store.knows_job("j").await);
}

// Ownership.

async fn a_caller_pages_through_its_own_jobs_newest_first(owned: &dyn Ownership) {
    for n in 0..5 {
        let at = format!("2026-11-22T10:00:0{n}Z");
        owned
            .record(&format!("a{n}"), "key:alice", &at)
            .await
            .unwrap();
    }
    owned
        .record("b0", "key:bob", "2026-11-22T10:00:09Z")
        .await
        .unwrap();
    owned
        .record("a0", "key:bob", "2026-11-22T10:00:00Z")
        .await
        .unwrap();
    assert_eq!(
        owned.owner("a0").await.unwrap().as_deref(),
        Some("key:alice"),
        "first record wins"
    );
    assert_eq!(owned.owner("zz").await, Ok(None));

    let first = owned.page("key:alice", None, 2).await;
    let ids = |page: &OwnedPage| {
        page.jobs
            .iter()
            .map(|(_, id)| id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&first), ["a4", "a3"]);
    assert!(first.more);
    let cursor = first.jobs.last().unwrap().0.clone();
    assert_eq!(
        cursor, "2026-11-22T10:00:03Z",
        "the cursor is the creation time"
    );
    let second = owned.page("key:alice", Some(&cursor), 10).await;
    assert_eq!(ids(&second), ["a2", "a1", "a0"]);
    assert!(!second.more);
    assert_eq!(ids(&owned.page("key:bob", None, 10).await), ["b0"]);
    assert!(owned.page("nobody", None, 10).await.jobs.is_empty());
}

// Limits.

fn ask(caller: &str, price_micros: u64, now_ms: u64) -> Ask<'_> {
    Ask {
        caller,
        price_micros,
        now_ms,
        in_flight_for: Duration::from_secs(600),
    }
}

/// A moment far from any day's end, so a window never crosses midnight by accident.
const T0: u64 = 20_000 * DAY_MS + DAY_MS / 4;

async fn a_rate_counts_a_sliding_window_and_gives_back_what_made_no_job(limits: &dyn LimitStore) {
    let rules = Rules {
        rates: vec![RatePolicy::parse("2/min").unwrap()],
        ..Rules::default()
    };
    limits.admit(&rules, ask("a", 0, T0 + 1_000)).await.unwrap();
    assert_eq!(limits.rates(&rules, "a", T0 + 1_000).await[0].remaining, 1);
    let second = limits.admit(&rules, ask("a", 0, T0 + 2_000)).await.unwrap();
    assert_eq!(limits.rates(&rules, "a", T0 + 2_000).await[0].remaining, 0);
    match limits.admit(&rules, ask("a", 0, T0 + 3_000)).await {
        Err(Refusal::Rate { retry_after, .. }) => {
            assert_eq!(retry_after, Duration::from_millis(58_000))
        }
        other => panic!("{other:?}"),
    }
    assert!(
        limits.admit(&rules, ask("b", 0, T0 + 3_000)).await.is_ok(),
        "per caller"
    );
    // The second made no job: its turn comes back.
    limits.settle(&second, None).await;
    assert!(limits.admit(&rules, ask("a", 0, T0 + 4_000)).await.is_ok());
    // A minute after the first, it leaves the window.
    assert!(limits.admit(&rules, ask("a", 0, T0 + 61_000)).await.is_ok());
    assert!(limits
        .admit(&rules, ask("a", 0, T0 + 61_500))
        .await
        .is_err());
}

async fn jobs_in_flight_are_capped_until_they_end_or_lapse(limits: &dyn LimitStore) {
    let rules = Rules {
        max_in_flight: Some(1),
        ..Rules::default()
    };
    let ticket = limits.admit(&rules, ask("a", 0, T0)).await.unwrap();
    limits.settle(&ticket, Some("job-1")).await;
    assert_eq!(
        limits.admit(&rules, ask("a", 0, T0 + 1)).await,
        Err(Refusal::InFlight { cap: 1 })
    );
    limits.ended("job-1", false).await;
    let ticket = limits.admit(&rules, ask("a", 0, T0 + 2)).await.unwrap();
    limits.settle(&ticket, Some("job-2")).await;
    // Never seen to end: it stops counting after `in_flight_for`.
    assert!(limits
        .admit(&rules, ask("a", 0, T0 + 600_003))
        .await
        .is_ok());
}

/// The proxy-wide daily budget of `usd_micros`.
fn proxy_day(limit_micros: u64) -> Rules {
    Rules {
        budgets: vec![Budget {
            scope: String::new(),
            period: Period::Day,
            limit_micros,
        }],
        ..Rules::default()
    }
}

async fn the_budget_is_shared_refunded_once_and_resets_at_midnight(limits: &dyn LimitStore) {
    let rules = proxy_day(100_000); // $0.10
    let noon = 20_000 * DAY_MS + DAY_MS / 2;
    for (n, caller) in ["a", "b", "a"].iter().enumerate() {
        let ticket = limits
            .admit(&rules, ask(caller, 30_000, noon))
            .await
            .unwrap();
        limits.settle(&ticket, Some(&format!("job-{n}"))).await;
    }
    match limits.admit(&rules, ask("b", 30_000, noon)).await {
        Err(Refusal::Budget {
            resets_in, scope, ..
        }) => {
            assert_eq!(resets_in, Duration::from_millis(DAY_MS / 2));
            assert_eq!(scope, "");
        }
        other => panic!("{other:?}"),
    }
    // A failed job's money comes back, once.
    limits.ended("job-1", true).await;
    limits.ended("job-1", true).await;
    let ticket = limits.admit(&rules, ask("b", 30_000, noon)).await.unwrap();
    limits.settle(&ticket, Some("job-3")).await;
    assert!(limits.admit(&rules, ask("b", 30_000, noon)).await.is_err());
    assert!(limits
        .admit(&rules, ask("b", 30_000, noon + DAY_MS / 2))
        .await
        .is_ok());
}

/// Alice's key has $0.10 a day and $0.14 a month on top of the proxy's $1 a day: her jobs
/// count against all three, Bob's only against the proxy's; the day's refusal names her
/// day, the next day's names her month, and a refund comes back to every budget it took.
async fn a_key_s_budgets_count_its_own_spend_by_day_and_month(limits: &dyn LimitStore) {
    let month_start = 20_454 * DAY_MS; // 2026-01-01, a Thursday
    let alice = |proxy: u64| {
        let mut rules = proxy_day(proxy);
        for (period, limit_micros) in [(Period::Day, 100_000), (Period::Month, 140_000)] {
            rules.budgets.push(Budget {
                scope: "key:alice".to_owned(),
                period,
                limit_micros,
            });
        }
        rules
    };
    let bob = proxy_day(1_000_000);
    let day_one = month_start + DAY_MS / 2;
    for n in 0..3 {
        let ticket = limits
            .admit(&alice(1_000_000), ask("key:alice", 30_000, day_one))
            .await
            .unwrap();
        limits.settle(&ticket, Some(&format!("alice-{n}"))).await;
    }
    // $0.09 spent: a fourth $0.03 would pass $0.10.
    match limits
        .admit(&alice(1_000_000), ask("key:alice", 30_000, day_one))
        .await
    {
        Err(Refusal::Budget { scope, period, .. }) => {
            assert_eq!((scope.as_str(), period), ("key:alice", Period::Day))
        }
        other => panic!("{other:?}"),
    }
    // Bob is not held back by Alice's budget; his job counts against the proxy's day only.
    let ticket = limits
        .admit(&bob, ask("key:bob", 30_000, day_one))
        .await
        .unwrap();
    limits.settle(&ticket, Some("bob-0")).await;
    // The next day: $0.09 of her month is spent; two more pass $0.14.
    let day_two = day_one + DAY_MS;
    let ticket = limits
        .admit(&alice(1_000_000), ask("key:alice", 30_000, day_two))
        .await
        .unwrap();
    limits.settle(&ticket, Some("alice-3")).await;
    match limits
        .admit(&alice(1_000_000), ask("key:alice", 30_000, day_two))
        .await
    {
        Err(Refusal::Budget {
            scope,
            period,
            resets_in,
        }) => {
            assert_eq!((scope.as_str(), period), ("key:alice", Period::Month));
            assert_eq!(resets_in, Duration::from_millis(30 * DAY_MS - DAY_MS / 2));
        }
        other => panic!("{other:?}"),
    }
    // A failed job's price comes back to her month (and day): one more fits.
    limits.ended("alice-3", true).await;
    let ticket = limits
        .admit(&alice(1_000_000), ask("key:alice", 30_000, day_two))
        .await
        .unwrap();
    limits.settle(&ticket, Some("alice-4")).await;
    // The proxy's own day counted everybody: $0.12 on day one, so a $0.12 cap is full.
    assert!(limits
        .admit(&proxy_day(120_000), ask("key:carol", 0, day_one))
        .await
        .is_ok());
    assert!(matches!(
        limits.admit(&proxy_day(120_000), ask("key:carol", 1, day_one)).await,
        Err(Refusal::Budget { scope, .. }) if scope.is_empty()
    ));
    // What her budgets have spent, read without taking: $0.12 of her month, day two's $0.03.
    let counters: Vec<String> = alice(1_000_000).budgets[1..]
        .iter()
        .map(|b| b.counter(day_two))
        .collect();
    assert_eq!(limits.spent(&counters).await, Some(vec![30_000, 120_000]));
    // A new month: her month's budget is whole again.
    let next_month = month_start + 31 * DAY_MS + 1000;
    assert!(limits
        .admit(&alice(1_000_000), ask("key:alice", 30_000, next_month))
        .await
        .is_ok());
}

// Push records.

async fn a_delivery_is_recorded_once_for_its_own_job_and_kept_for_a_resuming_stream(
    records: &dyn PushRecords,
) {
    records.issue("t1", "key:alice").await;
    assert_eq!(records.expected("t1").await, None, "no job yet");
    assert_eq!(
        records.record("t1", "key:alice", "j1", "{}").await,
        Recorded::Unknown,
        "before its request made the job"
    );
    records.bind("t1", Some("j1")).await;
    assert_eq!(
        records.expected("t1").await,
        Some(("key:alice".to_owned(), "j1".to_owned()))
    );
    assert_eq!(
        records.record("t1", "key:alice", "j2", "{}").await,
        Recorded::Unknown,
        "another job"
    );
    assert_eq!(
        records.record("nope", "key:alice", "j1", "{}").await,
        Recorded::Unknown
    );
    let first = records.record("t1", "key:alice", "j1", "job one").await;
    assert_eq!(first, Recorded::New((1, "job one".to_owned())));
    assert_eq!(
        records.record("t1", "key:alice", "j1", "job one").await,
        Recorded::Repeated
    );
    records.issue("t2", "key:alice").await;
    records.bind("t2", Some("j2")).await;
    assert_eq!(
        records.record("t2", "key:alice", "j2", "job two").await,
        Recorded::New((2, "job two".to_owned()))
    );
    assert_eq!(records.missed("key:alice", None).await.len(), 2);
    assert_eq!(
        records.missed("key:alice", Some(1)).await,
        vec![(2, "job two".to_owned())]
    );
    assert!(records.missed("key:bob", None).await.is_empty());
    // A request that made no job leaves no token behind.
    records.issue("t3", "key:alice").await;
    records.bind("t3", None).await;
    assert_eq!(records.expected("t3").await, None);
}

// The file store's own promises.

fn state_file(dir: &tempdir::TempDir) -> PathBuf {
    dir.0.join("nested/folder/state.redb")
}

#[tokio::test]
async fn the_state_file_keeps_keys_owners_spend_tokens_and_the_session_secret_across_a_restart() {
    let dir = tempdir::TempDir::new("restart");
    let path = state_file(&dir);
    let a = fingerprint("m/x", b"{}");
    let budget = proxy_day(50_000);
    let now = krea_proxy::state::now_ms();
    let secret;
    {
        let stores = Stores::file(&path).unwrap();
        secret = stores.session_secret.clone().expect("a session secret");
        assert!(secret.len() >= 32);
        assert_eq!(stores.idempotency.claim("done", a).await, Claim::Fresh);
        stores
            .idempotency
            .settle("done", Outcome::Created(Bytes::from_static(b"job")))
            .await;
        stores.idempotency.remember_job("j1").await;
        stores
            .ownership
            .record("j1", "key:alice", "2026-11-22T10:00:00Z")
            .await
            .unwrap();
        let ticket = stores
            .limits
            .admit(&budget, ask("key:alice", 40_000, now))
            .await
            .unwrap();
        stores.limits.settle(&ticket, Some("j1")).await;
        stores.push.issue("t1", "key:alice").await;
        stores.push.bind("t1", Some("j1")).await;
        // A request in flight when the process dies.
        assert_eq!(stores.idempotency.claim("dying", a).await, Claim::Fresh);
    }
    let stores = Stores::file(&path).unwrap();
    assert_eq!(
        stores.session_secret,
        Some(secret),
        "sessions signed before the restart still verify"
    );
    assert_eq!(
        stores.idempotency.claim("done", a).await,
        Claim::Replay(Bytes::from_static(b"job"))
    );
    assert!(stores.idempotency.knows_job("j1").await);
    assert_eq!(
        stores.ownership.owner("j1").await.unwrap().as_deref(),
        Some("key:alice")
    );
    assert!(
        matches!(
            stores
                .limits
                .admit(&budget, ask("key:bob", 40_000, now))
                .await,
            Err(Refusal::Budget { .. })
        ),
        "the day's spend survives"
    );
    assert_eq!(
        stores.push.expected("t1").await,
        Some(("key:alice".to_owned(), "j1".to_owned()))
    );
    match stores.idempotency.claim("dying", a).await {
        Claim::Unsettled(window) => assert!(window.sent_at <= window.judged_at),
        other => panic!("a key in flight when its process died is looked for, not {other:?}"),
    }
}

#[tokio::test]
async fn a_state_file_serves_one_process_and_says_so() {
    let dir = tempdir::TempDir::new("locked");
    let path = state_file(&dir);
    let _held = Stores::file(&path).unwrap();
    let refused = Stores::file(&path).err().expect("a second open is refused");
    assert!(refused.contains("held by another krea-proxy"), "{refused}");
    assert!(refused.contains("redis://"), "{refused}");
}

#[tokio::test]
async fn a_file_that_is_not_a_state_file_is_refused_with_its_name() {
    let dir = tempdir::TempDir::new("garbage");
    let path = dir.0.join("state.redb");
    std::fs::write(&path, b"not a database at all, just some text").unwrap();
    let refused = Stores::file(&path).err().expect("refused");
    assert!(refused.contains(&path.display().to_string()), "{refused}");
}

/// Two jobs of one key and one of an anonymous session, on a day in December: each counts for
/// its scopes; the failed job's note is taken once (its refund counted once however often it
/// is seen); an admin's listing has the key and the proxy, not the session.
async fn usage_adds_up_by_scope_and_period_and_counts_a_job_s_end_once(usage: &dyn UsageStore) {
    let now = 1_796_464_800_000; // 2026-12-05T10:00:00Z
    let periods = Periods::at(now);
    let ana = vec!["key:ana".to_owned(), "proxy".to_owned()];
    let visitor = vec![
        "session:1".to_owned(),
        "visitors".to_owned(),
        "proxy".to_owned(),
    ];
    let model = "krea/krea-2/medium";
    for (scopes, job) in [(&ana, "job-1"), (&ana, "job-2"), (&visitor, "job-3")] {
        usage
            .add(&book::made(&periods, scopes, model, Some(30_000)))
            .await;
        let note = JobNote {
            model: model.to_owned(),
            micros: 30_000,
            scopes: scopes.clone(),
            periods: NotedPeriods::from(&periods),
        };
        usage.keep_note(job, &note, now + DAY_MS).await;
    }
    let failed = usage.take_note("job-2").await.expect("the note is there");
    assert_eq!(failed.scopes, ana);
    usage.add(&book::ended(&failed, Ending::Refunded)).await;
    assert_eq!(usage.take_note("job-2").await, None, "taken once");
    assert_eq!(usage.take_note("never-made").await, None);
    let done = usage.take_note("job-1").await.unwrap();
    usage
        .add(&book::ended(&done, Ending::Completed { images: 2 }))
        .await;

    let count = |tallies: &[(String, krea_proxy::usage::Counts)], scope: &str, m: Measure| {
        tallies
            .iter()
            .find(|(s, _)| s == scope)
            .and_then(|(_, c)| c.get(&field(model, m)).copied())
            .unwrap_or(0)
    };
    for period in [&periods.day, &periods.month] {
        let listed = usage.read(period, None).await.unwrap();
        let scopes: Vec<&str> = listed.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(scopes, ["key:ana", "proxy", "visitors"], "{period}");
        assert_eq!(count(&listed, "key:ana", Measure::Spent), 30_000);
        assert_eq!(count(&listed, "key:ana", Measure::Jobs), 2);
        assert_eq!(count(&listed, "key:ana", Measure::Failed), 1);
        assert_eq!(count(&listed, "key:ana", Measure::Images), 2);
        assert_eq!(count(&listed, "proxy", Measure::Spent), 60_000);
        assert_eq!(count(&listed, "proxy", Measure::Jobs), 3);
        let own = usage
            .read(period, Some(&["session:1".to_owned()]))
            .await
            .unwrap();
        assert_eq!(count(&own, "session:1", Measure::Jobs), 1);
    }
    let other_day = Periods::at(now + 2 * DAY_MS);
    assert!(usage.read(&other_day.day, None).await.unwrap().is_empty());
}
