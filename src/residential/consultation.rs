//! The household consultation on a merger plan (lấy ý kiến hộ gia đình): ballot counts
//! per group of today, cross-checked against today's groups and the plan.

use std::collections::BTreeMap;

use super::plan::MergedGroup;
use super::rules::{ballot_violations, passes, ratio};
use super::{Group, cell_err, code_key, int_cell};
use crate::config::Rules;
use crate::data::{FieldSpec, Row, Table};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format::{number, percent};

/// Columns of the results table.
pub const RESULT_FIELDS: &[FieldSpec] = &[
    FieldSpec::required("group", &["mã tổ", "tổ", "tổ dân phố"]),
    FieldSpec::required("households", &["số hộ", "tổng số hộ", "số hộ gia đình"]),
    FieldSpec::required("ballots_issued", &["số phiếu phát ra", "phiếu phát ra"]),
    FieldSpec::required("ballots_returned", &["số phiếu thu về", "phiếu thu về"]),
    FieldSpec::required("agree", &["đồng ý", "số phiếu đồng ý"]),
    FieldSpec::required("disagree", &["không đồng ý", "số phiếu không đồng ý"]),
    FieldSpec::required("other", &["ý kiến khác", "khác"]),
    FieldSpec::required("invalid", &["không hợp lệ", "phiếu không hợp lệ"]),
    FieldSpec::optional(
        "new_group",
        &["mã tổ mới", "tổ mới", "ghép vào tổ", "chuyển sang tổ"],
    ),
];

/// The ballot counts of one group's consultation (or a sum of groups).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ballots {
    pub households: u64,
    pub issued: u64,
    pub returned: u64,
    pub agree: u64,
    pub disagree: u64,
    pub other: u64,
    pub invalid: u64,
}

impl Ballots {
    pub fn add(&mut self, o: &Ballots) {
        self.households += o.households;
        self.issued += o.issued;
        self.returned += o.returned;
        self.agree += o.agree;
        self.disagree += o.disagree;
        self.other += o.other;
        self.invalid += o.invalid;
    }

    /// The sum of several groups' counts.
    pub fn total<'a>(all: impl IntoIterator<Item = &'a Ballots>) -> Ballots {
        let mut t = Ballots::default();
        for b in all {
            t.add(b);
        }
        t
    }
}

/// One row of the results table, as typed.
#[derive(Debug, Clone)]
pub struct BallotRow {
    /// The group code as typed.
    pub group: String,
    /// The new group the consulted households go to, as typed ("" when not given;
    /// needed only for a group split between two merging new groups).
    pub new_group: String,
    pub ballots: Ballots,
    pub row: usize,
}

/// One of today's groups' consultation result, checked and computed.
#[derive(Debug, Clone)]
pub struct ConsultationResult {
    pub code: String,
    pub name: String,
    /// The new group it merges into ("" when the plan has none).
    pub new_code: String,
    pub ballots: Ballots,
    /// More than the pass ratio of all its households agreed.
    pub passed: bool,
}

/// Read the results table; the arithmetic of each row is checked.
pub fn read_results(t: &Table, errors: &mut Diagnostics) -> Vec<BallotRow> {
    let mut out = Vec::new();
    for row in &t.rows {
        let group = t.text(row, "group").trim().to_string();
        if group.is_empty() {
            errors.push(
                cell_err(t, row, "group", "thiếu mã tổ".into())
                    .hint("ghi mã tổ hiện nay, ví dụ TDP01"),
            );
            continue;
        }
        let before = errors.error_count();
        let ballots = Ballots {
            households: int_cell(t, row, "households", errors),
            issued: int_cell(t, row, "ballots_issued", errors),
            returned: int_cell(t, row, "ballots_returned", errors),
            agree: int_cell(t, row, "agree", errors),
            disagree: int_cell(t, row, "disagree", errors),
            other: int_cell(t, row, "other", errors),
            invalid: int_cell(t, row, "invalid", errors),
        };
        // Arithmetic on counts that did not parse would only repeat the first error.
        if errors.error_count() == before {
            for (col, msg) in ballot_violations(&ballots) {
                errors.push(
                    cell_err(t, row, col, format!("tổ \u{201c}{group}\u{201d}: {msg}"))
                        .hint("đối chiếu lại biên bản kiểm phiếu: đồng ý + không đồng ý + ý kiến khác + không hợp lệ = phiếu thu về ≤ phiếu phát ra ≤ số hộ"),
                );
            }
        }
        out.push(BallotRow {
            group,
            new_group: t.text(row, "new_group").trim().to_string(),
            ballots,
            row: row.row,
        });
    }
    out
}

/// Cross-checks results against today's groups and the plan.
struct ResultChecker<'a> {
    t: &'a Table,
    rules: &'a Rules,
    by_code: BTreeMap<String, &'a Group>,
    /// Today's group → the new groups that take it, whole or in part.
    new_of: BTreeMap<String, Vec<&'a MergedGroup>>,
    /// (today's group, new group) with a result so far → their row.
    seen: BTreeMap<(String, String), usize>,
}

/// Cross-check results against groups and plan; compute each group's result. Groups
/// that merge (a new group with two or more members) must each have exactly one result
/// row whose households match today's table.
pub fn consultation_results(
    results_table: &Table,
    rows: &[BallotRow],
    groups: &[Group],
    plan: &[MergedGroup],
    rules: &Rules,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Vec<ConsultationResult> {
    let mut checker = ResultChecker {
        t: results_table,
        rules,
        by_code: groups.iter().map(|g| (code_key(&g.code), g)).collect(),
        new_of: plan.iter().fold(BTreeMap::new(), |mut map, n| {
            for m in &n.members {
                map.entry(code_key(m)).or_insert_with(Vec::new).push(n);
            }
            map
        }),
        seen: BTreeMap::new(),
    };
    let out = rows
        .iter()
        .filter_map(|r| {
            let row = results_table.rows.iter().find(|x| x.row == r.row)?;
            checker.check_row(r, row, errors, warnings)
        })
        .collect();
    checker.check_every_merging_group_consulted(plan, errors);
    out
}

impl<'a> ResultChecker<'a> {
    fn check_row(
        &mut self,
        r: &BallotRow,
        row: &Row,
        errors: &mut Diagnostics,
        warnings: &mut Diagnostics,
    ) -> Option<ConsultationResult> {
        let t = self.t;
        let Some(g) = self.by_code.get(&code_key(&r.group)).copied() else {
            errors.push(
                cell_err(
                    t,
                    row,
                    "group",
                    format!(
                        "mã tổ \u{201c}{}\u{201d} không có trong bảng tổ dân phố hiện nay",
                        r.group
                    ),
                )
                .hint("ghi đúng mã tổ như trong bảng tổ dân phố hiện nay"),
            );
            return None;
        };
        let new = self.new_group_of(g, r, row, errors)?;
        let key = (
            code_key(&r.group),
            new.map(|n| code_key(&n.code)).unwrap_or_default(),
        );
        if let Some(first) = self.seen.insert(key, r.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "group",
                    format!("tổ \u{201c}{}\u{201d} đã có kết quả ở dòng {first}", g.code),
                )
                .hint("mỗi tổ chỉ ghi một dòng kết quả"),
            );
            return None;
        }
        // A part that moves is consulted on its own households, not the whole group's.
        let expected = new.map_or(g.households, |n| n.member_households(&g.code, g.households));
        if r.ballots.households != expected {
            let what = match new.and_then(|n| n.parts.get(&g.code).map(|p| (n, p))) {
                Some((n, p)) => format!(
                    "phần của tổ \u{201c}{}\u{201d} {} tổ mới \u{201c}{}\u{201d} ghi {} hộ, nhưng phương án ghi {} hộ",
                    g.code,
                    if p.moved {
                        "chuyển sang"
                    } else {
                        "ở lại trong"
                    },
                    n.code,
                    number(r.ballots.households as i64),
                    number(p.households as i64)
                ),
                None => format!(
                    "tổ \u{201c}{}\u{201d} ghi {} hộ, nhưng bảng tổ dân phố hiện nay ghi {} hộ",
                    g.code,
                    number(r.ballots.households as i64),
                    number(g.households as i64)
                ),
            };
            errors.push(
                cell_err(t, row, "households", what)
                    .hint("số hộ lấy ý kiến phải đúng bằng số hộ của tổ (hoặc của phần tổ chuyển sang); sửa một trong hai bảng"),
            );
        }
        self.warn_unusual(g, r, row, new, warnings);
        Some(ConsultationResult {
            code: g.code.clone(),
            name: g.name.clone(),
            new_code: new.map(|n| n.code.clone()).unwrap_or_default(),
            ballots: r.ballots,
            passed: passes(
                r.ballots.agree,
                r.ballots.households,
                self.rules.merger_pass_ratio,
            ),
        })
    }

    /// The new group a result row is about: the one named in its "Tổ mới" column, else
    /// the one merging new group that takes (part of) the group, else its only new
    /// group. A group split between two merging new groups needs the column.
    fn new_group_of(
        &self,
        g: &Group,
        r: &BallotRow,
        row: &Row,
        errors: &mut Diagnostics,
    ) -> Option<Option<&'a MergedGroup>> {
        let all: &[&MergedGroup] = self
            .new_of
            .get(&code_key(&g.code))
            .map_or(&[], |v| v.as_slice());
        if !r.new_group.is_empty() {
            return match all
                .iter()
                .find(|n| code_key(&n.code) == code_key(&r.new_group))
            {
                Some(n) => Some(Some(*n)),
                None => {
                    errors.push(
                        cell_err(
                            self.t,
                            row,
                            "new_group",
                            format!(
                                "tổ \u{201c}{}\u{201d} không chuyển sang tổ mới \u{201c}{}\u{201d} theo phương án",
                                g.code, r.new_group
                            ),
                        )
                        .hint(format!(
                            "ghi một trong các tổ mới nhận tổ này: {}",
                            all.iter().map(|n| n.code.as_str()).collect::<Vec<_>>().join(", ")
                        )),
                    );
                    None
                }
            };
        }
        let merging: Vec<&&MergedGroup> = all.iter().filter(|n| n.is_merger()).collect();
        match merging.as_slice() {
            [one] => Some(Some(**one)),
            [] => Some(all.first().copied()),
            many => {
                errors.push(
                    cell_err(
                        self.t,
                        row,
                        "group",
                        format!(
                            "tổ \u{201c}{}\u{201d} được chia cho {} tổ mới ({}); không rõ dòng kết quả này là của phần nào",
                            g.code,
                            many.len(),
                            many.iter().map(|n| n.code.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    )
                    .hint("thêm cột \u{201c}Tổ mới\u{201d} ghi mã tổ mới mà phần hộ được lấy ý kiến chuyển sang, mỗi phần một dòng"),
                );
                None
            }
        }
    }

    /// Warnings that do not stop publishing: a result for a group that does not merge, a
    /// low turnout.
    fn warn_unusual(
        &self,
        g: &Group,
        r: &BallotRow,
        row: &Row,
        new: Option<&MergedGroup>,
        warnings: &mut Diagnostics,
    ) {
        let t = self.t;
        if new.is_none_or(|n| !n.is_merger()) {
            warnings.push(
                Diagnostic::warning(format!(
                    "tổ \u{201c}{}\u{201d} không thuộc diện sáp nhập nhưng có kết quả lấy ý kiến",
                    g.code
                ))
                .at(t.location(&row.cells[0]))
                .hint("kiểm tra lại: chỉ các tổ thuộc diện sáp nhập mới phải lấy ý kiến"),
            );
        }
        let turnout = ratio(r.ballots.returned, r.ballots.households);
        if r.ballots.households > 0 && turnout < self.rules.turnout_warning_ratio {
            warnings.push(
                Diagnostic::warning(format!(
                    "tổ \u{201c}{}\u{201d}: chỉ {} hộ gửi phiếu ({}), dưới mức {}",
                    g.code,
                    number(r.ballots.returned as i64),
                    percent(turnout),
                    percent(self.rules.turnout_warning_ratio)
                ))
                .at(t.location(&row.cells[0]))
                .hint(
                    "không làm dừng việc đăng tải; nên giải thích trong phần tiếp thu, giải trình",
                ),
            );
        }
    }

    fn check_every_merging_group_consulted(&self, plan: &[MergedGroup], errors: &mut Diagnostics) {
        for n in plan.iter().filter(|n| n.is_merger()) {
            for m in &n.members {
                if !self.seen.contains_key(&(code_key(m), code_key(&n.code))) {
                    errors.push(
                        Diagnostic::error(format!(
                            "tổ \u{201c}{m}\u{201d} thuộc diện sáp nhập (vào tổ mới \u{201c}{}\u{201d}) nhưng chưa có kết quả lấy ý kiến",
                            n.code
                        ))
                        .in_file(&self.t.source)
                        .hint(format!("thêm một dòng kết quả cho tổ {m}")),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_every_count() {
        let a = Ballots {
            households: 10,
            issued: 9,
            returned: 8,
            agree: 5,
            disagree: 1,
            other: 1,
            invalid: 1,
        };
        let b = Ballots {
            households: 1,
            issued: 2,
            returned: 3,
            agree: 4,
            disagree: 5,
            other: 6,
            invalid: 7,
        };
        // (parts, total)
        for (parts, want) in [
            (vec![], Ballots::default()),
            (vec![a], a),
            (
                vec![a, b],
                Ballots {
                    households: 11,
                    issued: 11,
                    returned: 11,
                    agree: 9,
                    disagree: 6,
                    other: 7,
                    invalid: 8,
                },
            ),
        ] {
            assert_eq!(Ballots::total(&parts), want, "{parts:?}");
        }
    }
}
