//! Number formats for reports: money with two decimals and thin thousands
//! separators, percentages, signed deltas.

use rust_decimal::Decimal;

/// `1234567.891` → `1 234 567.89` (narrow no-break spaces as separators).
pub fn money(value: Decimal) -> String {
    let rounded = value.round_dp(2);
    let text = format!("{rounded:.2}");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "00"));
    format!("{sign}{}.{fraction}", group(whole))
}

/// `12345` → `12 345`.
pub fn count(value: i64) -> String {
    let text = value.unsigned_abs().to_string();
    let sign = if value < 0 { "-" } else { "" };
    format!("{sign}{}", group(&text))
}

fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

/// A ratio as a percentage with `decimals` places: `0.1234` → `12.34%`.
pub fn percent(ratio: f64, decimals: usize) -> String {
    if !ratio.is_finite() {
        return "—".into();
    }
    format!("{:.*}%", decimals, ratio * 100.0)
}

/// A change as a signed percentage: `+12.3%`, `−4.0%`, `—` when undefined.
pub fn delta(current: f64, previous: f64) -> String {
    if previous == 0.0 || !current.is_finite() || !previous.is_finite() {
        return "—".into();
    }
    let change = (current - previous) / previous * 100.0;
    if change < 0.0 {
        format!("−{:.1}%", -change)
    } else {
        format!("+{change:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn formats_money_counts_and_percentages() {
        let d = |s| Decimal::from_str(s).unwrap_or_default();
        assert_eq!(money(d("1234567.891")), "1\u{202F}234\u{202F}567.89");
        assert_eq!(money(d("-5")), "-5.00");
        assert_eq!(money(d("999.995")), "1\u{202F}000.00");
        assert_eq!(count(1_000), "1\u{202F}000");
        assert_eq!(count(-12), "-12");
        assert_eq!(percent(0.1234, 2), "12.34%");
        assert_eq!(percent(f64::NAN, 1), "—");
        assert_eq!(delta(110.0, 100.0), "+10.0%");
        assert_eq!(delta(96.0, 100.0), "−4.0%");
        assert_eq!(delta(5.0, 0.0), "—");
    }
}
