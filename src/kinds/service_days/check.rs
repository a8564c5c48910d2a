//! Check: pure rules of a schedule — clashing sessions, official links, recurring dates,
//! weekdays, session ids — and the diagnostics for clashes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};

use super::hm;
use super::load::{RecurringRule, Service, Session, SessionStatus};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format;
use crate::kinds::RecordInput;
use crate::text::{fold, name_key, slugify};

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

/// One error per clashing pair of table sessions, at the later row.
pub(super) fn report_table_overlaps(sessions: &[Session], source: &Path, errors: &mut Diagnostics) {
    for i in 0..sessions.len() {
        for j in 0..i {
            if overlaps(&sessions[i], &sessions[j]) {
                let (a, b) = (&sessions[j], &sessions[i]);
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
                    .at(Location::line(source, b.row.unwrap_or(0)))
                    .hint("một địa điểm chỉ tổ chức một buổi tại một thời điểm; sửa giờ, hoặc ghi \u{201c}đã hủy\u{201d}/\u{201c}dời lịch\u{201d} cho buổi không còn diễn ra"),
                );
            }
        }
    }
}

/// Every service code of a recurring rule must be in the catalogue (when it loaded).
pub(super) fn check_rule_codes(
    input: &RecordInput,
    rules: &[RecurringRule],
    catalogue: Option<&BTreeMap<String, Service>>,
    errors: &mut Diagnostics,
) {
    let Some(catalogue) = catalogue else {
        return;
    };
    for code in rules.iter().flat_map(|r| &r.services) {
        if !catalogue.contains_key(code) {
            errors.push(
                Diagnostic::error(format!(
                    "mã thủ tục \u{201c}{code}\u{201d} (lịch định kỳ) không có trong danh mục"
                ))
                .at(input.field_location("recurring.services")),
            );
        }
    }
}

/// Sessions the rules make between their fixed first and last days (past ones too: they
/// stay published as held), never on a day the table already has for that place.
pub(super) fn generate_sessions(rules: &[RecurringRule], table: &[Session]) -> Vec<Session> {
    let taken: BTreeSet<(NaiveDate, String)> =
        table.iter().map(|s| (s.date, s.place_key())).collect();
    let mut out = Vec::new();
    for r in rules {
        for date in recurring_dates(r.from, r.until, r.weekday, &r.weeks) {
            if taken.contains(&(date, name_key(&r.place))) {
                continue;
            }
            out.push(Session {
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
    out
}

/// Two rules may still make sessions that clash with each other (or with the table).
pub(super) fn report_generated_overlaps(
    input: &RecordInput,
    sessions: &[Session],
    errors: &mut Diagnostics,
) {
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

/// A scheme-less text that still names a domain (`dichvucong-gov.com/x`), not a page
/// file of the site (`trang.html`).
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

/// Dates from `from` to `until` (both inclusive) falling on `weekday`, restricted to the
/// given weeks of the month (1 = first such weekday of the month) when `weeks` is not
/// empty. Fixed dates: the result does not depend on the build date.
pub fn recurring_dates(
    from: NaiveDate,
    until: NaiveDate,
    weekday: Weekday,
    weeks: &[u32],
) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = from;
    while d <= until {
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

/// The session's id: `2026-12-12-nvh-to-dan-pho-so-3`, with `-2`, `-3` for further
/// sessions of the same place and day (in start order).
pub(super) fn session_ids(sessions: &[Session]) -> Vec<String> {
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

/// The host of `base_url`, for iCalendar UIDs; a reserved name when there is none.
pub(super) fn host_of(base_url: &str) -> String {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host.is_empty() {
        "congkhai.invalid".to_string()
    } else {
        host.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

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
    fn table_overlaps_are_reported_once_per_pair() {
        use SessionStatus::*;
        for (sessions, want) in [
            (vec![], 0),
            (
                vec![
                    sess("NVH Tổ 1", "2026-12-12", "08:00", "11:30", Scheduled),
                    sess("NVH Tổ 1", "2026-12-12", "11:30", "12:00", Scheduled),
                ],
                0,
            ),
            (
                vec![
                    sess("NVH Tổ 1", "2026-12-12", "08:00", "11:30", Scheduled),
                    sess("NVH Tổ 1", "2026-12-12", "09:00", "10:00", Scheduled),
                ],
                1,
            ),
            (
                vec![
                    sess("NVH Tổ 1", "2026-12-12", "08:00", "11:30", Scheduled),
                    sess("NVH Tổ 1", "2026-12-12", "09:00", "10:00", Scheduled),
                    sess("NVH Tổ 1", "2026-12-12", "10:00", "11:00", Scheduled),
                ],
                2,
            ),
        ] {
            let mut errors = Diagnostics::new();
            report_table_overlaps(&sessions, Path::new("lich.csv"), &mut errors);
            assert_eq!(errors.error_count(), want, "{sessions:?}");
        }
    }

    #[test]
    fn generated_sessions_skip_days_the_table_has() {
        let rule = RecurringRule {
            weekday: Weekday::Sat,
            weeks: vec![],
            from: d("2026-11-23"),
            until: d("2026-12-22"),
            start: t("08:00"),
            end: t("11:30"),
            place: "NVH Tổ 1".into(),
            address: String::new(),
            group: String::new(),
            staff: String::new(),
            services: vec!["KS".into()],
        };
        // 2026-11-23 is a Monday: Saturdays 28/11, 5/12, 12/12, 19/12.
        for (table, want) in [
            (vec![], 4),
            (
                vec![sess(
                    "NVH tổ 1",
                    "2026-12-05",
                    "14:00",
                    "16:00",
                    SessionStatus::Scheduled,
                )],
                3,
            ),
            (
                vec![sess(
                    "NVH Tổ 2",
                    "2026-12-05",
                    "08:00",
                    "11:30",
                    SessionStatus::Scheduled,
                )],
                4,
            ),
        ] {
            let made = generate_sessions(std::slice::from_ref(&rule), &table);
            assert_eq!(made.len(), want, "{table:?}");
            assert!(made.iter().all(|s| s.generated && s.row.is_none()));
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
            ("trang.html", true),
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
    fn recurring_dates_between_fixed_days() {
        // 2026-11-23 is a Monday.
        let v = recurring_dates(d("2026-11-23"), d("2026-12-22"), Weekday::Sat, &[]);
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
        let v = recurring_dates(d("2026-11-23"), d("2027-02-22"), Weekday::Sat, &[2, 4]);
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
        // Both ends count.
        assert_eq!(
            recurring_dates(d("2026-11-28"), d("2026-11-28"), Weekday::Sat, &[]),
            vec![d("2026-11-28")]
        );
        assert!(recurring_dates(d("2026-11-29"), d("2026-11-28"), Weekday::Sat, &[]).is_empty());
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
    fn hosts_for_calendar_uids() {
        for (url, want) in [
            ("https://hoaan.example.vn/", "hoaan.example.vn"),
            ("https://hoaan.example.vn:8443/x", "hoaan.example.vn"),
            ("hoaan.example.vn", "hoaan.example.vn"),
            ("", "congkhai.invalid"),
            ("https:///x", "congkhai.invalid"),
        ] {
            assert_eq!(host_of(url), want, "{url:?}");
        }
    }
}
