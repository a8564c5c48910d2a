//! Units written in a header's parentheses — "Mức hỗ trợ (đồng/tháng)", "Số tiền (nghìn
//! đồng)", "Diện tích (m²)" — recognised, checked against the field and applied to the
//! column's cells when the table is built.
//!
//! A field's quantity follows from its canonical name: names ending in `_vnd` (or named
//! `amount`) hold money, `households` households, `population` people, `area_ha` an area
//! in hectares, names ending in `_pct` a percentage; the consultation's ballot counts are
//! counts of households or people. A unit that contradicts that quantity is an error.

use crate::text::fold_words;

/// A unit found in a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Đồng, possibly in thousands or millions, possibly per month.
    Money {
        factor: u64,
        per_month: bool,
    },
    Households,
    People,
    Percent,
    Hectare,
    SquareMetre,
}

impl Unit {
    /// How the unit is written for staff ("nghìn đồng/tháng").
    pub fn label(self) -> String {
        match self {
            Unit::Money { factor, per_month } => {
                let base = match factor {
                    1_000 => "nghìn đồng",
                    1_000_000 => "triệu đồng",
                    1_000_000_000 => "tỷ đồng",
                    _ => "đồng",
                };
                if per_month {
                    format!("{base}/tháng")
                } else {
                    base.to_string()
                }
            }
            Unit::Households => "hộ".into(),
            Unit::People => "người".into(),
            Unit::Percent => "%".into(),
            Unit::Hectare => "ha".into(),
            Unit::SquareMetre => "m²".into(),
        }
    }

    /// The multiplier to the field's own unit (đồng, ha), when it is not 1.
    fn conversion(self) -> Option<Conversion> {
        match self {
            Unit::Money { factor, .. } if factor > 1 => Some(Conversion::Multiply(factor)),
            Unit::SquareMetre => Some(Conversion::Divide(10_000)),
            _ => None,
        }
    }
}

/// What a field measures, from its canonical name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    Money,
    Households,
    People,
    /// Households or people (ballots, opinions).
    Count,
    Area,
    Percent,
}

impl Quantity {
    pub fn of(field: &str) -> Option<Quantity> {
        Some(match field {
            f if f.ends_with("_vnd") || f == "amount" || f == "value" => Quantity::Money,
            "households" => Quantity::Households,
            "population" | "people" => Quantity::People,
            "ballots_issued" | "ballots_returned" | "agree" | "disagree" | "other" | "invalid" => {
                Quantity::Count
            }
            f if f.starts_with("area") => Quantity::Area,
            f if f.ends_with("_pct") || f == "percent" => Quantity::Percent,
            _ => return None,
        })
    }

    /// "số tiền", for messages.
    pub fn label(self) -> &'static str {
        match self {
            Quantity::Money => "số tiền (đồng)",
            Quantity::Households => "số hộ",
            Quantity::People => "số người",
            Quantity::Count => "số hộ hoặc số người",
            Quantity::Area => "diện tích (ha)",
            Quantity::Percent => "tỷ lệ (%)",
        }
    }

    /// Does a column of this quantity accept `unit`?
    pub fn accepts(self, unit: Unit) -> bool {
        matches!(
            (self, unit),
            (Quantity::Money, Unit::Money { .. })
                | (Quantity::Households, Unit::Households)
                | (Quantity::People, Unit::People)
                | (Quantity::Count, Unit::Households | Unit::People)
                | (Quantity::Area, Unit::Hectare | Unit::SquareMetre)
                | (Quantity::Percent, Unit::Percent)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    Multiply(u64),
    Divide(u64),
}

/// The header without its last parenthesised part, and that part's text:
/// "Mức hỗ trợ (đồng/tháng)" → ("Mức hỗ trợ", Some("đồng/tháng")).
pub fn split_unit(header: &str) -> (&str, Option<&str>) {
    let h = header.trim();
    let Some(body) = h.strip_suffix(')') else {
        return (h, None);
    };
    match body.rfind('(') {
        Some(open) if open > 0 => (body[..open].trim_end(), Some(body[open + 1..].trim())),
        _ => (h, None),
    }
}

/// The unit in parentheses text such as "đồng/tháng", "nghìn đồng", "hộ", "m²".
pub fn parse_unit(text: &str) -> Option<Unit> {
    let t = text.trim();
    if t == "%" || fold_words(t) == "phan tram" {
        return Some(Unit::Percent);
    }
    let f = fold_words(&t.replace('²', "2"));
    let words: Vec<&str> = f.split(' ').collect();
    let has = |w: &str| words.contains(&w);
    let money_word = has("dong") || has("vnd") || has("d") || has("vnđ");
    // "(1.000 đồng)" and "(1.000.000 đ)" are thousands and millions too.
    let zeros = words
        .iter()
        .skip_while(|w| **w != "1")
        .skip(1)
        .take_while(|w| **w == "000")
        .count();
    let factor = if zeros > 0 && zeros <= 3 {
        1_000u64.pow(zeros as u32)
    } else if has("nghin") || has("ngan") {
        1_000
    } else if has("trieu") {
        1_000_000
    } else if has("ty") {
        1_000_000_000
    } else {
        1
    };
    if money_word || (factor > 1 && words.len() <= 3) {
        let per_month = has("thang");
        return Some(Unit::Money { factor, per_month });
    }
    match f.as_str() {
        "ho" | "ho gia dinh" => Some(Unit::Households),
        "nguoi" | "nhan khau" | "khau" => Some(Unit::People),
        "ha" | "hecta" | "hec ta" => Some(Unit::Hectare),
        "m2" | "met vuong" | "m 2" => Some(Unit::SquareMetre),
        _ => None,
    }
}

/// A number as Vietnamese staff write it in a column with a unit: `.` groups thousands
/// and `,` is the decimal mark (`1.500`, `1,5`, `1.234,5`); `1,500,000` and `1500.5`
/// are read too. `None` when it is not a number.
pub fn parse_vi_number(text: &str) -> Option<f64> {
    let s: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let (neg, body) = match s.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest),
        None => (false, s.as_str()),
    };
    if body.is_empty()
        || !body.starts_with(|c: char| c.is_ascii_digit())
        || !body.ends_with(|c: char| c.is_ascii_digit())
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
    {
        return None;
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let grouped = |sep: char| {
        let parts: Vec<&str> = body.split(sep).collect();
        (1..=3).contains(&parts[0].len()) && parts[1..].iter().all(|p| p.len() == 3)
    };
    let normal = match (dots, commas) {
        (0, 0) => body.to_string(),
        // "1.500" and "1.500.000" group thousands; "1.5" is a decimal.
        (_, 0) if grouped('.') => body.replace('.', ""),
        (1, 0) => body.to_string(),
        (0, 1) => body.replace(',', "."),
        (0, _) if grouped(',') => body.replace(',', ""),
        (_, _) if dots > 0 && commas > 0 => {
            let last = body.rfind(['.', ','])?;
            let dec = body.as_bytes()[last] as char;
            let group = if dec == '.' { ',' } else { '.' };
            if body.matches(dec).count() != 1 {
                return None;
            }
            body.replace(group, "").replace(dec, ".")
        }
        _ => return None,
    };
    let v: f64 = normal.parse().ok()?;
    v.is_finite().then_some(if neg { -v } else { v })
}

/// Apply a conversion to a cell: "1,5" (triệu đồng) → "1500000", "1.500" (m²) → "0,15".
/// Empty cells stay empty; `Err` with a reason when the cell is not a number or the
/// money would not be a whole number of đồng.
pub fn convert_cell(value: &str, unit: Unit) -> Result<Option<String>, &'static str> {
    let Some(conv) = unit.conversion() else {
        return Ok(None);
    };
    if value.trim().is_empty() {
        return Ok(None);
    }
    let v = parse_vi_number(value).ok_or("không phải là một số")?;
    match conv {
        Conversion::Multiply(k) => {
            let x = v * k as f64;
            let rounded = x.round();
            if (x - rounded).abs() > 1e-6 * k as f64 || !(0.0..=9.0e15).contains(&rounded) {
                return Err("không ra một số đồng chẵn");
            }
            Ok(Some(format!("{}", rounded as u64)))
        }
        Conversion::Divide(k) => {
            let x = v / k as f64;
            // Up to 6 decimals, trailing zeros dropped, decimal comma as staff write it.
            let s = format!("{x:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            Ok(Some(s.replace('.', ",")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split() {
        for (h, want) in [
            (
                "Mức hỗ trợ (đồng/tháng)",
                ("Mức hỗ trợ", Some("đồng/tháng")),
            ),
            ("Số tiền (đồng)", ("Số tiền", Some("đồng"))),
            ("Diện tích ( m² )", ("Diện tích", Some("m²"))),
            ("Họ và tên", ("Họ và tên", None)),
            ("(ghi chú)", ("(ghi chú)", None)),
        ] {
            assert_eq!(split_unit(h), want, "{h}");
        }
    }

    #[test]
    fn units() {
        let money = |factor, per_month| Some(Unit::Money { factor, per_month });
        for (t, want) in [
            ("đồng", money(1, false)),
            ("VNĐ", money(1, false)),
            ("đ", money(1, false)),
            ("đồng/tháng", money(1, true)),
            ("đồng/người/tháng", money(1, true)),
            ("nghìn đồng", money(1_000, false)),
            ("ngàn đồng", money(1_000, false)),
            ("1.000 đồng", money(1_000, false)),
            ("1.000.000 đ", money(1_000_000, false)),
            ("triệu đồng", money(1_000_000, false)),
            ("triệu", money(1_000_000, false)),
            ("nghìn đồng/tháng", money(1_000, true)),
            ("hộ", Some(Unit::Households)),
            ("người", Some(Unit::People)),
            ("%", Some(Unit::Percent)),
            ("ha", Some(Unit::Hectare)),
            ("m²", Some(Unit::SquareMetre)),
            ("m2", Some(Unit::SquareMetre)),
            ("ghi rõ", None),
            ("nếu có", None),
        ] {
            assert_eq!(parse_unit(t), want, "{t}");
        }
    }

    #[test]
    fn quantities_accept_units() {
        let m = Unit::Money {
            factor: 1,
            per_month: true,
        };
        for (field, unit, ok) in [
            ("amount_vnd", m, true),
            ("amount_vnd", Unit::Households, false),
            ("value_vnd", Unit::Percent, false),
            ("households", Unit::Households, true),
            ("households", Unit::People, false),
            ("population", Unit::People, true),
            ("population", m, false),
            ("area_ha", Unit::SquareMetre, true),
            ("area_ha", Unit::Hectare, true),
            ("area_ha", Unit::Households, false),
            ("agree", Unit::Households, true),
            ("agree", Unit::Percent, false),
        ] {
            let q = Quantity::of(field).unwrap();
            assert_eq!(q.accepts(unit), ok, "{field} {unit:?}");
        }
        assert_eq!(Quantity::of("full_name"), None);
    }

    #[test]
    fn numbers() {
        for (t, want) in [
            ("1.500", Some(1500.0)),
            ("1.500.000", Some(1_500_000.0)),
            ("1,5", Some(1.5)),
            ("1.234,5", Some(1234.5)),
            ("1,234.5", Some(1234.5)),
            ("1,500,000", Some(1_500_000.0)),
            ("1.5", Some(1.5)),
            ("12", Some(12.0)),
            ("1 500", Some(1500.0)),
            ("abc", None),
            ("", None),
            ("1.2.3", None),
        ] {
            assert_eq!(parse_vi_number(t), want, "{t}");
        }
    }

    #[test]
    fn conversions() {
        let thousand = Unit::Money {
            factor: 1_000,
            per_month: false,
        };
        let million = Unit::Money {
            factor: 1_000_000,
            per_month: true,
        };
        for (v, u, want) in [
            ("1.500", thousand, Ok(Some("1500000".to_string()))),
            ("750", thousand, Ok(Some("750000".to_string()))),
            ("1,5", million, Ok(Some("1500000".to_string()))),
            ("", million, Ok(None)),
            ("1,2345", thousand, Err("không ra một số đồng chẵn")),
            ("abc", thousand, Err("không phải là một số")),
            ("1.500", Unit::SquareMetre, Ok(Some("0,15".to_string()))),
            ("25.000", Unit::SquareMetre, Ok(Some("2,5".to_string()))),
            ("3", Unit::Hectare, Ok(None)),
        ] {
            assert_eq!(convert_cell(v, u), want, "{v} {u:?}");
        }
    }
}
