//! The ward's residential groups (tổ dân phố, thôn): the one model every record kind
//! that names groups uses.
//!
//! - [`Group`]: one of today's groups with its census figures (households, population,
//!   area), read from a table by [`read_groups`] (merger plans, consultations);
//! - [`WardGroups`]: the ward's group names, matched loosely against what staff type
//!   ("TDP 1" = "Tổ dân phố số 1") (beneficiary lists, donations);
//! - [`plan`]: the groups after a merger ([`plan::MergedGroup`]);
//! - [`consultation`]: the household consultation on a merger, per group;
//! - [`rules`]: the legal thresholds and arithmetic, as small pure functions;
//! - [`staff`]: the people planned for a new group's posts, and the one-additional-post rule;
//! - [`view`]: the template values of these, shared by the kinds that show them.
//!
//! Totals (households of a new group, rates) are computed here, never typed by staff.

pub mod consultation;
pub mod plan;
pub mod rules;
pub mod staff;
pub mod view;
mod ward;

use std::collections::BTreeMap;

pub use ward::{DEFAULT_GROUPS, WardGroups, group_key};

use crate::data::{FieldSpec, Row, Table, parse_decimal, parse_int};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::text::{fold_words, name_key};

/// Columns of the table of today's groups.
pub const GROUP_FIELDS: &[FieldSpec] = &[
    FieldSpec::required(
        "code",
        &["mã tổ", "mã", "mã tổ dân phố", "mã thôn", "số hiệu"],
    ),
    FieldSpec::required(
        "name",
        &[
            "tên tổ dân phố",
            "tên tổ",
            "tên",
            "tên thôn",
            "tên tổ dân phố, thôn",
        ],
    ),
    FieldSpec::required(
        "households",
        &["số hộ", "số hộ gia đình", "tổng số hộ", "hộ"],
    ),
    FieldSpec::optional(
        "population",
        &["số nhân khẩu", "nhân khẩu", "dân số", "số dân"],
    ),
    FieldSpec::optional("area_ha", &["diện tích (ha)", "diện tích", "diện tích ha"]),
    FieldSpec::optional("kind", &["loại", "loại hình", "tổ dân phố/thôn"]),
    FieldSpec::optional("note", &["ghi chú"]),
];

/// Urban residential group (tổ dân phố) or rural village (thôn); the law sets different
/// minimum sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKind {
    Tdp,
    Thon,
}

impl GroupKind {
    pub fn label(self) -> &'static str {
        match self {
            GroupKind::Tdp => "Tổ dân phố",
            GroupKind::Thon => "Thôn",
        }
    }

    fn parse(text: &str) -> Option<GroupKind> {
        match fold_words(text).as_str() {
            "" | "tdp" | "to dan pho" | "to" => Some(GroupKind::Tdp),
            "thon" | "ban" | "xom" | "ap" => Some(GroupKind::Thon),
            _ => None,
        }
    }
}

/// One of today's residential groups, with the census figures staff supplied.
#[derive(Debug, Clone)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub households: u64,
    pub population: Option<u64>,
    pub area_ha: Option<f64>,
    pub kind: GroupKind,
    pub note: String,
    /// Row in the source table, for messages.
    pub row: usize,
}

/// Matching key of a group code: codes are compared folded ("tdp01" = "TDP01").
pub(crate) fn code_key(code: &str) -> String {
    fold_words(code)
}

/// A required count in a cell; a problem goes to `errors` and gives 0.
pub(crate) fn int_cell(t: &Table, row: &Row, field: &str, errors: &mut Diagnostics) -> u64 {
    match t.get(row, field) {
        Some(c) => match parse_int(&c.value, (t, c)) {
            Ok(n) => n,
            Err(d) => {
                errors.push(d);
                0
            }
        },
        None => 0,
    }
}

/// An optional count: empty or absent is `None`; a problem goes to `errors`.
fn opt_int_cell(t: &Table, row: &Row, field: &str, errors: &mut Diagnostics) -> Option<u64> {
    match t.get(row, field) {
        Some(c) if !c.value.trim().is_empty() => {
            parse_int(&c.value, (t, c)).map_err(|d| errors.push(d)).ok()
        }
        _ => None,
    }
}

/// An error at a cell, or at its row when the column is absent.
pub(crate) fn cell_err(t: &Table, row: &Row, field: &str, msg: String) -> Diagnostic {
    let d = Diagnostic::error(msg);
    match t.get(row, field) {
        Some(c) => d.at(t.location(c)),
        None => d.at(Location::line(&t.source, row.row)),
    }
}

/// First row of each key seen so far, to report duplicates with the earlier row.
#[derive(Default)]
pub(crate) struct FirstRows(BTreeMap<String, usize>);

impl FirstRows {
    /// Records `key` at `row`; returns the earlier row when it was seen before.
    pub(crate) fn repeat_of(&mut self, key: String, row: usize) -> Option<usize> {
        self.0.insert(key, row)
    }
}

/// Read today's groups; every problem goes to `errors`.
pub fn read_groups(t: &Table, errors: &mut Diagnostics) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut codes = FirstRows::default();
    let mut names = FirstRows::default();
    for row in &t.rows {
        let code = t.text(row, "code").trim().to_string();
        let name = t.text(row, "name").trim().to_string();
        if code.is_empty() {
            errors.push(
                cell_err(t, row, "code", "thiếu mã tổ".into())
                    .hint("mỗi tổ cần một mã riêng, ví dụ TDP01"),
            );
            continue;
        }
        if let Some(first) = codes.repeat_of(code_key(&code), row.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "code",
                    format!("mã tổ \u{201c}{code}\u{201d} bị trùng với dòng {first}"),
                )
                .hint("mỗi tổ hiện nay chỉ ghi một dòng, mã không trùng nhau"),
            );
        }
        if name.is_empty() {
            errors.push(
                cell_err(t, row, "name", "thiếu tên tổ".into())
                    .hint("ghi tên tổ, ví dụ Tổ dân phố số 1"),
            );
        } else if let Some(first) = names.repeat_of(name_key(&name), row.row) {
            errors.push(
                cell_err(
                    t,
                    row,
                    "name",
                    format!("tên tổ \u{201c}{name}\u{201d} bị trùng với dòng {first}"),
                )
                .hint("tên các tổ phải khác nhau"),
            );
        }
        out.push(read_group_figures(t, row, code, name, errors));
    }
    if out.is_empty() && !errors.has_errors() {
        errors.push(
            Diagnostic::error("bảng tổ dân phố hiện nay không có dòng nào")
                .in_file(&t.source)
                .hint("mỗi tổ hiện nay ghi một dòng dưới dòng tiêu đề"),
        );
    }
    out
}

/// The rest of a group's row once its code and name are known.
fn read_group_figures(
    t: &Table,
    row: &Row,
    code: String,
    name: String,
    errors: &mut Diagnostics,
) -> Group {
    let households = int_cell(t, row, "households", errors);
    let population = opt_int_cell(t, row, "population", errors);
    let area_ha = match t.get(row, "area_ha") {
        Some(c) if !c.value.trim().is_empty() => parse_decimal(&c.value, (t, c))
            .map_err(|d| errors.push(d))
            .ok(),
        _ => None,
    };
    let kind = match GroupKind::parse(t.text(row, "kind")) {
        Some(k) => k,
        None => {
            errors.push(
                cell_err(
                    t,
                    row,
                    "kind",
                    format!("loại \u{201c}{}\u{201d} không rõ", t.text(row, "kind")),
                )
                .hint("ghi TDP (tổ dân phố) hoặc Thôn"),
            );
            GroupKind::Tdp
        }
    };
    Group {
        code,
        name,
        households,
        population,
        area_ha,
        kind,
        note: t.text(row, "note").trim().to_string(),
        row: row.row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_kind_words() {
        // (text, kind)
        for (text, want) in [
            ("", Some(GroupKind::Tdp)),
            ("TDP", Some(GroupKind::Tdp)),
            ("Tổ dân phố", Some(GroupKind::Tdp)),
            ("Thôn", Some(GroupKind::Thon)),
            ("ấp", Some(GroupKind::Thon)),
            ("bản", Some(GroupKind::Thon)),
            ("phường", None),
        ] {
            assert_eq!(GroupKind::parse(text), want, "{text}");
        }
    }

    #[test]
    fn first_rows_report_the_earlier_row() {
        let mut seen = FirstRows::default();
        assert_eq!(seen.repeat_of("a".into(), 2), None);
        assert_eq!(seen.repeat_of("b".into(), 3), None);
        assert_eq!(seen.repeat_of("a".into(), 4), Some(2));
    }
}
