//! The list's own rules, as small pure functions: month periods, duplicates, the
//! declared total, totals and pages.

use super::entries::Entry;

/// Dates in a person's row before this year are taken as birth dates.
pub const BIRTH_YEAR_BEFORE: i32 = 2000;

/// Rows per page (screen and print). A row is ~200 bytes of HTML, so a page stays far
/// below the 150 KB ceiling.
pub const ROWS_PER_PAGE: usize = 400;
/// A list up to this many rows is also shown in full on its own page.
pub const INLINE_ROWS: usize = 100;

pub use crate::data::parse_period;

/// The same person twice in the same group is an error unless both rows say why (a note).
pub fn is_unexplained_duplicate(first_has_note: bool, this_has_note: bool) -> bool {
    !first_has_note || !this_has_note
}

/// The declared total (from the approval decision) must equal the list's sum.
pub fn total_differs(declared: Option<i64>, total: u64) -> bool {
    declared.is_some_and(|d| d != total as i64)
}

/// Number of entries and their amount in đồng.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub amount: u64,
}

impl Tally {
    pub fn add(&mut self, e: &Entry) {
        self.count += 1;
        self.amount += e.amount.unwrap_or(0);
    }
}

/// Site path of page `k` (from 0) of a group's list: the group's path, then `trang-2/`…
pub fn page_path(group_path: &str, k: usize) -> String {
    if k == 0 {
        group_path.to_string()
    } else {
        format!("{group_path}trang-{}/", k + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use chrono::NaiveDate;

    #[test]
    fn periods() {
        let at = Location::file("data/x.csv");
        // (text, first and last day as (y, m, d), or None when it does not parse)
        for (text, want) in [
            ("07/2026", Some(((2026, 7, 1), (2026, 7, 31)))),
            ("tháng 7/2026", Some(((2026, 7, 1), (2026, 7, 31)))),
            ("Tháng 12 2026", Some(((2026, 12, 1), (2026, 12, 31)))),
            ("15/07/2026", Some(((2026, 7, 15), (2026, 7, 15)))),
            ("13/2026", None),
            ("31/02/2026", None),
        ] {
            let day = |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let want = want.map(|(a, b)| (day(a), day(b)));
            let got = parse_period(text, &at).ok().map(|p| (p.start(), p.end()));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn duplicates_need_both_notes() {
        // (first row has a note, this row has a note, error)
        for (first, this, want) in [
            (false, false, true),
            (true, false, true),
            (false, true, true),
            (true, true, false),
        ] {
            assert_eq!(
                is_unexplained_duplicate(first, this),
                want,
                "{first} {this}"
            );
        }
    }

    #[test]
    fn declared_total() {
        // (declared, sum, differs)
        for (declared, total, want) in [
            (None, 5, false),
            (Some(5), 5, false),
            (Some(4), 5, true),
            (Some(-1), 0, true),
        ] {
            assert_eq!(total_differs(declared, total), want, "{declared:?} {total}");
        }
    }

    #[test]
    fn tallies_count_and_sum() {
        let entry = |amount| Entry {
            no: 1,
            name: "A".into(),
            group: "G".into(),
            category: "C".into(),
            support: String::new(),
            amount,
            monthly: None,
            months: None,
            from: None,
            to: None,
            note: String::new(),
        };
        // (amounts, count, sum)
        for (amounts, count, amount) in [
            (vec![], 0, 0),
            (vec![Some(1_500_000)], 1, 1_500_000),
            (vec![Some(1), None, Some(2)], 3, 3),
        ] {
            let mut t = Tally::default();
            for a in &amounts {
                t.add(&entry(*a));
            }
            assert_eq!(t, Tally { count, amount }, "{amounts:?}");
        }
    }

    #[test]
    fn page_paths() {
        // (page index, path)
        for (k, want) in [
            (0, "/l/to-1/"),
            (1, "/l/to-1/trang-2/"),
            (9, "/l/to-1/trang-10/"),
        ] {
            assert_eq!(page_path("/l/to-1/", k), want);
        }
    }
}
