//! The template contract of a beneficiary list: `page.record` of
//! `kinds/beneficiary_list.html` ([`ListView`]), and of each group page
//! (`kinds/beneficiary_list_group.html`) and print view
//! (`kinds/beneficiary_list_print.html`) ([`ListPageView`]).

use schemars::JsonSchema;
use serde::Serialize;

use super::check::Tally;
use super::load::HEADINGS;
use crate::format;

/// `page.record` of the list's own page.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListView {
    /// The list and its programme.
    pub list: ListInfo,
    /// Totals per group, in the ward's group order, each linking to its page.
    pub groups: Vec<TallyView>,
    /// Totals per category, in the programme's order.
    pub categories: Vec<TallyView>,
    /// The published columns, in order.
    pub columns: Vec<ColumnView>,
    /// The whole list's `<tr>` rows when it is short enough to show inline (else "");
    /// insert unescaped into `kinds/beneficiary_list_table.html`.
    pub rows_html: String,
    /// The list is shown in full on this page.
    pub inline: bool,
    /// Site path of the whole list's print view.
    pub print_path: String,
    /// Entries in the list (integer).
    pub row_count: usize,
    /// Address of the list-wide name lookup's data (`tra-cuu-ten.json`) when the list is
    /// too long to show inline (the inline table has its own filter), else `null`.
    pub lookup_url: Option<String>,
}

/// A page of a group's list, or a print view (a group's page, or the whole list's
/// cover). Fields marked "absent" are left out, not `null`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListPageView {
    /// The list and its programme.
    pub list: ListInfo,
    /// The group's name; `null` on the whole list's print view.
    pub group: Option<String>,
    /// The group's totals; absent on the whole list's print view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_total: Option<TallyView>,
    /// Totals per group; only on the whole list's print view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<TallyView>>,
    /// Totals per category (of the group, or of the list).
    pub categories: Vec<TallyView>,
    /// The columns shown (without the group column on a group's page).
    pub columns: Vec<ColumnView>,
    /// This page's `<tr>` rows; insert unescaped. "" on a cover-only print view.
    pub rows_html: String,
    /// The whole list's print view shows only the totals (the list is too long);
    /// only on that view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_only: Option<bool>,
    /// This page's number, from 1 (integer).
    pub page_number: usize,
    /// Pages of the group's list (integer).
    pub page_count: usize,
    /// Every page of the group's list; absent on the whole list's print view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<PageLink>>,
    /// STT of this page's first entry (integer); absent on the whole list's print view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_no: Option<u64>,
    /// STT of this page's last entry (integer); absent on the whole list's print view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_no: Option<u64>,
    /// Site path of this page's print view.
    pub print_path: String,
    /// Site path of the screen page.
    pub screen_path: String,
    /// QR code (`<svg>`) of the screen page's address on print views, else "".
    pub qr: String,
    /// Print views only: the printed columns and the A4 sheets, each printed page with
    /// its own head, "Trang k/n", QR code and SHA-256.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub print: Option<super::sheets::Layout>,
}

/// The list and its programme, the same on every page.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ListInfo {
    /// The programme the list belongs to.
    pub programme: ProgrammeLink,
    /// The list page's title.
    pub title: String,
    /// Absolute URL of the list page.
    pub list_url: String,
    /// SHA-256 (hex) of the published `danh-sach.csv`, printed on the posted sheet.
    pub sha256: String,
    /// The list has an amount column.
    pub has_amount: bool,
    /// Names are shown as initials (`N. V. A.`).
    pub names_abbreviated: bool,
    /// Totals of the whole list, labelled `Tổng cộng`.
    pub total: TallyView,
    /// Neutral labels (`Diện hỗ trợ đặc thù`) that stand for categories naming sensitive
    /// personal data (health, disability, ethnicity, religion) in this list; empty when none.
    pub neutral_labels: Vec<String>,
    /// The legal basis for naming sensitive categories in this list, or null.
    pub category_legal_basis: Option<String>,
}

/// The programme a list belongs to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ProgrammeLink {
    /// Programme title.
    pub title: String,
    /// Site path of the programme's page.
    pub path: String,
    /// Absolute URL of the programme's page.
    pub url: String,
    /// The programme's legal basis, as written.
    pub legal_basis: String,
}

/// Count and amount of a set of entries (a group, a category, the list).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TallyView {
    /// Group name, category name, or `Tổng cộng`.
    pub label: String,
    /// Entries (integer).
    pub count: u64,
    /// Entries, formatted `1.234`.
    pub count_text: String,
    /// Sum of amounts in đồng (integer).
    pub amount: u64,
    /// Sum of amounts, formatted `1.500.000 đ`.
    pub amount_text: String,
    /// Site path of the group's page; `null` for categories and totals.
    pub url: Option<String>,
}

impl TallyView {
    pub fn of(label: &str, t: &Tally, url: Option<String>) -> TallyView {
        TallyView {
            label: label.to_string(),
            count: t.count,
            count_text: format::number(t.count as i64),
            amount: t.amount,
            amount_text: format::vnd(t.amount as i64),
            url,
        }
    }
}

/// A published column.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ColumnView {
    /// Field name (`full_name`, `amount_vnd`…).
    pub field: &'static str,
    /// Heading shown (`Họ và tên`).
    pub heading: &'static str,
}

impl ColumnView {
    pub fn of(field: &'static str) -> ColumnView {
        ColumnView {
            field,
            heading: HEADINGS
                .iter()
                .find(|(k, _)| *k == field)
                .map_or(field, |(_, h)| *h),
        }
    }
}

/// One page of a group's list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct PageLink {
    /// Page number, from 1 (integer).
    pub number: usize,
    /// Site path of the page.
    pub path: String,
}
