//! The template contract of a consultation: `page.record` of `kinds/consultation.html`.

use schemars::JsonSchema;
use serde::Serialize;

use super::check::percent_of;
use crate::residential::consultation::ConsultationResult;
use crate::residential::plan::MergedGroup;
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
    /// Codes of today's groups it is made of, joined with `, `.
    pub members: String,
    /// Households, summed from its members (integer).
    pub households: u64,
    /// Every member with a result passed.
    pub passed: bool,
}

impl ConsultedMergerView {
    pub fn of(n: &MergedGroup, results: &[ConsultationResult]) -> ConsultedMergerView {
        ConsultedMergerView {
            code: n.code.clone(),
            name: n.name.clone(),
            members: n.members.join(", "),
            households: n.households,
            passed: results
                .iter()
                .filter(|r| r.new_code == n.code)
                .all(|r| r.passed),
        }
    }
}
