//! The only routes the proxy forwards, and the checks on their path segments and query.
//! Upstream URLs are built from these validated pieces and the fixed base URL, never from
//! anything else the client sends.

use axum::routing::MethodRouter;
use axum::Router;
use krea_api::Endpoint;

/// The query keys Krea's `GET /jobs` takes.
pub const LIST_QUERY_KEYS: [&str; 4] = ["cursor", "limit", "status", "types"];

/// The endpoint and `provider/model[/variant]` of a generate path, when every segment is a
/// plain name: `/generate/image/{provider}/{model}`, Krea 2's
/// `/generate/image/krea/krea-2/medium`, or `/generate/enhance/{provider}/{model}`.
pub fn model_path(raw_path: &str) -> Option<(Endpoint, &str)> {
    Endpoint::ALL.into_iter().find_map(|endpoint| {
        let rest = raw_path.strip_prefix(endpoint.prefix())?;
        let segments: Vec<&str> = rest.split('/').collect();
        let most = match endpoint {
            Endpoint::Image => 3,
            Endpoint::Enhance => 2,
        };
        ((2..=most).contains(&segments.len()) && segments.iter().all(|s| is_name_segment(s)))
            .then_some((endpoint, rest))
    })
}

/// A model id as a generate path names it (`provider/model[/variant]`, plain segments).
pub fn is_model_id(id: &str) -> bool {
    let segments: Vec<&str> = id.split('/').collect();
    (2..=3).contains(&segments.len()) && segments.iter().all(|s| is_name_segment(s))
}

/// Krea's job routes, defined once for the proxy and the simulator: generating (two or
/// three path segments; Krea 2 has three) and enhancing, which make jobs, listing, and one
/// job (`GET` and `DELETE`).
pub fn job_routes<S: Clone + Send + Sync + 'static>(
    generate: MethodRouter<S>,
    list: MethodRouter<S>,
    job: MethodRouter<S>,
) -> Router<S> {
    let [generate2, generate3, enhance, jobs, one_job] = JOB_PATHS;
    Router::new()
        .route(generate2, generate.clone())
        .route(generate3, generate.clone())
        .route(enhance, generate)
        .route(jobs, list)
        .route(one_job, job)
}

/// The paths of [`job_routes`], in its order.
pub const JOB_PATHS: [&str; 5] = [
    "/generate/image/{provider}/{model}",
    "/generate/image/{provider}/{model}/{variant}",
    "/generate/enhance/{provider}/{model}",
    "/jobs",
    "/jobs/{id}",
];

/// `[a-z0-9][a-z0-9._-]*` with no `..`: nothing that could climb out of the path or be
/// decoded into something else (`%` and `\` never match).
pub fn is_name_segment(segment: &str) -> bool {
    let mut chars = segment.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    first_ok
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        && !segment.contains("..")
}

pub use krea_api::is_job_id;

/// A file the simulator serves: a job's picture (`/simulator/images/{uuid}.{png,jpg,webp}`), an
/// upload (`/simulator/assets/{uuid}.{jpg,png,webp,heic}`) or a style's thumbnail
/// (`/simulator/styles/{style id}.png`).
pub fn is_simulator_file(path: &str) -> bool {
    let in_folder = |folder: &str| path.strip_prefix(folder)?.rsplit_once('.');
    if let Some((id, "png" | "jpg" | "webp")) = in_folder("/simulator/images/") {
        return is_job_id(id);
    }
    if let Some((id, extension)) = in_folder("/simulator/assets/") {
        return is_job_id(id) && crate::image_kind::ImageKind::from_extension(extension).is_some();
    }
    matches!(in_folder("/simulator/styles/"), Some((id, "png")) if is_style_id(id))
}

/// Re-encodes a `GET /jobs` query after checking that it only uses Krea's keys.
pub fn list_query(raw_query: Option<&str>) -> Result<String, String> {
    checked_query(raw_query, &LIST_QUERY_KEYS, "GET /jobs")
}

/// Re-encodes a query after checking that it only uses `keys` (`route` names the route in
/// the refusal).
pub fn checked_query(
    raw_query: Option<&str>,
    keys: &[&str],
    route: &str,
) -> Result<String, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw_query.unwrap_or_default()).map_err(|e| e.to_string())?;
    if let Some((key, _)) = pairs.iter().find(|(key, _)| !keys.contains(&key.as_str())) {
        return Err(format!(
            "Unknown query parameter '{key}'; {route} takes {}",
            keys.join(", ")
        ));
    }
    serde_urlencoded::to_string(&pairs).map_err(|e| e.to_string())
}

/// A style id as Krea writes them (UUIDs, or short names): letters, digits, `-` and `_`,
/// 1 to 64 of them.
pub fn is_style_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_paths_take_two_or_three_plain_segments() {
        assert_eq!(
            model_path("/generate/image/bfl/flux-1-dev"),
            Some((Endpoint::Image, "bfl/flux-1-dev"))
        );
        assert_eq!(
            model_path("/generate/image/krea/krea-2/medium"),
            Some((Endpoint::Image, "krea/krea-2/medium"))
        );
        assert_eq!(
            model_path("/generate/image/bfl/flux-1.1-pro"),
            Some((Endpoint::Image, "bfl/flux-1.1-pro"))
        );
        assert_eq!(
            model_path("/generate/enhance/topaz/bloom-enhance"),
            Some((Endpoint::Enhance, "topaz/bloom-enhance"))
        );
        for bad in [
            "/generate/image/bfl",
            "/generate/image/a/b/c/d",
            "/generate/image/bfl/../jobs",
            "/generate/image/bfl/%2e%2e",
            "/generate/image/bfl/Flux",
            "/generate/image/bfl/-x",
            "/generate/image/bfl/a\\b",
            "/generate/image/bfl//x",
            "/generate/video/kling/x",
            "/generate/enhance/krea/enhance/x",
            "/generate/enhance/../jobs",
        ] {
            assert_eq!(model_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn list_queries_keep_only_krea_keys() {
        assert_eq!(
            list_query(Some("limit=5&status=completed")).unwrap(),
            "limit=5&status=completed"
        );
        assert_eq!(list_query(None).unwrap(), "");
        assert_eq!(
            list_query(Some("cursor=2026-11-22T10%3A00%3A00Z")).unwrap(),
            "cursor=2026-11-22T10%3A00%3A00Z"
        );
        assert!(list_query(Some("limit=5&url=http://evil")).is_err());
    }
}
