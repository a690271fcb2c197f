//! Submissions keep being sent after a reload: the page that resumes them also sends new ones.

use krea_e2e::Stack;

#[tokio::test]
async fn generating_after_a_reload_still_sends() {
    let stack = Stack::builder()
        .job_ms(600)
        .flags(&["--sim-latency-ms", "1500"])
        .start()
        .await;
    stack.open().await;
    stack.studio().generate("before the reload").await;
    assert_eq!(stack.count("[data-testid='job-placeholder']").await, 1);
    stack.open().await; // the answer is still on its way
    stack.studio().generate("after the reload").await;
    stack
        .wait_for_count("[data-testid='job-card'][data-status='completed']", 2)
        .await;
    assert_eq!(stack.count("[data-testid='job-placeholder']").await, 0);
    assert_eq!(
        stack.jobs_on_server().await,
        2,
        "the resent submission made no second job"
    );
    stack.close().await;
}

#[tokio::test]
async fn a_click_and_a_reload_in_the_same_moment_lose_nothing() {
    let stack = Stack::builder().job_ms(600).start().await;
    stack.open().await;
    stack.type_into("prompt-input", "clicked, then gone").await;
    // The history's IndexedDB write cannot land before the page goes: a transaction kept
    // busy on the same stores holds it back until the reload aborts both.
    stack
        .browser
        .execute_async(
            "const [name, jobsStore, submissionsStore, done] = arguments;
             const open = indexedDB.open(name);
             open.onsuccess = () => {
               const tx = open.result.transaction([jobsStore, submissionsStore], 'readwrite');
               const jobs = tx.objectStore(jobsStore);
               const spin = () => { jobs.get('none').onsuccess = spin; };
               spin();
               document.querySelector('[data-testid=generate-button]').click();
               setTimeout(() => { location.reload(); done(true); }, 300);
             };
             open.onerror = () => done(false);",
            vec![
                serde_json::json!(krea_e2e::history_database()),
                serde_json::json!(krea_studio::jobs::history_schema::JOBS),
                serde_json::json!(krea_studio::jobs::history_schema::SUBMISSIONS),
            ],
        )
        .await
        .unwrap();
    stack
        .wait_for_count("[data-testid='job-card'][data-status='completed']", 1)
        .await;
    assert_eq!(
        stack.jobs_on_server().await,
        1,
        "sent once, after the reload"
    );
    let prompt = stack.text("job-prompt").await;
    assert_eq!(prompt, "clicked, then gone");
    // Once IndexedDB holds everything, the journal is empty again.
    let mut left = serde_json::Value::Null;
    for _ in 0..50 {
        left = stack
            .eval("return Object.keys(localStorage).filter(k => k.startsWith('krea-studio.journal.'))")
            .await;
        if left == serde_json::json!([]) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, serde_json::json!([]), "journal lines left behind");
    stack.close().await;
}
