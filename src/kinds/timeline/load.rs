//! Load: the tasks table → typed [`Task`]s; a deadline that is not a date is a warning
//! (shown as written), a completion date after the build date an error.

use chrono::NaiveDate;

use crate::data::{FieldSpec, Row, Table, parse_date};
use crate::deadline::{Due, parse_due};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::kinds::{KindContext, RecordInput, files};

pub const TASK_FIELDS: &[FieldSpec] = &[
    FieldSpec::optional("no", &["stt", "số thứ tự", "tt"]),
    FieldSpec::required(
        "task",
        &["nội dung công việc", "nội dung", "công việc", "nhiệm vụ"],
    ),
    FieldSpec::optional(
        "lead",
        &["cơ quan chủ trì", "cơ quan chủ trì tham mưu", "chủ trì"],
    ),
    FieldSpec::optional("partners", &["cơ quan phối hợp", "phối hợp"]),
    FieldSpec::required(
        "due",
        &["thời gian hoàn thành", "thời hạn", "hạn hoàn thành"],
    ),
    FieldSpec::optional("status", &["tình trạng", "trạng thái", "kết quả"]),
    FieldSpec::optional(
        "done_on",
        &["ngày hoàn thành", "hoàn thành ngày", "ngày xong"],
    ),
    FieldSpec::optional("note", &["ghi chú"]),
];

/// One task of the plan's timeline.
#[derive(Debug, Clone)]
pub struct Task {
    /// Number as in the plan, or the row's position when the column is empty.
    pub no: String,
    pub task: String,
    /// Lead office.
    pub lead: String,
    /// Partner offices.
    pub partners: String,
    /// The deadline as written.
    pub due_text: String,
    pub due: Due,
    /// The status column as written (it may say "done" without a date).
    pub status_note: String,
    pub done_on: Option<NaiveDate>,
    pub note: String,
}

/// Every task of the `tasks` table; `None` when the table could not be read.
pub(super) fn load_tasks(
    input: &RecordInput,
    ctx: &KindContext,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<Vec<Task>> {
    let table = files::load(input, ctx, "tasks", TASK_FIELDS, errors, warnings)?;
    let tasks = table
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, row)| task(&table, i, row, ctx.today, errors, warnings))
        .collect();
    Some(tasks)
}

fn task(
    t: &Table,
    i: usize,
    row: &Row,
    today: NaiveDate,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<Task> {
    let text = |f: &str| t.text(row, f).trim().to_string();
    let task = text("task");
    if task.is_empty() {
        let d = Diagnostic::error("thiếu nội dung công việc")
            .hint("mỗi dòng ghi một công việc ở cột nội dung công việc");
        errors.push(match t.get(row, "task") {
            Some(c) => d.at(t.location(c)),
            None => d.at(Location::line(&t.source, row.row)),
        });
        return None;
    }
    let no = match text("no") {
        s if s.is_empty() => (i + 1).to_string(),
        s => s,
    };
    let due_text = text("due");
    let due = parse_due(&due_text);
    if let Due::Text(_) = due
        && let Some(c) = t.get(row, "due")
    {
        warnings.push(
            Diagnostic::warning(format!(
                "không đọc được thời hạn \u{201c}{due_text}\u{201d} thành ngày; trang sẽ ghi nguyên văn và không tính quá hạn"
            ))
            .at(t.location(c))
            .hint("nếu muốn theo dõi hạn, viết như \u{201c}Chậm nhất ngày 10/6/2026\u{201d}, \u{201c}Từ ngày 12/6/2026 đến ngày 18/6/2026\u{201d}, \u{201c}12h00 thứ Năm hằng tuần\u{201d} hoặc \u{201c}Trước ngày 25/06 và 25/12 hằng năm\u{201d}"),
        );
    }
    let done_on = done_on(t, row, today, errors);
    Some(Task {
        no,
        task,
        lead: text("lead"),
        partners: text("partners"),
        due_text,
        due,
        status_note: text("status"),
        done_on,
        note: text("note"),
    })
}

/// The completion date, which cannot be after the build date.
fn done_on(t: &Table, row: &Row, today: NaiveDate, errors: &mut Diagnostics) -> Option<NaiveDate> {
    let c = t
        .get(row, "done_on")
        .filter(|c| !c.value.trim().is_empty())?;
    let d = parse_date(&c.value, (t, c))
        .map_err(|d| errors.push(d))
        .ok()?;
    if d > today {
        errors.push(
            Diagnostic::error(format!(
                "ngày hoàn thành {} sau ngày hôm nay {}",
                crate::format::date_short(d),
                crate::format::date_short(today)
            ))
            .at(t.location(c))
            .hint("chỉ ghi ngày hoàn thành khi công việc đã xong"),
        );
    }
    Some(d)
}
