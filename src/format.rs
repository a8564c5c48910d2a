//! How numbers, money, percentages and dates are written on a Vietnamese portal:
//! `1.234.567`, `1.500.000 đ`, `52,4 %`, `10/06/2026`, `ngày 10 tháng 6 năm 2026`.

use chrono::{Datelike, NaiveDate};

/// Thousands separated by dots: 1234567 → "1.234.567"; -1500 → "-1.500".
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    let first = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Money in đồng: 1500000 → "1.500.000 đ". The space before "đ" is a no-break space so
/// the unit never wraps onto its own line on a narrow phone.
pub fn vnd(amount: i64) -> String {
    format!("{}\u{a0}đ", number(amount))
}

/// A decimal with the Vietnamese decimal comma and dot thousands: 1234.5 → "1.234,5".
pub fn decimal(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    let factor = 10f64.powi(decimals as i32);
    // Round half away from zero on the scaled integer, so 52.45 → "52,5" consistently.
    let scaled = (value.abs() * factor).round() as i64;
    let int_part = scaled / factor as i64;
    let frac_part = scaled % factor as i64;
    let sign = if value < 0.0 && scaled != 0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{}", number(int_part))
    } else {
        format!(
            "{sign}{},{:0width$}",
            number(int_part),
            frac_part,
            width = decimals
        )
    }
}

/// A ratio as a percentage with one decimal: 0.524 → "52,4 %" (no-break space).
pub fn percent(ratio: f64) -> String {
    format!("{}\u{a0}%", decimal(ratio * 100.0, 1))
}

/// "10/06/2026".
pub fn date_short(d: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// "ngày 10 tháng 6 năm 2026", as written in documents.
pub fn date_long(d: NaiveDate) -> String {
    format!("ngày {} tháng {} năm {}", d.day(), d.month(), d.year())
}

/// Day of the week in Vietnamese: "Thứ Hai" … "Chủ nhật".
pub fn weekday(d: NaiveDate) -> &'static str {
    use chrono::Weekday::*;
    match d.weekday() {
        Mon => "Thứ Hai",
        Tue => "Thứ Ba",
        Wed => "Thứ Tư",
        Thu => "Thứ Năm",
        Fri => "Thứ Sáu",
        Sat => "Thứ Bảy",
        Sun => "Chủ nhật",
    }
}

/// File size for download links: "12 KB", "1,4 MB".
pub fn file_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes}\u{a0}byte")
    } else if b < KB * KB {
        format!("{}\u{a0}KB", decimal(b / KB, 0))
    } else {
        format!("{}\u{a0}MB", decimal(b / KB / KB, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_table() {
        for (n, want) in [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1.000"),
            (1_500_000, "1.500.000"),
            (1_234_567, "1.234.567"),
            (-1500, "-1.500"),
            (100_000, "100.000"),
        ] {
            assert_eq!(number(n), want, "number({n})");
        }
    }

    #[test]
    fn money_and_percent() {
        assert_eq!(vnd(1_500_000), "1.500.000\u{a0}đ");
        assert_eq!(percent(0.524), "52,4\u{a0}%");
        assert_eq!(percent(0.5), "50,0\u{a0}%");
        assert_eq!(percent(1.0), "100,0\u{a0}%");
        assert_eq!(decimal(1234.56, 1), "1.234,6");
        assert_eq!(decimal(0.04, 1), "0,0");
        assert_eq!(decimal(f64::NAN, 1), "—");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();
        assert_eq!(date_short(d), "10/06/2026");
        assert_eq!(date_long(d), "ngày 10 tháng 6 năm 2026");
        assert_eq!(weekday(d), "Thứ Tư");
    }

    #[test]
    fn sizes() {
        assert_eq!(file_size(500), "500\u{a0}byte");
        assert_eq!(file_size(12 * 1024), "12\u{a0}KB");
        assert_eq!(file_size(1_468_006), "1,4\u{a0}MB");
    }
}
