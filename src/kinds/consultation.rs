//! Household consultations on a merger plan (lấy ý kiến hộ gia đình): results per
//! group with computed rates, plan-wide totals, an accessible SVG bar chart, and the
//! response to comments (tiếp thu, giải trình) as the page's Markdown body.
//!
//! `[record]`: `question`, `start`, `end`, `results`, and the plan's `groups` and `plan`
//! tables for the cross-check; optional `plan_url`.

use serde_json::{Value, json};

use super::groups::{self, BASIS_PASS, BASIS_PERIOD, Counts};
use super::{KindContext, RecordInput, RecordKind, RecordOutput};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format::{date_short, percent};
use crate::svg_chart::{Bar, BarChart, Segment};

pub struct Consultation;

fn pct(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 * 100.0 / b as f64
    }
}

impl RecordKind for Consultation {
    fn name(&self) -> &'static str {
        "consultation"
    }

    fn label(&self) -> &'static str {
        "Kết quả lấy ý kiến Nhân dân"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let rules = &ctx.config.rules;
        let mut errors = Diagnostics::new();
        let mut warnings = Diagnostics::new();
        let question = match input.str_field("question") {
            Ok(q) => q.to_string(),
            Err(d) => {
                errors.push(d);
                String::new()
            }
        };
        let start = groups::record_date(input, "start");
        let end = groups::record_date(input, "end");
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
        let mut days = None;
        if let (Some(s), Some(e)) = (start, end) {
            let n = groups::period_days(s, e);
            days = Some(n);
            if e < s {
                errors.push(
                    Diagnostic::error(format!(
                        "ngày kết thúc {} trước ngày bắt đầu {}",
                        date_short(e),
                        date_short(s)
                    ))
                    .at(input.field_location("end"))
                    .hint("kiểm tra lại start và end"),
                );
            } else if n < rules.consultation_min_days {
                errors.push(
                    Diagnostic::error(format!(
                        "thời gian lấy ý kiến từ {} đến {} chỉ có {} ngày, ít hơn mức tối thiểu {} ngày. Căn cứ: {BASIS_PERIOD}",
                        date_short(s),
                        date_short(e),
                        n,
                        rules.consultation_min_days
                    ))
                    .at(input.field_location("end"))
                    .hint("kéo dài thời gian lấy ý kiến cho đủ số ngày (tính cả ngày đầu và ngày cuối)"),
                );
            }
        }
        let gt = groups::load(
            input,
            ctx,
            "groups",
            groups::GROUP_FIELDS,
            &mut errors,
            &mut warnings,
        );
        let pt = groups::load(
            input,
            ctx,
            "plan",
            groups::PLAN_FIELDS,
            &mut errors,
            &mut warnings,
        );
        let rt = groups::load(
            input,
            ctx,
            "results",
            groups::RESULT_FIELDS,
            &mut errors,
            &mut warnings,
        );
        let (Some(gt), Some(pt), Some(rt)) = (gt, pt, rt) else {
            return Err(errors);
        };
        let all = groups::read_groups(&gt, &mut errors);
        let plan = groups::read_plan(&pt, &all, rules, &mut errors);
        let rows = groups::read_results(&rt, &mut errors);
        let outcomes = groups::outcomes(&rt, &rows, &all, &plan, rules, &mut errors, &mut warnings);
        if errors.has_errors() {
            return Err(errors);
        }

        let mut total = Counts::default();
        for o in &outcomes {
            total.add(&o.counts);
        }
        let failed: Vec<&groups::Outcome> = outcomes.iter().filter(|o| !o.passed).collect();
        let plan_passed = failed.is_empty() && !outcomes.is_empty();
        let threshold = rules.merger_pass_ratio * 100.0;
        let chart = BarChart {
            id: "bieu-do-ket-qua".into(),
            title: "Biểu đồ tỷ lệ hộ gia đình đồng ý theo từng tổ".into(),
            desc: format!(
                "Mỗi thanh là một tổ; phần đầu là tỷ lệ hộ đồng ý trên tổng số hộ của tổ, tiếp theo là không đồng ý, ý kiến khác, phiếu không hợp lệ; phần nền xám nhạt còn lại là số hộ không gửi phiếu. Đường kẻ đứt là mức {} phải vượt qua. Số liệu đầy đủ ở bảng bên dưới. {}",
                percent(rules.merger_pass_ratio),
                outcomes
                    .iter()
                    .map(|o| format!(
                        "{}: {} đồng ý{}.",
                        o.name,
                        percent(pct(o.counts.agree, o.counts.households) / 100.0),
                        if o.passed {
                            ", đạt"
                        } else {
                            ", không đạt"
                        }
                    ))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            bars: outcomes
                .iter()
                .map(|o| {
                    let c = &o.counts;
                    Bar {
                        label: o.name.clone(),
                        segments: vec![
                            Segment {
                                value: pct(c.agree, c.households),
                                class: "agree",
                            },
                            Segment {
                                value: pct(c.disagree, c.households),
                                class: "disagree",
                            },
                            Segment {
                                value: pct(c.other, c.households),
                                class: "other",
                            },
                            Segment {
                                value: pct(c.invalid, c.households),
                                class: "invalid",
                            },
                        ],
                        value_label: format!(
                            "{} {}",
                            percent(pct(c.agree, c.households) / 100.0),
                            if o.passed {
                                "✓ đạt"
                            } else {
                                "✗ không đạt"
                            }
                        ),
                    }
                })
                .collect(),
            max: 100.0,
            marker: Some((
                threshold,
                format!("mức {}", percent(rules.merger_pass_ratio)),
            )),
            legend: vec![
                ("agree", "Đồng ý".into()),
                ("disagree", "Không đồng ý".into()),
                ("other", "Ý kiến khác".into()),
                ("invalid", "Không hợp lệ".into()),
                ("none", "Không gửi phiếu".into()),
            ],
        };
        let new_groups: Vec<Value> = plan
            .iter()
            .filter(|n| n.members.len() >= 2)
            .map(|n| {
                let mine: Vec<&groups::Outcome> =
                    outcomes.iter().filter(|o| o.new_code == n.code).collect();
                json!({
                    "code": n.code,
                    "name": n.name,
                    "members": n.members.join(", "),
                    "households": n.households,
                    "passed": mine.iter().all(|o| o.passed),
                })
            })
            .collect();
        let period_state = match (start, end) {
            (Some(s), _) if ctx.today < s => "upcoming",
            (_, Some(e)) if ctx.today <= e => "open",
            _ => "closed",
        };
        let record = json!({
            "question": question,
            "start": crate::deadline::iso(start),
            "end": crate::deadline::iso(end),
            "days": days,
            "min_days": rules.consultation_min_days,
            "period_state": period_state,
            "outcomes": outcomes.iter().map(groups::outcome_json).collect::<Vec<_>>(),
            "totals": groups::counts_json(&total),
            "groups_count": outcomes.len(),
            "passed_count": outcomes.len() - failed.len(),
            "failed": failed.iter().map(|o| json!({"code": o.code, "name": o.name, "agree_pct": percent(pct(o.counts.agree, o.counts.households) / 100.0)})).collect::<Vec<_>>(),
            "plan_passed": plan_passed,
            "new_groups": new_groups,
            "pass_pct": percent(rules.merger_pass_ratio),
            "turnout_warning_pct": percent(rules.turnout_warning_ratio),
            "basis_pass": BASIS_PASS,
            "chart_svg": chart.to_svg(),
            "plan_url": input.opt_str("plan_url"),
        });
        let rows_csv: Vec<Vec<String>> = outcomes
            .iter()
            .map(|o| {
                let c = &o.counts;
                let p = |a| crate::format::decimal(pct(a, c.households), 1);
                vec![
                    o.code.clone(),
                    o.name.clone(),
                    o.new_code.clone(),
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
                    if o.passed { "đạt" } else { "không đạt" }.into(),
                ]
            })
            .collect();
        let downloads = vec![
            groups::csv_download(
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
                &rows_csv,
            ),
            groups::json_download(
                "ket-qua-lay-y-kien.json",
                "Kết quả lấy ý kiến (JSON)",
                "code",
                &json!({"question": record["question"], "start": record["start"], "end": record["end"], "outcomes": record["outcomes"], "totals": record["totals"], "plan_passed": plan_passed}),
            ),
        ];
        Ok(RecordOutput {
            record,
            warnings,
            downloads,
            search_text: format!(
                "{question} {}",
                outcomes
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            ..Default::default()
        })
    }
}
