//! Implementation timelines (phụ lục tiến độ): tasks with a free-text Vietnamese
//! deadline, parsed where possible ([`crate::deadline`]) and given a status at the
//! build date: done, in progress, overdue, ongoing, upcoming, or waiting.
//!
//! `[record]`: `tasks` (table with `no`, `task`, `lead`, `partners`, `due`, `status`,
//! `done_on`, `note`), optional `plan_url`.

use std::collections::BTreeMap;

use serde_json::json;

use super::groups;
use super::{KindContext, RecordInput, RecordKind, RecordOutput};
use crate::data::{FieldSpec, parse_date};
use crate::deadline::{Due, TaskStatus, describe, iso, parse_due, task_status};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::fold_words;

pub struct Timeline;

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

/// Staff may mark a task done in the status column without a date.
fn says_done(status: &str) -> bool {
    matches!(
        fold_words(status).as_str(),
        "xong" | "da xong" | "hoan thanh" | "da hoan thanh" | "done"
    )
}

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
        let Some(t) = groups::load(input, ctx, "tasks", TASK_FIELDS, &mut errors, &mut warnings)
        else {
            return Err(errors);
        };
        let mut tasks = Vec::new();
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut csv_rows = Vec::new();
        for (i, row) in t.rows.iter().enumerate() {
            let task = t.text(row, "task").trim();
            if task.is_empty() {
                let d = Diagnostic::error("thiếu nội dung công việc")
                    .hint("mỗi dòng ghi một công việc ở cột nội dung công việc");
                errors.push(match t.get(row, "task") {
                    Some(c) => d.at(t.location(c)),
                    None => d.at(crate::diagnostics::Location::line(&t.source, row.row)),
                });
                continue;
            }
            let no = match t.text(row, "no").trim() {
                "" => (i + 1).to_string(),
                s => s.to_string(),
            };
            let due_text = t.text(row, "due").trim().to_string();
            let due = parse_due(&due_text);
            if let Due::Text(_) = due
                && let Some(c) = t.get(row, "due")
            {
                warnings.push(
                    Diagnostic::warning(format!(
                        "không đọc được thời hạn \u{201c}{due_text}\u{201d} thành ngày; trang sẽ ghi nguyên văn và không tính quá hạn"
                    ))
                    .at(t.location(c))
                    .hint("nếu muốn theo dõi hạn, viết như \u{201c}Chậm nhất ngày 10/6/2026\u{201d} hoặc \u{201c}Từ ngày 12/6/2026 đến ngày 18/6/2026\u{201d}"),
                );
            }
            let done_on = match t.get(row, "done_on") {
                Some(c) if !c.value.trim().is_empty() => match parse_date(&c.value, (&t, c)) {
                    Ok(d) => Some(d),
                    Err(d) => {
                        errors.push(d);
                        None
                    }
                },
                _ => None,
            };
            let status_text = t.text(row, "status").trim().to_string();
            if let Some(d) = done_on
                && d > ctx.today
                && let Some(c) = t.get(row, "done_on")
            {
                errors.push(
                    Diagnostic::error(format!(
                        "ngày hoàn thành {} sau ngày hôm nay {}",
                        crate::format::date_short(d),
                        crate::format::date_short(ctx.today)
                    ))
                    .at(t.location(c))
                    .hint("chỉ ghi ngày hoàn thành khi công việc đã xong"),
                );
            }
            let status = task_status(
                &due,
                done_on.is_some() || says_done(&status_text),
                ctx.today,
            );
            let key = serde_json::to_value(status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            *counts.entry(status.label()).or_default() += 1;
            let (from, to) = due.window();
            let late_done = matches!((done_on, to), (Some(d), Some(e)) if d > e);
            tasks.push(json!({
                "no": no,
                "task": task,
                "lead": t.text(row, "lead").trim(),
                "partners": t.text(row, "partners").trim(),
                "due": due_text,
                "due_form": due.form(),
                "due_parsed": !matches!(due, Due::Text(_)),
                "due_described": describe(&due),
                "due_from": iso(from),
                "due_to": iso(to),
                "status": key,
                "status_label": status.label(),
                "status_note": status_text,
                "done_on": iso(done_on),
                "done_late": late_done,
                "note": t.text(row, "note").trim(),
            }));
            csv_rows.push(vec![
                no,
                task.to_string(),
                t.text(row, "lead").trim().to_string(),
                t.text(row, "partners").trim().to_string(),
                due_text.clone(),
                iso(from).unwrap_or_default(),
                iso(to).unwrap_or_default(),
                status.label().to_string(),
                iso(done_on).unwrap_or_default(),
                t.text(row, "note").trim().to_string(),
            ]);
        }
        if errors.has_errors() {
            return Err(errors);
        }
        let summary: Vec<_> = [
            TaskStatus::Done,
            TaskStatus::InProgress,
            TaskStatus::Overdue,
            TaskStatus::Ongoing,
            TaskStatus::Upcoming,
            TaskStatus::Pending,
        ]
        .iter()
        .filter_map(|s| {
            counts
                .get(s.label())
                .map(|n| json!({"label": s.label(), "count": n}))
        })
        .collect();
        let overdue = tasks.iter().filter(|t| t["status"] == "overdue").count();
        let record = json!({
            "tasks": tasks,
            "summary": summary,
            "overdue": overdue,
            "today": iso(Some(ctx.today)),
            "plan_url": input.opt_str("plan_url"),
        });
        let downloads = vec![groups::csv_download(
            "tien-do-thuc-hien.csv",
            "Bảng tiến độ thực hiện (CSV, tình trạng tính tại ngày đăng)",
            "no",
            &[
                "no", "task", "lead", "partners", "due", "due_from", "due_to", "status", "done_on",
                "note",
            ],
            &csv_rows,
        )];
        Ok(RecordOutput {
            record,
            warnings,
            downloads,
            ..Default::default()
        })
    }
}
