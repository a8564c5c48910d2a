//! Check: the arithmetic of a ledger without a fund of its own — support given never
//! exceeds the resource it came from, nor comes before it — and the totals.

use std::collections::BTreeMap;

use super::load::{Given, Resource};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::format;

/// Balance per resource; support given never exceeds what the resource received, and
/// (running balance by date) is never given before the resource was received. Returns
/// what was used of each resource, parallel to `resources`.
pub fn check_balances(
    resources: &[Resource],
    given: &[Given],
    errors: &mut Diagnostics,
) -> Vec<u64> {
    let mut used = vec![0u64; resources.len()];
    for g in by_date(given) {
        let Some(i) = resources.iter().position(|r| r.code == g.resource) else {
            continue;
        };
        let r = &resources[i];
        if g.date < r.date {
            errors.push(
                Diagnostic::error(format!(
                    "hỗ trợ ngày {} lấy từ nguồn {} nhưng nguồn này nhận ngày {}",
                    format::date_short(g.date),
                    r.code,
                    format::date_short(r.date)
                ))
                .at(g.loc.clone())
                .hint("kiểm tra ngày hỗ trợ hoặc mã nguồn"),
            );
        }
        used[i] += g.value;
        if used[i] > r.value {
            errors.push(
                Diagnostic::error(format!(
                    "nguồn {} ({}) chỉ có {}; tính đến ngày {} đã chi {}, vượt {}",
                    r.code,
                    if r.cash { "tiền mặt" } else { "hiện vật" },
                    format::vnd(r.value as i64),
                    format::date_short(g.date),
                    format::vnd(used[i] as i64),
                    format::vnd((used[i] - r.value) as i64)
                ))
                .at(g.loc.clone())
                .hint("ghi đúng nguồn của khoản hỗ trợ này, hoặc bổ sung khoản nhận vào bảng nguồn lực"),
            );
        }
    }
    used
}

/// Support given in date order (ties in row order): the ledger's running order.
pub fn by_date(given: &[Given]) -> Vec<&Given> {
    let mut order: Vec<&Given> = given.iter().collect();
    order.sort_by_key(|g| (g.date, g.row));
    order
}

/// Number of supports and their value per form, ordered by form label.
pub fn totals_by_form(given: &[Given]) -> BTreeMap<&str, (u64, u64)> {
    let mut by_form: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for g in given {
        let e = by_form.entry(g.form.as_str()).or_default();
        e.0 += 1;
        e.1 += g.value;
    }
    by_form
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Location;
    use chrono::NaiveDate;

    fn res(code: &str, date: &str, value: u64) -> Resource {
        Resource {
            code: code.into(),
            date: date.parse().unwrap_or_default(),
            donor: String::new(),
            cash: true,
            description: String::new(),
            value,
            row: 2,
        }
    }

    fn given(code: &str, date: &str, value: u64, row: usize) -> Given {
        given_as(code, date, value, row, "Hỗ trợ khẩn cấp")
    }

    fn given_as(code: &str, date: &str, value: u64, row: usize, form: &'static str) -> Given {
        Given {
            date: date.parse().unwrap_or_default(),
            recipient: String::new(),
            group: String::new(),
            form: form.to_string(),
            description: String::new(),
            value,
            resource: code.into(),
            row,
            loc: Location::line("g.csv", row),
        }
    }

    #[test]
    fn balances_table() {
        let r = vec![res("N1", "2026-07-01", 1_000_000)];
        // (given rows, errors expected, used)
        let cases: Vec<(Vec<Given>, usize, u64)> = vec![
            (vec![given("N1", "2026-07-02", 1_000_000, 2)], 0, 1_000_000),
            (vec![given("N1", "2026-07-02", 1_000_001, 2)], 1, 1_000_001),
            (
                vec![
                    given("N1", "2026-07-02", 600_000, 2),
                    given("N1", "2026-07-03", 400_000, 3),
                ],
                0,
                1_000_000,
            ),
            (
                vec![
                    given("N1", "2026-07-02", 600_000, 2),
                    given("N1", "2026-07-03", 400_001, 3),
                ],
                1,
                1_000_001,
            ),
            (vec![given("N1", "2026-06-30", 1, 2)], 1, 1),
            (vec![given("N9", "2026-07-02", 5, 2)], 0, 0),
        ];
        for (g, want, want_used) in cases {
            let mut e = Diagnostics::new();
            let used = check_balances(&r, &g, &mut e);
            assert_eq!(e.error_count(), want, "{g:?}");
            assert_eq!(used, vec![want_used], "{g:?}");
        }
    }

    #[test]
    fn ledger_order_is_date_then_row() {
        let g = vec![
            given("N1", "2026-07-03", 1, 2),
            given("N1", "2026-07-02", 2, 5),
            given("N1", "2026-07-02", 3, 4),
        ];
        let rows: Vec<usize> = by_date(&g).iter().map(|g| g.row).collect();
        assert_eq!(rows, vec![4, 5, 2]);
        let d = NaiveDate::from_ymd_opt(2026, 7, 2);
        assert_eq!(by_date(&g).first().map(|g| g.date), d);
    }

    #[test]
    fn totals_per_form() {
        let g = vec![
            given_as("N1", "2026-07-02", 100, 2, "Hỗ trợ sinh kế"),
            given_as("N1", "2026-07-02", 50, 3, "Hỗ trợ khẩn cấp"),
            given_as("N1", "2026-07-03", 25, 4, "Hỗ trợ sinh kế"),
        ];
        let totals: Vec<_> = totals_by_form(&g).into_iter().collect();
        assert_eq!(
            totals,
            vec![("Hỗ trợ khẩn cấp", (1, 50)), ("Hỗ trợ sinh kế", (2, 125))]
        );
    }
}
