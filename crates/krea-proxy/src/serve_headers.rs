//! Security headers for the app served with `--serve`: a Content-Security-Policy made for
//! this app (its own scripts, the one inline module script Trunk writes into `index.html`
//! by hash, `'wasm-unsafe-eval'` for the wasm, connections to the proxy and Krea's image host
//! for downloads), `frame-ancestors` from `--allow-embed` (default `'self'`), `nosniff` and a
//! referrer policy. Images may come from any host: an imported history can point anywhere,
//! and a picture runs no code; a download from a host the policy does not list opens the
//! picture in a new tab instead, as for a host without CORS.

use axum::http::HeaderValue;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Where Krea's result images live (`https://gen.krea.ai/images/….png`).
const KREA_IMAGES: &str = "https://*.krea.ai";

#[derive(Debug, Clone)]
pub struct ServeHeaders {
    pub csp: HeaderValue,
}

impl ServeHeaders {
    /// Reads `dir/index.html` (and `dir/config.json`, for a proxy on another origin) and
    /// builds the policy. `embedders`: origins allowed to frame the app. `upstream`: the
    /// API the proxy forwards to, when it is not Krea's (another simulator serves its
    /// pictures from its own origin).
    pub fn for_dist(
        dir: &Path,
        embedders: &[String],
        upstream: Option<&str>,
    ) -> Result<Self, String> {
        let index = std::fs::read_to_string(dir.join("index.html"))
            .map_err(|e| format!("--serve {}: no index.html there ({e})", dir.display()))?;
        let scripts: Vec<String> = inline_scripts(&index)
            .into_iter()
            .map(|script| {
                let digest = Sha256::digest(script.as_bytes());
                format!(
                    "'sha256-{}'",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                )
            })
            .collect();
        let proxy = std::fs::read_to_string(dir.join("config.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .and_then(|config| config["proxy_url"].as_str().map(origin_of))
            .flatten();
        let images = match upstream.and_then(origin_of) {
            Some(upstream) => format!("{KREA_IMAGES} {upstream}"),
            None => KREA_IMAGES.to_owned(),
        };
        let mut frame_ancestors: Vec<String> = embedders
            .iter()
            .map(|origin| origin.trim_end_matches('/').to_owned())
            .collect();
        if frame_ancestors.is_empty() {
            frame_ancestors.push("'self'".to_owned());
        }
        let policy = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
             style-src 'self' 'unsafe-inline'; img-src * data: blob:; \
             connect-src 'self' {images}{proxy}; object-src 'none'; base-uri 'self'; \
             form-action 'self'; frame-ancestors {ancestors}",
            scripts = scripts.join(" "),
            proxy = proxy.map(|p| format!(" {p}")).unwrap_or_default(),
            ancestors = frame_ancestors.join(" "),
        );
        let csp = HeaderValue::from_str(&policy)
            .map_err(|_| "--allow-embed takes origins like https://site.example".to_owned())?;
        Ok(ServeHeaders { csp })
    }
}

/// The text of every `<script>` without a `src`, exactly as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            found.push(&body[..close]);
        }
        rest = &body[close..];
    }
    found
}

/// `https://host[:port]` of a URL, if it has one.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (matches!(scheme, "http" | "https") && !host.is_empty()).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_hashed_as_written() {
        let html = "<script src=\"/a.js\"></script><script type=\"module\">\nimport x;\n</script>";
        assert_eq!(inline_scripts(html), ["\nimport x;\n"]);
        let dir = std::env::temp_dir().join(format!("serve-headers-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), html).unwrap();
        std::fs::write(
            dir.join("config.json"),
            r#"{"proxy_url": "https://proxy.example/api"}"#,
        )
        .unwrap();
        let headers = ServeHeaders::for_dist(
            &dir,
            &["https://blog.example/".to_owned()],
            Some("http://127.0.0.1:9000"),
        )
        .unwrap();
        let csp = headers.csp.to_str().unwrap();
        let expected =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"\nimport x;\n"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(
            csp.contains(
                "connect-src 'self' https://*.krea.ai http://127.0.0.1:9000 https://proxy.example;"
            ),
            "{csp}"
        );
        assert!(
            csp.ends_with("frame-ancestors https://blog.example"),
            "{csp}"
        );
        assert!(ServeHeaders::for_dist(&dir.join("nothing"), &[], None).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
