//! The template contract of a merger plan: `page.record` of `kinds/merger_plan.html`
//! ([`PlanView`]) and of each new group's page `kinds/merger_plan/group.html`
//! ([`GroupPageView`]).

use schemars::JsonSchema;
use serde::Serialize;

use super::boundaries::Boundaries;
use super::check::{Stage, merger_passed};
use crate::config::Rules;
use crate::format::percent;
use crate::geo_map::{self, Area, MapInput};
use crate::residential::Group;
use crate::residential::consultation::{Ballots, ConsultationResult};
use crate::residential::plan::{MergedGroup, part_label};
use crate::residential::rules::{
    BASIS_PASS, BASIS_POSTS, BASIS_SIZE, max_deputies, min_households,
};
use crate::residential::view::{BallotsView, ConsultationResultView, GroupView};

/// `page.record` of a merger plan's page.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlanView {
    /// Today's groups, in table order.
    pub groups: Vec<GroupView>,
    /// The groups after the change, in plan order.
    pub new_groups: Vec<MergedGroupView>,
    /// Plan-wide counts.
    pub summary: PlanSummary,
    /// Legal bases of the plan, one text each.
    pub legal_basis: Vec<String>,
    /// The ward council's resolution once decided (`[record] decision`), else `null`.
    pub decision: Option<String>,
    /// Date of that resolution, `YYYY-MM-DD`, else `null`.
    pub decided_on: Option<String>,
    /// `draft`, `consulted`, `consulted_failed` or `decided`.
    pub stage: &'static str,
    /// The stage in Vietnamese, a sentence.
    pub stage_label: String,
    /// Consultation results are published with the plan.
    pub has_results: bool,
    /// Every merging group passed the consultation; `null` before results.
    pub plan_passed: Option<bool>,
    /// Link to the consultation's page, else `null`.
    pub consultation_url: Option<String>,
    /// Link to the implementation timeline's page, else `null`.
    pub timeline_url: Option<String>,
    /// The boundary map, `null` without `[record] boundaries`.
    pub map: Option<MapView>,
    /// The thresholds in force and their legal bases.
    pub rules: RulesView,
}

/// Plan-wide counts (integers).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlanSummary {
    /// Groups today.
    pub before: usize,
    /// Groups after the change.
    pub after: usize,
    /// Households of the ward (sum of today's groups).
    pub households: u64,
    /// New groups made of two or more of today's groups.
    pub merged: usize,
    /// New groups that are one of today's groups unchanged.
    pub unchanged: usize,
    /// Today's groups that merge.
    pub affected: usize,
    /// New groups below the minimum size as a special case.
    pub special_cases: usize,
}

impl PlanSummary {
    pub fn of(groups: &[Group], plan: &[MergedGroup], affected: usize) -> PlanSummary {
        let merged = plan.iter().filter(|n| n.is_merger()).count();
        PlanSummary {
            before: groups.len(),
            after: plan.len(),
            households: groups.iter().map(|g| g.households).sum(),
            merged,
            unchanged: plan.len() - merged,
            affected,
            special_cases: plan.iter().filter(|n| n.special_case).count(),
        }
    }
}

/// The thresholds in force and their legal bases, for the explanations on the pages.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RulesView {
    /// Minimum households of a tổ dân phố (integer).
    pub group_min_households: i64,
    /// Minimum households of a thôn (integer).
    pub village_min_households: i64,
    /// Maximum part-time posts of a group (integer).
    pub max_part_time_posts: i64,
    /// Households from which a group may have more deputy heads (integer).
    pub deputy_heads_threshold: i64,
    /// The pass ratio, formatted `50,0 %`.
    pub pass_pct: String,
    /// Legal basis of the size rule.
    pub basis_size: &'static str,
    /// Legal basis of the posts rule.
    pub basis_posts: &'static str,
    /// Legal basis of the pass rule.
    pub basis_pass: &'static str,
}

impl RulesView {
    pub fn of(rules: &Rules) -> RulesView {
        RulesView {
            group_min_households: rules.group_min_households,
            village_min_households: rules.village_min_households,
            max_part_time_posts: rules.max_part_time_posts,
            deputy_heads_threshold: rules.deputy_heads_threshold,
            pass_pct: percent(rules.merger_pass_ratio),
            basis_size: BASIS_SIZE,
            basis_posts: BASIS_POSTS,
            basis_pass: BASIS_PASS,
        }
    }
}

/// A boundary map: inline SVG and its HTML legend.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MapView {
    /// `<svg role="img">` with title and description; insert unescaped.
    pub svg: String,
    /// `<ul class="geo-map__legend">`; insert unescaped.
    pub legend: String,
    /// Codes of today's groups without a boundary.
    pub missing: Vec<String>,
}

/// A group after the change.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MergedGroupView {
    /// New group code (`TDP-M01`).
    pub code: String,
    /// New group name.
    pub name: String,
    /// Slug of its page.
    pub slug: String,
    /// Site path of its page (`/sap-xep/phuong-an/to-dan-pho-so-1/`).
    pub url: String,
    /// Today's groups it is made of.
    pub members: Vec<MemberView>,
    /// Their codes joined with `, `.
    pub member_codes: String,
    /// Made of two or more of today's groups.
    pub merged: bool,
    /// Households, summed from its members (integer).
    pub households: u64,
    /// Residents, summed from its members (integer); `null` when a member has none.
    pub population: Option<u64>,
    /// `Tổ dân phố` or `Thôn`.
    pub kind: &'static str,
    /// Minimum households for its kind (integer).
    pub min_households: i64,
    /// Below that minimum (then a special case).
    pub below_min: bool,
    /// Declared a special case (below the minimum with a justification).
    pub special_case: bool,
    /// Why it is a special case ("" when none).
    pub justification: String,
    /// Planned part-time posts.
    pub posts: Vec<PostView>,
    /// Sum of the posts' counts (integer).
    pub posts_total: u64,
    /// Deputy heads allowed for its size (integer).
    pub max_deputies: i64,
    /// The people planned for its posts (`[record] staff`), in the table's order; empty
    /// without a staffing table.
    pub staff: Vec<StaffView>,
    /// Staff note ("" when none).
    pub note: String,
    /// The merging members' consultation results summed; `null` for an unchanged group
    /// or before results.
    pub result: Option<MergerResultView>,
}

/// One of today's groups inside a new group: all [`GroupView`] fields, and its result.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MemberView {
    /// The group's fields, inlined.
    #[serde(flatten)]
    pub group: GroupView,
    /// Its consultation result; absent when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ConsultationResultView>,
    /// When the group is split between new groups (ghép một phần): the households this
    /// new group takes of it; absent when it comes whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<PartView>,
}

/// The part of one of today's groups a new group takes.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PartView {
    /// Households taken (integer).
    pub households: u64,
    /// `true`: a part moved in from another group; `false`: the rest of the group after
    /// its other parts moved out.
    pub moved: bool,
    /// `một phần` or `phần còn lại`.
    pub label: &'static str,
}

/// A person planned for a new group's posts.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct StaffView {
    /// Full name.
    pub name: String,
    /// Their main post (`Tổ trưởng`).
    pub post: String,
    /// The posts they hold in addition (kiêm nhiệm), possibly none.
    pub additional: Vec<String>,
}

/// A planned post.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PostView {
    /// Post title (`Phó Tổ trưởng`).
    pub title: String,
    /// People holding it (integer).
    pub count: u64,
}

/// A new group's consultation: its members' ballots summed (all [`BallotsView`] fields).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct MergerResultView {
    /// The summed ballots' fields, inlined.
    #[serde(flatten)]
    pub ballots: BallotsView,
    /// Every member has a result and passed.
    pub passed: bool,
    /// Codes of the members that did not pass.
    pub failed_groups: Vec<String>,
}

/// `page.record` of a new group's page: all [`MergedGroupView`] fields, and the plan's.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct GroupPageView {
    /// The new group's fields, inlined.
    #[serde(flatten)]
    pub group: MergedGroupView,
    /// The plan this group belongs to.
    pub plan: PlanLink,
    /// The thresholds in force and their legal bases.
    pub rules: RulesView,
    /// The map with this group coloured and the others grey; `null` without boundaries.
    pub map: Option<MapView>,
}

/// The plan a new group's page belongs to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PlanLink {
    /// The plan page's title.
    pub title: String,
    /// The plan page's site path.
    pub url: String,
    /// The plan's stage in Vietnamese.
    pub stage_label: String,
}

/// What a new group's view is made from.
pub struct MergedGroupInput<'a> {
    pub groups: &'a [Group],
    pub results: Option<&'a [ConsultationResult]>,
    /// The plan page's site path.
    pub page_path: &'a str,
    pub rules: &'a Rules,
    /// The staffing table's people (empty without one).
    pub staff: &'a [crate::residential::staff::StaffMember],
}

impl MergedGroupView {
    pub fn of(n: &MergedGroup, input: &MergedGroupInput) -> MergedGroupView {
        let members = n
            .members
            .iter()
            .filter_map(|m| input.groups.iter().find(|g| &g.code == m))
            .map(|g| MemberView {
                group: GroupView::of(g),
                result: input
                    .results
                    .and_then(|rs| rs.iter().find(|r| r.code == g.code && r.new_code == n.code))
                    .map(ConsultationResultView::of),
                part: n.parts.get(&g.code).map(|p| PartView {
                    households: p.households,
                    moved: p.moved,
                    label: part_label(p.moved),
                }),
            })
            .collect();
        let min = min_households(n.kind, input.rules);
        MergedGroupView {
            code: n.code.clone(),
            name: n.name.clone(),
            slug: n.slug.clone(),
            url: format!("{}{}/", input.page_path, n.slug),
            members,
            member_codes: n.members_text(),
            merged: n.is_merger(),
            households: n.households,
            population: n.population,
            kind: n.kind.label(),
            min_households: min,
            below_min: (n.households as i64) < min,
            special_case: n.special_case,
            justification: n.justification.clone(),
            posts: n
                .posts
                .iter()
                .map(|p| PostView {
                    title: p.title.clone(),
                    count: p.count,
                })
                .collect(),
            posts_total: n.posts.iter().map(|p| p.count).sum(),
            max_deputies: max_deputies(n.households, input.rules),
            staff: input
                .staff
                .iter()
                .filter(|m| m.group == n.code)
                .map(|m| StaffView {
                    name: m.name.clone(),
                    post: m.posts.first().cloned().unwrap_or_default(),
                    additional: m.posts.iter().skip(1).cloned().collect(),
                })
                .collect(),
            note: n.note.clone(),
            result: input
                .results
                .filter(|_| n.is_merger())
                .map(|rs| MergerResultView::of(n, rs)),
        }
    }
}

impl MergerResultView {
    fn of(n: &MergedGroup, results: &[ConsultationResult]) -> MergerResultView {
        let mine: Vec<&ConsultationResult> =
            results.iter().filter(|r| r.new_code == n.code).collect();
        MergerResultView {
            ballots: BallotsView::of(&Ballots::total(mine.iter().map(|r| &r.ballots))),
            passed: merger_passed(&mine, n.members.len()),
            failed_groups: mine
                .iter()
                .filter(|r| !r.passed)
                .map(|r| r.code.clone())
                .collect(),
        }
    }
}

/// Draws the plan's boundary map (the whole plan, or one new group highlighted).
pub struct MapMaker<'a> {
    pub boundaries: Option<&'a Boundaries>,
    pub areas: Vec<Area>,
}

impl<'a> MapMaker<'a> {
    pub fn new(boundaries: Option<&'a Boundaries>, plan: &[MergedGroup], page_path: &str) -> Self {
        let areas = plan
            .iter()
            .map(|n| Area {
                code: n.code.clone(),
                name: n.name.clone(),
                members: n.members.clone(),
                url: Some(format!("{page_path}{}/", n.slug)),
            })
            .collect();
        MapMaker { boundaries, areas }
    }

    pub fn map(&self, title: &str, highlight: Option<&str>) -> Option<MapView> {
        let b = self.boundaries?;
        let m = geo_map::render(&MapInput {
            id: "ban-do",
            title,
            features: &b.features,
            areas: &self.areas,
            missing: &b.missing,
            highlight,
        });
        Some(MapView {
            svg: m.svg,
            legend: m.legend,
            missing: b.missing.clone(),
        })
    }
}

/// The plan's page stage, as shown.
pub fn stage_label(stage: Stage, rules: &Rules, hdnd: &str) -> String {
    stage.label(&percent(rules.merger_pass_ratio), hdnd)
}
