//! Load: the `[record]` table of a warning → a typed [`WarningRecord`], with a diagnostic
//! per missing or malformed field.

use chrono::NaiveDate;

use super::check::{Severity, parse_severity};
use crate::content::frontmatter::parse_date_text;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::kinds::RecordInput;

/// A warning's metadata as staff wrote it, every field present.
#[derive(Debug, Clone)]
pub struct WarningRecord {
    pub severity: Severity,
    /// How the scam works.
    pub pattern: String,
    /// One sentence for the banner and the poster.
    pub summary: String,
    /// Signs to recognise it, one short line each.
    pub recognise: Vec<String>,
    /// What to do, one short line each.
    pub actions: Vec<String>,
    /// First day the warning is active.
    pub active_from: NaiveDate,
    /// Last day the warning is active; none = until further notice.
    pub active_until: Option<NaiveDate>,
}

/// A link of `[[record.links]]`.
#[derive(Debug, Clone)]
pub struct OfficialLink {
    pub title: String,
    pub url: String,
}

/// Reads every field but the links; `None` when any is wrong (each problem is in
/// `errors`).
pub(super) fn load(input: &RecordInput, errors: &mut Diagnostics) -> Option<WarningRecord> {
    let severity = severity(input, errors);
    let mut text = |f: &str| match input.str_field(f) {
        Ok(s) => s.trim().to_string(),
        Err(d) => {
            errors.push(d);
            String::new()
        }
    };
    let pattern = text("pattern");
    let summary = text("summary");
    let recognise = string_list(input.record.get("recognise"));
    let actions = string_list(input.record.get("actions"));
    for (f, v, what) in [
        ("recognise", &recognise, "dấu hiệu nhận biết"),
        ("actions", &actions, "việc cần làm"),
    ] {
        if v.is_empty() {
            errors.push(
                Diagnostic::error(format!("thiếu {what} (record.{f})"))
                    .at(input.field_location(f))
                    .hint(format!("viết {f} = [\"…\", \"…\"], mỗi ý một dòng ngắn")),
            );
        }
    }
    let (active_from, active_until) = active_period(input, errors);
    Some(WarningRecord {
        severity: severity?,
        pattern,
        summary,
        recognise,
        actions,
        active_from: active_from?,
        active_until,
    })
}

fn severity(input: &RecordInput, errors: &mut Diagnostics) -> Option<Severity> {
    match input.str_field("severity") {
        Ok(s) => {
            let parsed = parse_severity(s);
            if parsed.is_none() {
                errors.push(
                    Diagnostic::error(format!("mức cảnh báo \u{201c}{s}\u{201d} không rõ"))
                        .at(input.field_location("severity"))
                        .hint("ghi một trong: \"thông tin\", \"cảnh báo\", \"khẩn cấp\""),
                );
            }
            parsed
        }
        Err(d) => {
            errors.push(d.hint("ghi severity = \"cảnh báo\" (thông tin, cảnh báo hoặc khẩn cấp)"));
            None
        }
    }
}

/// `active_from` (required) and `active_until`; the end may not come before the start.
fn active_period(
    input: &RecordInput,
    errors: &mut Diagnostics,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = match date_field(input, "active_from") {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.push(
                Diagnostic::error("thiếu ngày bắt đầu cảnh báo (record.active_from)")
                    .at(input.field_location("active_from"))
                    .hint("viết active_from = 2026-06-10"),
            );
            None
        }
        Err(d) => {
            errors.push(d);
            None
        }
    };
    let until = date_field(input, "active_until").unwrap_or_else(|d| {
        errors.push(d);
        None
    });
    if let (Some(f), Some(u)) = (from, until)
        && u < f
    {
        errors.push(
            Diagnostic::error(format!(
                "ngày kết thúc cảnh báo {} trước ngày bắt đầu {}",
                crate::format::date_short(u),
                crate::format::date_short(f)
            ))
            .at(input.field_location("active_until")),
        );
    }
    (from, until)
}

/// `[[record.links]]` with a title and a URL each (the URLs are checked apart, so that
/// they are checked even when another field is wrong).
pub(super) fn links(input: &RecordInput, errors: &mut Diagnostics) -> Vec<OfficialLink> {
    let Some(v) = input.record.get("links") else {
        return Vec::new();
    };
    let Some(items) = v.as_array() else {
        errors.push(
            Diagnostic::error(
                "record.links phải là danh sách [[record.links]] title = \"…\", url = \"…\"",
            )
            .at(input.field_location("links")),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for l in items {
        let field = |k: &str| {
            l.get(k)
                .and_then(|x| x.as_str())
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let (title, url) = (field("title"), field("url"));
        if url.is_empty() || title.is_empty() {
            errors.push(
                Diagnostic::error("mỗi đường dẫn cần title và url")
                    .at(input.field_location("links")),
            );
            continue;
        }
        out.push(OfficialLink { title, url });
    }
    out
}

/// A list field: a TOML array of strings, or one string with an item per line
/// (leading `-` or `•` dropped).
pub(super) fn string_list(v: Option<&toml::Value>) -> Vec<String> {
    match v {
        Some(toml::Value::String(s)) => s
            .lines()
            .map(|l| l.trim().trim_start_matches(['-', '•']).trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// A date value of `[record]`: TOML date or "10/06/2026" text.
fn date_field(input: &RecordInput, field: &str) -> Result<Option<NaiveDate>, Diagnostic> {
    match input.record.get(field) {
        None => Ok(None),
        Some(toml::Value::Datetime(dt)) => {
            parse_date_text(&dt.to_string()).map(Some).ok_or_else(|| {
                Diagnostic::error(format!("ngày không hợp lệ ở record.{field}"))
                    .at(input.field_location(field))
            })
        }
        Some(toml::Value::String(s)) => {
            crate::data::parse_date(s, input.field_location(field)).map(Some)
        }
        Some(_) => Err(
            Diagnostic::error(format!("record.{field} phải là một ngày"))
                .at(input.field_location(field))
                .hint(format!("viết {field} = 2026-06-10")),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_from_arrays_and_lines() {
        let arr = toml::Value::Array(vec![
            toml::Value::String(" Đòi tiền ".into()),
            toml::Value::String("".into()),
            toml::Value::Integer(3),
        ]);
        for (value, want) in [
            (None, vec![]),
            (
                Some(toml::Value::String("- Một\n• Hai\n\n  Ba  ".into())),
                vec!["Một", "Hai", "Ba"],
            ),
            (Some(arr), vec!["Đòi tiền"]),
            (Some(toml::Value::Integer(1)), vec![]),
        ] {
            assert_eq!(string_list(value.as_ref()), want, "{value:?}");
        }
    }
}
