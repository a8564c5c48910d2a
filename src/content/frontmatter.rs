//! TOML front matter between `+++` lines, with Zola's fields and congkhai's.
//!
//! Unknown keys are errors with a "did you mean" hint: a typo like `titel` or
//! `publish_untill` must never silently publish something the staff did not intend.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::toml_error;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::text;

const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "path",
    "template",
    "weight",
    "aliases",
    "taxonomies",
    "extra",
    "authors",
    "in_search_index",
    "render",
    // congkhai
    "kind",
    "record",
    "approval",
    "publish_from",
    "publish_until",
    "attachments",
    "noindex",
    "correction",
];

const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "sort_by",
    "weight",
    "paginate_by",
    "paginate_path",
    "paginate_reversed",
    "insert_anchor_links",
    "in_search_index",
    "template",
    "page_template",
    "render",
    "redirect_to",
    "transparent",
    "aliases",
    "generate_feeds",
    "extra",
    // congkhai
    "approval",
    "noindex",
];

/// Who approved a published item, and by which document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Name of the person who approved (signed).
    #[serde(default)]
    pub by: String,
    /// Their title: "Chủ tịch UBND phường".
    #[serde(default)]
    pub role: String,
    /// The approving document: "Quyết định số 123/QĐ-UBND ngày 10/6/2026".
    #[serde(default)]
    pub decision: String,
    #[serde(default, with = "opt_date")]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSpec {
    pub file: String,
    #[serde(default)]
    pub title: Option<String>,
    /// An attachment approved separately from its page.
    #[serde(default)]
    pub approval: Option<Approval>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PageFrontMatter {
    pub title: Option<Box<str>>,
    pub description: Option<Box<str>>,
    #[serde(with = "opt_datetime")]
    pub date: Option<String>,
    #[serde(with = "opt_datetime")]
    pub updated: Option<String>,
    pub draft: bool,
    pub slug: Option<Box<str>>,
    pub path: Option<Box<str>>,
    pub template: Option<Box<str>>,
    pub weight: Option<i64>,
    pub aliases: Vec<String>,
    pub taxonomies: std::collections::BTreeMap<String, Vec<String>>,
    pub extra: toml::Table,
    pub authors: Vec<String>,
    pub in_search_index: Option<bool>,
    pub render: Option<bool>,
    pub kind: Option<Box<str>>,
    pub record: toml::Table,
    /// Boxed (memory, 100,000-page benchmark): most pages take their section's.
    pub approval: Option<Box<Approval>>,
    #[serde(with = "opt_date")]
    pub publish_from: Option<NaiveDate>,
    #[serde(with = "opt_date")]
    pub publish_until: Option<NaiveDate>,
    pub attachments: Vec<AttachmentSpec>,
    pub noindex: bool,
    /// Why a published record changed ("Đính chính"): required when what staff supplied
    /// for an already published page changes (`trust::publish`), shown on the page and in
    /// the change history.
    pub correction: Option<Box<str>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(with = "opt_datetime")]
    pub date: Option<String>,
    #[serde(with = "opt_datetime")]
    pub updated: Option<String>,
    pub draft: bool,
    pub sort_by: Option<String>,
    pub weight: Option<i64>,
    pub paginate_by: Option<usize>,
    pub paginate_path: Option<String>,
    pub paginate_reversed: bool,
    pub insert_anchor_links: Option<String>,
    pub in_search_index: Option<bool>,
    pub template: Option<String>,
    pub page_template: Option<String>,
    pub render: Option<bool>,
    pub redirect_to: Option<String>,
    pub transparent: bool,
    pub aliases: Vec<String>,
    pub generate_feeds: bool,
    pub extra: toml::Table,
    /// Default approval for the section's pages (and the section page itself).
    pub approval: Option<Approval>,
    pub noindex: bool,
}

/// Split `+++\n…\n+++\n body` into (front matter, body, line where the body starts).
pub fn split(raw: &str) -> Option<(&str, &str, usize)> {
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    let rest = raw.strip_prefix("+++")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let fm = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = fm.matches('\n').count() + 3;
            return Some((fm, body, body_line));
        }
        offset += line.len();
    }
    None
}

pub enum FrontMatterKind {
    Page,
    Section,
}

/// Parse and check the keys of a front matter block. `file` is relative to the site root.
pub fn parse_table(
    file: &Path,
    raw: &str,
    kind: FrontMatterKind,
) -> Result<(toml::Table, String, usize), Diagnostics> {
    let Some((fm, body, body_line)) = split(raw) else {
        let d = if raw.trim_start().starts_with("---") {
            Diagnostic::error(
                "phần đầu trang (front matter) viết bằng YAML (---), congkhai cần TOML",
            )
            .at(Location::line(file, 1))
            .hint("thay các dòng --- bằng +++ và viết khóa dạng title = \"…\"")
        } else {
            Diagnostic::error("thiếu phần đầu trang (front matter) đặt giữa hai dòng +++")
                .at(Location::line(file, 1))
                .hint("thêm ở đầu tệp:\n+++\ntitle = \"Tiêu đề\"\n+++")
        };
        return Err(d.into());
    };
    let table: toml::Table = fm.parse().map_err(|e| toml_error(file, fm, &e, 1))?;
    let allowed = match kind {
        FrontMatterKind::Page => PAGE_KEYS,
        FrontMatterKind::Section => SECTION_KEYS,
    };
    let unknown = unknown_key_paths(&table, allowed);
    let mut errors = Diagnostics::new();
    if !unknown.is_empty() {
        // Positions only on the error path: a second, span-keeping parse.
        let spans = toml::de::DeTable::parse(fm).ok();
        for (path, allowed_here) in unknown {
            let Some(key) = path.last() else { continue };
            let loc = spans
                .as_ref()
                .and_then(|t| key_offset(t.get_ref(), &path))
                .map_or_else(
                    || Location::line(file, 2),
                    |offset| {
                        let (line, col) = line_col(fm, offset);
                        Location::at(file, line + 1, col)
                    },
                );
            let table_name = table_label(&path);
            let mut d = Diagnostic::error(match &table_name {
                None => format!("trường không hợp lệ trong phần đầu trang: \u{201c}{key}\u{201d}"),
                Some(t) => format!(
                    "trường không hợp lệ trong bảng [{t}] của phần đầu trang: \u{201c}{key}\u{201d}"
                ),
            })
            .at(loc);
            d = match text::did_you_mean(key, allowed_here.iter().copied()) {
                Some(s) => d.hint(format!("có phải ý bạn là \u{201c}{s}\u{201d}?")),
                None if table_name.is_none() => {
                    d.hint("xóa trường này, hoặc đặt nó trong bảng [extra]")
                }
                None => d.hint(format!(
                    "xóa trường này; bảng này chỉ nhận: {}",
                    allowed_here.join(", ")
                )),
            };
            errors.push(d);
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok((table, body.to_string(), body_line))
}

/// Turn a checked front matter table into `T`. `raw` is the whole file, used only on
/// the error path to find the line and column of the wrong value.
pub fn deserialize<T: for<'de> Deserialize<'de>>(
    file: &Path,
    raw: &str,
    table: toml::Table,
) -> Result<T, Diagnostic> {
    table.try_into().map_err(|e: toml::de::Error| {
        // The table has no positions; parsing the text again gives the same error
        // with its span.
        let at = split(raw).and_then(|(fm, _, _)| {
            let span = toml::from_str::<T>(fm).err()?.span()?;
            let (line, col) = line_col(fm, span.start);
            // The key written on that line, to name the field in the message.
            let key = fm
                .lines()
                .nth(line - 1)
                .and_then(|l| l.split_once('='))
                .map(|(k, _)| k.trim().trim_matches('"').to_string())
                .filter(|k| !k.is_empty() && k.chars().count() <= 64);
            Some((Location::at(file, line + 1, col), key))
        });
        let (loc, key) = at.unwrap_or_else(|| (Location::file(file), None));
        let field = key.map_or_else(String::new, |k| format!(" (trường \u{201c}{k}\u{201d})"));
        Diagnostic::error(format!(
            "phần đầu trang không hợp lệ{field}: {}",
            e.message().trim()
        ))
        .at(loc)
            .hint("ngày viết dạng 2026-06-10 (không có dấu ngoặc kép), chữ đặt trong dấu ngoặc kép, danh sách dạng [\"a\", \"b\"]")
    })
}

/// Keys of `[approval]` tables.
const APPROVAL_KEYS: &[&str] = &["by", "role", "decision", "date"];
/// Keys of `[[attachments]]` tables.
const ATTACHMENT_KEYS: &[&str] = &["file", "title", "approval"];

/// Keys that are not allowed where they are, as paths from the top
/// (`["titel"]`, `["approval", "byy"]`, `["attachments", "0", "tile"]`), each with the
/// keys allowed at that place.
fn unknown_key_paths(
    table: &toml::Table,
    allowed: &'static [&'static str],
) -> Vec<(Vec<String>, &'static [&'static str])> {
    let mut out = Vec::new();
    let check =
        |t: &toml::Table, prefix: &[String], allowed: &'static [&'static str], out: &mut Vec<_>| {
            for key in t.keys() {
                if !allowed.contains(&key.as_str()) {
                    let mut path = prefix.to_vec();
                    path.push(key.clone());
                    out.push((path, allowed));
                }
            }
        };
    check(table, &[], allowed, &mut out);
    if let Some(toml::Value::Table(a)) = table.get("approval") {
        check(a, &["approval".to_string()], APPROVAL_KEYS, &mut out);
    }
    if allowed.contains(&"attachments")
        && let Some(toml::Value::Array(items)) = table.get("attachments")
    {
        for (i, item) in items.iter().enumerate() {
            let Some(t) = item.as_table() else { continue };
            let prefix = ["attachments".to_string(), i.to_string()];
            check(t, &prefix, ATTACHMENT_KEYS, &mut out);
            if let Some(toml::Value::Table(a)) = t.get("approval") {
                let prefix = [prefix[0].clone(), prefix[1].clone(), "approval".to_string()];
                check(a, &prefix, APPROVAL_KEYS, &mut out);
            }
        }
    }
    out
}

/// `approval`, `attachments` (for messages) of a key path; `None` at the top.
fn table_label(path: &[String]) -> Option<String> {
    let parents: Vec<&str> = path[..path.len().saturating_sub(1)]
        .iter()
        .filter(|p| p.parse::<usize>().is_err())
        .map(String::as_str)
        .collect();
    (!parents.is_empty()).then(|| parents.join("."))
}

/// Byte offset of the last key of `path` in the text `table` was parsed from.
fn key_offset(table: &toml::de::DeTable, path: &[String]) -> Option<usize> {
    let (first, rest) = path.split_first()?;
    let (key, value) = table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == first.as_str())?;
    if rest.is_empty() {
        return Some(key.span().start);
    }
    match value.get_ref() {
        toml::de::DeValue::Table(t) => key_offset(t, rest),
        toml::de::DeValue::Array(items) => {
            let (index, rest) = rest.split_first()?;
            let item = items.get(index.parse::<usize>().ok()?)?;
            match item.get_ref() {
                toml::de::DeValue::Table(t) if !rest.is_empty() => key_offset(t, rest),
                _ => Some(item.span().start),
            }
        }
        _ => None,
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Dates may be TOML dates (`2026-06-10`), datetimes, or strings in ISO or `dd/mm/yyyy`.
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let head = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(s, "%d/%m/%Y").ok())
}

mod opt_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let v = toml::Value::deserialize(d)?;
        let text = match &v {
            toml::Value::Datetime(dt) => dt.to_string(),
            toml::Value::String(s) => s.clone(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "cần một ngày (2026-06-10), không phải {}",
                    other.type_str()
                )));
            }
        };
        super::parse_date_text(&text).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "ngày không hợp lệ: \u{201c}{text}\u{201d} (viết 2026-06-10)"
            ))
        })
    }
}

mod opt_datetime {
    use serde::{Deserialize, Deserializer};

    /// Kept as ISO text, as Zola exposes `page.date` to templates.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let v = toml::Value::deserialize(d)?;
        let text = match &v {
            toml::Value::Datetime(dt) => dt.to_string(),
            toml::Value::String(s) => s.clone(),
            other => {
                return Err(serde::de::Error::custom(format!(
                    "cần một ngày (2026-06-10), không phải {}",
                    other.type_str()
                )));
            }
        };
        match super::parse_date_text(&text) {
            Some(date) if text.len() <= 10 || text.contains('T') || text.contains(' ') => {
                if text.len() <= 10 {
                    Ok(Some(date.format("%Y-%m-%d").to_string()))
                } else {
                    Ok(Some(text))
                }
            }
            _ => Err(serde::de::Error::custom(format!(
                "ngày không hợp lệ: \u{201c}{text}\u{201d} (viết 2026-06-10)"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_body_line() {
        let raw = "+++\ntitle = \"A\"\n+++\nHello\n";
        let (fm, body, line) = split(raw).unwrap();
        assert_eq!(fm, "title = \"A\"\n");
        assert_eq!(body, "Hello\n");
        assert_eq!(line, 4);
    }

    #[test]
    fn unknown_key_suggests() {
        let raw = "+++\ntitel = \"A\"\n+++\n";
        let err = parse_table(Path::new("content/a.md"), raw, FrontMatterKind::Page).unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.location.as_ref().unwrap().line, Some(2));
        assert!(d.hint.as_ref().unwrap().contains("title"));
    }

    #[test]
    fn unknown_keys_are_reported_at_their_line_and_column() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("+++\ntitle = \"A\"\ntitel = \"B\"\n+++\n", 3, 1, "title"),
            ("+++\ntitle = \"titel\"\n  titel = 1\n+++\n", 3, 3, "title"),
            ("+++\nt = 1\n+++\n", 2, 1, ""),
            (
                "+++\ntitle = \"A\"\n\"publish_untill\" = 2026-01-01\n+++\n",
                3,
                1,
                "publish_until",
            ),
            (
                "+++\ntitle = \"A\"\n[approval]\nby = \"X\"\nbyy = \"Y\"\n+++\n",
                5,
                1,
                "by",
            ),
            ("+++\napproval.decison = \"Q\"\n+++\n", 2, 10, "decision"),
            (
                "+++\n[[attachments]]\nfile = \"a.pdf\"\n[[attachments]]\nfile = \"b.pdf\"\ntittle = \"B\"\n+++\n",
                6,
                1,
                "title",
            ),
            (
                "+++\n[[attachments]]\nfile = \"a.pdf\"\n[attachments.approval]\nby = \"X\"\nrol = \"C\"\n+++\n",
                6,
                1,
                "role",
            ),
            (
                "\u{feff}+++\r\ntitle = \"A\"\r\n[extra]\r\nx = 1\r\n[approvel]\r\nby = \"X\"\r\n+++\r\n",
                5,
                2,
                "approval",
            ),
        ];
        for (raw, line, col, hint) in cases {
            let err =
                parse_table(Path::new("content/a.md"), raw, FrontMatterKind::Page).unwrap_err();
            let d = err.iter().next().unwrap();
            let loc = d.location.as_ref().unwrap();
            assert_eq!(
                (loc.line, loc.column),
                (Some(*line), Some(*col)),
                "{raw:?}: {d}"
            );
            assert!(
                d.hint.as_deref().unwrap_or("").contains(hint),
                "{raw:?}: {d}"
            );
        }
        // A section has no attachments; the key itself is unknown there.
        let err = parse_table(
            Path::new("content/_index.md"),
            "+++\ntitle = \"A\"\n[[attachments]]\nfile = \"a\"\n+++\n",
            FrontMatterKind::Section,
        )
        .unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.location.as_ref().unwrap().line, Some(3), "{d}");
    }

    #[test]
    fn wrong_value_type_has_line_in_file() {
        let raw = "+++\ntitle = \"A\"\n\nweight = \"nặng\"\n+++\n";
        let (t, _, _) = parse_table(Path::new("content/a.md"), raw, FrontMatterKind::Page).unwrap();
        let d = deserialize::<PageFrontMatter>(Path::new("content/a.md"), raw, t).unwrap_err();
        assert_eq!(d.location.as_ref().unwrap().line, Some(4), "{d}");
        assert!(d.message.contains("\u{201c}weight\u{201d}"), "{d}");
    }

    #[test]
    fn broken_toml_has_line_in_file() {
        let raw = "+++\ntitle = \"A\"\ndate = 2026-13-45\n+++\n";
        let err = parse_table(Path::new("content/a.md"), raw, FrontMatterKind::Page).unwrap_err();
        let d = err.iter().next().unwrap();
        assert_eq!(d.location.as_ref().unwrap().line, Some(3));
    }

    #[test]
    fn dates_in_many_forms() {
        let (t, _, _) = parse_table(
            Path::new("a.md"),
            "+++\ndate = 2026-06-10\npublish_from = \"10/06/2026\"\n[approval]\nby = \"X\"\ndate = 2026-06-01\n+++\n",
            FrontMatterKind::Page,
        )
        .unwrap();
        let fm: PageFrontMatter = deserialize(Path::new("a.md"), "", t).unwrap();
        assert_eq!(fm.date.as_deref(), Some("2026-06-10"));
        assert_eq!(fm.publish_from, NaiveDate::from_ymd_opt(2026, 6, 10));
        assert_eq!(
            fm.approval.unwrap().date,
            NaiveDate::from_ymd_opt(2026, 6, 1)
        );
    }
}
