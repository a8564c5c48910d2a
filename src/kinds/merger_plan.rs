//! Merger plans (phương án sắp xếp tổ dân phố): today's groups, the groups after the
//! change, and one page per new group with its members, households, planned posts,
//! special-case justification and consultation result.
//!
//! `[record]`: `groups` and `plan` (tables), optional `results` (consultation table),
//! `legal_basis` (text or list), `decision`/`decided_on` (the HĐND resolution once
//! decided), `consultation_url`, `timeline_url`, `boundaries` (a GeoJSON file of
//! today's groups, drawn as a map; see [`crate::geo_map`]) and `boundaries_property`
//! (the feature property holding the group code, default `code`).

use serde_json::{Value, json};

use super::groups::{self, BASIS_SIZE, NewGroup, Outcome};
use super::{KindContext, RecordInput, RecordKind, RecordOutput, SubPage};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::geo_map::{self, Area, Feature, MapInput};
use crate::text::{did_you_mean, fold_words};

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

/// Load and check `[record] boundaries`: the file parses, every feature's code is one of
/// today's groups (rewritten to the code as spelled in the groups table). Groups without
/// a boundary are a warning and are returned for the map's description. `None` when the
/// field is absent or on error (pushed to `errors`).
fn load_boundaries(
    input: &RecordInput,
    ctx: &KindContext,
    all: &[groups::Group],
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<(Vec<Feature>, Vec<String>)> {
    if !input.record.contains_key("boundaries") {
        return None;
    }
    let rel = match input.str_field("boundaries") {
        Ok(s) => s,
        Err(d) => {
            errors.push(d);
            return None;
        }
    };
    let property = match input.record.get("boundaries_property") {
        None => "code",
        Some(toml::Value::String(s)) if !s.trim().is_empty() => s.trim(),
        Some(_) => {
            errors.push(
                Diagnostic::error("trường record.boundaries_property phải là tên một thuộc tính, đặt trong dấu ngoặc kép")
                    .at(input.field_location("boundaries_property"))
                    .hint("ví dụ boundaries_property = \"ma_to\"; bỏ trường này thì dùng thuộc tính \"code\""),
            );
            return None;
        }
    };
    let path = groups::resolve_path(input, ctx, rel);
    let source = path.to_string_lossy().replace('\\', "/");
    let value = match crate::data::load_value(ctx.root, &source) {
        // `.geojson` (any extension but .json) arrives as text.
        Ok(serde_json::Value::String(text)) => match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(_) => {
                // Let geo_map word the syntax error (with line and column).
                if let Err(ds) = geo_map::parse(&text, std::path::Path::new(&source), property) {
                    errors.extend(ds);
                }
                return None;
            }
        },
        Ok(v) => v,
        Err(mut d) => {
            if d.location.is_none() {
                d = d.at(input.field_location("boundaries"));
            }
            errors.push(d);
            return None;
        }
    };
    // Features that were read are checked too, so all problems are listed at once.
    let (mut features, problems) =
        geo_map::parse_value_partial(&value, std::path::Path::new(&source), property);
    let mut bad = problems.has_errors();
    errors.extend(problems);
    let by_key: std::collections::BTreeMap<String, &str> = all
        .iter()
        .map(|g| (fold_words(&g.code), g.code.as_str()))
        .collect();
    for f in &mut features {
        match by_key.get(&fold_words(&f.code)) {
            Some(code) => f.code = (*code).to_string(),
            None => {
                bad = true;
                let mut d = Diagnostic::error(format!(
                    "đối tượng thứ {} (features[{}]) có mã tổ \u{201c}{}\u{201d} không có trong bảng tổ dân phố hiện nay",
                    f.index + 1,
                    f.index,
                    f.code
                ))
                .at(Location::file(&source).with_field(format!(
                    "features[{}].properties.{property}",
                    f.index
                )));
                d = match did_you_mean(&f.code, all.iter().map(|g| g.code.as_str())) {
                    Some(s) => d.hint(format!(
                        "có phải là \u{201c}{s}\u{201d}? Sửa mã trong bảng thuộc tính của lớp ranh giới cho đúng cột Mã tổ của bảng tổ dân phố hiện nay"
                    )),
                    None => d.hint(
                        "ghi đúng mã tổ như cột Mã tổ của bảng tổ dân phố hiện nay (ví dụ TDP01), hoặc xóa vùng không thuộc phường khỏi lớp ranh giới",
                    ),
                };
                errors.push(d);
            }
        }
    }
    if bad {
        return None;
    }
    let missing: Vec<String> = all
        .iter()
        .filter(|g| !features.iter().any(|f| f.code == g.code))
        .map(|g| g.code.clone())
        .collect();
    if !missing.is_empty() {
        warnings.push(
            Diagnostic::warning(format!(
                "chưa có ranh giới của {} tổ hiện nay: {}; bản đồ được vẽ thiếu các tổ này",
                missing.len(),
                missing.join(", ")
            ))
            .at(Location::file(&source))
            .hint(format!(
                "vẽ thêm vùng cho các tổ này trong lớp ranh giới, ghi mã tổ vào thuộc tính \u{201c}{property}\u{201d}, rồi xuất lại tệp GeoJSON"
            )),
        );
    }
    Some((features, missing))
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
        let boundaries = if errors.has_errors() {
            None
        } else {
            load_boundaries(input, ctx, &all, &mut errors, &mut warnings)
        };
        if errors.has_errors() {
            return Err(errors);
        }
        let areas: Vec<Area> = plan
            .iter()
            .map(|n| Area {
                code: n.code.clone(),
                name: n.name.clone(),
                members: n.members.clone(),
                url: Some(format!("{}{}/", input.path, n.slug)),
            })
            .collect();
        let map_json = |title: &str, highlight: Option<&str>| -> Value {
            match &boundaries {
                Some((features, missing)) => {
                    let m = geo_map::render(&MapInput {
                        id: "ban-do",
                        title,
                        features,
                        areas: &areas,
                        missing,
                        highlight,
                    });
                    json!({"svg": m.svg, "legend": m.legend, "missing": missing})
                }
                None => Value::Null,
            }
        };

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
            "map": map_json("Bản đồ tổ dân phố hiện nay và sau sắp xếp", None),
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
                    m.insert(
                        "map".into(),
                        map_json(&format!("Vị trí {} trên bản đồ", n.name), Some(&n.code)),
                    );
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
