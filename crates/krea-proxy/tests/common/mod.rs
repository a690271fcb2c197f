//! Starts proxies and stand-in upstreams on 127.0.0.1 for the tests.

#![allow(dead_code)] // each test file uses a different part

pub mod clock;
pub mod fake_krea;
pub mod keys_file;
pub mod multipart;
pub mod redis_server;
pub mod spec_shape;

use axum::Router;
use krea_proxy::{http, startup, Config};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

/// Serves `router` on a free loopback port and returns its base URL.
pub async fn serve(router: Router) -> String {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}")
}

/// Starts a proxy for `config` and returns its base URL.
pub async fn proxy(config: Config) -> String {
    let upstream = startup::upstream(&config).expect("upstream");
    serve(http::router(&config, upstream).expect("router")).await
}

pub async fn simulated_proxy(job_ms: u64) -> String {
    proxy(Config::simulated(job_ms)).await
}

pub fn client() -> reqwest::Client {
    krea_proxy::upstream::install_crypto_provider();
    reqwest::Client::new()
}

pub async fn get(url: impl reqwest::IntoUrl) -> reqwest::Response {
    client().get(url).send().await.unwrap()
}

/// `GET base+path` as one caller: with its access key (`x-proxy-key`).
pub async fn get_with_key(base: &str, path: &str, key: &str) -> reqwest::Response {
    get_as(base, path, ("x-proxy-key", key)).await
}

/// `GET base+path` with the caller's credential header (`x-proxy-key` or `x-krea-session`).
pub async fn get_as(base: &str, path: &str, (name, value): (&str, &str)) -> reqwest::Response {
    client()
        .get(format!("{base}{path}"))
        .header(name, value)
        .send()
        .await
        .unwrap()
}

pub async fn get_json(url: impl reqwest::IntoUrl) -> serde_json::Value {
    get(url).await.json().await.unwrap()
}

pub async fn delete(url: impl reqwest::IntoUrl) -> reqwest::Response {
    client().delete(url).send().await.unwrap()
}

/// Polls `GET /jobs/{id}` until the job is terminal, returning every status seen.
pub async fn poll_until_done(base: &str, id: &str) -> (serde_json::Value, Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen: Vec<String> = Vec::new();
    loop {
        let job = get_json(format!("{base}/jobs/{id}")).await;
        let status = job["status"].as_str().unwrap().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if ["completed", "failed", "cancelled"].contains(&status.as_str()) {
            return (job, seen);
        }
        assert!(
            Instant::now() < deadline,
            "job {id} never finished: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The real `krea-proxy` binary with `args`, prepared for a test to add environment and
/// stderr handling to.
pub fn binary(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_krea-proxy"));
    // Tests run side by side: none may take the default state file (a test about the file
    // names one of its own with `--state`, which wins over this).
    command.env("KREA_PROXY_STATE", "memory");
    command.args(args);
    command
}

/// Starts `command` (from [`binary`]) and returns it with the `host:port` it says it
/// listens on.
pub fn start_binary(mut command: Command) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("krea-proxy starts");
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    // Keep reading, so the proxy never writes into a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let address = first
        .split_whitespace()
        .find_map(|word| word.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("krea-proxy did not say where it listens: {first:?}"))
        .to_owned();
    (child, address)
}

/// Sends raw bytes to `address`, in `pieces` that many, `pause` apart (1 and zero: at once),
/// waiting `timeout` for the answer; returns its status (0: closed without one) and its text.
pub fn send_raw(
    address: &str,
    raw: &[u8],
    pieces: usize,
    pause: Duration,
    timeout: Duration,
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    let size = raw.len().div_ceil(pieces.max(1));
    for piece in raw.chunks(size.max(1)) {
        if stream.write_all(piece).is_err() {
            break;
        }
        std::thread::sleep(pause);
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// A proxy process that is killed when the test lets go of it.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads all of the child's stderr (started with `Stdio::piped()`) until it exits.
pub fn capture_stderr(child: &mut Child) -> std::thread::JoinHandle<String> {
    let mut stderr = child.stderr.take().expect("stderr is piped");
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        text
    })
}

/// The next `job` event on an SSE body: (id, job).
pub async fn next_event(
    body: &mut (impl futures_util::Stream<Item = reqwest::Result<axum::body::Bytes>> + Unpin),
    buffer: &mut String,
) -> Option<(u64, serde_json::Value)> {
    let read = async {
        loop {
            if let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block
                        .lines()
                        .find_map(|line| line.strip_prefix(name).map(str::trim).map(str::to_owned))
                };
                if let (Some(id), Some(data)) = (field("id:"), field("data:")) {
                    return Some((id.parse().unwrap(), serde_json::from_str(&data).unwrap()));
                }
                continue;
            }
            let chunk = futures_util::StreamExt::next(body).await?.ok()?;
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    tokio::time::timeout(Duration::from_secs(3), read)
        .await
        .ok()
        .flatten()
}

/// What a [`tap`] passed on: each request's method and path with its query.
pub type Tapped = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// Makes a [`tap`] hold generate answers: each is forwarded (Krea makes the job), its
/// answer handed to the test on `held`, and the caller never answered, while `on` is set.
#[derive(Clone)]
pub struct Hold {
    pub on: std::sync::Arc<std::sync::atomic::AtomicBool>,
    pub held: tokio::sync::mpsc::UnboundedSender<serde_json::Value>,
}

/// A pass-through in front of `upstream` that notes every request (`GET /jobs?limit=30`),
/// so a test can count what a proxy asked of its Krea.
pub async fn tap(upstream: &str) -> (String, Tapped) {
    tap_holding(upstream, None).await
}

/// [`tap`], holding generate answers as `hold` says.
pub async fn tap_holding(upstream: &str, hold: Option<Hold>) -> (String, Tapped) {
    use axum::body::{to_bytes, Body};
    use axum::extract::{Request, State};
    use axum::response::Response;
    type Tap = (String, Tapped, Option<Hold>);
    let noted = Tapped::default();
    let router = Router::new()
        .fallback(
            |State((upstream, noted, hold)): State<Tap>, request: Request| async move {
                let path = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default();
                noted
                    .lock()
                    .unwrap()
                    .push(format!("{} {path}", request.method()));
                let mut forward =
                    client().request(request.method().clone(), format!("{upstream}{path}"));
                for (name, value) in request.headers() {
                    if name != "host" {
                        forward = forward.header(name, value);
                    }
                }
                let body = to_bytes(request.into_body(), usize::MAX).await.unwrap();
                let answer = forward.body(body).send().await.unwrap();
                let mut response = Response::builder().status(answer.status());
                for (name, value) in answer.headers() {
                    response = response.header(name, value);
                }
                let bytes = answer.bytes().await.unwrap();
                let holding = hold
                    .as_ref()
                    .filter(|hold| hold.on.load(std::sync::atomic::Ordering::SeqCst));
                if let Some(hold) = holding.filter(|_| path.starts_with("/generate/")) {
                    let _ = hold.held.send(serde_json::from_slice(&bytes).unwrap());
                    std::future::pending::<()>().await;
                }
                response.body(Body::from(bytes)).unwrap()
            },
        )
        .with_state((upstream.to_owned(), Tapped::clone(&noted), hold));
    (serve(router).await, noted)
}

/// One generate request to a proxy (or the simulator) at `base`, built step by step:
/// `generate(base).key(ALICE).idempotency("k").send()`. By default a Flux job with the
/// prompt "a lighthouse"; a Krea 2 model gets the fields Krea 2 requires.
pub struct Generate {
    base: String,
    model: String,
    prompt: String,
    headers: Vec<(String, String)>,
}

pub fn generate(base: &str) -> Generate {
    Generate {
        base: base.to_owned(),
        model: "bfl/flux-1-dev".to_owned(),
        prompt: "a lighthouse".to_owned(),
        headers: Vec::new(),
    }
}

impl Generate {
    pub fn model(mut self, model: &str) -> Self {
        self.model = model.to_owned();
        self
    }

    pub fn prompt(mut self, prompt: &str) -> Self {
        self.prompt = prompt.to_owned();
        self
    }

    /// The proxy's access key (`x-proxy-key`).
    pub fn key(self, key: &str) -> Self {
        self.header("x-proxy-key", key)
    }

    pub fn idempotency(self, key: &str) -> Self {
        self.header("idempotency-key", key)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub async fn send(self) -> reqwest::Response {
        let body = if self.model.starts_with("krea/krea-2/") {
            serde_json::json!({ "prompt": self.prompt, "aspect_ratio": "1:1", "resolution": "1K" })
        } else {
            serde_json::json!({ "prompt": self.prompt })
        };
        let mut request = client()
            .post(format!("{}/generate/image/{}", self.base, self.model))
            .json(&body);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request.send().await.unwrap()
    }

    /// The answer's JSON, whatever its status.
    pub async fn json(self) -> serde_json::Value {
        self.send().await.json().await.unwrap()
    }
}
