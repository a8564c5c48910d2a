//! Parsing cell text the way Vietnamese staff write it: `1.500.000 đ`, `10/06/2026`,
//! `8h30`, `có`/`không`. Every function is pure and returns a [`Diagnostic`] pointing at
//! the cell, with a hint showing the expected form.

use chrono::{NaiveDate, NaiveTime};

use super::{Cell, Table};
use crate::diagnostics::{Diagnostic, Location};
use crate::text::fold;

/// Where a value came from, turned into a [`Location`] only when there is an error.
pub trait Locate {
    fn locate(self) -> Location;
}

impl Locate for Location {
    fn locate(self) -> Location {
        self
    }
}

impl Locate for &Location {
    fn locate(self) -> Location {
        self.clone()
    }
}

impl Locate for (&Table, &Cell) {
    fn locate(self) -> Location {
        self.0.location(self.1)
    }
}

fn err(at: impl Locate, message: String, hint: &str) -> Diagnostic {
    Diagnostic::error(message).at(at.locate()).hint(hint)
}

const INT_HINT: &str =
    "viết đủ chữ số, ví dụ 1.500.000 (dấu chấm, dấu phẩy hoặc khoảng trắng ngăn cách hàng nghìn)";

/// Thousands separators staff use: `.`, `,`, space, no-break spaces.
fn is_group_sep(c: char) -> bool {
    matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}')
}

/// A whole number ≥ 0: `1500000`, `1.500.000`, `1,500,000`, `1 500 000`, and
/// `1500000.0` as Excel sometimes writes it. Refuses decimals (`1.5`), abbreviations
/// (`1,5 triệu`), negatives and wrong grouping (`1.50.000`).
pub fn parse_int(text: &str, at: impl Locate) -> Result<u64, Diagnostic> {
    let s = text.trim();
    // Plain digits, the common case in a 100,000-row list.
    if !s.is_empty()
        && s.len() <= 19
        && s.bytes().all(|b| b.is_ascii_digit())
        && let Ok(n) = s.parse::<u64>()
    {
        return Ok(n);
    }
    let shown = || format!("\u{201c}{s}\u{201d}");
    if s.is_empty() {
        return Err(err(at, "ô số đang để trống".into(), INT_HINT));
    }
    if s.starts_with('-') || s.starts_with('−') {
        return Err(err(
            at,
            format!("số {} bị âm; ở đây chỉ nhận số từ 0 trở lên", shown()),
            INT_HINT,
        ));
    }
    // Only text with letters can be an abbreviation such as "1,5tr" or "500k".
    let folded = if s.chars().any(char::is_alphabetic) {
        fold(s)
    } else {
        String::new()
    };
    if folded.contains("tr")
        || folded.contains("trieu")
        || folded.contains("ty")
        || folded.contains("nghin")
        || folded.ends_with('k')
    {
        return Err(err(
            at,
            format!(
                "số {} viết tắt bằng chữ (triệu, tỷ, nghìn…), không đọc chính xác được",
                shown()
            ),
            INT_HINT,
        ));
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    // Excel's "1500000.0" / "1500000.00".
    let body = match s.split_once('.') {
        Some((int, frac))
            if !int.is_empty()
                && int.chars().all(|c| c.is_ascii_digit())
                && !frac.is_empty()
                && frac.chars().all(|c| c == '0')
                && frac.len() <= 2 =>
        {
            int
        }
        _ => s,
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || is_group_sep(c)) {
        return Err(err(
            at,
            format!("{} không phải là một số", shown()),
            INT_HINT,
        ));
    }
    let seps: Vec<char> = body.chars().filter(|&c| is_group_sep(c)).collect();
    if let Some(&first) = seps.first() {
        let spaceish = |c: char| matches!(c, ' ' | '\u{a0}' | '\u{202f}');
        let same = seps
            .iter()
            .all(|&c| c == first || (spaceish(c) && spaceish(first)));
        let groups: Vec<&str> = body.split(is_group_sep).collect();
        let good = same
            && groups.len() >= 2
            && (1..=3).contains(&groups[0].len())
            && groups[1..].iter().all(|g| g.len() == 3);
        if !good {
            let looks_decimal = seps.len() == 1
                && groups.len() == 2
                && groups[1].len() < 3
                && !groups[1].is_empty();
            let message = if looks_decimal {
                format!(
                    "số {} có phần thập phân hoặc viết thiếu chữ số; ở đây cần số nguyên",
                    shown()
                )
            } else {
                format!(
                    "số {} ngăn cách hàng nghìn sai (mỗi nhóm sau dấu ngăn phải có đúng 3 chữ số)",
                    shown()
                )
            };
            return Err(err(at, message, INT_HINT));
        }
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    digits
        .parse::<u64>()
        .map_err(|_| err(at, format!("số {} quá lớn", shown()), INT_HINT))
}

/// An amount of money in đồng: like [`parse_int`], also with a currency suffix
/// (`đ`, `đồng`, `VNĐ`, `VND`, `₫`).
pub fn parse_vnd(text: &str, at: impl Locate) -> Result<u64, Diagnostic> {
    let s = text.trim();
    if s.ends_with(|c: char| c.is_ascii_digit()) {
        return parse_int(s, at);
    }
    let lower = s.to_lowercase();
    let mut body = s;
    for suffix in ["vnđ", "vnd", "đồng", "đ", "₫", "dong", "d"] {
        if lower.ends_with(suffix) {
            // `suffix` is lower-case with the same byte length as the original's tail
            // for these characters.
            let cut = s.len() - suffix.len();
            if s.is_char_boundary(cut) {
                body = s[..cut].trim_end();
            }
            break;
        }
    }
    if body.is_empty() && !s.is_empty() {
        return Err(err(
            at,
            format!("\u{201c}{s}\u{201d} không phải là một số tiền"),
            INT_HINT,
        ));
    }
    parse_int(body, at)
}

/// A decimal number such as an area: `12,5`, `12.5`, `1.234,5`, `1,234.5`, `3`.
/// With one kind of separator used once it is the decimal mark; used several times it
/// groups thousands; with both kinds the last one is the decimal mark.
pub fn parse_decimal(text: &str, at: impl Locate) -> Result<f64, Diagnostic> {
    const HINT: &str =
        "viết số bằng chữ số, dùng dấu phẩy hoặc dấu chấm cho phần thập phân, ví dụ 12,5";
    let s = text.trim();
    let shown = || format!("\u{201c}{s}\u{201d}");
    let (neg, body) = match s.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
        || !body.starts_with(|c: char| c.is_ascii_digit())
        || !body.ends_with(|c: char| c.is_ascii_digit())
    {
        return Err(err(at, format!("{} không phải là một số", shown()), HINT));
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let (group, decimal) = match (dots, commas) {
        (0, 0) => (None, None),
        (1, 0) => (None, Some('.')),
        (0, 1) => (None, Some(',')),
        (_, 0) => (Some('.'), None),
        (0, _) => (Some(','), None),
        _ => {
            let last = body
                .rfind(['.', ','])
                .map_or('.', |i| body.as_bytes()[i] as char);
            let other = if last == '.' { ',' } else { '.' };
            if body.matches(last).count() != 1 {
                return Err(err(
                    at,
                    format!("số {} có nhiều dấu thập phân", shown()),
                    HINT,
                ));
            }
            (Some(other), Some(last))
        }
    };
    let (int_part, frac_part) = match decimal {
        Some(d) => body.split_once(d).unwrap_or((body, "")),
        None => (body, ""),
    };
    if let Some(g) = group {
        let groups: Vec<&str> = int_part.split(g).collect();
        if !((1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|x| x.len() == 3)) {
            return Err(err(
                at,
                format!("số {} ngăn cách hàng nghìn sai", shown()),
                HINT,
            ));
        }
    }
    let int_digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
    let normal = if frac_part.is_empty() {
        int_digits
    } else {
        format!("{int_digits}.{frac_part}")
    };
    match normal.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(if neg { -v } else { v }),
        _ => Err(err(at, format!("số {} quá lớn", shown()), HINT)),
    }
}

const DATE_HINT: &str = "viết ngày theo dạng ngày/tháng/năm, năm đủ 4 chữ số, ví dụ 10/06/2026";

/// A date: `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy` or ISO `yyyy-mm-dd`.
pub fn parse_date(text: &str, at: impl Locate) -> Result<NaiveDate, Diagnostic> {
    let s = text.trim();
    let shown = format!("\u{201c}{s}\u{201d}");
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    let numeric = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()));
    // All separators the same.
    let seps: Vec<char> = s.chars().filter(|c| matches!(c, '/' | '-' | '.')).collect();
    if !numeric || seps.iter().any(|&c| c != seps[0]) {
        if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) && s.len() == 5 {
            return Err(err(
                at,
                format!("{shown} là số ngày kiểu Excel, không phải ngày tháng"),
                "định dạng ô là Ngày (Date) trong Excel, hoặc gõ lại theo dạng 10/06/2026",
            ));
        }
        return Err(err(
            at,
            format!("{shown} không phải là ngày hợp lệ"),
            DATE_HINT,
        ));
    }
    let num = |p: &str| p.parse::<u32>().unwrap_or(0);
    let (y, m, d) = if parts[0].len() == 4 {
        if seps[0] != '-' {
            return Err(err(
                at,
                format!("{shown} không phải là ngày hợp lệ"),
                DATE_HINT,
            ));
        }
        (parts[0], num(parts[1]), num(parts[2]))
    } else {
        (parts[2], num(parts[1]), num(parts[0]))
    };
    if y.len() != 4 || parts[0].len() > 2 && parts[0].len() != 4 || parts[1].len() > 2 {
        return Err(err(
            at,
            format!("{shown}: năm phải có đủ 4 chữ số và ngày, tháng tối đa 2 chữ số"),
            DATE_HINT,
        ));
    }
    let y: i32 = y.parse().unwrap_or(0);
    if !(1..=12).contains(&m) {
        return Err(err(
            at,
            format!("ngày {shown} không tồn tại: tháng {m} không có (tháng từ 1 đến 12)"),
            DATE_HINT,
        ));
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| {
        let days = days_in_month(y, m);
        err(
            at,
            format!("ngày {shown} không tồn tại: tháng {m} năm {y} chỉ có {days} ngày"),
            DATE_HINT,
        )
    })
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(y, m, 1);
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => b.signed_duration_since(a).num_days() as u32,
        _ => 31,
    }
}

/// A calendar month, for periods given to the month ("Từ tháng 01/2026").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Month { year, month })
    }

    /// The month's first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// The month's last day (28, 29, 30 or 31).
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, days_in_month(self.year, self.month))
            .unwrap_or_default()
    }
}

/// `12/2026`, as staff write a month.
impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}/{}", self.month, self.year)
    }
}

/// One end of a period: a day, or a whole month when the file gives only the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Day(NaiveDate),
    Month(Month),
}

impl Period {
    /// The first day it covers (a month's first day).
    pub fn start(self) -> NaiveDate {
        match self {
            Period::Day(d) => d,
            Period::Month(m) => m.first_day(),
        }
    }

    /// The last day it covers (a month's last day, never its first).
    pub fn end(self) -> NaiveDate {
        match self {
            Period::Day(d) => d,
            Period::Month(m) => m.last_day(),
        }
    }

    pub fn is_month(self) -> bool {
        matches!(self, Period::Month(_))
    }
}

/// `10/06/2026` for a day, `12/2026` for a month.
impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Day(d) => f.write_str(&crate::format::date_short(*d)),
            Period::Month(m) => m.fmt(f),
        }
    }
}

/// A month as staff write it: `12/2026`, `12-2026`, `tháng 12/2026`, `tháng 12 năm
/// 2026`, `T12/2026`, `Từ tháng 01/2026`, `Đến tháng 12/2026`, ISO `2026-12`.
/// `None` for anything else (a full date included).
pub fn parse_month(text: &str) -> Option<Month> {
    let folded = fold(text.trim());
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut nums: Vec<&str> = Vec::new();
    let mut said_month = false;
    for (i, w) in words.iter().enumerate() {
        match *w {
            "tu" | "den" | "het" if i == 0 => {}
            "thang" => said_month = true,
            "nam" if said_month => {}
            w if w.starts_with('t')
                && w.len() > 1
                && w[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                said_month = true;
                nums.push(&w[1..]);
            }
            w if w.chars().all(|c| c.is_ascii_digit()) => nums.push(w),
            _ => return None,
        }
    }
    let [a, b] = nums.as_slice() else {
        return None;
    };
    let (m, y) = if a.len() == 4 && b.len() <= 2 && !said_month {
        (*b, *a)
    } else {
        (*a, *b)
    };
    if m.is_empty() || m.len() > 2 || y.len() != 4 {
        return None;
    }
    Month::new(y.parse().ok()?, m.parse().ok()?)
}

/// A day or a month: [`parse_month`] first, else [`parse_date`] (also after "Từ ngày",
/// "Đến ngày").
pub fn parse_period(text: &str, at: impl Locate) -> Result<Period, Diagnostic> {
    if let Some(m) = parse_month(text) {
        return Ok(Period::Month(m));
    }
    let t = text.trim();
    let lower = t.to_lowercase();
    let mut body = t;
    for prefix in ["từ ngày", "đến ngày", "ngày"] {
        if lower.starts_with(prefix) && t.is_char_boundary(prefix.len()) {
            body = t[prefix.len()..].trim_start();
            break;
        }
    }
    parse_date(body, at).map(Period::Day)
}

/// A time of day: `08:00`, `8:00`, `08:00:00`, `8h`, `8h30`, `08g30`, `8 giờ 30`.
pub fn parse_time(text: &str, at: impl Locate) -> Result<NaiveTime, Diagnostic> {
    const HINT: &str =
        "viết giờ theo dạng giờ:phút (24 giờ), ví dụ 08:00 hoặc 14:30; cũng nhận 8h30";
    let s = text.trim();
    let shown = format!("\u{201c}{s}\u{201d}");
    let lower = fold(s).replace(' ', "");
    let lower = lower.replace("gio", "h").replace("phut", "");
    let parts: Vec<&str> = if lower.contains(':') {
        lower.split(':').collect()
    } else if let Some((h, m)) = lower.split_once(['h', 'g']) {
        vec![h, m]
    } else {
        return Err(err(at, format!("{shown} không phải là giờ hợp lệ"), HINT));
    };
    let ok = (2..=3).contains(&parts.len())
        && !parts[0].is_empty()
        && parts[0].len() <= 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && parts[1..]
            .iter()
            .all(|p| p.len() == 2 || (p.is_empty() && parts.len() == 2 && !lower.contains(':')));
    if !ok {
        return Err(err(at, format!("{shown} không phải là giờ hợp lệ"), HINT));
    }
    let h: u32 = parts[0].parse().unwrap_or(99);
    let m: u32 = if parts[1].is_empty() {
        0
    } else {
        parts[1].parse().unwrap_or(99)
    };
    let sec: u32 = parts.get(2).map_or(0, |p| p.parse().unwrap_or(99));
    NaiveTime::from_hms_opt(h, m, sec).ok_or_else(|| {
        err(
            at,
            format!("giờ {shown} không tồn tại (giờ từ 0 đến 23, phút từ 0 đến 59)"),
            HINT,
        )
    })
}

/// Yes/no as staff write it: `có`/`không`, `x`, `yes`/`no`, `true`/`false`, `1`/`0`,
/// `đúng`/`sai`; an empty cell is `false`.
pub fn parse_bool_vi(text: &str, at: impl Locate) -> Result<bool, Diagnostic> {
    match fold(text.trim()).as_str() {
        "" | "khong" | "no" | "false" | "0" | "sai" | "k" => Ok(false),
        "co" | "x" | "yes" | "true" | "1" | "dung" | "c" | "v" => Ok(true),
        _ => Err(err(
            at,
            format!("\u{201c}{}\u{201d} không phải là có/không", text.trim()),
            "ghi \u{201c}có\u{201d} (hoặc x) nếu đúng, \u{201c}không\u{201d} hoặc để trống nếu không",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at() -> Location {
        Location::at("data/ds.csv", 5, 3)
    }

    #[test]
    fn int_and_vnd_accept() {
        for (input, want) in [
            ("1500000", 1_500_000),
            ("1.500.000", 1_500_000),
            ("1,500,000", 1_500_000),
            ("1 500 000", 1_500_000),
            ("1\u{a0}500\u{a0}000", 1_500_000),
            ("1500000.0", 1_500_000),
            (" 0 ", 0),
            ("999", 999),
            ("12.345", 12_345),
            ("0000123", 123),
            ("18446744073709551615", u64::MAX),
        ] {
            assert_eq!(
                parse_int(input, at()).ok(),
                Some(want),
                "parse_int({input:?})"
            );
            assert_eq!(
                parse_vnd(input, at()).ok(),
                Some(want),
                "parse_vnd({input:?})"
            );
        }
        for (input, want) in [
            ("1.500.000 đ", 1_500_000),
            ("1.500.000đ", 1_500_000),
            ("1.500.000 VNĐ", 1_500_000),
            ("1.500.000 VND", 1_500_000),
            ("1.500.000 đồng", 1_500_000),
            ("1.500.000₫", 1_500_000),
            ("2000000 d", 2_000_000),
        ] {
            assert_eq!(
                parse_vnd(input, at()).ok(),
                Some(want),
                "parse_vnd({input:?})"
            );
            assert!(parse_int(input, at()).is_err(), "parse_int({input:?})");
        }
    }

    #[test]
    fn int_and_vnd_reject() {
        for input in [
            "1.5",
            "1,5",
            "1.5tr",
            "1,5 triệu",
            "2tr",
            "500k",
            "-3",
            "abc",
            "1.50.000",
            "1.500,000",
            "",
            "1..000",
            "1.500.",
            ".500",
            "1.5000",
            "1500000.5",
            "đ",
            "99999999999999999999999",
            "18446744073709551616",
            "1 tr 500",
        ] {
            let e = parse_vnd(input, at()).unwrap_err();
            assert_eq!(e.location, Some(at()), "{input:?}");
            assert!(
                e.hint
                    .as_deref()
                    .unwrap_or("")
                    .contains("viết đủ chữ số, ví dụ 1.500.000"),
                "{input:?}"
            );
            assert!(parse_int(input, at()).is_err(), "parse_int({input:?})");
        }
        assert!(parse_int("-3", at()).unwrap_err().message.contains("âm"));
        assert!(
            parse_int("1,5 triệu", at())
                .unwrap_err()
                .message
                .contains("viết tắt")
        );
        assert!(
            parse_int("1.50.000", at())
                .unwrap_err()
                .message
                .contains("3 chữ số")
        );
    }

    #[test]
    fn decimal_table() {
        for (input, want) in [
            ("12,5", 12.5),
            ("12.5", 12.5),
            ("3", 3.0),
            ("1.234,5", 1234.5),
            ("1,234.5", 1234.5),
            ("1.234.567", 1_234_567.0),
            ("0,05", 0.05),
            ("-2,5", -2.5),
        ] {
            assert_eq!(parse_decimal(input, at()).ok(), Some(want), "{input:?}");
        }
        for input in [
            "",
            "abc",
            "12,5m2",
            "1,2,3.4.5",
            "1.2.3,4,5",
            ",5",
            "5.",
            "1.23.456",
            "1e5",
            "NaN",
            "inf",
        ] {
            assert!(parse_decimal(input, at()).is_err(), "{input:?}");
        }
    }

    #[test]
    fn date_table() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (input, want) in [
            ("10/06/2026", d(2026, 6, 10)),
            ("1/6/2026", d(2026, 6, 1)),
            ("10-06-2026", d(2026, 6, 10)),
            ("10.06.2026", d(2026, 6, 10)),
            ("2026-06-10", d(2026, 6, 10)),
            (" 29/02/2024 ", d(2024, 2, 29)),
        ] {
            assert_eq!(parse_date(input, at()).ok(), Some(want), "{input:?}");
        }
        for input in [
            "31/02/2026",
            "29/02/2026",
            "10/13/2026",
            "0/1/2026",
            "10/06/26",
            "2026/06/10",
            "10/06-2026",
            "hôm nay",
            "",
            "46183",
            "1/2/3/4",
            "2026-6",
        ] {
            assert!(parse_date(input, at()).is_err(), "{input:?}");
        }
        let e = parse_date("31/02/2026", at()).unwrap_err();
        assert!(
            e.message.contains("không tồn tại") && e.message.contains("28 ngày"),
            "{}",
            e.message
        );
        assert!(
            parse_date("46183", at())
                .unwrap_err()
                .message
                .contains("Excel")
        );
    }

    #[test]
    fn time_table() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        for (input, want) in [
            ("08:00", t(8, 0)),
            ("8:00", t(8, 0)),
            ("8h", t(8, 0)),
            ("8h30", t(8, 30)),
            ("08g30", t(8, 30)),
            ("14H05", t(14, 5)),
            ("8 giờ 30", t(8, 30)),
            ("08:00:00", t(8, 0)),
            ("0:00", t(0, 0)),
            ("23:59", t(23, 59)),
        ] {
            assert_eq!(parse_time(input, at()).ok(), Some(want), "{input:?}");
        }
        for input in [
            "25:00",
            "24:00",
            "8:60",
            "8:5",
            "8",
            "",
            "h30",
            "8h3",
            "abc",
            "8:00 sáng",
            "123:00",
            "8::00",
        ] {
            assert!(parse_time(input, at()).is_err(), "{input:?}");
        }
        assert!(
            parse_time("25:00", at())
                .unwrap_err()
                .message
                .contains("không tồn tại")
        );
    }

    #[test]
    fn bool_table() {
        for (input, want) in [
            ("có", true),
            ("Có", true),
            ("CO", true),
            ("x", true),
            ("X", true),
            ("yes", true),
            ("true", true),
            ("1", true),
            ("đúng", true),
            ("không", false),
            ("Không", false),
            ("no", false),
            ("false", false),
            ("0", false),
            ("", false),
            ("  ", false),
            ("sai", false),
        ] {
            assert_eq!(parse_bool_vi(input, at()).ok(), Some(want), "{input:?}");
        }
        for input in ["có lẽ", "2", "ok", "-"] {
            assert!(parse_bool_vi(input, at()).is_err(), "{input:?}");
        }
    }

    #[test]
    fn months_and_periods() {
        let m = |y, mo| Some(Month { year: y, month: mo });
        for (t, want) in [
            ("12/2026", m(2026, 12)),
            ("01/2026", m(2026, 1)),
            ("1/2026", m(2026, 1)),
            ("12-2026", m(2026, 12)),
            ("12.2026", m(2026, 12)),
            ("tháng 12/2026", m(2026, 12)),
            ("Tháng 12 năm 2026", m(2026, 12)),
            ("tháng 12 năm 2026", m(2026, 12)),
            ("T12/2026", m(2026, 12)),
            ("t2/2027", m(2027, 2)),
            ("Từ tháng 01/2026", m(2026, 1)),
            ("Đến tháng 12/2026", m(2026, 12)),
            ("2026-12", m(2026, 12)),
            ("13/2026", None),
            ("12/26", None),
            ("10/12/2026", None),
            ("tháng mười hai", None),
            ("", None),
        ] {
            assert_eq!(parse_month(t), want, "{t}");
        }
        let at = || Location::file("x.csv");
        for (t, shown, start, end) in [
            ("12/2026", "12/2026", (2026, 12, 1), (2026, 12, 31)),
            ("Đến tháng 02/2028", "02/2028", (2028, 2, 1), (2028, 2, 29)),
            ("tháng 4 năm 2026", "04/2026", (2026, 4, 1), (2026, 4, 30)),
            ("10/06/2026", "10/06/2026", (2026, 6, 10), (2026, 6, 10)),
            (
                "Từ ngày 01/07/2026",
                "01/07/2026",
                (2026, 7, 1),
                (2026, 7, 1),
            ),
        ] {
            let p = parse_period(t, at()).unwrap();
            let d = |(y, mo, da)| NaiveDate::from_ymd_opt(y, mo, da).unwrap();
            assert_eq!(p.to_string(), shown, "{t}");
            assert_eq!(p.start(), d(start), "{t}");
            assert_eq!(p.end(), d(end), "{t}");
        }
        assert!(parse_period("sớm", at()).is_err());
    }

    #[test]
    fn location_from_table_cell() {
        let table = Table {
            source: "data/ds.csv".into(),
            headers: vec![super::super::Header {
                raw: "Số tiền".into(),
                field: Some("amount"),
                column: 2,
                unit: None,
            }],
            rows: vec![],
            warnings: vec![],
            totals: vec![],
            header_row: 1,
        };
        let cell = Cell {
            value: "1.5tr".into(),
            row: 7,
            column: 2,
        };
        let e = parse_vnd(&cell.value, (&table, &cell)).unwrap_err();
        assert_eq!(
            e.location,
            Some(Location::at("data/ds.csv", 7, 2).with_field("amount"))
        );
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,40}") {
            let _ = parse_int(&s, at());
            let _ = parse_vnd(&s, at());
            let _ = parse_decimal(&s, at());
            let _ = parse_date(&s, at());
            let _ = parse_time(&s, at());
            let _ = parse_bool_vi(&s, at());
        }

        #[test]
        fn numberish_strings_never_panic(s in "[0-9.,: /hgđ-]{0,20}") {
            let _ = parse_int(&s, at());
            let _ = parse_vnd(&s, at());
            let _ = parse_decimal(&s, at());
            let _ = parse_date(&s, at());
            let _ = parse_time(&s, at());
        }

        #[test]
        fn grouped_numbers_round_trip(n in 0u64..10_000_000_000) {
            // What the site itself prints must read back.
            prop_assert_eq!(parse_vnd(&crate::format::vnd(n as i64), at()).ok(), Some(n));
            prop_assert_eq!(parse_int(&crate::format::number(n as i64), at()).ok(), Some(n));
        }
    }
}
