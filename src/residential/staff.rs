//! The people planned for a new group's part-time posts (phương án bố trí người hoạt
//! động không chuyên trách), one row per person: their post and the posts they hold in
//! addition (kiêm nhiệm). Rule (seed 000, Hà Nội resolution): a person holds at most
//! `rules.max_additional_posts` (1) other part-time post of the group.

use std::collections::BTreeMap;

use super::cell_err;
use super::plan::MergedGroup;
use crate::config::Rules;
use crate::data::{FieldSpec, Table};
use crate::diagnostics::Diagnostics;
use crate::text::{fold_words, name_key};

/// Legal basis of the one-additional-post rule, for messages.
pub const BASIS_ADDITIONAL: &str = "Nghị quyết của HĐND thành phố về tổ chức và hoạt động của tổ dân phố: người hoạt động không chuyên trách ở tổ dân phố được kiêm nhiệm không quá 01 chức danh khác (cấu hình rules.max_additional_posts)";

/// Columns of the staffing table (`[record] staff` of a merger plan).
pub const STAFF_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("name", &["họ và tên", "họ tên", "người đảm nhiệm"]),
    FieldSpec::required(
        "group",
        &[
            "tổ mới",
            "mã tổ mới",
            "tổ sau sắp xếp",
            "tổ dân phố",
            "tên tổ mới",
        ],
    ),
    FieldSpec::required("post", &["chức danh", "chức danh chính"]),
    FieldSpec::optional(
        "additional",
        &["kiêm nhiệm", "chức danh kiêm nhiệm", "kiêm chức danh"],
    ),
];

/// One person of a new group and every post they hold there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub name: String,
    /// Code of the new group.
    pub group: String,
    /// Their posts, the main one first, as written.
    pub posts: Vec<String>,
}

/// "Công an viên; Trưởng ban công tác Mặt trận" → the posts ("," ";" "và" separate).
pub fn split_posts(text: &str) -> Vec<String> {
    text.replace(" và ", ";")
        .split([';', ',', '\n'])
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty() && fold_words(p) != "khong")
        .collect()
}

/// Posts beyond the first that the rule allows no more than `max` of: the number held in
/// addition, when it is too many.
pub fn too_many_posts(posts: &[String], max: i64) -> Option<usize> {
    let additional = posts.len().saturating_sub(1);
    (additional as i64 > max).then_some(additional)
}

/// Read the staffing table: every person's posts in their new group (rows of the same
/// person in the same group add up), checked against the plan and the rule.
pub fn read_staff(
    t: &Table,
    plan: &[MergedGroup],
    rules: &Rules,
    errors: &mut Diagnostics,
) -> Vec<StaffMember> {
    let mut people: BTreeMap<(String, String), (StaffMember, usize)> = BTreeMap::new();
    let mut order = Vec::new();
    for row in &t.rows {
        let name = t.text(row, "name").trim().to_string();
        let group_text = t.text(row, "group").trim();
        let post = t.text(row, "post").trim().to_string();
        if name.is_empty() {
            errors.push(
                cell_err(t, row, "name", "thiếu họ và tên".into())
                    .hint("ghi họ tên người dự kiến đảm nhiệm chức danh, hoặc xóa dòng trống"),
            );
            continue;
        }
        let want = fold_words(group_text);
        let Some(group) = plan
            .iter()
            .find(|g| fold_words(&g.code) == want || fold_words(&g.name) == want)
        else {
            errors.push(
                cell_err(
                    t,
                    row,
                    "group",
                    format!("tổ \u{201c}{group_text}\u{201d} không có trong phương án sắp xếp"),
                )
                .hint(format!(
                    "ghi mã hoặc tên một tổ sau sắp xếp: {}",
                    plan.iter()
                        .map(|g| g.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
            continue;
        };
        if post.is_empty() {
            errors.push(
                cell_err(
                    t,
                    row,
                    "post",
                    format!("\u{201c}{name}\u{201d} chưa ghi chức danh"),
                )
                .hint("ghi chức danh chính, ví dụ Tổ trưởng"),
            );
            continue;
        }
        let key = (name_key(&name), group.code.clone());
        let entry = people.entry(key.clone()).or_insert_with(|| {
            order.push(key.clone());
            (
                StaffMember {
                    name: name.clone(),
                    group: group.code.clone(),
                    posts: Vec::new(),
                },
                row.row,
            )
        });
        let before = too_many_posts(&entry.0.posts, rules.max_additional_posts).is_some();
        for p in std::iter::once(post).chain(split_posts(t.text(row, "additional"))) {
            if !entry
                .0
                .posts
                .iter()
                .any(|q| fold_words(q) == fold_words(&p))
            {
                entry.0.posts.push(p);
            }
        }
        if !before
            && let Some(additional) = too_many_posts(&entry.0.posts, rules.max_additional_posts)
        {
            let field = if t.text(row, "additional").trim().is_empty() {
                "post"
            } else {
                "additional"
            };
            let first = entry.1;
            errors.push(
                cell_err(
                    t,
                    row,
                    field,
                    format!(
                        "\u{201c}{name}\u{201d} (tổ \u{201c}{}\u{201d}) giữ {} chức danh: {} — kiêm nhiệm {additional} chức danh, vượt mức tối đa {}{}. Căn cứ: {BASIS_ADDITIONAL}",
                        group.code,
                        entry.0.posts.len(),
                        entry.0.posts.join(", "),
                        rules.max_additional_posts,
                        if first == row.row {
                            String::new()
                        } else {
                            format!(" (xem cả dòng {first})")
                        }
                    ),
                )
                .hint("giao bớt chức danh cho người khác trong tổ; mỗi người giữ một chức danh chính và kiêm nhiệm tối đa một chức danh"),
            );
        }
    }
    order
        .into_iter()
        .filter_map(|k| people.remove(&k).map(|(m, _)| m))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_held() {
        // (main post, additional, posts, too many with max 1)
        for (main, additional, n, too_many) in [
            ("Tổ trưởng", "", 1, None),
            ("Tổ trưởng", "Không", 1, None),
            ("Tổ trưởng", "Công an viên", 2, None),
            (
                "Tổ trưởng",
                "Công an viên; Trưởng ban công tác Mặt trận",
                3,
                Some(2),
            ),
            ("Tổ trưởng", "Công an viên và Bảo vệ dân phố", 3, Some(2)),
            (
                "Tổ trưởng",
                "Công an viên, Bảo vệ dân phố, Y tế",
                4,
                Some(3),
            ),
        ] {
            let posts: Vec<String> = std::iter::once(main.to_string())
                .chain(split_posts(additional))
                .collect();
            assert_eq!(posts.len(), n, "{additional}");
            assert_eq!(too_many_posts(&posts, 1), too_many, "{additional}");
        }
        let two = vec!["A".to_string(), "B".to_string(), "C".to_string()];
        assert_eq!(too_many_posts(&two, 2), None);
    }
}
