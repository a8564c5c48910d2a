//! Every data table a kind reads, with its fields: one list for `congkhai check
//! --explain FILE` and for the staff guide's generated list of accepted headers
//! (docs/bang-du-lieu.md).

use std::fmt::Write as _;
use std::path::Path;

use crate::data::{FieldSpec, LoadOptions, Table, column_letter, describe_csv, load_table};
use crate::diagnostics::display_path;

/// One kind of table: which record reads it, under which `[record]` key.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    /// The record kind (`beneficiary_list`).
    pub kind: &'static str,
    /// The `[record]` key naming the file (`list`).
    pub file_field: &'static str,
    /// What the table is, in Vietnamese.
    pub title: &'static str,
    pub fields: &'static [FieldSpec],
}

/// Every table kinds read, in the order the staff guide lists them.
pub const TABLES: &[TableSpec] = &[
    TableSpec {
        kind: "beneficiary_list",
        file_field: "list",
        title: "Danh sách người, hộ được hỗ trợ",
        fields: super::beneficiary_list::load::FIELDS,
    },
    TableSpec {
        kind: "donations",
        file_field: "resources",
        title: "Nguồn tiếp nhận (tiền, hiện vật ủng hộ)",
        fields: super::donations::load::RESOURCE_FIELDS,
    },
    TableSpec {
        kind: "donations",
        file_field: "given",
        title: "Phân bổ, trao tặng",
        fields: super::donations::load::GIVEN_FIELDS,
    },
    TableSpec {
        kind: "merger_plan",
        file_field: "groups",
        title: "Tổ dân phố, thôn hiện nay",
        fields: crate::residential::GROUP_FIELDS,
    },
    TableSpec {
        kind: "merger_plan",
        file_field: "plan",
        title: "Phương án sắp xếp tổ dân phố, thôn",
        fields: crate::residential::plan::PLAN_FIELDS,
    },
    TableSpec {
        kind: "consultation",
        file_field: "results",
        title: "Kết quả lấy ý kiến cử tri",
        fields: crate::residential::consultation::RESULT_FIELDS,
    },
    TableSpec {
        kind: "service_days",
        file_field: "sessions",
        title: "Lịch các buổi phục vụ (ngày thứ Bảy, lưu động)",
        fields: super::service_days::load::SESSION_FIELDS,
    },
    TableSpec {
        kind: "service_days",
        file_field: "catalogue",
        title: "Danh mục thủ tục hành chính",
        fields: super::service_days::load::CATALOGUE_FIELDS,
    },
    TableSpec {
        kind: "timeline",
        file_field: "tasks",
        title: "Tiến độ, phụ lục nhiệm vụ",
        fields: super::timeline::load::TASK_FIELDS,
    },
];

fn delimiter_name(d: u8) -> &'static str {
    match d {
        b';' => "\u{201c};\u{201d} (chấm phẩy, Excel tiếng Việt)",
        b',' => "\u{201c},\u{201d} (dấu phẩy)",
        b'\t' => "tab",
        b'|' => "\u{201c}|\u{201d} (gạch đứng)",
        _ => "?",
    }
}

/// The table spec whose fields match the most headers of the file, and the table read
/// with it (problems kept in its warnings).
fn best_table(
    root: &Path,
    rel: &Path,
) -> Result<(TableSpec, Table), Vec<crate::diagnostics::Diagnostic>> {
    let mut best: Option<(usize, TableSpec, Table)> = None;
    let mut last_err = Vec::new();
    for spec in TABLES {
        let mut opts = LoadOptions::new(spec.fields);
        opts.keep_on_error = true;
        match load_table(root, rel, &opts) {
            Ok(t) => {
                let matched = t.headers.iter().filter(|h| h.field.is_some()).count();
                if best.as_ref().is_none_or(|(m, _, _)| matched > *m) {
                    best = Some((matched, *spec, t));
                }
            }
            Err(e) => last_err = e,
        }
    }
    best.map(|(_, s, t)| (s, t)).ok_or(last_err)
}

/// A record page that names the file: how that page says to read it.
struct UsedBy {
    /// The page file, relative to the site root.
    page: std::path::PathBuf,
    spec: TableSpec,
    settings: super::files::TableSettings,
    /// `[record] private`: columns dropped when read.
    private: Vec<String>,
}

/// Every record page under `content/` whose `[record]` names `rel` as one of its
/// tables (resolved as the kinds resolve it), in file order; pages that do not parse are
/// skipped (the build reports them).
fn pages_using(root: &Path, rel: &Path) -> (Vec<UsedBy>, Vec<String>) {
    let mut used = Vec::new();
    let mut problems = Vec::new();
    let mut files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for full in files {
        let Ok(raw) = std::fs::read_to_string(&full) else {
            continue;
        };
        let Some((fm, body, _)) = crate::content::frontmatter::split(&raw) else {
            continue;
        };
        let Ok(table) = fm.parse::<toml::Table>() else {
            continue;
        };
        let (Some(kind), Some(toml::Value::Table(record))) = (
            table.get("kind").and_then(|k| k.as_str()),
            table.get("record"),
        ) else {
            continue;
        };
        let page = full.strip_prefix(root).unwrap_or(&full).to_path_buf();
        let bundle_dir = full
            .file_name()
            .is_some_and(|n| n == "index.md")
            .then(|| full.parent())
            .flatten();
        let input = super::RecordInput {
            file: &page,
            path: "",
            title: "",
            record,
            body,
            bundle_dir,
        };
        for spec in TABLES.iter().filter(|s| s.kind == kind) {
            let Some(named) = record.get(spec.file_field).and_then(|v| v.as_str()) else {
                continue;
            };
            if !same_file(&super::files::resolve_in(root, bundle_dir, named), rel) {
                continue;
            }
            match super::files::TableSettings::read(&input, spec.file_field, false) {
                Ok(settings) => used.push(UsedBy {
                    page: page.clone(),
                    spec: *spec,
                    settings,
                    private: record
                        .get("private")
                        .and_then(|v| v.as_array())
                        .map(|a| {
                            a.iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default(),
                }),
                Err(d) => problems.push(d.to_string()),
            }
        }
    }
    (used, problems)
}

/// Two site-relative paths name the same file (`./data/x.csv` = `data/x.csv`).
fn same_file(a: &Path, b: &Path) -> bool {
    let parts = |p: &Path| -> Vec<std::ffi::OsString> {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_os_string())
            .collect()
    };
    parts(a) == parts(b)
}

/// `congkhai check --explain FILE`: what congkhai sees in a data file, in Vietnamese.
/// When a record page names the file, its settings (`[record.columns]`, `delimiter`,
/// `private`) are applied, as the build applies them, and the page is named.
pub fn explain(root: &Path, rel: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Tệp: {}", display_path(rel));
    let (used, problems) = pages_using(root, rel);
    for p in &problems {
        let _ = writeln!(out, "Lỗi ở trang dùng tệp này: {p}");
    }
    if let Some(first) = used.first() {
        let _ = writeln!(
            out,
            "Đọc theo trang: {} (kiểu hồ sơ {}, [record] {})",
            display_path(&first.page),
            first.spec.kind,
            first.spec.file_field
        );
        for c in &first.settings.columns {
            let _ = writeln!(
                out,
                "  [record.columns] {} = \u{201c}{}\u{201d}",
                c.field, c.header
            );
        }
        if let Some(d) = first.settings.delimiter {
            let _ = writeln!(out, "  delimiter: {}", delimiter_name(d));
        }
        if !first.private.is_empty() {
            let _ = writeln!(
                out,
                "  private (bỏ khi đọc, không công khai): {}",
                first.private.join(", ")
            );
        }
        for other in &used[1..] {
            let _ = writeln!(
                out,
                "Trang khác cũng dùng tệp này: {} ([record] {})",
                display_path(&other.page),
                other.spec.file_field
            );
        }
    } else {
        let _ = writeln!(
            out,
            "Chưa có trang nào trong content/ khai báo tệp này trong [record]: đoán loại bảng theo tên cột"
        );
    }
    let first = used.first();
    let ext = rel
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(ext.as_str(), "csv" | "tsv" | "txt")
        && let Ok(full) = crate::data::safe_join(root, &rel.to_string_lossy(), "")
        && let Ok(bytes) = std::fs::read(&full)
    {
        let (encoding, delimiter) =
            describe_csv(&bytes, rel, first.and_then(|u| u.settings.delimiter));
        let _ = writeln!(out, "Bảng mã: {encoding}");
        if let Some(d) = delimiter {
            let _ = writeln!(out, "Dấu phân cách cột: {}", delimiter_name(d));
        }
    }
    let read = match first {
        Some(u) => {
            let mut opts = u
                .settings
                .apply(LoadOptions::new(u.spec.fields))
                .private_columns(&u.private);
            opts.keep_on_error = true;
            load_table(root, rel, &opts).map(|t| (u.spec, t))
        }
        None => best_table(root, rel),
    };
    let (spec, table) = match read {
        Ok(x) => x,
        Err(errors) => {
            let _ = writeln!(out, "Không đọc được bảng:");
            for e in errors {
                let _ = writeln!(out, "  {e}");
            }
            return out;
        }
    };
    if first.is_some() {
        let _ = writeln!(out, "Loại bảng: {}", spec.title);
    } else {
        let _ = writeln!(
            out,
            "Loại bảng (đoán theo tên cột): {} — kiểu hồ sơ {}, khai báo trong [record] {} = \"…\"",
            spec.title, spec.kind, spec.file_field
        );
    }
    if table.header_row > 0 {
        let _ = writeln!(out, "Dòng tiêu đề: dòng {}", table.header_row);
    }
    let _ = writeln!(out, "Các cột:");
    for h in &table.headers {
        let col = column_letter(h.column);
        match h.field {
            Some(f) => {
                let unit = h
                    .unit
                    .map_or(String::new(), |u| format!(", đơn vị {}", u.label()));
                let _ = writeln!(out, "  {col} \u{201c}{}\u{201d} → {f}{unit}", h.raw);
            }
            None => {
                let close = crate::data::closest_spellings(&h.raw, spec.fields);
                let guess = if close.is_empty() {
                    String::new()
                } else {
                    let names: Vec<String> = close
                        .iter()
                        .map(|(f, s)| format!("\u{201c}{s}\u{201d} ({f})"))
                        .collect();
                    format!("; có phải ý bạn là {}?", names.join(", "))
                };
                let _ = writeln!(
                    out,
                    "  {col} \u{201c}{}\u{201d} → không nhận ra (cột lạ){guess}",
                    h.raw
                );
            }
        }
    }
    let missing: Vec<&str> = spec
        .fields
        .iter()
        .filter(|f| f.required && !table.headers.iter().any(|h| h.field == Some(f.name)))
        .map(|f| f.name)
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(out, "Thiếu cột bắt buộc: {}", missing.join(", "));
    }
    let _ = writeln!(out, "Số dòng dữ liệu: {}", table.len());
    if table.totals.is_empty() {
        let _ = writeln!(out, "Dòng tổng: không có");
    } else {
        let _ = writeln!(out, "Dòng tổng (không đăng thành dòng):");
        for t in &table.totals {
            let scope = if t.grand {
                format!("cộng cả bảng, {} dòng", t.rows_totalled)
            } else {
                format!("cộng {} dòng phía trên", t.rows_totalled)
            };
            let verdict = if t.matches() {
                "khớp".to_string()
            } else {
                let wrong: Vec<String> = t
                    .checks
                    .iter()
                    .filter(|c| !c.matches())
                    .map(|c| {
                        format!(
                            "cột \u{201c}{}\u{201d} ghi {}, cộng được {}",
                            c.header,
                            crate::data::totals::show_number(c.stated),
                            crate::data::totals::show_number(c.computed.unwrap_or_default())
                        )
                    })
                    .collect();
                format!("KHÔNG khớp — {}", wrong.join("; "))
            };
            let _ = writeln!(
                out,
                "  dòng {} \u{201c}{}\u{201d} ({scope}): {verdict}",
                t.row, t.label
            );
        }
    }
    if !table.warnings.is_empty() {
        let _ = writeln!(out, "Lỗi và cảnh báo khi đọc:");
        for w in &table.warnings {
            let _ = writeln!(out, "  {w}");
        }
    }
    out
}

/// The accepted headers of every table, as docs/bang-du-lieu.md lists them.
pub fn header_reference() -> String {
    let mut out = String::new();
    for t in TABLES {
        let _ = writeln!(
            out,
            "\n### {}\n\nHồ sơ `kind = \"{}\"`, tệp khai báo ở `[record] {} = \"…\"`.\n\n| Trường | Bắt buộc | Tên cột được chấp nhận |\n|---|---|---|",
            t.title, t.kind, t.file_field
        );
        for f in t.fields {
            let names: Vec<&str> = f.aliases.to_vec();
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                f.name,
                if f.required { "có" } else { "không" },
                names.join("; ")
            );
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/bang-du-lieu.md lists every table's accepted headers as the code declares
    /// them; run with CONGKHAI_BLESS_DOCS=1 to rewrite the generated part.
    #[test]
    fn header_doc_lists_every_accepted_header() {
        const START: &str = "<!-- headers: generated by src/kinds/tables.rs -->\n";
        const END: &str = "<!-- end headers -->";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/bang-du-lieu.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let (a, b) = (
            doc.find(START).unwrap() + START.len(),
            doc.find(END).unwrap(),
        );
        let want = header_reference();
        if doc[a..b] != want {
            if std::env::var_os("CONGKHAI_BLESS_DOCS").is_some() {
                std::fs::write(path, format!("{}{want}{}", &doc[..a], &doc[b..])).unwrap();
            } else {
                panic!(
                    "docs/bang-du-lieu.md's header list is out of date: run CONGKHAI_BLESS_DOCS=1 cargo test --lib header_doc"
                );
            }
        }
    }

    #[test]
    fn every_table_spec_has_fields_and_unique_names() {
        for t in TABLES {
            assert!(!t.fields.is_empty(), "{}", t.title);
            let mut names: Vec<&str> = t.fields.iter().map(|f| f.name).collect();
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(n, names.len(), "{}", t.title);
        }
    }

    #[test]
    fn explain_describes_a_staff_export() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(
            dir.path().join("data/ds.csv"),
            "\u{feff}DANH SÁCH;;;;;\r\nSTT;Họ và tên;Tổ dân phố;Diện;Mức hỗ trợ (nghìn đồng);Ghi chú khác\r\n\
             1;A;Tổ 1;Hộ nghèo;1.500;x, y\r\n2;B;Tổ 1;Hộ nghèo;500;\r\n;Tổng cộng;;;2.500;\r\n",
        )
        .unwrap();
        let s = explain(dir.path(), Path::new("data/ds.csv"));
        for want in [
            "UTF-8 (có BOM)",
            "chấm phẩy",
            "Danh sách người, hộ được hỗ trợ",
            "Dòng tiêu đề: dòng 2",
            "E \u{201c}Mức hỗ trợ (nghìn đồng)\u{201d} → amount_vnd, đơn vị nghìn đồng",
            "F \u{201c}Ghi chú khác\u{201d} → không nhận ra",
            "Số dòng dữ liệu: 2",
            "dòng 5 \u{201c}Tổng cộng\u{201d} (cộng cả bảng, 2 dòng): KHÔNG khớp",
            "ghi 2.500, cộng được 2.000",
        ] {
            assert!(s.contains(want), "{want}\n{s}");
        }
    }
}
