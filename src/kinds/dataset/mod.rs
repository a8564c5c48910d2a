//! A generic approved table (`kind = "dataset"`): any table the other kinds do not model
//! (seed 003: the residential areas recognised as self-managed, with the criteria met).
//!
//! The page declares each column in `[[record.fields]]` — the header in the file, its
//! type (text, integer, number, date, month, boolean, money), a Vietnamese description and
//! optionally a published title and a unit. Every cell is checked by its type and scanned
//! for personal data; a column whose title names people needs `personal = true` and then
//! follows the beneficiary-list rules (noindex, `[privacy] name_display`, no open-data
//! link); a column naming identifiers, birth dates, health… is refused.
//!
//! Output: the page (a table that becomes stacked cards on phones) and `<stem>.csv`,
//! `<stem>.json` with the declared columns (so `datapackage.json` and the open-data
//! catalogue describe them).
//!
//! Inner shape: `load` (declarations and table → typed values) → `check` (types, values,
//! titles) → `view`.

mod check;
mod load;
mod view;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, OnceLock};

pub use check::{FieldType, parse_month, parse_type};
pub use view::{ColumnView, DatasetView};

use super::columns::{Column, ColumnType};
use super::files::TableFiles;
use super::{KindContext, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::privacy::NameDisplay;
use crate::text::{fold_words, slugify};
use load::FieldDecl;

/// Rows shown on the page; the files hold every row.
pub const MAX_ROWS_SHOWN: usize = 1000;

pub struct Dataset;

impl RecordKind for Dataset {
    fn name(&self) -> &'static str {
        "dataset"
    }

    fn label(&self) -> &'static str {
        "Bảng dữ liệu"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let mut warnings = Diagnostics::new();
        let decls = load::declarations(input, &mut errors);
        let key = decls.as_ref().and_then(|d| key_of(input, d, &mut errors));
        let names = name_display(input, ctx, &mut errors);
        let (Some(decls), false) = (decls, errors.has_errors()) else {
            return Err(errors);
        };
        let loaded = load::load_rows(input, ctx, &decls, &mut errors, &mut warnings);
        let Some(mut loaded) = loaded.filter(|_| !errors.has_errors()) else {
            return Err(errors);
        };
        if let Some(k) = key {
            check_key(input, &decls, k, &loaded.rows, &mut errors);
        }
        if errors.has_errors() {
            return Err(errors);
        }
        let personal = decls.iter().any(|d| d.personal);
        for (i, _) in decls.iter().enumerate().filter(|(_, d)| d.personal) {
            for row in &mut loaded.rows {
                let shown = names.apply(&row[i].published);
                row[i].published = shown.clone();
                row[i].shown = shown;
            }
        }
        let columns: Vec<Column> = decls.iter().map(column_of).collect();
        let stem = stem_of(input);
        let description = input.opt_str("description").map_or_else(
            || format!("Bảng đã được phê duyệt: {}.", input.title),
            str::to_string,
        );
        let files = TableFiles {
            stem: &stem,
            title: input.title,
            description: &description,
            columns: &columns,
            key: key.map(|k| intern(&decls[k].title)),
            unique_key: key.is_some(),
        };
        let published: Vec<Vec<String>> = loaded
            .rows
            .iter()
            .map(|r| r.iter().map(|v| v.published.clone()).collect())
            .collect();
        let downloads = files.downloads(&published).to_vec();
        let file_url = |ext: &str| ctx.config.permalink(&format!("{}{stem}.{ext}", input.path));
        let view = DatasetView {
            columns: decls
                .iter()
                .zip(&columns)
                .map(|(d, c)| ColumnView {
                    title: d.title.clone(),
                    description: d.description.clone(),
                    type_label: c.type_label().to_string(),
                    unit: d.unit.clone(),
                    kind: kind_key(d.ty).to_string(),
                })
                .collect(),
            rows: loaded
                .rows
                .iter()
                .take(MAX_ROWS_SHOWN)
                .map(|r| r.iter().map(|v| v.shown.clone()).collect())
                .collect(),
            count: loaded.rows.len(),
            shown: loaded.rows.len().min(MAX_ROWS_SHOWN),
            csv_url: file_url("csv"),
            json_url: file_url("json"),
            personal,
        };
        let search_text = decls
            .iter()
            .map(|d| format!("{} {}", d.title, d.description))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(RecordOutput {
            record: to_record(&view)?,
            warnings,
            downloads,
            search_text,
            noindex: personal && !ctx.config.privacy.index_lists,
            personal_data: personal,
            ..Default::default()
        })
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![ViewDoc::of::<DatasetView>(self.template())]
    }
}

/// `[record] key = "…"`: the declared column that identifies a row (for the change log).
fn key_of(input: &RecordInput, decls: &[FieldDecl], errors: &mut Diagnostics) -> Option<usize> {
    let k = input.record.get("key")?;
    let Some(k) = k.as_str() else {
        errors.push(
            Diagnostic::error("record.key phải là tên một cột, trong dấu ngoặc kép")
                .at(input.field_location("key")),
        );
        return None;
    };
    let want = fold_words(k);
    let found = decls
        .iter()
        .position(|d| fold_words(&d.name) == want || fold_words(&d.title) == want);
    if found.is_none() {
        let names: Vec<&str> = decls.iter().map(|d| d.title.as_str()).collect();
        errors.push(
            Diagnostic::error(format!(
                "record.key \u{201c}{k}\u{201d} không phải cột đã khai báo"
            ))
            .at(input.field_location("key"))
            .hint(format!("ghi tên một trong các cột: {}", names.join(", "))),
        );
    }
    found
}

/// Every row has a key, and no two the same.
fn check_key(
    input: &RecordInput,
    decls: &[FieldDecl],
    k: usize,
    rows: &[Vec<check::Value>],
    errors: &mut Diagnostics,
) {
    let title = &decls[k].title;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut empty = 0usize;
    let mut dup: Vec<(String, usize, usize)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let v = r[k].published.as_str();
        if v.is_empty() {
            empty += 1;
            continue;
        }
        if let Some(first) = seen.insert(v, i) {
            dup.push((v.to_string(), first + 1, i + 1));
        }
    }
    let at = input.field_location("key");
    if empty > 0 {
        errors.push(
            Diagnostic::error(format!(
                "{empty} dòng để trống cột khóa \u{201c}{title}\u{201d}"
            ))
            .at(at.clone())
            .hint("cột khóa (record.key) phân biệt các dòng: mỗi dòng phải có giá trị"),
        );
    }
    for (v, a, b) in dup.iter().take(5) {
        errors.push(
            Diagnostic::error(format!(
                "giá trị \u{201c}{v}\u{201d} của cột khóa \u{201c}{title}\u{201d} trùng ở dòng dữ liệu thứ {a} và thứ {b}"
            ))
            .at(at.clone())
            .hint("mỗi dòng cần một giá trị khóa riêng; sửa dòng trùng hoặc chọn cột khóa khác"),
        );
    }
}

/// `[privacy] name_display` for columns declared `personal = true`.
fn name_display(input: &RecordInput, ctx: &KindContext, errors: &mut Diagnostics) -> NameDisplay {
    let text = input
        .opt_str("name_display")
        .map(str::to_string)
        .or_else(|| ctx.config.privacy.name_display.clone());
    match text {
        None => NameDisplay::Full,
        Some(t) => NameDisplay::parse(&t).unwrap_or_else(|| {
            errors.push(
                Diagnostic::error(format!("cách hiển thị tên \u{201c}{t}\u{201d} không rõ"))
                    .at(input.field_location("name_display"))
                    .hint("xem [privacy] name_display trong docs/support-and-privacy.md"),
            );
            NameDisplay::Full
        }),
    }
}

/// File stem of the CSV/JSON: `[record] stem`, else the data file's name, slugified.
fn stem_of(input: &RecordInput) -> String {
    let from = input
        .opt_str("stem")
        .or_else(|| input.opt_str("file"))
        .unwrap_or("bang");
    let name = std::path::Path::new(from)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let slug = slugify(&name);
    if slug.is_empty() || slug == "datapackage" {
        "bang".to_string()
    } else {
        slug
    }
}

fn kind_key(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "text",
        FieldType::Integer => "integer",
        FieldType::Number => "number",
        FieldType::Date => "date",
        FieldType::Month => "month",
        FieldType::Boolean => "boolean",
        FieldType::Money => "money",
    }
}

/// The published column of a declaration.
fn column_of(d: &FieldDecl) -> Column {
    let (title, desc) = (intern(&d.title), intern(&d.description));
    let mut c = match d.ty {
        FieldType::Text => Column::text(title, desc),
        FieldType::Integer | FieldType::Money => Column::count(title, desc),
        FieldType::Number => Column::decimal(title, desc),
        FieldType::Date => Column::date(title, desc),
        FieldType::Month => Column::text(title, desc).pattern("^[0-9]{4}-[0-9]{2}$"),
        FieldType::Boolean => Column::yes_no(title, desc),
    };
    if !d.unit.is_empty() {
        c = c.unit(intern(&d.unit));
    }
    if d.required {
        c = c.required();
    }
    debug_assert!(matches!(
        c.kind,
        ColumnType::String
            | ColumnType::Integer
            | ColumnType::Number
            | ColumnType::Date
            | ColumnType::Boolean
    ));
    c
}

/// A `&'static str` for a declared name: the shared column and field descriptions take
/// static strings. Each distinct text is kept once for the life of the process, so a
/// `serve` that rebuilds all day grows only with new column names, not per build.
pub(crate) fn intern(s: &str) -> &'static str {
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let set = SET.get_or_init(|| Mutex::new(HashSet::new()));
    let mut set = set
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&k) = set.get(s) {
        return k;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    set.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_strings_are_shared() {
        let a = intern("Khu dân cư");
        let b = intern(&String::from("Khu dân cư"));
        assert!(std::ptr::eq(a, b));
        assert_eq!(a, "Khu dân cư");
    }

    #[test]
    fn every_view_field_is_documented() {
        for doc in Dataset.views() {
            assert_eq!(
                doc.undocumented_fields(),
                Vec::<String>::new(),
                "{}",
                doc.template
            );
        }
    }
}
