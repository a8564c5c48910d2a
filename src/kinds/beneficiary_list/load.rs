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
use crate::privacy::sensitive::sensitive_topic;
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
            "tiền hỗ trợ",
            "mức trợ cấp",
            "mức hỗ trợ hằng tháng",
        ],
    ),
    FieldSpec::optional(
        "from",
        &[
            "từ ngày",
            "từ",
            "thời gian bắt đầu",
            "từ tháng",
            "hưởng từ tháng",
        ],
    ),
    FieldSpec::optional(
        "to",
        &[
            "đến ngày",
            "đến",
            "thời gian kết thúc",
            "đến tháng",
            "hưởng đến tháng",
        ],
    ),
    FieldSpec::optional("note", &["ghi chú", "lý do"]),
];

/// Column headings shown on pages and print views, by field.
pub const HEADINGS: &[(&str, &str)] = &[
    ("no", "STT"),
    ("full_name", "Họ và tên"),
    ("group", "Tổ dân phố"),
    ("category", "Diện"),
    ("support", "Nội dung hỗ trợ"),
    ("monthly_vnd", "Mức hằng tháng"),
    ("months", "Số tháng"),
    ("amount_vnd", "Số tiền"),
    ("from", "Từ ngày"),
    ("to", "Đến ngày"),
    ("from_month", "Từ tháng"),
    ("to_month", "Đến tháng"),
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
    /// Neutral labels standing for sensitive categories in this list, each once.
    pub neutral_labels: Vec<String>,
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
            errors.push(crate::data::unknown_column(
                &table.source,
                h,
                FIELDS,
                &format!(
                    "chỉ các cột trong danh mục mới được công khai ({}); nếu cột này cần giữ trong tệp nhưng không công khai, thêm private = [\"{}\"] vào bảng [record]",
                    HEADINGS.iter().map(|(_, h)| *h).collect::<Vec<_>>().join(", "),
                    h.raw
                ),
            ).at(loc));
        }
    }
    FIELDS
        .iter()
        .map(|f| f.name)
        .filter(|f| table.headers.iter().any(|h| h.field == Some(*f)))
        .collect()
}

/// A list whose amount column is per month ("Mức hỗ trợ (đồng/tháng)") publishes the
/// monthly amount, the months each row covers and the total for the period (its
/// `amount_vnd`): one `amount_vnd` becomes `monthly_vnd`, `months`, `amount_vnd`.
pub fn monthly_fields(fields: Vec<&'static str>, entries: &[Entry]) -> Vec<&'static str> {
    if !entries.iter().any(|e| e.monthly.is_some()) {
        return fields;
    }
    fields
        .into_iter()
        .flat_map(|f| match f {
            "amount_vnd" => vec!["monthly_vnd", "months", "amount_vnd"],
            f => vec![f],
        })
        .collect()
}

/// A list that gives a period to the month ("Từ tháng 01/2026") publishes it as the
/// month: its `from`/`to` column becomes `from_month`/`to_month` ("12/2026", never
/// "01/12/2026").
pub fn month_fields(fields: Vec<&'static str>, entries: &[Entry]) -> Vec<&'static str> {
    let from_month = entries.iter().any(|e| e.from.is_some_and(|p| p.is_month()));
    let to_month = entries.iter().any(|e| e.to.is_some_and(|p| p.is_month()));
    fields
        .into_iter()
        .map(|f| match f {
            "from" if from_month => "from_month",
            "to" if to_month => "to_month",
            f => f,
        })
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
/// the list's sum (for amounts per month: the sum of the totals for the period).
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

/// The list's own `record.category_legal_basis` (it overrides the programme's) and
/// `record.months` (months each row covers, for the category amounts).
fn list_overrides(input: &RecordInput, programme: &mut ProgrammeInfo) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::new();
    match input.record.get("category_legal_basis") {
        None => {}
        Some(toml::Value::String(s)) if !s.trim().is_empty() => {
            programme.category_legal_basis = Some(crate::text::nfc(s.trim()));
        }
        Some(_) => errors.push(
            Diagnostic::error("record.category_legal_basis phải ghi văn bản pháp luật cho phép công khai tên các diện nhạy cảm")
                .at(input.field_location("category_legal_basis"))
                .hint("ví dụ category_legal_basis = \"Khoản 2 Điều 8 Nghị định số …\"; nếu không có căn cứ, bỏ dòng này để các diện nhạy cảm được ghi bằng nhãn trung tính"),
        ),
    }
    match input.record.get("months") {
        None => {}
        Some(toml::Value::Integer(m)) if (1..=120).contains(m) => {
            programme.list_months = u32::try_from(*m).ok();
        }
        Some(_) => errors.push(
            Diagnostic::error("record.months phải là số tháng mỗi dòng được hỗ trợ (số nguyên từ 1 đến 120)")
                .at(input.field_location("months"))
                .hint("ví dụ months = 6 khi số tiền mỗi dòng là tiền của 6 tháng; bỏ dòng này để tính theo cột Từ ngày, Đến ngày"),
        ),
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(())
}

/// What the build says about sensitive categories in a list: which are published under
/// which label, or by name on which legal basis; a title naming sensitive data; an
/// amount that tells a neutrally labelled category apart.
fn sensitive_warnings(
    input: &RecordInput,
    programme: &ProgrammeInfo,
    entries: &[Entry],
    has_amount: bool,
    warnings: &mut Diagnostics,
) {
    let present = |label: &str| entries.iter().any(|e| e.category == label);
    let mut hidden = Vec::new();
    let mut named = Vec::new();
    for (category, topic) in programme.sensitive_categories() {
        let label = programme.published_category(category);
        if !present(&label) {
            continue;
        }
        if label == category {
            named.push(format!("\u{201c}{category}\u{201d} ({topic})"));
        } else {
            hidden.push(format!(
                "\u{201c}{category}\u{201d} ({topic}) → \u{201c}{label}\u{201d}"
            ));
        }
    }
    if !hidden.is_empty() {
        warnings.push(
            Diagnostic::warning(format!(
                "danh sách \u{201c}{}\u{201d} ghi diện nêu dữ liệu cá nhân nhạy cảm bằng nhãn trung tính: {}",
                input.title,
                hidden.join("; ")
            ))
            .at(input.field_location("programme"))
            .hint(format!(
                "đây là mặc định theo Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15; đổi nhãn trong [record.category_labels] của {}",
                crate::diagnostics::display_path(&programme.file)
            )),
        );
    }
    if !named.is_empty() {
        warnings.push(
            Diagnostic::warning(format!(
                "danh sách \u{201c}{}\u{201d} công khai tên diện nhạy cảm cạnh tên người: {} — căn cứ: {}",
                input.title,
                named.join("; "),
                programme.category_legal_basis.as_deref().unwrap_or("")
            ))
            .at(input.field_location("category_legal_basis"))
            .hint("kiểm tra lại căn cứ pháp lý; bỏ category_legal_basis để ghi các diện này bằng nhãn trung tính"),
        );
    }
    if let Some(topic) = sensitive_topic(input.title) {
        warnings.push(
            Diagnostic::warning(format!(
                "tiêu đề danh sách nêu {topic}: mọi người có tên trong danh sách bị lộ thông tin này"
            ))
            .at(Location::file(input.file).with_field("title".to_string()))
            .hint("đặt tiêu đề trung tính (ví dụ \u{201c}Danh sách hộ được hỗ trợ đợt 2\u{201d}) trừ khi có căn cứ pháp lý"),
        );
    }
    // A neutral label hides nothing when its amount is the only one of its kind: the
    // published amounts per category (the programme page) tell it apart.
    if has_amount && programme.category_legal_basis.is_none() {
        for (category, _) in programme.sensitive_categories() {
            let Some(amount) = programme.category_amounts.get(category) else {
                continue;
            };
            let label = programme.published_category(category);
            let shared = programme.categories.iter().any(|other| {
                other != category
                    && programme.published_category(other) == label
                    && programme.category_amounts.get(other) == Some(amount)
            });
            if present(&label) && !shared {
                warnings.push(
                    Diagnostic::warning(format!(
                        "mức {}/tháng chỉ diện \u{201c}{category}\u{201d} có: cột Số tiền cho biết ai thuộc diện này dù đã ghi nhãn \u{201c}{label}\u{201d}",
                        format::vnd(*amount as i64)
                    ))
                    .at(input.field_location("list"))
                    .hint("cân nhắc không công khai cột Số tiền của danh sách này (khai báo nó trong private), hoặc gộp các diện có cùng mức dưới một nhãn"),
                );
            }
        }
    }
}

pub fn load(input: &RecordInput, ctx: &KindContext) -> Result<ListData, Diagnostics> {
    let programme_ref = input.str_field("programme")?;
    let list = input.str_field("list")?;
    let mut programme =
        programme::resolve(ctx.pages, programme_ref, input.field_location("programme"))?;
    list_overrides(input, &mut programme)?;
    let private = private_columns(input)?;
    let names = name_display(input, ctx, &programme)?;
    let groups_file = input.opt_str("groups").unwrap_or(DEFAULT_GROUPS);
    let groups = WardGroups::load(ctx.root, groups_file).map_err(Diagnostics::from_vec)?;
    let settings = crate::kinds::files::TableSettings::read(input, "list", true)?;
    let opts = settings.apply(
        LoadOptions::new(FIELDS)
            .sheet(input.opt_str("sheet"))
            .private_columns(&private),
    );
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
    warnings.extend(errors.warnings().cloned());
    sensitive_warnings(
        input,
        &programme,
        &entries,
        fields.contains(&"amount_vnd"),
        &mut warnings,
    );
    let mut neutral_labels: Vec<String> = Vec::new();
    for (category, _) in programme.sensitive_categories() {
        let label = programme.published_category(category);
        if label != category
            && entries.iter().any(|e| e.category == label)
            && !neutral_labels.contains(&label)
        {
            neutral_labels.push(label);
        }
    }
    // From here on the list knows only the published labels (totals by category).
    programme.categories = programme.published_categories();
    let fields = monthly_fields(month_fields(fields, &entries), &entries);
    Ok(ListData {
        programme,
        entries,
        fields,
        names,
        groups,
        warnings,
        neutral_labels,
    })
}
