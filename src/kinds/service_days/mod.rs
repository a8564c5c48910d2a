//! Service days (ngày hỗ trợ thủ tục hành chính) at neighbourhood cultural houses.
//!
//! One record page (`kind = "service_days"`) publishes a table of sessions — date, start,
//! end, place, address, group, staff roles, service codes, status, note — and a services
//! catalogue (code, name, what to bring, fee, link to the official procedure page). An
//! optional `[record.recurring]` rule adds future sessions relative to the build date.
//!
//! Output: the schedule (upcoming first, then past), one page per place, one page per
//! session (with what to bring and schema.org `Event` JSON-LD), an A4 poster per month
//! with a QR code, and downloads: `lich.ics` (every session), one `.ics` per place, and
//! `lich.csv`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::Serialize;
use serde_json::{Value, json};

use super::{Download, KindContext, RecordInput, RecordKind, RecordOutput, SubPage};
use crate::data::{
    FieldSpec, LoadOptions, Row, Table, load_table, parse_date, parse_int, parse_time,
};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format;
use crate::ical;
use crate::text::{did_you_mean, fold, name_key, slugify};

pub struct ServiceDays;

const SESSION_FIELDS: &[FieldSpec] = &[
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

const CATALOGUE_FIELDS: &[FieldSpec] = &[
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    Scheduled,
    Moved,
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

    /// Takes up the place at that time (a moved or cancelled session does not).
    fn occupies(self) -> bool {
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

/// One session, from the table or from the recurring rule.
#[derive(Debug, Clone)]
pub struct Session {
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub place: String,
    pub address: String,
    pub group: String,
    pub staff: String,
    pub services: Vec<String>,
    pub status: SessionStatus,
    pub note: String,
    pub sequence: u32,
    pub changed: Option<NaiveDate>,
    pub generated: bool,
    /// Source row for messages (None for generated sessions).
    pub row: Option<usize>,
}

impl Session {
    fn place_key(&self) -> String {
        name_key(&self.place)
    }
}

/// Do two sessions clash: same place (names compared after normalising), same day,
/// both taking place, and their times overlap. Touching ends (11:30 / 11:30) do not.
pub fn overlaps(a: &Session, b: &Session) -> bool {
    a.status.occupies()
        && b.status.occupies()
        && a.date == b.date
        && a.place_key() == b.place_key()
        && a.start < b.end
        && b.start < a.end
}

/// Catalogue entry.
#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub code: String,
    pub name: String,
    pub bring: Vec<String>,
    pub fee: String,
    pub link: String,
}

/// Split a cell listing items ("KS, KT; KH", or one per line).
fn split_list(s: &str, seps: &[char]) -> Vec<String> {
    s.split(|c: char| seps.contains(&c) || c == '\n')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

/// Is `url` allowed as an external link: https and on an official domain (the domain
/// itself or a subdomain, matched on a dot boundary). Relative links, `@/` links,
/// anchors, `mailto:` and `tel:` are internal and always allowed. Returns what is wrong.
pub fn check_link(url: &str, official_domains: &[String]) -> Result<(), String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if u.is_empty()
        || u.starts_with('#')
        || (u.starts_with('/') && !u.starts_with("//"))
        || u.starts_with("@/")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:")
    {
        return Ok(());
    }
    if lower.starts_with("http://") {
        return Err(format!(
            "đường dẫn \u{201c}{u}\u{201d} dùng http, không an toàn; trang chính thức phải bắt đầu bằng https://"
        ));
    }
    let rest = if let Some(r) = lower.strip_prefix("https://") {
        r
    } else if let Some(r) = lower.strip_prefix("//") {
        r
    } else if lower.contains(':') || lower.starts_with("www.") || looks_like_domain(&lower) {
        return Err(format!(
            "đường dẫn \u{201c}{u}\u{201d} không phải là trang https của cơ quan nhà nước"
        ));
    } else {
        // A relative link to another page of the site.
        return Ok(());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(format!(
            "đường dẫn \u{201c}{u}\u{201d} có ký tự @ trước tên miền (thủ đoạn giả mạo địa chỉ)"
        ));
    }
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(h, _)| h)
        .trim_end_matches('.');
    if domain_allowed(host, official_domains) {
        Ok(())
    } else {
        Err(format!(
            "tên miền \u{201c}{host}\u{201d} không nằm trong danh sách trang chính thức (links.official_domains); có thể là trang giả mạo hoặc gõ nhầm"
        ))
    }
}

fn looks_like_domain(s: &str) -> bool {
    let first = s.split('/').next().unwrap_or("");
    first.contains('.')
        && !first.starts_with('.')
        && first
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        && !first.ends_with(".html")
        && !first.ends_with(".htm")
        && !first.ends_with(".pdf")
}

/// `host` is one of `domains` or a subdomain of one, on a dot boundary.
pub fn domain_allowed(host: &str, domains: &[String]) -> bool {
    let host = host.to_ascii_lowercase();
    !host.is_empty()
        && domains.iter().any(|d| {
            let d = d.trim().trim_start_matches('.').to_ascii_lowercase();
            !d.is_empty()
                && (host == d
                    || (host.len() > d.len()
                        && host.ends_with(&d)
                        && host.as_bytes()[host.len() - d.len() - 1] == b'.'))
        })
}

/// Dates from `today` (inclusive) up to `today + months` (exclusive) falling on
/// `weekday`, restricted to the given weeks of the month (1 = first such weekday of the
/// month) when `weeks` is not empty.
pub fn recurring_dates(
    today: NaiveDate,
    weekday: Weekday,
    weeks: &[u32],
    months: u32,
) -> Vec<NaiveDate> {
    let Some(stop) = today.checked_add_months(Months::new(months)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut d = today;
    while d < stop {
        if d.weekday() == weekday && (weeks.is_empty() || weeks.contains(&((d.day() - 1) / 7 + 1)))
        {
            out.push(d);
        }
        match d.succ_opt() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// "thứ bảy", "thu 7", "T7", "chủ nhật", "saturday".
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    let f = fold(text.trim()).to_lowercase().replace(['-', '.'], " ");
    let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
    let f = f.strip_prefix("thu ").unwrap_or(&f).to_string();
    Some(match f.as_str() {
        "hai" | "2" | "t2" | "monday" | "mon" => Weekday::Mon,
        "ba" | "3" | "t3" | "tuesday" | "tue" => Weekday::Tue,
        "tu" | "4" | "t4" | "wednesday" | "wed" => Weekday::Wed,
        "nam" | "5" | "t5" | "thursday" | "thu" => Weekday::Thu,
        "sau" | "6" | "t6" | "friday" | "fri" => Weekday::Fri,
        "bay" | "7" | "t7" | "saturday" | "sat" => Weekday::Sat,
        "chu nhat" | "cn" | "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// QR code of `url` for posters (inline SVG, made locally; see `crate::qr`).
pub(crate) fn poster_qr_svg(url: &str) -> String {
    crate::qr::qr_svg(url, "Mã QR: quét để mở trang này trên điện thoại")
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn iso_local(d: NaiveDate, t: NaiveTime) -> String {
    format!("{}T{}:00+07:00", d.format("%Y-%m-%d"), t.format("%H:%M"))
}

/// A date value of `[record]`: TOML date or "10/06/2026" text.
fn record_date(
    input: &RecordInput,
    v: Option<&toml::Value>,
    field: &str,
) -> Result<Option<NaiveDate>, Diagnostic> {
    match v {
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

struct Recurring {
    weekday: Weekday,
    weeks: Vec<u32>,
    months: u32,
    start: NaiveTime,
    end: NaiveTime,
    place: String,
    address: String,
    group: String,
    staff: String,
    services: Vec<String>,
}

fn parse_recurring(input: &RecordInput, errors: &mut Diagnostics) -> Vec<Recurring> {
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
    let mut out = Vec::new();
    for t in tables {
        let loc = |f: &str| input.field_location(&format!("recurring.{f}"));
        let s = |f: &str| {
            t.get(f)
                .and_then(toml::Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let before = errors.error_count();
        let weekday = match t.get("weekday") {
            Some(toml::Value::String(w)) => parse_weekday(w),
            Some(toml::Value::Integer(n)) => parse_weekday(&n.to_string()),
            _ => None,
        };
        if weekday.is_none() {
            errors.push(
                Diagnostic::error("thiếu hoặc sai thứ trong tuần (record.recurring.weekday)")
                    .at(loc("weekday"))
                    .hint("viết weekday = \"thứ bảy\" (thứ hai … thứ bảy, chủ nhật)"),
            );
        }
        let time = |f: &str, errors: &mut Diagnostics| match parse_time(&s(f), loc(f)) {
            Ok(t) => Some(t),
            Err(d) => {
                errors.push(d);
                None
            }
        };
        let start = time("start", errors);
        let end = time("end", errors);
        if let (Some(a), Some(b)) = (start, end)
            && b <= a
        {
            errors.push(
                Diagnostic::error(format!(
                    "giờ kết thúc {} không sau giờ bắt đầu {}",
                    hm(b),
                    hm(a)
                ))
                .at(loc("end")),
            );
        }
        let place = s("place");
        if place.is_empty() {
            errors.push(
                Diagnostic::error("thiếu địa điểm (record.recurring.place)").at(loc("place")),
            );
        }
        let services = match t.get("services") {
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
                    .at(loc("services"))
                    .hint("viết services = [\"KS\", \"BHYT\"] với các mã trong danh mục"),
            );
        }
        let weeks: Vec<u32> = match t.get("weeks") {
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
                    .at(loc("weeks")),
            );
        }
        let months = match t.get("months") {
            None => 3,
            Some(toml::Value::Integer(n)) if (1..=12).contains(n) => *n as u32,
            Some(_) => {
                errors.push(
                    Diagnostic::error("record.recurring.months phải là số tháng từ 1 đến 12")
                        .at(loc("months")),
                );
                3
            }
        };
        if errors.error_count() > before {
            continue;
        }
        if let (Some(weekday), Some(start), Some(end)) = (weekday, start, end) {
            out.push(Recurring {
                weekday,
                weeks,
                months,
                start,
                end,
                place,
                address: s("address"),
                group: s("group"),
                staff: s("staff"),
                services,
            });
        }
    }
    out
}

fn load_catalogue(
    input: &RecordInput,
    ctx: &KindContext,
    errors: &mut Diagnostics,
) -> Option<(Table, BTreeMap<String, Service>)> {
    let rel = match input.str_field("catalogue") {
        Ok(r) => r,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let table = match load_table(
        ctx.root,
        Path::new(rel),
        &LoadOptions::new(CATALOGUE_FIELDS),
    ) {
        Ok(t) => t,
        Err(ds) => {
            errors.extend(ds);
            return None;
        }
    };
    let mut map = BTreeMap::new();
    for row in &table.rows {
        let code = table.text(row, "code").trim().to_string();
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
        let link = table.text(row, "link").trim().to_string();
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
        map.insert(
            code.clone(),
            Service {
                code,
                name: table.text(row, "name").trim().to_string(),
                bring: split_list(table.text(row, "bring"), &[';']),
                fee: if fee.is_empty() {
                    "Miễn phí".to_string()
                } else {
                    fee.to_string()
                },
                link,
            },
        );
    }
    Some((table, map))
}

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

fn cell_text(table: &Table, row: &Row, field: &str) -> String {
    table.text(row, field).trim().to_string()
}

fn load_sessions(
    input: &RecordInput,
    ctx: &KindContext,
    catalogue: &BTreeMap<String, Service>,
    catalogue_loaded: bool,
    errors: &mut Diagnostics,
) -> Vec<Session> {
    let rel = match input.str_field("sessions") {
        Ok(r) => r,
        Err(d) => {
            errors.push(d);
            return Vec::new();
        }
    };
    let table = match load_table(ctx.root, Path::new(rel), &LoadOptions::new(SESSION_FIELDS)) {
        Ok(t) => t,
        Err(ds) => {
            errors.extend(ds);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for row in &table.rows {
        let before = errors.error_count();
        let loc_row = || Location::line(&table.source, row.row);
        let get_cell = |f: &str| table.get(row, f);
        let date = get_cell("date").map(|c| parse_date(&c.value, (&table, c)));
        let start = get_cell("start").map(|c| parse_time(&c.value, (&table, c)));
        let end = get_cell("end").map(|c| parse_time(&c.value, (&table, c)));
        let date: Option<NaiveDate> = take(date, "ngày", errors, loc_row());
        let start: Option<NaiveTime> = take(start, "giờ bắt đầu", errors, loc_row());
        let end: Option<NaiveTime> = take(end, "giờ kết thúc", errors, loc_row());
        if let (Some(a), Some(b)) = (start, end)
            && b <= a
            && let Some(c) = get_cell("end")
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
        let place = cell_text(&table, row, "place");
        if place.is_empty() {
            errors.push(
                Diagnostic::error("địa điểm đang để trống")
                    .at(get_cell("place").map_or_else(loc_row, |c| table.location(c)))
                    .hint("ghi tên nhà văn hóa, ví dụ: NVH Tổ dân phố số 3"),
            );
        }
        let status_text = cell_text(&table, row, "status");
        let status = match parse_status(&status_text) {
            Some(s) => s,
            None => {
                if let Some(c) = get_cell("status") {
                    errors.push(
                        Diagnostic::error(format!(
                            "trạng thái \u{201c}{status_text}\u{201d} không rõ"
                        ))
                        .at(table.location(c))
                        .hint("ghi một trong: theo lịch, dời lịch, đã hủy (để trống = theo lịch)"),
                    );
                }
                SessionStatus::Scheduled
            }
        };
        let note = cell_text(&table, row, "note");
        if status != SessionStatus::Scheduled && note.is_empty() {
            errors.push(
                Diagnostic::error(format!(
                    "buổi {} nhưng chưa ghi lý do ở cột ghi chú",
                    status.label().to_lowercase()
                ))
                .at(get_cell("note").map_or_else(loc_row, |c| table.location(c)))
                .hint("ghi lý do và, nếu dời lịch, ngày mới (thêm một dòng mới cho buổi đã dời)"),
            );
        }
        let services = split_list(table.text(row, "services"), &[',', ';']);
        if let Some(c) = get_cell("services") {
            if services.is_empty() {
                errors.push(
                    Diagnostic::error("chưa ghi thủ tục nào được hỗ trợ")
                        .at(table.location(c))
                        .hint(
                            "ghi các mã trong danh mục, ngăn cách bằng dấu phẩy, ví dụ: KS, BHYT",
                        ),
                );
            }
            for code in &services {
                // Without a loaded catalogue its own errors say enough.
                if catalogue_loaded && !catalogue.contains_key(code) {
                    let mut d = Diagnostic::error(format!(
                        "mã thủ tục \u{201c}{code}\u{201d} không có trong danh mục"
                    ))
                    .at(table.location(c));
                    let known: Vec<&str> = catalogue.keys().map(String::as_str).collect();
                    d = match did_you_mean(code, known.iter().copied()) {
                        Some(s) => d.hint(format!(
                            "có phải ý bạn là \u{201c}{s}\u{201d}? Các mã có: {}",
                            known.join(", ")
                        )),
                        None => d.hint(format!(
                            "các mã có: {}; hoặc thêm thủ tục vào tệp danh mục",
                            known.join(", ")
                        )),
                    };
                    errors.push(d);
                }
            }
        }
        let sequence = match get_cell("sequence").filter(|c| !c.value.trim().is_empty()) {
            Some(c) => match parse_int(&c.value, (&table, c)) {
                Ok(n) => u32::try_from(n).unwrap_or(u32::MAX),
                Err(d) => {
                    errors.push(d);
                    0
                }
            },
            // A status change is itself a revision.
            None => u32::from(status != SessionStatus::Scheduled),
        };
        let changed = match get_cell("changed").filter(|c| !c.value.trim().is_empty()) {
            Some(c) => match parse_date(&c.value, (&table, c)) {
                Ok(d) => Some(d),
                Err(d) => {
                    errors.push(d);
                    None
                }
            },
            None => None,
        };
        if errors.error_count() > before {
            continue;
        }
        if let (Some(date), Some(start), Some(end)) = (date, start, end) {
            out.push(Session {
                date,
                start,
                end,
                place,
                address: cell_text(&table, row, "address"),
                group: cell_text(&table, row, "group"),
                staff: cell_text(&table, row, "staff"),
                services,
                status,
                note,
                sequence,
                changed,
                generated: false,
                row: Some(row.row),
            });
        }
    }
    // Overlaps at the same place.
    for i in 0..out.len() {
        for j in 0..i {
            if overlaps(&out[i], &out[j]) {
                let (a, b) = (&out[j], &out[i]);
                errors.push(
                    Diagnostic::error(format!(
                        "{} có hai buổi trùng giờ ngày {}: {}–{} (dòng {}) và {}–{}",
                        b.place,
                        format::date_short(b.date),
                        hm(a.start),
                        hm(a.end),
                        a.row.unwrap_or(0),
                        hm(b.start),
                        hm(b.end)
                    ))
                    .at(Location::line(&table.source, b.row.unwrap_or(0)))
                    .hint("một địa điểm chỉ tổ chức một buổi tại một thời điểm; sửa giờ, hoặc ghi \u{201c}đã hủy\u{201d}/\u{201c}dời lịch\u{201d} cho buổi không còn diễn ra"),
                );
            }
        }
    }
    out
}

/// The session's id: `2026-12-12-nvh-to-dan-pho-so-3`, with `-2`, `-3` for further
/// sessions of the same place and day (in start order).
fn session_ids(sessions: &[Session]) -> Vec<String> {
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    sessions
        .iter()
        .map(|s| {
            let base = format!("{}-{}", s.date.format("%Y-%m-%d"), slugify(&s.place));
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}-{n}") }
        })
        .collect()
}

fn host_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host.is_empty() {
        "congkhai.invalid".to_string()
    } else {
        host.to_string()
    }
}

impl RecordKind for ServiceDays {
    fn name(&self) -> &'static str {
        "service_days"
    }

    fn label(&self) -> &'static str {
        "Lịch hỗ trợ thủ tục hành chính"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let catalogue = load_catalogue(input, ctx, &mut errors);
        let empty = BTreeMap::new();
        let services = catalogue.as_ref().map_or(&empty, |(_, m)| m);
        let mut sessions = load_sessions(input, ctx, services, catalogue.is_some(), &mut errors);
        let rules = parse_recurring(input, &mut errors);
        for r in &rules {
            for code in &r.services {
                if catalogue.is_some() && !services.contains_key(code) {
                    errors.push(
                        Diagnostic::error(format!(
                            "mã thủ tục \u{201c}{code}\u{201d} (lịch định kỳ) không có trong danh mục"
                        ))
                        .at(input.field_location("recurring.services")),
                    );
                }
            }
        }
        let updated = match record_date(input, input.record.get("updated"), "updated") {
            Ok(d) => d,
            Err(d) => {
                errors.push(d);
                None
            }
        };
        if errors.has_errors() {
            return Err(errors);
        }
        // Generated sessions: never on a day the table already has for that place.
        let taken: BTreeSet<(NaiveDate, String)> =
            sessions.iter().map(|s| (s.date, s.place_key())).collect();
        for r in &rules {
            for date in recurring_dates(ctx.today, r.weekday, &r.weeks, r.months) {
                if taken.contains(&(date, name_key(&r.place))) {
                    continue;
                }
                sessions.push(Session {
                    date,
                    start: r.start,
                    end: r.end,
                    place: r.place.clone(),
                    address: r.address.clone(),
                    group: r.group.clone(),
                    staff: r.staff.clone(),
                    services: r.services.clone(),
                    status: SessionStatus::Scheduled,
                    note: String::new(),
                    sequence: 0,
                    changed: None,
                    generated: true,
                    row: None,
                });
            }
        }
        // Two rules may still collide with each other.
        for i in 0..sessions.len() {
            for j in 0..i {
                if sessions[i].generated && overlaps(&sessions[i], &sessions[j]) {
                    errors.push(
                        Diagnostic::error(format!(
                            "lịch định kỳ tạo hai buổi trùng giờ tại {} ngày {}",
                            sessions[i].place,
                            format::date_short(sessions[i].date)
                        ))
                        .at(input.field_location("recurring")),
                    );
                }
            }
        }
        if errors.has_errors() {
            return Err(errors);
        }
        sessions.sort_by(|a, b| {
            (a.date, a.start, name_key(&a.place)).cmp(&(b.date, b.start, name_key(&b.place)))
        });
        Ok(model(input, ctx, &sessions, services, updated))
    }
}

fn model(
    input: &RecordInput,
    ctx: &KindContext,
    sessions: &[Session],
    catalogue: &BTreeMap<String, Service>,
    updated: Option<NaiveDate>,
) -> RecordOutput {
    let cfg = ctx.config;
    let base = input.path.to_string();
    let permalink = |p: &str| cfg.permalink(p);
    let host = host_of(&cfg.base_url);
    let ids = session_ids(sessions);
    let ward = cfg
        .ward
        .as_ref()
        .map(|w| w.name.clone())
        .unwrap_or_default();

    // Places, in order of first appearance by name key, sorted by name.
    let mut places: BTreeMap<String, (String, String)> = BTreeMap::new();
    for s in sessions {
        places
            .entry(slugify(&s.place))
            .or_insert_with(|| (s.place.clone(), s.address.clone()));
    }
    let place_url = |slug: &str| permalink(&format!("{base}{slug}/"));
    let place_ics = |slug: &str| format!("lich-{slug}.ics");

    let session_view = |i: usize| -> Value {
        let s = &sessions[i];
        let slug = slugify(&s.place);
        let svc: Vec<Value> = s
            .services
            .iter()
            .filter_map(|c| catalogue.get(c))
            .map(|c| json!(c))
            .collect();
        json!({
            "id": ids[i],
            "url": permalink(&format!("{base}{}/", ids[i])),
            "date": s.date.format("%Y-%m-%d").to_string(),
            "weekday": format::weekday(s.date),
            "start": hm(s.start),
            "end": hm(s.end),
            "start_iso": iso_local(s.date, s.start),
            "end_iso": iso_local(s.date, s.end),
            "place": s.place,
            "place_slug": slug,
            "place_url": place_url(&slug),
            "address": s.address,
            "group": s.group,
            "staff": s.staff,
            "services": svc,
            "status": s.status,
            "status_label": s.status.label(),
            "note": s.note,
            "generated": s.generated,
            "sequence": s.sequence,
            "upcoming": s.date >= ctx.today,
        })
    };
    let views: Vec<Value> = (0..sessions.len()).map(session_view).collect();
    let upcoming: Vec<Value> = views
        .iter()
        .zip(sessions)
        .filter(|(_, s)| s.date >= ctx.today)
        .map(|(v, _)| v.clone())
        .collect();
    let mut past: Vec<Value> = views
        .iter()
        .zip(sessions)
        .filter(|(_, s)| s.date < ctx.today)
        .map(|(v, _)| v.clone())
        .collect();
    past.reverse();

    let dl_url = |f: &str| permalink(&format!("{base}{f}"));
    let place_list: Vec<Value> = places
        .iter()
        .map(|(slug, (name, address))| {
            let n_up = sessions
                .iter()
                .filter(|s| slugify(&s.place) == *slug && s.date >= ctx.today)
                .count();
            json!({
                "slug": slug, "name": name, "address": address,
                "url": place_url(slug), "ics_url": dl_url(&place_ics(slug)),
                "upcoming_count": n_up,
            })
        })
        .collect();

    // Months that have sessions, for posters.
    let months: BTreeSet<(i32, u32)> = sessions
        .iter()
        .map(|s| (s.date.year(), s.date.month()))
        .collect();
    let month_view = |(y, m): (i32, u32)| {
        json!({
            "key": format!("{y:04}-{m:02}"),
            "label": format!("Tháng {m}/{y}"),
            "url": permalink(&format!("{base}in-{y:04}-{m:02}/")),
        })
    };
    let month_list: Vec<Value> = months.iter().map(|&k| month_view(k)).collect();
    let services_list: Vec<Value> = catalogue.values().map(|c| json!(c)).collect();

    let record = json!({
        "today": ctx.today.format("%Y-%m-%d").to_string(),
        "upcoming": upcoming,
        "past": past,
        "places": place_list,
        "months": month_list,
        "services": services_list,
        "ics_url": dl_url("lich.ics"),
        "csv_url": dl_url("lich.csv"),
        "script_url": permalink("/js/lich.js"),
        "count": sessions.len(),
    });

    // Subpages.
    let mut subpages = Vec::new();
    for (slug, (name, address)) in &places {
        let list: Vec<Value> = views
            .iter()
            .zip(sessions)
            .filter(|(_, s)| slugify(&s.place) == *slug)
            .map(|(v, _)| v.clone())
            .collect();
        let (up, pa): (Vec<Value>, Vec<Value>) = list
            .into_iter()
            .partition(|v| v["upcoming"].as_bool().unwrap_or(false));
        let mut pa = pa;
        pa.reverse();
        subpages.push(SubPage {
            path: format!("{base}{slug}/"),
            title: format!("Lịch hỗ trợ thủ tục tại {name}"),
            template: "kinds/service_days_place.html".into(),
            record: json!({
                "name": name, "address": address, "upcoming": up, "past": pa,
                "ics_url": dl_url(&place_ics(slug)), "schedule_url": permalink(&base),
                "script_url": permalink("/js/lich.js"),
            }),
            search_text: format!("{name} {address}"),
            indexable: true,
        });
    }
    for (i, s) in sessions.iter().enumerate() {
        let v = &views[i];
        let event_status = match s.status {
            SessionStatus::Scheduled => "https://schema.org/EventScheduled",
            SessionStatus::Moved => "https://schema.org/EventRescheduled",
            SessionStatus::Cancelled => "https://schema.org/EventCancelled",
        };
        let names: Vec<&str> = s
            .services
            .iter()
            .filter_map(|c| catalogue.get(c).map(|x| x.name.as_str()))
            .collect();
        let json_ld = json!({
            "@context": "https://schema.org",
            "@type": "Event",
            "name": format!("Hỗ trợ thủ tục hành chính tại {}", s.place),
            "startDate": iso_local(s.date, s.start),
            "endDate": iso_local(s.date, s.end),
            "eventStatus": event_status,
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "isAccessibleForFree": true,
            "inLanguage": "vi",
            "description": format!("Cán bộ phường hướng dẫn, hỗ trợ miễn phí: {}.", names.join("; ")),
            "location": {"@type": "Place", "name": s.place, "address": s.address},
            "organizer": {"@type": "GovernmentOrganization", "name": ward, "url": permalink("/")},
            "url": v["url"],
        });
        let mut rec = v.clone();
        if let Some(m) = rec.as_object_mut() {
            m.insert("json_ld".into(), json_ld);
            m.insert("schedule_url".into(), json!(permalink(&base)));
            m.insert(
                "ics_url".into(),
                json!(dl_url(&place_ics(&slugify(&s.place)))),
            );
        }
        subpages.push(SubPage {
            path: format!("{base}{}/", ids[i]),
            title: format!(
                "{} ngày {} tại {}",
                if s.status == SessionStatus::Cancelled {
                    "Đã hủy: buổi hỗ trợ"
                } else {
                    "Buổi hỗ trợ thủ tục"
                },
                format::date_short(s.date),
                s.place
            ),
            template: "kinds/service_days_session.html".into(),
            record: rec,
            search_text: format!("{} {} {}", s.place, s.address, names.join(" ")),
            indexable: true,
        });
    }
    let qr = poster_qr_svg(&permalink(&base));
    for &(y, m) in &months {
        let list: Vec<Value> = views
            .iter()
            .zip(sessions)
            .filter(|(_, s)| s.date.year() == y && s.date.month() == m)
            .map(|(v, _)| v.clone())
            .collect();
        let codes: BTreeSet<&String> = sessions
            .iter()
            .filter(|s| s.date.year() == y && s.date.month() == m)
            .flat_map(|s| &s.services)
            .collect();
        let svc: Vec<Value> = codes
            .iter()
            .filter_map(|c| catalogue.get(*c))
            .map(|c| json!(c))
            .collect();
        subpages.push(SubPage {
            path: format!("{base}in-{y:04}-{m:02}/"),
            title: format!("Lịch hỗ trợ thủ tục hành chính tháng {m}/{y}"),
            template: "kinds/service_days_poster.html".into(),
            record: json!({
                "month_label": format!("tháng {m} năm {y}"),
                "sessions": list, "services": svc,
                "qr_svg": qr, "qr_url": permalink(&base),
            }),
            search_text: String::new(),
            indexable: false,
        });
    }

    // Downloads.
    let stamp_of = |s: &Session| -> NaiveDateTime {
        s.changed
            .or(updated)
            .unwrap_or(s.date)
            .and_time(NaiveTime::MIN)
    };
    let event = |i: usize| -> ical::Event {
        let s = &sessions[i];
        let names: Vec<String> = s
            .services
            .iter()
            .filter_map(|c| catalogue.get(c))
            .map(|c| {
                if c.bring.is_empty() {
                    c.name.clone()
                } else {
                    format!("{} (mang theo: {})", c.name, c.bring.join("; "))
                }
            })
            .collect();
        let mut desc = format!("Hỗ trợ miễn phí: {}.", names.join(", "));
        if !s.staff.is_empty() {
            desc.push_str(&format!("\nCán bộ hỗ trợ: {}.", s.staff));
        }
        if !s.note.is_empty() {
            desc.push_str(&format!("\n{}: {}", s.status.label(), s.note));
        }
        ical::Event {
            uid: format!("{}@{host}", ids[i]),
            stamp: stamp_of(s),
            start: s.date.and_time(s.start),
            end: s.date.and_time(s.end),
            summary: match s.status {
                SessionStatus::Scheduled => format!("Hỗ trợ thủ tục hành chính – {}", s.place),
                _ => format!(
                    "{}: Hỗ trợ thủ tục hành chính – {}",
                    s.status.label().to_uppercase(),
                    s.place
                ),
            },
            location: if s.address.is_empty() {
                s.place.clone()
            } else {
                format!("{}, {}", s.place, s.address)
            },
            description: desc,
            url: Some(permalink(&format!("{base}{}/", ids[i]))),
            status: match s.status {
                SessionStatus::Cancelled => ical::EventStatus::Cancelled,
                SessionStatus::Moved => ical::EventStatus::Cancelled,
                SessionStatus::Scheduled => ical::EventStatus::Confirmed,
            },
            sequence: s.sequence,
        }
    };
    let mut downloads = Vec::new();
    let all: Vec<ical::Event> = (0..sessions.len()).map(event).collect();
    downloads.push(Download {
        file_name: "lich.ics".into(),
        title: format!("Lịch tất cả các buổi (iCalendar) – {}", input.title),
        format: "ICS".into(),
        bytes: ical::calendar(&format!("{} – {ward}", input.title), &all).into_bytes(),
        key_column: None,
    });
    for (slug, (name, _)) in &places {
        let evs: Vec<ical::Event> = (0..sessions.len())
            .filter(|&i| slugify(&sessions[i].place) == *slug)
            .map(event)
            .collect();
        downloads.push(Download {
            file_name: place_ics(slug),
            title: format!("Lịch tại {name} (iCalendar)"),
            format: "ICS".into(),
            bytes: ical::calendar(&format!("Hỗ trợ thủ tục – {name}"), &evs).into_bytes(),
            key_column: None,
        });
    }
    downloads.push(Download {
        file_name: "lich.csv".into(),
        title: "Lịch hỗ trợ (bảng CSV)".into(),
        format: "CSV".into(),
        bytes: csv_bytes(sessions, &ids),
        key_column: Some("id".into()),
    });

    let search_text = places
        .values()
        .map(|(n, a)| format!("{n} {a}"))
        .chain(catalogue.values().map(|c| c.name.clone()))
        .collect::<Vec<_>>()
        .join(" ");
    RecordOutput {
        record,
        subpages,
        downloads,
        search_text,
        ..Default::default()
    }
}

fn csv_bytes(sessions: &[Session], ids: &[String]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "id", "date", "start", "end", "place", "address", "group", "staff", "services", "status",
        "note", "sequence",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for (s, id) in sessions.iter().zip(ids) {
        rows.push(vec![
            id.clone(),
            s.date.format("%Y-%m-%d").to_string(),
            hm(s.start),
            hm(s.end),
            s.place.clone(),
            s.address.clone(),
            s.group.clone(),
            s.staff.clone(),
            s.services.join(", "),
            serde_json::to_value(s.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            s.note.clone(),
            s.sequence.to_string(),
        ]);
    }
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&r);
    }
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(w.into_inner().unwrap_or_default());
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }
    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").expect("test time")
    }
    fn sess(place: &str, date: &str, a: &str, b: &str, status: SessionStatus) -> Session {
        Session {
            date: d(date),
            start: t(a),
            end: t(b),
            place: place.into(),
            address: String::new(),
            group: String::new(),
            staff: String::new(),
            services: vec!["KS".into()],
            status,
            note: String::new(),
            sequence: 0,
            changed: None,
            generated: false,
            row: Some(2),
        }
    }

    #[test]
    fn overlap_edges() {
        use SessionStatus::*;
        let base = sess("NVH Tổ 1", "2026-12-12", "08:00", "11:30", Scheduled);
        for (other, want, why) in [
            (
                sess("NVH Tổ 1", "2026-12-12", "11:30", "12:00", Scheduled),
                false,
                "touching end",
            ),
            (
                sess("NVH Tổ 1", "2026-12-12", "07:00", "08:00", Scheduled),
                false,
                "touching start",
            ),
            (
                sess("NVH Tổ 1", "2026-12-12", "11:29", "12:00", Scheduled),
                true,
                "one minute over",
            ),
            (
                sess("NVH Tổ 1", "2026-12-12", "09:00", "10:00", Scheduled),
                true,
                "inside",
            ),
            (
                sess("NVH Tổ 1", "2026-12-12", "07:00", "12:00", Scheduled),
                true,
                "around",
            ),
            (
                sess("NVH Tổ 1", "2026-12-12", "08:00", "11:30", Scheduled),
                true,
                "identical",
            ),
            (
                sess("NVH tổ  1", "2026-12-12", "08:00", "11:30", Scheduled),
                true,
                "same place, other spelling",
            ),
            (
                sess("NVH Tổ 2", "2026-12-12", "08:00", "11:30", Scheduled),
                false,
                "other place",
            ),
            (
                sess("NVH Tổ 1", "2026-12-13", "08:00", "11:30", Scheduled),
                false,
                "other day",
            ),
            (
                sess("NVH Tổ 1", "2026-12-12", "08:00", "11:30", Cancelled),
                false,
                "cancelled",
            ),
            (
                sess("NVH Tổ 1", "2026-12-12", "08:00", "11:30", Moved),
                false,
                "moved",
            ),
        ] {
            assert_eq!(overlaps(&base, &other), want, "{why}");
            assert_eq!(overlaps(&other, &base), want, "{why} (symmetric)");
        }
    }

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
    fn domains_match_on_dot_boundary() {
        let allow = vec![
            "dichvucong.gov.vn".to_string(),
            "bocongan.gov.vn".to_string(),
        ];
        for (url, ok) in [
            ("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html", true),
            ("https://abc.dichvucong.gov.vn/x", true),
            ("https://DichVuCong.gov.vn", true),
            ("https://dichvucong.gov.vn.:443/x", true),
            ("https://dichvucong.gov.vn.evil.top/x", false),
            ("https://dichvucongs.top", false),
            ("https://xdichvucong.gov.vn", false),
            ("https://evil.top/dichvucong.gov.vn", false),
            ("https://dichvucong.gov.vn@evil.top/", false),
            ("http://dichvucong.gov.vn", false),
            ("dichvucong-gov.com", false),
            ("www.dichvucong.gov.vn", false),
            ("javascript:alert(1)", false),
            ("/canh-bao/cach-nhan-biet/", true),
            ("@/canh-bao/cach-nhan-biet.md", true),
            ("#cach-phong-tranh", true),
            ("tel:113", true),
            ("mailto:a@b.vn", true),
            ("cach-nhan-biet/", true),
        ] {
            assert_eq!(check_link(url, &allow).is_ok(), ok, "{url}");
        }
        assert!(!domain_allowed("gov.vn", &allow));
        assert!(
            check_link("https://dichvucong.gov.vn", &[]).is_err(),
            "empty allow-list allows nothing"
        );
    }

    #[test]
    fn recurring_dates_relative_to_today() {
        // 2026-11-23 is a Monday.
        let v = recurring_dates(d("2026-11-23"), Weekday::Sat, &[], 1);
        assert_eq!(
            v,
            vec![
                d("2026-11-28"),
                d("2026-12-05"),
                d("2026-12-12"),
                d("2026-12-19")
            ]
        );
        // Second and fourth Saturday, three months.
        let v = recurring_dates(d("2026-11-23"), Weekday::Sat, &[2, 4], 3);
        assert_eq!(
            v,
            vec![
                d("2026-11-28"),
                d("2026-12-12"),
                d("2026-12-26"),
                d("2027-01-09"),
                d("2027-01-23"),
                d("2027-02-13")
            ]
        );
        // Today itself counts.
        assert_eq!(
            recurring_dates(d("2026-11-28"), Weekday::Sat, &[], 1)[0],
            d("2026-11-28")
        );
    }

    #[test]
    fn weekdays() {
        for (s, w) in [
            ("thứ bảy", Some(Weekday::Sat)),
            ("Thứ 7", Some(Weekday::Sat)),
            ("T7", Some(Weekday::Sat)),
            ("chủ nhật", Some(Weekday::Sun)),
            ("thứ hai", Some(Weekday::Mon)),
            ("thứ tám", None),
        ] {
            assert_eq!(parse_weekday(s), w, "{s}");
        }
    }

    #[test]
    fn ids_are_stable_and_unique_per_day_and_place() {
        use SessionStatus::*;
        let v = vec![
            sess(
                "NVH Tổ dân phố Ngọc Lặc",
                "2025-12-13",
                "08:00",
                "11:30",
                Scheduled,
            ),
            sess(
                "NVH Tổ dân phố Ngọc Lặc",
                "2025-12-13",
                "14:00",
                "16:30",
                Scheduled,
            ),
            sess("NVH Mỹ Xá", "2025-12-13", "08:00", "11:30", Scheduled),
        ];
        assert_eq!(
            session_ids(&v),
            vec![
                "2025-12-13-nvh-to-dan-pho-ngoc-lac",
                "2025-12-13-nvh-to-dan-pho-ngoc-lac-2",
                "2025-12-13-nvh-my-xa"
            ]
        );
    }

    #[test]
    fn qr_is_svg() {
        let s = poster_qr_svg("https://hoaan.example.vn/lich-ho-tro/lich/");
        assert!(
            s.starts_with("<svg ") && s.ends_with("</svg>"),
            "{}",
            &s[..40.min(s.len())]
        );
    }
}
