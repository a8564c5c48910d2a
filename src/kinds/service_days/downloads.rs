//! Downloads of a schedule: `lich.ics` (every session), one `lich-<place>.ics` per place,
//! one `buoi-<session id>.ics` per session (the same VEVENT as in the feeds, alone), and
//! `lich.csv`.

use chrono::{NaiveDateTime, NaiveTime};

use super::load::{Session, SessionStatus};
use super::{Schedule, hm, place_ics, session_ics};
use crate::ical;
use crate::kinds::Download;
use crate::kinds::columns::Column;
use crate::kinds::files::TableFiles;
use crate::text::slugify;

/// Every download of the schedule, in the order the page lists them.
pub(super) fn downloads(schedule: &Schedule, title: &str) -> Vec<Download> {
    let ward = &schedule.ward;
    let all: Vec<ical::Event> = (0..schedule.sessions.len())
        .map(|i| event(schedule, i))
        .collect();
    let mut out = vec![Download {
        file_name: "lich.ics".into(),
        title: format!("Lịch tất cả các buổi (iCalendar) – {title}"),
        format: "ICS".into(),
        bytes: ical::calendar(&format!("{title} – {ward}"), &all).into_bytes(),
        key_column: None,
        ..Default::default()
    }];
    for (slug, (name, _)) in &schedule.places {
        let events: Vec<ical::Event> = (0..schedule.sessions.len())
            .filter(|&i| slugify(&schedule.sessions[i].place) == *slug)
            .map(|i| event(schedule, i))
            .collect();
        out.push(Download {
            file_name: place_ics(slug),
            title: format!("Lịch tại {name} (iCalendar)"),
            format: "ICS".into(),
            bytes: ical::calendar(&format!("Hỗ trợ thủ tục – {name}"), &events).into_bytes(),
            key_column: None,
            ..Default::default()
        });
    }
    out.extend(TABLE.downloads(&csv_rows(schedule.sessions, &schedule.ids)));
    if schedule.has_catalogue {
        out.extend(CATALOGUE_TABLE.downloads(&catalogue_rows(schedule)));
    }
    // One calendar per session, for the session page's "add to calendar" link: the very
    // event of the feeds (same UID, SEQUENCE and STATUS, so a phone that already has the
    // session from a feed updates it instead of adding a second one).
    for (i, s) in schedule.sessions.iter().enumerate() {
        let date = crate::format::date_short(s.date);
        out.push(Download {
            file_name: session_ics(&schedule.ids[i]),
            title: format!("Buổi ngày {date} tại {} (iCalendar)", s.place),
            format: "ICS".into(),
            bytes: ical::calendar(
                &format!("Hỗ trợ thủ tục ngày {date} – {}", s.place),
                &[event(schedule, i)],
            )
            .into_bytes(),
            key_column: None,
            unlisted: true,
            ..Default::default()
        });
    }
    out
}

/// Columns of `lich.csv` / `lich.json`, in the order of [`csv_rows`].
pub(crate) const COLUMNS: &[Column] = &[
    Column::text(
        "Mã buổi",
        "Mã riêng của buổi hỗ trợ, không đổi khi buổi được sửa.",
    )
    .required(),
    Column::date("Ngày", "Ngày diễn ra buổi hỗ trợ.").required(),
    Column::time("Giờ bắt đầu", "Giờ bắt đầu (giờ Việt Nam).").required(),
    Column::time("Giờ kết thúc", "Giờ kết thúc (giờ Việt Nam).").required(),
    Column::text("Địa điểm", "Nơi tổ chức buổi hỗ trợ.").required(),
    Column::text("Địa chỉ", "Địa chỉ của địa điểm."),
    Column::text(
        "Tổ dân phố",
        "Tổ dân phố được ưu tiên hỗ trợ trong buổi này, nếu có.",
    ),
    Column::text("Cán bộ hỗ trợ", "Cán bộ, đoàn viên được phân công hỗ trợ."),
    Column::text(
        "Thủ tục hỗ trợ",
        "Mã các thủ tục được hỗ trợ, cách nhau bởi dấu phẩy.",
    )
    .required(),
    Column::text(
        "Trạng thái",
        "Trạng thái cán bộ ghi cho buổi: theo lịch, đã thực hiện, đã dời, tạm hoãn hay đã hủy. Buổi \u{201c}Theo lịch\u{201d} có ngày đã qua là buổi đã thực hiện; bảng không đổi khi ngày trôi qua.",
    )
    .required()
    .one_of(&[
        "Theo lịch",
        "Đã thực hiện",
        "Đã dời lịch",
        "Tạm hoãn",
        "Đã hủy",
    ]),
    Column::text("Ghi chú", "Lý do dời, hủy hoặc ghi chú khác."),
    Column::count(
        "Lần sửa",
        "Số lần buổi này đã được sửa (lịch điện tử dùng số này để cập nhật).",
    ),
];

/// The schedule's table is published as `lich.csv` (and `lich.json`).
pub(super) const TABLE_STEM: &str = "lich";

const TABLE: TableFiles<'static> = TableFiles {
    stem: TABLE_STEM,
    title: "Lịch hỗ trợ, bảng mỗi buổi một dòng",
    description: "Mỗi dòng là một buổi hỗ trợ thủ tục hành chính: ngày, giờ, địa điểm, thủ tục được hỗ trợ và trạng thái (theo lịch, đã dời, đã hủy).",
    columns: COLUMNS,
    key: Some("Mã buổi"),
    unique_key: true,
};

/// Columns of `dich-vu.csv` / `dich-vu.json` (the catalogue), in the order of
/// [`catalogue_rows`].
pub(crate) const CATALOGUE_COLUMNS: &[Column] = &[
    Column::text("Mã", "Mã ngắn của thủ tục, dùng trong bảng lịch.").required(),
    Column::text("Tên thủ tục", "Tên thủ tục hành chính được hỗ trợ.").required(),
    Column::text(
        "Giấy tờ cần mang",
        "Các giấy tờ người dân cần mang, cách nhau bởi dấu chấm phẩy.",
    ),
    Column::text("Lệ phí", "Lệ phí như danh mục ghi; hướng dẫn tại buổi hỗ trợ luôn miễn phí."),
    Column::text(
        "Thời hạn giải quyết",
        "Thời hạn giải quyết hồ sơ như danh mục ghi, ví dụ \u{201c}Trong ngày\u{201d}, \u{201c}03 ngày làm việc\u{201d}.",
    ),
    Column::count(
        "Số ngày làm việc",
        "Thời hạn giải quyết tính bằng ngày làm việc (0 = trong ngày); để trống khi thời hạn không ghi theo ngày làm việc.",
    )
    .unit("ngày làm việc"),
    Column::text("Đường dẫn", "Trang thủ tục trên cổng dịch vụ công chính thức."),
];

const CATALOGUE_TABLE: TableFiles<'static> = TableFiles {
    stem: "dich-vu",
    title: "Danh mục thủ tục được hỗ trợ",
    description: "Mỗi dòng là một thủ tục hành chính được hỗ trợ tại các buổi: giấy tờ cần mang, lệ phí, thời hạn giải quyết.",
    columns: CATALOGUE_COLUMNS,
    key: Some("Mã"),
    unique_key: true,
};

/// The rows of `dich-vu.csv` / `dich-vu.json`: one per procedure, ordered by code.
fn catalogue_rows(schedule: &Schedule) -> Vec<Vec<String>> {
    schedule
        .catalogue
        .values()
        .map(|c| {
            vec![
                c.code.clone(),
                c.name.clone(),
                c.bring.join("; "),
                c.fee.clone(),
                c.processing.clone(),
                c.working_days.map(|n| n.to_string()).unwrap_or_default(),
                c.link.clone(),
            ]
        })
        .collect()
}

/// The calendar event of session `i`.
fn event(schedule: &Schedule, i: usize) -> ical::Event {
    let s = &schedule.sessions[i];
    ical::Event {
        uid: format!("{}@{}", schedule.ids[i], schedule.host),
        stamp: stamp(s, schedule.updated),
        start: s.date.and_time(s.start),
        end: s.date.and_time(s.end),
        summary: match s.status {
            SessionStatus::Scheduled | SessionStatus::Held => {
                format!("Hỗ trợ thủ tục hành chính – {}", s.place)
            }
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
        description: event_description(schedule, s),
        url: Some(schedule.session_url(i)),
        // A moved session is a new row; the old date is cancelled in calendars.
        status: match s.status {
            SessionStatus::Cancelled | SessionStatus::Moved | SessionStatus::Postponed => {
                ical::EventStatus::Cancelled
            }
            SessionStatus::Scheduled | SessionStatus::Held => ical::EventStatus::Confirmed,
        },
        sequence: s.sequence,
    }
}

/// DTSTAMP: the row's change date, else the record's `updated`, else the session's day,
/// so the calendar bytes depend on the data only.
fn stamp(s: &Session, updated: Option<chrono::NaiveDate>) -> NaiveDateTime {
    s.changed
        .or(updated)
        .unwrap_or(s.date)
        .and_time(NaiveTime::MIN)
}

/// What is supported and what to bring, the staff, and the reason of a change.
fn event_description(schedule: &Schedule, s: &Session) -> String {
    let names: Vec<String> = schedule
        .services_of(s)
        .map(|c| {
            if c.bring.is_empty() {
                c.name.clone()
            } else {
                format!("{} (mang theo: {})", c.name, c.bring.join("; "))
            }
        })
        .collect();
    let mut desc = if names.is_empty() {
        "Hỗ trợ miễn phí các thủ tục hành chính.".to_string()
    } else {
        format!("Hỗ trợ miễn phí: {}.", names.join(", "))
    };
    if !s.staff.is_empty() {
        desc.push_str(&format!("\nCán bộ hỗ trợ: {}.", s.staff));
    }
    if !s.note.is_empty() {
        desc.push_str(&format!("\n{}: {}", s.status.label(), s.note));
    }
    desc
}

/// The rows of `lich.csv` / `lich.json`: one per session.
fn csv_rows(sessions: &[Session], ids: &[String]) -> Vec<Vec<String>> {
    sessions
        .iter()
        .zip(ids)
        .map(|(s, id)| {
            vec![
                id.clone(),
                s.date.format("%Y-%m-%d").to_string(),
                hm(s.start),
                hm(s.end),
                s.place.clone(),
                s.address.clone(),
                s.group.clone(),
                s.staff.clone(),
                s.services.join(", "),
                s.status.label().to_string(),
                s.note.clone(),
                s.sequence.to_string(),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::files::assert_table;

    #[test]
    fn header_row_is_the_declared_titles() {
        let row: Vec<String> = COLUMNS.iter().map(|_| "1".to_string()).collect();
        for d in TABLE.downloads(&[row]) {
            assert_table(&d);
        }
        let labels: Vec<&str> = [
            SessionStatus::Scheduled,
            SessionStatus::Held,
            SessionStatus::Moved,
            SessionStatus::Postponed,
            SessionStatus::Cancelled,
        ]
        .iter()
        .map(|s| s.label())
        .collect();
        assert_eq!(COLUMNS[9].one_of, labels.as_slice());
        assert!(csv_rows(&[], &[]).is_empty());
        let row: Vec<String> = CATALOGUE_COLUMNS.iter().map(|_| "1".to_string()).collect();
        for d in CATALOGUE_TABLE.downloads(&[row]) {
            assert_table(&d);
        }
    }
}
