//! View: the typed `page.record` of every service_days template — the schedule, a place,
//! a session, a month's poster — and the functions that build them from the sessions.

use std::collections::BTreeSet;

use chrono::Datelike;
use serde::Serialize;

use super::load::{Service, Session, SessionStatus};
use super::{Schedule, hm, iso_local, place_ics, poster_qr_svg, session_ics};
use crate::diagnostics::Diagnostics;
use crate::format;
use crate::kinds::{PosterChecksum, SubPage, to_record};
use crate::text::slugify;

pub(super) const PLACE_TEMPLATE: &str = "kinds/service_days_place.html";
pub(super) const SESSION_TEMPLATE: &str = "kinds/service_days_session.html";
pub(super) const POSTER_TEMPLATE: &str = "kinds/service_days_poster.html";

/// `page.record` of the schedule page (`kinds/service_days.html`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ScheduleView {
    /// Build date, ISO `2026-11-29`: the schedule is "updated to" this day.
    pub today: String,
    /// Sessions on or after the build date, earliest first.
    pub upcoming: Vec<SessionView>,
    /// Sessions before the build date, latest first.
    pub past: Vec<SessionView>,
    /// Every place, ordered by its slug.
    pub places: Vec<PlaceLink>,
    /// Every month that has a session, with its printable poster, earliest first.
    pub months: Vec<PosterLink>,
    /// The whole services catalogue, ordered by code.
    pub services: Vec<Service>,
    /// Absolute URL of `lich.ics`, every session as iCalendar.
    pub ics_url: String,
    /// Absolute URL of `lich.csv`, every session as a table.
    pub csv_url: String,
    /// Absolute URL of `/js/lich.js`, which moves sessions that ended to "past".
    pub script_url: String,
    /// Number of sessions, past and upcoming.
    pub count: usize,
}

/// One session as every template shows it (`s` in `kinds/service_days_item.html`).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SessionView {
    /// Stable id and URL segment, `2026-12-12-nvh-to-dan-pho-so-3` (`-2`… for a second
    /// session at the same place and day).
    pub id: String,
    /// Absolute URL of the session's page.
    pub url: String,
    /// Date, ISO `2026-12-12`.
    pub date: String,
    /// Vietnamese weekday, `Thứ Bảy`.
    pub weekday: String,
    /// Start time, `08:00`.
    pub start: String,
    /// End time, `11:30`.
    pub end: String,
    /// Start with offset, `2026-12-12T08:00:00+07:00`.
    pub start_iso: String,
    /// End with offset, `2026-12-12T11:30:00+07:00`.
    pub end_iso: String,
    /// Place as written, `NVH Tổ dân phố số 3`.
    pub place: String,
    /// Slug of the place, `nvh-to-dan-pho-so-3`.
    pub place_slug: String,
    /// Absolute URL of the place's page.
    pub place_url: String,
    /// Street address, or empty.
    pub address: String,
    /// Residential group, or empty.
    pub group: String,
    /// Staff roles present, or empty.
    pub staff: String,
    /// Catalogue entries of the procedures supported, in the table's order.
    pub services: Vec<Service>,
    /// Status at the build date: `scheduled`, `held` (written so by staff, or a scheduled
    /// session whose day has passed), `moved`, `postponed` or `cancelled`.
    pub status: SessionStatus,
    /// Status for citizens, `Theo lịch`, `Đã thực hiện`, `Đã dời lịch`, `Tạm hoãn`,
    /// `Đã hủy`.
    pub status_label: String,
    /// Does not take place at this date and time (moved, postponed or cancelled): the page
    /// shows the notice and the reason.
    pub off: bool,
    /// Staff note (the reason when moved or cancelled), or empty.
    pub note: String,
    /// Made by the `[record.recurring]` rule rather than a table row.
    pub generated: bool,
    /// Revision number (iCalendar SEQUENCE), `0` for an unchanged session.
    pub sequence: u32,
    /// On or after the build date.
    pub upcoming: bool,
}

/// A place in the schedule page's list of places.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlaceLink {
    /// Slug, also the place page's URL segment, `nvh-to-dan-pho-so-3`.
    pub slug: String,
    /// Place as first written in the schedule.
    pub name: String,
    /// Street address of that first session, or empty.
    pub address: String,
    /// Absolute URL of the place's page.
    pub url: String,
    /// Absolute URL of the place's calendar, `lich-<slug>.ics`.
    pub ics_url: String,
    /// Number of sessions there on or after the build date.
    pub upcoming_count: usize,
}

/// A month's printable poster, in the schedule page's list.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PosterLink {
    /// Year and month, `2026-12`.
    pub key: String,
    /// For citizens, `Tháng 12/2026`.
    pub label: String,
    /// Absolute URL of the poster page, `…/in-2026-12/`.
    pub url: String,
}

/// `page.record` of a place's page (`kinds/service_days_place.html`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlaceView {
    /// Place as first written in the schedule.
    pub name: String,
    /// Street address, or empty.
    pub address: String,
    /// Sessions there on or after the build date, earliest first.
    pub upcoming: Vec<SessionView>,
    /// Sessions there before the build date, latest first.
    pub past: Vec<SessionView>,
    /// Absolute URL of the place's calendar, `lich-<slug>.ics`.
    pub ics_url: String,
    /// Absolute URL of the schedule page.
    pub schedule_url: String,
    /// Absolute URL of `/js/lich.js`.
    pub script_url: String,
}

/// `page.record` of a session's page (`kinds/service_days_session.html`): the session's
/// fields plus these.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SessionPageView {
    /// The session itself (its fields sit at the top level of `page.record`).
    #[serde(flatten)]
    pub session: SessionView,
    /// schema.org `Event`, written into the page with the `json_ld` filter.
    pub json_ld: EventJsonLd,
    /// Absolute URL of the schedule page.
    pub schedule_url: String,
    /// Absolute URL of the place's calendar, `lich-<slug>.ics`.
    pub ics_url: String,
    /// Absolute URL of this session alone as a calendar, `buoi-<id>.ics` (one event, the
    /// same UID as in the feeds; `STATUS:CANCELLED` when cancelled or moved).
    pub event_ics_url: String,
}

/// schema.org `Event` of one session (JSON-LD for search engines and calendars).
#[derive(Debug, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventJsonLd {
    /// Always `https://schema.org`.
    #[serde(rename = "@context")]
    pub context: String,
    /// Always `Event`.
    #[serde(rename = "@type")]
    pub kind: String,
    /// `Hỗ trợ thủ tục hành chính tại <place>`.
    pub name: String,
    /// Start with offset, `2026-12-12T08:00:00+07:00`.
    pub start_date: String,
    /// End with offset, `2026-12-12T11:30:00+07:00`.
    pub end_date: String,
    /// `https://schema.org/EventScheduled`, `…/EventRescheduled`, `…/EventPostponed` or
    /// `…/EventCancelled`.
    pub event_status: String,
    /// Always `https://schema.org/OfflineEventAttendanceMode`.
    pub event_attendance_mode: String,
    /// Always `true`: every session is free.
    pub is_accessible_for_free: bool,
    /// Always `vi`.
    pub in_language: String,
    /// `Cán bộ phường hướng dẫn, hỗ trợ miễn phí: <procedures>.`
    pub description: String,
    /// Where the session takes place.
    pub location: JsonLdPlace,
    /// The ward.
    pub organizer: JsonLdOrganizer,
    /// Absolute URL of the session's page.
    pub url: String,
}

/// schema.org `Place` of a session.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JsonLdPlace {
    /// Always `Place`.
    #[serde(rename = "@type")]
    pub kind: String,
    /// Place as written.
    pub name: String,
    /// Street address, or empty.
    pub address: String,
}

/// schema.org `GovernmentOrganization`: the ward.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JsonLdOrganizer {
    /// Always `GovernmentOrganization`.
    #[serde(rename = "@type")]
    pub kind: String,
    /// Ward name from `[ward] name`, or empty.
    pub name: String,
    /// Absolute URL of the site's home page.
    pub url: String,
}

/// `page.record` of a month's A4 poster (`kinds/service_days_poster.html`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PosterView {
    /// For the heading, `tháng 12 năm 2026`.
    pub month_label: String,
    /// Sessions of that month, earliest first.
    pub sessions: Vec<SessionView>,
    /// Catalogue entries of every procedure supported that month, ordered by code.
    pub services: Vec<Service>,
    /// QR code of the schedule page's URL, inline `<svg>`.
    pub qr_svg: String,
    /// The URL the QR code holds (the schedule page).
    pub qr_url: String,
    /// SHA-256 of the schedule's table `lich.csv` as published (the manifest's hash).
    pub checksum: PosterChecksum,
}

/// The view of every session, in schedule order.
pub(super) fn session_views(schedule: &Schedule) -> Vec<SessionView> {
    (0..schedule.sessions.len())
        .map(|i| session_view(schedule, i))
        .collect()
}

fn session_view(schedule: &Schedule, i: usize) -> SessionView {
    let s = &schedule.sessions[i];
    let slug = slugify(&s.place);
    SessionView {
        id: schedule.ids[i].clone(),
        url: schedule.session_url(i),
        date: s.date.format("%Y-%m-%d").to_string(),
        weekday: format::weekday(s.date).to_string(),
        start: hm(s.start),
        end: hm(s.end),
        start_iso: iso_local(s.date, s.start),
        end_iso: iso_local(s.date, s.end),
        place: s.place.clone(),
        place_url: schedule.place_url(&slug),
        place_slug: slug,
        address: s.address.clone(),
        group: s.group.clone(),
        staff: s.staff.clone(),
        services: schedule.services_of(s).cloned().collect(),
        status: s.status.as_of(s.date, schedule.today),
        status_label: s.status.as_of(s.date, schedule.today).label().to_string(),
        off: s.status.is_off(),
        note: s.note.clone(),
        generated: s.generated,
        sequence: s.sequence,
        upcoming: s.date >= schedule.today,
    }
}

/// The schedule page's record.
pub(super) fn schedule_view(schedule: &Schedule, views: &[SessionView]) -> ScheduleView {
    let upcoming: Vec<SessionView> = views.iter().filter(|v| v.upcoming).cloned().collect();
    let past: Vec<SessionView> = views
        .iter()
        .rev()
        .filter(|v| !v.upcoming)
        .cloned()
        .collect();
    let places = schedule
        .places
        .iter()
        .map(|(slug, (name, address))| PlaceLink {
            slug: slug.clone(),
            name: name.clone(),
            address: address.clone(),
            url: schedule.place_url(slug),
            ics_url: schedule.file_url(&place_ics(slug)),
            upcoming_count: schedule
                .sessions
                .iter()
                .filter(|s| slugify(&s.place) == *slug && s.date >= schedule.today)
                .count(),
        })
        .collect();
    let months = schedule
        .months()
        .into_iter()
        .map(|(y, m)| PosterLink {
            key: format!("{y:04}-{m:02}"),
            label: format!("Tháng {m}/{y}"),
            url: schedule.permalink(&poster_path(schedule, y, m)),
        })
        .collect();
    ScheduleView {
        today: schedule.today.format("%Y-%m-%d").to_string(),
        upcoming,
        past,
        places,
        months,
        services: schedule.catalogue.values().cloned().collect(),
        ics_url: schedule.file_url("lich.ics"),
        csv_url: schedule.file_url("lich.csv"),
        script_url: schedule.permalink("/js/lich.js"),
        count: schedule.sessions.len(),
    }
}

/// One page per place.
pub(super) fn place_pages(
    schedule: &Schedule,
    views: &[SessionView],
) -> Result<Vec<SubPage>, Diagnostics> {
    let mut pages = Vec::new();
    for (slug, (name, address)) in &schedule.places {
        let here = views.iter().filter(|v| v.place_slug == *slug);
        let (upcoming, mut past): (Vec<SessionView>, Vec<SessionView>) =
            here.cloned().partition(|v| v.upcoming);
        past.reverse();
        let view = PlaceView {
            name: name.clone(),
            address: address.clone(),
            upcoming,
            past,
            ics_url: schedule.file_url(&place_ics(slug)),
            schedule_url: schedule.permalink(schedule.base),
            script_url: schedule.permalink("/js/lich.js"),
        };
        pages.push(SubPage {
            path: format!("{}{slug}/", schedule.base),
            title: format!("Lịch hỗ trợ thủ tục tại {name}"),
            template: PLACE_TEMPLATE.into(),
            record: to_record(&view)?,
            search_text: format!("{name} {address}"),
            indexable: true,
        });
    }
    Ok(pages)
}

/// One page per session, with its schema.org `Event`.
pub(super) fn session_pages(
    schedule: &Schedule,
    views: &[SessionView],
) -> Result<Vec<SubPage>, Diagnostics> {
    let mut pages = Vec::new();
    for (i, (s, v)) in schedule.sessions.iter().zip(views).enumerate() {
        let names: Vec<&str> = schedule.services_of(s).map(|c| c.name.as_str()).collect();
        let view = SessionPageView {
            session: v.clone(),
            json_ld: event_json_ld(schedule, s, v, &names),
            schedule_url: schedule.permalink(schedule.base),
            ics_url: schedule.file_url(&place_ics(&v.place_slug)),
            event_ics_url: schedule.file_url(&session_ics(&v.id)),
        };
        let lead = match s.status {
            SessionStatus::Cancelled => "Đã hủy: buổi hỗ trợ",
            SessionStatus::Postponed => "Tạm hoãn: buổi hỗ trợ",
            _ => "Buổi hỗ trợ thủ tục",
        };
        pages.push(SubPage {
            path: schedule.session_path(i),
            title: format!("{lead} ngày {} tại {}", format::date_short(s.date), s.place),
            template: SESSION_TEMPLATE.into(),
            record: to_record(&view)?,
            search_text: format!("{} {} {}", s.place, s.address, names.join(" ")),
            indexable: true,
        });
    }
    Ok(pages)
}

fn event_json_ld(schedule: &Schedule, s: &Session, v: &SessionView, names: &[&str]) -> EventJsonLd {
    let event_status = match s.status {
        SessionStatus::Scheduled | SessionStatus::Held => "https://schema.org/EventScheduled",
        SessionStatus::Moved => "https://schema.org/EventRescheduled",
        SessionStatus::Postponed => "https://schema.org/EventPostponed",
        SessionStatus::Cancelled => "https://schema.org/EventCancelled",
    };
    EventJsonLd {
        context: "https://schema.org".into(),
        kind: "Event".into(),
        name: format!("Hỗ trợ thủ tục hành chính tại {}", s.place),
        start_date: v.start_iso.clone(),
        end_date: v.end_iso.clone(),
        event_status: event_status.into(),
        event_attendance_mode: "https://schema.org/OfflineEventAttendanceMode".into(),
        is_accessible_for_free: true,
        in_language: "vi".into(),
        description: if names.is_empty() {
            "Cán bộ hướng dẫn, hỗ trợ miễn phí các thủ tục hành chính.".to_string()
        } else {
            format!("Cán bộ hướng dẫn, hỗ trợ miễn phí: {}.", names.join("; "))
        },
        location: JsonLdPlace {
            kind: "Place".into(),
            name: s.place.clone(),
            address: s.address.clone(),
        },
        organizer: JsonLdOrganizer {
            kind: "GovernmentOrganization".into(),
            name: schedule.ward.clone(),
            url: schedule.permalink("/"),
        },
        url: v.url.clone(),
    }
}

fn poster_path(schedule: &Schedule, year: i32, month: u32) -> String {
    format!("{}in-{year:04}-{month:02}/", schedule.base)
}

/// One A4 poster per month that has sessions, with a QR code of the schedule page.
pub(super) fn poster_pages(
    schedule: &Schedule,
    views: &[SessionView],
    checksum: &PosterChecksum,
) -> Result<Vec<SubPage>, Diagnostics> {
    let schedule_url = schedule.permalink(schedule.base);
    let qr = poster_qr_svg(&schedule_url);
    let mut pages = Vec::new();
    for (y, m) in schedule.months() {
        let in_month = |s: &&Session| s.date.year() == y && s.date.month() == m;
        let sessions = views
            .iter()
            .zip(schedule.sessions)
            .filter(|(_, s)| in_month(s))
            .map(|(v, _)| v.clone())
            .collect();
        let codes: BTreeSet<&String> = schedule
            .sessions
            .iter()
            .filter(in_month)
            .flat_map(|s| &s.services)
            .collect();
        let view = PosterView {
            month_label: format!("tháng {m} năm {y}"),
            sessions,
            services: codes
                .into_iter()
                .filter_map(|c| schedule.catalogue.get(c))
                .cloned()
                .collect(),
            qr_svg: qr.clone(),
            qr_url: schedule_url.clone(),
            checksum: checksum.clone(),
        };
        pages.push(SubPage {
            path: poster_path(schedule, y, m),
            title: format!("Lịch hỗ trợ thủ tục hành chính tháng {m}/{y}"),
            template: POSTER_TEMPLATE.into(),
            record: to_record(&view)?,
            search_text: String::new(),
            indexable: false,
        });
    }
    Ok(pages)
}
