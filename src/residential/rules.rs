//! The legal rules on residential groups, as small pure functions. Every number comes
//! from `config.rules`; the legal bases are quoted in messages and on pages.

use chrono::NaiveDate;

use super::GroupKind;
use super::consultation::Ballots;
use super::plan::Post;
use crate::config::Rules;
use crate::format::number;

// Legal bases quoted in messages and on pages.
pub const BASIS_SIZE: &str = "Nghị định 185/2026/NĐ-CP: quy mô tối thiểu của tổ dân phố, thôn (cấu hình rules.group_min_households, rules.village_min_households); trường hợp đặc thù do HĐND cấp xã quyết định";
pub const BASIS_POSTS: &str = "Nghị quyết của HĐND thành phố về tổ chức và hoạt động của tổ dân phố: không quá 5 người hoạt động không chuyên trách ở mỗi tổ dân phố, không bình quân (cấu hình rules.max_part_time_posts)";
pub const BASIS_DEPUTIES: &str = "Nghị quyết của HĐND thành phố về tổ chức và hoạt động của tổ dân phố: tổ dân phố từ 1.000 hộ trở lên được tối đa 02 Phó Tổ trưởng (cấu hình rules.deputy_heads_threshold, rules.max_deputy_heads_large, rules.max_deputy_heads_small)";
pub const BASIS_PASS: &str = "Điều 21 Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15: được thông qua khi trên 50 % tổng số hộ gia đình của tổ đồng ý (cấu hình rules.merger_pass_ratio)";
pub const BASIS_PERIOD: &str = "Nghị quyết của HĐND thành phố về tổ chức và hoạt động của tổ dân phố: thời gian lấy ý kiến Nhân dân tối thiểu 07 ngày (cấu hình rules.consultation_min_days)";
pub const BASIS_ONCE: &str =
    "Phương án sắp xếp: mỗi tổ dân phố hiện nay thuộc đúng một tổ sau sắp xếp";

/// The one wording of a consultation verdict, everywhere it is shown or published (page,
/// chart, CSV/JSON, merger plan, history): `Đạt` / `Không đạt`.
pub const VERDICTS: [&str; 2] = ["Đạt", "Không đạt"];

/// `Đạt` when the group passed, else `Không đạt`.
pub fn verdict(passed: bool) -> &'static str {
    if passed { VERDICTS[0] } else { VERDICTS[1] }
}

/// Minimum households for a group of this kind.
pub fn min_households(kind: GroupKind, rules: &Rules) -> i64 {
    match kind {
        GroupKind::Tdp => rules.group_min_households,
        GroupKind::Thon => rules.village_min_households,
    }
}

/// Deputy heads allowed for a group of this size.
pub fn max_deputies(households: u64, rules: &Rules) -> i64 {
    if households as i64 >= rules.deputy_heads_threshold {
        rules.max_deputy_heads_large
    } else {
        rules.max_deputy_heads_small
    }
}

/// The size rule: `None` when fine, else the Vietnamese reason.
pub fn size_violation(
    households: u64,
    kind: GroupKind,
    special_case: bool,
    justification: &str,
    rules: &Rules,
) -> Option<String> {
    let min = min_households(kind, rules);
    if (households as i64) >= min {
        return None;
    }
    if !special_case {
        return Some(format!(
            "có {} hộ, dưới mức tối thiểu {} hộ của {} nhưng không ghi là trường hợp đặc thù",
            number(households as i64),
            number(min),
            kind.label().to_lowercase()
        ));
    }
    if justification.trim().is_empty() {
        return Some(format!(
            "có {} hộ, dưới mức tối thiểu {} hộ; là trường hợp đặc thù nhưng chưa ghi lý do (cột \u{201c}Lý do\u{201d}, justification)",
            number(households as i64),
            number(min)
        ));
    }
    None
}

/// Posts rules: total part-time posts and deputy heads. Returns each violation with its
/// legal basis.
pub fn posts_violations(
    posts: &[Post],
    households: u64,
    rules: &Rules,
) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let total: u64 = posts.iter().map(|p| p.count).sum();
    if total as i64 > rules.max_part_time_posts {
        out.push((
            format!(
                "dự kiến {} người hoạt động không chuyên trách, vượt mức tối đa {} người",
                total, rules.max_part_time_posts
            ),
            BASIS_POSTS,
        ));
    }
    let deputies: u64 = posts
        .iter()
        .filter(|p| p.is_deputy())
        .map(|p| p.count)
        .sum();
    let allowed = max_deputies(households, rules);
    if deputies as i64 > allowed {
        out.push((
            format!(
                "có {} hộ nên được tối đa {} Phó Tổ trưởng, nhưng dự kiến {} (từ {} hộ trở lên mới được {})",
                number(households as i64),
                allowed,
                deputies,
                number(rules.deputy_heads_threshold),
                rules.max_deputy_heads_large
            ),
            BASIS_DEPUTIES,
        ));
    }
    out
}

/// Consultation arithmetic: agree + disagree + other + invalid = returned ≤ issued ≤
/// households. Returns (column, message) for each violation.
pub fn ballot_violations(c: &Ballots) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let sum = c.agree + c.disagree + c.other + c.invalid;
    if sum != c.returned {
        out.push((
            "ballots_returned",
            format!(
                "đồng ý {} + không đồng ý {} + ý kiến khác {} + không hợp lệ {} = {}, khác số phiếu thu về {}",
                number(c.agree as i64),
                number(c.disagree as i64),
                number(c.other as i64),
                number(c.invalid as i64),
                number(sum as i64),
                number(c.returned as i64)
            ),
        ));
    }
    if c.returned > c.issued {
        out.push((
            "ballots_returned",
            format!(
                "số phiếu thu về {} lớn hơn số phiếu phát ra {}",
                number(c.returned as i64),
                number(c.issued as i64)
            ),
        ));
    }
    if c.issued > c.households {
        out.push((
            "ballots_issued",
            format!(
                "số phiếu phát ra {} lớn hơn số hộ {}",
                number(c.issued as i64),
                number(c.households as i64)
            ),
        ));
    }
    out
}

/// A group passes when strictly more than `ratio` of all its households agree.
pub fn passes(agree: u64, households: u64, ratio: f64) -> bool {
    households > 0 && (agree as f64) > ratio * households as f64
}

/// `a / b`, 0 when `b` is 0 (a group without households has no rates).
pub fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Days of a consultation period, both ends included.
pub fn period_days(start: NaiveDate, end: NaiveDate) -> i64 {
    (end - start).num_days() + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::percent;

    fn rules() -> Rules {
        Rules::default()
    }

    #[test]
    fn pass_ratio_boundaries() {
        // (agree, households, passes)
        for (agree, households, want) in [
            (500, 1000, false), // 50,0 % exactly fails
            (501, 1000, true),  // 50,1 % passes
            (0, 0, false),
            (1, 1, true),
            (1, 2, false),
            (2, 3, true),
            (150, 301, false),
            (151, 301, true),
        ] {
            assert_eq!(passes(agree, households, 0.5), want, "{agree}/{households}");
        }
        assert_eq!(percent(ratio(500, 1000)), "50,0\u{a0}%");
        assert_eq!(percent(ratio(501, 1000)), "50,1\u{a0}%");
        // Configurable: two thirds.
        assert!(!passes(666, 1000, 2.0 / 3.0));
        assert!(passes(667, 1000, 2.0 / 3.0));
    }

    #[test]
    fn ratio_of_nothing_is_zero() {
        // (a, b, ratio)
        for (a, b, want) in [(0, 0, 0.0), (5, 0, 0.0), (1, 4, 0.25), (4, 4, 1.0)] {
            assert_eq!(ratio(a, b), want, "{a}/{b}");
        }
    }

    #[test]
    fn deputy_heads_boundaries() {
        let r = rules();
        let posts = |deputies: u64| {
            vec![
                Post {
                    title: "Tổ trưởng".into(),
                    count: 1,
                },
                Post {
                    title: "Phó Tổ trưởng".into(),
                    count: deputies,
                },
            ]
        };
        // (households, deputies, ok)
        for (households, deputies, ok) in [
            (999, 1, true),
            (999, 2, false),
            (1000, 2, true),
            (1000, 3, false),
            (1001, 2, true),
            (300, 0, true),
        ] {
            let v = posts_violations(&posts(deputies), households, &r);
            assert_eq!(v.is_empty(), ok, "{households} hộ, {deputies} phó: {v:?}");
        }
        assert_eq!(max_deputies(999, &r), 1);
        assert_eq!(max_deputies(1000, &r), 2);
    }

    #[test]
    fn part_time_posts_limit() {
        let r = rules();
        for (n, ok) in [(4, true), (5, true), (6, false)] {
            let posts = vec![
                Post {
                    title: "Tổ trưởng".into(),
                    count: 1,
                },
                Post {
                    title: "Công an viên".into(),
                    count: n - 1,
                },
            ];
            assert_eq!(posts_violations(&posts, 2000, &r).is_empty(), ok, "{n}");
        }
    }

    #[test]
    fn group_size_rule() {
        let r = rules();
        // (households, kind, special, justification, ok)
        for (h, kind, special, why, ok) in [
            (300, GroupKind::Tdp, false, "", true),
            (299, GroupKind::Tdp, false, "", false),
            (299, GroupKind::Tdp, true, "", false),
            (299, GroupKind::Tdp, true, "   ", false),
            (299, GroupKind::Tdp, true, "Khu tập thể biệt lập", true),
            (150, GroupKind::Thon, false, "", true),
            (149, GroupKind::Thon, false, "", false),
        ] {
            assert_eq!(
                size_violation(h, kind, special, why, &r).is_none(),
                ok,
                "{h} {kind:?} {special}"
            );
        }
    }

    #[test]
    fn consultation_arithmetic() {
        let ok = Ballots {
            households: 400,
            issued: 400,
            returned: 380,
            agree: 300,
            disagree: 50,
            other: 20,
            invalid: 10,
        };
        assert!(ballot_violations(&ok).is_empty());
        let cases = [
            (Ballots { agree: 301, ..ok }, "ballots_returned"),
            (
                Ballots {
                    returned: 401,
                    issued: 400,
                    agree: 321,
                    ..ok
                },
                "ballots_returned",
            ),
            (Ballots { issued: 401, ..ok }, "ballots_issued"),
        ];
        for (c, col) in cases {
            let v = ballot_violations(&c);
            assert!(v.iter().any(|(k, _)| *k == col), "{c:?}: {v:?}");
        }
        // Edge: everything equal is fine.
        let full = Ballots {
            households: 10,
            issued: 10,
            returned: 10,
            agree: 10,
            disagree: 0,
            other: 0,
            invalid: 0,
        };
        assert!(ballot_violations(&full).is_empty());
    }

    #[test]
    fn period() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 6, day);
        // (start, end, days)
        for (start, end, want) in [(12, 18, 7), (12, 17, 6), (12, 12, 1)] {
            let (Some(s), Some(e)) = (d(start), d(end)) else {
                panic!("bad test date");
            };
            assert_eq!(period_days(s, e), want, "{start}–{end}");
        }
    }
}
