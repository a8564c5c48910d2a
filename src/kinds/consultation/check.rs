//! The consultation's own rules: the length of its period and where it stands on the
//! build date. The rules on each group's ballots are in [`crate::residential::rules`].

use chrono::NaiveDate;

use crate::residential::rules::period_days;

/// What is wrong with a consultation period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodProblem {
    EndsBeforeStart,
    /// Shorter than the legal minimum; carries its length in days.
    TooShort(i64),
}

/// The period rule: it ends on or after its start and lasts at least `min_days`, both
/// ends included.
pub fn period_problem(start: NaiveDate, end: NaiveDate, min_days: i64) -> Option<PeriodProblem> {
    let days = period_days(start, end);
    if end < start {
        Some(PeriodProblem::EndsBeforeStart)
    } else if days < min_days {
        Some(PeriodProblem::TooShort(days))
    } else {
        None
    }
}

/// `upcoming`, `open` or `closed` on `today`.
pub fn period_state(
    today: NaiveDate,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> &'static str {
    match (start, end) {
        (Some(s), _) if today < s => "upcoming",
        (_, Some(e)) if today <= e => "open",
        _ => "closed",
    }
}

/// `a` as a percentage of `b` (0 when `b` is 0), for the chart and the CSV.
pub fn percent_of(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        match NaiveDate::from_ymd_opt(2026, 6, day) {
            Some(d) => d,
            None => panic!("bad test date {day}"),
        }
    }

    #[test]
    fn period_rule() {
        // (start, end, minimum days, problem)
        for (start, end, min, want) in [
            (12, 18, 7, None),
            (12, 17, 7, Some(PeriodProblem::TooShort(6))),
            (12, 12, 1, None),
            (12, 11, 1, Some(PeriodProblem::EndsBeforeStart)),
            (12, 11, 7, Some(PeriodProblem::EndsBeforeStart)),
        ] {
            assert_eq!(period_problem(d(start), d(end), min), want, "{start}–{end}");
        }
    }

    #[test]
    fn period_states() {
        // (today, start, end, state)
        for (today, start, end, want) in [
            (10, Some(12), Some(18), "upcoming"),
            (12, Some(12), Some(18), "open"),
            (18, Some(12), Some(18), "open"),
            (19, Some(12), Some(18), "closed"),
            (10, None, None, "closed"),
        ] {
            assert_eq!(
                period_state(d(today), start.map(d), end.map(d)),
                want,
                "{today}"
            );
        }
    }

    #[test]
    fn percentages() {
        // (a, b, percent)
        for (a, b, want) in [(0, 0, 0.0), (3, 0, 0.0), (1, 4, 25.0), (4, 4, 100.0)] {
            assert_eq!(percent_of(a, b), want, "{a}/{b}");
        }
    }
}
