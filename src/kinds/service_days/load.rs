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
    FieldSpec::required("date", &["ngày", "ngày hỗ trợ", "ngày tổ chức"]),
    FieldSpec::required("start", &["bắt đầu", "giờ bắt đầu", "từ giờ", "từ"]),
    FieldSpec::required("end", &["kết thúc", "giờ kết thúc", "đến giờ", "đến"]),
    FieldSpec::required("place", &["địa điểm", "địa điểm hỗ trợ", "nơi hỗ trợ"]),
    FieldSpec::optional("address", &["địa chỉ"]),
    FieldSpec::optional("group", &["tổ dân phố", "tdp"]),
    FieldSpec::optional("staff", &["nhân lực", "nhân lực hỗ trợ", "cán bộ hỗ trợ"]),
    FieldSpec::required(
        "services",
        &["dịch vụ", "thủ tục", "mã thủ tục", "thủ tục hỗ trợ"],
    ),
    FieldSpec::optional("status", &["trạng thái", "tình trạng"]),
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
];

/// A session's status as staff write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    /// Takes place as planned.
    Scheduled,
    /// Moved to another day (the new day is a row of its own).
    Moved,
    /// Will not take place.
    Cancelled,
}

impl SessionStatus {
    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "Theo lịch",
            SessionStatus::Moved => "Đã dời lịch",
            SessionStatus::Cancelled => "Đã hủy",
        }
    }

    /// Machine name, as in the view and the CSV: `scheduled`, `moved`, `cancelled`.
    pub fn key(self) -> &'static str {
        match self {
            SessionStatus::Scheduled => "scheduled",
            SessionStatus::Moved => "moved",
            SessionStatus::Cancelled => "cancelled",
        }
    }

    /// Takes up the place at that time (a moved or cancelled session does not).
    pub(super) fn occupies(self) -> bool {
        self == SessionStatus::Scheduled
    }
}

/// "scheduled", "theo lịch", "dời lịch", "đã hủy"… (case and diacritics ignored).
pub fn parse_status(text: &str) -> Option<SessionStatus> {
    let f = fold(text.trim()).to_lowercase();
    let f = f.trim_start_matches("da ").trim();
    match f {
        "" | "scheduled" | "theo lich" | "du kien" | "binh thuong" | "dien ra" => {
            Some(SessionStatus::Scheduled)
        }
        "moved" | "doi lich" | "doi" | "chuyen" | "chuyen ngay" | "doi ngay" => {
            Some(SessionStatus::Moved)
        }
        "cancelled" | "canceled" | "huy" | "huy bo" | "hoan" => Some(SessionStatus::Cancelled),
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
}

/// A `[record.recurring]` rule: a session every given weekday for some months.
pub struct RecurringRule {
    pub weekday: Weekday,
    /// Weeks of the month (1 = first such weekday); empty = every week.
    pub weeks: Vec<u32>,
    /// How many months ahead of the build date sessions are made.
    pub months: u32,
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
    let months = rule_months(t, errors);
    if errors.error_count() > before {
        return None;
    }
    Some(RecurringRule {
        weekday: weekday?,
        weeks,
        months,
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
    let services = match t.table.get("services") {
        Some(toml::Value::String(x)) => split_list(x, &[',', ';']),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(|x| x.trim().to_string()))
            .collect(),
        _ => Vec::new(),
    };
    if services.is_empty() {
        errors.push(
            Diagnostic::error("thiếu danh sách thủ tục (record.recurring.services)")
                .at(t.loc("services"))
                .hint("viết services = [\"KS\", \"BHYT\"] với các mã trong danh mục"),
        );
    }
    services
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

/// Months ahead, 1 to 12; three when not given.
fn rule_months(t: &RuleTable, errors: &mut Diagnostics) -> u32 {
    match t.table.get("months") {
        None => 3,
        Some(toml::Value::Integer(n)) if (1..=12).contains(n) => *n as u32,
        Some(_) => {
            errors.push(
                Diagnostic::error("record.recurring.months phải là số tháng từ 1 đến 12")
                    .at(t.loc("months")),
            );
            3
        }
    }
}

/// The services catalogue by code; `None` when the file could not be read at all.
pub(super) fn load_catalogue(
    input: &RecordInput,
    ctx: &KindContext,
    errors: &mut Diagnostics,
) -> Option<BTreeMap<String, Service>> {
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
    Service {
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
    let sessions: Vec<Session> = table
        .rows
        .iter()
        .filter_map(|row| SessionRow { table: &table, row }.session(catalogue, errors))
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
    fn session(&self, catalogue: Catalogue, errors: &mut Diagnostics) -> Option<Session> {
        let before = errors.error_count();
        let times = self.times(errors);
        let place = self.text("place");
        if place.is_empty() {
            errors.push(
                Diagnostic::error("địa điểm đang để trống")
                    .at(self.loc("place"))
                    .hint("ghi tên nhà văn hóa, ví dụ: NVH Tổ dân phố số 3"),
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
        Some(Session {
            date,
            start,
            end,
            place,
            address: self.text("address"),
            group: self.text("group"),
            staff: self.text("staff"),
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
                        .hint("ghi một trong: theo lịch, dời lịch, đã hủy (để trống = theo lịch)"),
                    );
                }
                SessionStatus::Scheduled
            }
        };
        let note = self.text("note");
        if status != SessionStatus::Scheduled && note.is_empty() {
            errors.push(
                Diagnostic::error(format!(
                    "buổi {} nhưng chưa ghi lý do ở cột ghi chú",
                    status.label().to_lowercase()
                ))
                .at(self.loc("note"))
                .hint("ghi lý do và, nếu dời lịch, ngày mới (thêm một dòng mới cho buổi đã dời)"),
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
        if services.is_empty() {
            errors.push(
                Diagnostic::error("chưa ghi thủ tục nào được hỗ trợ")
                    .at(self.table.location(c))
                    .hint("ghi các mã trong danh mục, ngăn cách bằng dấu phẩy, ví dụ: KS, BHYT"),
            );
        }
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
            None => u32::from(status != SessionStatus::Scheduled),
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
        for s in [Scheduled, Moved, Cancelled] {
            assert_eq!(
                serde_json::to_value(s).ok(),
                Some(serde_json::Value::from(s.key())),
                "{s:?}"
            );
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
