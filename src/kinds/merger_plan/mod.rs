//! Merger plans (phương án sắp xếp tổ dân phố): today's groups, the groups after the
//! change, and one page per new group with its members, households, planned posts,
//! special-case justification and consultation result.
//!
//! `[record]`: `groups` and `plan` (tables), optional `results` (consultation table),
//! `legal_basis` (text or list), `decision`/`decided_on` (the HĐND resolution once
//! decided), `consultation_url`, `timeline_url`, `boundaries` (a GeoJSON file of
//! today's groups, drawn as a map; see [`crate::geo_map`]) and `boundaries_property`
//! (the feature property holding the group code, default `code`).
//!
//! load ([`load`], [`boundaries`]) → check ([`check`], and the group rules in
//! [`crate::residential::rules`]) → view ([`view`]).

pub mod boundaries;
pub mod check;
mod downloads;
pub mod load;
pub mod view;

/// The tables this kind publishes (file stem, columns), for docs/open-data.md.
pub const TABLES: &[(&str, &[crate::kinds::columns::Column])] = &[
    ("to-dan-pho-hien-nay", downloads::GROUP_COLUMNS),
    ("phuong-an-sap-xep", downloads::PLAN_COLUMNS),
];

use super::files::{record_date, record_list};
use super::{KindContext, RecordInput, RecordKind, RecordOutput, SubPage, ViewDoc, to_record};
use crate::diagnostics::Diagnostics;
use crate::residential::view::GroupView;
use check::{Stage, affected_groups, plan_passed};
use load::PlanData;
use view::{
    GroupPageView, MapMaker, MergedGroupInput, MergedGroupView, PlanLink, PlanSummary, PlanView,
    RulesView, stage_label,
};

pub struct MergerPlan;

const GROUP_TEMPLATE: &str = "kinds/merger_plan/group.html";

impl RecordKind for MergerPlan {
    fn name(&self) -> &'static str {
        "merger_plan"
    }

    fn label(&self) -> &'static str {
        "Phương án sắp xếp tổ dân phố"
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![
            ViewDoc::of::<PlanView>(self.template()),
            ViewDoc::of::<GroupPageView>(GROUP_TEMPLATE),
        ]
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let data = load::load(input, ctx)?;
        let maps = MapMaker::new(data.boundaries.as_ref(), &data.plan, input.path);
        let view = plan_view(input, ctx, &data, &maps);
        let subpages = group_pages(input, &data, &view, &maps)?;
        let downloads = downloads::downloads(&data, &view)?;
        let search_text = data
            .plan
            .iter()
            .map(|n| format!("{} {}", n.name, n.members.join(" ")))
            .chain(data.groups.iter().map(|g| g.name.clone()))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(RecordOutput {
            record: to_record(&view)?,
            warnings: data.warnings,
            subpages,
            downloads,
            search_text,
            ..Default::default()
        })
    }
}

fn plan_view(input: &RecordInput, ctx: &KindContext, data: &PlanData, maps: &MapMaker) -> PlanView {
    let rules = &ctx.config.rules;
    let affected = affected_groups(&data.plan);
    let decision = input.opt_str("decision").map(str::to_string);
    let passed = plan_passed(data.results.as_deref(), affected);
    let stage = Stage::of(decision.is_some(), passed);
    let group_input = MergedGroupInput {
        groups: &data.groups,
        results: data.results.as_deref(),
        page_path: input.path,
        rules,
        staff: &data.staff,
    };
    PlanView {
        groups: data.groups.iter().map(GroupView::of).collect(),
        new_groups: data
            .plan
            .iter()
            .map(|n| MergedGroupView::of(n, &group_input))
            .collect(),
        summary: PlanSummary::of(&data.groups, &data.plan, affected),
        legal_basis: record_list(input, "legal_basis"),
        decision,
        decided_on: crate::deadline::iso(record_date(input, "decided_on")),
        stage: stage.key(),
        stage_label: stage_label(stage, rules, &ctx.config.words().hdnd),
        has_results: data.results.is_some(),
        plan_passed: passed,
        consultation_url: input.opt_str("consultation_url").map(str::to_string),
        timeline_url: input.opt_str("timeline_url").map(str::to_string),
        map: maps.map("Bản đồ tổ dân phố hiện nay và sau sắp xếp", None),
        rules: RulesView::of(rules),
    }
}

/// One page per new group, with the plan's stage, the rules and its own map.
fn group_pages(
    input: &RecordInput,
    data: &PlanData,
    plan: &PlanView,
    maps: &MapMaker,
) -> Result<Vec<SubPage>, Diagnostics> {
    let link = PlanLink {
        title: input.title.to_string(),
        url: input.path.to_string(),
        stage_label: plan.stage_label.clone(),
    };
    data.plan
        .iter()
        .zip(&plan.new_groups)
        .map(|(n, group)| {
            let page = GroupPageView {
                group: group.clone(),
                plan: link.clone(),
                rules: plan.rules.clone(),
                map: maps.map(&format!("Vị trí {} trên bản đồ", n.name), Some(&n.code)),
            };
            Ok(SubPage {
                path: format!("{}{}/", input.path, n.slug),
                title: n.name.clone(),
                template: GROUP_TEMPLATE.into(),
                record: to_record(&page)?,
                search_text: format!("{} {} {}", n.code, n.name, n.members.join(" ")),
                indexable: true,
            })
        })
        .collect()
}
