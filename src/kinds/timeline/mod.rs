//! Implementation timelines (phụ lục tiến độ): tasks with a free-text Vietnamese
//! deadline, parsed where possible ([`crate::deadline`]) and given a status at the
//! build date: done, in progress, overdue, ongoing, upcoming, or waiting.
//!
//! `[record]`: `tasks` (table with `no`, `task`, `lead`, `partners`, `due`, `status`,
//! `done_on`, `note`), optional `plan_url`.
//!
//! Inner shape: `load` (table → [`Task`]s) → `check` (status at the build date,
//! lateness, counts) → `view` (the typed `page.record`).

mod check;
pub(crate) mod load;
mod view;

/// The tables this kind publishes (file stem, columns), for docs/open-data.md.
pub const TABLES: &[(&str, &[crate::kinds::columns::Column])] =
    &[("tien-do-thuc-hien", view::COLUMNS)];

pub use check::{done_late, says_done, status_counts, status_of};
pub use load::{TASK_FIELDS, Task};
pub use view::{StatusCount, TaskView, TimelineView};

use super::{KindContext, RecordInput, RecordKind, RecordOutput, ViewDoc, files, to_record};
use crate::deadline::TaskStatus;
use crate::diagnostics::Diagnostics;

pub struct Timeline;

impl RecordKind for Timeline {
    fn name(&self) -> &'static str {
        "timeline"
    }

    fn label(&self) -> &'static str {
        "Tiến độ thực hiện"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let mut errors = Diagnostics::new();
        let mut warnings = Diagnostics::new();
        let Some(tasks) = load::load_tasks(input, ctx, &mut errors, &mut warnings) else {
            return Err(errors);
        };
        if errors.has_errors() {
            return Err(errors);
        }
        let statuses: Vec<TaskStatus> = tasks.iter().map(|t| status_of(t, ctx.today)).collect();
        let record = view::timeline_view(&tasks, &statuses, ctx.today, input.opt_str("plan_url"));
        let downloads = table().downloads(&view::csv_rows(&tasks, &statuses)).into();
        Ok(RecordOutput {
            record: to_record(&record)?,
            warnings,
            downloads,
            ..Default::default()
        })
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![ViewDoc::of::<TimelineView>(self.template())]
    }
}

/// The published table: `tien-do-thuc-hien.csv` and `.json`.
fn table() -> files::TableFiles<'static> {
    files::TableFiles {
        stem: "tien-do-thuc-hien",
        title: "Bảng tiến độ thực hiện",
        description: "Mỗi dòng là một nhiệm vụ của phụ lục tiến độ: việc phải làm, cơ quan chủ trì, thời hạn và tình trạng tính tại ngày đăng trang.",
        columns: view::COLUMNS,
        key: Some("STT"),
        unique_key: false,
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn header_row_is_the_declared_titles() {
        let row: Vec<String> = (0..view::COLUMNS.len()).map(|i| i.to_string()).collect();
        for d in table().downloads(&[row]) {
            files::assert_table(&d);
        }
        let tasks = Vec::new();
        assert!(view::csv_rows(&tasks, &[]).is_empty());
        // The closed set of statuses is every status's label.
        let labels: Vec<&str> = TaskStatus::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(view::COLUMNS[7].one_of, labels.as_slice());
    }
}
