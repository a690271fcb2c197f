//! Forwarding speed: `krea-proxy` and nginx side by side in front of one fast upstream (the
//! simulator, release build), both forwarding `GET /jobs/{id}` with the same header rules
//! (only `Accept` goes through, the token is put in), loaded by wrk at 1 and 64
//! connections, alternating and repeated.

use crate::stats::median;
use krea_e2e::Proxy;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const TOKEN: &str = "bench-0000:not-a-real-token";

/// Requests per second, 99th-percentile latency (ms) and the forwarder's CPU time per
/// request (µs), medians over the repeats.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub rps: f64,
    pub p99_ms: f64,
    pub cpu_us: f64,
}

pub struct Compared {
    pub connections: u32,
    pub proxy: Load,
    pub nginx: Load,
}

struct Nginx(Child);

impl Drop for Nginx {
    /// SIGTERM, so the master takes its workers down with it (a killed master leaves them
    /// running, holding the port and this process's output open).
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        if !stopped.is_ok_and(|s| s.success()) {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// nginx configured as the proxy is: only `GET /jobs/{id}`, the token added, the caller's
/// headers dropped but `Accept`, keep-alive to the upstream.
fn start_nginx(work: &Path, upstream: &str) -> (Nginx, String) {
    let port = free_port();
    let upstream = upstream.trim_start_matches("http://");
    std::fs::create_dir_all(work.join("logs")).expect("nginx folder");
    let http = format!("  upstream krea {{ server {upstream}; keepalive 64; }}");
    let server = format!(
        "    location ~ ^/jobs/[0-9a-f-]+$ {{
      limit_except GET {{ deny all; }}
      proxy_pass http://krea;
      proxy_http_version 1.1;
      proxy_pass_request_headers off;
      proxy_set_header Connection \"\";
      proxy_set_header Accept $http_accept;
      proxy_set_header Authorization \"Bearer {TOKEN}\";
    }}
    location / {{ return 404; }}"
    );
    let config = krea_e2e::nginx_config(work, port, krea_e2e::Processes::PerCore, &http, &server);
    let file = work.join("nginx.conf");
    std::fs::write(&file, config).expect("nginx.conf");
    let child = Command::new("/usr/sbin/nginx")
        .arg("-c")
        .arg(&file)
        .arg("-p")
        .arg(work)
        .stdout(Stdio::null())
        .spawn()
        .expect("nginx starts");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    (Nginx(child), base)
}

/// Makes one job at the upstream and returns its id.
fn make_job(upstream: &str) -> String {
    let address = upstream.trim_start_matches("http://");
    let body = r#"{"prompt":"bench"}"#;
    let mut stream = TcpStream::connect(address).expect("the upstream listens");
    write!(
        stream,
        "POST /generate/image/bfl/flux-1-dev HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("the request goes");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    let at = answer.find("\"job_id\":\"").expect("a job id") + 10;
    answer[at..at + 36].to_owned()
}

/// One wrk run: requests/s, p99 latency (ms), and the CPU time `forwarder` (its processes)
/// spent per request.
fn wrk(url: &str, connections: u32, seconds: u32, forwarder: &[u32]) -> Load {
    let threads = connections.min(2).to_string();
    let cpu_before = crate::process_cpu::cpu_us(forwarder);
    let out = Command::new("wrk")
        .args(["--latency", "-t", &threads, "-c", &connections.to_string()])
        .args(["-d", &format!("{seconds}s"), url])
        .output()
        .expect("wrk runs");
    let cpu = crate::process_cpu::cpu_us(forwarder) - cpu_before;
    let text = String::from_utf8_lossy(&out.stdout);
    let load = parse_wrk(&text).unwrap_or_else(|| panic!("wrk said: {text}"));
    Load {
        cpu_us: cpu / (load.rps * f64::from(seconds)).max(1.0),
        ..load
    }
}

fn parse_wrk(text: &str) -> Option<Load> {
    let rps = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Requests/sec:"))?
        .trim()
        .parse()
        .ok()?;
    let p99 = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("99%"))?
        .trim();
    let split = p99.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = p99.split_at(split);
    let number: f64 = number.parse().ok()?;
    let ms = match unit {
        "us" => number / 1000.0,
        "ms" => number,
        "s" => number * 1000.0,
        _ => return None,
    };
    // Non-2xx answers would make the numbers meaningless.
    if text.contains("Non-2xx") {
        return None;
    }
    Some(Load {
        rps,
        p99_ms: ms,
        cpu_us: 0.0,
    })
}

/// Both forwarders at each connection count, alternating, `repeats` times.
pub async fn compare(work: &Path, repeats: usize, seconds: u32) -> Vec<Compared> {
    // Quiet: an access-log line per request would slow the upstream both sides share.
    let upstream = Proxy::start(
        &["--simulate", "--sim-job-ms", "3600000"],
        &[("RUST_LOG", "warn")],
    )
    .await;
    let proxy = Proxy::start(
        &["--upstream", &upstream.base],
        &[("KREA_API_TOKEN", TOKEN), ("RUST_LOG", "warn")],
    )
    .await;
    let work: PathBuf = std::path::absolute(work.join("nginx")).expect("an absolute path");
    let (nginx_process, nginx) = start_nginx(&work, &upstream.base);
    // nginx forwards in its workers (one per core), the master only watches them; its
    // port answers as soon as the master listens, maybe before they are there.
    let workers = || crate::process_cpu::children(nginx_process.0.id());
    for _ in 0..100 {
        if !workers().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // The master starts them one after another, at once.
    std::thread::sleep(Duration::from_millis(200));
    let nginx_workers = workers();
    assert!(!nginx_workers.is_empty(), "nginx started no worker");
    let id = make_job(&upstream.base);
    let mut compared = Vec::new();
    for connections in [1, 64] {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            ours.push(wrk(
                &format!("{}/jobs/{id}", proxy.base),
                connections,
                seconds,
                &[proxy.pid()],
            ));
            theirs.push(wrk(
                &format!("{nginx}/jobs/{id}"),
                connections,
                seconds,
                &nginx_workers,
            ));
        }
        let med = |runs: &[Load]| Load {
            rps: median(&runs.iter().map(|l| l.rps).collect::<Vec<_>>()),
            p99_ms: median(&runs.iter().map(|l| l.p99_ms).collect::<Vec<_>>()),
            cpu_us: median(&runs.iter().map(|l| l.cpu_us).collect::<Vec<_>>()),
        };
        compared.push(Compared {
            connections,
            proxy: med(&ours),
            nginx: med(&theirs),
        });
    }
    compared
}

#[cfg(test)]
mod tests {
    use super::parse_wrk;

    #[test]
    fn reads_what_wrk_prints() {
        let text = "Running 1s test @ http://127.0.0.1:1/jobs/x
  1 threads and 1 connections
  Latency Distribution
     50%   95.00us
     99%    1.20ms
  12000 requests in 1.00s, 3.1MB read
Requests/sec:  11999.52
Transfer/sec:      3.10MB";
        let load = parse_wrk(text).unwrap();
        assert_eq!(load.rps, 11999.52);
        assert_eq!(load.p99_ms, 1.2);
        assert!(parse_wrk(&format!("{text}\n  Non-2xx or 3xx responses: 5")).is_none());
    }
}
