//! Numbers and money written for the person's locale. In the browser, `Intl.NumberFormat`
//! does it (see `intl.rs`); [`Plain`] writes them Krea's way, for the host and its tests.

use krea_api::number::format_number;

pub trait Formatter {
    /// A count or measure: `1,234.5` in English, `1.234,5` in Italian.
    fn number(&self, value: f64) -> String;
    /// US dollars, with cents (and a third decimal where a price has one).
    fn usd(&self, value: f64) -> String;
}

/// Locale-blind formatting: `1234.5`, `$0.035`.
pub struct Plain;

impl Formatter for Plain {
    fn number(&self, value: f64) -> String {
        format_number((value * 100.0).round() / 100.0)
    }

    fn usd(&self, value: f64) -> String {
        let cents = format!("{value:.3}");
        let cents = cents.strip_suffix('0').unwrap_or(&cents);
        format!("${cents}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_and_dollars() {
        assert_eq!(Plain.usd(0.03), "$0.03");
        assert_eq!(Plain.usd(0.035), "$0.035");
        assert_eq!(Plain.usd(0.0), "$0.00");
        assert_eq!(Plain.number(44.0), "44");
        assert_eq!(Plain.number(45.25), "45.25");
    }
}
