//! What a downloaded image is called: the start of its prompt and its job id, so a folder of
//! downloads sorts and reads by what they show.

/// Most characters of the prompt kept in a file name.
const PROMPT_CHARS: usize = 48;

/// `a-red-fox-in-fresh-snow-3f2a9c1e.png`; the `index` of a job's several images follows the
/// id from the second on.
pub fn download_name(prompt: &str, job_id: &str, index: usize, url: &str) -> String {
    let mut slug = String::new();
    for c in prompt.chars().flat_map(char::to_lowercase) {
        if slug.chars().count() >= PROMPT_CHARS {
            break;
        }
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let short_id: String = job_id.chars().filter(|c| *c != '-').take(8).collect();
    let suffix = if index > 0 {
        format!("-{}", index + 1)
    } else {
        String::new()
    };
    let stem = if slug.is_empty() {
        format!("krea-{short_id}{suffix}")
    } else {
        format!("{slug}-{short_id}{suffix}")
    };
    format!("{stem}.{}", extension(url))
}

fn extension(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_lowercase();
    ["png", "jpg", "jpeg", "webp", "svg", "gif", "avif"]
        .into_iter()
        .find(|ext| path.ends_with(&format!(".{ext}")))
        .unwrap_or("png")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_like_the_prompt_and_keep_the_id_and_type() {
        let id = "3f2a9c1e-0000-4000-8000-000000000000";
        assert_eq!(
            download_name(
                "A red fox, in fresh snow!",
                id,
                0,
                "https://gen.krea.ai/images/x.webp?s=1"
            ),
            "a-red-fox-in-fresh-snow-3f2a9c1e.webp"
        );
        assert_eq!(
            download_name("Città d'arte", id, 1, "/simulator/images/x.svg"),
            "città-d-arte-3f2a9c1e-2.svg"
        );
        assert_eq!(
            download_name("!!!", id, 0, "https://x/y"),
            "krea-3f2a9c1e.png"
        );
        let long = download_name(&"word ".repeat(40), id, 0, "a.png");
        assert!(long.len() <= PROMPT_CHARS + 14, "{long}");
    }
}
