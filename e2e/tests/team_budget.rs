//! A team member's key with its own budget in the proxy's keys file: the studio shows what is
//! left of it under Generate ("$0.10 of $0.10 left today"), counts each job down, and when it
//! is spent shows the proxy's words, with no job made. Settings then shows what the key spent
//! at the proxy; with the team lead's admin key, every key in a table that sorts and
//! downloads as CSV.

use krea_e2e::Stack;
use sha2::{Digest, Sha256};

const KEY: &str = "designer-key-2026";
const LEAD: &str = "lead-key-2026";

fn sha(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_key_s_budget_is_shown_counted_down_and_its_end_said() {
    let digest = sha(KEY);
    let dir = std::env::temp_dir().join(format!("krea-e2e-team-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys.toml");
    std::fs::write(
        &keys,
        format!(
            "[[key]]\nname = \"designer\"\nkey_sha256 = \"{digest}\"\nbudget_usd_per_day = 0.10\n\
             models = [\"krea/krea-2/medium\"]\n\n[[key]]\nname = \"lead\"\nkey_sha256 = \"{}\"\n\
             admin = true\n",
            sha(LEAD)
        ),
    )
    .unwrap();
    let stack = Stack::builder()
        .job_ms(300)
        .flags(&[
            "--keys",
            keys.to_str().unwrap(),
            "--usd-per-compute-unit",
            "0.001",
        ])
        .start()
        .await;
    stack.open().await;
    stack.settings().toggle().await;
    stack.settings().save("access-key", KEY).await;
    stack.settings().toggle().await;
    stack.select("model-select", "krea/krea-2/medium").await;
    assert_eq!(
        stack.studio().budget_left_when(|t| !t.is_empty()).await,
        "$0.10 of $0.10 left today"
    );

    // Krea 2 Medium is $0.03 an image.
    stack.studio().generate("a chair in a white room").await;
    stack.studio().wait_for_completed(1).await;
    stack
        .studio()
        .budget_left_when(|t| t == "$0.07 of $0.10 left today")
        .await;
    for n in 2..=3 {
        stack.click("generate-button").await;
        stack.studio().wait_for_completed(n).await;
    }
    stack
        .studio()
        .budget_left_when(|t| t == "$0.01 of $0.10 left today")
        .await;

    // The fourth does not fit: the proxy's words, and no card.
    let why = stack.studio().generate_refused().await;
    assert!(
        why.contains("Today's budget for the key designer is spent"),
        "{why}"
    );
    assert_eq!(stack.count("[data-testid='job-card']").await, 3);

    // What the key spent, as the proxy counted it.
    stack.settings().toggle().await;
    assert_eq!(
        stack
            .text_when("usage-today", |t| t.contains("3 jobs"))
            .await,
        "Today: $0.09 · 3 jobs · 3 images · $0.01 of $0.10 left"
    );
    assert_eq!(
        stack.text("usage-extra").await,
        "0 failed and refunded · 0 uploads · 1 refused"
    );
    assert_eq!(stack.text("usage-models").await, "Krea 2: $0.09 · 3 jobs");
    assert_eq!(
        stack.count("[data-testid='usage-table']").await,
        0,
        "not an admin"
    );

    // The lead sees everyone: the biggest spender first, the proxy's total last.
    stack.settings().save("access-key", LEAD).await;
    let rows = stack.settings().usage_table(3).await;
    let who: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(who, ["designer", "lead", "everyone"]);
    assert_eq!(
        rows[0],
        ["designer", "$0.09", "$0.01", "$0.09", "–", "3", "3", "1"]
    );
    stack.click("usage-sort-who").await;
    stack.click("usage-sort-who").await;
    let rows = stack.settings().usage_table(3).await;
    assert_eq!(rows[0][0], "lead", "names from Z after two clicks");
    assert_eq!(rows[2][0], "everyone");
    stack.click("usage-csv").await;
    let csv = std::fs::read_to_string(stack.downloaded(".csv").await).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("kind,who,spent_today_usd,"), "{csv}");
    assert!(lines[1].starts_with("key,lead,0.000,"), "{csv}");
    assert!(
        lines[2].starts_with("key,designer,0.090,0.010,0.090,,3,3,1,"),
        "{csv}"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    stack.close().await;
}
