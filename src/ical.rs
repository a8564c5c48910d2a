//! A small RFC 5545 (iCalendar) writer for published schedules.
//!
//! Hand-written on purpose: the subset we need is tiny and a dependency would not make
//! the three rules that matter — CRLF line ends, folding at 75 octets without splitting
//! a UTF-8 character, escaping of `\ ; ,` and newlines — any clearer. Times are local to
//! Asia/Ho_Chi_Minh (UTC+7, no daylight saving since 1975), declared with a VTIMEZONE so
//! every client shows them right; DTSTAMP is UTC. Output is deterministic: nothing here
//! reads the clock, the caller passes every timestamp.

use chrono::{Duration, NaiveDateTime};

/// The time zone every local time in a calendar is given in.
pub const TZID: &str = "Asia/Ho_Chi_Minh";

/// Offset of Asia/Ho_Chi_Minh from UTC, in hours (no DST).
const TZ_OFFSET_HOURS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Confirmed,
    Tentative,
    Cancelled,
}

impl EventStatus {
    fn as_str(self) -> &'static str {
        match self {
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Tentative => "TENTATIVE",
            EventStatus::Cancelled => "CANCELLED",
        }
    }
}

/// One VEVENT.
#[derive(Debug, Clone)]
pub struct Event {
    /// Globally unique and stable across builds (`20251213-nvh-ngoc-lac@host`).
    pub uid: String,
    /// When this version of the event was made, local time (converted to UTC).
    pub stamp: NaiveDateTime,
    /// Local times in Asia/Ho_Chi_Minh.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub url: Option<String>,
    pub status: EventStatus,
    /// Raised each time the event changes (RFC 5545 §3.8.7.4).
    pub sequence: u32,
}

/// A whole VCALENDAR with the time zone and the events, CRLF-terminated lines.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    let mut line = |s: &str| {
        out.push_str(&fold(s));
        out.push_str("\r\n");
    };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//congkhai//Lich cong khai//VI");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line(&format!("X-WR-CALNAME:{}", escape_text(name)));
    line(&format!("X-WR-TIMEZONE:{TZID}"));
    line("BEGIN:VTIMEZONE");
    line(&format!("TZID:{TZID}"));
    line("BEGIN:STANDARD");
    line("DTSTART:19750613T000000");
    line("TZOFFSETFROM:+0700");
    line("TZOFFSETTO:+0700");
    line("TZNAME:+07");
    line("END:STANDARD");
    line("END:VTIMEZONE");
    for e in events {
        line("BEGIN:VEVENT");
        line(&format!("UID:{}", escape_text(&e.uid)));
        line(&format!("DTSTAMP:{}", utc_stamp(e.stamp)));
        line(&format!("DTSTART;TZID={TZID}:{}", local(e.start)));
        line(&format!("DTEND;TZID={TZID}:{}", local(e.end)));
        line(&format!("SEQUENCE:{}", e.sequence));
        line(&format!("STATUS:{}", e.status.as_str()));
        line(&format!("SUMMARY:{}", escape_text(&e.summary)));
        if !e.location.is_empty() {
            line(&format!("LOCATION:{}", escape_text(&e.location)));
        }
        if !e.description.is_empty() {
            line(&format!("DESCRIPTION:{}", escape_text(&e.description)));
        }
        if let Some(url) = &e.url {
            line(&format!("URL:{url}"));
        }
        line("TRANSP:OPAQUE");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    out
}

fn local(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// A local Asia/Ho_Chi_Minh time as a UTC DATE-TIME (`…Z`).
fn utc_stamp(t: NaiveDateTime) -> String {
    (t - Duration::hours(TZ_OFFSET_HOURS))
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, newline.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Fold a content line (RFC 5545 §3.1): no line longer than 75 octets, continuation
/// lines start with one space, never splitting a UTF-8 character. Lines joined by CRLF,
/// without the final one.
pub fn fold(line: &str) -> String {
    const MAX: usize = 75;
    if line.len() <= MAX {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut used = 0;
    let mut limit = MAX;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > limit {
            out.push_str("\r\n ");
            // The leading space counts towards the next line's 75 octets.
            used = 0;
            limit = MAX - 1;
        }
        out.push(c);
        used += n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn dt(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|x| x.and_hms_opt(h, min, 0))
            .expect("valid test date")
    }

    #[test]
    fn escapes_text() {
        for (input, want) in [
            ("a,b", "a\\,b"),
            ("a;b", "a\\;b"),
            ("a\\b", "a\\\\b"),
            ("dòng 1\ndòng 2", "dòng 1\\ndòng 2"),
            ("dòng 1\r\ndòng 2", "dòng 1\\ndòng 2"),
            ("Nhà văn hóa", "Nhà văn hóa"),
        ] {
            assert_eq!(escape_text(input), want, "{input:?}");
        }
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        for len in [1usize, 74, 75, 76, 150, 151, 400] {
            for unit in ["a", "ệ", "ờ", "🙂"] {
                let mut s = String::from("DESCRIPTION:");
                while s.len() < len {
                    s.push_str(unit);
                }
                let folded = fold(&s);
                for (i, l) in folded.split("\r\n").enumerate() {
                    assert!(
                        l.len() <= 75,
                        "line {i} of {len}×{unit} has {} octets",
                        l.len()
                    );
                    if i > 0 {
                        assert!(l.starts_with(' '), "continuation starts with a space");
                    }
                }
                // Unfolding gives back the original text.
                assert_eq!(folded.replace("\r\n ", ""), s);
            }
        }
        assert_eq!(fold("SHORT"), "SHORT");
    }

    #[test]
    fn calendar_has_crlf_timezone_and_utc_stamp() {
        let e = Event {
            uid: "20251213-ngoc-lac@x".into(),
            stamp: dt(2025, 12, 1, 9, 0),
            start: dt(2025, 12, 13, 8, 0),
            end: dt(2025, 12, 13, 11, 30),
            summary: "Hỗ trợ thủ tục, miễn phí".into(),
            location: "NVH; Ngọc Lặc".into(),
            description: String::new(),
            url: None,
            status: EventStatus::Cancelled,
            sequence: 2,
        };
        let c = calendar("Lịch", &[e]);
        assert!(c.ends_with("END:VCALENDAR\r\n"));
        assert!(!c.replace("\r\n", "").contains('\n'), "only CRLF line ends");
        assert!(c.contains("DTSTAMP:20251201T020000Z\r\n"));
        assert!(c.contains("DTSTART;TZID=Asia/Ho_Chi_Minh:20251213T080000\r\n"));
        assert!(c.contains("STATUS:CANCELLED\r\n"));
        assert!(c.contains("SEQUENCE:2\r\n"));
        assert!(c.contains("SUMMARY:Hỗ trợ thủ tục\\, miễn phí\r\n"));
        assert!(c.contains("LOCATION:NVH\\; Ngọc Lặc\r\n"));
    }

    #[test]
    fn stamp_crosses_midnight_to_utc() {
        assert_eq!(utc_stamp(dt(2026, 1, 1, 3, 0)), "20251231T200000Z");
    }
}
