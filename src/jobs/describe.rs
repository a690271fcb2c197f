//! How a job's state and failure read to a person.

use crate::i18n::{fill, Texts};
use krea_api::JobStatus;

pub fn status_label(status: &JobStatus, t: &Texts) -> String {
    match status {
        JobStatus::Backlogged => t.backlogged.into(),
        JobStatus::Queued => t.queued.into(),
        JobStatus::Scheduled => t.scheduled.into(),
        JobStatus::Processing => t.processing.into(),
        JobStatus::Sampling => t.sampling.into(),
        JobStatus::IntermediateComplete => t.intermediate.into(),
        JobStatus::Completed => t.completed.into(),
        JobStatus::Failed => t.failed.into(),
        JobStatus::Cancelled => t.cancelled.into(),
        JobStatus::Unknown(other) => fill(t.working, &[("state", other)]),
    }
}

/// Krea's reason, verbatim, with a hint for the moderation codes it is known to send.
pub fn failure_text(reason: Option<&str>, t: &Texts) -> String {
    match reason {
        Some("nsfw") => t.moderation.into(),
        Some("ip_detected") => t.ip_detected.into(),
        Some(reason) => reason.to_owned(),
        None => t.no_reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ID};

    #[test]
    fn every_state_has_words_and_failures_keep_krea_reason() {
        for status in JobStatus::ALL {
            assert!(!status_label(&status, &EN).is_empty());
        }
        assert_eq!(
            status_label(&JobStatus::Unknown("warming".into()), &EN),
            "Working (warming)"
        );
        assert_eq!(status_label(&JobStatus::Completed, &ID), "Selesai");
        assert!(failure_text(Some("nsfw"), &EN).contains("(nsfw)"));
        assert_eq!(failure_text(Some("GPU on fire"), &EN), "GPU on fire");
        assert!(failure_text(None, &EN).contains("no reason"));
    }
}
