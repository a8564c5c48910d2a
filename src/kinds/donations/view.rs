//! View: the typed `page.record` of a donations page, and its downloads (two CSV tables
//! and one JSON file with raw values).

use serde::Serialize;

use super::check::{by_date, totals_by_form};
use super::load::{Given, Resource};
use crate::diagnostics::Diagnostics;
use crate::format;
use crate::kinds::Download;
use crate::kinds::columns::Column;
use crate::kinds::files::TableFiles;

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
    /// Site path of the A4 print view (`…/in/`); "" inside the print view itself.
    pub print_path: String,
}

/// `page.record` of the donations ledger's A4 print view (`kinds/donations_print.html`):
/// every [`DonationsView`] field, the QR code and the published CSVs' checksums.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct DonationsPrintView {
    /// The ledger's fields, inlined.
    #[serde(flatten)]
    pub ledger: DonationsView,
    /// QR code (`<svg>`) of the screen page's address.
    pub qr: String,
    /// Site path of the screen page.
    pub screen_path: String,
    /// SHA-256 of each published CSV, so anyone can check a download matches the sheet.
    pub checksums: Vec<Checksum>,
}

/// The SHA-256 of one published file.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Checksum {
    /// The download's title (`Hỗ trợ đã trao (CSV)`).
    pub title: String,
    /// File name next to the page (`ho-tro-da-trao.csv`).
    pub file_name: String,
    /// SHA-256, hex.
    pub sha256: String,
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
        print_path: String::new(),
    }
}

/// Columns of `nguon-luc.csv` / `.json`, in the order of [`resource_rows`].
pub(crate) const RESOURCE_COLUMNS: &[Column] = &[
    Column::text(
        "Mã nguồn",
        "Mã của khoản đã nhận; các khoản hỗ trợ đã trao ghi mã này.",
    )
    .required(),
    Column::date("Ngày nhận", "Ngày Ủy ban nhân dân nhận khoản đóng góp.").required(),
    Column::text(
        "Người, đơn vị đóng góp",
        "Cá nhân hoặc tổ chức đã đóng góp.",
    )
    .required(),
    Column::text("Hình thức", "Tiền mặt hay hiện vật.")
        .required()
        .one_of(&["Tiền mặt", "Hiện vật"]),
    Column::text("Nội dung", "Khoản đóng góp gồm những gì."),
    Column::count(
        "Giá trị",
        "Giá trị khoản đóng góp (hiện vật được quy ra tiền).",
    )
    .unit("đồng")
    .required(),
];

/// Columns of `ho-tro-da-trao.csv` / `.json`, in the order of [`given_rows`].
pub(crate) const GIVEN_COLUMNS: &[Column] = &[
    Column::date("Ngày trao", "Ngày trao hỗ trợ.").required(),
    Column::text("Người, hộ nhận", "Người hoặc hộ nhận hỗ trợ.").required(),
    Column::text("Tổ dân phố", "Tổ dân phố của người, hộ nhận."),
    Column::text(
        "Loại hỗ trợ",
        "Hình thức hỗ trợ theo danh sách của đơn vị (mặc định năm hình thức: hỗ trợ khẩn cấp, sinh kế, giáo dục, hạ tầng, tinh thần).",
    )
    .required(),
    Column::text("Nội dung", "Hỗ trợ gồm những gì."),
    Column::count("Giá trị", "Giá trị khoản hỗ trợ.")
        .unit("đồng")
        .required(),
    Column::text("Mã nguồn", "Mã của khoản đã nhận mà hỗ trợ này lấy từ đó.").required(),
];

/// The downloads: resources and support given, each as CSV and JSON (the JSON file of
/// both tables with English keys, `nguon-luc-va-ho-tro.json`, is replaced by these two).
pub(super) fn downloads(
    resources: &[Resource],
    given: &[Given],
) -> Result<Vec<Download>, Diagnostics> {
    let sorted = by_date(given);
    let mut out: Vec<Download> = RESOURCES_TABLE.downloads(&resource_rows(resources)).into();
    out.extend(GIVEN_TABLE.downloads(&given_rows(&sorted)));
    Ok(out)
}

pub(super) const RESOURCES_TABLE: TableFiles<'static> = TableFiles {
    stem: "nguon-luc",
    title: "Nguồn lực đã nhận",
    description: "Mỗi dòng là một khoản đóng góp Ủy ban nhân dân đã nhận: ngày, người hoặc đơn vị đóng góp, tiền mặt hay hiện vật, giá trị (đồng).",
    columns: RESOURCE_COLUMNS,
    key: Some("Mã nguồn"),
    unique_key: true,
};

pub(super) const GIVEN_TABLE: TableFiles<'static> = TableFiles {
    stem: "ho-tro-da-trao",
    title: "Hỗ trợ đã trao",
    description: "Mỗi dòng là một khoản hỗ trợ đã trao, theo ngày: người hoặc hộ nhận, tổ dân phố, loại hỗ trợ, giá trị (đồng) và mã khoản đóng góp đã dùng.",
    columns: GIVEN_COLUMNS,
    key: None,
    unique_key: false,
};

/// Rows of `nguon-luc.csv`, in the table's order.
fn resource_rows(resources: &[Resource]) -> Vec<Vec<String>> {
    resources
        .iter()
        .map(|r| {
            vec![
                r.code.clone(),
                r.date.to_string(),
                r.donor.clone(),
                if r.cash {
                    "Tiền mặt"
                } else {
                    "Hiện vật"
                }
                .to_string(),
                r.description.clone(),
                r.value.to_string(),
            ]
        })
        .collect()
}

/// Rows of `ho-tro-da-trao.csv`, in ledger order.
fn given_rows(sorted: &[&Given]) -> Vec<Vec<String>> {
    sorted
        .iter()
        .map(|g| {
            vec![
                g.date.to_string(),
                g.recipient.clone(),
                g.group.clone(),
                g.form.to_string(),
                g.description.clone(),
                g.value.to_string(),
                g.resource.clone(),
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
        for t in [RESOURCES_TABLE, GIVEN_TABLE] {
            let row: Vec<String> = t.columns.iter().map(|_| "a,\"b\"".to_string()).collect();
            for d in t.downloads(&[row]) {
                assert_table(&d);
            }
        }
        assert!(resource_rows(&[]).is_empty());
    }
}
