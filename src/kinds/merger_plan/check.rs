//! The merger plan's own rules: where the plan stands, and the plan-wide figures. The
//! rules on each group are in [`crate::residential::rules`].

use crate::residential::consultation::ConsultationResult;
use crate::residential::plan::MergedGroup;

/// Where the plan stands in its procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Published for comment, before the household consultation.
    Draft,
    /// Every merging group passed; waiting for the ward council.
    Consulted,
    /// A merging group did not pass; the plan must change.
    ConsultedFailed,
    /// The ward council decided.
    Decided,
}

impl Stage {
    /// A decision wins over the consultation's result.
    pub fn of(decided: bool, plan_passed: Option<bool>) -> Stage {
        match (decided, plan_passed) {
            (true, _) => Stage::Decided,
            (false, Some(true)) => Stage::Consulted,
            (false, Some(false)) => Stage::ConsultedFailed,
            (false, None) => Stage::Draft,
        }
    }

    /// The key templates switch on.
    pub fn key(self) -> &'static str {
        match self {
            Stage::Decided => "decided",
            Stage::Consulted => "consulted",
            Stage::ConsultedFailed => "consulted_failed",
            Stage::Draft => "draft",
        }
    }

    /// What citizens read; `pass_pct` is the pass ratio as shown (`50,0 %`), `hdnd` the
    /// council's name from the unit type ("Hội đồng nhân dân xã").
    pub fn label(self, pass_pct: &str, hdnd: &str) -> String {
        match self {
            Stage::Decided => format!("Đã được {hdnd} quyết định"),
            Stage::Consulted => format!(
                "Đã lấy ý kiến hộ gia đình: tất cả các tổ thuộc diện sáp nhập đều đạt; chờ {hdnd} quyết định"
            ),
            Stage::ConsultedFailed => format!(
                "Đã lấy ý kiến hộ gia đình: có tổ không đạt (không có trên {pass_pct} tổng số hộ đồng ý); phương án phải điều chỉnh"
            ),
            Stage::Draft => "Dự thảo: đang công khai, chuẩn bị lấy ý kiến hộ gia đình".to_string(),
        }
    }
}

/// Today's groups that merge (members of new groups made of two or more).
pub fn affected_groups(plan: &[MergedGroup]) -> usize {
    plan.iter()
        .filter(|n| n.is_merger())
        .map(|n| n.members.len())
        .sum()
}

/// The plan passed the consultation when every merging group has a result and all
/// passed; `None` before results are published.
pub fn plan_passed(results: Option<&[ConsultationResult]>, affected: usize) -> Option<bool> {
    results.map(|rs| rs.iter().all(|r| r.passed) && rs.len() == affected)
}

/// A new group passed when each of its members has a result and every one passed.
pub fn merger_passed(results: &[&ConsultationResult], members: usize) -> bool {
    results.len() == members && results.iter().all(|r| r.passed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::residential::consultation::Ballots;

    fn result(passed: bool) -> ConsultationResult {
        ConsultationResult {
            code: "TDP01".into(),
            name: "Tổ 1".into(),
            new_code: "M1".into(),
            ballots: Ballots::default(),
            passed,
        }
    }

    #[test]
    fn stage_follows_decision_then_results() {
        // (decided, plan passed, stage)
        for (decided, passed, want) in [
            (true, None, Stage::Decided),
            (true, Some(false), Stage::Decided),
            (false, Some(true), Stage::Consulted),
            (false, Some(false), Stage::ConsultedFailed),
            (false, None, Stage::Draft),
        ] {
            assert_eq!(Stage::of(decided, passed), want, "{decided} {passed:?}");
        }
        assert!(
            Stage::ConsultedFailed
                .label("50,0 %", "Hội đồng nhân dân xã")
                .contains("trên 50,0 % tổng số hộ")
        );
        assert_eq!(
            Stage::Decided.label("50,0 %", "Hội đồng nhân dân xã"),
            "Đã được Hội đồng nhân dân xã quyết định"
        );
    }

    #[test]
    fn plan_passes_only_when_complete_and_all_pass() {
        let (yes, no) = (result(true), result(false));
        // (results, affected groups, plan passed)
        type Case = (Option<Vec<ConsultationResult>>, usize, Option<bool>);
        let cases: &[Case] = &[
            (None, 2, None),
            (Some(vec![yes.clone(), yes.clone()]), 2, Some(true)),
            (Some(vec![yes.clone()]), 2, Some(false)),
            (Some(vec![yes.clone(), no.clone()]), 2, Some(false)),
            (Some(vec![]), 0, Some(true)),
        ];
        for (results, affected, want) in cases {
            assert_eq!(
                plan_passed(results.as_deref(), *affected),
                *want,
                "{results:?} {affected}"
            );
        }
    }

    #[test]
    fn merger_needs_every_member() {
        let (yes, no) = (result(true), result(false));
        // (results, members, passed)
        for (results, members, want) in [
            (vec![&yes, &yes], 2, true),
            (vec![&yes], 2, false),
            (vec![&yes, &no], 2, false),
            (vec![], 0, true),
        ] {
            assert_eq!(merger_passed(&results, members), want, "{members}");
        }
    }
}
