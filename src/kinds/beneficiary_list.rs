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

fn parse_period(
    text: &str,
    table: &Table,
    cell: &crate::data::Cell,
) -> Result<NaiveDate, Diagnostic> {
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
    parse_date(text, (table, cell))
}

/// Validate rows into entries. All problems go to `errors`.
pub fn read_entries(
    table: &Table,
    programme: &ProgrammeInfo,
    groups: &Groups,
    allow: &[String],
    errors: &mut Diagnostics,
) -> Vec<Entry> {
    // Each row is checked on its own, in parallel (a list can have 100,000 rows); then
    // duplicates are found in one pass in row order, so messages keep the file's order.
    let checked: Vec<(Entry, Diagnostics)> = table
        .rows
        .par_iter()
        .enumerate()
        .map(|(i, row)| {
            let mut row_errors = Diagnostics::new();
            let errors = &mut row_errors;
        let cell = |f: &str| table.get(row, f);
        let text = |f: &str| table.text(row, f).trim().to_string();
        // Scan every published cell.
        for f in [
            "full_name",
            "group",
            "category",
            "support",
            "note",
            "no",
            "from",
            "to",
            "amount_vnd",
        ] {
            if let Some(c) = cell(f) {
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
            Some(c) => match groups.find(&c.value) {
                Some(g) => g.to_string(),
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
            Some(c) => match programme.category(&c.value) {
                Some(k) => k.to_string(),
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
        let date = |f: &str, errors: &mut Diagnostics| match cell(f) {
            Some(c) if !c.value.trim().is_empty() => match parse_period(&c.value, table, c) {
                Ok(d) => Some(d),
                Err(d) => {
                    errors.push(d);
                    None
                }
            },
            _ => None,
        };
        let from = date("from", errors);
        let to = date("to", errors);
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
            (entry, row_errors)
        })
        .collect();
    let mut out = Vec::with_capacity(checked.len());
    let mut seen: HashMap<(String, String), (usize, bool)> = HashMap::new();
    for ((entry, row_errors), row) in checked.into_iter().zip(&table.rows) {
        errors.extend(row_errors);
        let (name, group, note) = (&entry.name, &entry.group, &entry.note);
        // Same person twice in the same group: an error unless both rows say why.
        if !name.is_empty() && !group.is_empty() {
            let key = (name_key(name), group.clone());
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
pub fn downloads(entries: &[Entry], fields: &[&str], names: NameDisplay) -> (Vec<u8>, Vec<u8>) {
    let mut csv = String::with_capacity(entries.len() * 96 + 64);
    csv.push('\u{feff}');
    csv.push_str(&fields.join(","));
    csv.push_str("\r\n");
    let mut json = String::with_capacity(entries.len() * 160);
    json.push_str("[\n");
    for (i, e) in entries.iter().enumerate() {
        let vals: Vec<String> = fields.iter().map(|f| csv_value(e, f, names)).collect();
        csv.push_str(
            &vals
                .iter()
                .map(|v| csv_escape(v))
                .collect::<Vec<_>>()
                .join(","),
        );
        csv.push_str("\r\n");
        let mut obj = serde_json::Map::new();
        for (f, v) in fields.iter().zip(vals) {
            let value = match *f {
                "no" => json!(e.no),
                "amount_vnd" => e.amount.map_or(Value::Null, |a| json!(a)),
                "from" | "to" if v.is_empty() => Value::Null,
                _ => Value::String(v),
            };
            obj.insert((*f).to_string(), value);
        }
        if i > 0 {
            json.push_str(",\n");
        }
        json.push_str(&serde_json::to_string(&Value::Object(obj)).unwrap_or_default());
    }
    json.push_str("\n]\n");
    (csv.into_bytes(), json.into_bytes())
}

/// A row as the templates see it: pre-formatted texts.
fn row_value(e: &Entry, names: NameDisplay) -> Value {
    json!({
        "no": e.no,
        "name": names.apply(&e.name),
        "group": e.group,
        "category": e.category,
        "support": e.support,
        "amount": e.amount.map(|a| format::vnd(a as i64)),
        "from": e.from.map(format::date_short),
        "to": e.to.map(format::date_short),
        "note": e.note,
    })
}

#[derive(Default, Clone)]
struct Tally {
    count: u64,
    amount: u64,
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
            programme::resolve(ctx.root, programme_ref, input.field_location("programme"))
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
        let table = load_table(ctx.root, Path::new(list), &opts).map_err(Diagnostics::from_vec)?;
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
        let entries = read_entries(
            &table,
            &programme,
            &groups,
            &ctx.config.privacy_allow(),
            &mut errors,
        );
        drop(table);
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
        Ok(assemble(
            input, ctx, &programme, &entries, &fields, names, &groups, warnings,
        ))
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
    let (csv, json_bytes) = downloads(entries, fields, names);
    let sha = privacy::sha256_hex(&csv);
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
        let ci = programme
            .categories
            .iter()
            .position(|c| *c == e.category)
            .unwrap_or(0);
        let g = by_group.entry(gi).or_default();
        g.0.count += 1;
        g.0.amount += e.amount.unwrap_or(0);
        g.1.push(e);
        let c = by_cat.entry(ci).or_default();
        c.count += 1;
        c.amount += e.amount.unwrap_or(0);
        all.count += 1;
        all.amount += e.amount.unwrap_or(0);
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
    let mut subpages = Vec::new();
    let mut group_values = Vec::new();
    for (gi, (tally, rows)) in &by_group {
        let gname = &groups.names[*gi];
        let gslug = slugify(gname);
        let gpath = format!("{base}/{gslug}/");
        group_values.push(tally_value(gname, tally, Some(gpath.clone())));
        let mut cats: BTreeMap<usize, Tally> = BTreeMap::new();
        for e in rows {
            let ci = programme
                .categories
                .iter()
                .position(|c| *c == e.category)
                .unwrap_or(0);
            let c = cats.entry(ci).or_default();
            c.count += 1;
            c.amount += e.amount.unwrap_or(0);
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
            let rows_json: Vec<Value> = chunk.iter().map(|e| row_value(e, names)).collect();
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
                "rows": rows_json,
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
    }
    let cat_values: Vec<Value> = by_cat
        .iter()
        .map(|(ci, t)| tally_value(&programme.categories[*ci], t, None))
        .collect();
    let inline = entries.len() <= INLINE_ROWS;
    let print_inline = entries.len() <= ROWS_PER_PAGE;
    let all_rows = |limit: bool| -> Vec<Value> {
        if limit {
            entries.iter().map(|e| row_value(e, names)).collect()
        } else {
            Vec::new()
        }
    };
    let list_print = json!({
        "list": common,
        "group": null,
        "groups": group_values,
        "categories": cat_values,
        "columns": columns,
        "rows": all_rows(print_inline),
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
        "rows": all_rows(inline),
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
