//! Load a consultation: the question and period from `[record]`, and the plan's tables
//! with the results, cross-checked. Every problem is collected before returning.

use chrono::NaiveDate;

use super::check::{PeriodProblem, period_problem};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format::date_short;
use crate::kinds::files::{self, record_date};
use crate::kinds::{KindContext, RecordInput};
use crate::residential::consultation::{
    ConsultationResult, RESULT_FIELDS, consultation_results, read_results,
};
use crate::residential::plan::{MergedGroup, PLAN_FIELDS, read_plan};
use crate::residential::rules::BASIS_PERIOD;
use crate::residential::{GROUP_FIELDS, read_groups};

/// A consultation's data, checked.
pub struct ConsultationData {
    pub question: String,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub plan: Vec<MergedGroup>,
    /// One per consulted group, in the results table's order.
    pub results: Vec<ConsultationResult>,
    pub warnings: Diagnostics,
}

pub fn load(input: &RecordInput, ctx: &KindContext) -> Result<ConsultationData, Diagnostics> {
    let rules = &ctx.config.rules;
    let mut errors = Diagnostics::new();
    let mut warnings = Diagnostics::new();
    let question = input.required_str("question", &mut errors);
    let (start, end) = read_period(input, rules.consultation_min_days, &mut errors);
    let mut table =
        |field: &str, fields| files::load(input, ctx, field, fields, &mut errors, &mut warnings);
    let gt = table("groups", GROUP_FIELDS);
    let pt = table("plan", PLAN_FIELDS);
    let rt = table("results", RESULT_FIELDS);
    let (Some(gt), Some(pt), Some(rt)) = (gt, pt, rt) else {
        return Err(errors);
    };
    let groups = read_groups(&gt, &mut errors);
    let plan = read_plan(&pt, &groups, rules, &mut errors);
    let rows = read_results(&rt, &mut errors);
    let results = consultation_results(
        &rt,
        &rows,
        &groups,
        &plan,
        rules,
        &mut errors,
        &mut warnings,
    );
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(ConsultationData {
        question,
        start,
        end,
        plan,
        results,
        warnings,
    })
}

/// `[record] start` and `end`, both required, and the period rule.
fn read_period(
    input: &RecordInput,
    min_days: i64,
    errors: &mut Diagnostics,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let start = record_date(input, "start");
    let end = record_date(input, "end");
    for (field, d) in [("start", start), ("end", end)] {
        if d.is_none() {
            errors.push(
                Diagnostic::error(format!(
                    "thiếu hoặc sai ngày record.{field} của đợt lấy ý kiến"
                ))
                .at(input.field_location(field))
                .hint(format!("viết {field} = 2026-06-12 trong bảng [record]")),
            );
        }
    }
    let (Some(s), Some(e)) = (start, end) else {
        return (start, end);
    };
    match period_problem(s, e, min_days) {
        None => {}
        Some(PeriodProblem::EndsBeforeStart) => errors.push(
            Diagnostic::error(format!(
                "ngày kết thúc {} trước ngày bắt đầu {}",
                date_short(e),
                date_short(s)
            ))
            .at(input.field_location("end"))
            .hint("kiểm tra lại start và end"),
        ),
        Some(PeriodProblem::TooShort(n)) => errors.push(
            Diagnostic::error(format!(
                "thời gian lấy ý kiến từ {} đến {} chỉ có {} ngày, ít hơn mức tối thiểu {} ngày. Căn cứ: {BASIS_PERIOD}",
                date_short(s),
                date_short(e),
                n,
                min_days
            ))
            .at(input.field_location("end"))
            .hint("kéo dài thời gian lấy ý kiến cho đủ số ngày (tính cả ngày đầu và ngày cuối)"),
        ),
    }
    (start, end)
}
