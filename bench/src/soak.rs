//! Memory over a long day of a shared proxy: `krea-proxy` (its default state file, per-caller
//! rates and jobs in flight, a budget, results pushed) in front of the simulator (a process
//! of its own, so only the proxy is weighed), and many keyed callers, each submitting,
//! polling its job and asking its limits, over and over on keep-alive connections. The
//! proxy's resident memory after the first tenth of the requests and after all of them: what
//! it keeps per caller and per job must stay bounded, so the second is within 10 % of the
//! first. `KREA_SOAK_STATE=memory` runs it with the state in memory instead, to compare.

use crate::process_memory::resident_mib;
use krea_e2e::Proxy;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const TOKEN: &str = "bench-0000:not-a-real-token";
/// Connections sending at once.
const CONNECTIONS: usize = 8;

/// Resident memory (MiB) after the first tenth of the requests and after all of them.
#[derive(Debug, Clone, Copy)]
pub struct Soak {
    pub early_mib: f64,
    pub end_mib: f64,
}

fn key(caller: usize) -> String {
    format!("soak-caller-key-{caller:05}")
}

/// One keep-alive connection to the proxy.
struct Connection {
    address: String,
    reader: BufReader<TcpStream>,
}

impl Connection {
    fn open(base: &str) -> Connection {
        let address = base.trim_start_matches("http://").to_owned();
        let stream = TcpStream::connect(&address).expect("the proxy listens");
        Connection {
            address,
            reader: BufReader::new(stream),
        }
    }

    /// Sends one request as `caller` and returns the status and the body.
    fn send(&mut self, method: &str, path: &str, caller: usize, body: &str) -> (u16, String) {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nX-Proxy-Key: {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            key(caller),
            body.len()
        );
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .expect("the request goes");
        let mut status_line = String::new();
        self.reader.read_line(&mut status_line).expect("an answer");
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).expect("a header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).expect("the body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// One caller's round: submit, read its job, read its limits (three requests).
fn round(connection: &mut Connection, caller: usize) {
    let body = r#"{"prompt":"a lighthouse","aspect_ratio":"1:1","resolution":"1K"}"#;
    let (status, answer) =
        connection.send("POST", "/generate/image/krea/krea-2/medium", caller, body);
    if status == 200 {
        if let Some(at) = answer.find("\"job_id\":\"") {
            let id = &answer[at + 10..at + 46];
            connection.send("GET", &format!("/jobs/{id}"), caller, "");
        }
    } else {
        // Refused (a rate, the jobs in flight): the round still counts its requests.
        connection.send("GET", "/jobs?limit=5", caller, "");
    }
    connection.send("GET", "/limits", caller, "");
}

/// `requests` requests from `callers` callers; memory read after a tenth and at the end.
pub async fn run(requests: usize, callers: usize) -> Soak {
    let keys: Vec<String> = (0..callers)
        .map(|caller| format!("caller{caller}:{}", key(caller)))
        .collect();
    let upstream = Proxy::start(
        &["--simulate", "--sim-job-ms", "20"],
        &[("RUST_LOG", "warn")],
    )
    .await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let listen = format!("127.0.0.1:{port}");
    let public = format!("http://{listen}");
    let state = std::env::temp_dir().join(format!("krea-bench-soak-{port}.redb"));
    let state_flag = format!("file:{}", state.display());
    let proxy = Proxy::start(
        &[
            "--upstream",
            &upstream.base,
            "--listen",
            &listen,
            "--public-url",
            &public,
            "--state",
            &std::env::var("KREA_SOAK_STATE").unwrap_or(state_flag),
            "--rate",
            "600/min",
            "--max-in-flight",
            "8",
            "--daily-budget-usd",
            "1000000",
            "--allow-model",
            "krea/krea-2/medium",
        ],
        &[
            ("KREA_API_TOKEN", TOKEN),
            ("KREA_PROXY_ACCESS_KEYS", &keys.join(",")),
            ("RUST_LOG", "warn"),
        ],
    )
    .await;
    let pid = proxy.pid();
    let base = proxy.base.clone();
    let rounds = requests / 3;
    let done = Arc::new(AtomicUsize::new(0));
    let soak = tokio::task::spawn_blocking(move || {
        let early_at = rounds / 10;
        let early = Arc::new(std::sync::Mutex::new(None::<f64>));
        std::thread::scope(|scope| {
            for worker in 0..CONNECTIONS {
                let (base, done, early) = (base.clone(), Arc::clone(&done), Arc::clone(&early));
                scope.spawn(move || {
                    let mut connection = Connection::open(&base);
                    let mut caller = worker;
                    loop {
                        let n = done.fetch_add(1, Ordering::Relaxed);
                        if n >= rounds {
                            break;
                        }
                        if n == early_at {
                            *early.lock().unwrap() = Some(resident_mib(pid));
                        }
                        if n % early_at.max(1) == 0 {
                            println!(
                                "bench: soak, {} requests: {:.1} MiB",
                                n * 3,
                                resident_mib(pid)
                            );
                        }
                        round(&mut connection, caller % callers);
                        caller += CONNECTIONS;
                    }
                });
            }
        });
        let early_mib = early.lock().unwrap().unwrap_or(f64::NAN);
        Soak {
            early_mib,
            end_mib: resident_mib(pid),
        }
    })
    .await
    .expect("the soak ran");
    drop(proxy);
    let _ = std::fs::remove_file(&state);
    soak
}
