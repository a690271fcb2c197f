//! The history's storage in a real browser: IndexedDB one record per job, the move from the
//! old localStorage history, corrupt records, writes the browser refuses, and no storage
//! at all. Each test starts from an empty database.
#![cfg(target_arch = "wasm32")]

use krea_studio::components::Studio;
use krea_studio::history_db::{HistoryDb, Write, JOBS};
use krea_studio::hooks::{browser_storage, Kept, HISTORY_KEY};
use krea_studio::jobs::{JobEntry, JobStore};
use krea_studio::settings::RuntimeConfig;
use krea_studio::storage_scope::StorageScope;
use krea_studio::studio_root::StudioRoot;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod common;
use common::eventually;

/// A realistic finished job.
fn entry(n: usize) -> JobEntry {
    let id = format!("4d0e5f97-9721-4422-b88c-{n:012}");
    JobEntry {
        job: serde_json::from_value(json!({
            "job_id": id, "status": "completed",
            "created_at": format!("2026-11-22T10:{:02}:{:02}.000Z", n / 60 % 60, n % 60),
            "completed_at": "2026-11-22T11:00:07.000Z",
            "result": {"urls": [format!("https://gen.krea.ai/images/{id}.png")]}
        }))
        .unwrap(),
        model_id: "bfl/flux-1-dev".into(),
        request: json!({
            "prompt": format!("a red fox in fresh snow at golden hour, number {n}"),
            "width": 1536, "height": 1024, "seed": 3317551338u64, "steps": 30,
            "style_images": [{"url": "https://app-uploads.krea.ai/style/abc.png", "strength": 0.8}]
        })
        .as_object()
        .unwrap()
        .clone(),
        notice: None,
        lost: None,
        source: None,
        starred: false,
        boards: Default::default(),
        set: None,
    }
}

/// An empty history, then `count` realistic jobs written into it.
async fn database_with_jobs(count: usize) -> HistoryDb {
    empty_database().await;
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .unwrap();
    let mut store = JobStore::default();
    for n in 0..count {
        store.add(entry(n));
    }
    let changes = store.take_changes();
    db.write(HistoryDb::writes(&store, &changes)).await.unwrap();
    db
}

/// Imports `entries` as a history file, as a person would.
fn import_jobs(root: &web_sys::Element, entries: &[JobEntry]) {
    import(root, &krea_studio::jobs::history_file::export(entries));
}

async fn empty_database() {
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .expect("IndexedDB opens");
    db.clear().await.unwrap();
    db.close();
    if let Some(storage) = browser_storage(Kept::Always) {
        storage.clear().unwrap();
    }
}

fn mount() -> (web_sys::Element, impl Drop) {
    let document = gloo_utils::document();
    let root = document.create_element("section").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let config = RuntimeConfig {
        proxy_url: Some("http://127.0.0.1:9".into()),
        ..RuntimeConfig::default()
    };
    let mounted = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        provide_context(StudioRoot::document());
        view! { <Studio config /> }
    });
    (root, mounted)
}

fn count(root: &web_sys::Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn notice(root: &web_sys::Element) -> String {
    root.query_selector("[data-testid=storage-notice]")
        .unwrap()
        .and_then(|n| n.text_content())
        .unwrap_or_default()
}

/// Picks `text` as the history file to import, as a person would with the file picker.
fn import(root: &web_sys::Element, text: &str) {
    let input: web_sys::HtmlInputElement = root
        .query_selector("[data-testid=import-file]")
        .unwrap()
        .expect("the import input")
        .unchecked_into();
    let transfer = web_sys::DataTransfer::new().unwrap();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let picked = web_sys::File::new_with_str_sequence(&parts, "history.json").unwrap();
    transfer.items().add_with_file(&picked).unwrap();
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(&web_sys::Event::new("change").unwrap())
        .unwrap();
}

/// Breaks the browser's storage with `script`, then mounts the studio and waits for it.
async fn mount_after(script: &str) -> (web_sys::Element, impl Drop) {
    empty_database().await;
    run(script);
    let (root, mounted) = mount();
    eventually(5, "the studio", || {
        count(&root, "[data-testid=prompt-input]") == 1
    })
    .await;
    (root, mounted)
}

/// Runs `script` in the page (to break the browser's storage on purpose).
fn run(script: &str) {
    js_sys::Function::new_no_args(script)
        .call0(&wasm_bindgen::JsValue::NULL)
        .unwrap();
}

#[wasm_bindgen_test]
async fn two_thousand_jobs_are_two_thousand_records_that_read_back_the_same() {
    empty_database().await;
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .expect("IndexedDB opens");
    let mut store = JobStore::default();
    for n in 0..2000 {
        store.add(entry(n));
    }
    let changes = store.take_changes();
    assert_eq!(changes.jobs.len(), 2000);
    db.write(HistoryDb::writes(&store, &changes))
        .await
        .expect("written");
    let loaded = db.load().await.unwrap();
    assert_eq!(loaded.unreadable, 0);
    assert_eq!(loaded.store.entries().len(), 2000);
    for n in [0, 999, 1999] {
        assert_eq!(loaded.store.get(entry(n).id()), Some(&entry(n)));
    }
}

#[wasm_bindgen_test]
async fn a_record_json_cannot_hold_does_not_hide_the_others() {
    let db = database_with_jobs(3).await;
    // IndexedDB holds a BigInt; JSON.stringify throws on one.
    let odd = js_sys::eval(
        r#"({"job": {"job_id": "4d0e5f97-9721-4422-b88c-eeeeeeeeeeee"}, "model_id": 10n})"#,
    )
    .unwrap();
    db.write(vec![Write::Put(JOBS, odd)]).await.unwrap();
    let loaded = db.load().await.unwrap();
    assert_eq!(loaded.store.entries().len(), 3, "every readable job");
    assert_eq!(loaded.unreadable, 1);
    assert_eq!(loaded.store.get(entry(1).id()), Some(&entry(1)));
    db.close();
}

#[wasm_bindgen_test]
async fn an_old_localstorage_history_moves_to_indexeddb_and_a_corrupt_record_is_skipped() {
    empty_database().await;
    // A history as the previous version saved it, with one entry it cannot read.
    let mut legacy = JobStore::default();
    for n in 0..300 {
        legacy.add(entry(n));
    }
    let mut text: serde_json::Value = serde_json::to_value(&legacy).unwrap();
    text["entries"]
        .as_array_mut()
        .unwrap()
        .push(json!({"job": {"job_id": 42}, "model_id": []}));
    let storage = browser_storage(Kept::Always).unwrap();
    storage
        .set_item(&StorageScope::studio().key(HISTORY_KEY), &text.to_string())
        .unwrap();
    // And one corrupt record already in IndexedDB.
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .unwrap();
    let broken = js_sys::JSON::parse(
        r#"{"job": {"job_id": "4d0e5f97-9721-4422-b88c-ffffffffffff"}, "model_id": 7}"#,
    )
    .unwrap();
    db.write(vec![Write::Put(JOBS, broken)]).await.unwrap();
    db.close();

    let (root, _mounted) = mount();
    // The grid shows the first page of the 300; the count above it says all of them.
    eventually(20, "the first page of cards", || {
        count(&root, "[data-testid=job-card]") == krea_studio::components::GRID_PAGE as u32
    })
    .await;
    eventually(5, "the notice", || {
        notice(&root).contains("2 saved entries")
    })
    .await;
    eventually(5, "the old copy to move aside", || {
        storage
            .get_item(&StorageScope::studio().key(HISTORY_KEY))
            .unwrap()
            .is_none()
    })
    .await;
    assert!(
        storage
            .get_item("krea-studio.history.migrated")
            .unwrap()
            .is_some(),
        "the old copy is kept, not deleted"
    );
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .unwrap();
    let loaded = db.load().await.unwrap();
    assert_eq!(
        loaded.store.entries().len(),
        300,
        "every readable entry moved"
    );
    assert_eq!(
        loaded.unreadable, 1,
        "the corrupt record is left where it was"
    );
    db.close();
    root.remove();
}

#[wasm_bindgen_test]
async fn a_write_the_browser_refuses_is_said_at_once_and_the_jobs_stay() {
    let (root, _mounted) = mount_after(
        "window.realPut = IDBObjectStore.prototype.put;
         IDBObjectStore.prototype.put = function () {
           throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
         };",
    )
    .await;
    // An import is the quickest way to a large write.
    import_jobs(&root, &(0..50).map(entry).collect::<Vec<_>>());
    eventually(10, "the imported cards", || {
        count(&root, "[data-testid=job-card]") == 50
    })
    .await;
    eventually(5, "the refusal said", || {
        notice(&root).contains("storage for this site is full")
    })
    .await;
    assert!(
        notice(&root).contains("50 changes are kept in this tab only"),
        "{}",
        notice(&root)
    );

    // Room again: the next change writes everything that waited.
    run("IDBObjectStore.prototype.put = window.realPut;");
    import_jobs(&root, &[entry(50)]);
    eventually(5, "the notice to clear", || notice(&root).is_empty()).await;
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .unwrap();
    assert_eq!(db.load().await.unwrap().store.entries().len(), 51);
    db.close();
    root.remove();
}

#[wasm_bindgen_test]
async fn without_any_storage_the_studio_starts_works_and_says_so() {
    run("window.savedStorage = {};
         for (const name of ['localStorage', 'sessionStorage', 'indexedDB']) {
           window.savedStorage[name] = Object.getOwnPropertyDescriptor(window, name)
             || Object.getOwnPropertyDescriptor(Window.prototype, name);
           Object.defineProperty(window, name, {
             configurable: true,
             get() { throw new DOMException('Access is denied for this document.', 'SecurityError'); },
           });
         }");
    let (root, _mounted) = mount();
    eventually(5, "the studio", || {
        count(&root, "[data-testid=prompt-input]") == 1
    })
    .await;
    eventually(5, "the notice", || {
        notice(&root).contains("will not survive a reload")
    })
    .await;
    run(
        "for (const [name, descriptor] of Object.entries(window.savedStorage)) {
           Object.defineProperty(window, name, descriptor);
         }",
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn an_imported_history_cannot_smuggle_links_or_paths_into_the_page() {
    empty_database().await;
    let (root, _mounted) = mount();
    eventually(5, "the studio", || {
        count(&root, "[data-testid=prompt-input]") == 1
    })
    .await;
    let mut hostile = entry(1);
    hostile.job = serde_json::from_value(json!({
        "job_id": entry(1).id(), "status": "completed", "created_at": "2026-11-22T10:00:00.000Z",
        "result": {"urls": ["javascript:alert(document.domain)", "data:text/html,<script>alert(1)</script>",
                            "https://gen.krea.ai/images/fine.png"]}
    }))
    .unwrap();
    let mut traversal = serde_json::to_value(entry(2)).unwrap();
    traversal["job"]["job_id"] = json!("../../generate/image/bfl/flux-1-dev");
    let file = json!({"format": "krea-studio.history", "version": 1,
                      "jobs": [serde_json::to_value(&hostile).unwrap(), traversal]});
    import(&root, &file.to_string());
    eventually(5, "the imported card", || {
        count(&root, "[data-testid=job-card]") == 1
    })
    .await;
    let outcome = root
        .query_selector("[data-testid=files-outcome]")
        .unwrap()
        .and_then(|n| n.text_content())
        .unwrap_or_default();
    assert!(
        outcome.contains("1 entry refused") && outcome.contains("not a UUID"),
        "{outcome}"
    );
    assert_eq!(
        count(&root, "[data-testid=unsafe-url]"),
        2,
        "both shown as text"
    );
    let images = root.query_selector_all("img").unwrap();
    for index in 0..images.length() {
        let src = images
            .item(index)
            .unwrap()
            .unchecked_into::<web_sys::Element>()
            .get_attribute("src")
            .unwrap_or_default();
        assert!(src.starts_with("https://"), "{src} reached the page");
    }
    root.remove();
}

#[wasm_bindgen_test]
async fn when_set_item_throws_settings_and_drafts_live_in_memory_and_the_studio_works() {
    let (root, _mounted) = mount_after(
        "window.realSetItem = Storage.prototype.setItem;
         Storage.prototype.setItem = function () {
           throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
         };",
    )
    .await;
    let prompt: web_sys::HtmlTextAreaElement = root
        .query_selector("[data-testid=prompt-input]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    prompt.set_value("a draft that cannot be kept");
    prompt
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let button: web_sys::HtmlButtonElement = root
        .query_selector("[data-testid=generate-button]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    eventually(5, "Generate to accept the prompt", || !button.disabled()).await;
    assert_eq!(prompt.value(), "a draft that cannot be kept");
    run("Storage.prototype.setItem = window.realSetItem;");
    root.remove();
}

/// A database as the studio wrote it before the `created` index (schema 1): the same stores
/// and key paths, records written by the studio's own code, in no particular order.
async fn schema_one_database(name: &str, entries: &[JobEntry]) {
    schema_one_database_held(name, entries).await.close();
}

/// A schema-1 database holding `entries`, with its connection left open: as a tab of the
/// studio's previous version would hold it, keeping a newer version's open blocked.
async fn schema_one_database_held(name: &str, entries: &[JobEntry]) -> idb::Database {
    use idb::{Factory, KeyPath, ObjectStoreParams, TransactionMode};
    use krea_studio::jobs::history_schema::{JOBS_KEY_PATH, SUBMISSIONS, SUBMISSIONS_KEY_PATH};
    let factory = Factory::new().unwrap();
    factory.delete(name).unwrap().await.unwrap();
    let mut open = factory.open(name, Some(1)).unwrap();
    open.on_upgrade_needed(|event| {
        use idb::DatabaseEvent;
        let db = event.database().unwrap();
        let mut jobs = ObjectStoreParams::new();
        jobs.key_path(Some(KeyPath::new_single(JOBS_KEY_PATH)));
        db.create_object_store(JOBS, jobs).unwrap();
        let mut submissions = ObjectStoreParams::new();
        submissions.key_path(Some(KeyPath::new_single(SUBMISSIONS_KEY_PATH)));
        db.create_object_store(SUBMISSIONS, submissions).unwrap();
    });
    let db = open.await.unwrap();
    let mut store = JobStore::default();
    for entry in entries {
        store.add(entry.clone());
    }
    let changes = store.take_changes();
    let tx = db.transaction(&[JOBS], TransactionMode::ReadWrite).unwrap();
    for write in HistoryDb::writes(&store, &changes) {
        if let Write::Put(_, value) = write {
            tx.object_store(JOBS).unwrap().put(&value, None).unwrap();
        }
    }
    tx.commit().unwrap().await.unwrap();
    db
}

#[wasm_bindgen_test]
async fn a_schema_one_history_gains_the_created_index_and_loses_nothing() {
    let name = "krea-studio.upgrade-test";
    // Written out of order: record keys (job ids) do not follow creation times.
    let entries: Vec<JobEntry> = (0..300).map(|n| entry((n * 7919) % 300)).collect();
    schema_one_database(name, &entries).await;

    let db = HistoryDb::open(name).await.expect("the old database opens");
    let loaded = db.load().await.unwrap();
    assert_eq!(loaded.unreadable, 0);
    assert_eq!(
        loaded.store.entries().len(),
        300,
        "every job is still there"
    );
    for entry in &entries {
        assert_eq!(loaded.store.get(entry.id()), Some(entry), "unchanged");
    }
    // The newest first, through the new index: entry(n) was created at second n.
    let newest = db.newest(96).await.unwrap();
    let expected: Vec<JobEntry> = (204..300).rev().map(entry).collect();
    assert_eq!(newest, expected);
    db.close();
    // Opened again, it stays as it is.
    let again = HistoryDb::open(name).await.unwrap();
    assert_eq!(again.load().await.unwrap().store.entries().len(), 300);
    assert_eq!(again.newest(3).await.unwrap(), expected[..3].to_vec());
    again.close();
}

#[wasm_bindgen_test]
async fn a_record_that_contains_itself_is_skipped_and_the_studio_keeps_working() {
    let db = database_with_jobs(3).await;
    // Another script on the origin wrote an object that holds itself: IndexedDB keeps it.
    let cyclic = js_sys::eval(
        r#"(() => {
            const record = {"job": {"job_id": "4d0e5f97-9721-4422-b88c-dddddddddddd",
                                    "created_at": "2026-11-22T12:00:00.000Z"},
                            "model_id": "bfl/flux-1-dev"};
            record.job.again = record;
            return record;
        })()"#,
    )
    .unwrap();
    db.write(vec![Write::Put(JOBS, cyclic)]).await.unwrap();
    let loaded = db.load().await.unwrap();
    assert_eq!(loaded.store.entries().len(), 3, "every readable job");
    assert_eq!(loaded.unreadable, 1, "the cyclic record is counted");
    // The newest-first read meets it first (it is the newest) and skips it too.
    assert_eq!(db.newest(96).await.unwrap().len(), 3);
    db.close();

    let (root, _mounted) = mount();
    eventually(10, "the readable cards", || {
        count(&root, "[data-testid=job-card]") == 3
    })
    .await;
    eventually(5, "the skipped record said", || {
        notice(&root).contains("1 saved entry could not be read")
    })
    .await;
    // Still alive: an import makes cards.
    import_jobs(&root, &[entry(7)]);
    eventually(5, "the imported card", || {
        count(&root, "[data-testid=job-card]") == 4
    })
    .await;
    root.remove();
}

#[wasm_bindgen_test]
async fn an_open_the_browser_does_not_answer_is_said_and_the_journal_still_counts() {
    empty_database().await;
    let scope = StorageScope::studio();
    let name = scope.database();
    // A tab of the previous version holds the history open: the studio's open is blocked.
    let held = schema_one_database_held(name, &[entry(1)]).await;
    // A page closed before its write reached IndexedDB left a job in the journal.
    let prefix = StorageScope::studio().journal_prefix();
    let mut left = JobStore::default();
    left.add(entry(2));
    let changes = left.take_changes();
    let storage = browser_storage(Kept::Always).unwrap();
    for line in krea_studio::jobs::journal::lines(&prefix, &left, &changes) {
        storage.set_item(&line.key, &line.text).unwrap();
    }

    let (root, _mounted) = mount();
    eventually(10, "the notice that nothing is saved yet", || {
        notice(&root).contains("not being saved yet")
    })
    .await;
    eventually(5, "the journal's job", || {
        count(&root, "[data-testid=job-card]") == 1
    })
    .await;
    // A change made meanwhile goes into the journal, for a reload.
    import_jobs(&root, &[entry(3)]);
    eventually(5, "the imported card", || {
        count(&root, "[data-testid=job-card]") == 2
    })
    .await;
    let journaled = (0..storage.length().unwrap())
        .filter_map(|at| storage.key(at).unwrap())
        .any(|key| key.starts_with(&prefix) && key.ends_with(entry(3).id()));
    assert!(journaled, "the change made while waiting is in the journal");

    // The old tab goes: the open answers, everything is read and saved.
    held.close();
    eventually(10, "the saved history and the notice gone", || {
        count(&root, "[data-testid=job-card]") == 3 && notice(&root).is_empty()
    })
    .await;
    let db = HistoryDb::open(name).await.unwrap();
    eventually_saved(&db, 3).await;
    db.close();
    root.remove();
}

/// Waits until the database holds `jobs` jobs.
async fn eventually_saved(db: &HistoryDb, jobs: usize) {
    for _ in 0..100 {
        if db.load().await.unwrap().store.entries().len() == jobs {
            return;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
    }
    panic!("the database never held {jobs} jobs");
}

#[wasm_bindgen_test]
async fn a_history_from_a_newer_version_is_named_as_such() {
    let scope = StorageScope::studio();
    let name = scope.database();
    let factory = idb::Factory::new().unwrap();
    factory.delete(name).unwrap().await.unwrap();
    let newer = factory.open(name, Some(99)).unwrap().await.unwrap();
    newer.close();
    let (root, _mounted) = mount();
    eventually(10, "the notice", || {
        notice(&root).contains("saved by a newer version of the studio")
    })
    .await;
    assert!(
        !notice(&root).contains("keeps no storage"),
        "{}",
        notice(&root)
    );
    root.remove();
    drop(_mounted);
    factory.delete(name).unwrap().await.unwrap();
}

#[wasm_bindgen_test]
async fn when_no_store_takes_a_change_its_card_says_so_and_leaving_asks_first() {
    let (root, _mounted) = mount_after(
        "window.realPut = IDBObjectStore.prototype.put;
         IDBObjectStore.prototype.put = function () {
           throw new DOMException('The transaction was aborted.', 'AbortError');
         };
         window.realSetItem = Storage.prototype.setItem;
         Storage.prototype.setItem = function () {
           throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
         };",
    )
    .await;
    import_jobs(&root, &[entry(4)]);
    eventually(5, "the card that says it is not saved", || {
        count(&root, "[data-testid=not-kept]") == 1
    })
    .await;
    assert!(
        notice(&root).contains("refuses to store anything"),
        "{}",
        notice(&root)
    );
    let leaving = || {
        let init = web_sys::EventInit::new();
        init.set_cancelable(true);
        let event = web_sys::Event::new_with_event_init_dict("beforeunload", &init).unwrap();
        gloo_utils::window().dispatch_event(&event).unwrap();
        event.default_prevented()
    };
    assert!(leaving(), "leaving now asks first");

    // Storage works again: the next change is saved, and leaving no longer asks.
    run("IDBObjectStore.prototype.put = window.realPut;
         Storage.prototype.setItem = window.realSetItem;");
    import_jobs(&root, &[entry(5)]);
    eventually(5, "the warnings to go", || {
        count(&root, "[data-testid=not-kept]") == 0 && notice(&root).is_empty()
    })
    .await;
    assert!(!leaving(), "nothing to lose: leaving does not ask");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_moved_history_whose_copy_does_not_fit_is_not_moved_again() {
    empty_database().await;
    let mut legacy = JobStore::default();
    for n in 0..5 {
        legacy.add(entry(n));
    }
    let storage = browser_storage(Kept::Always).unwrap();
    let legacy_key = StorageScope::studio().key(HISTORY_KEY);
    storage
        .set_item(&legacy_key, &serde_json::to_string(&legacy).unwrap())
        .unwrap();
    // The copy kept aside does not fit.
    run("window.realSetItem = Storage.prototype.setItem;
         Storage.prototype.setItem = function (key, value) {
           if (key.endsWith('history.migrated')) {
             throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
           }
           return window.realSetItem.call(this, key, value);
         };");
    let (root, mounted) = mount();
    eventually(10, "the moved jobs", || {
        count(&root, "[data-testid=job-card]") == 5
    })
    .await;
    eventually(5, "the old history to go", || {
        storage.get_item(&legacy_key).unwrap().is_none()
    })
    .await;
    drop(mounted);
    root.remove();
    run("Storage.prototype.setItem = window.realSetItem;");

    // Cleared since: a new start finds nothing to move back.
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .unwrap();
    db.clear().await.unwrap();
    db.close();
    let (root, _mounted) = mount();
    eventually(5, "the studio", || {
        count(&root, "[data-testid=prompt-input]") == 1
    })
    .await;
    gloo_timers::future::TimeoutFuture::new(500).await;
    assert_eq!(
        count(&root, "[data-testid=job-card]"),
        0,
        "no job came back"
    );
    root.remove();
}

fn click(root: &web_sys::Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector}"))
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn a_removal_waits_for_undo_and_a_reload_meanwhile_keeps_the_job() {
    empty_database().await;
    let (root, mounted) = mount();
    import_jobs(&root, &(0..3).map(entry).collect::<Vec<_>>());
    let cards = || count(&root, "[data-testid=job-card]");
    eventually(5, "the cards", || cards() == 3).await;

    // Removed at once from sight, with Undo; Undo brings it back.
    click(&root, "[data-testid=remove-job]");
    eventually(2, "the card to go and the toast", || {
        cards() == 2 && count(&root, "[data-testid=undo-toast]") == 1
    })
    .await;
    click(&root, "[data-testid=undo]");
    eventually(2, "the card back", || cards() == 3).await;

    // Removed again, then the page reloads before Undo is over: the job is kept.
    click(&root, "[data-testid=remove-job]");
    eventually(2, "the card to go", || cards() == 2).await;
    drop(mounted);
    root.remove();
    let (root, mounted) = mount();
    let cards = || count(&root, "[data-testid=job-card]");
    eventually(5, "every job after the reload", || cards() == 3).await;

    // Clear finished: all go from sight, and from the history once Undo is over.
    click(&root, "[data-testid=clear-finished]");
    eventually(2, "the cards to go", || cards() == 0).await;
    let db = HistoryDb::open(StorageScope::studio().database())
        .await
        .unwrap();
    assert_eq!(
        db.load().await.unwrap().store.entries().len(),
        3,
        "kept meanwhile"
    );
    eventually(15, "the toast to go", || {
        count(&root, "[data-testid=undo-toast]") == 0
    })
    .await;
    eventually_saved(&db, 0).await;
    db.close();
    drop(mounted);
    root.remove();
}
