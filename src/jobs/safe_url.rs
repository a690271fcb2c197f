//! What may reach the page from a job or an imported history: only web addresses go into
//! `src`, `href` or `window.open`, and only UUIDs (as `krea_api` checks them) become
//! request paths. Anything else is
//! shown as text and flagged, never followed.

/// An `http:` or `https:` address with nothing a browser would strip or reinterpret
/// (spaces, tabs, newlines, control characters): `javascript:`, `data:`, `vbscript:`,
/// `file:` and disguised variants are not.
pub fn is_web_url(url: &str) -> bool {
    let starts = |prefix: &str| {
        url.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    let scheme_len = if starts("https://") {
        8
    } else if starts("http://") {
        7
    } else {
        return false;
    };
    url.len() > scheme_len && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

pub use krea_api::is_job_id;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_web_addresses_are_followed() {
        for good in [
            "https://gen.krea.ai/images/1.png",
            "http://127.0.0.1:8787/simulator/images/x.svg?preview=1",
            "HTTPS://GEN.KREA.AI/A.PNG",
        ] {
            assert!(is_web_url(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "https://",
            "https://x.test/a b.png",
            "https://x.test/\na.png",
            "//evil.test/a.png",
            "/relative.png",
            "",
            "ħttps://x",
        ] {
            assert!(!is_web_url(bad), "{bad:?}");
        }
    }
}
