//! A real Redis (`redis-server` from Debian) on a free port, stopped when dropped. It
//! keeps an append-only file, written on every change, as a production Redis would: a
//! server killed and started again has what it was told.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Redis {
    child: Child,
    port: u16,
    pub url: String,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(data_dir(self.port));
    }
}

/// Where the server on `port` keeps its append-only file.
fn data_dir(port: u16) -> PathBuf {
    std::env::temp_dir().join(format!("krea-proxy-test-redis-{port}"))
}

pub fn start_redis() -> Redis {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Redis {
        child: spawn(port),
        port,
        url: format!("redis://127.0.0.1:{port}"),
    }
}

impl Redis {
    /// Kills the server, as a crash would (what it wrote to its file stays).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts a server again on the same port.
    pub fn start_again(&mut self) {
        self.child = spawn(self.port);
    }
}

/// `redis-server` on `port`, once it takes connections.
fn spawn(port: u16) -> Child {
    let dir = data_dir(port);
    std::fs::create_dir_all(&dir).expect("a folder for redis-server's file");
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args([
            "--save",
            "",
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
        ])
        .arg("--dir")
        .arg(&dir)
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (Debian's redis-server; `cargo xtask test` installs it)");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}
