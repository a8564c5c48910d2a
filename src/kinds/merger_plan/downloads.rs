//! The plan's downloads: today's groups and the plan as CSV (one row per group, keyed by
//! code for the change history), and the whole plan as JSON.

use serde::Serialize;
use serde_json::{Value, json};

use super::load::PlanData;
use super::view::{MergedGroupView, PlanSummary, PlanView};
use crate::diagnostics::Diagnostics;
use crate::format::decimal;
use crate::kinds::Download;
use crate::kinds::columns::Column;
use crate::kinds::files::{TableFiles, json_download};
use crate::residential::plan::MergedGroup;
use crate::residential::view::GroupView;

/// `phuong-an-sap-xep.json`: the plan's groups, new groups and summary as on the page.
#[derive(Serialize)]
struct PlanJson<'a> {
    groups: &'a [GroupView],
    new_groups: &'a [MergedGroupView],
    summary: &'a PlanSummary,
}

/// Columns of `to-dan-pho-hien-nay.csv` / `.json`, in the order of [`group_rows`].
pub const GROUP_COLUMNS: &[Column] = &[
    Column::text(
        "Mã tổ",
        "Mã tổ dân phố (thôn) hiện nay, như trong danh sách khu dân cư đã khai báo.",
    )
    .required(),
    Column::text("Tên tổ", "Tên tổ dân phố (thôn) hiện nay.").required(),
    Column::text("Loại", "Tổ dân phố hay thôn.")
        .required()
        .one_of(&["Tổ dân phố", "Thôn"]),
    Column::count("Số hộ", "Số hộ gia đình của tổ.")
        .unit("hộ")
        .required(),
    Column::count("Số nhân khẩu", "Số người của tổ.").unit("người"),
    Column::decimal("Diện tích", "Diện tích tự nhiên của tổ.").unit("ha"),
    // A group split between new groups (ghép một phần) names each with its households:
    // "N2 (120 hộ); N4 (330 hộ)"; the members column then reads "G6 (một phần: 120 hộ)".
    // The descriptions stay as they were so that a plan without parts publishes the
    // same bytes; docs/residential-groups.md explains the form.
    Column::text("Mã tổ mới", "Mã tổ mới mà tổ này thuộc về sau sắp xếp."),
    Column::text("Tên tổ mới", "Tên tổ mới mà tổ này thuộc về sau sắp xếp."),
    Column::text("Ghi chú", "Ghi chú của Ủy ban nhân dân."),
];

/// Columns of `phuong-an-sap-xep.csv` / `.json`, in the order of [`plan_rows`].
pub const PLAN_COLUMNS: &[Column] = &[
    Column::text("Mã tổ mới", "Mã tổ dân phố (thôn) sau sắp xếp.").required(),
    Column::text("Tên tổ mới", "Tên tổ dân phố (thôn) sau sắp xếp.").required(),
    Column::text(
        "Các tổ hợp thành",
        "Mã các tổ hiện nay hợp thành tổ mới, cách nhau bởi dấu phẩy.",
    )
    .required(),
    Column::count(
        "Số hộ",
        "Tổng số hộ của tổ mới, do hệ thống cộng từ các tổ hợp thành.",
    )
    .unit("hộ")
    .required(),
    Column::yes_no(
        "Trường hợp đặc thù",
        "Tổ mới có được giữ quy mô nhỏ hơn quy định vì lý do đặc thù hay không.",
    )
    .required(),
    Column::text("Lý do đặc thù", "Lý do được áp dụng trường hợp đặc thù."),
    Column::text(
        "Chức danh",
        "Các chức danh của tổ mới và số người, ví dụ \u{201c}Tổ trưởng: 1\u{201d}.",
    ),
    Column::text("Ghi chú", "Ghi chú của Ủy ban nhân dân."),
];

pub fn downloads(data: &PlanData, view: &PlanView) -> Result<Vec<Download>, Diagnostics> {
    let groups = TableFiles {
        stem: "to-dan-pho-hien-nay",
        title: "Bảng tổ dân phố hiện nay",
        description: "Mỗi dòng là một tổ dân phố (thôn) hiện nay: số hộ, số nhân khẩu, diện tích và tổ mới mà tổ đó thuộc về theo phương án.",
        columns: GROUP_COLUMNS,
        key: Some("Mã tổ"),
        unique_key: true,
    };
    let plan = TableFiles {
        stem: "phuong-an-sap-xep",
        title: "Bảng tổ dân phố sau sắp xếp",
        description: "Mỗi dòng là một tổ dân phố (thôn) sau sắp xếp: các tổ hợp thành, số hộ do hệ thống cộng, trường hợp đặc thù và lý do.",
        columns: PLAN_COLUMNS,
        key: Some("Mã tổ mới"),
        unique_key: true,
    };
    let mut out: Vec<Download> = groups.downloads(&group_rows(data)).into();
    out.extend(plan.downloads(&plan_rows(data)));
    out.extend(boundaries_download(data));
    out.push(json_download(
        "phuong-an-sap-xep-day-du.json",
        "Toàn bộ phương án sắp xếp, đầy đủ như trên trang (JSON)",
        "code",
        &PlanJson {
            groups: &view.groups,
            new_groups: &view.new_groups,
            summary: &view.summary,
        },
    )?);
    Ok(out)
}

/// Properties of each feature of `ranh-gioi-to-dan-pho.geojson`: the same titles as the
/// groups table's columns, so one description serves both.
pub const BOUNDARY_PROPERTIES: &[Column] = &[
    GROUP_COLUMNS[0],
    GROUP_COLUMNS[1],
    GROUP_COLUMNS[3],
    GROUP_COLUMNS[6],
    GROUP_COLUMNS[7],
];

/// `ranh-gioi-to-dan-pho.geojson`: the boundaries the plan's map draws (RFC 7946, WGS 84),
/// one feature per group with an outline, in the groups table's order; properties in
/// Vietnamese ([`BOUNDARY_PROPERTIES`]). `None` when the plan has no boundaries.
fn boundaries_download(data: &PlanData) -> Option<Download> {
    let b = data.boundaries.as_ref()?;
    let mut features = Vec::new();
    for g in &data.groups {
        let Some(f) = b.features.iter().find(|f| f.code == g.code) else {
            continue;
        };
        let new = data.plan.iter().find(|n| n.members.contains(&g.code));
        let text = |s: Option<&String>| s.map_or(Value::Null, |s| Value::String(s.clone()));
        let mut props = serde_json::Map::new();
        props.insert("Mã tổ".into(), json!(g.code));
        props.insert("Tên tổ".into(), json!(g.name));
        props.insert("Số hộ".into(), json!(g.households));
        props.insert("Mã tổ mới".into(), text(new.map(|n| &n.code)));
        props.insert("Tên tổ mới".into(), text(new.map(|n| &n.name)));
        let polygons: Vec<Vec<Vec<[f64; 2]>>> = f
            .polygons
            .iter()
            .map(|p| {
                p.iter()
                    .map(|ring| ring.iter().map(|&[x, y]| [round5(x), round5(y)]).collect())
                    .collect()
            })
            .collect();
        let geometry = if polygons.len() == 1 {
            json!({"type": "Polygon", "coordinates": polygons[0]})
        } else {
            json!({"type": "MultiPolygon", "coordinates": polygons})
        };
        features.push(json!({"type": "Feature", "properties": props, "geometry": geometry}));
    }
    let value = json!({"type": "FeatureCollection", "features": features});
    let mut bytes = serde_json::to_vec(&value).ok()?;
    bytes.push(b'\n');
    Some(Download {
        file_name: "ranh-gioi-to-dan-pho.geojson".into(),
        title: "Ranh giới các tổ dân phố hiện nay (GeoJSON, dùng trong QGIS hoặc bản đồ số)".into(),
        format: "GeoJSON".into(),
        bytes,
        key_column: None,
        description: "Ranh giới của các tổ dân phố hiện nay như trên bản đồ của phương án (GeoJSON theo RFC 7946, hệ tọa độ WGS 84); mỗi vùng ghi mã tổ, tên tổ, số hộ và tổ mới mà tổ đó thuộc về.".into(),
        columns: BOUNDARY_PROPERTIES.to_vec(),
        unique_key: false,
        unlisted: false,
    })
}

/// A coordinate to 5 decimals (about 1 m, ample for a group's outline; RFC 7946 advises
/// against spurious precision). It also keeps every number shorter than the 9- and
/// 12-digit runs the output scan takes for ID numbers.
fn round5(v: f64) -> f64 {
    (v * 1e5).round() / 1e5
}

/// Today's groups, each with the new group it joins.
fn group_rows(data: &PlanData) -> Vec<Vec<String>> {
    data.groups
        .iter()
        .map(|g| {
            // A group split between new groups names each with the households it takes.
            let news: Vec<&MergedGroup> = data
                .plan
                .iter()
                .filter(|n| n.members.contains(&g.code))
                .collect();
            let each = |f: &dyn Fn(&MergedGroup) -> String| -> String {
                news.iter()
                    .map(|n| match n.parts.get(&g.code) {
                        Some(p) => format!("{} ({} hộ)", f(n), p.households),
                        None => f(n),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            vec![
                g.code.clone(),
                g.name.clone(),
                g.kind.label().into(),
                g.households.to_string(),
                g.population.map(|p| p.to_string()).unwrap_or_default(),
                g.area_ha.map(|a| decimal(a, 2)).unwrap_or_default(),
                each(&|n| n.code.clone()),
                each(&|n| n.name.clone()),
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
                n.members_text(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::files::assert_table;

    #[test]
    fn header_rows_are_the_declared_titles() {
        for cols in [GROUP_COLUMNS, PLAN_COLUMNS] {
            let row: Vec<String> = cols.iter().map(|_| "1".to_string()).collect();
            let t = TableFiles {
                stem: "x",
                title: "x",
                description: "x",
                columns: cols,
                key: Some(cols[0].title),
                unique_key: true,
            };
            for d in t.downloads(&[row]) {
                assert_table(&d);
            }
        }
        assert_eq!(
            BOUNDARY_PROPERTIES
                .iter()
                .map(|c| c.title)
                .collect::<Vec<_>>(),
            ["Mã tổ", "Tên tổ", "Số hộ", "Mã tổ mới", "Tên tổ mới"]
        );
    }
}
