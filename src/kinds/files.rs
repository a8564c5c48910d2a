//! Files a record names in its `[record]` table (data tables) and files it publishes
//! next to its page (CSV, JSON downloads); `[record]` dates and lists. Shared by kinds.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::columns::{Column, titles};
use super::{Download, KindContext, RecordInput};
use crate::content::frontmatter::parse_date_text;
use crate::data::{ColumnMap, FieldSpec, LoadOptions, Table, load_table};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Where a `[record]` data file lives: `data/…` from the site root, a file in the page
/// bundle, else relative to `data/`.
pub fn resolve_path(input: &RecordInput, ctx: &KindContext, rel: &str) -> PathBuf {
    resolve_in(ctx.root, input.bundle_dir, rel)
}

/// [`resolve_path`] from the two facts it needs: the site root and the page bundle.
pub fn resolve_in(root: &Path, bundle_dir: Option<&Path>, rel: &str) -> PathBuf {
    let rel = rel.trim().trim_start_matches("./");
    if rel.starts_with("data/") {
        return PathBuf::from(rel);
    }
    if let Some(dir) = bundle_dir
        && dir.join(rel).is_file()
        && let Ok(stripped) = dir.join(rel).strip_prefix(root)
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
    let settings = match TableSettings::read(input, field, false) {
        Ok(s) => s,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    match load_table(ctx.root, &path, &settings.apply(LoadOptions::new(fields))) {
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

/// How a record's front matter says to read one of its tables:
///
/// ```toml
/// [record]
/// list = "data/ho-ngheo.csv"
/// delimiter = ";"                 # or, per table: delimiter = { plan = ";" }
/// [record.columns]                # header in the file for a field
/// amount_vnd = "Tiền hỗ trợ hằng tháng"
/// [record.columns.plan]           # only for the table named by `plan`
/// new_name = "Tổ mới"
/// ```
///
/// A flat `[record.columns]` entry applies to every table of the record that has its
/// field; an entry under a table's own name applies to that table alone.
#[derive(Debug, Default, Clone)]
pub struct TableSettings {
    pub columns: Vec<ColumnMap>,
    pub delimiter: Option<u8>,
}

impl TableSettings {
    /// The settings for the table named by `[record]` field `file_field`; `single`
    /// when it is the record's only table (flat entries are then strict too).
    pub fn read(
        input: &RecordInput,
        file_field: &str,
        single: bool,
    ) -> Result<TableSettings, Diagnostic> {
        let mut out = TableSettings::default();
        let columns_hint = "ví dụ:\n  [record.columns]\n  amount_vnd = \"Tiền hỗ trợ hằng tháng\"\n\
                            (bên trái là tên trường, bên phải là tên cột đúng như trong tệp)";
        match input.record.get("columns") {
            None => {}
            Some(toml::Value::Table(t)) => {
                for (k, v) in t {
                    match v {
                        toml::Value::String(h) => out.columns.push(ColumnMap {
                            field: k.trim().to_string(),
                            header: h.clone(),
                            strict: single,
                        }),
                        toml::Value::Table(inner) if k == file_field => {
                            for (f, h) in inner {
                                let Some(h) = h.as_str() else {
                                    return Err(Diagnostic::error(format!(
                                        "record.columns.{k}.{f} phải là tên cột, viết trong dấu ngoặc kép"
                                    ))
                                    .at(input.field_location(&format!("columns.{k}")))
                                    .hint(columns_hint));
                                };
                                out.columns.push(ColumnMap {
                                    field: f.trim().to_string(),
                                    header: h.to_string(),
                                    strict: true,
                                });
                            }
                        }
                        toml::Value::Table(_) => {}
                        _ => {
                            return Err(Diagnostic::error(format!(
                                "record.columns.{k} phải là tên cột, viết trong dấu ngoặc kép"
                            ))
                            .at(input.field_location("columns"))
                            .hint(columns_hint));
                        }
                    }
                }
            }
            Some(_) => {
                return Err(
                    Diagnostic::error("record.columns phải là một bảng [record.columns]")
                        .at(input.field_location("columns"))
                        .hint(columns_hint),
                );
            }
        }
        let delimiter = match input.record.get("delimiter") {
            None => None,
            Some(toml::Value::String(d)) => Some(d.as_str()),
            Some(toml::Value::Table(t)) => t.get(file_field).and_then(toml::Value::as_str),
            Some(_) => Some(""),
        };
        if let Some(d) = delimiter {
            out.delimiter = Some(parse_delimiter(d).ok_or_else(|| {
                Diagnostic::error(format!(
                    "record.delimiter \u{201c}{d}\u{201d} không phải là dấu phân cách cột"
                ))
                .at(input.field_location("delimiter"))
                .hint(
                    "ghi một trong: \";\" (chấm phẩy, Excel tiếng Việt), \",\" (phẩy), \"tab\", \"|\"; \
                     nếu bản ghi có nhiều bảng: delimiter = { tên_bảng = \";\" }",
                )
            })?);
        }
        Ok(out)
    }

    pub fn apply<'a>(&'a self, opts: LoadOptions<'a>) -> LoadOptions<'a> {
        opts.columns(&self.columns).delimiter(self.delimiter)
    }
}

fn parse_delimiter(d: &str) -> Option<u8> {
    match d {
        "\t" | "tab" | "TAB" | "Tab" | "\\t" => Some(b'\t'),
        ";" => Some(b';'),
        "," => Some(b','),
        "|" => Some(b'|'),
        _ => None,
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

/// A published table: its CSV and its JSON twin share one column description.
pub struct TableFiles<'a> {
    /// File name without extension: `phuong-an-sap-xep` → `.csv` and `.json`.
    pub stem: &'a str,
    /// Title without the format: "Bảng tổ dân phố sau sắp xếp".
    pub title: &'a str,
    /// What the table holds, one sentence (the data package's description).
    pub description: &'a str,
    pub columns: &'a [Column],
    /// Title of the key column (or titles joined by `+`), for the change history.
    pub key: Option<&'a str>,
    /// The key is unique in every published table (declared as `primaryKey`).
    pub unique_key: bool,
}

impl TableFiles<'_> {
    /// The CSV and the JSON download of `rows` (each as wide as the columns).
    pub fn downloads(&self, rows: &[Vec<String>]) -> [Download; 2] {
        let download = |ext: &str, format: &str, bytes: Vec<u8>| Download {
            file_name: format!("{}.{ext}", self.stem),
            title: format!("{} ({format})", self.title),
            format: format.to_string(),
            bytes,
            key_column: self.key.map(str::to_string),
            description: self.description.to_string(),
            columns: self.columns.to_vec(),
            unique_key: self.unique_key,
            unlisted: false,
        };
        [
            download("csv", "CSV", csv_bytes(&titles(self.columns), rows)),
            download("json", "JSON", json_rows(self.columns, rows)),
        ]
    }
}

/// A table as JSON: an array of row objects keyed by the column titles, in column
/// order, values typed as the columns say ([`Column::json_value`]), so the data
/// package's one Table Schema describes both the CSV and the JSON.
pub fn json_rows(columns: &[Column], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + rows.len() * columns.len() * 24);
    out.push(b'[');
    for (i, row) in rows.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n  {" } else { b",\n  {" });
        for (k, (c, v)) in columns.iter().zip(row).enumerate() {
            if k > 0 {
                out.extend_from_slice(b", ");
            }
            // Writing to a Vec cannot fail.
            let _ = serde_json::to_writer(&mut out, c.title);
            out.extend_from_slice(b": ");
            let _ = serde_json::to_writer(&mut out, &c.json_value(v));
        }
        out.push(b'}');
    }
    out.extend_from_slice(if rows.is_empty() { b"]\n" } else { b"\n]\n" });
    out
}

/// The header row of published CSV bytes (BOM stripped), for the kinds' tests.
#[cfg(test)]
pub fn csv_header(bytes: &[u8]) -> Vec<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::Reader::from_reader(bytes);
    r.headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Checks a kind's table downloads: the CSV header row is exactly the declared titles,
/// every row as wide, the JSON an array of objects with the same keys. For the kinds' tests.
#[cfg(test)]
pub fn assert_table(d: &Download) {
    assert!(
        !d.columns.is_empty(),
        "{}: no columns declared",
        d.file_name
    );
    let want: Vec<String> = d.columns.iter().map(|c| c.title.to_string()).collect();
    if d.format == "CSV" {
        assert!(d.bytes.starts_with(b"\xEF\xBB\xBF"), "{}: BOM", d.file_name);
        assert_eq!(csv_header(&d.bytes), want, "{}", d.file_name);
        let mut r = csv::Reader::from_reader(&d.bytes[3..]);
        for rec in r.records() {
            let rec = rec.unwrap_or_default();
            assert_eq!(rec.len(), want.len(), "{}: row width", d.file_name);
        }
    } else {
        let v: serde_json::Value = serde_json::from_slice(&d.bytes).unwrap_or_default();
        for row in v
            .as_array()
            .unwrap_or_else(|| panic!("{}: not an array", d.file_name))
        {
            let keys: Vec<String> = row
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            let mut sorted = want.clone();
            sorted.sort();
            let mut keys = keys;
            keys.sort();
            assert_eq!(keys, sorted, "{}", d.file_name);
        }
    }
    if let Some(k) = &d.key_column {
        for part in k.split('+') {
            assert!(
                want.iter().any(|t| t == part),
                "{}: key {part}",
                d.file_name
            );
        }
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
        ..Default::default()
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
