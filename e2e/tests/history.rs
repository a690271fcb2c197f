//! History survives a reload: a job in flight reappears and finishes, a finished one stays,
//! and the form keeps what was in it.

use krea_e2e::Stack;

const CARD: &str = "[data-testid='job-card']";

#[tokio::test]
async fn reloading_mid_flight_keeps_every_job_and_resumes_polling() {
    let stack = Stack::start(3000).await;
    stack.open().await;
    stack
        .select("model-select", "krea/krea-2/medium-turbo")
        .await;
    stack.studio().generate("a quick sketch").await;
    stack.css(&format!("{CARD}[data-status='completed']")).await;

    stack.select("model-select", "krea/krea-2/large").await;
    stack.studio().generate("a slow painting").await;
    stack.wait_for_count(CARD, 2).await;
    let in_flight = stack
        .browser
        .execute(
            "return document.querySelector(arguments[0]).dataset.jobId",
            vec![CARD.into()],
        )
        .await
        .unwrap();

    stack.open().await; // a reload, as a person would
    stack.wait_for_count(CARD, 2).await;
    assert_eq!(
        stack.value("prompt-input").await,
        "a slow painting",
        "the draft stays"
    );
    assert_eq!(stack.value("model-select").await, "krea/krea-2/large");
    let pending = format!("{CARD}[data-job-id={in_flight}]");
    let status = stack
        .browser
        .execute(
            "return document.querySelector(arguments[0]).dataset.status",
            vec![pending.clone().into()],
        )
        .await
        .unwrap();
    assert_ne!(
        status, "completed",
        "the reload happened after the job finished; the test proves nothing"
    );
    stack
        .css(&format!("{pending}[data-status='completed']"))
        .await;
    assert_eq!(
        stack
            .count(&format!("{CARD}[data-status='completed']"))
            .await,
        2
    );
    stack.close().await;
}
