//! Household consultations on a merger plan (lấy ý kiến hộ gia đình): results per
//! group with computed rates, plan-wide totals, an accessible SVG bar chart, and the
//! response to comments (tiếp thu, giải trình) as the page's Markdown body.
//!
//! `[record]`: `question`, `start`, `end`, `results`, and the plan's `groups` and `plan`
//! tables for the cross-check; optional `plan_url`.
//!
//! load ([`load`]) → check ([`check`], and the ballot rules in
//! [`crate::residential::rules`]) → view ([`view`], [`chart`]).

pub mod chart;
pub mod check;
pub mod load;
pub mod view;

use serde::Serialize;

use super::files::{csv_download, json_download};
use super::{Download, KindContext, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::config::Rules;
use crate::diagnostics::Diagnostics;
use crate::format::{decimal, percent};
use crate::residential::consultation::{Ballots, ConsultationResult};
use crate::residential::rules::{BASIS_PASS, period_days};
use crate::residential::view::{BallotsView, ConsultationResultView};
use check::{percent_of, period_state};
use load::ConsultationData;
use view::{ConsultationView, ConsultedMergerView, FailedGroupView};

pub struct Consultation;

impl RecordKind for Consultation {
    fn name(&self) -> &'static str {
        "consultation"
    }

    fn label(&self) -> &'static str {
        "Kết quả lấy ý kiến Nhân dân"
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![ViewDoc::of::<ConsultationView>(self.template())]
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let data = load::load(input, ctx)?;
        let view = consultation_view(input, ctx, &data);
        let downloads = downloads(&data.results, &view)?;
        let search_text = format!(
            "{} {}",
            data.question,
            data.results
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        Ok(RecordOutput {
            record: to_record(&view)?,
            warnings: data.warnings,
            downloads,
            search_text,
            ..Default::default()
        })
    }
}

fn consultation_view(
    input: &RecordInput,
    ctx: &KindContext,
    data: &ConsultationData,
) -> ConsultationView {
    let rules: &Rules = &ctx.config.rules;
    let results = &data.results;
    let failed: Vec<&ConsultationResult> = results.iter().filter(|r| !r.passed).collect();
    ConsultationView {
        question: data.question.clone(),
        start: crate::deadline::iso(data.start),
        end: crate::deadline::iso(data.end),
        days: data.start.zip(data.end).map(|(s, e)| period_days(s, e)),
        min_days: rules.consultation_min_days,
        period_state: period_state(ctx.today, data.start, data.end),
        outcomes: results.iter().map(ConsultationResultView::of).collect(),
        totals: BallotsView::of(&Ballots::total(results.iter().map(|r| &r.ballots))),
        groups_count: results.len(),
        passed_count: results.len() - failed.len(),
        failed: failed.iter().map(|r| FailedGroupView::of(r)).collect(),
        plan_passed: failed.is_empty() && !results.is_empty(),
        new_groups: data
            .plan
            .iter()
            .filter(|n| n.is_merger())
            .map(|n| ConsultedMergerView::of(n, results))
            .collect(),
        pass_pct: percent(rules.merger_pass_ratio),
        turnout_warning_pct: percent(rules.turnout_warning_ratio),
        basis_pass: BASIS_PASS,
        chart_svg: chart::results_chart(results, rules).to_svg(),
        plan_url: input.opt_str("plan_url").map(str::to_string),
    }
}

/// `ket-qua-lay-y-kien.json`: the page's results and totals.
#[derive(Serialize)]
struct ResultsJson<'a> {
    question: &'a str,
    start: &'a Option<String>,
    end: &'a Option<String>,
    outcomes: &'a [ConsultationResultView],
    totals: &'a BallotsView,
    plan_passed: bool,
}

fn downloads(
    results: &[ConsultationResult],
    view: &ConsultationView,
) -> Result<Vec<Download>, Diagnostics> {
    Ok(vec![
        csv_download(
            "ket-qua-lay-y-kien.csv",
            "Kết quả lấy ý kiến theo từng tổ (CSV, tỷ lệ % do hệ thống tính)",
            "group",
            &[
                "group",
                "name",
                "new_code",
                "households",
                "ballots_issued",
                "ballots_returned",
                "agree",
                "disagree",
                "other",
                "invalid",
                "agree_percent",
                "disagree_percent",
                "other_percent",
                "turnout_percent",
                "result",
            ],
            &results.iter().map(csv_row).collect::<Vec<_>>(),
        ),
        json_download(
            "ket-qua-lay-y-kien.json",
            "Kết quả lấy ý kiến (JSON)",
            "code",
            &ResultsJson {
                question: &view.question,
                start: &view.start,
                end: &view.end,
                outcomes: &view.outcomes,
                totals: &view.totals,
                plan_passed: view.plan_passed,
            },
        )?,
    ])
}

/// One group's CSV row; rates with one decimal and a decimal comma.
fn csv_row(r: &ConsultationResult) -> Vec<String> {
    let c = &r.ballots;
    let p = |a| decimal(percent_of(a, c.households), 1);
    vec![
        r.code.clone(),
        r.name.clone(),
        r.new_code.clone(),
        c.households.to_string(),
        c.issued.to_string(),
        c.returned.to_string(),
        c.agree.to_string(),
        c.disagree.to_string(),
        c.other.to_string(),
        c.invalid.to_string(),
        p(c.agree),
        p(c.disagree),
        p(c.other),
        p(c.returned),
        if r.passed { "đạt" } else { "không đạt" }.into(),
    ]
}
