//! A job Krea no longer knows settles instead of waiting forever: after a few 404 answers
//! the card says so and offers Check again and Remove, and Clear finished takes it away.

use krea_e2e::Stack;

const CARD: &str = "[data-testid='job-card']";

#[tokio::test]
async fn a_job_krea_forgot_settles_with_check_again_and_can_be_cleared() {
    // The simulator lives in the proxy: restarting it forgets every job, as a Krea that
    // dropped the job (or a proxy pointed elsewhere) would.
    let mut stack = Stack::start(120_000).await;
    stack.open().await;
    stack
        .type_into("prompt-input", "a job that will be forgotten")
        .await;
    stack.click("generate-button").await;
    stack.css(&format!("{CARD}[data-status='queued']")).await;
    stack.restart_proxy().await;

    // Three 404s in a row, one poll interval apart.
    let lost = stack.css(&format!("{CARD}[data-lost='true']")).await;
    let words = stack.inside(&lost, "job-lost").await.text().await.unwrap();
    assert_eq!(words, "Krea no longer knows this job");
    assert!(
        stack.count("[data-testid='cancel-job']").await == 0,
        "nothing to cancel on a job Krea does not know"
    );
    let nothing_in_flight = stack
        .eval("return document.querySelector('[data-testid=cancel-all]').disabled")
        .await;
    assert_eq!(nothing_in_flight, true, "a lost job is not in flight");

    // Checking again asks Krea again, and it still does not know the job.
    stack.click("check-again").await;
    stack
        .wait_for_count(&format!("{CARD}[data-lost='true']"), 0)
        .await;
    stack.css(&format!("{CARD}[data-lost='true']")).await;

    stack.click("clear-finished").await;
    stack.wait_for_count(CARD, 0).await;
    stack.close().await;
}
