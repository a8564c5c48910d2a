//! Totals and subtotals rows: Excel sheets end with "Tổng cộng" and often have a
//! "Cộng tổ 3" row under each group. Such rows are recognised, their numbers checked
//! against the sum of the rows they total, and left out of the table: they are never
//! published as a row, never counted.
//!
//! A row is a totals row when its first non-empty cell is a totals label ("Tổng cộng",
//! "Tổng số", "Tổng", "Cộng", "Cộng tổ 3", "Tổng cộng thôn Đông") and every other
//! non-empty cell is a number (at least one). The last totals row, after all data rows,
//! totals the whole table unless its label names a group; any other totals row totals
//! the data rows since the previous totals row.

use std::path::Path;

use super::units::parse_vi_number;
use super::{Header, Row};
use crate::diagnostics::{Diagnostic, Location};
use crate::text::fold_words;

/// A totals row found in a table.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalRow {
    /// 1-based row in the source.
    pub row: usize,
    /// The label as written ("Cộng tổ 3").
    pub label: String,
    /// Totals the whole table (else the rows since the previous totals row).
    pub grand: bool,
    /// Data rows it totals.
    pub rows_totalled: usize,
    /// Every number in the row, checked.
    pub checks: Vec<TotalCheck>,
}

impl TotalRow {
    pub fn matches(&self) -> bool {
        self.checks.iter().all(TotalCheck::matches)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TotalCheck {
    /// 1-based source column.
    pub column: usize,
    /// The column's header as written.
    pub header: String,
    /// The number written in the totals row.
    pub stated: f64,
    /// The sum of the rows it totals; `None` when a cell there is not a number.
    pub computed: Option<f64>,
}

impl TotalCheck {
    pub fn matches(&self) -> bool {
        self.computed
            .is_none_or(|c| (c - self.stated).abs() <= 0.005)
    }
}

/// Words after "Cộng" that make an ordinary phrase, not a total ("Cộng đồng dân cư").
const NOT_TOTAL_AFTER_CONG: &[&str] = &[
    "dong", "tac", "hoa", "san", "su", "vien", "nghe", "ty", "ich", "luc", "chuc", "hien",
];

/// Words after a label that name a group ("Cộng tổ 3", "Tổng cộng thôn Đông").
const GROUP_WORDS: &[&str] = &[
    "to", "thon", "lang", "ban", "buon", "ap", "khu", "xom", "nhom", "khom", "dien", "loai",
];

/// Is `text` a totals label? `Some(suffix words)` when it is.
fn total_label(text: &str) -> Option<Vec<String>> {
    let f = fold_words(text);
    let words: Vec<&str> = f.split(' ').filter(|w| !w.is_empty()).collect();
    let rest: &[&str] = match words.as_slice() {
        ["tong"] | ["cong"] => &[],
        ["tong", "cong", rest @ ..] | ["tong", "so", rest @ ..] => rest,
        ["cong", next, ..] if !NOT_TOTAL_AFTER_CONG.contains(next) => &words[1..],
        _ => return None,
    };
    Some(rest.iter().map(|w| w.to_string()).collect())
}

/// A number in a totals or data cell: `1.500.000`, `1,5`, `1.500.000 đ`.
pub fn cell_number(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Some(v) = parse_vi_number(t) {
        return Some(v);
    }
    let lower = t.to_lowercase();
    for suffix in ["vnđ", "vnd", "đồng", "đ", "₫"] {
        if let Some(body) = lower.strip_suffix(suffix) {
            return parse_vi_number(body);
        }
    }
    None
}

/// A number as staff write it: `1.500.000`, `12,5`.
pub fn show_number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 && v.abs() < 9.0e15 {
        crate::format::number(v.round() as i64)
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let int = int
            .parse::<i64>()
            .map_or(int.to_string(), crate::format::number);
        if frac.is_empty() {
            int
        } else {
            format!("{int},{frac}")
        }
    }
}

/// Take the totals rows out of `rows`, checking each; a totals row whose number differs
/// from the sum is an error naming both numbers, the row and the column.
pub(crate) fn take_totals(
    source: &Path,
    headers: &[Header],
    rows: Vec<Row>,
    errors: &mut Vec<Diagnostic>,
) -> (Vec<Row>, Vec<TotalRow>) {
    // Which rows are totals rows, with their label cell index and label suffix.
    let found: Vec<Option<(usize, Vec<String>)>> = rows.iter().map(totals_row).collect();
    if found.iter().all(Option::is_none) {
        return (rows, Vec::new());
    }
    let last_total = found.iter().rposition(Option::is_some);
    let last_data = found.iter().rposition(Option::is_none);
    let mut totals = Vec::new();
    let mut data = Vec::with_capacity(rows.len());
    let mut block_start = 0usize; // index into `data` where the current block starts
    for (i, (row, f)) in rows.into_iter().zip(found).enumerate() {
        let Some((label_idx, suffix)) = f else {
            data.push(row);
            continue;
        };
        let names_group = suffix
            .first()
            .is_some_and(|w| GROUP_WORDS.contains(&w.as_str()));
        let grand = Some(i) == last_total && last_data.is_none_or(|d| d < i) && !names_group;
        let scope: &[Row] = if grand { &data } else { &data[block_start..] };
        let mut checks = Vec::new();
        for (j, cell) in row.cells.iter().enumerate() {
            if j == label_idx || cell.value.trim().is_empty() {
                continue;
            }
            let Some(stated) = cell_number(&cell.value) else {
                continue;
            };
            let header = headers.get(j);
            // The row-number column is not a quantity.
            if header.is_some_and(|h| h.field == Some("no")) {
                continue;
            }
            let mut sum = Some(0.0);
            for r in scope {
                let v = r.cells.get(j).map_or("", |c| c.value.trim());
                if v.is_empty() {
                    continue;
                }
                sum = sum.and_then(|s| cell_number(v).map(|x| s + x));
            }
            checks.push(TotalCheck {
                column: cell.column,
                header: header.map_or_else(String::new, |h| h.raw.clone()),
                stated,
                computed: sum,
            });
        }
        let label = row.cells[label_idx].value.clone();
        for c in checks.iter().filter(|c| !c.matches()) {
            let computed = c.computed.unwrap_or_default();
            errors.push(
                Diagnostic::error(format!(
                    "dòng {} \u{201c}{label}\u{201d} ghi {} ở cột \u{201c}{}\u{201d}, nhưng cộng {} dòng {} được {}",
                    row.row,
                    show_number(c.stated),
                    c.header,
                    scope.len(),
                    if grand { "của bảng" } else { "phía trên (từ dòng tổng trước)" },
                    show_number(computed)
                ))
                .at(Location::at(source, row.row, c.column).with_field(c.header.clone()))
                .hint(
                    "kiểm tra lại các dòng số liệu và dòng tổng: số ở dòng tổng phải bằng tổng các dòng nó cộng; \
                     trong Excel nên dùng công thức =SUM(...) cho dòng tổng",
                ),
            );
        }
        totals.push(TotalRow {
            row: row.row,
            label,
            grand,
            rows_totalled: scope.len(),
            checks,
        });
        block_start = data.len();
    }
    (data, totals)
}

/// `Some((label cell index, label suffix))` when `row` is a totals row.
fn totals_row(row: &Row) -> Option<(usize, Vec<String>)> {
    let label_idx = row.cells.iter().position(|c| !c.value.trim().is_empty())?;
    let suffix = total_label(&row.cells[label_idx].value)?;
    let mut numbers = 0;
    for c in &row.cells[label_idx + 1..] {
        if c.value.trim().is_empty() {
            continue;
        }
        cell_number(&c.value)?;
        numbers += 1;
    }
    (numbers > 0).then_some((label_idx, suffix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Cell;

    fn headers(names: &[&str]) -> Vec<Header> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Header {
                raw: n.to_string(),
                field: (*n == "STT").then_some("no"),
                column: i + 1,
                unit: None,
            })
            .collect()
    }

    fn rows(data: &[&[&str]]) -> Vec<Row> {
        data.iter()
            .enumerate()
            .map(|(i, r)| Row {
                row: i + 2,
                cells: r
                    .iter()
                    .enumerate()
                    .map(|(j, v)| Cell {
                        value: v.to_string(),
                        row: i + 2,
                        column: j + 1,
                    })
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn labels() {
        for (t, want) in [
            ("Tổng cộng", true),
            ("TỔNG CỘNG:", true),
            ("Cộng", true),
            ("Tổng", true),
            ("Tổng số", true),
            ("Cộng tổ 3", true),
            ("Tổng cộng thôn Đông", true),
            ("Cộng đồng dân cư", false),
            ("Tổng kết", false),
            ("Tổng hợp ý kiến", false),
            ("Nguyễn Văn Cộng", false),
            ("", false),
        ] {
            assert_eq!(total_label(t).is_some(), want, "{t}");
        }
    }

    #[test]
    fn grand_total_taken_out_and_checked() {
        let h = headers(&["STT", "Họ và tên", "Số tiền"]);
        let r = rows(&[
            &["1", "A", "1.500.000"],
            &["2", "B", "2.000.000"],
            &["", "Tổng cộng", "3.500.000"],
        ]);
        let mut errors = Vec::new();
        let (data, totals) = take_totals(Path::new("d.csv"), &h, r, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(data.len(), 2);
        assert_eq!(totals.len(), 1);
        assert!(totals[0].grand && totals[0].matches());
        assert_eq!(totals[0].rows_totalled, 2);
    }

    #[test]
    fn lying_total_names_both_numbers_and_row() {
        let h = headers(&["STT", "Họ và tên", "Số tiền"]);
        let r = rows(&[
            &["1", "A", "1.500.000"],
            &["2", "B", "2.000.000"],
            &["", "Tổng cộng", "4.000.000"],
        ]);
        let mut errors = Vec::new();
        let (data, _) = take_totals(Path::new("d.csv"), &h, r, &mut errors);
        assert_eq!(data.len(), 2);
        assert_eq!(errors.len(), 1);
        let m = &errors[0].message;
        assert!(
            m.contains("dòng 4") && m.contains("4.000.000") && m.contains("3.500.000"),
            "{m}"
        );
        assert_eq!(errors[0].location.as_ref().and_then(|l| l.line), Some(4));
    }

    #[test]
    fn subtotals_per_group_and_grand_total() {
        let h = headers(&["Tổ", "Số hộ", "Diện tích"]);
        let r = rows(&[
            &["Tổ 1", "10", "1,5"],
            &["Tổ 2", "20", "2,25"],
            &["Cộng tổ 1-2", "30", "3,75"],
            &["Tổ 3", "5", "1"],
            &["Cộng", "5", "1"],
            &["Tổng cộng", "35", "4,75"],
        ]);
        let mut errors = Vec::new();
        let (data, totals) = take_totals(Path::new("d.csv"), &h, r, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(data.len(), 3);
        let kinds: Vec<(bool, usize)> = totals.iter().map(|t| (t.grand, t.rows_totalled)).collect();
        assert_eq!(kinds, [(false, 2), (false, 1), (true, 3)]);
    }

    #[test]
    fn rows_with_text_are_not_totals() {
        let h = headers(&["Công việc", "Ngày", "Ghi chú"]);
        let r = rows(&[
            &["Cộng đồng họp", "10/06/2026", ""],
            &["Tổng kết", "12", ""],
            &["Cộng", "10/06/2026", "x"],
        ]);
        let mut errors = Vec::new();
        let (data, totals) = take_totals(Path::new("d.csv"), &h, r, &mut errors);
        assert_eq!((data.len(), totals.len()), (3, 0));
    }

    #[test]
    fn numbers_shown_as_staff_write_them() {
        assert_eq!(show_number(3_500_000.0), "3.500.000");
        assert_eq!(show_number(4.75), "4,75");
        assert_eq!(cell_number("1.500.000 đ"), Some(1_500_000.0));
    }
}
