//! Load: the services catalogue, the sessions table and the `[record.recurring]` rules →
//! typed [`Service`]s, [`Session`]s and [`RecurringRule`]s, with a diagnostic per bad cell.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{NaiveDate, NaiveTime, Weekday};
use serde::Serialize;

use super::check::{check_link, parse_weekday, report_table_overlaps};
use super::hm;
use crate::data::{
    FieldSpec, LoadOptions, Row, Table, load_table, parse_date, parse_int, parse_time,
};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::kinds::{KindContext, RecordInput};
use crate::text::{did_you_mean, fold, name_key};

pub(crate) const SESSION_FIELDS: &[FieldSpec] = &[
    // Date, start and end: three columns, or one "Thời gian" cell as plans write it
    // ("Từ 08 giờ đến 11 giờ 30 ngày 13/12/2025"); `load_sessions` requires one of the two.
    FieldSpec::optional("date", &["ngày", "ngày hỗ trợ", "ngày tổ chức"]),
    FieldSpec::optional("start", &["bắt đầu", "giờ bắt đầu", "từ giờ", "từ"]),
    FieldSpec::optional("end", &["kết thúc", "giờ kết thúc", "đến giờ", "đến"]),
    FieldSpec::optional(
        "when",
        &[
            "thời gian",
            "thời gian hỗ trợ",
            "thời gian tổ chức",
            "ngày giờ",
        ],
    ),
    FieldSpec::required("place", &["địa điểm", "địa điểm hỗ trợ", "nơi hỗ trợ"]),
    FieldSpec::optional("address", &["địa chỉ"]),
    FieldSpec::optional("group", &["tổ dân phố", "tdp"]),
    FieldSpec::optional("staff", &["nhân lực", "nhân lực hỗ trợ", "cán bộ hỗ trợ"]),
    FieldSpec::optional(
        "services",
        &["dịch vụ", "thủ tục", "mã thủ tục", "thủ tục hỗ trợ"],
    ),
    FieldSpec::optional("status", &["trạng thái", "tình trạng", "kết quả"]),
    FieldSpec::optional("note", &["ghi chú", "lý do"]),
    FieldSpec::optional(
        "sequence",
        &["lần sửa", "lần cập nhật", "revision", "phiên bản"],
    ),
    FieldSpec::optional("changed", &["ngày cập nhật", "ngày sửa", "cập nhật ngày"]),
];

pub(crate) const CATALOGUE_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("code", &["mã", "mã thủ tục", "ký hiệu"]),
    FieldSpec::required("name", &["tên", "tên thủ tục", "thủ tục"]),
    FieldSpec::required(
        "bring",
        &[
            "cần mang",
            "giấy tờ cần mang",
            "mang theo",
            "hồ sơ cần mang",
        ],
    ),
    FieldSpec::optional("fee", &["phí", "lệ phí", "phí, lệ phí"]),
    FieldSpec::optional("link", &["đường dẫn", "liên kết", "trang thủ tục"]),
    FieldSpec::optional(
        "processing",
        &[
            "thời hạn giải quyết",
            "thời gian giải quyết",
            "thời hạn",
            "thời hạn xử lý",
        ],
    ),
];

/// A session's status as staff write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    /// Takes place as planned.
    Scheduled,
    /// Took place (written by staff, or a scheduled session whose day has passed).
    Held,
    /// Moved to another day (the new day is a row of its own).
    Moved,
    /// Put off, with no new day yet.
    Postponed,
    /// Will not take place.
    Cancelled,
}

impl SessionStatus {
    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "Theo lịch",
            SessionStatus::Held => "Đã thực hiện",
            SessionStatus::Moved => "Đã dời lịch",
            SessionStatus::Postponed => "Tạm hoãn",
            SessionStatus::Cancelled => "Đã hủy",
        }
    }

    /// Machine name, as in the view: `scheduled`, `held`, `moved`, `postponed`,
    /// `cancelled`.
    pub fn key(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "scheduled",
            SessionStatus::Held => "held",
            SessionStatus::Moved => "moved",
            SessionStatus::Postponed => "postponed",
            SessionStatus::Cancelled => "cancelled",
        }
    }

    /// Takes up the place at that time (a moved, postponed or cancelled session does not).
    pub(super) fn occupies(self) -> bool {
        matches!(self, SessionStatus::Scheduled | SessionStatus::Held)
    }

    /// Does not take place at its date and time: staff must give the reason.
    pub fn is_off(self) -> bool {
        !self.occupies()
    }

    /// The status citizens see at the build date `today`: a scheduled session whose day
    /// has passed was held. It stays published, never disappears.
    pub fn as_of(self, date: NaiveDate, today: NaiveDate) -> SessionStatus {
        if self == SessionStatus::Scheduled && date < today {
            SessionStatus::Held
        } else {
            self
        }
    }
}

/// "theo lịch", "đã thực hiện", "tạm hoãn", "dời lịch", "đã hủy"… (case, diacritics and
/// the old "huỷ" spelling ignored).
pub fn parse_status(text: &str) -> Option<SessionStatus> {
    let f = fold(text.trim()).to_lowercase();
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    let f = f.trim_end_matches(['.', '!']).trim();
    let f = f.strip_prefix("da ").unwrap_or(f).trim();
    match f {
        "" | "scheduled" | "theo lich" | "du kien" | "binh thuong" | "dien ra" | "sap dien ra"
        | "se dien ra" | "theo ke hoach" => Some(SessionStatus::Scheduled),
        "held" | "done" | "thuc hien" | "to chuc" | "dien ra xong" | "hoan thanh" | "xong"
        | "hoan tat" | "ket thuc" => Some(SessionStatus::Held),
        "moved" | "doi lich" | "doi" | "chuyen" | "chuyen ngay" | "doi ngay" | "doi sang ngay"
        | "chuyen lich" => Some(SessionStatus::Moved),
        "postponed" | "hoan" | "tam hoan" | "hoan lai" | "tam dung" | "hoan to chuc"
        | "tam hoan to chuc" => Some(SessionStatus::Postponed),
        "cancelled" | "canceled" | "huy" | "huy bo" | "bi huy" | "khong to chuc"
        | "khong dien ra" | "huy buoi" => Some(SessionStatus::Cancelled),
        _ => None,
    }
}

/// One session, from the table or from a recurring rule.
#[derive(Debug, Clone)]
pub struct Session {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub place: String,
    pub address: String,
    pub group: String,
    pub staff: String,
    /// Catalogue codes of the procedures supported.
    pub services: Vec<String>,
    pub status: SessionStatus,
    pub note: String,
    /// iCalendar SEQUENCE: bumped by staff at each change so calendars update.
    pub sequence: u32,
    pub changed: Option<NaiveDate>,
    /// Made by a `[record.recurring]` rule, not a table row.
    pub generated: bool,
    /// Source row for messages (None for generated sessions).
    pub row: Option<usize>,
}

impl Session {
    /// The place name normalised, so "NVH tổ  1" and "NVH Tổ 1" are one place.
    pub(super) fn place_key(&self) -> String {
        name_key(&self.place)
    }
}

/// A procedure of the services catalogue.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Service {
    /// Short code staff write in the sessions table, `KS`.
    pub code: String,
    /// Name of the procedure, `Đăng ký khai sinh`.
    pub name: String,
    /// Papers to bring, one item each.
    pub bring: Vec<String>,
    /// Fee as written in the catalogue, or `Miễn phí` when the cell is empty.
    pub fee: String,
    /// Official procedure page (https, on `[links] official_domains`), or empty.
    pub link: String,
    /// Processing time as the catalogue writes it ("Thời hạn giải quyết"), `03 ngày làm
    /// việc`, `Trong ngày`, or empty.
    pub processing: String,
    /// The processing time in working days when it is one (`0` for "Trong ngày"), else
    /// `null`.
    pub working_days: Option<u32>,
}

impl Service {
    /// A procedure named in a schedule without a catalogue: its name only.
    pub(super) fn named(name: &str) -> Service {
        Service {
            code: name.to_string(),
            name: name.to_string(),
            bring: Vec::new(),
            fee: String::new(),
            link: String::new(),
            processing: String::new(),
            working_days: None,
        }
    }
}

/// The number of working days in a processing time as catalogues write it: "Trong
/// ngày" and "Ngay trong ngày" are 0, "03 ngày làm việc", "05 ngày làm việc kể từ ngày
/// nhận đủ hồ sơ", "3 ngày làm việc" the number. Calendar days ("15 ngày"), hours and
/// anything else are `None`: the text is still published as written.
pub fn working_days(text: &str) -> Option<u32> {
    let f = crate::text::fold_words(text);
    let f = f
        .strip_prefix("ngay trong ngay")
        .map_or(f.as_str(), |_| "trong ngay");
    if f == "trong ngay"
        || f.starts_with("trong ngay ")
        || f == "giai quyet ngay"
        || f == "ngay"
        || f == "trong ngay lam viec"
    {
        return Some(0);
    }
    let mut words = f.split(' ');
    let n: u32 = words.next()?.parse().ok()?;
    let rest: Vec<&str> = words.collect();
    if rest.len() >= 3 && rest[..3] == ["ngay", "lam", "viec"] {
        Some(n)
    } else {
        None
    }
}

/// A `[record.recurring]` rule: a session every given weekday for some months.
pub struct RecurringRule {
    pub weekday: Weekday,
    /// Weeks of the month (1 = first such weekday); empty = every week.
    pub weeks: Vec<u32>,
    /// First and last day of the rule (both inclusive): fixed dates, so the sessions it
    /// makes do not move with the build date and past ones stay published.
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub place: String,
    pub address: String,
    pub group: String,
    pub staff: String,
    pub services: Vec<String>,
}

/// Split a cell listing items ("KS, KT; KH", or one per line).
pub(super) fn split_list(s: &str, seps: &[char]) -> Vec<String> {
    s.split(|c: char| seps.contains(&c) || c == '\n')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// A date value of `[record]`: TOML date or "10/06/2026" text.
pub(super) fn record_date(
    input: &RecordInput,
    field: &str,
) -> Result<Option<NaiveDate>, Diagnostic> {
    match input.record.get(field) {
        None => Ok(None),
        Some(toml::Value::Datetime(dt)) => {
            crate::content::frontmatter::parse_date_text(&dt.to_string())
                .map(Some)
                .ok_or_else(|| {
                    Diagnostic::error(format!("ngày không hợp lệ ở record.{field}"))
                        .at(input.field_location(field))
                })
        }
        Some(toml::Value::String(s)) => parse_date(s, input.field_location(field)).map(Some),
        Some(_) => Err(
            Diagnostic::error(format!("record.{field} phải là một ngày"))
                .at(input.field_location(field))
                .hint(format!("viết {field} = 2026-06-10")),
        ),
    }
}

/// Every `[record.recurring]` rule (one table or an array of tables).
pub(super) fn recurring_rules(input: &RecordInput, errors: &mut Diagnostics) -> Vec<RecurringRule> {
    let tables: Vec<&toml::Table> = match input.record.get("recurring") {
        None => return Vec::new(),
        Some(toml::Value::Table(t)) => vec![t],
        Some(toml::Value::Array(a)) => a.iter().filter_map(toml::Value::as_table).collect(),
        Some(_) => {
            errors.push(
                Diagnostic::error("record.recurring phải là bảng [record.recurring]")
                    .at(input.field_location("recurring")),
            );
            return Vec::new();
        }
    };
    tables
        .into_iter()
        .filter_map(|t| recurring_rule(&RuleTable { input, table: t }, errors))
        .collect()
}

/// One `[record.recurring]` table and where its fields are, for messages.
struct RuleTable<'a> {
    input: &'a RecordInput<'a>,
    table: &'a toml::Table,
}

impl RuleTable<'_> {
    fn loc(&self, field: &str) -> Location {
        self.input.field_location(&format!("recurring.{field}"))
    }

    fn text(&self, field: &str) -> String {
        self.table
            .get(field)
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    }

    fn time(&self, field: &str, errors: &mut Diagnostics) -> Option<NaiveTime> {
        parse_time(&self.text(field), self.loc(field))
            .map_err(|d| errors.push(d))
            .ok()
    }
}

/// One rule; `None` (with its errors pushed) when any field is wrong.
fn recurring_rule(t: &RuleTable, errors: &mut Diagnostics) -> Option<RecurringRule> {
    let before = errors.error_count();
    let weekday = match t.table.get("weekday") {
        Some(toml::Value::String(w)) => parse_weekday(w),
        Some(toml::Value::Integer(n)) => parse_weekday(&n.to_string()),
        _ => None,
    };
    if weekday.is_none() {
        errors.push(
            Diagnostic::error("thiếu hoặc sai thứ trong tuần (record.recurring.weekday)")
                .at(t.loc("weekday"))
                .hint("viết weekday = \"thứ bảy\" (thứ hai … thứ bảy, chủ nhật)"),
        );
    }
    let start = t.time("start", errors);
    let end = t.time("end", errors);
    if let (Some(a), Some(b)) = (start, end)
        && b <= a
    {
        errors.push(
            Diagnostic::error(format!(
                "giờ kết thúc {} không sau giờ bắt đầu {}",
                hm(b),
                hm(a)
            ))
            .at(t.loc("end")),
        );
    }
    let place = t.text("place");
    if place.is_empty() {
        errors
            .push(Diagnostic::error("thiếu địa điểm (record.recurring.place)").at(t.loc("place")));
    }
    let services = rule_services(t, errors);
    let weeks = rule_weeks(t, errors);
    let span = rule_span(t, errors);
    if errors.error_count() > before {
        return None;
    }
    let (from, until) = span?;
    Some(RecurringRule {
        weekday: weekday?,
        weeks,
        from,
        until,
        start: start?,
        end: end?,
        place,
        address: t.text("address"),
        group: t.text("group"),
        staff: t.text("staff"),
        services,
    })
}

fn rule_services(t: &RuleTable, errors: &mut Diagnostics) -> Vec<String> {
    match t.table.get("services") {
        None => Vec::new(),
        Some(toml::Value::String(x)) => split_list(x, &[',', ';']),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(|x| x.trim().to_string()))
            .filter(|x| !x.is_empty())
            .collect(),
        Some(_) => {
            errors.push(
                Diagnostic::error("record.recurring.services phải là danh sách mã thủ tục")
                    .at(t.loc("services"))
                    .hint("viết services = [\"KS\", \"BHYT\"], hoặc bỏ dòng này nếu không ghi thủ tục"),
            );
            Vec::new()
        }
    }
}

/// The longest a repeat rule may run: two years, the span of a ward's plan.
const MAX_RULE_DAYS: i64 = 2 * 366;

/// A rule's fixed first and last day. Both are required: a rule counted from the build
/// date (the old `months = 3`) made sessions that vanished from the site, its tables and
/// its change log as the build date moved on.
fn rule_span(t: &RuleTable, errors: &mut Diagnostics) -> Option<(NaiveDate, NaiveDate)> {
    let example = "from = 2026-03-01 và until = 2026-12-31 (ngày bắt đầu và ngày kết thúc của lịch định kỳ, theo kế hoạch đã duyệt)";
    if t.table.contains_key("months") {
        errors.push(
            Diagnostic::error("lịch định kỳ không còn tính theo số tháng kể từ ngày dựng trang (record.recurring.months)")
                .at(t.loc("months"))
                .hint(format!("xóa dòng months và ghi {example}; các buổi đã qua khi đó vẫn được công khai là đã thực hiện")),
        );
        return None;
    }
    let date = |field: &str, errors: &mut Diagnostics| -> Option<NaiveDate> {
        let what = if field == "until" {
            "ngày kết thúc"
        } else {
            "ngày bắt đầu"
        };
        match t.table.get(field) {
            None => {
                errors.push(
                    Diagnostic::error(format!(
                        "lịch định kỳ thiếu {what} (record.recurring.{field}): một lịch lặp lại phải có ngày bắt đầu và ngày kết thúc"
                    ))
                    .at(t.loc(field))
                    .hint(format!("thêm vào bảng [[record.recurring]]: {example}")),
                );
                None
            }
            Some(toml::Value::Datetime(dt)) => {
                crate::content::frontmatter::parse_date_text(&dt.to_string()).or_else(|| {
                    errors.push(
                        Diagnostic::error(format!(
                            "{what} không hợp lệ (record.recurring.{field})"
                        ))
                        .at(t.loc(field))
                        .hint(format!("viết {example}")),
                    );
                    None
                })
            }
            Some(toml::Value::String(s)) => {
                parse_date(s, t.loc(field)).map_err(|d| errors.push(d)).ok()
            }
            Some(_) => {
                errors.push(
                    Diagnostic::error(format!("record.recurring.{field} phải là một ngày"))
                        .at(t.loc(field))
                        .hint(format!("viết {example}")),
                );
                None
            }
        }
    };
    let from = date("from", errors);
    let until = date("until", errors);
    let (from, until) = (from?, until?);
    if until < from {
        errors.push(
            Diagnostic::error(format!(
                "ngày kết thúc {} của lịch định kỳ trước ngày bắt đầu {}",
                crate::format::date_short(until),
                crate::format::date_short(from)
            ))
            .at(t.loc("until"))
            .hint("sửa lại from (ngày bắt đầu) hoặc until (ngày kết thúc)"),
        );
        return None;
    }
    if (until - from).num_days() > MAX_RULE_DAYS {
        errors.push(
            Diagnostic::error(format!(
                "lịch định kỳ từ {} đến {} dài quá hai năm",
                crate::format::date_short(from),
                crate::format::date_short(until)
            ))
            .at(t.loc("until"))
            .hint("một lịch định kỳ chạy tối đa hai năm; khi có kế hoạch mới, thêm một bảng [[record.recurring]] mới"),
        );
        return None;
    }
    Some((from, until))
}

fn rule_weeks(t: &RuleTable, errors: &mut Diagnostics) -> Vec<u32> {
    let weeks: Vec<u32> = match t.table.get("weeks") {
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(toml::Value::as_integer)
            .filter_map(|n| u32::try_from(n).ok())
            .collect(),
        _ => Vec::new(),
    };
    if weeks.iter().any(|w| !(1..=5).contains(w)) {
        errors.push(
            Diagnostic::error("record.recurring.weeks chỉ nhận số tuần trong tháng từ 1 đến 5")
                .at(t.loc("weeks")),
        );
    }
    weeks
}

/// The services catalogue by code; `None` when the file could not be read at all.
pub(super) fn load_catalogue(
    input: &RecordInput,
    ctx: &KindContext,
    errors: &mut Diagnostics,
) -> Option<BTreeMap<String, Service>> {
    // The catalogue is optional: a schedule may give only dates, times and places.
    input.record.get("catalogue")?;
    let rel = input
        .str_field("catalogue")
        .map_err(|d| errors.push(d))
        .ok()?;
    let settings = crate::kinds::files::TableSettings::read(input, "catalogue", false)
        .map_err(|d| errors.push(d))
        .ok()?;
    let table = load_table(
        ctx.root,
        Path::new(rel),
        &settings.apply(LoadOptions::new(CATALOGUE_FIELDS)),
    )
    .map_err(|ds| errors.extend(ds))
    .ok()?;
    let mut map = BTreeMap::new();
    for row in &table.rows {
        let code = cell_text(&table, row, "code");
        let cell = table.get(row, "code");
        if code.is_empty() {
            if let Some(c) = cell {
                errors.push(
                    Diagnostic::error("mã thủ tục đang để trống")
                        .at(table.location(c))
                        .hint("mỗi dòng của danh mục cần một mã ngắn, ví dụ KS cho khai sinh"),
                );
            }
            continue;
        }
        if map.contains_key(&code) {
            if let Some(c) = cell {
                errors.push(
                    Diagnostic::error(format!("mã thủ tục \u{201c}{code}\u{201d} bị trùng"))
                        .at(table.location(c))
                        .hint("mỗi mã chỉ xuất hiện một lần trong danh mục"),
                );
            }
            continue;
        }
        map.insert(
            code.clone(),
            catalogue_entry(&table, row, code, ctx, errors),
        );
    }
    Some(map)
}

fn catalogue_entry(
    table: &Table,
    row: &Row,
    code: String,
    ctx: &KindContext,
    errors: &mut Diagnostics,
) -> Service {
    let link = cell_text(table, row, "link");
    if !link.is_empty()
        && let Err(msg) = check_link(&link, &ctx.config.links.official_domains)
        && let Some(c) = table.get(row, "link")
    {
        errors.push(
            Diagnostic::error(msg)
                .at(table.location(c))
                .hint("chỉ dẫn tới trang https của cơ quan nhà nước; thêm tên miền chính thức vào [links] official_domains trong config.toml nếu còn thiếu"),
        );
    }
    let fee = table.text(row, "fee").trim();
    let processing = cell_text(table, row, "processing");
    Service {
        working_days: working_days(&processing),
        processing,
        code,
        name: cell_text(table, row, "name"),
        bring: split_list(table.text(row, "bring"), &[';']),
        fee: if fee.is_empty() {
            "Miễn phí".to_string()
        } else {
            fee.to_string()
        },
        link,
    }
}

fn cell_text(table: &Table, row: &Row, field: &str) -> String {
    table.text(row, field).trim().to_string()
}

/// The catalogue as the sessions table sees it: `None` when it failed to load, so unknown
/// codes are not reported twice (its own errors say enough).
pub(super) type Catalogue<'a> = Option<&'a BTreeMap<String, Service>>;

/// The sessions of the table, each row checked; overlaps at one place are errors.
pub(super) fn load_sessions(
    input: &RecordInput,
    ctx: &KindContext,
    catalogue: Catalogue,
    errors: &mut Diagnostics,
) -> Vec<Session> {
    let Ok(rel) = input.str_field("sessions").map_err(|d| errors.push(d)) else {
        return Vec::new();
    };
    let settings = match crate::kinds::files::TableSettings::read(input, "sessions", false) {
        Ok(s) => s,
        Err(d) => {
            errors.push(d);
            return Vec::new();
        }
    };
    let opts = settings.apply(LoadOptions::new(SESSION_FIELDS));
    let table = match load_table(ctx.root, Path::new(rel), &opts) {
        Ok(t) => t,
        Err(ds) => {
            errors.extend(ds);
            return Vec::new();
        }
    };
    let split = ["date", "start", "end"]
        .iter()
        .all(|f| table.column(f).is_some());
    if !split && table.column("when").is_none() {
        errors.push(
            Diagnostic::error("bảng lịch thiếu cột ngày và giờ")
                .at(Location::file(&table.source))
                .hint("thêm ba cột Ngày, Từ giờ, Đến giờ (ví dụ 13/12/2025, 08:00, 11:30), hoặc một cột Thời gian ghi như \u{201c}Từ 08 giờ đến 11 giờ 30 ngày 13/12/2025\u{201d}"),
        );
        return Vec::new();
    }
    let sessions: Vec<Session> = table
        .rows
        .iter()
        .filter_map(|row| SessionRow { table: &table, row }.session(catalogue, ctx.today, errors))
        .collect();
    report_table_overlaps(&sessions, &table.source, errors);
    sessions
}

/// One row of the sessions table.
struct SessionRow<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl SessionRow<'_> {
    fn text(&self, field: &str) -> String {
        cell_text(self.table, self.row, field)
    }

    /// The cell's location, or the row's when the column is missing.
    fn loc(&self, field: &str) -> Location {
        self.table.get(self.row, field).map_or_else(
            || Location::line(&self.table.source, self.row.row),
            |c| self.table.location(c),
        )
    }

    /// The session of this row; `None` (with its errors pushed) when any cell is wrong.
    fn session(
        &self,
        catalogue: Catalogue,
        today: NaiveDate,
        errors: &mut Diagnostics,
    ) -> Option<Session> {
        let before = errors.error_count();
        let times = self.times(errors);
        // Cells of plans exported from Word/Excel break lines inside names.
        let place = one_line(&self.text("place"));
        if place.is_empty() {
            errors.push(
                Diagnostic::error("địa điểm đang để trống")
                    .at(self.loc("place"))
                    .hint("ghi tên nhà văn hóa, ví dụ: Nhà văn hóa Tổ dân phố số 3"),
            );
        }
        let (status, note) = self.status(errors);
        let services = self.services(catalogue, errors);
        let sequence = self.sequence(status, errors);
        let changed = self.changed(errors);
        if errors.error_count() > before {
            return None;
        }
        let (date, start, end) = times?;
        if status == SessionStatus::Held && date > today {
            errors.push(
                Diagnostic::error(format!(
                    "buổi ngày {} ghi \u{201c}đã thực hiện\u{201d} nhưng ngày đó chưa tới",
                    crate::format::date_short(date)
                ))
                .at(self.loc("status"))
                .hint("để trống hoặc ghi \u{201c}theo lịch\u{201d} cho buổi chưa diễn ra; sau ngày đó trang tự ghi là đã thực hiện"),
            );
            return None;
        }
        Some(Session {
            date,
            start,
            end,
            place,
            address: one_line(&self.text("address")),
            group: one_line(&self.text("group")),
            staff: one_line(&self.text("staff")),
            services,
            status,
            note,
            sequence,
            changed,
            generated: false,
            row: Some(self.row.row),
        })
    }

    /// Date, start and end; the end must come after the start.
    fn times(&self, errors: &mut Diagnostics) -> Option<(NaiveDate, NaiveTime, NaiveTime)> {
        let (table, row) = (self.table, self.row);
        let split = ["date", "start", "end"]
            .iter()
            .all(|f| table.column(f).is_some());
        if !split && let Some(c) = table.get(row, "when") {
            return match parse_when(&c.value) {
                Ok(t) => Some(t),
                Err(what) => {
                    errors.push(
                        Diagnostic::error(format!(
                            "không đọc được ngày giờ từ \u{201c}{}\u{201d}: {what}",
                            c.value.split_whitespace().collect::<Vec<_>>().join(" ")
                        ))
                        .at(table.location(c))
                        .hint("ghi như \u{201c}Từ 08 giờ đến 11 giờ 30 ngày 13/12/2025\u{201d}, hoặc tách thành ba cột Ngày, Từ giờ, Đến giờ"),
                    );
                    None
                }
            };
        }
        let loc_row = || Location::line(&table.source, row.row);
        let date = table
            .get(row, "date")
            .map(|c| parse_date(&c.value, (table, c)));
        let start = table
            .get(row, "start")
            .map(|c| parse_time(&c.value, (table, c)));
        let end = table
            .get(row, "end")
            .map(|c| parse_time(&c.value, (table, c)));
        let date = take(date, "ngày", errors, loc_row());
        let start = take(start, "giờ bắt đầu", errors, loc_row());
        let end = take(end, "giờ kết thúc", errors, loc_row());
        if let (Some(a), Some(b)) = (start, end)
            && b <= a
            && let Some(c) = table.get(row, "end")
        {
            errors.push(
                Diagnostic::error(format!(
                    "giờ kết thúc {} không sau giờ bắt đầu {}",
                    hm(b),
                    hm(a)
                ))
                .at(table.location(c))
                .hint("kiểm tra lại hai cột giờ; buổi sáng thường từ 08:00 đến 11:30"),
            );
        }
        Some((date?, start?, end?))
    }

    /// Status (empty = scheduled) and note; a moved or cancelled session needs a reason.
    fn status(&self, errors: &mut Diagnostics) -> (SessionStatus, String) {
        let status_text = self.text("status");
        let status = match parse_status(&status_text) {
            Some(s) => s,
            None => {
                if let Some(c) = self.table.get(self.row, "status") {
                    errors.push(
                        Diagnostic::error(format!(
                            "trạng thái \u{201c}{status_text}\u{201d} không rõ"
                        ))
                        .at(self.table.location(c))
                        .hint("ghi một trong: theo lịch, đã thực hiện, tạm hoãn, dời lịch, đã hủy (để trống = theo lịch)"),
                    );
                }
                SessionStatus::Scheduled
            }
        };
        let note = self.text("note");
        if status.is_off() && note.is_empty() {
            errors.push(
                Diagnostic::error(format!(
                    "buổi {} nhưng chưa ghi lý do ở cột ghi chú",
                    status.label().to_lowercase()
                ))
                .at(self.loc("note"))
                .hint("ghi lý do ở cột Ghi chú; nếu dời lịch, thêm một dòng mới cho ngày mới; nếu tạm hoãn, ghi \u{201c}sẽ thông báo ngày mới\u{201d}"),
            );
        }
        (status, note)
    }

    /// Service codes; each must be in the catalogue.
    fn services(&self, catalogue: Catalogue, errors: &mut Diagnostics) -> Vec<String> {
        let services = split_list(self.table.text(self.row, "services"), &[',', ';']);
        let Some(c) = self.table.get(self.row, "services") else {
            return services;
        };
        let Some(catalogue) = catalogue else {
            return services;
        };
        for code in services.iter().filter(|c| !catalogue.contains_key(*c)) {
            errors.push(unknown_code(code, catalogue).at(self.table.location(c)));
        }
        services
    }

    /// The revision number; without one, a status change is itself a revision.
    fn sequence(&self, status: SessionStatus, errors: &mut Diagnostics) -> u32 {
        match self.non_empty("sequence") {
            Some(c) => match parse_int(&c.value, (self.table, c)) {
                Ok(n) => u32::try_from(n).unwrap_or(u32::MAX),
                Err(d) => {
                    errors.push(d);
                    0
                }
            },
            None => u32::from(status.is_off()),
        }
    }

    fn changed(&self, errors: &mut Diagnostics) -> Option<NaiveDate> {
        let c = self.non_empty("changed")?;
        parse_date(&c.value, (self.table, c))
            .map_err(|d| errors.push(d))
            .ok()
    }

    fn non_empty(&self, field: &str) -> Option<&crate::data::Cell> {
        self.table
            .get(self.row, field)
            .filter(|c| !c.value.trim().is_empty())
    }
}

/// Runs of spaces and line breaks as one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Date, start and end from one cell as plans write it: "Từ 08 giờ đến 11 giờ 30 ngày
/// 13/12/2025", "8h00 - 11h30, 13/12/2025", "13/12/2025 từ 08:00 đến 11:30". Err: what is
/// missing, for the message.
pub fn parse_when(text: &str) -> Result<(NaiveDate, NaiveTime, NaiveTime), &'static str> {
    let date = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|w| w.trim_matches(|c: char| !c.is_ascii_digit()))
        .filter(|w| w.matches(['/', '-', '.']).count() == 2)
        .find_map(|w| parse_date(w, Location::file("")).ok())
        .ok_or("không thấy ngày (ngày/tháng/năm)")?;
    let times = times_in(text);
    match times.as_slice() {
        [start, end, ..] if end > start => Ok((date, *start, *end)),
        [_, _, ..] => Err("giờ kết thúc không sau giờ bắt đầu"),
        [_] => Err("chỉ thấy một giờ, cần cả giờ bắt đầu và giờ kết thúc"),
        [] => Err("không thấy giờ (ví dụ 08 giờ, 8h30, 08:00)"),
    }
}

/// The times of day in a text: `08 giờ`, `11 giờ 30`, `8h30`, `11g30`, `08:00`. A number
/// is an hour only when `giờ`, `h`, `g` or `:` follows it.
fn times_in(text: &str) -> Vec<NaiveTime> {
    let f: Vec<char> = fold(text).to_lowercase().chars().collect();
    let number = |i: usize| -> (u32, usize) {
        let mut j = i;
        let mut n: u32 = 0;
        while j < f.len() && f[j].is_ascii_digit() {
            n = n
                .saturating_mul(10)
                .saturating_add(f[j].to_digit(10).unwrap_or(0));
            j += 1;
        }
        (n, j)
    };
    // Length of an hour separator at `j` (` giờ`, `giờ`, `h`, `g`, `:`), or 0.
    let sep = |j: usize| -> usize {
        let rest: String = f[j.min(f.len())..].iter().take(4).collect();
        if rest.starts_with(" gio") {
            4
        } else if rest.starts_with("gio") {
            3
        } else if rest.starts_with(['h', 'g', ':']) {
            1
        } else {
            0
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < f.len() {
        if !f[i].is_ascii_digit() || (i > 0 && f[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let (h, j) = number(i);
        let s = sep(j);
        if s == 0 {
            i = j;
            continue;
        }
        let mut k = j + s;
        while k < f.len() && f[k] == ' ' {
            k += 1;
        }
        let mut m = 0;
        if k < f.len() && f[k].is_ascii_digit() {
            let (mm, k2) = number(k);
            // "8 giờ 9 giờ" is two hours, not 8:09.
            if sep(k2) == 0 {
                m = mm;
                k = k2;
            }
        }
        if let Some(t) = NaiveTime::from_hms_opt(h, m, 0) {
            out.push(t);
        }
        i = k.max(i + 1);
    }
    out
}

/// "code not in the catalogue", with a did-you-mean hint.
fn unknown_code(code: &str, catalogue: &BTreeMap<String, Service>) -> Diagnostic {
    let d = Diagnostic::error(format!(
        "mã thủ tục \u{201c}{code}\u{201d} không có trong danh mục"
    ));
    let known: Vec<&str> = catalogue.keys().map(String::as_str).collect();
    match did_you_mean(code, known.iter().copied()) {
        Some(s) => d.hint(format!(
            "có phải ý bạn là \u{201c}{s}\u{201d}? Các mã có: {}",
            known.join(", ")
        )),
        None => d.hint(format!(
            "các mã có: {}; hoặc thêm thủ tục vào tệp danh mục",
            known.join(", ")
        )),
    }
}

/// A parsed cell, or the error it gave, or "missing" when the column is absent.
fn take<T>(
    r: Option<Result<T, Diagnostic>>,
    what: &str,
    errors: &mut Diagnostics,
    at: Location,
) -> Option<T> {
    match r {
        Some(Ok(v)) => Some(v),
        Some(Err(d)) => {
            errors.push(d);
            None
        }
        None => {
            errors.push(Diagnostic::error(format!("thiếu {what}")).at(at));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        use SessionStatus::*;
        for (s, want) in [
            ("", Some(Scheduled)),
            ("Theo lịch", Some(Scheduled)),
            ("scheduled", Some(Scheduled)),
            ("Đã thực hiện", Some(Held)),
            ("đã tổ chức", Some(Held)),
            ("Da thuc hien", Some(Held)),
            ("Hoàn thành", Some(Held)),
            ("Hoãn", Some(Postponed)),
            ("tạm hoãn", Some(Postponed)),
            ("Đã hoãn", Some(Postponed)),
            ("Hủy", Some(Cancelled)),
            ("Huỷ", Some(Cancelled)),
            ("ĐÃ HUỶ", Some(Cancelled)),
            ("  đã   hủy. ", Some(Cancelled)),
            ("Dời lịch", Some(Moved)),
            ("đã dời lịch", Some(Moved)),
            ("moved", Some(Moved)),
            ("Đã hủy", Some(Cancelled)),
            ("huỷ", Some(Cancelled)),
            ("cancelled", Some(Cancelled)),
            ("có thể", None),
        ] {
            assert_eq!(parse_status(s), want, "{s:?}");
        }
    }

    #[test]
    fn status_keys_match_serde() {
        use SessionStatus::*;
        for s in [Scheduled, Held, Moved, Postponed, Cancelled] {
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.key())),
                "{s:?}"
            );
        }
    }

    #[test]
    fn past_scheduled_sessions_read_as_held() {
        use SessionStatus::*;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let today = d("2026-01-10");
        for (status, date, want) in [
            (Scheduled, "2026-01-09", Held),
            (Scheduled, "2026-01-10", Scheduled),
            (Scheduled, "2026-02-01", Scheduled),
            (Cancelled, "2026-01-09", Cancelled),
            (Postponed, "2026-01-09", Postponed),
            (Held, "2026-01-09", Held),
        ] {
            assert_eq!(status.as_of(d(date), today), want, "{status:?} {date}");
        }
    }

    #[test]
    fn one_cell_date_and_times_as_plans_write_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        let d = NaiveDate::from_ymd_opt(2025, 12, 13).unwrap_or_default();
        for (text, want) in [
            (
                "Từ 08 giờ\n đến 11 giờ 30 \nngày 13/12/2025",
                Ok((d, t(8, 0), t(11, 30))),
            ),
            ("8h00 - 11h30, 13/12/2025", Ok((d, t(8, 0), t(11, 30)))),
            ("13/12/2025 từ 08:00 đến 11:30", Ok((d, t(8, 0), t(11, 30)))),
            ("Sáng 13/12/2025, 7g30–11g", Ok((d, t(7, 30), t(11, 0)))),
            (
                "Từ 08 giờ ngày 13/12/2025",
                Err("chỉ thấy một giờ, cần cả giờ bắt đầu và giờ kết thúc"),
            ),
            (
                "Từ 11 giờ đến 08 giờ ngày 13/12/2025",
                Err("giờ kết thúc không sau giờ bắt đầu"),
            ),
            (
                "Từ 08 giờ đến 11 giờ",
                Err("không thấy ngày (ngày/tháng/năm)"),
            ),
            (
                "ngày 31/02/2025 từ 8h đến 11h",
                Err("không thấy ngày (ngày/tháng/năm)"),
            ),
        ] {
            assert_eq!(parse_when(text), want, "{text:?}");
        }
    }

    #[test]
    fn processing_times_in_working_days() {
        for (text, want) in [
            ("Trong ngày", Some(0)),
            ("Ngay trong ngày", Some(0)),
            ("trong ngày làm việc", Some(0)),
            ("03 ngày làm việc", Some(3)),
            ("3 ngày làm việc", Some(3)),
            ("05 ngày làm việc kể từ ngày nhận đủ hồ sơ", Some(5)),
            ("15 ngày", None),
            ("", None),
            ("Theo quy định", None),
            ("99999999999999 ngày làm việc", None),
        ] {
            assert_eq!(working_days(text), want, "{text:?}");
        }
    }

    #[test]
    fn lists_split_on_separators_and_lines() {
        for (cell, seps, want) in [
            ("KS, KT; KH", &[',', ';'][..], vec!["KS", "KT", "KH"]),
            ("KS\nBHYT", &[','][..], vec!["KS", "BHYT"]),
            (" ; ,", &[',', ';'][..], vec![]),
            (
                "CCCD, bản chính; ảnh",
                &[';'][..],
                vec!["CCCD, bản chính", "ảnh"],
            ),
        ] {
            assert_eq!(split_list(cell, seps), want, "{cell:?}");
        }
    }
}
