//! Service days (ngày hỗ trợ thủ tục hành chính) at neighbourhood cultural houses.
//!
//! One record page (`kind = "service_days"`) publishes a table of sessions — date, start,
//! end, place, address, group, staff roles, service codes, status, note — and a services
//! catalogue (code, name, what to bring, fee, link to the official procedure page). An
//! optional `[record.recurring]` rule adds future sessions relative to the build date.
//!
//! Output: the schedule (upcoming first, then past), one page per place, one page per
//! session (with what to bring and schema.org `Event` JSON-LD), an A4 poster per month
//! with a QR code, and downloads: `lich.ics` (every session), one `.ics` per place, one
//! single-event `buoi-<session id>.ics` per session (the session page's "Thêm vào lịch
//! điện thoại" link), and `lich.csv`.
//!
//! Inner shape: `load` (tables and rules → typed rows) → `check` (clashes, links,
//! recurring dates) → `view` (the typed `page.record` of each template) and
//! `downloads`.

mod check;
mod downloads;
pub(crate) mod load;
mod view;

/// The tables this kind publishes (file stem, columns), for docs/open-data.md.
pub const TABLES: &[(&str, &[crate::kinds::columns::Column])] = &[
    ("lich", downloads::COLUMNS),
    ("dich-vu", downloads::CATALOGUE_COLUMNS),
];

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, NaiveTime};

pub use check::{check_link, domain_allowed, overlaps, parse_weekday, recurring_dates};
pub use load::{Service, Session, SessionStatus, parse_status, working_days};
pub use view::{
    EventJsonLd, PlaceLink, PlaceView, PosterLink, PosterView, ScheduleView, SessionPageView,
    SessionView,
};

use super::{
    KindContext, PosterChecksum, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record,
};
use crate::config::Config;
use crate::diagnostics::Diagnostics;
use crate::text::{name_key, slugify};

pub struct ServiceDays;

impl RecordKind for ServiceDays {
    fn name(&self) -> &'static str {
        "service_days"
    }

    fn label(&self) -> &'static str {
        "Lịch hỗ trợ thủ tục hành chính"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let Checked {
            sessions,
            catalogue,
            updated,
        } = load_and_check(input, ctx)?;
        let mut schedule = Schedule::new(input, ctx, &sessions, &catalogue, updated);
        schedule.has_catalogue = input.record.contains_key("catalogue");
        let views = view::session_views(&schedule);
        let mut downloads = downloads::downloads(&schedule, input.title);
        let unit_title = crate::kinds::columns::residential_title(&ctx.config.words());
        for d in &mut downloads {
            crate::kinds::columns::follow_units(d, unit_title);
        }
        // The posters print the hash of the schedule's table, the same bytes (and so
        // the same hash) the page offers and the manifest records.
        let csv = format!("{}.csv", downloads::TABLE_STEM);
        let checksum = PosterChecksum {
            sha256: downloads
                .iter()
                .find(|d| d.file_name == csv)
                .map(|d| crate::digest::sha256_hex(&d.bytes))
                .unwrap_or_default(),
            url: ctx.config.permalink(&format!("{}{csv}", input.path)),
            file_name: csv,
        };
        let mut subpages = view::place_pages(&schedule, &views)?;
        subpages.extend(view::session_pages(&schedule, &views)?);
        subpages.extend(view::poster_pages(&schedule, &views, &checksum)?);
        let search_text = schedule
            .places
            .values()
            .map(|(n, a)| format!("{n} {a}"))
            .chain(catalogue.values().map(|c| c.name.clone()))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(RecordOutput {
            record: to_record(&view::schedule_view(&schedule, &views))?,
            subpages,
            downloads,
            search_text,
            ..Default::default()
        })
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![
            ViewDoc::of::<ScheduleView>(self.template()),
            ViewDoc::of::<PlaceView>(view::PLACE_TEMPLATE),
            ViewDoc::of::<SessionPageView>(view::SESSION_TEMPLATE),
            ViewDoc::of::<PosterView>(view::POSTER_TEMPLATE),
        ]
    }
}

/// What a valid record holds, checked.
struct Checked {
    /// Table and generated sessions, sorted by date, start and place.
    sessions: Vec<Session>,
    /// The services catalogue by code.
    catalogue: BTreeMap<String, Service>,
    /// The record's `updated` date.
    updated: Option<NaiveDate>,
}

/// Loads and checks everything; every problem at once otherwise.
fn load_and_check(input: &RecordInput, ctx: &KindContext) -> Result<Checked, Diagnostics> {
    let mut errors = Diagnostics::new();
    let catalogue = load::load_catalogue(input, ctx, &mut errors);
    let mut sessions = load::load_sessions(input, ctx, catalogue.as_ref(), &mut errors);
    let rules = load::recurring_rules(input, &mut errors);
    check::check_rule_codes(input, &rules, catalogue.as_ref(), &mut errors);
    // Without a catalogue, the procedures a session names are shown by name.
    let catalogue = catalogue.unwrap_or_else(|| {
        sessions
            .iter()
            .flat_map(|s| &s.services)
            .chain(rules.iter().flat_map(|r| &r.services))
            .map(|name| (name.clone(), Service::named(name)))
            .collect()
    });
    let updated = load::record_date(input, "updated").unwrap_or_else(|d| {
        errors.push(d);
        None
    });
    if errors.has_errors() {
        return Err(errors);
    }
    let generated = check::generate_sessions(&rules, &sessions);
    sessions.extend(generated);
    check::report_generated_overlaps(input, &sessions, &mut errors);
    if errors.has_errors() {
        return Err(errors);
    }
    sessions.sort_by(|a, b| {
        (a.date, a.start, name_key(&a.place)).cmp(&(b.date, b.start, name_key(&b.place)))
    });
    Ok(Checked {
        sessions,
        catalogue,
        updated,
    })
}

/// A checked schedule and what every view and download of it needs.
struct Schedule<'a> {
    config: &'a Config,
    /// The record page's site path, `/lich-ho-tro/`.
    base: &'a str,
    today: NaiveDate,
    /// Sorted by date, start and place.
    sessions: &'a [Session],
    catalogue: &'a BTreeMap<String, Service>,
    /// The record names a catalogue (published as `dich-vu.csv`); without one, the
    /// procedures are the names the sessions give.
    has_catalogue: bool,
    /// Session ids, parallel to `sessions`.
    ids: Vec<String>,
    /// Places by slug: name and address of the first session there.
    places: BTreeMap<String, (String, String)>,
    /// The record's `updated` date (calendar stamps).
    updated: Option<NaiveDate>,
    /// Ward name, or empty.
    ward: String,
    /// Host of the site's URL, for calendar UIDs.
    host: String,
}

impl<'a> Schedule<'a> {
    fn new(
        input: &'a RecordInput,
        ctx: &'a KindContext,
        sessions: &'a [Session],
        catalogue: &'a BTreeMap<String, Service>,
        updated: Option<NaiveDate>,
    ) -> Self {
        let mut places = BTreeMap::new();
        for s in sessions {
            places
                .entry(slugify(&s.place))
                .or_insert_with(|| (s.place.clone(), s.address.clone()));
        }
        Schedule {
            config: ctx.config,
            base: input.path,
            today: ctx.today,
            sessions,
            catalogue,
            has_catalogue: true,
            ids: check::session_ids(sessions),
            places,
            updated,
            ward: ctx
                .config
                .ward
                .as_ref()
                .map(|w| w.name.clone())
                .unwrap_or_default(),
            host: check::host_of(&ctx.config.base_url),
        }
    }

    fn permalink(&self, path: &str) -> String {
        self.config.permalink(path)
    }

    /// Absolute URL of a file published next to the record page.
    fn file_url(&self, file: &str) -> String {
        self.permalink(&format!("{}{file}", self.base))
    }

    fn place_url(&self, slug: &str) -> String {
        self.permalink(&format!("{}{slug}/", self.base))
    }

    fn session_path(&self, i: usize) -> String {
        format!("{}{}/", self.base, self.ids[i])
    }

    fn session_url(&self, i: usize) -> String {
        self.permalink(&self.session_path(i))
    }

    /// Catalogue entries of a session's codes (all known once checked), in its order.
    fn services_of<'s>(&'s self, s: &'s Session) -> impl Iterator<Item = &'a Service> + 's {
        s.services.iter().filter_map(|c| self.catalogue.get(c))
    }

    /// Months that have sessions, earliest first.
    fn months(&self) -> BTreeSet<(i32, u32)> {
        self.sessions
            .iter()
            .map(|s| (s.date.year(), s.date.month()))
            .collect()
    }
}

/// File name of a place's calendar, `lich-<slug>.ics`.
fn place_ics(slug: &str) -> String {
    format!("lich-{slug}.ics")
}

/// File name of one session's calendar (a single event), `buoi-<session id>.ics`. The
/// `buoi-` prefix keeps it apart from the places' `lich-<slug>.ics`.
fn session_ics(id: &str) -> String {
    format!("buoi-{id}.ics")
}

/// QR code of `url` for posters (inline SVG, made locally; see `crate::qr`).
pub(crate) fn poster_qr_svg(url: &str) -> String {
    crate::qr::qr_svg(url, "Mã QR: quét để mở trang này trên điện thoại")
}

/// `08:00`.
fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// `2026-12-12T08:00:00+07:00` (the ward's local time).
fn iso_local(d: NaiveDate, t: NaiveTime) -> String {
    format!("{}T{}:00+07:00", d.format("%Y-%m-%d"), t.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_is_svg() {
        let s = poster_qr_svg("https://hoaan.example.vn/lich-ho-tro/lich/");
        assert!(
            s.starts_with("<svg ") && s.ends_with("</svg>"),
            "{}",
            &s[..40.min(s.len())]
        );
    }

    #[test]
    fn local_times_carry_the_ward_offset() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 12).unwrap_or_default();
        for ((h, m), want_hm, want_iso) in [
            ((8, 0), "08:00", "2026-12-12T08:00:00+07:00"),
            ((23, 59), "23:59", "2026-12-12T23:59:00+07:00"),
        ] {
            let t = NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
            assert_eq!(hm(t), want_hm);
            assert_eq!(iso_local(d, t), want_iso);
        }
    }
}
