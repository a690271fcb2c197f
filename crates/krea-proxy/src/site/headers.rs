//! Security headers for the app served with `--serve`: a Content-Security-Policy made for
//! this app (its own scripts, the one inline module script Trunk writes into `index.html`
//! by hash, `'wasm-unsafe-eval'` for the wasm, connections to the proxy and Krea's image host
//! for downloads), `nosniff` and a referrer policy. The app's own pages may be framed only
//! by this origin; the embed page (`/embed/`) by the origins given with `--allow-embed`, and
//! it may reach any HTTPS proxy (or one on this machine), since the host page names its
//! proxy: that proxy consents through its own CORS and `--allow-embed` lists. Images may come from any host: an imported history can point anywhere,
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
    /// For the studio's own pages.
    pub csp: HeaderValue,
    /// For the embed page, `/embed/`, framed by other sites.
    pub embed_csp: HeaderValue,
}

/// The embed page's path prefix (a folder, so static hosts can give it its own headers).
pub const EMBED_PATH: &str = "/embed/";

/// Where an embedded studio may send API calls besides the policy's own list: the app
/// accepts any HTTPS proxy, or plain HTTP on this machine.
const ANY_PROXY: &str = "https: http://localhost:* http://127.0.0.1:* http://[::1]:*";

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
        let mut frame_ancestors = embedders.join(" ");
        if frame_ancestors.is_empty() {
            frame_ancestors = "'self'".to_owned();
        }
        let connect = format!(
            "'self' {images}{proxy}",
            proxy = proxy.map(|p| format!(" {p}")).unwrap_or_default()
        );
        let policy = |connect: &str, ancestors: &str| {
            format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; \
                 style-src 'self' 'unsafe-inline'; img-src * data: blob:; \
                 connect-src {connect}; object-src 'none'; base-uri 'self'; \
                 form-action 'self'; frame-ancestors {ancestors}",
                scripts = scripts.join(" "),
            )
        };
        let header = |text: String| {
            HeaderValue::from_str(&text)
                .map_err(|_| "--allow-embed takes origins like https://site.example".to_owned())
        };
        Ok(ServeHeaders {
            csp: header(policy(&connect, "'self'"))?,
            embed_csp: header(policy(&format!("{connect} {ANY_PROXY}"), &frame_ancestors))?,
        })
    }
}

/// Checks `--allow-embed` values (`https://blog.example`, no path, perhaps with an
/// allowance) and gives their origins as browsers compare them, without a trailing slash.
pub fn embedder_origins(given: &[String]) -> Result<Vec<String>, String> {
    super::embed_sites::parse_all(given).map(|sites| sites.into_iter().map(|s| s.origin).collect())
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
pub(super) fn origin_of(url: &str) -> Option<String> {
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
        let embedders = embedder_origins(&["https://blog.example/".to_owned()]).unwrap();
        let headers =
            ServeHeaders::for_dist(&dir, &embedders, Some("http://127.0.0.1:9000")).unwrap();
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
        assert!(csp.ends_with("frame-ancestors 'self'"), "{csp}");
        let embed = headers.embed_csp.to_str().unwrap();
        assert!(
            embed.ends_with("frame-ancestors https://blog.example"),
            "{embed}"
        );
        assert!(
            embed.contains(&format!("https://proxy.example {ANY_PROXY};")),
            "{embed}"
        );
        assert!(embedder_origins(&["https://blog.example/page".to_owned()]).is_err());
        assert!(embedder_origins(&["blog.example".to_owned()]).is_err());
        assert!(embedder_origins(&["'none'; script-src *".to_owned()]).is_err());
        assert!(ServeHeaders::for_dist(&dir.join("nothing"), &[], None).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
