//! Downloads of a schedule: `lich.ics` (every session), one `lich-<place>.ics` per place,
//! and `lich.csv`.

use chrono::{NaiveDateTime, NaiveTime};

use super::load::{Session, SessionStatus};
use super::{Schedule, hm, place_ics};
use crate::ical;
use crate::kinds::Download;
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
        });
    }
    out.push(Download {
        file_name: "lich.csv".into(),
        title: "Lịch hỗ trợ (bảng CSV)".into(),
        format: "CSV".into(),
        bytes: csv_bytes(schedule.sessions, &schedule.ids),
        key_column: Some("id".into()),
    });
    out
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
        description: event_description(schedule, s),
        url: Some(schedule.session_url(i)),
        // A moved session is a new row; the old date is cancelled in calendars.
        status: match s.status {
            SessionStatus::Cancelled | SessionStatus::Moved => ical::EventStatus::Cancelled,
            SessionStatus::Scheduled => ical::EventStatus::Confirmed,
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
    let mut desc = format!("Hỗ trợ miễn phí: {}.", names.join(", "));
    if !s.staff.is_empty() {
        desc.push_str(&format!("\nCán bộ hỗ trợ: {}.", s.staff));
    }
    if !s.note.is_empty() {
        desc.push_str(&format!("\n{}: {}", s.status.label(), s.note));
    }
    desc
}

/// `lich.csv`: one row per session, UTF-8 with a byte order mark (for spreadsheet apps).
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
            s.status.key().to_string(),
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
