//! Spending, seen: a personal monthly budget warns at 80 % and at 100 % (and stops nothing),
//! and the spending panel draws the last 30 days as bars, says a day's numbers on focus and
//! on hover, and lists what each model cost.

use krea_e2e::Stack;

const COMPLETED: &str = "[data-testid='job-card'][data-status='completed']";

async fn generate_with(stack: &Stack, model: &str, prompt: &str, done: usize) {
    stack.select("model-select", model).await;
    stack.studio().generate(prompt).await;
    stack.wait_for_count(COMPLETED, done).await;
}

#[tokio::test]
async fn a_monthly_budget_warns_and_the_last_30_days_are_drawn_per_day_and_model() {
    let stack = Stack::start(300).await;
    stack.open().await;
    // Before anything is spent: nothing to draw, and no warning.
    stack.click_summary("spending").await;
    assert!(stack
        .text("spend-none")
        .await
        .contains("Nothing was billed"));

    // A budget must be dollars above zero; the bad one is refused beside its field.
    let settings = stack.settings();
    settings.toggle().await;
    settings.save("monthly-budget", "ten").await;
    assert!(stack
        .text_when("budget-error", |t| !t.is_empty())
        .await
        .contains("above 0"));
    settings.save("monthly-budget", "0.05").await;
    assert_eq!(stack.text_when("budget-error", str::is_empty).await, "");
    settings.toggle().await;

    // Krea 2 Turbo is $0.015 and Krea 2 $0.03: 30 %, then 90 %, then 120 % of $0.05.
    generate_with(&stack, "krea/krea-2/medium-turbo", "a small boat", 1).await;
    assert_eq!(
        stack
            .count("[data-testid=budget-warning]:not(:empty)")
            .await,
        0
    );
    generate_with(&stack, "krea/krea-2/medium", "a lighthouse", 2).await;
    let near = stack.text_when("budget-warning", |t| !t.is_empty()).await;
    assert_eq!(near, "90 % of your monthly budget spent ($0.045 of $0.05)");
    generate_with(&stack, "krea/krea-2/medium-turbo", "a harbour", 3).await;
    let reached = stack
        .text_when("budget-warning", |t| t.starts_with("Monthly"))
        .await;
    assert_eq!(
        reached,
        "Monthly budget reached: $0.06 of $0.05 (120 %). Nothing is stopped."
    );
    assert_eq!(
        stack.count(COMPLETED).await,
        3,
        "the budget refused nothing"
    );

    // The chart: one bar group per day, today last; two models, the bigger first.
    let summary = stack
        .text_when("spend-summary", |t| t.contains("$0.06"))
        .await;
    assert_eq!(
        summary,
        "Last 30 days: $0.06 · This month: $0.06 of $0.05 (120 %)"
    );
    assert_eq!(stack.count("[data-testid=spend-day]").await, 30);
    assert_eq!(
        stack
            .count("[data-testid=spend-day] rect:not(.spend-slot)")
            .await,
        2
    );
    let models = stack
        .eval(
            "return [...document.querySelectorAll('[data-testid=spend-model]')]
               .map(e => [...e.children].slice(1).map(c => c.textContent))",
        )
        .await;
    assert_eq!(
        models,
        serde_json::json!([
            ["Krea 2", "$0.03", "1 job"],
            ["Krea 2 Turbo", "$0.03", "2 jobs"]
        ])
    );

    // Focus today's bar: its numbers, per model; hover an empty day: its zero.
    stack
        .eval("document.querySelectorAll('[data-testid=spend-day]')[29].focus()")
        .await;
    let today = stack
        .text_when("spend-detail", |t| t.contains("Krea 2 Turbo"))
        .await;
    assert!(
        today.ends_with(": $0.06 — Krea 2 $0.03 (1 job), Krea 2 Turbo $0.03 (2 jobs)"),
        "{today}"
    );
    stack
        .eval(
            "document.querySelectorAll('[data-testid=spend-day]')[3]
               .dispatchEvent(new MouseEvent('mouseenter'))",
        )
        .await;
    let empty_day = stack
        .text_when("spend-detail", |t| !t.contains("Krea"))
        .await;
    assert!(empty_day.ends_with(": $0.00"), "{empty_day}");
    stack.close().await;
}
