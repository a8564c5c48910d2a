//! The plan's downloads: today's groups and the plan as CSV (one row per group, keyed by
//! code for the change history), and the whole plan as JSON.

use serde::Serialize;

use super::load::PlanData;
use super::view::{MergedGroupView, PlanSummary, PlanView};
use crate::diagnostics::Diagnostics;
use crate::format::decimal;
use crate::kinds::Download;
use crate::kinds::files::{csv_download, json_download};
use crate::residential::view::GroupView;

/// `phuong-an-sap-xep.json`: the plan's groups, new groups and summary as on the page.
#[derive(Serialize)]
struct PlanJson<'a> {
    groups: &'a [GroupView],
    new_groups: &'a [MergedGroupView],
    summary: &'a PlanSummary,
}

pub fn downloads(data: &PlanData, view: &PlanView) -> Result<Vec<Download>, Diagnostics> {
    Ok(vec![
        csv_download(
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
            &group_rows(data),
        ),
        csv_download(
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
            &plan_rows(data),
        ),
        json_download(
            "phuong-an-sap-xep.json",
            "Toàn bộ phương án sắp xếp (JSON)",
            "code",
            &PlanJson {
                groups: &view.groups,
                new_groups: &view.new_groups,
                summary: &view.summary,
            },
        )?,
    ])
}

/// Today's groups, each with the new group it joins.
fn group_rows(data: &PlanData) -> Vec<Vec<String>> {
    data.groups
        .iter()
        .map(|g| {
            let new = data.plan.iter().find(|n| n.members.contains(&g.code));
            vec![
                g.code.clone(),
                g.name.clone(),
                g.kind.label().into(),
                g.households.to_string(),
                g.population.map(|p| p.to_string()).unwrap_or_default(),
                g.area_ha.map(|a| decimal(a, 2)).unwrap_or_default(),
                new.map(|n| n.code.clone()).unwrap_or_default(),
                new.map(|n| n.name.clone()).unwrap_or_default(),
                g.note.clone(),
            ]
        })
        .collect()
}

/// The new groups with their computed households.
fn plan_rows(data: &PlanData) -> Vec<Vec<String>> {
    data.plan
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
        .collect()
}
