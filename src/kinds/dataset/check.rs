//! Check: the pure rules of a generic table — column types and how staff write them, the
//! value of a cell by its declared type, titles that name people or forbidden data.

use chrono::{Datelike, NaiveDate};

use crate::data::{parse_bool_vi, parse_date, parse_decimal, parse_int, parse_vnd};
use crate::diagnostics::{Diagnostic, Location};
use crate::format;
use crate::text::fold_words;

/// The type of a declared column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Integer,
    Number,
    Date,
    Month,
    Boolean,
    Money,
}

/// The type names accepted in `type = "…"` (English or Vietnamese, case and diacritics
/// ignored), for messages.
pub const TYPE_NAMES: &str = "text (chữ), integer (số nguyên), number (số thập phân), date (ngày), month (tháng), boolean (có/không), money (tiền, đồng)";

/// `"text"`, `"số nguyên"`, `"ngày"`, `"tiền"`…
pub fn parse_type(text: &str) -> Option<FieldType> {
    Some(match fold_words(text).as_str() {
        "text" | "string" | "chu" | "van ban" | "ky tu" => FieldType::Text,
        "integer" | "int" | "so nguyen" | "so dem" => FieldType::Integer,
        "number" | "decimal" | "so" | "so thap phan" | "so thuc" => FieldType::Number,
        "date" | "ngay" | "ngay thang nam" => FieldType::Date,
        "month" | "thang" | "thang nam" => FieldType::Month,
        "boolean" | "bool" | "yes no" | "co khong" | "dung sai" => FieldType::Boolean,
        "money" | "vnd" | "tien" | "so tien" | "dong" => FieldType::Money,
        _ => return None,
    })
}

/// A cell's value: the text published in the CSV/JSON (ISO dates, `2026-12` months,
/// decimal comma, whole đồng, `có`/`không`) and the text shown on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Value {
    pub published: String,
    pub shown: String,
}

impl Value {
    fn same(text: String) -> Value {
        Value {
            shown: text.clone(),
            published: text,
        }
    }
}

/// The value of a non-empty cell by its column's type; the error names the cell.
pub fn parse_value(ty: FieldType, text: &str, at: &Location) -> Result<Value, Diagnostic> {
    let text = text.trim();
    Ok(match ty {
        FieldType::Text => Value::same(text.to_string()),
        FieldType::Integer => {
            let n = parse_int(text, at)?;
            Value {
                published: n.to_string(),
                shown: format::number(i64::try_from(n).unwrap_or(i64::MAX)),
            }
        }
        FieldType::Number => {
            let x = parse_decimal(text, at)?;
            let published = trim_decimal(x);
            Value::same(published)
        }
        FieldType::Date => {
            let d = parse_date(text, at)?;
            Value {
                published: d.format("%Y-%m-%d").to_string(),
                shown: format::date_short(d),
            }
        }
        FieldType::Month => {
            let (y, m) = parse_month(text).ok_or_else(|| {
                Diagnostic::error(format!("\u{201c}{text}\u{201d} không phải là một tháng"))
                    .at(at.clone())
                    .hint("ghi tháng và năm, ví dụ 12/2026 hoặc tháng 12 năm 2026")
            })?;
            Value {
                published: format!("{y:04}-{m:02}"),
                shown: format!("{m:02}/{y:04}"),
            }
        }
        FieldType::Boolean => {
            let b = parse_bool_vi(text, at)?;
            Value::same(if b { "có" } else { "không" }.to_string())
        }
        FieldType::Money => {
            let n = parse_vnd(text, at)?;
            Value {
                published: n.to_string(),
                shown: format::vnd(i64::try_from(n).unwrap_or(i64::MAX)),
            }
        }
    })
}

/// `52,3`, `3`: a decimal with a decimal comma and no trailing zeros.
fn trim_decimal(x: f64) -> String {
    let s = format!("{x}");
    s.replace('.', ",")
}

/// A month as staff write it: `12/2026`, `tháng 12/2026`, `tháng 12 năm 2026`,
/// `T12/2026`, `2026-12`, `12-2026`.
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let f = fold_words(text);
    let nums: Vec<&str> = f
        .split(' ')
        .filter(|w| !matches!(*w, "thang" | "nam" | "t" | ""))
        .map(|w| w.strip_prefix('t').unwrap_or(w))
        .collect();
    let [a, b] = nums.as_slice() else {
        return None;
    };
    if !a.chars().chain(b.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (y, m) = match (a.len(), b.len()) {
        (4, 1 | 2) => (*a, *b),
        (1 | 2, 4) => (*b, *a),
        _ => return None,
    };
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    NaiveDate::from_ymd_opt(y, m, 1).map(|d| (d.year(), d.month()))
}

/// Header words of a column that names people: it needs `personal = true`.
const NAME_HEADERS: &[&str] = &[
    "ho va ten",
    "ho ten",
    "ten nguoi",
    "chu ho",
    "nguoi nhan",
    "nguoi dai dien",
    "nguoi duoc",
    "full name",
    "person",
];

/// Does a column title name people ("Họ và tên", "Chủ hộ", "Người nhận")?
pub fn names_people(title: &str) -> bool {
    let f = format!(" {} ", fold_words(title));
    NAME_HEADERS.iter().any(|k| f.contains(&format!(" {k} ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Location {
        Location::at("data/bang.csv", 2, 3)
    }

    #[test]
    fn types_as_staff_write_them() {
        for (s, want) in [
            ("text", Some(FieldType::Text)),
            ("Chữ", Some(FieldType::Text)),
            ("số nguyên", Some(FieldType::Integer)),
            ("integer", Some(FieldType::Integer)),
            ("number", Some(FieldType::Number)),
            ("Ngày", Some(FieldType::Date)),
            ("month", Some(FieldType::Month)),
            ("có/không", Some(FieldType::Boolean)),
            ("money", Some(FieldType::Money)),
            ("Tiền", Some(FieldType::Money)),
            ("số điện thoại", None),
            ("", None),
        ] {
            assert_eq!(parse_type(s), want, "{s:?}");
        }
    }

    #[test]
    fn values_by_type() {
        for (ty, text, published, shown) in [
            (FieldType::Text, " Thôn 1 ", "Thôn 1", "Thôn 1"),
            (FieldType::Integer, "1.250", "1250", "1.250"),
            (FieldType::Number, "52,3", "52,3", "52,3"),
            (FieldType::Date, "25/07/2025", "2025-07-25", "25/07/2025"),
            (FieldType::Month, "tháng 12 năm 2026", "2026-12", "12/2026"),
            (FieldType::Month, "T3/2026", "2026-03", "03/2026"),
            (FieldType::Boolean, "x", "có", "có"),
            (FieldType::Boolean, "Không", "không", "không"),
            (FieldType::Money, "1.500.000", "1500000", "1.500.000\u{a0}đ"),
        ] {
            let v = parse_value(ty, text, &at()).map_err(|d| d.to_string());
            assert_eq!(
                v.as_ref().map(|v| (v.published.as_str(), v.shown.as_str())),
                Ok((published, shown)),
                "{ty:?} {text:?}"
            );
        }
    }

    #[test]
    fn wrong_values_are_errors() {
        for (ty, text) in [
            (FieldType::Integer, "mười"),
            (FieldType::Date, "31/02/2026"),
            (FieldType::Month, "13/2026"),
            (FieldType::Month, "2026"),
            (FieldType::Boolean, "có lẽ"),
            (FieldType::Money, "nhiều"),
        ] {
            assert!(parse_value(ty, text, &at()).is_err(), "{ty:?} {text:?}");
        }
    }

    #[test]
    fn months() {
        for (s, want) in [
            ("12/2026", Some((2026, 12))),
            ("tháng 01/2026", Some((2026, 1))),
            ("Tháng 12 năm 2026", Some((2026, 12))),
            ("2026-12", Some((2026, 12))),
            ("12-2026", Some((2026, 12))),
            ("0/2026", None),
            ("12/26", None),
            ("01/12/2026", None),
        ] {
            assert_eq!(parse_month(s), want, "{s:?}");
        }
    }

    #[test]
    fn titles_that_name_people() {
        for (t, want) in [
            ("Họ và tên", true),
            ("Họ tên chủ hộ", true),
            ("Chủ hộ", true),
            ("Người nhận", true),
            ("Khu dân cư", false),
            ("Tên khu dân cư", false),
            ("Ghi chú", false),
        ] {
            assert_eq!(names_people(t), want, "{t:?}");
        }
    }
}
