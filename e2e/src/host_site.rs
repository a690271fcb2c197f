//! Pages of a site that embeds the studio, on an origin of their own: a minimal static HTTP
//! server (GET only, one request per connection) serving pages the test writes, and
//! optionally a folder under a path prefix (a plain static host for `dist/`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
struct Content {
    pages: HashMap<String, (String, Option<String>)>,
    folder: Option<(String, PathBuf)>,
}

/// One origin, `http://127.0.0.1:PORT`.
pub struct HostSite {
    pub origin: String,
    content: Arc<Mutex<Content>>,
    server: tokio::task::JoinHandle<()>,
}

impl HostSite {
    pub async fn start() -> HostSite {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let content = Arc::new(Mutex::new(Content::default()));
        let serving = Arc::clone(&content);
        let server = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let content = serving.lock().unwrap().clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&head);
                    let target = head.split_whitespace().nth(1).unwrap_or("/");
                    let path = target.split(['?', '#']).next().unwrap_or("/");
                    let reply = content.answer(path);
                    let _ = stream.write_all(&reply).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        HostSite {
            origin,
            content,
            server,
        }
    }

    /// Serves `html` at `path`, with this Content-Security-Policy if given.
    pub fn page(&self, path: &str, html: &str, csp: Option<&str>) {
        self.content
            .lock()
            .unwrap()
            .pages
            .insert(path.to_owned(), (html.to_owned(), csp.map(str::to_owned)));
    }

    /// Serves the files of `dir` under `prefix` (e.g. `/studio/`), as a static host would.
    pub fn folder(&self, prefix: &str, dir: PathBuf) {
        self.content.lock().unwrap().folder = Some((prefix.to_owned(), dir));
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }
}

impl Drop for HostSite {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Content {
    fn answer(&self, path: &str) -> Vec<u8> {
        if let Some((html, csp)) = self.pages.get(path) {
            let csp = csp
                .as_ref()
                .map(|csp| format!("content-security-policy: {csp}\r\n"))
                .unwrap_or_default();
            return reply("200 OK", "text/html; charset=utf-8", &csp, html.as_bytes());
        }
        if let Some((prefix, dir)) = &self.folder {
            if let Some(rest) = path.strip_prefix(prefix.as_str()) {
                let rest = if rest.is_empty() || rest.ends_with('/') {
                    format!("{rest}index.html")
                } else {
                    rest.to_owned()
                };
                if !rest.split('/').any(|part| part == "..") {
                    if let Ok(bytes) = std::fs::read(dir.join(&rest)) {
                        return reply("200 OK", media_type(&rest), "", &bytes);
                    }
                }
            }
        }
        reply("404 Not Found", "text/plain", "", b"not found")
    }
}

fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "json" => "application/json",
        _ => "application/octet-stream",
    }
}

fn reply(status: &str, media: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {media}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}
