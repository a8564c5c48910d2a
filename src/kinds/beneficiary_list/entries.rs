//! Rows of a beneficiary list → validated [`Entry`]s: every published cell scanned for
//! personal data, groups and categories matched, amounts and dates parsed, duplicates
//! found. A list can have 100,000 rows: repeated values are resolved once
//! ([`memo`]), rows are checked in parallel, and messages keep the file's row order.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use super::check::{BIRTH_YEAR_BEFORE, is_unexplained_duplicate, parse_period};
use crate::data::{Cell, Period, Row, Table, parse_int, parse_vnd};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::format;
use crate::kinds::programme::ProgrammeInfo;
use crate::privacy;
use crate::residential::WardGroups;
use crate::text::{did_you_mean, name_key};

/// One validated, publishable row.
#[derive(Debug, Clone)]
pub struct Entry {
    pub no: u64,
    pub name: String,
    /// Canonical group name ("" when the list has no group column).
    pub group: String,
    /// The category as published: the programme's category as it declares it, or its
    /// neutral label when it names sensitive data ([`ProgrammeInfo::published_category`]).
    pub category: String,
    pub support: String,
    /// Amount in đồng: a one-off amount ("Số tiền (đồng)"), or, when the header says
    /// "(đồng/tháng)", the total for the period: `monthly` × `months`.
    pub amount: Option<u64>,
    /// The amount per month as written, when the header says "(đồng/tháng)".
    pub monthly: Option<u64>,
    /// Months the row covers, when its amount is per month.
    pub months: Option<u32>,
    /// A day, or a month when the list gives only the month ("Từ tháng 01/2026").
    pub from: Option<Period>,
    pub to: Option<Period>,
    pub note: String,
}

/// Every published field, scanned for personal data in this order.
const SCANNED: [&str; 9] = [
    "full_name",
    "group",
    "category",
    "support",
    "note",
    "no",
    "from",
    "to",
    "amount_vnd",
];

/// Columns whose values repeat across rows; names, notes and numbers are scanned cell by
/// cell.
const REPEATED: [&str; 6] = ["group", "category", "support", "from", "to", "amount_vnd"];

/// Distinct values of one column, each mapped through `f` once. Groups, categories,
/// amounts and dates repeat across a list's rows, so a 100,000-row list resolves a
/// few dozen values instead of 100,000.
fn memo<'t, T: Send>(
    table: &'t Table,
    column: Option<usize>,
    f: impl Fn(&'t str) -> T + Sync,
) -> HashMap<&'t str, T> {
    let Some(i) = column else {
        return HashMap::new();
    };
    let distinct: HashSet<&str> = table
        .rows
        .par_iter()
        .fold(HashSet::new, |mut set, r| {
            if let Some(c) = r.cells.get(i) {
                set.insert(c.value.as_str());
            }
            set
        })
        .reduce(HashSet::new, |mut a, b| {
            a.extend(b);
            a
        });
    let mut distinct: Vec<&str> = distinct.into_iter().collect();
    distinct.sort_unstable();
    distinct.into_par_iter().map(|v| (v, f(v))).collect()
}

/// What every row is checked against, with the repeated values already resolved.
struct RowReader<'t> {
    table: &'t Table,
    programme: &'t ProgrammeInfo,
    groups: &'t WardGroups,
    allow: &'t [String],
    /// Column index of each published field, looked up once rather than per cell.
    columns: Vec<(&'static str, Option<usize>)>,
    group_of: HashMap<&'t str, Option<String>>,
    /// Cell value → (declared category, published label).
    category_of: HashMap<&'t str, Option<(String, String)>>,
    from_of: HashMap<&'t str, Option<Period>>,
    to_of: HashMap<&'t str, Option<Period>>,
    /// Per repeated column: value → free of personal data.
    clean_by_column: Vec<(Option<usize>, HashMap<&'t str, bool>)>,
    /// The amount column's header says "(đồng/tháng)": cells are monthly amounts.
    per_month: bool,
}

/// Whether a list's amount column holds amounts per month ("Mức hỗ trợ (đồng/tháng)").
pub fn amount_per_month(table: &Table) -> bool {
    matches!(
        table.unit("amount_vnd"),
        Some(crate::data::units::Unit::Money {
            per_month: true,
            ..
        })
    )
}

/// Validate rows into entries. All problems go to `errors`.
pub fn read_entries(
    table: &Table,
    programme: &ProgrammeInfo,
    groups: &WardGroups,
    allow: &[String],
    errors: &mut Diagnostics,
) -> Vec<Entry> {
    let t0 = std::time::Instant::now();
    let reader = RowReader::new(table, programme, groups, allow);
    crate::timing::phase("beneficiary list: memos", t0);
    // Each row is checked on its own, in parallel; then duplicates are found in one pass
    // in row order, so messages keep the file's order.
    let checked: Vec<(Entry, String, Diagnostics)> = table
        .rows
        .par_iter()
        .enumerate()
        .map(|(i, row)| reader.read_row(i, row))
        .collect();
    crate::timing::phase("beneficiary list: rows checked", t0);
    report_duplicates(table, checked, errors)
}

impl<'t> RowReader<'t> {
    fn new(
        table: &'t Table,
        programme: &'t ProgrammeInfo,
        groups: &'t WardGroups,
        allow: &'t [String],
    ) -> Self {
        let columns: Vec<(&'static str, Option<usize>)> =
            SCANNED.iter().map(|f| (*f, table.column(f))).collect();
        let column = |f: &str| columns.iter().find(|(k, _)| *k == f).and_then(|(_, c)| *c);
        // A value that does not parse is parsed again in its cell, for the located message.
        let nowhere = Location::file(&table.source);
        let date_of = |v: &str| parse_period(v, &nowhere).ok();
        let clean_by_column = REPEATED
            .iter()
            .map(|f| {
                let clean = memo(table, column(f), |v| {
                    privacy::scan_cell(v, allow, BIRTH_YEAR_BEFORE).is_empty()
                });
                (column(f), clean)
            })
            .collect();
        RowReader {
            table,
            programme,
            groups,
            allow,
            group_of: memo(table, column("group"), |v| {
                groups.find(v).map(str::to_string)
            }),
            category_of: memo(table, column("category"), |v| {
                programme
                    .category(v)
                    .map(|c| (c.to_string(), programme.published_category(c)))
            }),
            from_of: memo(table, column("from"), date_of),
            to_of: memo(table, column("to"), date_of),
            clean_by_column,
            columns,
            per_month: amount_per_month(table),
        }
    }

    fn column(&self, f: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(k, _)| *k == f)
            .and_then(|(_, c)| *c)
    }

    fn cell<'r>(&self, row: &'r Row, f: &str) -> Option<&'r Cell> {
        self.column(f).and_then(|i| row.cells.get(i))
    }

    fn text(&self, row: &Row, f: &str) -> String {
        self.cell(row, f)
            .map_or("", |c| c.value.as_str())
            .trim()
            .to_string()
    }

    /// One row: its entry, its name key (for duplicates) and its problems.
    fn read_row(&self, i: usize, row: &Row) -> (Entry, String, Diagnostics) {
        let mut errors = Diagnostics::new();
        self.scan_personal_data(row, &mut errors);
        let no = self.read_no(i, row, &mut errors);
        let name = self.text(row, "full_name");
        if name.is_empty()
            && let Some(c) = self.cell(row, "full_name")
        {
            errors.push(
                Diagnostic::error("thiếu họ và tên")
                    .at(self.table.location(c))
                    .hint("ghi họ tên người thụ hưởng hoặc chủ hộ, hoặc xóa dòng trống"),
            );
        }
        let group = self.read_group(row, &mut errors);
        let (declared, category) = self.read_category(row, &mut errors);
        let written = self.read_amount(row, &mut errors);
        let (from, to) = self.read_dates(row, &mut errors);
        let period = (from.map(Period::start), to.map(Period::end));
        let (amount, monthly, months) = if self.per_month {
            let months = self
                .programme
                .list_months
                .unwrap_or_else(|| months_covered(period.0, period.1));
            let total = written.and_then(|m| m.checked_mul(u64::from(months)));
            if let (Some(m), None) = (written, total) {
                errors.push(
                    Diagnostic::error(format!(
                        "mức {}/tháng × {months} tháng vượt quá số tiền đọc được",
                        format::vnd(m as i64)
                    ))
                    .at(Location::line(&self.table.source, row.row))
                    .hint("kiểm tra lại mức hỗ trợ hằng tháng của dòng này"),
                );
            }
            (total, written, written.map(|_| months))
        } else {
            (written, None, None)
        };
        // A monthly cell is compared with the category's monthly amount itself.
        self.check_category_amount(
            row,
            &declared,
            written,
            if self.per_month { Some(1) } else { None },
            period,
            &mut errors,
        );
        let key = if name.is_empty() {
            String::new()
        } else {
            name_key(&name)
        };
        let entry = Entry {
            no,
            name,
            group,
            category,
            support: self.text(row, "support"),
            amount,
            monthly,
            months,
            from,
            to,
            note: self.text(row, "note"),
        };
        (entry, key, errors)
    }

    /// Scan every published cell, skipping values of repeated columns known clean.
    fn scan_personal_data(&self, row: &Row, errors: &mut Diagnostics) {
        for f in SCANNED {
            let Some(c) = self.cell(row, f) else {
                continue;
            };
            let known_clean = self
                .clean_by_column
                .iter()
                .find(|(col, _)| *col == self.column(f))
                .and_then(|(_, m)| m.get(c.value.as_str()))
                .copied()
                .unwrap_or(false);
            if known_clean {
                continue;
            }
            for hit in privacy::scan_cell(&c.value, self.allow, BIRTH_YEAR_BEFORE) {
                errors.push(
                    Diagnostic::error(hit.message())
                        .at(self.table.location(c))
                        .hint(privacy::Finding::HINT),
                );
            }
        }
    }

    /// The row's STT, or its position in the file when the column is absent or empty.
    fn read_no(&self, i: usize, row: &Row, errors: &mut Diagnostics) -> u64 {
        match self.cell(row, "no") {
            Some(c) if !c.value.trim().is_empty() => match parse_int(&c.value, (self.table, c)) {
                Ok(n) => n,
                Err(d) => {
                    errors.push(d);
                    0
                }
            },
            _ => (i + 1) as u64,
        }
    }

    fn read_group(&self, row: &Row, errors: &mut Diagnostics) -> String {
        let Some(c) = self.cell(row, "group") else {
            return String::new();
        };
        if let Some(g) = self.group_of.get(c.value.as_str()).cloned().flatten() {
            return g;
        }
        let names = &self.groups.names;
        errors.push(
            Diagnostic::error(format!(
                "tổ dân phố, thôn \u{201c}{}\u{201d} không có trong danh sách khu dân cư đã khai báo",
                c.value.trim()
            ))
            .at(self.table.location(c))
            .hint(
                match did_you_mean(&c.value, names.iter().map(String::as_str)) {
                    Some(s) => format!("có phải ý bạn là \u{201c}{s}\u{201d}?"),
                    None => format!("các tổ dân phố: {}", names.join(", ")),
                },
            ),
        );
        String::new()
    }

    /// The row's declared category and its published label ("" when unknown).
    fn read_category(&self, row: &Row, errors: &mut Diagnostics) -> (String, String) {
        let Some(c) = self.cell(row, "category") else {
            return (String::new(), String::new());
        };
        if let Some(k) = self.category_of.get(c.value.as_str()).cloned().flatten() {
            return k;
        }
        let programme = self.programme;
        errors.push(
            Diagnostic::error(format!(
                "diện \u{201c}{}\u{201d} không thuộc chương trình \u{201c}{}\u{201d}",
                c.value.trim(),
                programme.title
            ))
            .at(self.table.location(c))
            .hint(format!(
                "các diện của chương trình: {} (khai báo trong record.categories của {})",
                programme.categories.join(", "),
                crate::diagnostics::display_path(&programme.file)
            )),
        );
        (String::new(), String::new())
    }

    /// A row's amount must equal its category's monthly amount (the programme's
    /// `category_amounts_vnd`) times the months it covers (`months_override`: 1 for a
    /// cell that is already per month).
    fn check_category_amount(
        &self,
        row: &Row,
        declared: &str,
        amount: Option<u64>,
        months_override: Option<u32>,
        period: (Option<NaiveDate>, Option<NaiveDate>),
        errors: &mut Diagnostics,
    ) {
        let (Some(amount), Some(monthly), Some(c)) = (
            amount,
            self.programme.category_amounts.get(declared),
            self.cell(row, "amount_vnd"),
        ) else {
            return;
        };
        let months = months_override.unwrap_or_else(|| {
            self.programme
                .list_months
                .unwrap_or_else(|| months_covered(period.0, period.1))
        });
        let Some(expected) = monthly.checked_mul(u64::from(months)) else {
            return;
        };
        if amount == expected {
            return;
        }
        let how = if months_override.is_some() {
            format!("{}/tháng", format::vnd(*monthly as i64))
        } else if months == 1 {
            format::vnd(*monthly as i64)
        } else {
            format!(
                "{}/tháng × {months} tháng = {}",
                format::vnd(*monthly as i64),
                format::vnd(expected as i64)
            )
        };
        errors.push(
            Diagnostic::error(format!(
                "số tiền {} không khớp mức hỗ trợ của diện \u{201c}{declared}\u{201d}: {how}",
                format::vnd(amount as i64)
            ))
            .at(self.table.location(c))
            .hint(format!(
                "sửa số tiền của dòng này, hoặc sửa diện của dòng; mức của từng diện ghi trong [record.category_amounts_vnd] của {}{}",
                crate::diagnostics::display_path(&self.programme.file),
                if self.programme.list_months.is_none() {
                    "; số tháng tính từ cột Từ ngày, Đến ngày (không có thì là 1 tháng), hoặc ghi months = … trong [record] của danh sách"
                } else {
                    ""
                }
            )),
        );
    }

    fn read_amount(&self, row: &Row, errors: &mut Diagnostics) -> Option<u64> {
        let c = self.cell(row, "amount_vnd")?;
        if c.value.trim().is_empty() {
            return None;
        }
        parse_vnd(&c.value, (self.table, c))
            .map_err(|d| errors.push(d))
            .ok()
    }

    /// `from` and `to` (a date or a month), and `to` not before `from`.
    fn read_dates(&self, row: &Row, errors: &mut Diagnostics) -> (Option<Period>, Option<Period>) {
        let from = self.read_date(row, "from", &self.from_of, errors);
        let to = self.read_date(row, "to", &self.to_of, errors);
        // A month covers all its days: "12/2026" ends on 31/12/2026.
        if let (Some(a), Some(b), Some(c)) = (from, to, self.cell(row, "to"))
            && b.end() < a.start()
        {
            errors.push(
                Diagnostic::error(format!(
                    "thời gian kết thúc {b} trước thời gian bắt đầu {a}"
                ))
                .at(self.table.location(c))
                .hint("kiểm tra lại hai cột Từ ngày, Đến ngày"),
            );
        }
        (from, to)
    }

    fn read_date(
        &self,
        row: &Row,
        f: &str,
        known: &HashMap<&str, Option<Period>>,
        errors: &mut Diagnostics,
    ) -> Option<Period> {
        let c = self.cell(row, f)?;
        if c.value.trim().is_empty() {
            return None;
        }
        match known.get(c.value.as_str()) {
            Some(Some(d)) => Some(*d),
            _ => parse_period(&c.value, (self.table, c))
                .map_err(|d| errors.push(d))
                .ok(),
        }
    }
}

/// Collect each row's problems in file order, and report the same person twice in the
/// same group unless both rows say why.
fn report_duplicates(
    table: &Table,
    checked: Vec<(Entry, String, Diagnostics)>,
    errors: &mut Diagnostics,
) -> Vec<Entry> {
    let mut out = Vec::with_capacity(checked.len());
    let mut seen: HashMap<(String, String, String), (usize, bool)> = HashMap::new();
    // Same name anywhere else (another group or category): first row of each name, and
    // the (first row, this row) pairs, for one summarised warning.
    let mut first_of_name: HashMap<String, usize> = HashMap::new();
    let mut same_names: Vec<(String, usize, usize)> = Vec::new();
    for ((entry, key, row_errors), row) in checked.into_iter().zip(&table.rows) {
        errors.extend(row_errors);
        let (name, group, note) = (&entry.name, &entry.group, &entry.note);
        if !name.is_empty() {
            match first_of_name.get(&key) {
                Some(&first) => same_names.push((name.clone(), first, row.row)),
                None => {
                    first_of_name.insert(key.clone(), row.row);
                }
            }
        }
        if !name.is_empty() && !group.is_empty() {
            // The same person twice in the same group and category: a likely double
            // payment.
            let key = (key, group.clone(), entry.category.clone());
            match seen.get(&key) {
                Some(&(first_row, first_has_note)) => {
                    if is_unexplained_duplicate(first_has_note, !note.is_empty()) {
                        let loc = table.get(row, "full_name").map_or_else(
                            || Location::line(&table.source, row.row),
                            |c| table.location(c),
                        );
                        same_names.retain(|(_, _, r)| *r != row.row);
                        errors.push(
                            Diagnostic::error(format!(
                                "\u{201c}{name}\u{201d} ({group}, diện {}) có hai lần trong danh sách: dòng {first_row} và dòng {} — có thể là chi trả hai lần",
                                entry.category,
                                row.row
                            ))
                            .at(loc)
                            .hint("xóa dòng trùng; nếu đúng là hai lần hỗ trợ, ghi lý do vào cột Ghi chú của cả hai dòng"),
                        );
                    }
                }
                None => {
                    seen.insert(key, (row.row, !note.is_empty()));
                }
            }
        }
        out.push(entry);
    }
    if let Some(w) = same_names_warning(&table.source, &same_names) {
        errors.push(w);
    }
    out
}

/// Rows whose name is shown in the same-names warning.
const SAME_NAMES_SHOWN: usize = 5;

/// Two households with the same name are normal in a long list: one warning per file
/// with the count and the first few pairs of rows, so that staff can look, not fix.
fn same_names_warning(
    source: &std::path::Path,
    pairs: &[(String, usize, usize)],
) -> Option<Diagnostic> {
    let (_, first, _) = pairs.first()?;
    let shown: Vec<String> = pairs
        .iter()
        .take(SAME_NAMES_SHOWN)
        .map(|(n, a, b)| format!("\u{201c}{n}\u{201d} dòng {a} và {b}"))
        .collect();
    let more = if pairs.len() > SAME_NAMES_SHOWN {
        ", …"
    } else {
        ""
    };
    Some(
        Diagnostic::warning(format!(
            "{} dòng có tên trùng với một dòng phía trên (ở tổ khác hoặc diện khác): {}{more}",
            pairs.len(),
            shown.join("; ")
        ))
        .at(Location::line(source, *first))
        .hint(
            "thường là những người khác nhau cùng tên, không cần sửa; hãy xem lại nếu là cùng một người \
             được hỗ trợ hai lần. Cùng tên trong cùng tổ và cùng diện là lỗi",
        ),
    )
}

/// Months a row covers: from its `from` month to its `to` month, both counted; 1 when
/// either is missing.
pub fn months_covered(from: Option<NaiveDate>, to: Option<NaiveDate>) -> u32 {
    use chrono::Datelike;
    match (from, to) {
        (Some(a), Some(b)) => {
            let m = |d: NaiveDate| d.year() * 12 + d.month() as i32;
            u32::try_from(m(b) - m(a) + 1).unwrap_or(1).max(1)
        }
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        // (from, to, months)
        for (from, to, want) in [
            (None, None, 1),
            (d(2026, 7, 1), None, 1),
            (d(2026, 7, 1), d(2026, 12, 1), 6),
            (d(2026, 7, 1), d(2026, 12, 31), 6),
            (d(2026, 1, 1), d(2026, 12, 31), 12),
            (d(2026, 11, 1), d(2027, 2, 28), 4),
            (d(2026, 7, 1), d(2026, 7, 31), 1),
            (d(2026, 12, 1), d(2026, 7, 1), 1),
        ] {
            assert_eq!(months_covered(from, to), want, "{from:?} {to:?}");
        }
    }
}
