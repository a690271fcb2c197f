//! Numbers as people read them: `1024`, not `1024.0`.

pub fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        (value as i64).to_string()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::format_number;

    #[test]
    fn whole_numbers_have_no_decimals_and_fractions_keep_theirs() {
        assert_eq!(format_number(1024.0), "1024");
        assert_eq!(format_number(-2.0), "-2");
        assert_eq!(format_number(0.5), "0.5");
        assert_eq!(format_number(0.0175), "0.0175");
        assert_eq!(format_number(3_317_551_338.0), "3317551338");
    }
}
