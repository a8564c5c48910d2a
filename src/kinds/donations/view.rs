//! View: the typed `page.record` of a donations page, and its downloads (two CSV tables
//! and one JSON file with raw values).

use serde::Serialize;

use super::check::{by_date, totals_by_form};
use super::load::{Given, Resource};
use crate::diagnostics::Diagnostics;
use crate::format;
use crate::kinds::{Download, to_record};

/// `page.record` of a donations page (`kinds/donations.html`). Amounts are formatted for
/// citizens, `1.500.000 đ` (with a no-break space before `đ`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DonationsView {
    /// Resources received, in the table's order.
    pub resources: Vec<ResourceView>,
    /// Support given, by date (ties in the table's order).
    pub given: Vec<GivenView>,
    /// Totals per form of support, ordered by form.
    pub forms: Vec<FormTotal>,
    /// Total value received.
    pub received: String,
    /// Total value given.
    pub spent: String,
    /// Received minus given (never below zero).
    pub balance: String,
}

/// A resource received and what is left of it.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ResourceView {
    /// Code, `N01`.
    pub code: String,
    /// Date received, `01/07/2026`.
    pub date: String,
    /// Person or organisation who gave it.
    pub donor: String,
    /// `Tiền mặt` (cash) or `Hiện vật` (in kind).
    pub kind: String,
    /// What was received, or empty.
    pub description: String,
    /// Value received.
    pub value: String,
    /// Value given from it so far.
    pub used: String,
    /// Value left.
    pub balance: String,
}

/// A support given.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct GivenView {
    /// Date given, `02/07/2026`.
    pub date: String,
    /// Household or activity supported.
    pub recipient: String,
    /// Residential group, canonical name.
    pub group: String,
    /// Form of support, `Hỗ trợ khẩn cấp`.
    pub form: String,
    /// What was given, or empty.
    pub description: String,
    /// Value given.
    pub value: String,
    /// Code of the resource it came from.
    pub resource: String,
}

/// How much was given in one form.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FormTotal {
    /// Form of support, `Hỗ trợ sinh kế`.
    pub form: String,
    /// Number of supports given.
    pub count: u64,
    /// Their total value.
    pub value: String,
}

fn vnd(v: u64) -> String {
    format::vnd(v as i64)
}

fn kind_label(r: &Resource) -> &'static str {
    if r.cash {
        "Tiền mặt"
    } else {
        "Hiện vật"
    }
}

/// Machine name of a resource's kind in downloads.
fn kind_key(r: &Resource) -> &'static str {
    if r.cash { "cash" } else { "in_kind" }
}

/// The page's record; `used` is parallel to `resources` (from the balance check).
pub(super) fn donations_view(
    resources: &[Resource],
    given: &[Given],
    used: &[u64],
) -> DonationsView {
    let received: u64 = resources.iter().map(|r| r.value).sum();
    let spent: u64 = given.iter().map(|g| g.value).sum();
    DonationsView {
        resources: resources
            .iter()
            .zip(used)
            .map(|(r, u)| ResourceView {
                code: r.code.clone(),
                date: format::date_short(r.date),
                donor: r.donor.clone(),
                kind: kind_label(r).to_string(),
                description: r.description.clone(),
                value: vnd(r.value),
                used: vnd(*u),
                balance: vnd(r.value.saturating_sub(*u)),
            })
            .collect(),
        given: by_date(given)
            .into_iter()
            .map(|g| GivenView {
                date: format::date_short(g.date),
                recipient: g.recipient.clone(),
                group: g.group.clone(),
                form: g.form.to_string(),
                description: g.description.clone(),
                value: vnd(g.value),
                resource: g.resource.clone(),
            })
            .collect(),
        forms: totals_by_form(given)
            .into_iter()
            .map(|(form, (count, value))| FormTotal {
                form: form.to_string(),
                count,
                value: vnd(value),
            })
            .collect(),
        received: vnd(received),
        spent: vnd(spent),
        balance: vnd(received - spent.min(received)),
    }
}

/// `nguon-luc-va-ho-tro.json`: both tables with raw values (ISO dates, đồng).
#[derive(Debug, Serialize)]
struct LedgerJson<'a> {
    resources: Vec<ResourceJson<'a>>,
    given: Vec<GivenJson<'a>>,
}

#[derive(Debug, Serialize)]
struct ResourceJson<'a> {
    code: &'a str,
    date: String,
    donor: &'a str,
    kind: &'a str,
    description: &'a str,
    value_vnd: u64,
}

#[derive(Debug, Serialize)]
struct GivenJson<'a> {
    date: String,
    recipient: &'a str,
    group: &'a str,
    form: &'a str,
    description: &'a str,
    value_vnd: u64,
    resource: &'a str,
}

/// The three downloads: resources CSV, support given CSV, both as JSON.
pub(super) fn downloads(
    resources: &[Resource],
    given: &[Given],
) -> Result<Vec<Download>, Diagnostics> {
    let sorted = by_date(given);
    Ok(vec![
        Download {
            file_name: "nguon-luc.csv".into(),
            title: "Nguồn lực đã nhận (CSV)".into(),
            format: "CSV".into(),
            bytes: resources_csv(resources).into_bytes(),
            key_column: Some("code".into()),
        },
        Download {
            file_name: "ho-tro-da-trao.csv".into(),
            title: "Hỗ trợ đã trao (CSV)".into(),
            format: "CSV".into(),
            bytes: given_csv(&sorted).into_bytes(),
            key_column: None,
        },
        Download {
            file_name: "nguon-luc-va-ho-tro.json".into(),
            title: "Nguồn lực và hỗ trợ (JSON)".into(),
            format: "JSON".into(),
            bytes: ledger_json(resources, &sorted)?,
            key_column: None,
        },
    ])
}

/// `nguon-luc.csv`, with a byte order mark for spreadsheet apps.
fn resources_csv(resources: &[Resource]) -> String {
    let mut out = String::from("\u{feff}code,date,donor,kind,description,value_vnd\r\n");
    for r in resources {
        out.push_str(&csv_line(&[
            &r.code,
            &r.date.to_string(),
            &r.donor,
            kind_key(r),
            &r.description,
            &r.value.to_string(),
        ]));
    }
    out
}

/// `ho-tro-da-trao.csv`, in ledger order, with a byte order mark.
fn given_csv(sorted: &[&Given]) -> String {
    let mut out =
        String::from("\u{feff}date,recipient,group,form,description,value_vnd,resource\r\n");
    for g in sorted {
        out.push_str(&csv_line(&[
            &g.date.to_string(),
            &g.recipient,
            &g.group,
            g.form,
            &g.description,
            &g.value.to_string(),
            &g.resource,
        ]));
    }
    out
}

/// `nguon-luc-va-ho-tro.json`, pretty-printed.
fn ledger_json(resources: &[Resource], sorted: &[&Given]) -> Result<Vec<u8>, Diagnostics> {
    let ledger = LedgerJson {
        resources: resources
            .iter()
            .map(|r| ResourceJson {
                code: &r.code,
                date: r.date.to_string(),
                donor: &r.donor,
                kind: kind_key(r),
                description: &r.description,
                value_vnd: r.value,
            })
            .collect(),
        given: sorted
            .iter()
            .map(|g| GivenJson {
                date: g.date.to_string(),
                recipient: &g.recipient,
                group: &g.group,
                form: g.form,
                description: &g.description,
                value_vnd: g.value,
                resource: &g.resource,
            })
            .collect(),
    };
    // Through a JSON value, whose maps sort their keys: the file's bytes do not depend on
    // the order of the struct fields.
    Ok(serde_json::to_vec_pretty(&to_record(&ledger)?).unwrap_or_default())
}

/// One CSV line (RFC 4180 quoting, CRLF).
fn csv_line(vals: &[&str]) -> String {
    let mut s = vals
        .iter()
        .map(|v| {
            if v.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", v.replace('"', "\"\""))
            } else {
                v.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    s.push_str("\r\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        for (vals, want) in [
            (vec!["a", "b"], "a,b\r\n"),
            (vec!["a,b", "c"], "\"a,b\",c\r\n"),
            (vec!["say \"hi\""], "\"say \"\"hi\"\"\"\r\n"),
            (vec!["two\nlines", ""], "\"two\nlines\",\r\n"),
        ] {
            assert_eq!(csv_line(&vals), want, "{vals:?}");
        }
    }
}
