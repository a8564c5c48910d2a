//! Files a record names in its `[record]` table (data tables) and files it publishes
//! next to its page (CSV, JSON downloads); `[record]` dates and lists. Shared by kinds.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::{Download, KindContext, RecordInput};
use crate::content::frontmatter::parse_date_text;
use crate::data::{FieldSpec, LoadOptions, Table, load_table};
use crate::diagnostics::Diagnostics;

/// Where a `[record]` data file lives: `data/…` from the site root, a file in the page
/// bundle, else relative to `data/`.
pub fn resolve_path(input: &RecordInput, ctx: &KindContext, rel: &str) -> PathBuf {
    let rel = rel.trim().trim_start_matches("./");
    if rel.starts_with("data/") {
        return PathBuf::from(rel);
    }
    if let Some(dir) = input.bundle_dir
        && dir.join(rel).is_file()
        && let Ok(stripped) = dir.join(rel).strip_prefix(ctx.root)
    {
        return stripped.to_path_buf();
    }
    Path::new("data").join(rel)
}

/// Load the table named by the required `[record]` field `field`; problems go to
/// `errors`, the loader's warnings to `warnings`.
pub fn load(
    input: &RecordInput,
    ctx: &KindContext,
    field: &str,
    fields: &[FieldSpec],
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<Table> {
    let rel = match input.str_field(field) {
        Ok(s) => s.to_string(),
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let path = resolve_path(input, ctx, &rel);
    match load_table(ctx.root, &path, &LoadOptions::new(fields)) {
        Ok(t) => {
            warnings.extend(t.warnings.iter().cloned());
            Some(t)
        }
        Err(ds) => {
            errors.extend(ds);
            None
        }
    }
}

/// Published CSV bytes: UTF-8 with BOM (Excel opens it with the right diacritics).
pub fn csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.write_record(r);
    }
    w.into_inner().unwrap_or_default()
}

pub fn csv_download(
    file_name: &str,
    title: &str,
    key: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Download {
    Download {
        file_name: file_name.to_string(),
        title: title.to_string(),
        format: "CSV".into(),
        bytes: csv_bytes(headers, rows),
        key_column: Some(key.to_string()),
    }
}

/// A JSON download of a typed value. It goes through [`super::to_record`] so that object
/// keys are sorted, as in the template values.
pub fn json_download<T: Serialize>(
    file_name: &str,
    title: &str,
    key: &str,
    value: &T,
) -> Result<Download, Diagnostics> {
    let value = super::to_record(value)?;
    let mut bytes = serde_json::to_vec_pretty(&value).unwrap_or_default();
    bytes.push(b'\n');
    Ok(Download {
        file_name: file_name.to_string(),
        title: title.to_string(),
        format: "JSON".into(),
        bytes,
        key_column: Some(key.to_string()),
    })
}

/// A `[record]` date (TOML date or "10/06/2026").
pub fn record_date(input: &RecordInput, field: &str) -> Option<NaiveDate> {
    match input.record.get(field) {
        Some(toml::Value::Datetime(dt)) => parse_date_text(&dt.to_string()),
        Some(toml::Value::String(s)) => parse_date_text(s),
        _ => None,
    }
}

/// `[record]` list of strings, or one string.
pub fn record_list(input: &RecordInput, field: &str) -> Vec<String> {
    match input.record.get(field) {
        Some(toml::Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}
