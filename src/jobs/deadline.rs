//! When to stop waiting for a job. Krea fails jobs by itself after about 3 minutes for
//! the models it hosts and about 2 hours for external providers; a job still pending well
//! past that will not finish, and the studio says so instead of waiting forever.

/// Krea's own timeout for a model, in seconds. Only Krea's own models (`krea/…`) count as
/// hosted here: Krea does not say which other models it runs itself.
pub fn deadline_secs(model_id: &str) -> u32 {
    if model_id.starts_with("krea/") {
        3 * 60
    } else {
        2 * 60 * 60
    }
}

/// Time for Krea's own timeout to show in the job's state.
const GRACE_SECS: f64 = 60.0;

/// Whether a job of this model, this old (ms), is past waiting for.
pub fn is_overdue(model_id: &str, age_ms: f64) -> bool {
    age_ms > (f64::from(deadline_secs(model_id)) + GRACE_SECS) * 1000.0
}

/// How many consecutive 404 answers mean Krea no longer knows a job (one could be a proxy
/// briefly pointed elsewhere).
pub const LOST_AFTER_NOT_FOUND: u32 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosted_models_time_out_in_minutes_external_ones_in_hours() {
        assert_eq!(deadline_secs("krea/krea-2/medium"), 180);
        assert_eq!(deadline_secs("bfl/flux-1-dev"), 7200);
        assert!(!is_overdue("krea/krea-2/large", 200_000.0));
        assert!(is_overdue("krea/krea-2/large", 241_000.0));
        assert!(!is_overdue("openai/gpt-image", 241_000.0));
        assert!(is_overdue("openai/gpt-image", 7_261_000.0));
    }
}
