//! What is wrong with a field, and how it reads next to it.

use crate::i18n::{fill, reason_text, Texts};
use krea_api::Problem;
use std::collections::BTreeMap;

/// Problems keyed by field name (`prompt`, `width`, …; `form` for the rest).
pub type FormErrors = BTreeMap<String, FormProblem>;

/// What is wrong with one field, and where inside a list field.
#[derive(Debug, Clone, PartialEq)]
pub struct FormProblem {
    /// The line of a list input (from 1), and the member of its item, when that is where.
    pub line: Option<(usize, Option<String>)>,
    pub problem: Problem,
}

impl FormProblem {
    pub(super) fn of(problem: Problem) -> Self {
        FormProblem {
            line: None,
            problem,
        }
    }

    /// The message shown next to `field`.
    pub fn message(&self, field: &str, t: &Texts) -> String {
        if field == "prompt" && self.problem == Problem::Missing {
            return t.write_prompt.to_owned();
        }
        let message = reason_text(&self.problem, t);
        match &self.line {
            None => message,
            Some((line, None)) => fill(
                t.on_line,
                &[("line", &line.to_string()), ("message", &message)],
            ),
            Some((line, Some(member))) => fill(
                t.on_line_member,
                &[
                    ("line", &line.to_string()),
                    ("member", member),
                    ("message", &message),
                ],
            ),
        }
    }
}
