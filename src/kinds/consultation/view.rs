//! The template contract of a consultation: `page.record` of `kinds/consultation.html`.

use schemars::JsonSchema;
use serde::Serialize;

use super::check::percent_of;
use crate::residential::consultation::ConsultationResult;
use crate::residential::plan::MergedGroup;
use crate::residential::rules::verdict;
use crate::residential::view::{BallotsView, ConsultationResultView};

/// `page.record` of a consultation's page.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConsultationView {
    /// The question put to households.
    pub question: String,
    /// First day, `YYYY-MM-DD`.
    pub start: Option<String>,
    /// Last day, `YYYY-MM-DD`.
    pub end: Option<String>,
    /// Length of the period in days, both ends included (integer).
    pub days: Option<i64>,
    /// The legal minimum length in days (integer).
    pub min_days: i64,
    /// `upcoming`, `open` or `closed` on the build date.
    pub period_state: &'static str,
    /// One result per consulted group of today, in the results table's order.
    pub outcomes: Vec<ConsultationResultView>,
    /// All consulted groups' ballots summed.
    pub totals: BallotsView,
    /// Consulted groups (integer).
    pub groups_count: usize,
    /// Consulted groups that passed (integer).
    pub passed_count: usize,
    /// Consulted groups that did not pass.
    pub failed: Vec<FailedGroupView>,
    /// At least one group was consulted and every one passed.
    pub plan_passed: bool,
    /// What passed, in one sentence, naming each new group that did not pass and why
    /// (`Tổ dân phố Cầu Tre (ghép …) không đạt: …; các tổ còn lại đạt.`).
    pub headline: String,
    /// The plan's new groups made of two or more of today's groups.
    pub new_groups: Vec<ConsultedMergerView>,
    /// The pass ratio, formatted `50,0 %`.
    pub pass_pct: String,
    /// The turnout below which a group is flagged, formatted `50,0 %`.
    pub turnout_warning_pct: String,
    /// Legal basis of the pass rule.
    pub basis_pass: &'static str,
    /// Bar chart of the results per group, `<svg role="img">`; insert unescaped.
    pub chart_svg: String,
    /// Link to the merger plan's page, else `null`.
    pub plan_url: Option<String>,
    /// The residents' opinions and the ward's response to each (tiếp thu, giải trình),
    /// in the record's order; empty when the page body holds that text instead.
    pub responses: Vec<ResponseView>,
}

/// One opinion (or group of like opinions) and the ward's response.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ResponseView {
    /// The opinion, summarised.
    pub opinion: String,
    /// How many households or ballots gave it (integer), or null.
    pub count: Option<u64>,
    /// The groups it came from, as written, or null.
    pub groups: Option<String>,
    /// Accepted (tiếp thu: the plan changes) or explained (giải trình: why not).
    pub accepted: bool,
    /// `Tiếp thu` or `Giải trình`.
    pub outcome: &'static str,
    /// What was changed, or why not.
    pub response: String,
}

/// A consulted group that did not pass.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct FailedGroupView {
    /// Code of today's group.
    pub code: String,
    /// Name of today's group.
    pub name: String,
    /// Agreeing households over all its households, formatted `48,2 %`.
    pub agree_pct: String,
}

impl FailedGroupView {
    pub fn of(r: &ConsultationResult) -> FailedGroupView {
        FailedGroupView {
            code: r.code.clone(),
            name: r.name.clone(),
            agree_pct: crate::format::percent(
                percent_of(r.ballots.agree, r.ballots.households) / 100.0,
            ),
        }
    }
}

/// A new group made of two or more of today's groups, and whether its members passed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConsultedMergerView {
    /// New group code.
    pub code: String,
    /// New group name.
    pub name: String,
    /// Codes of today's groups it is made of, joined with `, `; a group that joins in
    /// part carries its households: `TDP07 (một phần: 120 hộ)`.
    pub members: String,
    /// Households, summed from its members (integer).
    pub households: u64,
    /// Every member with a result passed.
    pub passed: bool,
    /// `Đạt` or `Không đạt`.
    pub verdict: &'static str,
    /// Its members that did not pass.
    pub failed_members: Vec<FailedGroupView>,
}

impl ConsultedMergerView {
    pub fn of(n: &MergedGroup, results: &[ConsultationResult]) -> ConsultedMergerView {
        let failed_members: Vec<FailedGroupView> = results
            .iter()
            .filter(|r| r.new_code == n.code && !r.passed)
            .map(FailedGroupView::of)
            .collect();
        ConsultedMergerView {
            code: n.code.clone(),
            name: n.name.clone(),
            members: n.members_text(),
            households: n.households,
            passed: failed_members.is_empty(),
            verdict: verdict(failed_members.is_empty()),
            failed_members,
        }
    }
}

/// The headline: exactly what passed. Each new group made of a failed group is named
/// with its members and the failed ones' agreement; a failed group outside any merger is
/// named alone; the rest is summed up as passed.
pub fn headline(results: &[ConsultationResult], plan: &[MergedGroup], pass_pct: &str) -> String {
    if results.is_empty() {
        return "Chưa có kết quả lấy ý kiến.".to_string();
    }
    let name_of = |code: &str| {
        results
            .iter()
            .find(|r| r.code == code)
            .map_or_else(|| code.to_string(), |r| r.name.clone())
    };
    let failed_text = |r: &ConsultationResult| {
        let f = FailedGroupView::of(r);
        format!("{} có {} số hộ đồng ý", f.name, f.agree_pct)
    };
    let mut parts: Vec<String> = Vec::new();
    let mut named: Vec<&str> = Vec::new();
    for n in plan.iter().filter(|n| n.is_merger()) {
        let failed: Vec<&ConsultationResult> = results
            .iter()
            .filter(|r| r.new_code == n.code && !r.passed)
            .collect();
        if failed.is_empty() {
            continue;
        }
        let members: Vec<String> = n.members.iter().map(|m| name_of(m)).collect();
        parts.push(format!(
            "{} (ghép {}) không đạt: {}, chưa vượt {pass_pct} tổng số hộ",
            n.name,
            join_and(&members),
            failed
                .iter()
                .map(|r| failed_text(r))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        named.extend(failed.iter().map(|r| r.code.as_str()));
    }
    for r in results
        .iter()
        .filter(|r| !r.passed && !named.contains(&r.code.as_str()))
    {
        parts.push(format!(
            "{} không đạt: {}, chưa vượt {pass_pct} tổng số hộ",
            r.name,
            failed_text(r)
        ));
    }
    if parts.is_empty() {
        return format!(
            "Đạt: cả {} tổ được lấy ý kiến đều có trên {pass_pct} tổng số hộ đồng ý.",
            results.len()
        );
    }
    let all_failed = results.iter().all(|r| !r.passed);
    format!(
        "{}{}",
        parts.join("; "),
        if all_failed {
            ".".to_string()
        } else {
            "; các tổ còn lại đạt.".to_string()
        }
    )
}

/// `a`, `a và b`, `a, b và c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} và {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::residential::GroupKind;
    use crate::residential::consultation::Ballots;

    fn result(code: &str, new_code: &str, households: u64, agree: u64) -> ConsultationResult {
        ConsultationResult {
            code: code.into(),
            name: format!("Tổ {}", &code[1..]),
            new_code: new_code.into(),
            ballots: Ballots {
                households,
                issued: households,
                returned: agree,
                agree,
                ..Default::default()
            },
            passed: agree * 2 > households,
        }
    }

    fn merged(code: &str, name: &str, members: &[&str]) -> MergedGroup {
        MergedGroup {
            code: code.into(),
            name: name.into(),
            members: members.iter().map(|m| m.to_string()).collect(),
            parts: Default::default(),
            special_case: false,
            justification: String::new(),
            posts: Vec::new(),
            note: String::new(),
            row: 2,
            households: 0,
            population: None,
            kind: GroupKind::Tdp,
            slug: code.to_lowercase(),
        }
    }

    #[test]
    fn headline_says_exactly_what_passed() {
        let plan = [
            merged("N1", "Tổ Một Hai", &["G1", "G2"]),
            merged("N2", "Tổ Ba Bốn", &["G3", "G4"]),
            merged("N3", "Tổ Năm", &["G5"]),
        ];
        let pass = |c: &str, n: &str| result(c, n, 100, 60);
        let fail = |c: &str, n: &str| result(c, n, 100, 50);
        // (results, headline)
        let cases = [
            (vec![], "Chưa có kết quả lấy ý kiến.".to_string()),
            (
                vec![pass("G1", "N1"), pass("G2", "N1")],
                "Đạt: cả 2 tổ được lấy ý kiến đều có trên 50,0 % tổng số hộ đồng ý.".to_string(),
            ),
            (
                vec![pass("G1", "N1"), fail("G2", "N1"), pass("G3", "N2"), pass("G4", "N2")],
                "Tổ Một Hai (ghép Tổ 1 và Tổ 2) không đạt: Tổ 2 có 50,0 % số hộ đồng ý, chưa vượt 50,0 % tổng số hộ; các tổ còn lại đạt.".to_string(),
            ),
            (
                vec![pass("G1", "N1"), fail("G5", "N3")],
                "Tổ 5 không đạt: Tổ 5 có 50,0 % số hộ đồng ý, chưa vượt 50,0 % tổng số hộ; các tổ còn lại đạt.".to_string(),
            ),
            (
                vec![fail("G1", "N1"), fail("G2", "N1")],
                "Tổ Một Hai (ghép Tổ 1 và Tổ 2) không đạt: Tổ 1 có 50,0 % số hộ đồng ý, Tổ 2 có 50,0 % số hộ đồng ý, chưa vượt 50,0 % tổng số hộ.".to_string(),
            ),
        ];
        for (results, want) in cases {
            let got = headline(&results, &plan, "50,0 %").replace('\u{a0}', " ");
            assert_eq!(got, want);
        }
        assert_eq!(verdict(true), "Đạt");
        assert_eq!(verdict(false), "Không đạt");
    }

    #[test]
    fn join_and_lists_in_vietnamese() {
        let s = |v: &[&str]| join_and(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&[]), "");
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a và b");
        assert_eq!(s(&["a", "b", "c"]), "a, b và c");
    }
}
