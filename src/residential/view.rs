//! Template values of the residential-group model, shared by the kinds that show
//! groups and consultation results (`merger_plan`, `consultation`). Part of their
//! `page.record` contract.

use schemars::JsonSchema;
use serde::Serialize;

use super::Group;
use super::consultation::{Ballots, ConsultationResult};
use super::rules::ratio;
use crate::format::{decimal, percent};

/// One of today's residential groups.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GroupView {
    /// Group code as in today's table (`TDP01`).
    pub code: String,
    /// Group name (`Tổ dân phố số 1`).
    pub name: String,
    /// Number of households (integer).
    pub households: u64,
    /// Number of residents (integer); `null` when the table has none.
    pub population: Option<u64>,
    /// Area in hectares with two decimals and a decimal comma (`12,50`); `null` when
    /// the table has none.
    pub area_ha: Option<String>,
    /// `Tổ dân phố` or `Thôn`.
    pub kind: &'static str,
    /// Staff note ("" when none).
    pub note: String,
}

impl GroupView {
    pub fn of(g: &Group) -> GroupView {
        GroupView {
            code: g.code.clone(),
            name: g.name.clone(),
            households: g.households,
            population: g.population,
            area_ha: g.area_ha.map(|a| decimal(a, 2)),
            kind: g.kind.label(),
            note: g.note.clone(),
        }
    }
}

/// Ballot counts of a group (or a sum of groups) with rates over all its households.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct BallotsView {
    /// Households consulted (integer).
    pub households: u64,
    /// Ballots handed out (integer).
    pub ballots_issued: u64,
    /// Ballots returned (integer).
    pub ballots_returned: u64,
    /// Ballots agreeing (integer).
    pub agree: u64,
    /// Ballots disagreeing (integer).
    pub disagree: u64,
    /// Ballots with another opinion (integer).
    pub other: u64,
    /// Invalid ballots (integer).
    pub invalid: u64,
    /// Agreeing ballots over all households, one decimal (`52,4 %`, no-break space).
    pub agree_pct: String,
    /// Disagreeing ballots over all households (`12,0 %`).
    pub disagree_pct: String,
    /// Other opinions over all households (`3,1 %`).
    pub other_pct: String,
    /// Invalid ballots over all households (`0,5 %`).
    pub invalid_pct: String,
    /// Returned ballots over all households (`95,0 %`).
    pub turnout_pct: String,
}

impl BallotsView {
    pub fn of(c: &Ballots) -> BallotsView {
        let pct = |n: u64| percent(ratio(n, c.households));
        BallotsView {
            households: c.households,
            ballots_issued: c.issued,
            ballots_returned: c.returned,
            agree: c.agree,
            disagree: c.disagree,
            other: c.other,
            invalid: c.invalid,
            agree_pct: pct(c.agree),
            disagree_pct: pct(c.disagree),
            other_pct: pct(c.other),
            invalid_pct: pct(c.invalid),
            turnout_pct: pct(c.returned),
        }
    }
}

/// One of today's groups' consultation result: its ballots (all [`BallotsView`] fields)
/// and whether it passed.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConsultationResultView {
    /// Code of today's group (`TDP01`).
    pub code: String,
    /// Name of today's group.
    pub name: String,
    /// Code of the new group it merges into ("" when none).
    pub new_code: String,
    /// More than the pass ratio of all its households agreed.
    pub passed: bool,
    /// The verdict in words: `Đạt` or `Không đạt` (`residential::rules::verdict`).
    pub verdict: &'static str,
    /// The ballots' fields, inlined.
    #[serde(flatten)]
    pub ballots: BallotsView,
}

impl ConsultationResultView {
    pub fn of(r: &ConsultationResult) -> ConsultationResultView {
        ConsultationResultView {
            code: r.code.clone(),
            name: r.name.clone(),
            new_code: r.new_code.clone(),
            passed: r.passed,
            verdict: super::rules::verdict(r.passed),
            ballots: BallotsView::of(&r.ballots),
        }
    }
}
