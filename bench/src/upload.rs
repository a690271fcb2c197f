//! What an upload costs the proxy's memory: a release proxy in front of the simulator takes
//! a 50 MB upload, and its peak resident memory is read before and after. The proxy streams
//! uploads, so the peak should barely move.

use crate::process_memory::peak_mib;
use krea_e2e::Proxy;
use std::io::{Read, Write};
use std::net::TcpStream;

const TOKEN: &str = "bench-0000:not-a-real-token";
const BOUNDARY: &str = "krea-bench-upload";

/// Sends a form whose file is a PNG signature and then `mib` MiB, as it is made; returns the
/// status line.
fn upload(base: &str, mib: usize) -> String {
    let address = base.trim_start_matches("http://");
    let mut head = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    head.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let tail = format!("\r\n--{BOUNDARY}--\r\n").into_bytes();
    let chunk = vec![0x5au8; 1024 * 1024];
    let length = head.len() + mib * chunk.len() + tail.len();
    let mut stream = TcpStream::connect(address).expect("the proxy listens");
    write!(
        stream,
        "POST /assets HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; \
         boundary={BOUNDARY}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    .expect("the head goes");
    // A refusal closes the connection early: then the answer says why.
    let sent = stream
        .write_all(&head)
        .and_then(|()| (0..mib).try_for_each(|_| stream.write_all(&chunk)))
        .and_then(|()| stream.write_all(&tail));
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let status = answer.lines().next().unwrap_or_default().to_owned();
    match sent {
        Ok(()) => status,
        Err(error) => format!(
            "{status} (sending stopped: {error}; {})",
            answer.lines().last().unwrap_or_default()
        ),
    }
}

/// How much the proxy's peak memory grew for a 50 MB upload (MiB), after warm-up uploads.
pub async fn peak_growth_for_50_mb() -> f64 {
    // The simulator behind takes what the measured proxy passes on (a simulating proxy checks
    // uploads by the same rules, 20 MB by default).
    let upstream = Proxy::start(
        &["--simulate", "--upload-limit-mb", "60"],
        &[("RUST_LOG", "warn")],
    )
    .await;
    let proxy = Proxy::start(
        &["--upstream", &upstream.base, "--upload-limit-mb", "60"],
        &[("KREA_API_TOKEN", TOKEN), ("RUST_LOG", "warn")],
    )
    .await;
    let base = proxy.base.clone();
    let pid = proxy.pid();
    tokio::task::spawn_blocking(move || {
        for warm_up in [1, 10] {
            let status = upload(&base, warm_up);
            assert!(status.contains(" 200 "), "warm-up upload: {status}");
        }
        let before = peak_mib(pid);
        let status = upload(&base, 50);
        assert!(status.contains(" 200 "), "50 MB upload: {status}");
        peak_mib(pid) - before
    })
    .await
    .expect("the upload ran")
}
