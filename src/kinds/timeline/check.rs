//! Check: the status of each task at the build date, lateness and the status counts.

use chrono::NaiveDate;

use super::load::Task;
use crate::deadline::{Due, TaskStatus, task_status};
use crate::text::fold_words;

/// Staff may mark a task done in the status column without a date.
pub fn says_done(status: &str) -> bool {
    matches!(
        fold_words(status).as_str(),
        "xong" | "da xong" | "hoan thanh" | "da hoan thanh" | "done"
    )
}

/// The task's status at `today`: done with a completion date or a "done" status,
/// otherwise from its deadline.
pub fn status_of(task: &Task, today: NaiveDate) -> TaskStatus {
    task_status(
        &task.due,
        task.done_on.is_some() || says_done(&task.status_note),
        today,
    )
}

/// Finished after the last day the deadline allowed.
pub fn done_late(done_on: Option<NaiveDate>, due: &Due) -> bool {
    matches!((done_on, due.window().1), (Some(d), Some(e)) if d > e)
}

/// How many tasks have each status, in the order the page lists them; statuses no task
/// has are left out.
pub fn status_counts(statuses: &[TaskStatus]) -> Vec<(TaskStatus, usize)> {
    TaskStatus::ALL
        .into_iter()
        .map(|s| (s, statuses.iter().filter(|x| **x == s).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::parse_due;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("test date")
    }

    fn task(due: &str, status_note: &str, done_on: Option<NaiveDate>) -> Task {
        Task {
            no: "1".into(),
            task: "Việc".into(),
            lead: String::new(),
            partners: String::new(),
            due_text: due.into(),
            due: parse_due(due),
            status_note: status_note.into(),
            done_on,
            note: String::new(),
        }
    }

    #[test]
    fn done_words() {
        for (text, want) in [
            ("Đã hoàn thành", true),
            ("xong", true),
            ("Đã xong", true),
            ("done", true),
            ("Đang làm", false),
            ("", false),
            ("chưa hoàn thành", false),
        ] {
            assert_eq!(says_done(text), want, "{text}");
        }
    }

    #[test]
    fn statuses_at_build_date() {
        let today = d(2026, 6, 15);
        for (due, note, done_on, want) in [
            ("Chậm nhất ngày 10/6/2026", "", None, TaskStatus::Overdue),
            (
                "Chậm nhất ngày 10/6/2026",
                "Đã xong",
                None,
                TaskStatus::Done,
            ),
            (
                "Chậm nhất ngày 10/6/2026",
                "",
                Some(d(2026, 6, 9)),
                TaskStatus::Done,
            ),
            ("Chậm nhất ngày 20/6/2026", "", None, TaskStatus::InProgress),
            ("Thường xuyên", "", None, TaskStatus::Ongoing),
            (
                "Sau khi HĐND phường quyết định",
                "",
                None,
                TaskStatus::Pending,
            ),
        ] {
            assert_eq!(
                status_of(&task(due, note, done_on), today),
                want,
                "{due} {note}"
            );
        }
    }

    #[test]
    fn lateness() {
        let by = parse_due("Chậm nhất ngày 10/6/2026");
        let before = parse_due("Trước ngày 10/6/2026");
        for (done_on, due, want) in [
            (None, &by, false),
            (Some(d(2026, 6, 10)), &by, false),
            (Some(d(2026, 6, 11)), &by, true),
            (Some(d(2026, 6, 10)), &before, true),
            (Some(d(2026, 6, 9)), &before, false),
            (Some(d(2030, 1, 1)), &parse_due("Thường xuyên"), false),
        ] {
            assert_eq!(done_late(done_on, due), want, "{done_on:?} {due:?}");
        }
    }

    #[test]
    fn counts_in_page_order_without_zeros() {
        use TaskStatus::*;
        for (statuses, want) in [
            (vec![], vec![]),
            (vec![Overdue, Done, Overdue], vec![(Done, 1), (Overdue, 2)]),
            (vec![Pending, Upcoming], vec![(Upcoming, 1), (Pending, 1)]),
        ] {
            assert_eq!(status_counts(&statuses), want, "{statuses:?}");
        }
    }
}
