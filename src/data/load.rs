//! Entry points: [`load_table`] for record tables and [`load_value`] for templates'
//! `load_data`, plus JSON/TOML arrays of objects as tables.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::csv::load_csv_bytes;
use super::encoding::decode_text;
use super::headers::build_table;
use super::limits::{
    MAX_COLUMNS, MAX_FILE_BYTES, TableBudget, TableLimit, read_bounded, table_limit_error,
};
use super::paths::safe_join;
use super::spreadsheet::load_spreadsheet;
use super::{Grid, LoadOptions, RawRow, Table};
use crate::diagnostics::{Diagnostic, Location, display_path};

const TABLE_EXTS: &str = ".csv, .tsv, .txt, .xlsx, .xlsm, .xls, .ods, .json, .toml";

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Site-relative path with `/` separators and `.`/`..` resolved, for `Table::source`.
fn relative_source(rel: &str) -> PathBuf {
    let mut parts: Vec<&str> = Vec::new();
    for p in rel.trim().split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    PathBuf::from(parts.join("/"))
}

/// Read a file that safe_join accepted, at most [`MAX_FILE_BYTES`]; a missing file gets
/// a "did you mean" hint from its folder.
fn read_file(full: &Path, source: &Path) -> Result<Vec<u8>, Diagnostic> {
    match read_bounded(full, source, MAX_FILE_BYTES, "một tệp dữ liệu") {
        Ok(read) => read,
        Err(e) => Err(read_error(e, full, source)),
    }
}

fn read_error(e: std::io::Error, full: &Path, source: &Path) -> Diagnostic {
    {
        let loc = Location::file(source);
        if e.kind() == std::io::ErrorKind::NotFound {
            let name = full.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let siblings: Vec<String> = full
                .parent()
                .and_then(|p| std::fs::read_dir(p).ok())
                .map(|rd| {
                    rd.filter_map(|e| e.ok()?.file_name().into_string().ok())
                        .collect()
                })
                .unwrap_or_default();
            let d = Diagnostic::error(format!(
                "không tìm thấy tệp \u{201c}{}\u{201d}",
                display_path(source)
            ))
            .at(loc);
            match crate::text::did_you_mean(name, siblings.iter().map(String::as_str)) {
                Some(s) => d.hint(format!(
                    "có phải ý bạn là \u{201c}{s}\u{201d}? Kiểm tra lại tên tệp (cả đuôi tệp)"
                )),
                None => d.hint(
                    "kiểm tra lại tên và thư mục của tệp; đường dẫn tính từ thư mục gốc của trang",
                ),
            }
        } else if full.is_dir() {
            Diagnostic::error(format!(
                "\u{201c}{}\u{201d} là một thư mục, không phải tệp",
                display_path(source)
            ))
            .at(loc)
            .hint("ghi đường dẫn tới một tệp cụ thể bên trong thư mục")
        } else {
            Diagnostic::error(format!("không đọc được tệp: {e}"))
                .at(loc)
                .hint("kiểm tra quyền đọc tệp")
        }
    }
}

/// Load a table of records. `rel_path` is relative to the site root
/// (`data/ho-ngheo.xlsx`) and must stay inside it. Dispatches on the extension:
/// CSV/TSV/TXT, XLSX/XLSM/XLS/ODS, JSON (array of objects), TOML (array of tables
/// under a single top-level key). Non-fatal problems go to [`Table::warnings`].
pub fn load_table(
    site_root: &Path,
    rel_path: &Path,
    opts: &LoadOptions,
) -> Result<Table, Vec<Diagnostic>> {
    let rel = rel_path.to_string_lossy();
    let source = relative_source(&rel);
    let full = safe_join(site_root, &rel, "").map_err(|d| vec![d.at(Location::file(&source))])?;
    let ext = extension(&full);
    match ext.as_str() {
        "csv" | "tsv" | "txt" => {
            let bytes = read_file(&full, &source).map_err(|d| vec![d])?;
            load_csv_bytes(&bytes, &source, opts)
        }
        "xlsx" | "xlsm" | "xls" | "ods" => {
            if !full.is_file() {
                return Err(vec![read_file(&full, &source).err().unwrap_or_else(|| {
                    Diagnostic::error("không đọc được tệp").at(Location::file(&source))
                })]);
            }
            let size = std::fs::metadata(&full).map_or(0, |m| m.len());
            if size > MAX_FILE_BYTES {
                return Err(vec![super::limits::file_too_big(
                    &source,
                    MAX_FILE_BYTES,
                    "một tệp bảng tính",
                )]);
            }
            load_spreadsheet(&full, &source, &ext, opts)
        }
        "json" | "toml" => {
            let bytes = read_file(&full, &source).map_err(|d| vec![d])?;
            let (text, warning) = decode_text(&bytes, &source).map_err(|d| vec![d])?;
            let records = if ext == "json" {
                json_records(&text, &source)
            } else {
                toml_records(&text, &source)
            }
            .map_err(|d| vec![d])?;
            let mut table = records_to_table(records, &source, opts)?;
            table.warnings.extend(warning);
            Ok(table)
        }
        _ => Err(vec![
            Diagnostic::error(format!(
                "không đọc được bảng từ tệp \u{201c}{}\u{201d}: kiểu tệp{} không được hỗ trợ",
                display_path(&source),
                if ext.is_empty() {
                    String::new()
                } else {
                    format!(" .{ext}")
                }
            ))
            .at(Location::file(&source))
            .hint(format!(
                "lưu bảng dưới một trong các dạng: {TABLE_EXTS} (nên dùng .xlsx hoặc CSV UTF-8)"
            )),
        ]),
    }
}

/// One record of a JSON/TOML table: keys in document order.
type Record = Vec<(String, Value)>;

/// A JSON/TOML object that keeps its keys in document order (serde_json's `Map` sorts
/// them unless the crate-wide `preserve_order` feature is on).
struct Ordered(Record);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("một đối tượng (object/table)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Top-level TOML document: exactly one key holding an array of tables.
#[derive(Deserialize)]
#[serde(transparent)]
struct TomlTop(std::collections::BTreeMap<String, Vec<TomlOrdered>>);

/// A TOML table with its keys in document order: toml's map sorts keys unless the
/// crate-wide `preserve_order` feature is on, so keys are read with their spans and
/// sorted by position.
struct TomlOrdered(Record);

impl<'de> Deserialize<'de> for TomlOrdered {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TomlOrdered;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("một bảng TOML")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TomlOrdered, A::Error> {
                let mut out: Vec<(usize, String, Value)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<toml::Spanned<String>, toml::Value>()? {
                    let pos = k.span().start;
                    out.push((pos, k.into_inner(), toml_to_json(v)));
                }
                out.sort_by_key(|(pos, _, _)| *pos);
                Ok(TomlOrdered(
                    out.into_iter().map(|(_, k, v)| (k, v)).collect(),
                ))
            }
        }
        d.deserialize_map(V)
    }
}

struct OrderedSeq(Vec<Ordered>);

impl<'de> Deserialize<'de> for OrderedSeq {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedSeq;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("một mảng các đối tượng")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrderedSeq, A::Error> {
                let mut out = Vec::new();
                while let Some(o) = seq.next_element::<Ordered>()? {
                    out.push(o);
                }
                Ok(OrderedSeq(out))
            }
        }
        d.deserialize_seq(V)
    }
}

fn json_records(text: &str, source: &Path) -> Result<Vec<Record>, Diagnostic> {
    let seq: OrderedSeq = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(format!(
            "tệp JSON không phải là một mảng các đối tượng hợp lệ: {e}"
        ))
        .at(Location::at(source, e.line(), e.column()))
        .hint("tệp bảng JSON phải có dạng [{\"cột\": \"giá trị\", ...}, ...]")
    })?;
    Ok(seq.0.into_iter().map(|o| o.0).collect())
}

fn toml_records(text: &str, source: &Path) -> Result<Vec<Record>, Diagnostic> {
    const HINT: &str = "tệp bảng TOML phải có đúng một khóa chứa mảng các bảng, ví dụ:\n  [[ho]]\n  ten = \"...\"\n  [[ho]]\n  ten = \"...\"";
    let top: TomlTop = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let loc = line.map_or_else(|| Location::file(source), |l| Location::line(source, l));
        Diagnostic::error(format!(
            "tệp TOML không phải là một mảng các bảng hợp lệ: {}",
            e.message()
        ))
        .at(loc)
        .hint(HINT)
    })?;
    let mut top: Vec<(String, Vec<TomlOrdered>)> = top.0.into_iter().collect();
    if top.len() != 1 {
        let keys: Vec<String> = top
            .iter()
            .map(|(k, _)| format!("\u{201c}{k}\u{201d}"))
            .collect();
        return Err(Diagnostic::error(format!(
            "tệp TOML phải có đúng một khóa ở cấp ngoài cùng, nhưng có {}: {}",
            top.len(),
            keys.join(", ")
        ))
        .at(Location::file(source))
        .hint(HINT));
    }
    let (_, rows) = top.remove(0);
    Ok(rows.into_iter().map(|o| o.0).collect())
}

/// 1-based line of a byte offset (clamped; never slices inside a character).
fn line_of(text: &str, byte: usize) -> usize {
    let end = byte.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Records → a grid whose header row is the union of keys (first-seen order); record
/// `i` (0-based) is reported as row `i + 1`, key `k` as column `k + 1`.
fn records_to_table(
    records: Vec<Record>,
    source: &Path,
    opts: &LoadOptions,
) -> Result<Table, Vec<Diagnostic>> {
    let limit = |(what, row, column)| vec![table_limit_error(source, None, what, row, column)];
    // Column index per key, so that many keys or many records stay linear.
    let mut keys: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, r) in records.iter().enumerate() {
        for (k, _) in r {
            if !index.contains_key(k.as_str()) {
                if keys.len() >= MAX_COLUMNS {
                    return Err(limit((TableLimit::Columns, i + 1, MAX_COLUMNS + 1)));
                }
                index.insert(k.as_str(), keys.len());
                keys.push(k.clone());
            }
        }
    }
    let mut budget = TableBudget::default();
    budget.row(1, keys.len()).map_err(limit)?;
    // build_table numbers rows from the grid; give the header row 0 so record i is row i+1.
    let mut rows = Vec::with_capacity(records.len() + 1);
    rows.push(RawRow {
        row: 0,
        cells: keys.clone(),
    });
    for (i, r) in records.iter().enumerate() {
        budget.row(i + 1, keys.len()).map_err(limit)?;
        let mut cells: Vec<Option<String>> = vec![None; keys.len()];
        for (k, v) in r {
            if let Some(&c) = index.get(k.as_str()) {
                // The first occurrence of a repeated key wins.
                if cells[c].is_none() {
                    let text = value_text(v);
                    TableBudget::cell(&text, i + 1, c + 1).map_err(limit)?;
                    cells[c] = Some(text);
                }
            }
        }
        let cells = cells.into_iter().map(Option::unwrap_or_default).collect();
        rows.push(RawRow { row: i + 1, cells });
    }
    if keys.is_empty() {
        rows.clear();
    }
    build_table(
        source,
        Grid {
            rows,
            cell_errors: Vec::new(),
            strict_width: false,
            fixed_header: true,
        },
        opts,
    )
}

/// Data for templates (`load_data(path=...)`), like Zola: `.json` and `.toml` as their
/// value, CSV and spreadsheets as `{"headers": [...], "records": [[...], ...]}`, any
/// other file as its text. `rel` is relative to the site root and must stay inside it.
pub fn load_value(site_root: &Path, rel: &str) -> Result<Value, Diagnostic> {
    let source = relative_source(rel);
    let full = safe_join(site_root, rel, "")?;
    let ext = extension(&full);
    let first = |mut ds: Vec<Diagnostic>| {
        if ds.is_empty() {
            Diagnostic::error("không đọc được tệp").at(Location::file(&source))
        } else {
            ds.remove(0)
        }
    };
    match ext.as_str() {
        "csv" | "tsv" | "xlsx" | "xlsm" | "xls" | "ods" => {
            let table =
                load_table(site_root, Path::new(rel), &LoadOptions::default()).map_err(first)?;
            let headers: Vec<Value> = table
                .headers
                .iter()
                .map(|h| Value::String(h.raw.clone()))
                .collect();
            let records: Vec<Value> = table
                .rows
                .iter()
                .map(|r| {
                    Value::Array(
                        r.cells
                            .iter()
                            .map(|c| Value::String(c.value.clone()))
                            .collect(),
                    )
                })
                .collect();
            Ok(serde_json::json!({ "headers": headers, "records": records }))
        }
        "json" => {
            let bytes = read_file(&full, &source)?;
            let (text, _) = decode_text(&bytes, &source)?;
            serde_json::from_str(&text).map_err(|e| {
                Diagnostic::error(format!("tệp JSON không hợp lệ: {e}"))
                    .at(Location::at(&source, e.line(), e.column()))
                    .hint("kiểm tra dấu ngoặc, dấu phẩy và dấu ngoặc kép quanh chữ")
            })
        }
        "toml" => {
            let bytes = read_file(&full, &source)?;
            let (text, _) = decode_text(&bytes, &source)?;
            let v: toml::Value = toml::from_str(&text).map_err(|e| {
                let line = e.span().map(|s| line_of(&text, s.start));
                let loc =
                    line.map_or_else(|| Location::file(&source), |l| Location::line(&source, l));
                Diagnostic::error(format!("tệp TOML không hợp lệ: {}", e.message()))
                    .at(loc)
                    .hint("kiểm tra dấu ngoặc kép quanh chữ và dấu = giữa tên và giá trị")
            })?;
            Ok(toml_to_json(v))
        }
        _ => {
            let bytes = read_file(&full, &source)?;
            let (text, _) = decode_text(&bytes, &source)?;
            Ok(Value::String(text))
        }
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(crate::text::nfc(&s)),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::FieldSpec;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec::required("full_name", &["Họ và tên"]),
        FieldSpec::optional("amount", &["Số tiền"]),
    ];

    fn site(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (p, c) in files {
            let full = dir.path().join(p);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, c).unwrap();
        }
        dir
    }

    #[test]
    fn dispatch_csv_json_toml() {
        let dir = site(&[
            ("data/a.csv", "Họ và tên,Số tiền\nA,1\n".as_bytes()),
            ("data/b.TSV", "Họ và tên\tSố tiền\nA\t1\n".as_bytes()),
            ("data/c.json", r#"[{"Số tiền": 2, "Họ và tên": "Nguye\u0302\u0303n A"}, {"Họ và tên": "B", "ghi_chu": null, "x": true}]"#.as_bytes()),
            ("data/d.toml", "[[ho]]\n\"Số tiền\" = 3\n\"Họ và tên\" = \"C\"\n[[ho]]\n\"Họ và tên\" = \"D\"\nngay = 2026-06-10\n".as_bytes()),
        ]);
        let opts = LoadOptions::new(FIELDS);
        for f in ["data/a.csv", "data/b.TSV"] {
            let t = load_table(dir.path(), Path::new(f), &opts).unwrap();
            assert_eq!(t.text(&t.rows[0], "full_name"), "A", "{f}");
        }
        let t = load_table(dir.path(), Path::new("data/c.json"), &opts).unwrap();
        let raw: Vec<&str> = t.headers.iter().map(|h| h.raw.as_str()).collect();
        assert_eq!(
            raw,
            ["Số tiền", "Họ và tên", "ghi_chu", "x"],
            "key order kept"
        );
        assert_eq!(t.text(&t.rows[0], "full_name"), "Nguyễn A");
        assert_eq!(t.text(&t.rows[0], "amount"), "2");
        assert_eq!(t.text(&t.rows[1], "amount"), "");
        assert_eq!(t.text(&t.rows[1], "x"), "true");
        assert_eq!((t.rows[1].row, t.rows[1].cells[1].column), (2, 2));
        let t = load_table(dir.path(), Path::new("./data/../data/d.toml"), &opts).unwrap();
        assert_eq!(t.source, Path::new("data/d.toml"));
        let raw: Vec<&str> = t.headers.iter().map(|h| h.raw.as_str()).collect();
        assert_eq!(raw, ["Số tiền", "Họ và tên", "ngay"]);
        assert_eq!(t.text(&t.rows[1], "full_name"), "D");
        assert_eq!(t.text(&t.rows[1], "ngay"), "2026-06-10");
    }

    #[test]
    fn load_table_errors() {
        let dir = site(&[
            ("data/a.pdf", b"%PDF"),
            ("data/ho-ngheo.csv", b"x\n"),
            ("data/two.toml", b"[[a]]\nx=1\n[[b]]\ny=2\n"),
            ("data/obj.json", b"{\"a\": 1}"),
        ]);
        let opts = LoadOptions::new(FIELDS);
        let e = load_table(dir.path(), Path::new("data/a.pdf"), &opts).unwrap_err();
        assert!(e[0].message.contains(".pdf") && e[0].hint.as_deref().unwrap().contains(".xlsx"));
        let e = load_table(dir.path(), Path::new("data/ho-nghoe.csv"), &opts).unwrap_err();
        assert!(e[0].message.contains("không tìm thấy"));
        assert!(
            e[0].hint.as_deref().unwrap().contains("ho-ngheo.csv"),
            "{:?}",
            e[0].hint
        );
        let e = load_table(dir.path(), Path::new("../etc/passwd.csv"), &opts).unwrap_err();
        assert!(e[0].message.contains("nằm ngoài thư mục trang"));
        let e = load_table(dir.path(), Path::new("data/two.toml"), &opts).unwrap_err();
        assert!(e[0].message.contains("đúng một khóa"), "{}", e[0].message);
        let e = load_table(dir.path(), Path::new("data/obj.json"), &opts).unwrap_err();
        assert!(e[0].message.contains("mảng"), "{}", e[0].message);
        let e = load_table(dir.path(), Path::new("data/missing.xlsx"), &opts).unwrap_err();
        assert!(e[0].message.contains("không tìm thấy"), "{}", e[0].message);
    }

    #[test]
    fn load_value_shapes() {
        let dir = site(&[
            (
                "data/a.csv",
                "\u{feff}Tên;Tuổi\nAn;30\nBình;40\n".as_bytes(),
            ),
            ("data/b.json", br#"{"z": 1, "a": [1, 2]}"#),
            (
                "data/c.toml",
                b"title = \"x\"\n[nested]\nn = 1.5\nd = 2026-06-10\n",
            ),
            ("content/p.md", "# Tiêu đề\n".as_bytes()),
        ]);
        let v = load_value(dir.path(), "data/a.csv").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"headers": ["Tên", "Tuổi"], "records": [["An", "30"], ["Bình", "40"]]})
        );
        let v = load_value(dir.path(), "data/b.json").unwrap();
        assert_eq!(v["a"][1], 2);
        let v = load_value(dir.path(), "data/c.toml").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"title": "x", "nested": {"n": 1.5, "d": "2026-06-10"}})
        );
        let v = load_value(dir.path(), "content/p.md").unwrap();
        assert_eq!(v, Value::String("# Tiêu đề\n".into()));
        for bad in ["../../etc/passwd", "/etc/passwd", "data/../../x"] {
            let e = load_value(dir.path(), bad).unwrap_err();
            assert!(
                e.message.contains("nằm ngoài thư mục trang"),
                "{bad}: {}",
                e.message
            );
        }
        assert!(load_value(dir.path(), "data/nope.json").is_err());
    }
}
