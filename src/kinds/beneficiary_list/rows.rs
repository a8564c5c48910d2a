//! The `<tr>` rows of a list's tables, written here rather than in a template (see
//! [`rows_html`]).

use super::entries::Entry;
use crate::format;
use crate::privacy::NameDisplay;

/// The `<tr>` rows of a list table, one per entry, in the columns `fields`.
///
/// Speed (`benches/beneficiaries.sh`, 100,000 rows; docs/benchmarks.md): rendered here
/// rather than in a template: a 100,000-row list is 200,000 rows across
/// its screen and print pages, and a Tera loop costs several microseconds a row and a
/// JSON object per row kept until rendering. The markup is fixed (the name cell is the
/// row header, number cells are right-aligned); the table around it, its caption and
/// its headings stay in `kinds/beneficiary_list_table.html`.
pub fn rows_html<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    fields: &[&str],
    names: NameDisplay,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for e in entries {
        out.push_str("<tr>");
        for f in fields {
            match *f {
                "no" => {
                    let _ = write!(out, "<td class=\"num\">{}</td>", e.no);
                }
                "full_name" => {
                    out.push_str("<th scope=\"row\">");
                    push_escaped(&mut out, &names.apply(&e.name));
                    out.push_str("</th>");
                }
                "amount_vnd" | "monthly_vnd" => {
                    out.push_str("<td class=\"num\">");
                    let a = if *f == "amount_vnd" {
                        e.amount
                    } else {
                        e.monthly
                    };
                    if let Some(a) = a {
                        out.push_str(&format::vnd(a as i64));
                    }
                    out.push_str("</td>");
                }
                "months" => {
                    out.push_str("<td class=\"num\">");
                    if let Some(m) = e.months {
                        let _ = write!(out, "{m}");
                    }
                    out.push_str("</td>");
                }
                "from" | "to" | "from_month" | "to_month" => {
                    out.push_str("<td>");
                    let d = if f.starts_with("from") { e.from } else { e.to };
                    // A day as 10/06/2026, a month as 12/2026.
                    if let Some(d) = d {
                        out.push_str(&d.to_string());
                    }
                    out.push_str("</td>");
                }
                other => {
                    out.push_str("<td>");
                    push_escaped(
                        &mut out,
                        match other {
                            "group" => &e.group,
                            "category" => &e.category,
                            "support" => &e.support,
                            _ => &e.note,
                        },
                    );
                    out.push_str("</td>");
                }
            }
        }
        out.push_str("</tr>");
    }
    out
}

/// Append `s` escaped for HTML text, as Tera's autoescape does.
fn push_escaped(out: &mut String, s: &str) {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        out.push_str(s);
    } else {
        out.push_str(&crate::text::escape_html(s));
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn rows_html_escapes_and_follows_columns() {
        let e = Entry {
            no: 7,
            name: "Nguyễn Văn <An>".into(),
            group: "Tổ dân phố số 1".into(),
            category: "Hộ nghèo".into(),
            support: "Tiền & gạo".into(),
            amount: Some(1_500_000),
            monthly: None,
            months: None,
            from: NaiveDate::from_ymd_opt(2026, 7, 1).map(crate::data::Period::Day),
            to: None,
            note: "\"x\"".into(),
        };
        let fields = [
            "no",
            "full_name",
            "amount_vnd",
            "from",
            "to",
            "support",
            "note",
        ];
        assert_eq!(
            rows_html([&e], &fields, NameDisplay::Full),
            "<tr><td class=\"num\">7</td><th scope=\"row\">Nguyễn Văn &lt;An&gt;</th>\
             <td class=\"num\">1.500.000\u{a0}đ</td><td>01/07/2026</td><td></td>\
             <td>Tiền &amp; gạo</td><td>&quot;x&quot;</td></tr>"
        );
        // Initials policy applies to the name cell; the group column can be left out.
        let html = rows_html([&e], &["full_name", "category"], NameDisplay::Initials);
        assert!(html.starts_with("<tr><th scope=\"row\">N. V. "), "{html}");
        assert!(html.ends_with("<td>Hộ nghèo</td></tr>"), "{html}");
        assert!(!html.contains("Tổ dân phố"));
    }
}
