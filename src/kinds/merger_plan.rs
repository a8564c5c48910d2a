//! Merger plans (phương án sắp xếp tổ dân phố): today's groups, the groups after the
//! change, and one page per new group with its members, households, planned posts,
//! special-case justification and consultation result.
//!
//! `[record]`: `groups` and `plan` (tables), optional `results` (consultation table),
//! `legal_basis` (text or list), `decision`/`decided_on` (the HĐND resolution once
//! decided), `consultation_url`, `timeline_url`.

use serde_json::{Value, json};

use super::groups::{self, BASIS_SIZE, NewGroup, Outcome};
use super::{KindContext, RecordInput, RecordKind, RecordOutput, SubPage};
use crate::diagnostics::Diagnostics;

pub struct MergerPlan;

fn new_group_json(
    n: &NewGroup,
    all: &[groups::Group],
    outcomes: Option<&[Outcome]>,
    page_path: &str,
    rules: &crate::config::Rules,
) -> Value {
    let members: Vec<Value> = n
        .members
        .iter()
        .filter_map(|m| all.iter().find(|g| &g.code == m))
        .map(|g| {
            let mut v = groups::group_json(g);
            if let Some(o) = outcomes.and_then(|os| os.iter().find(|o| o.code == g.code))
                && let Value::Object(map) = &mut v
            {
                map.insert("result".into(), groups::outcome_json(o));
            }
            v
        })
        .collect();
    let merged = n.members.len() >= 2;
    let result = outcomes.filter(|_| merged).map(|os| {
        let mine: Vec<&Outcome> = os.iter().filter(|o| o.new_code == n.code).collect();
        let mut total = groups::Counts::default();
        for o in &mine {
            total.add(&o.counts);
        }
        let complete = mine.len() == n.members.len();
        let mut v = groups::counts_json(&total);
        if let Value::Object(m) = &mut v {
            m.insert(
                "passed".into(),
                json!(complete && mine.iter().all(|o| o.passed)),
            );
            m.insert(
                "failed_groups".into(),
                json!(
                    mine.iter()
                        .filter(|o| !o.passed)
                        .map(|o| o.code.clone())
                        .collect::<Vec<_>>()
                ),
            );
        }
        v
    });
    let min = groups::min_households(n.kind, rules);
    json!({
        "code": n.code,
        "name": n.name,
        "slug": n.slug,
        "url": format!("{page_path}{}/", n.slug),
        "members": members,
        "member_codes": n.members.join(", "),
        "merged": merged,
        "households": n.households,
        "population": n.population,
        "kind": n.kind.label(),
        "min_households": min,
        "below_min": (n.households as i64) < min,
        "special_case": n.special_case,
        "justification": n.justification,
        "posts": n.posts.iter().map(|p| json!({"title": p.title, "count": p.count})).collect::<Vec<_>>(),
        "posts_total": n.posts.iter().map(|p| p.count).sum::<u64>(),
        "max_deputies": groups::max_deputies(n.households, rules),
        "note": n.note,
        "result": result,
    })
}

impl RecordKind for MergerPlan {
    fn name(&self) -> &'static str {
        "merger_plan"
    }

    fn label(&self) -> &'static str {
        "Phương án sắp xếp tổ dân phố"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let rules = &ctx.config.rules;
        let mut errors = Diagnostics::new();
        let mut warnings = Diagnostics::new();
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
        let rt = if input.record.contains_key("results") {
            groups::load(
                input,
                ctx,
                "results",
                groups::RESULT_FIELDS,
                &mut errors,
                &mut warnings,
            )
        } else {
            None
        };
        let (Some(gt), Some(pt)) = (gt, pt) else {
            return Err(errors);
        };
        let all = groups::read_groups(&gt, &mut errors);
        let plan = groups::read_plan(&pt, &all, rules, &mut errors);
        let outcomes = rt.as_ref().map(|rt| {
            let rows = groups::read_results(rt, &mut errors);
            groups::outcomes(rt, &rows, &all, &plan, rules, &mut errors, &mut warnings)
        });
        if errors.has_errors() {
            return Err(errors);
        }

        let total: u64 = all.iter().map(|g| g.households).sum();
        let merged = plan.iter().filter(|n| n.members.len() >= 2).count();
        let affected: usize = plan
            .iter()
            .filter(|n| n.members.len() >= 2)
            .map(|n| n.members.len())
            .sum();
        let decision = input.opt_str("decision").map(str::to_string);
        let plan_passed = outcomes
            .as_ref()
            .map(|os| os.iter().all(|o| o.passed) && os.len() == affected);
        let pass_pct = crate::format::percent(rules.merger_pass_ratio);
        let (stage, stage_label) = match (&decision, plan_passed) {
            (Some(_), _) => (
                "decided",
                "Đã được Hội đồng nhân dân phường quyết định".to_string(),
            ),
            (None, Some(true)) => (
                "consulted",
                "Đã lấy ý kiến hộ gia đình: tất cả các tổ thuộc diện sáp nhập đều đạt; chờ Hội đồng nhân dân phường quyết định".to_string(),
            ),
            (None, Some(false)) => (
                "consulted_failed",
                format!("Đã lấy ý kiến hộ gia đình: có tổ chưa đạt trên {pass_pct} số hộ đồng ý; phương án phải điều chỉnh"),
            ),
            (None, None) => (
                "draft",
                "Dự thảo: đang công khai, chuẩn bị lấy ý kiến hộ gia đình".to_string(),
            ),
        };
        let os = outcomes.as_deref();
        let new_groups: Vec<Value> = plan
            .iter()
            .map(|n| new_group_json(n, &all, os, input.path, rules))
            .collect();
        let special: Vec<&NewGroup> = plan.iter().filter(|n| n.special_case).collect();
        let record = json!({
            "groups": all.iter().map(groups::group_json).collect::<Vec<_>>(),
            "new_groups": new_groups,
            "summary": {
                "before": all.len(),
                "after": plan.len(),
                "households": total,
                "merged": merged,
                "unchanged": plan.len() - merged,
                "affected": affected,
                "special_cases": special.len(),
            },
            "legal_basis": groups::record_list(input, "legal_basis"),
            "decision": decision,
            "decided_on": crate::deadline::iso(groups::record_date(input, "decided_on")),
            "stage": stage,
            "stage_label": stage_label,
            "has_results": outcomes.is_some(),
            "plan_passed": plan_passed,
            "consultation_url": input.opt_str("consultation_url"),
            "timeline_url": input.opt_str("timeline_url"),
            "rules": {
                "group_min_households": rules.group_min_households,
                "village_min_households": rules.village_min_households,
                "max_part_time_posts": rules.max_part_time_posts,
                "deputy_heads_threshold": rules.deputy_heads_threshold,
                "pass_pct": crate::format::percent(rules.merger_pass_ratio),
                "basis_size": BASIS_SIZE,
                "basis_posts": groups::BASIS_POSTS,
                "basis_pass": groups::BASIS_PASS,
            },
        });

        let plan_info = json!({
            "title": input.title,
            "url": input.path,
            "stage_label": stage_label,
        });
        let subpages = plan
            .iter()
            .zip(&new_groups)
            .map(|(n, v)| {
                let mut rec = v.clone();
                if let Value::Object(m) = &mut rec {
                    m.insert("plan".into(), plan_info.clone());
                    m.insert("rules".into(), record["rules"].clone());
                }
                SubPage {
                    path: format!("{}{}/", input.path, n.slug),
                    title: n.name.clone(),
                    template: "kinds/merger_plan/group.html".into(),
                    record: rec,
                    search_text: format!("{} {} {}", n.code, n.name, n.members.join(" ")),
                    indexable: true,
                }
            })
            .collect();

        let group_rows: Vec<Vec<String>> = all
            .iter()
            .map(|g| {
                let new = plan.iter().find(|n| n.members.contains(&g.code));
                vec![
                    g.code.clone(),
                    g.name.clone(),
                    g.kind.label().into(),
                    g.households.to_string(),
                    g.population.map(|p| p.to_string()).unwrap_or_default(),
                    g.area_ha
                        .map(|a| crate::format::decimal(a, 2))
                        .unwrap_or_default(),
                    new.map(|n| n.code.clone()).unwrap_or_default(),
                    new.map(|n| n.name.clone()).unwrap_or_default(),
                    g.note.clone(),
                ]
            })
            .collect();
        let plan_rows: Vec<Vec<String>> = plan
            .iter()
            .map(|n| {
                vec![
                    n.code.clone(),
                    n.name.clone(),
                    n.members.join(", "),
                    n.households.to_string(),
                    if n.special_case { "có" } else { "không" }.into(),
                    n.justification.clone(),
                    n.posts
                        .iter()
                        .map(|p| format!("{}: {}", p.title, p.count))
                        .collect::<Vec<_>>()
                        .join("; "),
                    n.note.clone(),
                ]
            })
            .collect();
        let downloads = vec![
            groups::csv_download(
                "to-dan-pho-hien-nay.csv",
                "Bảng tổ dân phố hiện nay (CSV)",
                "code",
                &[
                    "code",
                    "name",
                    "kind",
                    "households",
                    "population",
                    "area_ha",
                    "new_code",
                    "new_name",
                    "note",
                ],
                &group_rows,
            ),
            groups::csv_download(
                "phuong-an-sap-xep.csv",
                "Bảng tổ dân phố sau sắp xếp (CSV, số hộ do hệ thống cộng)",
                "new_code",
                &[
                    "new_code",
                    "new_name",
                    "members",
                    "households",
                    "special_case",
                    "justification",
                    "posts",
                    "note",
                ],
                &plan_rows,
            ),
            groups::json_download(
                "phuong-an-sap-xep.json",
                "Toàn bộ phương án sắp xếp (JSON)",
                "code",
                &json!({"groups": record["groups"], "new_groups": record["new_groups"], "summary": record["summary"]}),
            ),
        ];
        let search_text = plan
            .iter()
            .map(|n| format!("{} {}", n.name, n.members.join(" ")))
            .chain(all.iter().map(|g| g.name.clone()))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(RecordOutput {
            record,
            warnings,
            subpages,
            downloads,
            search_text,
            ..Default::default()
        })
    }
}
