//! View: the typed `page.record` of a timeline page, and its CSV rows.

use chrono::NaiveDate;
use serde::Serialize;

use crate::kinds::columns::Column;

use super::check::{done_late, status_counts};
use super::load::Task;
use crate::deadline::{Due, TaskStatus, describe, iso};

/// `page.record` of a timeline page (`kinds/timeline.html`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TimelineView {
    /// Every task, in the table's order.
    pub tasks: Vec<TaskView>,
    /// How many tasks have each status (statuses no task has are left out).
    pub summary: Vec<StatusCount>,
    /// Number of overdue tasks.
    pub overdue: usize,
    /// Build date the statuses are computed at, ISO `2026-11-29`.
    pub today: String,
    /// `[record] plan_url`, the plan the timeline belongs to, or null.
    pub plan_url: Option<String>,
}

/// One task.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct TaskView {
    /// Number as in the plan, `1`, `2a` (the row's position when empty).
    pub no: String,
    /// What is to be done.
    pub task: String,
    /// Lead office, or empty.
    pub lead: String,
    /// Partner offices, or empty.
    pub partners: String,
    /// The deadline as written, `Chậm nhất ngày 10/6/2026`.
    pub due: String,
    /// Form of the deadline: `by`, `before`, `range`, `from`, `quarters`, `ongoing`,
    /// `weekly` ("12h00 thứ Năm hằng tuần"), `yearly` ("Trước ngày 25/06 và 25/12 hằng
    /// năm"), `after` or `text`.
    pub due_form: String,
    /// The deadline was understood (its form is not `text`).
    pub due_parsed: bool,
    /// The deadline for people, `Chậm nhất 10/06/2026`, or the text as written.
    pub due_described: String,
    /// First day the task may run, ISO, or null.
    pub due_from: Option<String>,
    /// Last day the task may run, ISO, or null.
    pub due_to: Option<String>,
    /// Next deadline of a recurring one (`weekly`, `yearly`) on or after the build date,
    /// ISO, or null.
    pub due_next: Option<String>,
    /// At the build date: `done`, `in_progress`, `overdue`, `ongoing`, `upcoming` or
    /// `pending`.
    pub status: TaskStatus,
    /// The status for citizens, `Quá hạn`.
    pub status_label: String,
    /// The status column as written, or empty.
    pub status_note: String,
    /// Completion date, ISO, or null.
    pub done_on: Option<String>,
    /// Finished after the deadline's last day.
    pub done_late: bool,
    /// Staff note, or empty.
    pub note: String,
}

/// A status and how many tasks have it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct StatusCount {
    /// The status for citizens, `Đã hoàn thành`.
    pub label: String,
    /// Number of tasks.
    pub count: usize,
}

/// The page's record; `statuses` is parallel to `tasks`.
pub(super) fn timeline_view(
    tasks: &[Task],
    statuses: &[TaskStatus],
    today: NaiveDate,
    plan_url: Option<&str>,
) -> TimelineView {
    TimelineView {
        tasks: tasks
            .iter()
            .zip(statuses)
            .map(|(t, s)| task_view(t, *s, today))
            .collect(),
        summary: status_counts(statuses)
            .into_iter()
            .map(|(s, count)| StatusCount {
                label: s.label().to_string(),
                count,
            })
            .collect(),
        overdue: statuses
            .iter()
            .filter(|s| **s == TaskStatus::Overdue)
            .count(),
        today: iso(Some(today)).unwrap_or_default(),
        plan_url: plan_url.map(str::to_string),
    }
}

fn task_view(t: &Task, status: TaskStatus, today: NaiveDate) -> TaskView {
    let (from, to) = t.due.window();
    TaskView {
        no: t.no.clone(),
        task: t.task.clone(),
        lead: t.lead.clone(),
        partners: t.partners.clone(),
        due: t.due_text.clone(),
        due_form: t.due.form().to_string(),
        due_parsed: !matches!(t.due, Due::Text(_)),
        due_described: describe(&t.due),
        due_from: iso(from),
        due_to: iso(to),
        due_next: iso(t.due.next(today)),
        status,
        status_label: status.label().to_string(),
        status_note: t.status_note.clone(),
        done_on: iso(t.done_on),
        done_late: done_late(t.done_on, &t.due),
        note: t.note.clone(),
    }
}

/// Every status label a task can have (the `Tình trạng` column).
const STATUS_LABELS: &[&str] = &[
    "Đã hoàn thành",
    "Đang thực hiện",
    "Quá hạn",
    "Thực hiện thường xuyên",
    "Chưa đến thời gian",
    "Chờ điều kiện thực hiện",
];

/// Columns of `tien-do-thuc-hien.csv` / `.json`, in the order of [`csv_rows`].
pub(crate) const COLUMNS: &[Column] = &[
    Column::text("STT", "Số thứ tự của nhiệm vụ trong phụ lục tiến độ."),
    Column::text("Nhiệm vụ", "Việc phải làm.").required(),
    Column::text("Cơ quan chủ trì", "Cơ quan, người chịu trách nhiệm chính."),
    Column::text("Cơ quan phối hợp", "Cơ quan, đơn vị cùng thực hiện."),
    Column::text("Thời hạn", "Thời hạn hoàn thành, ghi như trong văn bản.").required(),
    Column::date(
        "Thời hạn từ ngày",
        "Ngày đầu của thời hạn, khi đọc được từ cột Thời hạn.",
    ),
    Column::date(
        "Thời hạn đến ngày",
        "Ngày cuối của thời hạn, khi đọc được từ cột Thời hạn.",
    ),
    Column::text("Tình trạng", "Tình trạng tính tại ngày đăng trang.")
        .required()
        .one_of(STATUS_LABELS),
    Column::date("Ngày hoàn thành", "Ngày nhiệm vụ được báo cáo hoàn thành."),
    Column::text("Ghi chú", "Ghi chú của cơ quan thực hiện."),
];

/// One CSV row per task (dates ISO, status as its label).
pub(super) fn csv_rows(tasks: &[Task], statuses: &[TaskStatus]) -> Vec<Vec<String>> {
    tasks
        .iter()
        .zip(statuses)
        .map(|(t, s)| {
            let (from, to) = t.due.window();
            vec![
                t.no.clone(),
                t.task.clone(),
                t.lead.clone(),
                t.partners.clone(),
                t.due_text.clone(),
                iso(from).unwrap_or_default(),
                iso(to).unwrap_or_default(),
                s.label().to_string(),
                iso(t.done_on).unwrap_or_default(),
                t.note.clone(),
            ]
        })
        .collect()
}
