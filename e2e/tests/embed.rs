//! Another site embeds the studio: host pages on their own origins (`127.0.0.1:A`,
//! `127.0.0.1:D`), the studio on another site (`localhost:B`), its API proxy on a third port.
//! What a site owner relies on: the events and their shapes, the commands, the frame's
//! height, origins checked both ways, lazy loading, independent instances, blocked storage.

use fantoccini::Locator;
use krea_e2e::pages::EmbedHost;
use krea_e2e::{HostSite, Proxy, Stack};
use serde_json::{json, Value};
use std::time::Duration;

const EVENTS: &str = "['ready','resize','job:submitted','job:completed','job:failed',\
'image:chosen','error','warning']";

struct Embedding {
    stack: Stack,
    /// The site allowed to embed by both the studio's server and the API proxy.
    host: HostSite,
    /// A site the studio's server lets frame it, but the API proxy does not list.
    other: HostSite,
    /// `http://localhost:B`: where the studio and `embed.js` are.
    studio: String,
    /// `http://127.0.0.1:C`: the proxy the host pages name; it holds [`TOKEN`].
    api: String,
    /// `http://127.0.0.1:K`: "Krea" (the simulator) behind it, where pictures come from.
    krea: String,
    _api: Proxy,
    _krea: Proxy,
}

/// The Krea token the API proxy holds: no request, page or storage of the browser may carry it.
const TOKEN: &str = "embed-test-token-0f9e8d7c";

async fn embedding(prefs: Value) -> Embedding {
    embedding_with(prefs, 800).await
}

/// `job_ms`: how long the API proxy's simulated jobs take.
async fn embedding_with(prefs: Value, job_ms: u64) -> Embedding {
    let job_ms = job_ms.to_string();
    let host = HostSite::start().await;
    let other = HostSite::start().await;
    let dist = std::env::var("KREA_DIST").expect("KREA_DIST");
    let server = Proxy::start(
        &[
            "--simulate",
            "--sim-job-ms",
            "800",
            "--serve",
            &dist,
            "--allow-embed",
            &host.origin,
            "--allow-embed",
            &other.origin,
        ],
        &[],
    )
    .await;
    let studio = server.base.replace("127.0.0.1", "localhost");
    let krea = Proxy::start(&["--simulate", "--sim-job-ms", &job_ms], &[]).await;
    let api_proxy = Proxy::start(
        &[
            "--upstream",
            &krea.base,
            "--allow-origin",
            &studio,
            // Inline, the studio's code runs in the host page, and calls from its origin.
            "--allow-origin",
            &host.origin,
            "--allow-embed",
            &host.origin,
        ],
        &[("KREA_API_TOKEN", TOKEN)],
    )
    .await;
    let api = api_proxy.base.clone();
    let stack = Stack::builder().proxy(server).prefs(prefs).start().await;
    Embedding {
        stack,
        host,
        other,
        studio,
        api,
        krea: krea.base.clone(),
        _api: api_proxy,
        _krea: krea,
    }
}

/// A host page: the loader, these elements, and a log of every studio event in `window.seen`.
fn host_page(studio: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8">
<script type="module" src="{studio}/embed.js"></script>
<style>body {{ margin: 0; font: 16px serif; }} krea-studio {{ display: block; max-width: 800px; }}</style>
</head><body><h1>A blog post</h1>{body}
<script>
window.seen = [];
for (const type of {EVENTS}) {{
  document.addEventListener('krea:' + type,
    (e) => window.seen.push({{ type, on: e.target.id, payload: e.detail }}), true);
}}
</script></body></html>"#
    )
}

impl Embedding {
    async fn open(&self, site: &HostSite, path: &str) {
        self.stack.browser.goto(&site.url(path)).await.unwrap();
    }

    /// The host page, as its page object.
    fn page(&self) -> EmbedHost<'_> {
        self.stack.embed_host()
    }
}

#[tokio::test]
async fn a_host_page_hears_the_studio_steers_it_and_receives_the_chosen_image() {
    let site = embedding(json!({})).await;
    let element = format!(
        r#"<krea-studio id="s1" proxy="{}" models="bfl/flux-1-dev,google/nano-banana-pro" theme="light" locale="en" accent="rgb(200, 30, 90)"></krea-studio>"#,
        site.api
    );
    site.host
        .page("/post.html", &host_page(&site.studio, &element), None);
    site.open(&site.host, "/post.html").await;

    // `ready`, in the contract's shape.
    let ready = site.page().event("ready", "s1").await;
    assert!(
        ready["version"].as_str().is_some_and(|v| !v.is_empty()),
        "{ready}"
    );
    let capabilities: Vec<String> = serde_json::from_value(ready["capabilities"].clone()).unwrap();
    for wanted in ["setTheme", "setLocale", "prefill", "reset", "image:chosen"] {
        assert!(capabilities.iter().any(|c| c == wanted), "{capabilities:?}");
    }

    // The frame is as tall as the studio's content.
    tokio::time::sleep(Duration::from_millis(500)).await;
    site.page().enter("s1").await;
    let content = site
        .stack
        .eval("return document.body.getBoundingClientRect().height;")
        .await
        .as_f64()
        .unwrap();
    // Only the models the host offers, in its order; the host's accent colour.
    let offered = site
        .stack
        .eval("return [...document.querySelectorAll('[data-testid=model-select] option')].map(o => o.value);")
        .await;
    assert_eq!(offered, json!(["bfl/flux-1-dev", "google/nano-banana-pro"]));
    let accent = site
        .stack
        .eval("return getComputedStyle(document.querySelector('[data-testid=generate-button]')).backgroundColor;")
        .await;
    assert_eq!(accent, "rgb(200, 30, 90)");
    site.page().leave().await;
    let height = site.page().frame_height("s1").await;
    assert!(
        (height - content.ceil()).abs() <= 1.0,
        "frame {height} for content {content}"
    );

    // Commands visibly apply.
    site.page().command("s1", "setTheme('dark')").await;
    site.page().command("s1", "setLocale('it')").await;
    site.page()
        .command(
            "s1",
            "prefill({prompt: 'a lighthouse at dusk', model: 'google/nano-banana-pro'})",
        )
        .await;
    site.page().enter("s1").await;
    let applied = "return [document.documentElement.dataset.theme, document.documentElement.lang, \
        document.querySelector('[data-testid=prompt-input]').value, \
        document.querySelector('[data-testid=model-select]').value];";
    site.page()
        .eval_until(
            applied,
            json!([
                "dark",
                "it",
                "a lighthouse at dusk",
                "google/nano-banana-pro"
            ]),
        )
        .await;
    // A model the host did not offer is not taken.
    site.page().leave().await;
    site.page()
        .command("s1", "prefill({model: 'bfl/flux-1-kontext-dev'})")
        .await;
    site.page().enter("s1").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        site.stack.value("model-select").await,
        "google/nano-banana-pro"
    );

    // A full generate: submitted, then completed with the image, then chosen by the person.
    // Every request the studio makes is noted, with its headers.
    site.stack
        .eval(
            "window.sent = []; const send = window.fetch; \
             window.fetch = (input, init) => { \
               window.sent.push(JSON.stringify([String(input.url || input), \
                 [...new Headers((init && init.headers) || input.headers || {})]])); \
               return send(input, init); };",
        )
        .await;
    site.stack.select("model-select", "bfl/flux-1-dev").await;
    site.stack.click("generate-button").await;
    site.page().leave().await;
    let submitted = site.page().event("job:submitted", "s1").await;
    assert_eq!(submitted["model"], "bfl/flux-1-dev");
    assert_eq!(submitted["prompt"], "a lighthouse at dusk");
    let job_id = submitted["jobId"].as_str().unwrap().to_owned();
    let completed = site.page().event("job:completed", "s1").await;
    assert_eq!(completed["jobId"], job_id.as_str());
    let url = completed["urls"][0].as_str().unwrap().to_owned();
    assert!(url.starts_with(&site.krea), "{url}");
    let order: Vec<String> = site
        .page()
        .seen()
        .await
        .iter()
        .filter(|e| e["type"].as_str().is_some_and(|t| t.starts_with("job:")))
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, ["job:submitted", "job:completed"]);
    site.page().enter("s1").await;
    // The token is nowhere the browser can reach: not sent, shown or kept.
    let sent = site.stack.eval("return window.sent;").await;
    assert!(sent.as_array().is_some_and(|s| !s.is_empty()), "{sent}");
    let reachable = "return JSON.stringify([window.sent, document.documentElement.outerHTML, \
        Object.entries(localStorage), Object.entries(sessionStorage)]);";
    let reachable = site.stack.eval(reachable).await.to_string();
    assert!(!reachable.contains(TOKEN));
    // As a person would: scroll to the card's button, then press it.
    site.stack.scroll_to_and_click("use-image").await;
    site.page().leave().await;
    let chosen = site.page().event("image:chosen", "s1").await;
    assert_eq!(
        chosen,
        json!({"url": url, "jobId": job_id, "prompt": "a lighthouse at dusk", "source": null,
               "receipt": null}),
        "an image made from no other names no source"
    );

    // Content sized by the viewport does not make the frame grow forever.
    site.page().enter("s1").await;
    site.stack
        .eval(
            "const tall = document.createElement('div'); tall.style.height = '100vh'; \
               document.body.append(tall);",
        )
        .await;
    site.page().leave().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let settled = site.page().frame_height("s1").await;
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert_eq!(
            site.page().frame_height("s1").await,
            settled,
            "the frame kept growing"
        );
    }

    // On a phone, the compact layout fits 360 px without scrolling sideways.
    site.stack.resize(360, 740).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    site.page().enter("s1").await;
    let fits = site
        .stack
        .eval(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;",
        )
        .await;
    assert_eq!(fits, json!(true));
    site.page().leave().await;
    site.stack.close().await;
}

#[tokio::test]
async fn messages_go_only_to_the_named_host_and_come_only_from_it() {
    let site = embedding(json!({})).await;
    let (host, other, studio, api) = (
        &site.host.origin,
        &site.other.origin,
        &site.studio,
        &site.api,
    );
    // A page of another site frames the studio claiming to be the host: a studio posting to
    // "*" would be heard there.
    site.other.page(
        "/nest.html",
        &format!(
            r#"<!doctype html><script>window.heard = 0;
addEventListener('message', (e) => {{ if (e.data && e.data.ns === 'krea-studio') window.heard++; }});
</script><iframe id="studio" src="{studio}/embed/#id=nested&parent={host}"></iframe>"#
        ),
        None,
    );
    // A sibling frame of another site sends the studio a command.
    site.other.page(
        "/spoof.html",
        r#"<!doctype html><script>
const spoof = {ns: 'krea-studio', v: 1, id: 'manual', type: 'prefill', payload: {prompt: 'spoofed'}};
setInterval(() => parent.frames[0].postMessage(spoof, '*'), 200);
</script>"#,
        None,
    );
    site.host.page(
        "/frames.html",
        &format!(
            r#"<!doctype html><script>window.ready = false;
addEventListener('message', (e) => {{ if (e.data && e.data.ns === 'krea-studio' && e.data.id === 'manual' && e.data.type === 'ready') window.ready = true; }});
</script><iframe id="studio" src="{studio}/embed/#id=manual&parent={host}&proxy={api}"></iframe>
<iframe src="{other}/spoof.html"></iframe><iframe id="nest" src="{other}/nest.html"></iframe>"#
        ),
        None,
    );
    site.open(&site.host, "/frames.html").await;
    let studio_frame = site
        .stack
        .browser
        .find(Locator::Id("studio"))
        .await
        .unwrap();
    studio_frame.enter_frame().await.unwrap();
    site.stack.element("prompt-input").await;
    site.page().leave().await;
    // The same command from the host page itself is taken, once the studio said `ready` (before
    // that it cannot take commands: `embed.js` queues them, a page posting by hand must wait).
    site.page()
        .eval_until("return window.ready;", json!(true))
        .await;
    let legit = format!(
        "document.getElementById('studio').contentWindow.postMessage({{ns: 'krea-studio', v: 1, \
         id: 'manual', type: 'prefill', payload: {{prompt: 'from the host'}}}}, '{studio}');"
    );
    site.stack.eval(&legit).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let studio_frame = site
        .stack
        .browser
        .find(Locator::Id("studio"))
        .await
        .unwrap();
    studio_frame.enter_frame().await.unwrap();
    assert_eq!(site.stack.value("prompt-input").await, "from the host");
    site.page().leave().await;

    // The nested studio runs (so it has posted), and the page of the other site heard nothing.
    let nest = site.stack.browser.find(Locator::Id("nest")).await.unwrap();
    nest.enter_frame().await.unwrap();
    let inner = site
        .stack
        .browser
        .find(Locator::Id("studio"))
        .await
        .unwrap();
    inner.enter_frame().await.unwrap();
    site.stack.element("prompt-input").await;
    site.stack.browser.enter_parent_frame().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(site.stack.eval("return window.heard;").await, json!(0));
    site.page().leave().await;

    // A site the API proxy does not list: the studio says so, and sends nothing.
    let element = format!(r#"<krea-studio id="s1" proxy="{api}"></krea-studio>"#);
    site.other
        .page("/post.html", &host_page(studio, &element), None);
    site.open(&site.other, "/post.html").await;
    site.page().enter("s1").await;
    assert!(site.stack.text("embed-refused").await.contains("proxy"));
    site.page().leave().await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(site.page().seen().await, Vec::<Value>::new());
    site.stack.close().await;
}

#[tokio::test]
async fn lazy_instances_wait_and_two_on_a_page_stay_apart_under_a_strict_policy() {
    let site = embedding(json!({})).await;
    let (studio, api) = (&site.studio, &site.api);
    // The host page allows scripts and frames from the studio only.
    let policy = format!(
        "default-src 'none'; script-src {studio}; frame-src {studio}; style-src 'unsafe-inline'"
    );
    let page = format!(
        r#"<!doctype html><html><head><script type="module" src="{studio}/embed.js"></script></head><body>
<krea-studio id="a" proxy="{api}"></krea-studio>
<krea-studio id="b" proxy="{api}" theme="dark"></krea-studio>
<krea-studio id="c" proxy="{api}" loading="click" label="Try the generator"></krea-studio>
<div style="height: 4000px"></div>
<krea-studio id="d" proxy="{api}" loading="lazy"></krea-studio>
</body></html>"#
    );
    site.host.page("/two.html", &page, Some(&policy));
    site.open(&site.host, "/two.html").await;
    site.page().enter("a").await;
    site.stack.element("prompt-input").await;
    site.page().leave().await;
    site.page().enter("b").await;
    site.stack.element("prompt-input").await;
    site.page().leave().await;
    let frames = "return ['a','b','c','d'].map(id => \
        !!document.getElementById(id).shadowRoot.querySelector('iframe'));";
    assert_eq!(
        site.stack.eval(frames).await,
        json!([true, true, false, false])
    );
    // Nothing of the studio was fetched for the waiting ones: two embed pages, not four.
    let embeds = "return performance.getEntriesByType('resource')\
        .filter(r => r.name.includes('/embed/')).length;";
    assert_eq!(site.stack.eval(embeds).await, json!(2));

    // A command to one instance leaves the other alone.
    site.page()
        .command("a", "prefill({prompt: 'only for a'})")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    site.page().enter("a").await;
    assert_eq!(site.stack.value("prompt-input").await, "only for a");
    let theme = "return document.documentElement.dataset.theme || 'auto';";
    assert_eq!(site.stack.eval(theme).await, json!("auto"));
    site.page().leave().await;
    site.page().enter("b").await;
    assert_eq!(site.stack.value("prompt-input").await, "");
    assert_eq!(site.stack.eval(theme).await, json!("dark"));
    site.page().leave().await;
    // Each keeps its own history: a job made in one never shows in the other.
    site.page().enter("a").await;
    site.stack.click("generate-button").await;
    site.stack.wait_for_count("[data-testid=job-card]", 1).await;
    site.page().leave().await;
    site.page().enter("b").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(site.stack.count("[data-testid=job-card]").await, 0);
    site.page().leave().await;

    // The click placeholder loads on click; the lazy one when scrolled to.
    let placeholder = "document.getElementById('c').shadowRoot.querySelector('button').click();";
    site.stack.eval(placeholder).await;
    site.stack
        .eval("document.getElementById('d').scrollIntoView();")
        .await;
    site.page()
        .eval_until(frames, json!([true, true, true, true]))
        .await;
    site.page().enter("d").await;
    site.stack.element("prompt-input").await;
    site.page().leave().await;

    // Taking the element out destroys its studio: the frame goes with it.
    let removed = "const a = document.getElementById('a'); a.remove(); \
        return a.shadowRoot.childElementCount;";
    assert_eq!(site.stack.eval(removed).await, json!(0));
    // The strict policy saw nothing it had to block.
    assert_eq!(site.stack.csp_violations().await, Vec::<String>::new());
    site.stack.close().await;
}

#[tokio::test]
async fn with_storage_blocked_the_embedded_studio_still_works_and_warns() {
    // Site data blocked: localStorage and IndexedDB throw, as in some private modes and
    // third-party frames.
    let site = embedding(json!({"profile.default_content_setting_values.cookies": 2})).await;
    let element = format!(
        r#"<krea-studio id="s1" proxy="{}"></krea-studio>"#,
        site.api
    );
    site.host
        .page("/post.html", &host_page(&site.studio, &element), None);
    site.open(&site.host, "/post.html").await;
    site.page().event("ready", "s1").await;
    site.page().enter("s1").await;
    let probe = "try { localStorage.length; return 'open'; } catch (e) { return e.name; }";
    assert_eq!(site.stack.eval(probe).await, "SecurityError");
    site.page().leave().await;
    assert_eq!(
        site.page().event("warning", "s1").await,
        json!({"code": "storage_unavailable"})
    );
    site.page().enter("s1").await;
    site.stack.studio().generate("kept in memory").await;
    site.page().leave().await;
    let completed = site.page().event("job:completed", "s1").await;
    assert!(completed["urls"][0].is_string(), "{completed}");
    site.stack.close().await;
}

/// A studio inside the host page's element: `shadow` finds `selector` in its shadow root.
fn shadow(element: &str, selector: &str) -> String {
    format!("document.getElementById('{element}').shadowRoot.querySelector('{selector}')")
}

#[tokio::test]
async fn an_inline_studio_stays_inside_its_element_and_destroy_leaves_nothing_running() {
    let site = embedding_with(json!({}), 20_000).await;
    let (studio, api) = (&site.studio, &site.api);
    // A host page with CSS that would wreck any studio it reached, and elements named like
    // the studio's own classes.
    let body = format!(
        r#"<style>* {{ font-family: cursive !important; }}
button {{ background: rgb(255, 0, 0) !important; }} .prompt-form {{ display: none !important; }}</style>
<div class="studio" id="host-div">the host's own .studio</div>
<krea-studio id="i1" render="inline" proxy="{api}" models="bfl/flux-1-dev"></krea-studio>
<krea-studio id="i2" render="inline" proxy="{api}" theme="dark"></krea-studio>"#
    );
    site.host
        .page("/inline.html", &host_page(studio, &body), None);
    site.open(&site.host, "/inline.html").await;
    let before = site
        .stack
        .eval("return [location.href, history.length];")
        .await;
    site.page().event("ready", "i1").await;
    site.page().event("ready", "i2").await;

    // The host's CSS does not reach in.
    let inside = format!(
        "const button = {}; const form = {}; \
         return [getComputedStyle(button).backgroundColor, getComputedStyle(form).display, \
                 getComputedStyle(button).fontFamily.includes('cursive')];",
        shadow("i1", "[data-testid=generate-button]"),
        shadow("i1", ".prompt-form")
    );
    let styles = site.stack.eval(&inside).await;
    assert_ne!(styles[0], "rgb(255, 0, 0)", "{styles}");
    assert_ne!(styles[1], "none", "{styles}");
    assert_eq!(styles[2], false, "{styles}");
    // The studio's CSS does not leak out: the host's `.studio` is still a plain block.
    let host_div = "return getComputedStyle(document.getElementById('host-div')).display;";
    assert_eq!(site.stack.eval(host_div).await, "block");
    // Each has its own theme; the wasm was fetched once for both.
    let themes = format!(
        "return [{}.dataset.theme || 'auto', {}.dataset.theme || 'auto'];",
        shadow("i1", ".krea-studio"),
        shadow("i2", ".krea-studio")
    );
    assert_eq!(site.stack.eval(&themes).await, json!(["auto", "dark"]));
    let wasm = "return performance.getEntriesByType('resource')\
        .filter(r => r.name.endsWith('_bg.wasm')).length;";
    assert_eq!(site.stack.eval(wasm).await, json!(1));

    // Commands and a generate, through the same contract as a frame.
    site.page()
        .command("i1", "prefill({prompt: 'a paper boat'})")
        .await;
    let prompt = format!(
        "return {}.value;",
        shadow("i1", "[data-testid=prompt-input]")
    );
    site.page().eval_until(&prompt, json!("a paper boat")).await;
    let host = site.stack.browser.find(Locator::Id("i1")).await.unwrap();
    let root = host.shadow_root().await.unwrap();
    root.find(Locator::Css("[data-testid=generate-button]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let submitted = site.page().event("job:submitted", "i1").await;
    assert_eq!(submitted["prompt"], "a paper boat");
    let cards = "return document.getElementById('i2').shadowRoot\
        .querySelectorAll('[data-testid=job-card]').length;";
    assert_eq!(site.stack.eval(cards).await, json!(0));
    // The host's address and history are untouched.
    assert_eq!(
        site.stack
            .eval("return [location.href, history.length];")
            .await,
        before
    );

    // destroy(): every node goes, and the job it was following is no longer polled.
    let polls = format!(
        "return performance.getEntriesByType('resource')\
         .filter(r => r.name.startsWith('{api}/jobs/')).length;"
    );
    site.stack
        .eval("const i1 = document.getElementById('i1'); window.i1 = i1; i1.remove();")
        .await;
    assert_eq!(
        site.stack
            .eval("return window.i1.shadowRoot.childElementCount;")
            .await,
        json!(0)
    );
    let after_destroy = site.stack.eval(&polls).await;
    tokio::time::sleep(Duration::from_millis(5000)).await;
    assert_eq!(site.stack.eval(&polls).await, after_destroy);
    site.stack.close().await;
}

#[tokio::test]
async fn an_inline_studio_under_a_strict_host_policy_logs_no_violation() {
    let site = embedding(json!({})).await;
    let (studio, api, krea) = (&site.studio, &site.api, &site.krea);
    let policy = format!(
        "default-src 'none'; script-src {studio} 'wasm-unsafe-eval'; \
         connect-src {studio} {api}; style-src {studio} 'unsafe-inline'; img-src {krea} data:"
    );
    let page = format!(
        r#"<!doctype html><html><head><script type="module" src="{studio}/embed.js"></script></head>
<body><krea-studio id="s1" render="inline" proxy="{api}"></krea-studio></body></html>"#
    );
    site.host.page("/strict.html", &page, Some(&policy));
    site.open(&site.host, "/strict.html").await;
    let host = site.stack.browser.find(Locator::Id("s1")).await.unwrap();
    let root = host.shadow_root().await.unwrap();
    let mut found = None;
    for _ in 0..300 {
        if let Ok(input) = root.find(Locator::Css("[data-testid=prompt-input]")).await {
            found = Some(input);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    found
        .expect("the inline studio renders")
        .send_keys("a quiet harbour")
        .await
        .unwrap();
    root.find(Locator::Css("[data-testid=generate-button]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let image = format!("return !!{};", shadow("s1", "[data-testid=job-image]"));
    site.page().eval_until(&image, json!(true)).await;
    assert_eq!(site.stack.csp_violations().await, Vec::<String>::new());
    site.stack.close().await;
}

#[tokio::test]
async fn an_embedded_studio_uploads_unless_its_host_turns_uploads_off() {
    let site = embedding(json!({})).await;
    let (studio, api) = (&site.studio, &site.api);
    let body = format!(
        r#"<krea-studio id="on" render="inline" proxy="{api}" models="bytedance/seedream-4"></krea-studio>
<krea-studio id="off" render="inline" proxy="{api}" models="bytedance/seedream-4" uploads="off"></krea-studio>"#
    );
    site.host
        .page("/uploads.html", &host_page(studio, &body), None);
    site.open(&site.host, "/uploads.html").await;
    site.page().event("ready", "on").await;
    site.page().event("ready", "off").await;
    let zones = |id: &str| {
        format!(
            "return document.getElementById('{id}').shadowRoot\
             .querySelectorAll('[data-testid=drop-style_images]').length;"
        )
    };
    site.page().eval_until(&zones("on"), json!(1)).await;
    assert_eq!(
        site.stack.eval(&zones("off")).await,
        json!(0),
        "uploads=\"off\""
    );
    // A file dropped on the embedded studio goes to the host's proxy and comes back as an asset.
    site.stack
        .eval_async(
            "const done = arguments[arguments.length - 1];
             const canvas = document.createElement('canvas');
             canvas.width = 20; canvas.height = 20;
             canvas.getContext('2d').fillRect(0, 0, 10, 10);
             canvas.toBlob(blob => {
               const data = new DataTransfer();
               data.items.add(new File([blob], 'dot.png', { type: 'image/png' }));
               document.getElementById('on').shadowRoot
                 .querySelector('[data-testid=drop-style_images]')
                 .dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
               done(true);
             }, 'image/png');",
            vec![],
        )
        .await;
    let thumbs = "return document.getElementById('on').shadowRoot\
        .querySelectorAll('[data-testid=image-thumb]').length;";
    site.page().eval_until(thumbs, json!(1)).await;
    let value = format!(
        "return {}.value.startsWith('{}/simulator/assets/');",
        shadow("on", "[data-testid=field-style_images]"),
        site.krea
    );
    site.page().eval_until(&value, json!(true)).await;
    site.stack.close().await;
}
