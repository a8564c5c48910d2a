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

/// "ngày 10 tháng 6 năm 2026", "ngày 05 tháng 01 năm 2026": as written in documents
/// (Decree 30/2020, Appendix I: a zero before days under 10 and before months 1 and 2).
pub fn date_long(d: NaiveDate) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// The number and symbol of a document cited as "Quyết định số 415/QĐ-UBND ngày …":
/// "415/QĐ-UBND". The first word after "số" that holds a "/"; `None` when there is none.
pub fn document_number(cited: &str) -> Option<&str> {
    let mut words = cited.split_whitespace();
    while let Some(w) = words.next() {
        if w.eq_ignore_ascii_case("số") || w == "Số" || w == "số:" || w == "Số:" {
            let n = words.next()?.trim_end_matches([',', ';', '.', ')']);
            return n.contains('/').then_some(n);
        }
    }
    None
}

/// A commune-level unit's place name without its type, as written before the date of
/// a document ("Hòa An, ngày …"): "Phường Hòa An" → "Hòa An", "Xã Kon Braih" → "Kon Braih".
pub fn place_name(unit: &str) -> &str {
    let t = unit.trim();
    for prefix in [
        "Phường ",
        "phường ",
        "Xã ",
        "xã ",
        "Đặc khu ",
        "đặc khu ",
        "Thị trấn ",
        "thị trấn ",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return rest.trim();
        }
    }
    t
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

    /// Decree 30/2020: a zero before days under 10 and before months 1 and 2 only.
    #[test]
    fn long_dates_follow_decree_30() {
        for (y, m, d, want) in [
            (2026, 1, 5, "ngày 05 tháng 01 năm 2026"),
            (2026, 2, 28, "ngày 28 tháng 02 năm 2026"),
            (2026, 3, 1, "ngày 01 tháng 3 năm 2026"),
            (2026, 6, 10, "ngày 10 tháng 6 năm 2026"),
            (2026, 9, 9, "ngày 09 tháng 9 năm 2026"),
            (2026, 10, 31, "ngày 31 tháng 10 năm 2026"),
            (2026, 12, 1, "ngày 01 tháng 12 năm 2026"),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(date_long(date), want);
        }
    }

    #[test]
    fn document_numbers_and_place_names() {
        for (cited, want) in [
            (
                "Quyết định số 415/QĐ-UBND ngày 05/11/2026 của UBND phường",
                Some("415/QĐ-UBND"),
            ),
            ("Báo cáo số 96/BC-UBND ngày 22/6/2026", Some("96/BC-UBND")),
            ("Số: 58/KH-UBND", Some("58/KH-UBND")),
            ("Quyết định số 12, ngày 01/02/2026", None),
            ("Đã phê duyệt", None),
            ("", None),
        ] {
            assert_eq!(document_number(cited), want, "{cited}");
        }
        assert_eq!(place_name("Phường Hòa An"), "Hòa An");
        assert_eq!(place_name("Xã Kon Braih"), "Kon Braih");
        assert_eq!(place_name("Đặc khu Phú Quốc"), "Phú Quốc");
        assert_eq!(place_name("Hòa An"), "Hòa An");
    }

    #[test]
    fn sizes() {
        assert_eq!(file_size(500), "500\u{a0}byte");
        assert_eq!(file_size(12 * 1024), "12\u{a0}KB");
        assert_eq!(file_size(1_468_006), "1,4\u{a0}MB");
    }
}
