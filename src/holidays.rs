//! Working days: Mondays to Fridays that are not public holidays (Labour Code
//! 45/2019/QH14, Art. 112), with the unit's extra days off and make-up working days
//! from `[rules] days_off` / `[rules] working_days`.
//!
//! The official holidays: Tết Dương lịch (1/1), Tết Nguyên đán (the last day of the
//! lunar year and days 1–4 of the first lunar month), Giỗ Tổ Hùng Vương (10/3 lunar),
//! 30/4, 1/5, Quốc khánh 2/9 and one adjacent day (1/9 by default, 3/9 when
//! `[rules] national_day_adjacent = "after"`). A holiday falling on a Saturday or a
//! Sunday gives a compensatory day off on the next working day (Art. 112(3)).
//!
//! Lunar dates are computed here with Hồ Ngọc Đức's astronomical algorithm (new moons
//! and solar longitude, at UTC+7, the meridian of Vietnam's calendar, so years where
//! Vietnam and China differ come out right). No maintained Rust crate does this: the
//! only Vietnamese lunar crate (`amlich` 0.0.1, 2019) is a terminal application that
//! pulls in a TUI toolkit, so the ~100 lines live here with table-driven tests against
//! the published Tết and Giỗ Tổ dates.

use std::collections::BTreeSet;
use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};

/// Vietnam's time zone, in hours east of UTC.
const TIME_ZONE: f64 = 7.0;

/// Julian day number of a Gregorian date.
fn jd_from_date(d: NaiveDate) -> i64 {
    let (dd, mm, yy) = (d.day() as i64, d.month() as i64, d.year() as i64);
    let a = (14 - mm) / 12;
    let y = yy + 4800 - a;
    let m = mm + 12 * a - 3;
    dd + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

/// The Gregorian date of a Julian day number.
fn date_from_jd(jd: i64) -> Option<NaiveDate> {
    // chrono counts days from 0001-01-01 (CE day 1), which is JD 1721426.
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jd - 1_721_425).ok()?)
}

/// Julian day (local, at `TIME_ZONE`) of the k-th new moon after 1900-01-01.
fn new_moon_day(k: i64) -> i64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd1 += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
    let mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
    let f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
    let mut c1 = (0.1734 - 0.000393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 -= 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 += 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 -= 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 -= 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 += 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let deltat = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    (jd1 + c1 - deltat + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// The sun's longitude at the start of local day `jdn`, as one of 12 sectors (0..=11).
fn sun_sector(jdn: i64) -> i64 {
    let t = (jdn as f64 - 2451545.5 - TIME_ZONE / 24.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let mut dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin();
    dl += (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin() + 0.000290 * (dr * 3.0 * m).sin();
    let mut l = (l0 + dl) * dr;
    l -= PI * 2.0 * (l / (PI * 2.0)).floor();
    (l / PI * 6.0).floor() as i64
}

/// Julian day of the start of the 11th lunar month (the one holding the winter
/// solstice) of Gregorian year `yy`.
fn lunar_month_11(yy: i32) -> Option<i64> {
    let off = jd_from_date(NaiveDate::from_ymd_opt(yy, 12, 31)?) - 2415021;
    let k = (off as f64 / 29.530588853).floor() as i64;
    let nm = new_moon_day(k);
    Some(if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    })
}

/// Offset of the leap month after the 11th month starting on `a11`.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2415021.076998695) / 29.530588853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The Gregorian date of day `day` of (non-leap) lunar month `month` of lunar year
/// `year`, in Vietnam's calendar.
pub fn lunar_to_solar(day: u32, month: u32, year: i32) -> Option<NaiveDate> {
    if !(1..=30).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1)?, lunar_month_11(year)?)
    } else {
        (lunar_month_11(year)?, lunar_month_11(year + 1)?)
    };
    let k = (0.5 + (a11 as f64 - 2415021.076998695) / 29.530588853).floor() as i64;
    let mut off = month as i64 - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 && off >= leap_month_offset(a11) {
        off += 1;
    }
    date_from_jd(new_moon_day(k + off) + day as i64 - 1)
}

/// Tết Nguyên đán (1/1 lunar) of Gregorian year `year`.
pub fn tet(year: i32) -> Option<NaiveDate> {
    lunar_to_solar(1, 1, year)
}

/// Giỗ Tổ Hùng Vương (10/3 lunar) of Gregorian year `year`.
pub fn gio_to(year: i32) -> Option<NaiveDate> {
    lunar_to_solar(10, 3, year)
}

/// The official holidays of Gregorian year `year` (Labour Code 2019 Art. 112), before
/// compensatory days.
///
/// Computed once per year and process (the lunar calendar is the costly part): every
/// deadline of every site of a province workspace (src/workspace/) shares them.
pub fn official_holidays(year: i32, national_day_after: bool) -> BTreeSet<NaiveDate> {
    static COMPUTED: std::sync::Mutex<
        std::collections::BTreeMap<(i32, bool), BTreeSet<NaiveDate>>,
    > = std::sync::Mutex::new(std::collections::BTreeMap::new());
    if let Some(days) = COMPUTED
        .lock()
        .ok()
        .and_then(|c| c.get(&(year, national_day_after)).cloned())
    {
        return days;
    }
    let days = compute_official_holidays(year, national_day_after);
    if let Ok(mut c) = COMPUTED.lock() {
        c.insert((year, national_day_after), days.clone());
    }
    days
}

fn compute_official_holidays(year: i32, national_day_after: bool) -> BTreeSet<NaiveDate> {
    let mut out = BTreeSet::new();
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d);
    let adjacent = if national_day_after { 3 } else { 1 };
    for d in [
        ymd(1, 1),
        ymd(4, 30),
        ymd(5, 1),
        ymd(9, 2),
        ymd(9, adjacent),
    ]
    .into_iter()
    .flatten()
    {
        out.insert(d);
    }
    // Tết: the last day of the old lunar year and days 1–4 of the new one. Tết falls
    // between 21/1 and 20/2, so all five days are in the same Gregorian year.
    if let Some(t) = tet(year) {
        for i in -1..=3 {
            if let Some(d) = t.checked_add_signed(chrono::Duration::days(i)) {
                out.insert(d);
            }
        }
    }
    if let Some(d) = gio_to(year) {
        out.insert(d);
    }
    out
}

/// Which days are working days: weekends and holidays are not; the unit's own
/// `days_off` are not; its `working_days` (make-up Saturdays) are.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    pub days_off: BTreeSet<NaiveDate>,
    pub working_days: BTreeSet<NaiveDate>,
    pub national_day_after: bool,
}

impl WorkCalendar {
    fn weekend(d: NaiveDate) -> bool {
        d.weekday().number_from_monday() > 5
    }

    /// Holidays of `year` plus the compensatory day of each one that falls on a
    /// weekend (the next day that is neither a weekend nor a holiday).
    pub fn holidays(&self, year: i32) -> BTreeSet<NaiveDate> {
        let official = official_holidays(year, self.national_day_after);
        let mut all = official.clone();
        for h in &official {
            if Self::weekend(*h) {
                let mut d = *h;
                while let Some(next) = d.succ_opt() {
                    d = next;
                    if !Self::weekend(d) && !all.contains(&d) {
                        all.insert(d);
                        break;
                    }
                }
            }
        }
        all
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.working_days.contains(&d) {
            return true;
        }
        if Self::weekend(d) || self.days_off.contains(&d) {
            return false;
        }
        // A compensatory day of a 31/12 or 1/1 holiday may cross into the next year.
        !self.holidays(d.year()).contains(&d)
            && (d.month() != 1 || !self.holidays(d.year() - 1).contains(&d))
    }

    /// Working days after `from` up to and including `to` (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = match d.succ_opt() {
                Some(next) => next,
                None => break,
            };
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn tet_dates_2020_to_2035() {
        // Published Tết Nguyên đán dates (Vietnam's calendar).
        for (year, want) in [
            (2020, "2020-01-25"),
            (2021, "2021-02-12"),
            (2022, "2022-02-01"),
            (2023, "2023-01-22"),
            (2024, "2024-02-10"),
            (2025, "2025-01-29"),
            (2026, "2026-02-17"),
            (2027, "2027-02-06"),
            (2028, "2028-01-26"),
            (2029, "2029-02-13"),
            // New moon on 2/2/2030 at 16:07 UTC: 23:07 in Hà Nội, already 3/2 in
            // Beijing, so Vietnam's Tết is a day before China's.
            (2030, "2030-02-02"),
            (2031, "2031-01-23"),
            (2032, "2032-02-11"),
            (2033, "2033-01-31"),
            (2034, "2034-02-19"),
            (2035, "2035-02-08"),
        ] {
            assert_eq!(tet(year), Some(d(want)), "Tết {year}");
        }
    }

    #[test]
    fn vietnam_differs_from_china_in_1985_and_2007() {
        // (2030 too, in the table above.)
        // Computed at UTC+7, Vietnam's Tết came a day (2007) or a month (1985) apart
        // from China's (2007-02-18, 1985-02-20).
        assert_eq!(tet(2007), Some(d("2007-02-17")));
        assert_eq!(tet(1985), Some(d("1985-01-21")));
    }

    #[test]
    fn gio_to_dates() {
        for (year, want) in [
            (2022, "2022-04-10"),
            (2023, "2023-04-29"),
            (2024, "2024-04-18"),
            (2025, "2025-04-07"),
            (2026, "2026-04-26"),
        ] {
            assert_eq!(gio_to(year), Some(d(want)), "Giỗ Tổ {year}");
        }
    }

    #[test]
    fn lunar_bounds_are_checked() {
        assert_eq!(lunar_to_solar(0, 1, 2026), None);
        assert_eq!(lunar_to_solar(1, 13, 2026), None);
        // Far outside chrono's range: no panic.
        assert_eq!(lunar_to_solar(1, 1, i32::MAX), None);
    }

    #[test]
    fn holidays_of_2026() {
        let h = official_holidays(2026, false);
        for s in [
            "2026-01-01",
            "2026-02-16", // last day of the lunar year
            "2026-02-17",
            "2026-02-20",
            "2026-04-26", // Giỗ Tổ, a Sunday
            "2026-04-30",
            "2026-05-01",
            "2026-09-01",
            "2026-09-02",
        ] {
            assert!(h.contains(&d(s)), "{s}");
        }
        assert_eq!(h.len(), 11);
        assert!(official_holidays(2026, true).contains(&d("2026-09-03")));
        assert!(!official_holidays(2026, true).contains(&d("2026-09-01")));
    }

    #[test]
    fn working_days_skip_holidays_weekends_and_configured_days() {
        let cal = WorkCalendar::default();
        // (from, to, working days after `from` up to `to`)
        for (from, to, want) in [
            ("2026-06-05", "2026-06-05", 0),
            ("2026-06-05", "2026-06-04", 0),
            ("2026-06-05", "2026-06-07", 0), // Friday → Sunday
            ("2026-06-05", "2026-06-08", 1),
            ("2026-06-05", "2026-06-12", 5),
            // Tết 2026: Mon 16/2 to Fri 20/2 off; approved Friday 13/2.
            ("2026-02-13", "2026-02-20", 0),
            ("2026-02-13", "2026-02-23", 1),
            // Giỗ Tổ on Sunday 26/4 → Monday 27/4 off; 30/4 Thu, 1/5 Fri.
            ("2026-04-24", "2026-05-04", 3), // 28/4, 29/4, 4/5
            ("2026-04-24", "2026-05-05", 4),
            // 1/9 Tue and 2/9 Wed.
            ("2026-08-31", "2026-09-03", 1),
        ] {
            assert_eq!(
                cal.working_days_between(d(from), d(to)),
                want,
                "{from} → {to}"
            );
        }
        let cal = WorkCalendar {
            days_off: [d("2026-06-08")].into(),
            working_days: [d("2026-06-06")].into(),
            national_day_after: false,
        };
        assert!(!cal.is_working_day(d("2026-06-08")));
        assert!(cal.is_working_day(d("2026-06-06")), "a make-up Saturday");
        assert_eq!(
            cal.working_days_between(d("2026-06-05"), d("2026-06-09")),
            2
        );
    }

    #[test]
    fn a_weekend_holiday_gives_the_next_working_day() {
        let cal = WorkCalendar::default();
        // 1/1/2028 is a Saturday → Monday 3/1 off.
        assert!(!cal.is_working_day(d("2028-01-03")));
        assert!(cal.is_working_day(d("2028-01-04")));
        // 30/4/2028 Sunday, 1/5 Monday: the compensatory day is Tuesday 2/5.
        assert!(!cal.is_working_day(d("2028-05-02")));
        assert!(cal.is_working_day(d("2028-05-03")));
    }
}
