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

/// The tables this kind publishes (file stem, columns), for docs/open-data.md.
pub const TABLES: &[(&str, &[crate::kinds::columns::Column])] = &[("ket-qua-lay-y-kien", COLUMNS)];

use serde::Serialize;

use super::columns::Column;
use super::files::{TableFiles, json_download};
use super::{Download, KindContext, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::config::Rules;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format::{decimal, percent};
use crate::residential::consultation::{Ballots, ConsultationResult};
use crate::residential::rules::{BASIS_PASS, VERDICTS, period_days, verdict};
use crate::residential::view::{BallotsView, ConsultationResultView};
use check::{percent_of, period_state};
use load::ConsultationData;
use view::{ConsultationView, ConsultedMergerView, FailedGroupView, ResponseView};

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
        let mut data = load::load(input, ctx)?;
        let mut errors = Diagnostics::new();
        let responses = responses(input, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
        let opinions = data
            .results
            .iter()
            .map(|r| r.ballots.disagree + r.ballots.other)
            .sum::<u64>();
        if opinions > 0 && responses.is_empty() && input.body.trim().is_empty() {
            data.warnings.push(
                Diagnostic::warning(format!(
                    "có {opinions} phiếu không đồng ý hoặc ý kiến khác nhưng trang chưa có phần tiếp thu, giải trình"
                ))
                .at(input.field_location("responses"))
                .hint("ghi từng nhóm ý kiến và cách tiếp thu, giải trình trong [[record.responses]] (opinion, response, accepted), hoặc viết phần tiếp thu, giải trình vào nội dung trang"),
            );
        }
        let mut view = consultation_view(input, ctx, &data);
        view.responses = responses;
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
        headline: view::headline(results, &data.plan, &percent(rules.merger_pass_ratio)),
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
        responses: Vec::new(),
    }
}

/// `[[record.responses]]`: the residents' opinions and the ward's response to each
/// (tiếp thu, giải trình), published with the result (Law 10/2022/QH15 Art. 25–28).
fn responses(input: &RecordInput, errors: &mut Diagnostics) -> Vec<ResponseView> {
    let hint = "viết mỗi nhóm ý kiến một bảng:\n[[record.responses]]\nopinion = \"Đề nghị giữ tên tổ cũ\"\ncount = 12            # số ý kiến (không bắt buộc)\naccepted = true       # true: tiếp thu; false: giải trình vì sao chưa tiếp thu\nresponse = \"…\"";
    let items = match input.record.get("responses") {
        None => return Vec::new(),
        Some(toml::Value::Array(a)) => a,
        Some(_) => {
            errors.push(
                Diagnostic::error(
                    "record.responses phải là danh sách các ý kiến ([[record.responses]])",
                )
                .at(input.field_location("responses"))
                .hint(hint),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = input.field_location(&format!("responses[{}]", i + 1));
        let text = |k: &str| {
            item.get(k)
                .and_then(|v| v.as_str())
                .map(|s| crate::text::nfc(s.trim()))
                .filter(|s| !s.is_empty())
        };
        let (Some(opinion), Some(response)) = (text("opinion"), text("response")) else {
            errors.push(
                Diagnostic::error(format!(
                    "ý kiến thứ {} trong record.responses cần cả nội dung ý kiến (opinion) và phần tiếp thu, giải trình (response)",
                    i + 1
                ))
                .at(at)
                .hint(hint),
            );
            continue;
        };
        let accepted = match item.get("accepted") {
            Some(toml::Value::Boolean(b)) => *b,
            _ => {
                errors.push(
                    Diagnostic::error(format!(
                        "ý kiến \u{201c}{opinion}\u{201d}: ghi accepted = true (tiếp thu) hoặc accepted = false (giải trình, chưa tiếp thu)"
                    ))
                    .at(at)
                    .hint(hint),
                );
                continue;
            }
        };
        let count = match item.get("count") {
            None => None,
            Some(toml::Value::Integer(n)) if *n >= 0 => u64::try_from(*n).ok(),
            Some(_) => {
                errors.push(
                    Diagnostic::error(format!(
                        "ý kiến \u{201c}{opinion}\u{201d}: số ý kiến (count) phải là số nguyên không âm"
                    ))
                    .at(at)
                    .hint("ví dụ count = 12, hoặc bỏ dòng này"),
                );
                continue;
            }
        };
        out.push(ResponseView {
            opinion,
            count,
            groups: text("groups"),
            accepted,
            outcome: if accepted {
                "Tiếp thu"
            } else {
                "Giải trình"
            },
            response,
        });
    }
    out
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
    responses: &'a [ResponseView],
}

/// Columns of `ket-qua-lay-y-kien.csv` / `.json`, in the order of [`csv_row`].
pub(crate) const COLUMNS: &[Column] = &[
    Column::text("Mã tổ", "Mã tổ dân phố hiện nay được lấy ý kiến.").required(),
    Column::text("Tên tổ", "Tên tổ dân phố hiện nay.").required(),
    Column::text(
        "Mã tổ mới",
        "Mã tổ dân phố mới mà tổ này sáp nhập vào theo phương án.",
    ),
    Column::count("Số hộ", "Số hộ gia đình của tổ (cử tri đại diện hộ).")
        .unit("hộ")
        .required(),
    Column::count("Số phiếu phát ra", "Số phiếu lấy ý kiến đã phát.")
        .unit("phiếu")
        .required(),
    Column::count("Số phiếu thu về", "Số phiếu đã thu lại.")
        .unit("phiếu")
        .required(),
    Column::count("Số phiếu đồng ý", "Số phiếu đồng ý với phương án.")
        .unit("phiếu")
        .required(),
    Column::count(
        "Số phiếu không đồng ý",
        "Số phiếu không đồng ý với phương án.",
    )
    .unit("phiếu")
    .required(),
    Column::count("Số phiếu ý kiến khác", "Số phiếu có ý kiến khác.")
        .unit("phiếu")
        .required(),
    Column::count("Số phiếu không hợp lệ", "Số phiếu không hợp lệ.")
        .unit("phiếu")
        .required(),
    Column::decimal(
        "Tỷ lệ đồng ý",
        "Số phiếu đồng ý chia cho số hộ của tổ, do hệ thống tính.",
    )
    .unit("%"),
    Column::decimal(
        "Tỷ lệ không đồng ý",
        "Số phiếu không đồng ý chia cho số hộ của tổ, do hệ thống tính.",
    )
    .unit("%"),
    Column::decimal(
        "Tỷ lệ ý kiến khác",
        "Số phiếu ý kiến khác chia cho số hộ của tổ, do hệ thống tính.",
    )
    .unit("%"),
    Column::decimal(
        "Tỷ lệ tham gia",
        "Số phiếu thu về chia cho số hộ của tổ, do hệ thống tính.",
    )
    .unit("%"),
    Column::text("Kết quả", "Tổ có đạt tỷ lệ đồng ý theo quy định hay không.")
        .required()
        .one_of(&VERDICTS),
];

/// The per-group results table: `ket-qua-lay-y-kien.csv` and `.json`.
pub(super) fn table() -> TableFiles<'static> {
    TableFiles {
        stem: "ket-qua-lay-y-kien",
        title: "Kết quả lấy ý kiến theo từng tổ",
        description: "Mỗi dòng là một tổ dân phố hiện nay: số hộ, số phiếu phát ra, thu về, đồng ý, không đồng ý, ý kiến khác, không hợp lệ; các tỷ lệ phần trăm do hệ thống tính trên số hộ; kết quả đạt hay không đạt.",
        columns: COLUMNS,
        key: Some("Mã tổ"),
        unique_key: true,
    }
}

fn downloads(
    results: &[ConsultationResult],
    view: &ConsultationView,
) -> Result<Vec<Download>, Diagnostics> {
    let [d1, d2] = table().downloads(&results.iter().map(csv_row).collect::<Vec<_>>());
    Ok(vec![
        d1,
        d2,
        json_download(
            "ket-qua-lay-y-kien-day-du.json",
            "Kết quả lấy ý kiến, đầy đủ như trên trang (JSON)",
            "code",
            &ResultsJson {
                question: &view.question,
                start: &view.start,
                end: &view.end,
                outcomes: &view.outcomes,
                totals: &view.totals,
                plan_passed: view.plan_passed,
                responses: &view.responses,
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
        verdict(r.passed).into(),
    ]
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn header_row_is_the_declared_titles() {
        let mut row: Vec<String> = COLUMNS.iter().map(|_| "1".to_string()).collect();
        row[10] = "52,3".into();
        row[11] = "—".into();
        let [csv, json] = table().downloads(&[row]);
        files_check(&csv);
        files_check(&json);
        let v: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
        assert_eq!(v[0]["Tỷ lệ đồng ý"], serde_json::json!(52.3));
        assert!(v[0]["Tỷ lệ không đồng ý"].is_null());
    }

    fn files_check(d: &Download) {
        crate::kinds::files::assert_table(d);
    }
}
