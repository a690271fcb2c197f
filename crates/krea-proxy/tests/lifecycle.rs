//! The real binary's lifecycle: SIGTERM lets a billed request finish (within --drain-secs)
//! and exits 0; slow or silent connections are closed; connections beyond the cap are
//! refused.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Running {
    child: Child,
    address: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Running {
    let mut command = common::binary(&["--simulate", "--listen", "127.0.0.1:0"]);
    command.args(args).stderr(Stdio::null());
    let (child, address) = common::start_binary(command);
    Running { child, address }
}

fn terminate(running: &Running) {
    signal(running, "-TERM");
}

fn signal(running: &Running, which: &str) {
    let sent = Command::new("kill")
        .args([which, &running.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

fn wait_for_exit(running: &mut Running, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "still running after {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends a generate request by hand and returns the raw answer.
fn generate(address: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    let body = r#"{"prompt":"a lighthouse"}"#;
    write!(
        stream,
        "POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// Whether the server closed the connection (without answering) within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut buffer = [0u8; 256];
    matches!(stream.read(&mut buffer), Ok(0)) || matches!(stream.read(&mut buffer), Ok(0))
}

#[test]
fn sigterm_lets_a_billed_request_finish_then_exits_zero() {
    let mut running = start(&["--sim-latency-ms", "1500", "--drain-secs", "10"]);
    let address = running.address.clone();
    let under_way = std::thread::spawn(move || generate(&address));
    std::thread::sleep(Duration::from_millis(400));
    terminate(&running);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        TcpStream::connect(&running.address).is_err(),
        "still accepting after SIGTERM"
    );
    let answer = under_way.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"job_id\""), "{answer}");
    let status = wait_for_exit(&mut running, Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
}

#[test]
fn draining_is_bounded_by_drain_secs_and_ctrl_c_stops_too() {
    let mut running = start(&["--sim-latency-ms", "20000", "--drain-secs", "1"]);
    let address = running.address.clone();
    let _stuck = std::thread::spawn(move || generate(&address));
    std::thread::sleep(Duration::from_millis(300));
    let asked = Instant::now();
    // Ctrl-C in a terminal.
    signal(&running, "-INT");
    let status = wait_for_exit(&mut running, Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(4),
        "{:?}",
        asked.elapsed()
    );
}

#[test]
fn slow_and_silent_connections_are_closed() {
    let running = start(&["--header-read-timeout-secs", "1"]);
    let mut silent = TcpStream::connect(&running.address).unwrap();
    let mut slow = TcpStream::connect(&running.address).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .unwrap();
    assert!(
        closed_within(&mut silent, Duration::from_secs(4)),
        "a silent connection stayed open"
    );
    assert!(
        closed_within(&mut slow, Duration::from_secs(4)),
        "a slow header stayed open"
    );
    // A kept-alive connection that goes quiet after its request is closed as well.
    let mut kept = TcpStream::connect(&running.address).unwrap();
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(4))).unwrap();
    let mut first = [0u8; 512];
    let read = kept.read(&mut first).unwrap();
    assert!(String::from_utf8_lossy(&first[..read]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_within(&mut kept, Duration::from_secs(4)),
        "an idle kept-alive connection stayed open"
    );
    // A prompt client is served as usual.
    let mut prompt = TcpStream::connect(&running.address).unwrap();
    prompt
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    prompt.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn connections_beyond_the_cap_are_closed_at_once() {
    let running = start(&["--max-connections", "2", "--header-read-timeout-secs", "5"]);
    let held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(&running.address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut third = TcpStream::connect(&running.address).unwrap();
    assert!(
        closed_within(&mut third, Duration::from_secs(2)),
        "a third connection was held"
    );
    drop(held);
    std::thread::sleep(Duration::from_millis(200));
    let mut again = TcpStream::connect(&running.address).unwrap();
    again
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    again.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[test]
fn a_tls_client_that_cannot_be_built_names_the_trust_store_at_start() {
    let out = common::binary(&["--listen", "127.0.0.1:0"])
        .env(
            "KREA_API_TOKEN",
            "00000000-0000-4000-8000-000000000000:not-a-token",
        )
        .env("SSL_CERT_FILE", "/nonexistent/certificates.pem")
        .env("SSL_CERT_DIR", "/nonexistent")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("certificate store") && said.contains("ca-certificates"),
        "{said}"
    );
}
