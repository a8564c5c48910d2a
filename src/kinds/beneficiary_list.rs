//! Beneficiary lists (danh sách đối tượng thụ hưởng): who receives a programme's
//! support. The law requires the list to be public (Law 10/2022/QH15 Art. 11); the Law on
//! Personal Data Protection 91/2025/QH15 forbids publishing more than needed. So:
//! only whitelisted columns ([`FIELDS`]) are published; columns declared `private` are
//! dropped by the loader; columns that name identifiers or sensitive data can never be
//! published; every cell is scanned for ID/phone numbers, e-mails and birth dates.
//!
//! Output: the list page (totals by group and category, links), one page per group
//! (paginated when long), an A4 print view of the list and of each group page (QR code,
//! SHA-256 of the published CSV), CSV and JSON downloads. Lists are `noindex`.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::programme::{self, ProgrammeInfo};
use super::{Download, KindContext, RecordInput, RecordKind, RecordOutput, SubPage};
use crate::data::{FieldSpec, LoadOptions, Table, load_table, parse_date, parse_int, parse_vnd};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format;
use crate::privacy::{self, NameDisplay};
use crate::text::{fold_words, name_key, slugify};

pub struct BeneficiaryList;

/// Published columns, in display order. Anything else must be declared `private`.
pub const FIELDS: &[FieldSpec] = &[
    FieldSpec::optional("no", &["stt", "số tt", "số thứ tự", "tt"]),
    FieldSpec::required(
        "full_name",
        &[
            "họ và tên",
            "họ tên",
            "họ tên chủ hộ",
            "họ và tên chủ hộ",
            "tên chủ hộ",
            "chủ hộ",
            "người thụ hưởng",
            "đối tượng thụ hưởng",
        ],
    ),
    FieldSpec::required(
        "group",
        &["tổ dân phố", "tdp", "tổ", "thôn", "tổ dân phố/thôn"],
    ),
    FieldSpec::required(
        "category",
        &["diện", "đối tượng", "phân loại", "loại hộ", "diện hộ"],
    ),
    FieldSpec::optional(
        "support",
        &["nội dung hỗ trợ", "hình thức hỗ trợ", "chế độ hỗ trợ"],
    ),
    FieldSpec::optional(
        "amount_vnd",
        &[
            "số tiền",
            "mức hỗ trợ",
            "thành tiền",
            "số tiền (đồng)",
            "mức hỗ trợ (đồng)",
            "số tiền hỗ trợ",
        ],
    ),
    FieldSpec::optional("from", &["từ ngày", "từ", "thời gian bắt đầu"]),
    FieldSpec::optional("to", &["đến ngày", "đến", "thời gian kết thúc"]),
    FieldSpec::optional("note", &["ghi chú", "lý do"]),
];

/// Column headings shown on pages and print views, by field.
const HEADINGS: &[(&str, &str)] = &[
    ("no", "STT"),
    ("full_name", "Họ và tên"),
    ("group", "Tổ dân phố"),
    ("category", "Diện"),
    ("support", "Nội dung hỗ trợ"),
    ("amount_vnd", "Số tiền"),
    ("from", "Từ ngày"),
    ("to", "Đến ngày"),
    ("note", "Ghi chú"),
];

/// Rows per page (screen and print). A row is ~200 bytes of HTML, so a page stays far
/// below the 150 KB ceiling.
pub const ROWS_PER_PAGE: usize = 400;
/// A list up to this many rows is also shown in full on its own page.
pub const INLINE_ROWS: usize = 100;
/// Dates in a person's row before this year are taken as birth dates.
const BIRTH_YEAR_BEFORE: i32 = 2000;

/// Default groups file of the ward.
pub const DEFAULT_GROUPS: &str = "data/ho-tro/to-dan-pho.csv";

const GROUP_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("name", &["tên tổ dân phố", "tổ dân phố", "tên tổ", "tên"]),
    FieldSpec::optional("code", &["mã", "mã tổ"]),
];

/// The ward's residential groups, matched loosely ("TDP 1" = "Tổ dân phố số 1").
#[derive(Debug, Clone, Default)]
pub struct Groups {
    /// Canonical names in file order.
    pub names: Vec<String>,
    keys: HashMap<String, usize>,
}

/// Matching key of a group name: folded words without "tổ dân phố"/"TDP"/"tổ"/"số".
pub fn group_key(s: &str) -> String {
    let f = fold_words(s);
    let mut words: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
    loop {
        match words.as_slice() {
            ["to", "dan", "pho", ..] => words.drain(..3),
            ["tdp" | "to" | "so" | "thon" | "khu" | "pho", _, ..] => words.drain(..1),
            _ => break,
        };
    }
    words
        .iter()
        .map(|w| w.trim_start_matches('0').to_string())
        .map(|w| if w.is_empty() { "0".to_string() } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Groups {
    pub fn from_names(names: Vec<String>) -> Groups {
        let keys = names
            .iter()
            .enumerate()
            .map(|(i, n)| (group_key(n), i))
            .collect();
        Groups { names, keys }
    }

    pub fn find(&self, text: &str) -> Option<&str> {
        self.keys
            .get(&group_key(text))
            .map(|&i| self.names[i].as_str())
    }

    pub fn load(root: &Path, rel: &str) -> Result<Groups, Vec<Diagnostic>> {
        let t = load_table(root, Path::new(rel), &LoadOptions::new(GROUP_FIELDS))?;
        let names: Vec<String> = t
            .rows
            .iter()
            .map(|r| t.text(r, "name").trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if names.is_empty() {
            return Err(vec![
                Diagnostic::error("danh sách tổ dân phố đang trống")
                    .at(Location::file(rel))
                    .hint("mỗi dòng một tổ dân phố, cột \u{201c}Tên tổ dân phố\u{201d}"),
            ]);
        }
        Ok(Groups::from_names(names))
    }
}

/// One validated, publishable row.
#[derive(Debug, Clone)]
pub struct Entry {
    pub no: u64,
    pub name: String,
    pub group: String,
    pub category: String,
    pub support: String,
    pub amount: Option<u64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub note: String,
}

/// Check every header: forbidden ones cannot be published, unknown ones must be
/// declared private. Returns the published fields present, in [`FIELDS`] order.
pub fn check_columns(table: &Table, errors: &mut Diagnostics) -> Vec<&'static str> {
    for h in &table.headers {
        let loc = Location {
            file: table.source.clone(),
            line: None,
            column: Some(h.column),
            field: Some(format!("cột {}", crate::data::column_letter(h.column))),
        };
        if let Some(what) = privacy::forbidden_header(&h.raw) {
            errors.push(
                Diagnostic::error(format!(
                    "cột \u{201c}{}\u{201d} chứa {what} — dữ liệu cá nhân không được công khai",
                    h.raw
                ))
                .at(loc)
                .hint(format!(
                    "xóa cột này khỏi tệp, hoặc khai báo nó là riêng tư trong bảng [record]: private = [\"{}\"] (cột sẽ bị bỏ khi đọc, không bao giờ xuất ra trang)",
                    h.raw
                )),
            );
        } else if h.field.is_none() {
            errors.push(
                Diagnostic::error(format!(
                    "cột lạ \u{201c}{}\u{201d}: chỉ các cột trong danh mục được phép mới được công khai",
                    h.raw
                ))
                .at(loc)
                .hint(format!(
                    "các cột được công khai: {}; nếu cột này cần giữ trong tệp nhưng không công khai, thêm private = [\"{}\"] vào bảng [record]",
                    HEADINGS.iter().map(|(_, h)| *h).collect::<Vec<_>>().join(", "),
                    h.raw
                )),
            );
        }
    }
    FIELDS
        .iter()
        .map(|f| f.name)
        .filter(|f| table.headers.iter().any(|h| h.field == Some(*f)))
        .collect()
}

fn parse_period(text: &str, at: impl crate::data::Locate) -> Result<NaiveDate, Diagnostic> {
    // "07/2026" or "tháng 7/2026" → first day of the month.
    let t = fold_words(text);
    let t = t.trim_start_matches("thang ").replace(' ', "/");
    if let Some((m, y)) = t.split_once('/')
        && !y.contains('/')
        && let (Ok(m), Ok(y)) = (m.parse::<u32>(), y.parse::<i32>())
        && let Some(d) = NaiveDate::from_ymd_opt(y, m, 1)
    {
        return Ok(d);
    }
    parse_date(text, at)
}

/// Distinct values of one column, each mapped through `f` once. Groups, categories,
/// amounts and dates repeat across a list's rows, so a 100,000-row list resolves a
/// few dozen values instead of 100,000.
fn memo<'t, T: Send>(
    table: &'t Table,
    column: Option<usize>,
    f: impl Fn(&'t str) -> T + Sync,
) -> HashMap<&'t str, T> {
    let Some(i) = column else {
        return HashMap::new();
    };
    let distinct: std::collections::HashSet<&str> = table
        .rows
        .par_iter()
        .fold(std::collections::HashSet::new, |mut set, r| {
            if let Some(c) = r.cells.get(i) {
                set.insert(c.value.as_str());
            }
            set
        })
        .reduce(std::collections::HashSet::new, |mut a, b| {
            a.extend(b);
            a
        });
    let mut distinct: Vec<&str> = distinct.into_iter().collect();
    distinct.sort_unstable();
    distinct.into_par_iter().map(|v| (v, f(v))).collect()
}

/// Validate rows into entries. All problems go to `errors`.
pub fn read_entries(
    table: &Table,
    programme: &ProgrammeInfo,
    groups: &Groups,
    allow: &[String],
    errors: &mut Diagnostics,
) -> Vec<Entry> {
    let t0 = std::time::Instant::now();
    const SCANNED: [&str; 9] = [
        "full_name",
        "group",
        "category",
        "support",
        "note",
        "no",
        "from",
        "to",
        "amount_vnd",
    ];
    // Column index of each published field, looked up once rather than per cell.
    let columns: Vec<(&str, Option<usize>)> =
        SCANNED.iter().map(|f| (*f, table.column(f))).collect();
    let column = |f: &str| columns.iter().find(|(k, _)| *k == f).and_then(|(_, c)| *c);
    let group_of = memo(table, column("group"), |v| {
        groups.find(v).map(str::to_string)
    });
    let category_of = memo(table, column("category"), |v| {
        programme.category(v).map(str::to_string)
    });
    // A value that does not parse is parsed again in its cell, for the located message.
    let nowhere = Location::file(&table.source);
    let date_of = |v: &str| parse_period(v, &nowhere).ok();
    let from_of = memo(table, column("from"), date_of);
    let to_of = memo(table, column("to"), date_of);
    let repeated_clean = |c: Option<usize>| {
        memo(table, c, |v| {
            privacy::scan_cell(v, allow, BIRTH_YEAR_BEFORE).is_empty()
        })
    };
    // Columns whose values repeat; names, notes and numbers are scanned cell by cell.
    let clean_by_column: Vec<(Option<usize>, HashMap<&str, bool>)> =
        ["group", "category", "support", "from", "to", "amount_vnd"]
            .iter()
            .map(|f| (column(f), repeated_clean(column(f))))
            .collect();
    crate::site::phase("beneficiary list: memos", t0);
    // Each row is checked on its own, in parallel (a list can have 100,000 rows); then
    // duplicates are found in one pass in row order, so messages keep the file's order.
    let checked: Vec<(Entry, String, Diagnostics)> = table
        .rows
        .par_iter()
        .enumerate()
        .map(|(i, row)| {
            let mut row_errors = Diagnostics::new();
            let errors = &mut row_errors;
        let cell = |f: &str| column(f).and_then(|i| row.cells.get(i));
        let text = |f: &str| cell(f).map_or("", |c| c.value.as_str()).trim().to_string();
        // Scan every published cell.
        for f in SCANNED {
            if let Some(c) = cell(f) {
                let known_clean = clean_by_column
                    .iter()
                    .find(|(col, _)| *col == column(f))
                    .and_then(|(_, m)| m.get(c.value.as_str()))
                    .copied()
                    .unwrap_or(false);
                if known_clean {
                    continue;
                }
                for hit in privacy::scan_cell(&c.value, allow, BIRTH_YEAR_BEFORE) {
                    errors.push(
                        Diagnostic::error(hit.message())
                            .at(table.location(c))
                            .hint(privacy::Finding::HINT),
                    );
                }
            }
        }
        let no = match cell("no") {
            Some(c) if !c.value.trim().is_empty() => match parse_int(&c.value, (table, c)) {
                Ok(n) => n,
                Err(d) => {
                    errors.push(d);
                    0
                }
            },
            _ => (i + 1) as u64,
        };
        let name = text("full_name");
        if name.is_empty()
            && let Some(c) = cell("full_name")
        {
            errors.push(
                Diagnostic::error("thiếu họ và tên")
                    .at(table.location(c))
                    .hint("ghi họ tên người thụ hưởng hoặc chủ hộ, hoặc xóa dòng trống"),
            );
        }
        let group = match cell("group") {
            Some(c) => match group_of.get(c.value.as_str()).cloned().flatten() {
                Some(g) => g,
                None => {
                    errors.push(
                        Diagnostic::error(format!(
                            "tổ dân phố \u{201c}{}\u{201d} không có trong danh sách tổ dân phố của phường",
                            c.value.trim()
                        ))
                        .at(table.location(c))
                        .hint(match crate::text::did_you_mean(&c.value, groups.names.iter().map(String::as_str)) {
                            Some(s) => format!("có phải ý bạn là \u{201c}{s}\u{201d}?"),
                            None => format!("các tổ dân phố: {}", groups.names.join(", ")),
                        }),
                    );
                    String::new()
                }
            },
            None => String::new(),
        };
        let category = match cell("category") {
            Some(c) => match category_of.get(c.value.as_str()).cloned().flatten() {
                Some(k) => k,
                None => {
                    errors.push(
                        Diagnostic::error(format!(
                            "diện \u{201c}{}\u{201d} không thuộc chương trình \u{201c}{}\u{201d}",
                            c.value.trim(),
                            programme.title
                        ))
                        .at(table.location(c))
                        .hint(format!(
                            "các diện của chương trình: {} (khai báo trong record.categories của {})",
                            programme.categories.join(", "),
                            crate::diagnostics::display_path(&programme.file)
                        )),
                    );
                    String::new()
                }
            },
            None => String::new(),
        };
        let amount = match cell("amount_vnd") {
            Some(c) if !c.value.trim().is_empty() => match parse_vnd(&c.value, (table, c)) {
                Ok(v) => Some(v),
                Err(d) => {
                    errors.push(d);
                    None
                }
            },
            _ => None,
        };
        let date = |f: &str, known: &HashMap<&str, Option<NaiveDate>>, errors: &mut Diagnostics| match cell(f) {
            Some(c) if !c.value.trim().is_empty() => match known.get(c.value.as_str()) {
                Some(Some(d)) => Some(*d),
                _ => match parse_period(&c.value, (table, c)) {
                    Ok(d) => Some(d),
                    Err(d) => {
                        errors.push(d);
                        None
                    }
                },
            },
            _ => None,
        };
        let from = date("from", &from_of, errors);
        let to = date("to", &to_of, errors);
        if let (Some(a), Some(b), Some(c)) = (from, to, cell("to"))
            && b < a
        {
            errors.push(
                Diagnostic::error(format!(
                    "ngày kết thúc {} trước ngày bắt đầu {}",
                    format::date_short(b),
                    format::date_short(a)
                ))
                .at(table.location(c))
                .hint("kiểm tra lại hai cột Từ ngày, Đến ngày"),
            );
        }
        let note = text("note");
            let key = if name.is_empty() { String::new() } else { name_key(&name) };
            let entry = Entry {
                no,
                name,
                group,
                category,
                support: text("support"),
                amount,
                from,
                to,
                note,
            };
            (entry, key, row_errors)
        })
        .collect();
    crate::site::phase("beneficiary list: rows checked", t0);
    let mut out = Vec::with_capacity(checked.len());
    let mut seen: HashMap<(String, String), (usize, bool)> = HashMap::new();
    for ((entry, key, row_errors), row) in checked.into_iter().zip(&table.rows) {
        errors.extend(row_errors);
        let (name, group, note) = (&entry.name, &entry.group, &entry.note);
        // Same person twice in the same group: an error unless both rows say why.
        if !name.is_empty() && !group.is_empty() {
            let key = (key, group.clone());
            match seen.get(&key) {
                Some(&(first_row, first_has_note)) => {
                    if !first_has_note || note.is_empty() {
                        let c = table.get(row, "full_name");
                        let loc = c.map_or_else(
                            || Location::line(&table.source, row.row),
                            |c| table.location(c),
                        );
                        errors.push(
                            Diagnostic::error(format!(
                                "\u{201c}{name}\u{201d} ({group}) có hai lần trong danh sách: dòng {first_row} và dòng {}",
                                row.row
                            ))
                            .at(loc)
                            .hint("xóa dòng trùng; nếu đúng là hai lần hỗ trợ, ghi lý do vào cột Ghi chú của cả hai dòng"),
                        );
                    }
                }
                None => {
                    seen.insert(key, (row.row, !note.is_empty()));
                }
            }
        }
        out.push(entry);
    }
    out
}

/// Published value of one field of an entry, as text for CSV.
fn csv_value(e: &Entry, field: &str, names: NameDisplay) -> String {
    match field {
        "no" => e.no.to_string(),
        "full_name" => names.apply(&e.name),
        "group" => e.group.clone(),
        "category" => e.category.clone(),
        "support" => e.support.clone(),
        "amount_vnd" => e.amount.map(|a| a.to_string()).unwrap_or_default(),
        "from" => e.from.map(|d| d.to_string()).unwrap_or_default(),
        "to" => e.to.map(|d| d.to_string()).unwrap_or_default(),
        "note" => e.note.clone(),
        _ => String::new(),
    }
}

fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV (UTF-8 with BOM so Excel reads the diacritics) and JSON of the published columns.
/// JSON objects list their keys in alphabetical order, so the bytes never depend on the
/// order of the columns in the source file.
pub fn downloads(entries: &[Entry], fields: &[&str], names: NameDisplay) -> (Vec<u8>, Vec<u8>) {
    let mut json_fields: Vec<(usize, &str)> = fields.iter().copied().enumerate().collect();
    json_fields.sort_by_key(|(_, f)| *f);
    // Blocks of rows are written in parallel and joined in order.
    let parts: Vec<(Vec<u8>, Vec<u8>)> = entries
        .par_chunks(4096)
        .map(|block| {
            let mut csv = Vec::with_capacity(block.len() * 96);
            let mut json = Vec::with_capacity(block.len() * 200);
            for e in block {
                let vals: Vec<String> = fields.iter().map(|f| csv_value(e, f, names)).collect();
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        csv.push(b',');
                    }
                    csv.extend_from_slice(csv_escape(v).as_bytes());
                }
                csv.extend_from_slice(b"\r\n");
                json.extend_from_slice(b",\n{");
                for (k, (i, f)) in json_fields.iter().enumerate() {
                    if k > 0 {
                        json.push(b',');
                    }
                    json_string(&mut json, f);
                    json.push(b':');
                    match *f {
                        "no" => json.extend_from_slice(e.no.to_string().as_bytes()),
                        "amount_vnd" => match e.amount {
                            Some(a) => json.extend_from_slice(a.to_string().as_bytes()),
                            None => json.extend_from_slice(b"null"),
                        },
                        "from" | "to" if vals[*i].is_empty() => json.extend_from_slice(b"null"),
                        _ => json_string(&mut json, &vals[*i]),
                    }
                }
                json.push(b'}');
            }
            (csv, json)
        })
        .collect();
    let mut csv = Vec::with_capacity(parts.iter().map(|p| p.0.len()).sum::<usize>() + 64);
    csv.extend_from_slice("\u{feff}".as_bytes());
    csv.extend_from_slice(fields.join(",").as_bytes());
    csv.extend_from_slice(b"\r\n");
    let mut json = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum::<usize>() + 8);
    json.extend_from_slice(b"[\n");
    for (c, j) in &parts {
        csv.extend_from_slice(c);
        json.extend_from_slice(j);
    }
    // Every object was written after ",\n"; the first needs none.
    if json.len() > 2 {
        json.drain(2..4);
    }
    json.extend_from_slice(b"\n]\n");
    (csv, json)
}

/// Append `s` as a JSON string literal (serde_json's escaping).
fn json_string(out: &mut Vec<u8>, s: &str) {
    if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

/// The `<tr>` rows of a list table, one per entry, in the columns `fields`.
///
/// Rendered here rather than in a template: a 100,000-row list is 200,000 rows across
/// its screen and print pages, and a Tera loop costs several microseconds a row and a
/// JSON object per row kept until rendering. The markup is fixed (the name cell is the
/// row header, number cells are right-aligned); the table around it, its caption and
/// its headings stay in `kinds/beneficiary_list_table.html`.
pub fn rows_html<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    fields: &[&str],
    names: NameDisplay,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for e in entries {
        out.push_str("<tr>");
        for f in fields {
            match *f {
                "no" => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", e.no);
                }
                "full_name" => {
                    out.push_str("<th scope=\"row\">");
                    push_escaped(&mut out, &names.apply(&e.name));
                    out.push_str("</th>");
                }
                "amount_vnd" => {
                    out.push_str("<td class=\"num\">");
                    if let Some(a) = e.amount {
                        out.push_str(&format::vnd(a as i64));
                    }
                    out.push_str("</td>");
                }
                "from" | "to" => {
                    out.push_str("<td>");
                    let d = if *f == "from" { e.from } else { e.to };
                    if let Some(d) = d {
                        out.push_str(&format::date_short(d));
                    }
                    out.push_str("</td>");
                }
                other => {
                    out.push_str("<td>");
                    push_escaped(
                        &mut out,
                        match other {
                            "group" => &e.group,
                            "category" => &e.category,
                            "support" => &e.support,
                            _ => &e.note,
                        },
                    );
                    out.push_str("</td>");
                }
            }
        }
        out.push_str("</tr>");
    }
    out
}

/// Append `s` escaped for HTML text, as Tera's autoescape does.
fn push_escaped(out: &mut String, s: &str) {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        out.push_str(s);
    } else {
        out.push_str(&crate::text::escape_html(s));
    }
}

#[derive(Default, Clone)]
struct Tally {
    count: u64,
    amount: u64,
}

impl Tally {
    fn add(&mut self, e: &Entry) {
        self.count += 1;
        self.amount += e.amount.unwrap_or(0);
    }
}

/// Position of an entry's category in the programme's declared order (totals by category
/// follow it).
fn category_index(programme: &ProgrammeInfo, e: &Entry) -> usize {
    programme
        .categories
        .iter()
        .position(|c| *c == e.category)
        .unwrap_or(0)
}

fn tally_value(label: &str, t: &Tally, url: Option<String>) -> Value {
    json!({
        "label": label,
        "count": t.count,
        "count_text": format::number(t.count as i64),
        "amount": t.amount,
        "amount_text": format::vnd(t.amount as i64),
        "url": url,
    })
}

fn record_f64(v: Option<&toml::Value>) -> Option<i64> {
    match v? {
        toml::Value::Integer(i) => Some(*i),
        _ => None,
    }
}

impl RecordKind for BeneficiaryList {
    fn name(&self) -> &'static str {
        "beneficiary_list"
    }

    fn label(&self) -> &'static str {
        "Danh sách thụ hưởng"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let programme_ref = input.str_field("programme").map_err(Diagnostics::from)?;
        let list = input.str_field("list").map_err(Diagnostics::from)?;
        let programme =
            programme::resolve(ctx.pages, programme_ref, input.field_location("programme"))
                .map_err(Diagnostics::from)?;
        let private: Vec<String> = match input.record.get("private") {
            None => Vec::new(),
            Some(toml::Value::Array(a)) if a.iter().all(|v| v.is_str()) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(_) => {
                return Err(
                    Diagnostic::error("record.private phải là danh sách tên cột")
                        .at(input.field_location("private"))
                        .hint("ví dụ private = [\"Số CCCD\", \"Điện thoại\"]")
                        .into(),
                );
            }
        };
        let names = match input.opt_str("name_display") {
            Some(n) => match NameDisplay::parse(n) {
                Some(d) => d,
                None => {
                    return Err(Diagnostic::error(format!(
                        "cách hiển thị tên không hợp lệ: \u{201c}{n}\u{201d}"
                    ))
                    .at(input.field_location("name_display"))
                    .hint("dùng \"full\" (họ tên đầy đủ) hoặc \"initials\" (viết tắt N. V. A.)")
                    .into());
                }
            },
            None => programme
                .name_display
                .or_else(|| {
                    ctx.config
                        .privacy
                        .name_display
                        .as_deref()
                        .and_then(NameDisplay::parse)
                })
                .unwrap_or(NameDisplay::Full),
        };
        let groups_file = input.opt_str("groups").unwrap_or(DEFAULT_GROUPS);
        let groups = Groups::load(ctx.root, groups_file).map_err(Diagnostics::from_vec)?;
        let opts = LoadOptions::new(FIELDS)
            .sheet(input.opt_str("sheet"))
            .private_columns(&private);
        let t = std::time::Instant::now();
        let table = load_table(ctx.root, Path::new(list), &opts).map_err(Diagnostics::from_vec)?;
        crate::site::phase("beneficiary list: load table", t);
        let mut warnings = Diagnostics::new();
        warnings.extend(table.warnings.iter().cloned());
        let fields = check_columns(&table, &mut errors);
        if table.is_empty() {
            errors.push(
                Diagnostic::error(format!(
                    "danh sách \u{201c}{}\u{201d} không có dòng nào",
                    list
                ))
                .at(Location::file(&table.source))
                .hint(
                    "điền danh sách dưới dòng tiêu đề, hoặc bỏ trang này cho tới khi có danh sách",
                ),
            );
        }
        programme::scan_record(input, ctx, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
        let t = std::time::Instant::now();
        let entries = read_entries(
            &table,
            &programme,
            &groups,
            &ctx.config.privacy_allow(),
            &mut errors,
        );
        drop(table);
        crate::site::phase("beneficiary list: check rows", t);
        let total: u64 = entries.iter().filter_map(|e| e.amount).sum();
        if let Some(declared) = record_f64(input.record.get("declared_total_vnd")).or_else(|| {
            input.opt_str("declared_total_vnd").and_then(|s| {
                parse_vnd(s, input.field_location("declared_total_vnd"))
                    .ok()
                    .map(|v| v as i64)
            })
        }) && declared != total as i64
        {
            errors.push(
                Diagnostic::error(format!(
                    "tổng số tiền của danh sách là {}, khác tổng đã khai báo {}",
                    format::vnd(total as i64),
                    format::vnd(declared)
                ))
                .at(input.field_location("declared_total_vnd"))
                .hint("kiểm tra lại các dòng của danh sách, hoặc sửa declared_total_vnd cho đúng quyết định phê duyệt"),
            );
        }
        if errors.has_errors() {
            return Err(errors);
        }
        let t = std::time::Instant::now();
        let out = assemble(
            input, ctx, &programme, &entries, &fields, names, &groups, warnings,
        );
        crate::site::phase("beneficiary list: pages and downloads", t);
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    input: &RecordInput,
    ctx: &KindContext,
    programme: &ProgrammeInfo,
    entries: &[Entry],
    fields: &[&'static str],
    names: NameDisplay,
    groups: &Groups,
    warnings: Diagnostics,
) -> RecordOutput {
    let cfg = ctx.config;
    let base = input.path.trim_end_matches('/').to_string();
    let t = std::time::Instant::now();
    let (csv, json_bytes) = downloads(entries, fields, names);
    // The same hash the manifest records for danh-sach.csv; printed on the posted sheet.
    let sha = crate::site::model::sha256_hex(&csv);
    crate::site::phase("beneficiary list: downloads", t);
    let columns: Vec<Value> = fields
        .iter()
        .map(|f| {
            let h = HEADINGS
                .iter()
                .find(|(k, _)| k == f)
                .map_or(*f, |(_, h)| *h);
            json!({"field": f, "heading": h})
        })
        .collect();
    let group_fields: Vec<&str> = fields.iter().copied().filter(|f| *f != "group").collect();
    let group_columns: Vec<Value> = columns
        .iter()
        .filter(|c| c["field"] != "group")
        .cloned()
        .collect();
    let has_amount = fields.contains(&"amount_vnd");

    // Totals.
    let mut by_group: BTreeMap<usize, (Tally, Vec<&Entry>)> = BTreeMap::new();
    let mut by_cat: BTreeMap<usize, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for e in entries {
        let gi = groups.names.iter().position(|g| *g == e.group).unwrap_or(0);
        let g = by_group.entry(gi).or_default();
        g.0.add(e);
        g.1.push(e);
        by_cat
            .entry(category_index(programme, e))
            .or_default()
            .add(e);
        all.add(e);
    }
    let common = json!({
        "programme": {
            "title": programme.title,
            "path": programme.path,
            "url": cfg.permalink(&programme.path),
            "legal_basis": programme.legal_basis,
        },
        "title": input.title,
        "list_url": cfg.permalink(&format!("{base}/")),
        "sha256": sha,
        "has_amount": has_amount,
        "names_abbreviated": names == NameDisplay::Initials,
        "total": tally_value("Tổng cộng", &all, None),
    });
    // Each group's pages are built on their own, in parallel, and kept in group order.
    let by_group: Vec<(&usize, &(Tally, Vec<&Entry>))> = by_group.iter().collect();
    let per_group: Vec<(Value, Vec<SubPage>)> = by_group
        .par_iter()
        .map(|&(gi, (tally, rows))| {
            let mut subpages = Vec::new();
            let gname = &groups.names[*gi];
            let gslug = slugify(gname);
            let gpath = format!("{base}/{gslug}/");
            let group_value = tally_value(gname, tally, Some(gpath.clone()));
            let mut cats: BTreeMap<usize, Tally> = BTreeMap::new();
            for e in rows {
                cats.entry(category_index(programme, e)).or_default().add(e);
            }
            let cat_values: Vec<Value> = cats
                .iter()
                .map(|(ci, t)| tally_value(&programme.categories[*ci], t, None))
                .collect();
            let chunks: Vec<&[&Entry]> = rows.chunks(ROWS_PER_PAGE).collect();
            let n = chunks.len();
            let page_path = |k: usize| {
                if k == 0 {
                    gpath.clone()
                } else {
                    format!("{gpath}trang-{}/", k + 1)
                }
            };
            let pages: Vec<Value> = (0..n)
                .map(|k| json!({"number": k + 1, "path": page_path(k)}))
                .collect();
            for (k, chunk) in chunks.iter().enumerate() {
                let path = page_path(k);
                let print_path = format!("{path}in/");
                let rows = rows_html(chunk.iter().copied(), &group_fields, names);
                let title = if n > 1 {
                    format!("{} – {gname} (trang {}/{n})", input.title, k + 1)
                } else {
                    format!("{} – {gname}", input.title)
                };
                let record = json!({
                    "list": common,
                    "group": gname,
                    "group_total": tally_value(gname, tally, Some(gpath.clone())),
                    "categories": cat_values,
                    "columns": group_columns,
                    "rows_html": rows,
                    "page_number": k + 1,
                    "page_count": n,
                    "pages": pages,
                    "first_no": chunk.first().map(|e| e.no),
                    "last_no": chunk.last().map(|e| e.no),
                    "print_path": print_path,
                    "screen_path": path,
                    "qr": "",
                });
                let mut print = record.clone();
                print["qr"] = Value::String(crate::qr::qr_svg(
                    &cfg.permalink(&path),
                    &format!("Mã QR dẫn tới trang {title}"),
                ));
                subpages.push(SubPage {
                    path: path.clone(),
                    title: title.clone(),
                    template: "kinds/beneficiary_list_group.html".to_string(),
                    record,
                    search_text: String::new(),
                    indexable: false,
                });
                subpages.push(SubPage {
                    path: print_path,
                    title: format!("Bản in – {title}"),
                    template: "kinds/beneficiary_list_print.html".to_string(),
                    record: print,
                    search_text: String::new(),
                    indexable: false,
                });
            }
            (group_value, subpages)
        })
        .collect();
    let mut subpages = Vec::new();
    let mut group_values = Vec::new();
    for (value, pages) in per_group {
        group_values.push(value);
        subpages.extend(pages);
    }
    let cat_values: Vec<Value> = by_cat
        .iter()
        .map(|(ci, t)| tally_value(&programme.categories[*ci], t, None))
        .collect();
    let inline = entries.len() <= INLINE_ROWS;
    let print_inline = entries.len() <= ROWS_PER_PAGE;
    let all_rows = |limit: bool| -> String {
        if limit {
            rows_html(entries, fields, names)
        } else {
            String::new()
        }
    };
    let list_print = json!({
        "list": common,
        "group": null,
        "groups": group_values,
        "categories": cat_values,
        "columns": columns,
        "rows_html": all_rows(print_inline),
        "cover_only": !print_inline,
        "page_number": 1,
        "page_count": 1,
        "print_path": format!("{base}/in/"),
        "screen_path": format!("{base}/"),
        "qr": crate::qr::qr_svg(&cfg.permalink(&format!("{base}/")), &format!("Mã QR dẫn tới trang {}", input.title)),
    });
    subpages.push(SubPage {
        path: format!("{base}/in/"),
        title: format!("Bản in – {}", input.title),
        template: "kinds/beneficiary_list_print.html".to_string(),
        record: list_print,
        search_text: String::new(),
        indexable: false,
    });
    let record = json!({
        "list": common,
        "groups": group_values,
        "categories": cat_values,
        "columns": columns,
        "rows_html": all_rows(inline),
        "inline": inline,
        "print_path": format!("{base}/in/"),
        "row_count": entries.len(),
    });
    // Households keep their name and group between versions; their STT does not.
    const HISTORY_KEY: &str = "full_name+group";
    RecordOutput {
        record,
        warnings,
        subpages,
        downloads: vec![
            Download {
                file_name: "danh-sach.csv".to_string(),
                title: format!("{} (CSV)", input.title),
                format: "CSV".to_string(),
                bytes: csv,
                key_column: Some(HISTORY_KEY.to_string()),
            },
            Download {
                file_name: "danh-sach.json".to_string(),
                title: format!("{} (JSON)", input.title),
                format: "JSON".to_string(),
                bytes: json_bytes,
                key_column: Some(HISTORY_KEY.to_string()),
            },
        ],
        // Names never go to the search index.
        search_text: format!("{} {}", programme.title, programme.legal_basis),
        banner: None,
        noindex: !cfg.privacy.index_lists,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_keys() {
        for (a, b) in [
            ("Tổ dân phố số 1", "TDP 1"),
            ("Tổ dân phố số 1", "tổ 01"),
            ("Tổ dân phố số 1", "to dan pho so 1"),
            ("TDP Hòa Bình", "Tổ dân phố Hòa Bình"),
        ] {
            assert_eq!(group_key(a), group_key(b), "{a} / {b}");
        }
        assert_ne!(group_key("Tổ dân phố số 1"), group_key("Tổ dân phố số 11"));
        let g = Groups::from_names(vec!["Tổ dân phố số 1".into(), "Tổ dân phố số 2".into()]);
        assert_eq!(g.find("TDP 2"), Some("Tổ dân phố số 2"));
        assert_eq!(g.find("TDP 3"), None);
    }

    #[test]
    fn csv_escaping() {
        assert_eq!(csv_escape("a,b"), "\"a,b\"");
        assert_eq!(csv_escape("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_escape("ab"), "ab");
    }

    fn programme() -> ProgrammeInfo {
        ProgrammeInfo {
            title: "Chương trình".into(),
            code: None,
            legal_basis: String::new(),
            categories: vec!["Hộ nghèo".into(), "Hộ cận nghèo".into()],
            name_display: None,
            path: "/p/".into(),
            file: "content/p.md".into(),
        }
    }

    /// Load CSV bytes the way the kind does, through every rule; returns errors count.
    fn run(bytes: &[u8]) -> usize {
        let private = vec!["Số CCCD".to_string()];
        let opts = LoadOptions::new(FIELDS).private_columns(&private);
        let groups = Groups::from_names(vec!["Tổ dân phố số 1".into(), "Tổ dân phố số 2".into()]);
        match crate::data::load_csv_bytes(bytes, Path::new("data/x.csv"), &opts) {
            Err(e) => e.len(),
            Ok(t) => {
                let mut errors = Diagnostics::new();
                let fields = check_columns(&t, &mut errors);
                let entries = read_entries(&t, &programme(), &groups, &[], &mut errors);
                let _ = downloads(&entries, &fields, NameDisplay::Initials);
                errors.error_count()
            }
        }
    }

    #[test]
    fn rules_table() {
        let h = "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú\n";
        let cases: &[(&str, usize)] = &[
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,1.500.000,\n", 0),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,1.5,\n", 1),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,1.5tr,\n", 1),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,-5,\n", 1),
            ("1,Nguyễn Văn A,TDP 3,Hộ nghèo,0,\n", 1),
            ("1,Nguyễn Văn A,TDP 1,Hộ giàu,0,\n", 1),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,\n2,nguyễn văn a,Tổ dân phố số 1,Hộ nghèo,0,\n",
                1,
            ),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,x\n2,Nguyễn Văn A,TDP 1,Hộ nghèo,0,y\n",
                0,
            ),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,x\n2,Nguyễn Văn A,TDP 1,Hộ nghèo,0,\n",
                1,
            ),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,\n2,Nguyễn Văn A,TDP 2,Hộ nghèo,0,\n",
                0,
            ),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,CCCD 000000000001\n", 1),
        ];
        for (rows, want) in cases {
            assert_eq!(run(format!("{h}{rows}").as_bytes()), *want, "{rows}");
        }
        // A private column is dropped; a forbidden one that is not private is an error.
        assert_eq!(
            run("Họ và tên,Tổ dân phố,Diện,Số CCCD\nA,TDP 1,Hộ nghèo,000000000001\n".as_bytes()),
            0
        );
        assert_eq!(
            run("Họ và tên,Tổ dân phố,Diện,Điện thoại\nA,TDP 1,Hộ nghèo,x\n".as_bytes()),
            1
        );
        assert_eq!(
            run("Họ và tên,Tổ dân phố,Diện,Mã hộ\nA,TDP 1,Hộ nghèo,x\n".as_bytes()),
            1
        );
    }

    /// Values are resolved once per distinct text (memo); each failing cell must still
    /// be reported at its own row.
    #[test]
    fn repeated_bad_values_reported_on_every_row() {
        let h = "Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Đến ngày\n";
        let cases: &[(&str, usize)] = &[
            // Unknown group in two rows, a known one in a third.
            (
                "A,TDP 3,Hộ nghèo,0,,\nB,TDP 3,Hộ nghèo,0,,\nC,TDP 1,Hộ nghèo,0,,\n",
                2,
            ),
            // Unknown category twice.
            ("A,TDP 1,Hộ giàu,0,,\nB,TDP 1,Hộ giàu,0,,\n", 2),
            // An impossible date twice, a good one once.
            (
                "A,TDP 1,Hộ nghèo,0,31/02/2026,\nB,TDP 1,Hộ nghèo,0,31/02/2026,\nC,TDP 1,Hộ nghèo,0,01/07/2026,\n",
                2,
            ),
            // A month ("07/2026") is read as its first day; end before start is an error.
            (
                "A,TDP 1,Hộ nghèo,0,07/2026,12/2026\nB,TDP 1,Hộ nghèo,0,12/2026,07/2026\n",
                1,
            ),
        ];
        for (rows, want) in cases {
            assert_eq!(run(format!("{h}{rows}").as_bytes()), *want, "{rows}");
        }
        // A phone number repeated in a column of repeated values is found in each row.
        let csv = "Họ và tên,Tổ dân phố,Diện,Nội dung hỗ trợ\n\
                   A,TDP 1,Hộ nghèo,gọi 0912 345 678\n\
                   B,TDP 1,Hộ nghèo,gọi 0912 345 678\n\
                   C,TDP 1,Hộ nghèo,tiền mặt\n";
        assert_eq!(run(csv.as_bytes()), 2);
    }

    #[test]
    fn rows_html_escapes_and_follows_columns() {
        let e = Entry {
            no: 7,
            name: "Nguyễn Văn <An>".into(),
            group: "Tổ dân phố số 1".into(),
            category: "Hộ nghèo".into(),
            support: "Tiền & gạo".into(),
            amount: Some(1_500_000),
            from: NaiveDate::from_ymd_opt(2026, 7, 1),
            to: None,
            note: "\"x\"".into(),
        };
        let fields = [
            "no",
            "full_name",
            "amount_vnd",
            "from",
            "to",
            "support",
            "note",
        ];
        assert_eq!(
            rows_html([&e], &fields, NameDisplay::Full),
            "<tr><td class=\"num\">7</td><th scope=\"row\">Nguyễn Văn &lt;An&gt;</th>\
             <td class=\"num\">1.500.000\u{a0}đ</td><td>01/07/2026</td><td></td>\
             <td>Tiền &amp; gạo</td><td>&quot;x&quot;</td></tr>"
        );
        // Initials policy applies to the name cell; the group column can be left out.
        let html = rows_html([&e], &["full_name", "category"], NameDisplay::Initials);
        assert!(html.starts_with("<tr><th scope=\"row\">N. V. "), "{html}");
        assert!(html.ends_with("<td>Hộ nghèo</td></tr>"), "{html}");
        assert!(!html.contains("Tổ dân phố"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// No input panics the list loader and its rules.
        #[test]
        fn loader_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = run(&bytes);
        }

        #[test]
        fn loader_never_panics_on_csv_like_text(
            cells in proptest::collection::vec("[0-9a-zA-Zđàáảãạ .,/+@\\-]{0,14}", 0..30)
        ) {
            let mut text = String::from("STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Đến ngày,Ghi chú\n");
            for (i, c) in cells.iter().enumerate() {
                text.push_str(c);
                text.push(if i % 8 == 7 { '\n' } else { ',' });
            }
            let _ = run(text.as_bytes());
        }

        #[test]
        fn scanner_never_panics(s in "\\PC{0,80}") {
            let _ = privacy::scan_text(&s, &[]);
            let _ = privacy::scan_cell(&s, &[], 2000);
        }
    }
}
