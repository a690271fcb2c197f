//! A site that embeds the studio through a public proxy, as its owner relies on it:
//! - its visitors share one allowance (`--allow-embed ORIGIN,budget=0.05`): the frame shows
//!   what is left of it, and when it is spent says so in the proxy's words, with no job made;
//!   another visitor of the site shares it, a visitor of no site does not;
//! - a chosen image comes with the proxy's signed receipt, which the site's server checks with
//!   the secret `krea-proxy receipt-secret --site ORIGIN` prints, and a changed byte fails.

use krea_api::receipt::{self, Receipt};
use krea_e2e::pages::EmbedHost;
use krea_e2e::{HostSite, Proxy, Stack};
use serde_json::{json, Value};

/// The proxy's receipt secret (never the browser's to see).
const RECEIPT_SECRET: &str = "receipt-secret-of-this-proxy-0123456789";

struct Shop {
    host: HostSite,
    api: Proxy,
    stack: Stack,
}

impl Shop {
    /// The page `/shop.html` of a host site embeds the studio (Krea 2 Medium only), through
    /// an API proxy that issues sessions and gives the site `allowance`.
    async fn open(allowance: &str) -> Shop {
        let host = HostSite::start().await;
        let dist = std::env::var("KREA_DIST").expect("KREA_DIST");
        let server = Proxy::start(
            &[
                "--simulate",
                "--serve",
                &dist,
                "--allow-embed",
                &host.origin,
            ],
            &[],
        )
        .await;
        let studio = server.base.replace("127.0.0.1", "localhost");
        let site = format!("{}{allowance}", host.origin);
        let api = Proxy::start(
            &[
                "--simulate",
                "--sim-job-ms",
                "300",
                "--sessions",
                "--allow-origin",
                &studio,
                "--allow-embed",
                &site,
                // A site's budget prices every model its visitors may use.
                "--allow-model",
                "krea/krea-2/medium",
            ],
            &[("KREA_PROXY_RECEIPT_SECRET", RECEIPT_SECRET)],
        )
        .await;
        let stack = Stack::builder().proxy(server).start().await;
        let page = format!(
            r#"<!doctype html><html><head><meta charset="utf-8">
<script type="module" src="{studio}/embed.js"></script></head>
<body><h1>A shop</h1>
<krea-studio id="s1" proxy="{}" models="krea/krea-2/medium" locale="en"></krea-studio>
<script>window.seen = [];
for (const type of ['ready', 'job:submitted', 'job:completed', 'image:chosen', 'error']) {{
  document.addEventListener('krea:' + type,
    (e) => window.seen.push({{ type, on: e.target.id, payload: e.detail }}), true);
}}</script></body></html>"#,
            api.base
        );
        host.page("/shop.html", &page, None);
        stack.browser.goto(&host.url("/shop.html")).await.unwrap();
        let shop = Shop { host, api, stack };
        shop.embed().event("ready", "s1").await;
        shop
    }

    fn embed(&self) -> EmbedHost<'_> {
        self.stack.embed_host()
    }

    /// Generates in the frame and waits for the host page to hear it completed.
    async fn generate(&self, prompt: &str) -> Value {
        self.embed().enter("s1").await;
        self.stack.studio().generate(prompt).await;
        self.embed().leave().await;
        self.embed().event("job:completed", "s1").await
    }
}

#[tokio::test]
async fn an_embed_on_a_site_with_a_spent_allowance_says_so_in_the_frame() {
    // Krea 2 Medium is $0.03 a job: one fits in the site's $0.05 a day, a second does not.
    let shop = Shop::open(",budget=0.05").await;
    let (stack, embed) = (&shop.stack, shop.embed());
    embed.enter("s1").await;
    assert_eq!(
        stack.studio().budget_left_when(|t| !t.is_empty()).await,
        "$0.05 of $0.05 left today"
    );
    embed.leave().await;
    shop.generate("a red chair").await;
    embed.enter("s1").await;
    stack
        .studio()
        .budget_left_when(|t| t == "$0.02 of $0.05 left today")
        .await;

    // The second does not fit: the frame says why, and no card is added.
    let why = stack.studio().generate_refused().await;
    assert!(
        why.contains(&format!(
            "Today's allowance for visitors of {} is spent",
            shop.host.origin
        )),
        "{why}"
    );
    assert_eq!(stack.count("[data-testid='job-card']").await, 1);

    // Another visitor of the site shares the spent allowance; a visitor of no site does not.
    // (Asked from inside the frame, whose origin the proxy lets call it.)
    let generate_as = "const [base, site, done] = arguments;
        const ask = site ? {method: 'POST', headers: {'x-krea-site': site}} : {method: 'POST'};
        fetch(base + '/session', ask).then(r => r.json()).then(s => fetch(
          base + '/generate/image/krea/krea-2/medium', {method: 'POST',
            headers: {'x-krea-session': s.session, 'content-type': 'application/json'},
            body: JSON.stringify({prompt: 'a chair', aspect_ratio: '1:1', resolution: '1K'})}))
        .then(r => done(r.status));";
    let status = |site: Value| stack.eval_async(generate_as, vec![json!(shop.api.base), site]);
    assert_eq!(status(json!(shop.host.origin)).await, 402);
    assert_eq!(status(Value::Null).await, 200);
    embed.leave().await;
    shop.stack.close().await;
}

#[tokio::test]
async fn a_chosen_image_carries_a_receipt_the_site_s_server_can_check() {
    let shop = Shop::open("").await;
    let completed = shop.generate("a blue vase").await;
    let url = completed["urls"][0].as_str().unwrap().to_owned();
    shop.embed().enter("s1").await;
    shop.stack.scroll_to_and_click("use-image").await;
    shop.embed().leave().await;
    let chosen = shop.embed().event("image:chosen", "s1").await;
    assert_eq!(chosen["url"], url.as_str());
    let receipt: Receipt = serde_json::from_value(chosen["receipt"].clone())
        .unwrap_or_else(|_| panic!("no receipt in {chosen}"));

    // The site owner's secret, as the operator hands it over.
    let printed = std::process::Command::new(std::env::var("KREA_PROXY_BIN").unwrap())
        .args(["receipt-secret", "--site", &shop.host.origin])
        .env("KREA_PROXY_RECEIPT_SECRET", RECEIPT_SECRET)
        .output()
        .unwrap();
    assert!(printed.status.success(), "{printed:?}");
    let secret = String::from_utf8(printed.stdout).unwrap().trim().to_owned();
    assert_ne!(secret, RECEIPT_SECRET);

    let claims = receipt::verify(&secret, &receipt).expect("the receipt verifies");
    assert_eq!(claims.job_id, completed["jobId"].as_str().unwrap());
    assert!(claims.urls.contains(&url), "{claims:?}");
    assert_eq!(claims.origin, shop.host.origin);
    assert_eq!(claims.price_usd, Some(0.03));
    // One changed byte, and it does not.
    let mut changed = receipt.clone();
    changed.claims = changed.claims.replacen("0.03", "0.01", 1);
    assert!(receipt::verify(&secret, &changed).is_err());
    // Nor under another site's secret.
    let other = receipt::site_secret(RECEIPT_SECRET, "https://elsewhere.example");
    assert!(receipt::verify(&other, &receipt).is_err());
    shop.stack.close().await;
}
