//! A team member's key with its own budget in the proxy's keys file: the studio shows what is
//! left of it under Generate ("$0.10 of $0.10 left today"), counts each job down, and when it
//! is spent shows the proxy's words, with no job made.

use krea_e2e::Stack;
use sha2::{Digest, Sha256};

const KEY: &str = "designer-key-2026";

#[tokio::test]
async fn a_key_s_budget_is_shown_counted_down_and_its_end_said() {
    let digest: String = Sha256::digest(KEY.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let dir = std::env::temp_dir().join(format!("krea-e2e-team-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let keys = dir.join("keys.toml");
    std::fs::write(
        &keys,
        format!(
            "[[key]]\nname = \"designer\"\nkey_sha256 = \"{digest}\"\nbudget_usd_per_day = 0.10\n\
             models = [\"krea/krea-2/medium\"]\n"
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
    stack.close().await;
}
