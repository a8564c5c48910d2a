//! Load a beneficiary list: its `[record]` fields, the programme it belongs to, the
//! ward's groups and the list table, with the column whitelist enforced before any row
//! is read.

use std::path::Path;

use super::check::total_differs;
use super::entries::{Entry, read_entries};
use crate::data::{FieldSpec, LoadOptions, Table, load_table, parse_vnd};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format;
use crate::kinds::programme::{self, ProgrammeInfo};
use crate::kinds::{KindContext, RecordInput};
use crate::privacy::{self, NameDisplay};
use crate::residential::{DEFAULT_GROUPS, WardGroups};

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
        &[
            "tổ dân phố",
            "tdp",
            "tổ",
            "thôn",
            "tổ dân phố/thôn",
            "làng",
            "buôn",
            "bản",
            "ấp",
            "khu phố",
            "khu dân cư",
        ],
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
pub const HEADINGS: &[(&str, &str)] = &[
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

/// A list's data, checked.
pub struct ListData {
    pub programme: ProgrammeInfo,
    pub entries: Vec<Entry>,
    /// Published fields present in the file, in [`FIELDS`] order.
    pub fields: Vec<&'static str>,
    pub names: NameDisplay,
    pub groups: WardGroups,
    pub warnings: Diagnostics,
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

/// `[record] private`: columns kept in the file but dropped when read.
fn private_columns(input: &RecordInput) -> Result<Vec<String>, Diagnostic> {
    match input.record.get("private") {
        None => Ok(Vec::new()),
        Some(toml::Value::Array(a)) if a.iter().all(|v| v.is_str()) => Ok(a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()),
        Some(_) => Err(
            Diagnostic::error("record.private phải là danh sách tên cột")
                .at(input.field_location("private"))
                .hint("ví dụ private = [\"Số CCCD\", \"Điện thoại\"]"),
        ),
    }
}

/// How names are shown: the record's `name_display`, else the programme's, else the
/// site's `[privacy] name_display`, else in full.
fn name_display(
    input: &RecordInput,
    ctx: &KindContext,
    programme: &ProgrammeInfo,
) -> Result<NameDisplay, Diagnostic> {
    let Some(n) = input.opt_str("name_display") else {
        return Ok(programme
            .name_display
            .or_else(|| {
                ctx.config
                    .privacy
                    .name_display
                    .as_deref()
                    .and_then(NameDisplay::parse)
            })
            .unwrap_or(NameDisplay::Full));
    };
    NameDisplay::parse(n).ok_or_else(|| {
        Diagnostic::error(format!(
            "cách hiển thị tên không hợp lệ: \u{201c}{n}\u{201d}"
        ))
        .at(input.field_location("name_display"))
        .hint("dùng \"full\" (họ tên đầy đủ) hoặc \"initials\" (viết tắt N. V. A.)")
    })
}

/// `[record] declared_total_vnd` (an integer or "1.500.000 đ"), when given, must equal
/// the list's sum.
fn check_declared_total(input: &RecordInput, entries: &[Entry], errors: &mut Diagnostics) {
    let total: u64 = entries.iter().filter_map(|e| e.amount).sum();
    let declared = match input.record.get("declared_total_vnd") {
        Some(toml::Value::Integer(i)) => Some(*i),
        _ => input.opt_str("declared_total_vnd").and_then(|s| {
            parse_vnd(s, input.field_location("declared_total_vnd"))
                .ok()
                .map(|v| v as i64)
        }),
    };
    if total_differs(declared, total)
        && let Some(declared) = declared
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
}

pub fn load(input: &RecordInput, ctx: &KindContext) -> Result<ListData, Diagnostics> {
    let programme_ref = input.str_field("programme")?;
    let list = input.str_field("list")?;
    let programme =
        programme::resolve(ctx.pages, programme_ref, input.field_location("programme"))?;
    let private = private_columns(input)?;
    let names = name_display(input, ctx, &programme)?;
    let groups_file = input.opt_str("groups").unwrap_or(DEFAULT_GROUPS);
    let groups = WardGroups::load(ctx.root, groups_file).map_err(Diagnostics::from_vec)?;
    let opts = LoadOptions::new(FIELDS)
        .sheet(input.opt_str("sheet"))
        .private_columns(&private);
    let t = std::time::Instant::now();
    let table = load_table(ctx.root, Path::new(list), &opts).map_err(Diagnostics::from_vec)?;
    crate::timing::phase("beneficiary list: load table", t);
    let mut warnings = Diagnostics::new();
    warnings.extend(table.warnings.iter().cloned());
    let mut errors = Diagnostics::new();
    let fields = check_columns(&table, &mut errors);
    if table.is_empty() {
        errors.push(
            Diagnostic::error(format!(
                "danh sách \u{201c}{list}\u{201d} không có dòng nào"
            ))
            .at(Location::file(&table.source))
            .hint("điền danh sách dưới dòng tiêu đề, hoặc bỏ trang này cho tới khi có danh sách"),
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
    crate::timing::phase("beneficiary list: check rows", t);
    check_declared_total(input, &entries, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(ListData {
        programme,
        entries,
        fields,
        names,
        groups,
        warnings,
    })
}
