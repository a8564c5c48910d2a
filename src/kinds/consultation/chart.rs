//! The results chart: one bar per consulted group, stacked agree / disagree / other /
//! invalid over all its households, with the pass threshold marked.

use super::check::percent_of;
use crate::config::Rules;
use crate::format::percent;
use crate::residential::consultation::ConsultationResult;
use crate::residential::rules::verdict;
use crate::svg_chart::{Bar, BarChart, Segment};

/// Agreeing households as shown (`52,4 %`).
fn agree_text(r: &ConsultationResult) -> String {
    percent(percent_of(r.ballots.agree, r.ballots.households) / 100.0)
}

pub fn results_chart(results: &[ConsultationResult], rules: &Rules) -> BarChart {
    BarChart {
        id: "bieu-do-ket-qua".into(),
        title: "Biểu đồ tỷ lệ hộ gia đình đồng ý theo từng tổ".into(),
        desc: description(results, rules),
        bars: results.iter().map(bar).collect(),
        max: 100.0,
        marker: Some((
            rules.merger_pass_ratio * 100.0,
            format!("mức {}", percent(rules.merger_pass_ratio)),
        )),
        legend: vec![
            ("agree", "Đồng ý".into()),
            ("disagree", "Không đồng ý".into()),
            ("other", "Ý kiến khác".into()),
            ("invalid", "Không hợp lệ".into()),
            ("none", "Không gửi phiếu".into()),
        ],
    }
}

/// The chart's text alternative: how to read it, and each group's result.
fn description(results: &[ConsultationResult], rules: &Rules) -> String {
    format!(
        "Mỗi thanh là một tổ; phần đầu là tỷ lệ hộ đồng ý trên tổng số hộ của tổ, tiếp theo là không đồng ý, ý kiến khác, phiếu không hợp lệ; phần nền xám nhạt còn lại là số hộ không gửi phiếu. Đường kẻ đứt là mức {} phải vượt qua. Số liệu đầy đủ ở bảng “Kết quả từng tổ”. {}",
        percent(rules.merger_pass_ratio),
        results
            .iter()
            .map(|r| format!(
                "{}: {} đồng ý, {}.",
                r.name,
                agree_text(r),
                verdict(r.passed)
            ))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn bar(r: &ConsultationResult) -> Bar {
    let c = &r.ballots;
    let segment = |n: u64, class| Segment {
        value: percent_of(n, c.households),
        class,
    };
    Bar {
        label: r.name.clone(),
        segments: vec![
            segment(c.agree, "agree"),
            segment(c.disagree, "disagree"),
            segment(c.other, "other"),
            segment(c.invalid, "invalid"),
        ],
        value_label: format!(
            "{} {} {}",
            agree_text(r),
            if r.passed { "✓" } else { "✗" },
            verdict(r.passed)
        ),
    }
}
