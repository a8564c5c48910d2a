//! Load a merger plan's tables into typed rows: today's groups, the plan, the optional
//! consultation results and boundaries. Every problem is collected before returning.

use super::boundaries::{Boundaries, load_boundaries};
use crate::diagnostics::Diagnostics;
use crate::kinds::files;
use crate::kinds::{KindContext, RecordInput};
use crate::residential::consultation::{
    ConsultationResult, RESULT_FIELDS, consultation_results, read_results,
};
use crate::residential::plan::{MergedGroup, PLAN_FIELDS, read_plan};
use crate::residential::staff::{STAFF_FIELDS, StaffMember, read_staff};
use crate::residential::{GROUP_FIELDS, Group, read_groups};

/// A merger plan's data, checked against each other.
pub struct PlanData {
    /// Today's groups.
    pub groups: Vec<Group>,
    /// The groups after the change.
    pub plan: Vec<MergedGroup>,
    /// The household consultation's results, once `[record] results` is given.
    pub results: Option<Vec<ConsultationResult>>,
    pub boundaries: Option<Boundaries>,
    /// The people planned for the new groups' posts, once `[record] staff` is given.
    pub staff: Vec<StaffMember>,
    pub warnings: Diagnostics,
}

pub fn load(input: &RecordInput, ctx: &KindContext) -> Result<PlanData, Diagnostics> {
    let rules = &ctx.config.rules;
    let mut errors = Diagnostics::new();
    let mut warnings = Diagnostics::new();
    let mut table =
        |field: &str, fields| files::load(input, ctx, field, fields, &mut errors, &mut warnings);
    let gt = table("groups", GROUP_FIELDS);
    let pt = table("plan", PLAN_FIELDS);
    let rt = if input.record.contains_key("results") {
        table("results", RESULT_FIELDS)
    } else {
        None
    };
    let st = if input.record.contains_key("staff") {
        table("staff", STAFF_FIELDS)
    } else {
        None
    };
    let (Some(gt), Some(pt)) = (gt, pt) else {
        return Err(errors);
    };
    let groups = read_groups(&gt, &mut errors);
    let plan = read_plan(&pt, &groups, rules, &mut errors);
    let staff = st
        .as_ref()
        .map(|st| read_staff(st, &plan, rules, &mut errors))
        .unwrap_or_default();
    let results = rt.as_ref().map(|rt| {
        let rows = read_results(rt, &mut errors);
        consultation_results(rt, &rows, &groups, &plan, rules, &mut errors, &mut warnings)
    });
    // Boundaries are checked against a valid groups table only.
    let boundaries = if errors.has_errors() {
        None
    } else {
        load_boundaries(input, ctx, &groups, &mut errors, &mut warnings)
    };
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(PlanData {
        groups,
        plan,
        results,
        boundaries,
        staff,
        warnings,
    })
}
