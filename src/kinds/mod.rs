//! Kinds of published record, behind one interface.
//!
//! A record is a Markdown page whose front matter says `kind = "…"` and whose `[record]`
//! table holds the kind's metadata and the data files (relative to `data/`) it publishes.
//! The kind loads and validates those files, and returns a model for the page template
//! (`page.record`), extra pages (one per residential group, per place…), downloads (CSV,
//! JSON, iCalendar) and site-wide contributions (a warning banner). Adding a kind is a
//! folder `<name>/` here (`mod.rs`, `load.rs`, `check.rs`, `view.rs`), a `pub mod` line, one
//! line in [`registry`] and a template: docs/adding-a-kind.md walks through it.

pub mod beneficiary_list;
pub mod columns;
pub mod consultation;
pub mod dataset;
pub mod document;
pub mod donations;
pub mod files;
pub mod merger_plan;
pub mod partners;
pub mod programme;
pub mod service_days;
pub mod tables;
pub mod timeline;
#[cfg(test)]
mod view_docs;
pub mod warning;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// What a kind gets to build one record.
pub struct RecordInput<'a> {
    /// The page file, relative to the site root (`content/sap-xep/phuong-an.md`).
    pub file: &'a Path,
    /// The page's site path (`/sap-xep/phuong-an/`).
    pub path: &'a str,
    pub title: &'a str,
    /// The `[record]` table of the front matter.
    pub record: &'a toml::Table,
    /// The Markdown body (already NFC).
    pub body: &'a str,
    /// Absolute directory of the page bundle, for co-located data files.
    pub bundle_dir: Option<&'a Path>,
}

impl RecordInput<'_> {
    /// Location of a `[record]` field in the page, for messages.
    pub fn field_location(&self, field: &str) -> Location {
        Location::file(self.file).with_field(format!("record.{field}"))
    }

    /// A required string field of `[record]`.
    pub fn str_field(&self, field: &str) -> Result<&str, Diagnostic> {
        match self.record.get(field) {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.as_str()),
            Some(_) => Err(Diagnostic::error(format!(
                "trường record.{field} phải là chữ đặt trong dấu ngoặc kép"
            ))
            .at(self.field_location(field))),
            None => Err(Diagnostic::error(format!("thiếu trường record.{field}"))
                .at(self.field_location(field))
                .hint(format!(
                    "thêm {field} = \"…\" vào bảng [record] ở phần đầu trang"
                ))),
        }
    }

    /// A required string field; a problem goes to `errors` and gives "" so that a kind can
    /// report every missing field at once.
    pub fn required_str(&self, field: &str, errors: &mut Diagnostics) -> String {
        match self.str_field(field) {
            Ok(s) => s.to_string(),
            Err(d) => {
                errors.push(d);
                String::new()
            }
        }
    }

    pub fn opt_str(&self, field: &str) -> Option<&str> {
        self.record
            .get(field)
            .and_then(toml::Value::as_str)
            .filter(|s| !s.trim().is_empty())
    }
}

/// Shared, read-only facts every kind may need.
pub struct KindContext<'a> {
    pub root: &'a Path,
    /// The front matter of every page and section the build loaded, sorted by file: a
    /// record that refers to another page (a list naming its programme) finds it here,
    /// through the model, instead of reading files itself.
    pub pages: &'a [LoadedPage],
    pub config: &'a Config,
    /// The build date (Asia/Ho_Chi_Minh), an input so builds are reproducible.
    pub today: NaiveDate,
    /// A staff preview build (`--drafts`).
    pub preview: bool,
}

/// The checksum printed on a poster next to its QR code: the SHA-256 of the record's
/// main published file, so a reader can tell the printed sheet from a forged or outdated
/// one by comparing it with the file on the site.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PosterChecksum {
    /// SHA-256, 64 lowercase hexadecimal digits.
    pub sha256: String,
    /// The published file the hash is of (`lich.csv`), or the file that records it
    /// (`manifest.json`, for a warning: the hash of the warning page's source).
    pub file_name: String,
    /// Absolute URL of that file.
    pub url: String,
}

/// An extra page a record generates (one per group, per place, per session…).
#[derive(Debug, Clone)]
pub struct SubPage {
    /// Absolute site path with slashes: `/sap-xep/phuong-an/to-dan-pho-so-1/`.
    pub path: String,
    pub title: String,
    /// Template name, e.g. `kinds/merger_plan/group.html`.
    pub template: String,
    /// Exposed to the template as `page.record`.
    pub record: serde_json::Value,
    /// Plain text for the search index.
    pub search_text: String,
    /// Whether it belongs in the sitemap and search engines.
    pub indexable: bool,
}

/// A downloadable file published next to the record page.
#[derive(Debug, Clone, Default)]
pub struct Download {
    /// File name, written under the record's path: `ket-qua-lay-y-kien.csv`.
    pub file_name: String,
    pub title: String,
    /// "CSV", "JSON", "ICS", "SVG"…
    pub format: String,
    pub bytes: Vec<u8>,
    /// For tables: the key column's title (or titles joined by `+`), so the change
    /// history can diff rows.
    pub key_column: Option<String>,
    /// What the file holds, for the data package (`resources[].description`).
    pub description: String,
    /// For tables (CSV and its JSON twin): the columns, in order. Empty for other files.
    pub columns: Vec<columns::Column>,
    /// The key column is unique (the data package declares it as `primaryKey`).
    pub unique_key: bool,
    /// A file for one item of the record (a session's calendar), linked from that item's
    /// page: a file of the record like the others (manifest, data package, catalogue),
    /// but not listed with the record's downloads, where dozens would bury the tables.
    pub unlisted: bool,
}

/// A site-wide banner (an active scam warning), shown on every page.
#[derive(Debug, Clone, Serialize)]
pub struct Banner {
    /// Higher is more severe; the site shows the single most severe banner.
    pub rank: u8,
    pub severity: String,
    pub severity_label: String,
    pub title: String,
    pub summary: String,
    /// Filled in by the site with the record page's URL.
    pub url: String,
}

/// Everything a kind returns for one record.
#[derive(Debug, Default)]
pub struct RecordOutput {
    /// Exposed to the page template as `page.record`.
    pub record: serde_json::Value,
    pub warnings: Diagnostics,
    pub subpages: Vec<SubPage>,
    pub downloads: Vec<Download>,
    /// Extra plain text for the search index.
    pub search_text: String,
    pub banner: Option<Banner>,
    /// Keep the record out of search engines and the sitemap (beneficiary lists).
    pub noindex: bool,
    /// Its tables name people (beneficiaries, donors): published for reading, as the law
    /// requires, but never offered to harvesters (no download URL in the open-data
    /// catalogue; `robots.txt` disallows the files).
    pub personal_data: bool,
}

/// One loaded content file's front matter text (NFC), as [`KindContext::pages`] holds it.
#[derive(Debug, Clone)]
pub struct LoadedPage {
    /// Relative to the site root: `content/ho-tro/chinh-sach.md`.
    pub file: PathBuf,
    /// Between the `+++` lines; empty for a section (a section carries no record).
    pub front_matter: String,
}

pub trait RecordKind: Send + Sync {
    /// The `kind = "…"` value.
    fn name(&self) -> &'static str;
    /// Vietnamese name shown to citizens ("Văn bản").
    fn label(&self) -> &'static str;
    /// The page template; a site can override it in `templates/`.
    fn template(&self) -> String {
        format!("kinds/{}.html", self.name())
    }
    /// Load, validate and model one record. Errors are returned all at once.
    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics>;
    /// The template contract: one entry per template this kind feeds (the record page and
    /// each kind of subpage), with the JSON schema of its typed view struct. docs/theme.md's
    /// kind reference is generated from these (their doc comments become the descriptions).
    fn views(&self) -> Vec<ViewDoc> {
        Vec::new()
    }
}

/// One template of a kind and the schema of the `page.record` value it receives.
pub struct ViewDoc {
    /// Template name, as in [`RecordKind::template`] or [`SubPage::template`].
    pub template: String,
    pub schema: schemars::Schema,
}

impl ViewDoc {
    pub fn of<T: schemars::JsonSchema>(template: impl Into<String>) -> Self {
        ViewDoc {
            template: template.into(),
            schema: schemars::schema_for!(T),
        }
    }

    /// Paths of the fields of this view that have no description (no `///` doc comment),
    /// e.g. `properties.places.items.slug`; empty when every field is documented. Every
    /// field of a template contract must say what it is: each kind tests that this is empty
    /// for each of its [`RecordKind::views`].
    pub fn undocumented_fields(&self) -> Vec<String> {
        undocumented_properties(self.schema.as_value())
    }
}

/// Paths of the properties of a JSON schema, at any depth (`$defs` included), that have no
/// `description`.
fn undocumented_properties(schema: &serde_json::Value) -> Vec<String> {
    fn walk(v: &serde_json::Value, at: &str, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                    for (name, p) in props {
                        if p.get("description").is_none() {
                            out.push(format!("{at}{name}"));
                        }
                    }
                }
                for (k, x) in m {
                    walk(x, &format!("{at}{k}."), out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, at, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(schema, "", &mut out);
    out
}

/// Turns a kind's typed view struct into the value templates see as `page.record`.
///
/// The view structs are the template contract; this is the only place they become JSON.
/// Serialising a derived struct with string keys cannot fail; if a future view breaks that
/// (a map with non-string keys), the build stops with an internal error naming the view
/// instead of publishing an empty record.
pub fn to_record<T: Serialize>(view: &T) -> Result<serde_json::Value, Diagnostics> {
    serde_json::to_value(view).map_err(|e| {
        Diagnostics::from(Diagnostic::error(format!(
            "lỗi nội bộ khi chuẩn bị dữ liệu cho giao diện ({}): {e}",
            std::any::type_name::<T>()
        )))
    })
}

/// QR code (inline SVG) of a page's absolute address, for the print views posted at the
/// nhà văn hóa (beneficiary lists, the donations ledger).
pub fn page_qr(config: &Config, path: &str, title: &str) -> String {
    crate::qr::qr_svg(
        &config.permalink(path),
        &format!("Mã QR dẫn tới trang {title}"),
    )
}

/// Every kind congkhai knows. One line per kind.
pub fn registry() -> Vec<Box<dyn RecordKind>> {
    vec![
        Box::new(document::Document),
        Box::new(service_days::ServiceDays),
        Box::new(warning::Warning),
        Box::new(merger_plan::MergerPlan),
        Box::new(consultation::Consultation),
        Box::new(timeline::Timeline),
        Box::new(programme::Programme),
        Box::new(beneficiary_list::BeneficiaryList),
        Box::new(donations::Donations),
        Box::new(dataset::Dataset),
    ]
}

pub fn find<'a>(kinds: &'a [Box<dyn RecordKind>], name: &str) -> Option<&'a dyn RecordKind> {
    kinds.iter().find(|k| k.name() == name).map(|k| k.as_ref())
}

/// A kind's published tables: (file stem, columns).
#[cfg(test)]
type Tables<'a> = Vec<(&'a str, &'a [columns::Column])>;

/// docs/open-data.md's column reference, generated from every kind's tables.
#[cfg(test)]
fn column_reference() -> String {
    let list: Vec<columns::Column> = beneficiary_list::downloads::COLUMNS
        .iter()
        .map(|(_, c)| *c)
        .collect();
    let kinds: Vec<(&str, Tables)> = vec![
        (
            "Phương án sắp xếp tổ dân phố (`merger_plan`)",
            merger_plan::TABLES.to_vec(),
        ),
        (
            "Kết quả lấy ý kiến (`consultation`)",
            consultation::TABLES.to_vec(),
        ),
        ("Tiến độ thực hiện (`timeline`)", timeline::TABLES.to_vec()),
        (
            "Lịch hỗ trợ thủ tục (`service_days`)",
            service_days::TABLES.to_vec(),
        ),
        (
            "Danh sách thụ hưởng (`beneficiary_list`; chỉ các cột có trong tệp của xã, phường)",
            vec![("danh-sach", list.as_slice())],
        ),
        (
            "Nguồn lực và hỗ trợ (`donations`)",
            donations::TABLES.to_vec(),
        ),
    ];
    let mut out = String::new();
    for (kind, tables) in kinds {
        out.push_str(&format!("### {kind}\n\n"));
        for (stem, cols) in tables {
            out.push_str(&format!("`{stem}.csv`, `{stem}.json`\n\n| Cột | Ý nghĩa | Kiểu | Đơn vị |\n|---|---|---|---|\n"));
            for c in cols {
                let d = c.doc();
                let mut meaning = d.description.clone();
                if !d.values.is_empty() {
                    meaning.push_str(&format!(" Giá trị: {}.", d.values));
                }
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    d.title, meaning, d.type_label, d.unit
                ));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/open-data.md shows every table's columns as the code declares them; run
    /// with CONGKHAI_BLESS_DOCS=1 to rewrite the generated part.
    #[test]
    fn open_data_doc_lists_every_column() {
        const START: &str = "<!-- columns: generated by src/kinds/mod.rs -->\n";
        const END: &str = "<!-- end columns -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/open-data.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let (a, b) = (
            doc.find(START).unwrap() + START.len(),
            doc.find(END).unwrap(),
        );
        let want = column_reference();
        if doc[a..b] != want {
            if std::env::var_os("CONGKHAI_BLESS_DOCS").is_some() {
                std::fs::write(path, format!("{}{want}{}", &doc[..a], &doc[b..])).unwrap();
            } else {
                panic!(
                    "docs/open-data.md's column reference is out of date: run CONGKHAI_BLESS_DOCS=1 cargo test --lib open_data_doc"
                );
            }
        }
    }

    #[test]
    fn undocumented_fields_are_found() {
        let schema = serde_json::json!({"properties": {
            "a": {"description": "A."},
            "b": {"type": "string"},
            "c": {"items": {"properties": {"d": {}}}},
        }});
        let mut found = undocumented_properties(&schema);
        found.sort();
        assert_eq!(found, vec!["b", "c", "properties.c.items.d"]);
    }

    /// docs/adding-a-kind.md shows each file of the example kind in its own block; a block
    /// that needs other files of the kind (`check.rs` needs `load.rs`, `mod.rs` needs all
    /// three) carries hidden copies of them (`# mod load {` … `# }`). The copies must be
    /// the files shown, or the guide would test other code than it shows.
    #[test]
    fn guide_copies_match_the_files() {
        const FILES: [&str; 3] = ["check", "load", "view"];
        /// Lines as the compiler sees them: hidden lines unhidden, without the `/*` `*/`
        /// lines that keep `#[cfg(test)]` and `#[test]` out of doctests.
        fn compiled(lines: &[&str]) -> String {
            let unhide = |l: &str| match l.strip_prefix("# ") {
                Some(rest) => rest.to_string(),
                None if l == "#" => String::new(),
                None => l.to_string(),
            };
            let kept: Vec<String> = lines
                .iter()
                .map(|l| unhide(l))
                .filter(|l| l != "/*" && l != "*/")
                .collect();
            kept.join("\n")
        }
        let guide = include_str!("../../docs/adding-a-kind.md");
        let blocks: Vec<Vec<&str>> = guide
            .split("```rust\n")
            .skip(1)
            .filter_map(|b| b.split("\n```").next())
            .map(|b| b.lines().collect())
            .collect();
        let path = |file: &str| format!("// src/kinds/reception/{file}.rs");
        let shows = |b: &[&str], file: &str| b.contains(&path(file).as_str());
        let shown = |file: &str| {
            let block = blocks.iter().find(|b| shows(b, file));
            compiled(block.unwrap_or_else(|| panic!("no block shows {file}.rs")))
        };
        let mut copies = 0;
        for block in &blocks {
            let starts: Vec<(usize, &str)> = (0..block.len())
                .filter_map(|i| {
                    let m = FILES.iter().find(|m| block[i] == format!("# mod {m} {{"))?;
                    Some((i, *m))
                })
                .collect();
            for (k, &(start, file)) in starts.iter().enumerate() {
                if shows(block, file) {
                    continue;
                }
                // Up to the next copy, or to the first shown line; without its `# }`.
                let end = starts.get(k + 1).map_or_else(
                    || {
                        (start..block.len())
                            .find(|&i| !block[i].starts_with('#'))
                            .unwrap_or(block.len())
                    },
                    |next| next.0,
                );
                let copy = compiled(&block[start + 1..end - 1]);
                assert!(
                    shown(file).contains(&copy),
                    "docs/adding-a-kind.md: a hidden copy of {file}.rs differs from its block"
                );
                copies += 1;
            }
        }
        assert!(shows(&blocks.concat(), "mod"), "no block shows mod.rs");
        assert_eq!(copies, 6, "copies: check.rs block 1, view.rs 2, mod.rs 3");
    }
}
