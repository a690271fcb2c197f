//! What may reach the page from a job or an imported history: only web addresses go into
//! `src`, `href` or `window.open`, and only UUIDs become request paths. Anything else is
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

/// A job id as Krea writes them: a hyphenated UUID (so it is safe in `/jobs/{id}`).
pub fn is_job_id(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

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

    #[test]
    fn job_ids_are_hyphenated_uuids() {
        assert!(is_job_id("4d0e5f97-9721-4422-b88c-73a9032d7de1"));
        assert!(!is_job_id("../../generate/image/bfl/flux-1-dev"));
        assert!(!is_job_id("4d0e5f9797214422b88c73a9032d7de1"));
        assert!(!is_job_id("4d0e5f97-9721-4422-b88c-73a9032d7de1/x"));
        assert!(!is_job_id("4d0e5f97_9721-4422-b88c-73a9032d7de1"));
    }
}
