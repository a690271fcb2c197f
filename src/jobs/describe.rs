//! How a job's state and failure read to a person.

use krea_api::JobStatus;

pub fn status_label(status: &JobStatus) -> String {
    match status {
        JobStatus::Backlogged => "Waiting for a free slot".into(),
        JobStatus::Queued => "Queued".into(),
        JobStatus::Scheduled => "Scheduled".into(),
        JobStatus::Processing => "Processing".into(),
        JobStatus::Sampling => "Sampling".into(),
        JobStatus::IntermediateComplete => "Almost done".into(),
        JobStatus::Completed => "Completed".into(),
        JobStatus::Failed => "Failed".into(),
        JobStatus::Cancelled => "Cancelled".into(),
        JobStatus::Unknown(other) => format!("Working ({other})"),
    }
}

/// Krea's reason, verbatim, with a hint for the moderation codes it is known to send.
pub fn failure_text(reason: Option<&str>) -> String {
    match reason {
        Some("nsfw") => {
            "Blocked by content moderation (nsfw). Rephrase the prompt and try again.".into()
        }
        Some("ip_detected") => {
            "Blocked: the prompt or image looks like protected IP (ip_detected).".into()
        }
        Some(reason) => reason.to_owned(),
        None => "Krea gave no reason for this failure.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_words_and_failures_keep_krea_reason() {
        for status in JobStatus::ALL {
            assert!(!status_label(&status).is_empty());
        }
        assert_eq!(
            status_label(&JobStatus::Unknown("warming".into())),
            "Working (warming)"
        );
        assert!(failure_text(Some("nsfw")).contains("(nsfw)"));
        assert_eq!(failure_text(Some("GPU on fire")), "GPU on fire");
        assert!(failure_text(None).contains("no reason"));
    }
}
