//! The stack an end-to-end test drives: `krea-proxy --simulate --serve dist` on a free port,
//! ChromeDriver on another, and a headless Chromium session. Paths come from `cargo xtask
//! test` through `KREA_PROXY_BIN`, `KREA_DIST` and `CHROMEDRIVER`.

mod host_site;
mod nginx;
pub mod pages;

pub use host_site::HostSite;
pub use nginx::{nginx_config, readme_recipe, Nginx, Processes};

use fantoccini::{Client, ClientBuilder, Locator};
use krea_api::Job;
use krea_studio::jobs::{history_schema, JobEntry};
use krea_studio::storage_scope::StorageScope;
use serde_json::json;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Waits (up to 10 s) until the element's text is `ready`, and returns it (the last text
/// seen, if it never was).
pub async fn text_when(
    element: &fantoccini::elements::Element,
    ready: impl Fn(&str) -> bool,
) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = element.text().await.unwrap();
        if ready(&text) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    text
}

pub struct Stack {
    pub base: String,
    pub browser: Client,
    /// Where the browser saves downloads.
    pub downloads: PathBuf,
    proxy: Proxy,
    _driver: Driver,
    /// CSP directives a test expects the page to run into (see [`Stack::close`]).
    expected_csp: std::sync::Mutex<Vec<&'static str>>,
}

/// ChromeDriver and the Chromium it starts, in their own process group and their own
/// temporary folder. Chromium writes a ~100 MB profile there; a test that panics never
/// ends its session, so dropping this kills the whole group and removes the folder (else
/// every failed test would leave a browser running and its profile in `/tmp`).
struct Driver {
    child: Child,
    scratch: PathBuf,
}

impl Driver {
    fn start(port: u16) -> Driver {
        // Short: Chromium puts a Unix socket in there (paths up to 108 bytes).
        let scratch = std::env::temp_dir().join(format!("chromium-{port}"));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).expect("browser scratch folder");
        let child = Command::new(env_path("CHROMEDRIVER"))
            .arg(format!("--port={port}"))
            .env("TMPDIR", &scratch)
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        Driver { child, scratch }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(group) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{group}")])
                .status();
        }
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// A `krea-proxy` process and what it was started with, so it can be restarted.
pub struct Proxy {
    pub base: String,
    child: Child,
    args: Vec<String>,
    env: Vec<(String, String)>,
}

impl Proxy {
    /// Starts `krea-proxy` with these flags (and `--listen 127.0.0.1:0` unless they name an
    /// address) and waits until it says where it listens.
    pub async fn start(args: &[&str], env: &[(&str, &str)]) -> Proxy {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Proxy::spawn(args, env).await
    }

    async fn spawn(args: Vec<String>, env: Vec<(String, String)>) -> Proxy {
        let mut command = Command::new(env_path("KREA_PROXY_BIN"));
        // Proxies in front of a separate simulator would all take the default state file:
        // each keeps its state in memory unless a test names a file with `--state`.
        command.env("KREA_PROXY_STATE", "memory");
        if !args.iter().any(|a| a == "--listen") {
            command.args(["--listen", "127.0.0.1:0"]);
        }
        let mut child = command
            .args(&args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("krea-proxy starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("krea-proxy prints its URL");
        // Keep reading so the proxy never writes into a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .expect("krea-proxy prints its URL")
            .to_owned();
        Proxy {
            base,
            child,
            args,
            env,
        }
    }

    /// The process id, to read its memory.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("the proxy is running")
    }

    /// Stops the proxy as systemd or `docker stop` would (SIGTERM: requests under way
    /// finish), and starts it again at the same address.
    pub async fn restart(&mut self) {
        let pid = self.child.id().expect("the proxy is running").to_string();
        let stopped = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(stopped.success());
        let exit = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("the proxy drains and exits")
            .unwrap();
        assert!(exit.success(), "the proxy exits cleanly on SIGTERM: {exit}");
        let address = self.base.trim_start_matches("http://").to_owned();
        let mut args: Vec<String> = Vec::new();
        let mut given = self.args.iter();
        while let Some(arg) = given.next() {
            if arg == "--listen" {
                given.next();
            } else {
                args.push(arg.clone());
            }
        }
        args.extend(["--listen".to_owned(), address]);
        let again = Proxy::spawn(args, self.env.clone()).await;
        assert_eq!(again.base, self.base);
        *self = again;
    }
}

fn env_path(name: &str) -> PathBuf {
    std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("{name} is not set: run the end-to-end tests through `cargo xtask test`")
        })
}

/// Where tests put screenshots.
pub fn out_dir() -> PathBuf {
    let dir = std::env::var_os("KREA_E2E_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../target/e2e"));
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// Copies a built site (e.g. `dist/`), to change it or to host it elsewhere.
pub fn copy_folder(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_folder(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

async fn free_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// How a [`Stack`] starts: see [`Stack::builder`].
pub struct StackBuilder {
    job_ms: u64,
    flags: Vec<String>,
    env: Vec<(String, String)>,
    prefs: serde_json::Value,
    proxy: Option<Proxy>,
}

impl StackBuilder {
    /// How long each simulated job takes (600 ms unless said).
    pub fn job_ms(mut self, job_ms: u64) -> Self {
        self.job_ms = job_ms;
        self
    }

    /// More `krea-proxy` flags.
    pub fn flags(mut self, flags: &[&str]) -> Self {
        self.flags.extend(flags.iter().map(|f| f.to_string()));
        self
    }

    /// More environment for `krea-proxy`.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// More Chromium preferences.
    pub fn prefs(mut self, prefs: serde_json::Value) -> Self {
        self.prefs = prefs;
        self
    }

    /// A proxy the test started itself, serving the app (then the flags above are unused).
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    pub async fn start(self) -> Stack {
        let proxy = match self.proxy {
            Some(proxy) => proxy,
            None => {
                let dist = env_path("KREA_DIST");
                let mut args = vec![
                    "--simulate".to_owned(),
                    "--sim-job-ms".to_owned(),
                    self.job_ms.to_string(),
                ];
                args.extend(self.flags);
                args.extend(["--serve".to_owned(), dist.to_string_lossy().into_owned()]);
                Proxy::spawn(args, self.env).await
            }
        };
        Stack::in_front_of(proxy, self.prefs).await
    }
}

impl Stack {
    /// Starts everything with the usual simulator; `job_ms` is how long each simulated job
    /// takes. [`Stack::builder`] says more.
    pub async fn start(job_ms: u64) -> Stack {
        Stack::builder().job_ms(job_ms).start().await
    }

    /// A stack to describe before it starts: the simulator's pace, more proxy flags and
    /// environment, Chromium preferences, or a proxy the test started itself.
    pub fn builder() -> StackBuilder {
        StackBuilder {
            job_ms: 600,
            flags: Vec::new(),
            env: Vec::new(),
            prefs: json!({}),
            proxy: None,
        }
    }

    /// The browser in front of `proxy`, which serves the app, with more Chromium
    /// preferences (e.g. storage blocked in frames).
    async fn in_front_of(proxy: Proxy, prefs: serde_json::Value) -> Stack {
        let base = proxy.base.clone();
        let port = free_port().await;
        let downloads = out_dir().join(format!("downloads-{port}"));
        let _ = std::fs::remove_dir_all(&downloads);
        std::fs::create_dir_all(&downloads).expect("download folder");
        let driver = Driver::start(port);
        let mut all_prefs = json!({
            "download.default_directory": downloads.to_string_lossy(),
            "download.prompt_for_download": false,
            "intl.accept_languages": "en-US,en"
        });
        if let (Some(all), Some(more)) = (all_prefs.as_object_mut(), prefs.as_object()) {
            all.extend(more.clone());
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--no-first-run", "--window-size=1440,900",
                         "--lang=en-US"],
                "prefs": all_prefs
            }),
        );
        let mut browser = None;
        for _ in 0..100 {
            let connected =
                ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                    .capabilities(capabilities.clone())
                    .connect(&format!("http://127.0.0.1:{port}"))
                    .await;
            if let Ok(client) = connected {
                browser = Some(client);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let browser = browser.expect("chromedriver accepts a session");
        Stack {
            base,
            browser,
            downloads,
            proxy,
            _driver: driver,
            expected_csp: std::sync::Mutex::default(),
        }
    }

    /// Restarts the proxy that serves the app (see [`Proxy::restart`]).
    pub async fn restart_proxy(&mut self) {
        self.proxy.restart().await;
    }

    pub async fn open(&self) {
        self.browser.goto(&format!("{}/", self.base)).await.unwrap();
        self.element("prompt-input").await;
    }

    /// Waits (up to 30 s) for the element with this `data-testid`.
    pub async fn element(&self, test_id: &str) -> fantoccini::elements::Element {
        self.css(&format!("[data-testid='{test_id}']")).await
    }

    pub async fn css(&self, selector: &str) -> fantoccini::elements::Element {
        self.browser
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(selector))
            .await
            .unwrap_or_else(|e| panic!("{selector} never appeared: {e}"))
    }

    pub async fn text(&self, test_id: &str) -> String {
        self.element(test_id).await.text().await.unwrap()
    }

    /// Waits (up to 10 s) until the text of the element with this `data-testid` is `ready`,
    /// and returns it (the last text seen, if it never was).
    pub async fn text_when(&self, test_id: &str, ready: impl Fn(&str) -> bool) -> String {
        text_when(&self.element(test_id).await, ready).await
    }

    /// Opens the settings panel, or closes it when open.
    pub async fn toggle_settings(&self) {
        self.click_summary("settings").await;
    }

    /// Unfolds (or folds) the `<details>` element `test_id` by its summary.
    pub async fn click_summary(&self, test_id: &str) {
        self.css(&format!("[data-testid='{test_id}'] summary"))
            .await
            .click()
            .await
            .unwrap();
    }

    /// Replaces the text of an input the way a person would: select all, type.
    pub async fn type_into(&self, test_id: &str, text: &str) {
        let input = self.element(test_id).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// Empties an input with the keyboard (select all, delete), so the page hears it: a
    /// WebDriver clear fires no `input` event.
    pub async fn erase(&self, test_id: &str) {
        const SELECT_ALL_DELETE: &str = "\u{E009}a\u{E000}\u{E017}";
        self.element(test_id)
            .await
            .send_keys(SELECT_ALL_DELETE)
            .await
            .unwrap();
    }

    pub async fn click(&self, test_id: &str) {
        self.element(test_id).await.click().await.unwrap();
    }

    /// As a person would: scrolls the first such element to the middle of the view, then
    /// presses it.
    pub async fn scroll_to_and_click(&self, test_id: &str) {
        self.eval(&format!(
            "document.querySelector('[data-testid={test_id}]').scrollIntoView({{block: 'center'}});"
        ))
        .await;
        self.click(test_id).await;
    }

    /// Picks an option of a `<select>` by its value.
    pub async fn select(&self, test_id: &str, value: &str) {
        self.element(test_id)
            .await
            .select_by_value(value)
            .await
            .unwrap();
    }

    /// Presses Ctrl+Enter inside the element.
    pub async fn ctrl_enter(&self, test_id: &str) {
        const CTRL_ENTER: &str = "\u{E009}\u{E007}";
        self.element(test_id)
            .await
            .send_keys(CTRL_ENTER)
            .await
            .unwrap();
    }

    /// The current value of an input, select or textarea.
    pub async fn value(&self, test_id: &str) -> String {
        let element = self.element(test_id).await;
        element.prop("value").await.unwrap().unwrap_or_default()
    }

    /// The prompts of the cards in the grid, top to bottom.
    pub async fn prompts(&self) -> Vec<String> {
        let listed = self
            .browser
            .execute(
                "return [...document.querySelectorAll('[data-testid=job-prompt]')].map(p => p.textContent)",
                vec![],
            )
            .await
            .unwrap();
        serde_json::from_value(listed).unwrap()
    }

    /// The element with this `data-testid` inside `parent` (a card, say).
    pub async fn inside(
        &self,
        parent: &fantoccini::elements::Element,
        test_id: &str,
    ) -> fantoccini::elements::Element {
        parent
            .find(Locator::Css(&format!("[data-testid='{test_id}']")))
            .await
            .unwrap_or_else(|e| panic!("no {test_id} inside: {e}"))
    }

    /// Presses `keys` one after another on whatever has the focus, as a person at the
    /// keyboard does (WebDriver key actions: no element is picked, nothing is clicked).
    /// Special keys are WebDriver's code points (`\u{E007}` Enter, `\u{E00C}` Escape).
    pub async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.browser.perform_actions(actions).await.unwrap();
    }

    /// An attribute of the element that has the focus (`data-testid`, `data-job-id`…).
    pub async fn focused(&self, attribute: &str) -> Option<String> {
        self.browser
            .execute(
                "const a = document.activeElement; return a ? a.getAttribute(arguments[0]) : null",
                vec![json!(attribute)],
            )
            .await
            .unwrap()
            .as_str()
            .map(str::to_owned)
    }

    /// How many elements match `selector` right now.
    pub async fn count(&self, selector: &str) -> usize {
        let found = self
            .browser
            .execute(
                "return document.querySelectorAll(arguments[0]).length",
                vec![json!(selector)],
            )
            .await
            .unwrap();
        found.as_u64().unwrap_or(0) as usize
    }

    /// Waits (up to 30 s) until `selector` matches exactly `wanted` elements.
    pub async fn wait_for_count(&self, selector: &str, wanted: usize) {
        for _ in 0..300 {
            if self.count(selector).await == wanted {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{selector} never matched {wanted} elements");
    }

    /// How many jobs the proxy's upstream has seen, asked from inside the page.
    pub async fn jobs_on_server(&self) -> usize {
        let listed = self
            .browser
            .execute_async(
                "const done = arguments[0];
                 fetch('/jobs?limit=1000').then(r => r.json()).then(j => done(j.items.length));",
                vec![],
            )
            .await
            .unwrap();
        listed.as_u64().expect("a job count") as usize
    }

    /// Waits (up to 30 s) for a downloaded file whose name ends with `suffix`, and returns
    /// its path once Chromium has finished writing it.
    pub async fn downloaded(&self, suffix: &str) -> PathBuf {
        self.downloaded_where(suffix, |name| name.ends_with(suffix))
            .await
    }

    /// Waits (up to 30 s) for a finished download whose file name passes `wanted`
    /// (`described` names it if none comes).
    pub async fn downloaded_where(
        &self,
        described: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> PathBuf {
        for _ in 0..300 {
            let found = std::fs::read_dir(&self.downloads)
                .unwrap()
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .find(|path| {
                    let name = path.to_string_lossy();
                    // Chromium writes into `.crdownload` and renames when done.
                    !name.ends_with(".crdownload") && wanted(&name)
                });
            if let Some(path) = found {
                return path;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no download {described} in {}", self.downloads.display());
    }

    /// Every job record the studio keeps in this browser's IndexedDB.
    pub async fn stored_jobs(&self) -> Vec<serde_json::Value> {
        let records = self
            .browser
            .execute_async(
                READ_RECORDS,
                vec![json!(history_database()), json!(history_schema::JOBS)],
            )
            .await
            .unwrap();
        serde_json::from_value(records).expect("the history in IndexedDB")
    }

    /// Replaces the saved history (IndexedDB, schema v1) with `finished` completed jobs
    /// (oldest first by a minute each, from 2026-01-01, prompts `history N`, their images
    /// from the simulator) and `pending`, jobs as Krea answered them. The page must have
    /// been opened once, so the database exists; the next load shows the history.
    pub async fn seed_history(&self, finished: usize, pending: serde_json::Value, model: &str) {
        let pending: Vec<Job> = serde_json::from_value(pending).expect("jobs as Krea answers them");
        self.seed_entries(seeded_history(finished, pending, model, &self.base))
            .await;
    }

    /// Replaces the saved history with `records` (see [`Stack::seed_history`]).
    pub async fn seed_entries(&self, records: Vec<JobEntry>) {
        let seeded = self
            .browser
            .execute_async(
                REPLACE_RECORDS,
                vec![
                    json!(history_database()),
                    json!(history_schema::JOBS),
                    json!(history_schema::SUBMISSIONS),
                    serde_json::to_value(records).expect("records as JSON"),
                ],
            )
            .await
            .expect("the history is seeded");
        assert_eq!(seeded, json!(true), "seeding failed: {seeded}");
    }

    /// Runs `script` in the page and returns its value.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.browser.execute(script, vec![]).await.unwrap()
    }

    /// Runs `script` with `args`; returns what it returns.
    pub async fn browser_execute(
        &self,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> serde_json::Value {
        self.browser.execute(script, args).await.unwrap()
    }

    /// Runs `script` with `args` and a callback as its last argument; returns what the
    /// script passed to the callback.
    pub async fn eval_async(
        &self,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> serde_json::Value {
        self.browser.execute_async(script, args).await.unwrap()
    }

    /// From now on, the page records the URL of every request it makes (in
    /// `window.requested`, with when it was made in `window.requestedAt`, by the clock all
    /// tabs share), so a test can tell what the app asked for.
    pub async fn record_requests(&self) {
        self.eval(
            "window.requested = [];
             window.requestedAt = [];
             if (!window.fetchBeforeRecording) {
               window.fetchBeforeRecording = window.fetch;
               window.fetch = (input, init) => {
                 // A string, a Request, or a URL (the loader of lazy parts fetches those).
                 const url = typeof input === 'string' ? input : (input.url || String(input));
                 window.requested.push(url);
                 window.requestedAt.push([Date.now(), url]);
                 return window.fetchBeforeRecording(input, init);
               };
             }",
        )
        .await;
    }

    /// The URLs requested since [`Stack::record_requests`].
    pub async fn requested(&self) -> Vec<String> {
        serde_json::from_value(self.eval("return window.requested").await).unwrap()
    }

    /// The requests since [`Stack::record_requests`], each with when it was made (ms).
    pub async fn requested_at(&self) -> Vec<(f64, String)> {
        serde_json::from_value(self.eval("return window.requestedAt").await).unwrap()
    }

    /// Polls of job state since [`Stack::record_requests`]: `(lists, reads)`, the
    /// `GET /jobs?…` lists and the `GET /jobs/{id}` reads.
    pub async fn job_polls(&self) -> (Vec<(f64, String)>, Vec<(f64, String)>) {
        self.requested_at()
            .await
            .into_iter()
            .filter(|(_, url)| url.contains("/jobs"))
            .partition(|(_, url)| url.contains("/jobs?"))
    }

    /// Makes `count` Flux jobs on the proxy straight from the page, at once, as another app
    /// on the same account would; returns them as Krea answered (for
    /// [`Stack::seed_history`]).
    pub async fn make_jobs(&self, count: usize) -> serde_json::Value {
        self.browser
            .execute_async(
                "const [count, done] = arguments;
                 Promise.all([...Array(count).keys()].map(i =>
                   fetch('/generate/image/bfl/flux-1-dev', {
                     method: 'POST',
                     headers: { 'content-type': 'application/json' },
                     body: JSON.stringify({ prompt: 'made elsewhere ' + i }),
                   }).then(r => r.json())
                 )).then(done, e => done(String(e)));",
                vec![json!(count)],
            )
            .await
            .expect("the jobs are made")
    }

    /// Tells the page its tab went into the background (`document.hidden` true, a
    /// `visibilitychange` event), or came back.
    pub async fn set_hidden(&self, hidden: bool) {
        self.browser
            .execute(
                "const [hidden] = arguments;
                 Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
                 document.dispatchEvent(new Event('visibilitychange'));",
                vec![json!(hidden)],
            )
            .await
            .unwrap();
    }

    /// Tells the page the browser went offline (`navigator.onLine` false, an `offline`
    /// event), or back online.
    pub async fn set_online(&self, online: bool) {
        self.browser
            .execute(
                "const [online] = arguments;
                 Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online });
                 window.dispatchEvent(new Event(online ? 'online' : 'offline'));",
                vec![json!(online)],
            )
            .await
            .unwrap();
    }

    /// Resizes the window to `width`×`height` CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) {
        self.browser.set_window_size(width, height).await.unwrap();
    }

    pub async fn screenshot(&self, name: &str) {
        let png = self.browser.screenshot().await.unwrap();
        std::fs::write(out_dir().join(name), png).unwrap();
    }

    /// Closes the browser, after checking that the page broke no rule of the
    /// Content-Security-Policy `krea-proxy --serve` sends (the policy must fit the app).
    pub async fn close(self) {
        let expected = self.expected_csp.lock().unwrap().clone();
        let violations: Vec<String> = self
            .csp_violations()
            .await
            .into_iter()
            .filter(|v| !expected.iter().any(|directive| v.starts_with(directive)))
            .collect();
        let _ = self.browser.close().await;
        assert!(violations.is_empty(), "CSP violations: {violations:?}");
    }

    /// This test makes the page run into `directive` on purpose (e.g. `connect-src`: a
    /// download from a host the policy does not list, which then opens in a new tab).
    pub fn expect_csp_block(&self, directive: &'static str) {
        self.expected_csp.lock().unwrap().push(directive);
    }

    /// What the Content-Security-Policy blocked on this page since it loaded.
    pub async fn csp_violations(&self) -> Vec<String> {
        const SCRIPT: &str = "const done = arguments[arguments.length - 1];
const seen = [];
const note = (reports) => reports.forEach((r) =>
  seen.push(r.body.effectiveDirective + ' ' + r.body.blockedURL));
const observer = new ReportingObserver(note, { types: ['csp-violation'], buffered: true });
observer.observe();
setTimeout(() => { note(observer.takeRecords()); observer.disconnect(); done(seen); }, 300);";
        let found = self.browser.execute_async(SCRIPT, vec![]).await;
        serde_json::from_value(found.unwrap_or_default()).unwrap_or_default()
    }
}

/// The studio's IndexedDB database (the page's own, not an embedded instance's).
pub fn history_database() -> String {
    StorageScope::studio().database().to_owned()
}

/// The records [`Stack::seed_history`] writes: the app's own [`JobEntry`], so the test
/// writes exactly what the studio would have written. `finished` completed jobs (oldest
/// first by a minute each, from 2026-01-01, prompts `history N`, their images from the
/// simulator at `origin`), then `pending` as Krea answered them.
pub fn seeded_history(
    finished: usize,
    pending: Vec<Job>,
    model: &str,
    origin: &str,
) -> Vec<JobEntry> {
    let start = 1_767_225_600_000_u64; // 2026-01-01T00:00:00Z
    let request = |prompt: String| {
        json!({ "prompt": prompt })
            .as_object()
            .cloned()
            .unwrap_or_default()
    };
    let entry = |job: Job, prompt: String| JobEntry {
        job,
        model_id: model.to_owned(),
        request: request(prompt),
        notice: None,
        lost: None,
        source: None,
        starred: false,
        boards: Default::default(),
        set: None,
    };
    let done = (0..finished).map(|i| {
        let id = format!("00000000-0000-4000-8000-{i:012x}");
        let at = rfc3339(start + i as u64 * 60_000);
        let job: Job = serde_json::from_value(json!({
            "job_id": id, "status": "completed", "created_at": at, "completed_at": at,
            "result": { "urls": [format!("{origin}/simulator/images/{id}.png")] },
        }))
        .expect("a completed job");
        entry(job, format!("history {i}"))
    });
    let in_flight = pending
        .into_iter()
        .map(|job| entry(job, "in flight".to_owned()));
    done.chain(in_flight).collect()
}

/// `ms` since 1970 as Krea writes times (RFC 3339 in UTC).
fn rfc3339(ms: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .expect("a time Krea could write")
}

/// Every record of one object store: `(database, store, done)`.
const READ_RECORDS: &str = "const [name, store, done] = arguments;
const open = indexedDB.open(name);
open.onerror = () => done(null);
open.onsuccess = () => {
  const all = open.result.transaction(store).objectStore(store).getAll();
  all.onsuccess = () => { done(all.result); open.result.close(); };
  all.onerror = () => done(null);
};";

/// Empties both of the history's stores and puts `records` into the first:
/// `(database, jobs, submissions, records, done)`. Knows no schema of its own.
const REPLACE_RECORDS: &str = "const [name, jobs, submissions, records, done] = arguments;
const open = indexedDB.open(name);
open.onerror = () => done(String(open.error));
open.onsuccess = () => {
  const tx = open.result.transaction([jobs, submissions], 'readwrite');
  tx.objectStore(jobs).clear();
  tx.objectStore(submissions).clear();
  for (const record of records) tx.objectStore(jobs).put(record);
  tx.oncomplete = () => { open.result.close(); done(true); };
  tx.onerror = () => done(String(tx.error));
};";
