//! Load: the `[[record.fields]]` declarations and the table they describe → typed rows,
//! every problem at its file, row and column (or front-matter field).

use std::collections::BTreeMap;

use super::check::{FieldType, TYPE_NAMES, Value, names_people, parse_type, parse_value};
use super::intern;
use crate::data::{FieldSpec, LoadOptions, Table, load_table};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::kinds::{KindContext, RecordInput, files};
use crate::privacy;
use crate::text::fold_words;

/// The keys a `[[record.fields]]` table may have.
const DECL_KEYS: &[&str] = &[
    "name",
    "title",
    "description",
    "type",
    "unit",
    "required",
    "personal",
];

/// One declared column.
#[derive(Debug, Clone)]
pub struct FieldDecl {
    /// The header in the file (`name`).
    pub name: String,
    /// The published title: `title`, else `name`.
    pub title: String,
    pub description: String,
    pub ty: FieldType,
    /// Unit ("hộ", "ha"); `đồng` for money unless given.
    pub unit: String,
    /// Every row must have a value.
    pub required: bool,
    /// The column names people: published under the beneficiary-list rules.
    pub personal: bool,
}

/// Where a declaration's key is, for messages: `record.fields[2].type`.
fn decl_loc(input: &RecordInput, i: usize, key: &str) -> Location {
    input.field_location(&format!("fields[{}].{key}", i + 1))
}

/// Every declared column, checked; `None` when any declaration is wrong.
pub fn declarations(input: &RecordInput, errors: &mut Diagnostics) -> Option<Vec<FieldDecl>> {
    let example = "[[record.fields]]\nname = \"Khu dân cư\"\ntype = \"text\"\ndescription = \"Tên khu dân cư được công nhận\"";
    let tables: Vec<&toml::Table> = match input.record.get("fields") {
        Some(toml::Value::Array(a)) if !a.is_empty() => {
            let t: Vec<&toml::Table> = a.iter().filter_map(toml::Value::as_table).collect();
            if t.len() != a.len() {
                errors.push(
                    Diagnostic::error("record.fields phải là các bảng [[record.fields]]")
                        .at(input.field_location("fields"))
                        .hint(format!("mỗi cột một bảng, ví dụ:\n{example}")),
                );
                return None;
            }
            t
        }
        _ => {
            errors.push(
                Diagnostic::error("bảng dữ liệu chưa khai báo cột nào ([[record.fields]])")
                    .at(input.field_location("fields"))
                    .hint(format!(
                        "khai báo mỗi cột của tệp (tên, kiểu, mô tả) bằng một bảng, ví dụ:\n{example}"
                    )),
            );
            return None;
        }
    };
    let before = errors.error_count();
    let mut out: Vec<FieldDecl> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, t) in tables.iter().enumerate() {
        let Some(d) = declaration(input, i, t, errors) else {
            continue;
        };
        for key in [fold_words(&d.name), fold_words(&d.title)] {
            if let Some(first) = seen.get(&key) {
                errors.push(
                    Diagnostic::error(format!(
                        "cột \u{201c}{}\u{201d} được khai báo hai lần (bảng [[record.fields]] thứ {} và thứ {})",
                        d.title,
                        first + 1,
                        i + 1
                    ))
                    .at(decl_loc(input, i, "name"))
                    .hint("mỗi cột chỉ khai báo một lần; xóa bảng thừa hoặc đổi tên cột"),
                );
                break;
            }
        }
        seen.entry(fold_words(&d.name)).or_insert(i);
        seen.entry(fold_words(&d.title)).or_insert(i);
        out.push(d);
    }
    (errors.error_count() == before).then_some(out)
}

fn declaration(
    input: &RecordInput,
    i: usize,
    t: &toml::Table,
    errors: &mut Diagnostics,
) -> Option<FieldDecl> {
    let before = errors.error_count();
    for key in t.keys().filter(|k| !DECL_KEYS.contains(&k.as_str())) {
        errors.push(
            Diagnostic::error(format!("khóa lạ \u{201c}{key}\u{201d} trong khai báo cột"))
                .at(decl_loc(input, i, key))
                .hint(format!("các khóa được dùng: {}", DECL_KEYS.join(", "))),
        );
    }
    let text = |key: &str, errors: &mut Diagnostics| -> String {
        match t.get(key) {
            None => String::new(),
            Some(toml::Value::String(s)) => s.trim().to_string(),
            Some(_) => {
                errors.push(
                    Diagnostic::error(format!("{key} của cột phải là chữ trong dấu ngoặc kép"))
                        .at(decl_loc(input, i, key)),
                );
                String::new()
            }
        }
    };
    let flag = |key: &str, errors: &mut Diagnostics| -> bool {
        match t.get(key) {
            None => false,
            Some(toml::Value::Boolean(b)) => *b,
            Some(_) => {
                errors.push(
                    Diagnostic::error(format!("{key} của cột phải là true hoặc false"))
                        .at(decl_loc(input, i, key)),
                );
                false
            }
        }
    };
    let name = text("name", errors);
    let title = text("title", errors);
    let description = text("description", errors);
    let ty_text = text("type", errors);
    let unit = text("unit", errors);
    let required = flag("required", errors);
    let personal = flag("personal", errors);
    let shown_name = if name.is_empty() {
        format!("thứ {}", i + 1)
    } else {
        format!("\u{201c}{name}\u{201d}")
    };
    if name.is_empty() {
        errors.push(
            Diagnostic::error(format!("cột {shown_name} chưa có tên (name)"))
                .at(decl_loc(input, i, "name"))
                .hint("ghi name = \"…\" đúng như tiêu đề cột trong tệp"),
        );
    }
    let title = if title.is_empty() {
        name.clone()
    } else {
        title
    };
    for (key, value) in [
        ("name", &name),
        ("title", &title),
        ("unit", &unit),
        ("description", &description),
    ] {
        if has_markup(value) {
            errors.push(
                Diagnostic::error(format!(
                    "{key} của cột {shown_name} chứa thẻ HTML hoặc mã (\u{201c}<\u{201d} liền chữ)"
                ))
                .at(decl_loc(input, i, key))
                .hint("tên và mô tả cột chỉ là chữ thường; xóa các ký tự < >"),
            );
        }
    }
    if description.is_empty() {
        errors.push(
            Diagnostic::error(format!("cột {shown_name} chưa có mô tả (description)"))
                .at(decl_loc(input, i, "description"))
                .hint("ghi một câu nói cột này chứa gì, ví dụ description = \"Tên khu dân cư được công nhận\"; mô tả được đăng cùng dữ liệu mở"),
        );
    }
    let ty = parse_type(&ty_text);
    if ty.is_none() {
        errors.push(
            Diagnostic::error(if ty_text.is_empty() {
                format!("cột {shown_name} chưa có kiểu (type)")
            } else {
                format!("kiểu \u{201c}{ty_text}\u{201d} của cột {shown_name} không rõ")
            })
            .at(decl_loc(input, i, "type"))
            .hint(format!("ghi type = một trong: {TYPE_NAMES}")),
        );
    }
    privacy_of_title(input, i, &name, &title, personal, errors);
    if errors.error_count() > before {
        return None;
    }
    let ty = ty?;
    let unit = if unit.is_empty() && ty == FieldType::Money {
        "đồng".to_string()
    } else {
        unit
    };
    Some(FieldDecl {
        name,
        title,
        description,
        ty,
        unit,
        required,
        personal,
    })
}

/// A title naming data the law never lets a ward publish is refused, `personal = true`
/// or not; a title naming people needs `personal = true`.
fn privacy_of_title(
    input: &RecordInput,
    i: usize,
    name: &str,
    title: &str,
    personal: bool,
    errors: &mut Diagnostics,
) {
    for t in [name, title] {
        if let Some(what) = privacy::forbidden_header(t) {
            errors.push(
                Diagnostic::error(format!(
                    "cột \u{201c}{t}\u{201d} chứa {what}: dữ liệu cá nhân không được công khai (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15), kể cả khi ghi personal = true"
                ))
                .at(decl_loc(input, i, "name"))
                .hint("xóa cột này khỏi tệp và khỏi [[record.fields]]; nếu tên cột chỉ trùng chữ, đặt tên khác cho rõ nghĩa"),
            );
            return;
        }
    }
    if !personal && (names_people(name) || names_people(title)) {
        errors.push(
            Diagnostic::error(format!(
                "cột \u{201c}{title}\u{201d} có vẻ ghi tên người: bảng ghi tên người chỉ được công khai khi luật yêu cầu và phải theo quy tắc của danh sách thụ hưởng"
            ))
            .at(decl_loc(input, i, "name"))
            .hint("nếu luật yêu cầu công khai tên, thêm personal = true vào khai báo cột này (trang khi đó không cho máy tìm kiếm lập chỉ mục, tên hiển thị theo [privacy] name_display, tệp không có trong danh mục dữ liệu mở); nếu không, xóa cột khỏi tệp"),
        );
    }
}

/// `<` directly followed by a letter, `/`, `!` or `?`: the start of a tag. `< 5 hộ` and
/// `<5` are plain text.
pub fn has_markup(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
}

/// The table's rows as typed values, one per declared column, in declared order.
pub struct Loaded {
    pub rows: Vec<Vec<Value>>,
}

/// Loads the `file` table and checks every cell against its column.
pub fn load_rows(
    input: &RecordInput,
    ctx: &KindContext,
    decls: &[FieldDecl],
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<Loaded> {
    let specs: Vec<FieldSpec> = decls
        .iter()
        .map(|d| FieldSpec::required(intern(&d.name), &[]))
        .collect();
    let rel = input.str_field("file").map_err(|d| errors.push(d)).ok()?;
    let path = files::resolve_path(input, ctx, rel);
    let table = match load_table(ctx.root, &path, &LoadOptions::new(&specs)) {
        Ok(t) => t,
        Err(ds) => {
            errors.extend(ds);
            return None;
        }
    };
    warnings.extend(table.warnings.iter().cloned());
    let before = errors.error_count();
    undeclared_columns(&table, errors);
    let cols: Vec<Option<usize>> = decls
        .iter()
        .map(|d| table.column(intern(&d.name)))
        .collect();
    for (d, c) in decls.iter().zip(&cols) {
        if c.is_none() {
            let found: Vec<&str> = table.headers.iter().map(|h| h.raw.as_str()).collect();
            errors.push(
                Diagnostic::error(format!(
                    "tệp không có cột \u{201c}{}\u{201d} đã khai báo",
                    d.name
                ))
                .at(Location::file(&table.source))
                .hint(format!(
                    "các cột trong tệp: {}; sửa name trong [[record.fields]] cho đúng tiêu đề cột",
                    found.join(", ")
                )),
            );
        }
    }
    if errors.error_count() > before {
        return None;
    }
    let allow = ctx.config.privacy_allow();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let mut values = Vec::with_capacity(decls.len());
        for (d, c) in decls.iter().zip(&cols) {
            let cell = c.and_then(|i| row.cells.get(i));
            let text = cell.map_or("", |c| c.value.trim());
            let at = cell.map_or_else(
                || Location::line(&table.source, row.row).with_field(d.name.clone()),
                |c| table.location(c),
            );
            values.push(cell_value(d, text, &at, &allow, errors));
        }
        rows.push(values);
    }
    (errors.error_count() == before).then_some(Loaded { rows })
}

/// One cell: empty (an error when the column is required), markup (refused), personal
/// data (refused), else its value by type.
fn cell_value(
    d: &FieldDecl,
    text: &str,
    at: &Location,
    allow: &[String],
    errors: &mut Diagnostics,
) -> Value {
    let empty = Value {
        published: String::new(),
        shown: String::new(),
    };
    if text.is_empty() {
        if d.required {
            errors.push(
                Diagnostic::error(format!("cột \u{201c}{}\u{201d} đang để trống", d.name))
                    .at(at.clone())
                    .hint("cột này được khai báo required = true: mỗi dòng phải có giá trị"),
            );
        }
        return empty;
    }
    if has_markup(text) {
        errors.push(
            Diagnostic::error("ô có thẻ HTML hoặc mã (\u{201c}<\u{201d} liền chữ)")
                .at(at.clone())
                .hint("ô dữ liệu chỉ là chữ thường; xóa các thẻ < >"),
        );
        return empty;
    }
    // Free text may hide a birth date; a typed cell is checked for identifiers only
    // (a "Ngày công nhận" before 2000 is not a birth date).
    let hits = if d.ty == FieldType::Text {
        privacy::scan_cell(text, allow, 2000)
    } else {
        privacy::scan_text(text, allow)
    };
    if !hits.is_empty() {
        for hit in hits {
            errors.push(
                Diagnostic::error(hit.message())
                    .at(at.clone())
                    .hint(privacy::Finding::HINT),
            );
        }
        return empty;
    }
    parse_value(d.ty, text, at).unwrap_or_else(|diag| {
        errors.push(diag);
        empty
    })
}

/// A column of the file that is not declared would be dropped silently: an error.
fn undeclared_columns(table: &Table, errors: &mut Diagnostics) {
    for h in table.headers.iter().filter(|h| h.field.is_none()) {
        if h.raw.trim().is_empty() {
            continue;
        }
        let what = privacy::forbidden_header(&h.raw)
            .map(|w| format!(" (cột này chứa {w}: dữ liệu cá nhân, không được công khai)"))
            .unwrap_or_default();
        errors.push(
            Diagnostic::error(format!("cột \u{201c}{}\u{201d} chưa được khai báo{what}", h.raw))
                .at(Location {
                    file: table.source.clone(),
                    line: None,
                    column: Some(h.column),
                    field: Some(h.raw.clone()),
                })
                .hint("khai báo cột trong một bảng [[record.fields]] (name, type, description) nếu cần công khai; nếu không, xóa cột khỏi tệp"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_a_tag_start_only() {
        for (s, want) in [
            ("<script>alert(1)</script>", true),
            ("a </b>", true),
            ("<!-- x -->", true),
            ("<img src=x>", true),
            ("< 5 hộ", false),
            ("<5 hộ", false),
            ("a<=b", false),
            ("Thôn 1", false),
        ] {
            assert_eq!(has_markup(s), want, "{s:?}");
        }
    }
}
