//! Krea's error body. The spec says `{"error": "…"}`; the billing page shows a 402 as
//! `{"message": "…"}`, so both are read.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(alias = "message")]
    pub error: String,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>) -> Self {
        ErrorBody {
            error: error.into(),
        }
    }

    /// The message from an error response body, whatever its shape; `None` when the body
    /// says nothing readable.
    pub fn message_from(body: &str) -> Option<String> {
        if let Ok(parsed) = serde_json::from_str::<ErrorBody>(body) {
            return Some(parsed.error);
        }
        let trimmed = body.trim();
        (!trimmed.is_empty() && !trimmed.starts_with('{') && trimmed.len() <= 300)
            .then(|| trimmed.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_error_and_message_bodies() {
        assert_eq!(
            ErrorBody::message_from(r#"{"error":"Invalid values: width"}"#).as_deref(),
            Some("Invalid values: width")
        );
        assert_eq!(
            ErrorBody::message_from(r#"{"message":"Insufficient API balance"}"#).as_deref(),
            Some("Insufficient API balance")
        );
        assert_eq!(
            ErrorBody::message_from("Bad Gateway").as_deref(),
            Some("Bad Gateway")
        );
        assert_eq!(ErrorBody::message_from(r#"{"other":1}"#), None);
        assert_eq!(ErrorBody::message_from(""), None);
    }
}
