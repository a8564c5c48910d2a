//! Donations and support given (mô hình "An sinh cộng đồng", seed 002): what the
//! community received (cash or in kind) and where each resource went. Law 10/2022/QH15
//! Art. 11 requires relief and donations to be public; the model has no fund of its own,
//! so every support given names the resource it came from and may never exceed it.
//!
//! Inner shape: `load` (two tables → [`Resource`]s and [`Given`]s, privacy-screened) →
//! `check` (balances, totals) → `view` (the typed `page.record` and downloads).

mod check;
pub(crate) mod load;
mod view;

/// The tables this kind publishes (file stem, columns), for docs/open-data.md.
pub const TABLES: &[(&str, &[crate::kinds::columns::Column])] = &[
    ("nguon-luc", view::RESOURCE_COLUMNS),
    ("ho-tro-da-trao", view::GIVEN_COLUMNS),
];

pub use check::{by_date, check_balances, totals_by_form};
pub use load::{
    FORMS, GIVEN_FIELDS, Given, RESOURCE_FIELDS, Resource, form_of, is_cash, read_given,
    read_resources,
};
pub use view::{DonationsView, FormTotal, GivenView, ResourceView};

use super::{KindContext, RecordInput, RecordKind, RecordOutput, SubPage, ViewDoc, to_record};

/// Template of the donations ledger's A4 print view (`…/in/`).
pub const PRINT_TEMPLATE: &str = "kinds/donations_print.html";
use crate::diagnostics::Diagnostics;

pub struct Donations;

impl RecordKind for Donations {
    fn name(&self) -> &'static str {
        "donations"
    }

    fn label(&self) -> &'static str {
        "Nguồn lực và hỗ trợ"
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let allow = &ctx.config.privacy_allow();
        let tables = load::load_tables(input, ctx)?;
        let mut errors = Diagnostics::new();
        let resources = read_resources(&tables.resources, allow, &mut errors);
        let given = read_given(
            &tables.given,
            &tables.groups,
            &resources,
            allow,
            &ctx.config.vocabulary,
            &mut errors,
        );
        if errors.has_errors() {
            return Err(errors);
        }
        let used = check_balances(&resources, &given, &mut errors);
        if errors.has_errors() {
            return Err(errors);
        }
        let warnings = tables
            .resources
            .warnings
            .iter()
            .chain(&tables.given.warnings);
        let mut downloads = view::downloads(&resources, &given)?;
        let unit_title = crate::kinds::columns::residential_title(&ctx.config.words());
        for d in &mut downloads {
            crate::kinds::columns::follow_units(d, unit_title);
        }
        let base = input.path.trim_end_matches('/');
        let mut record = view::donations_view(&resources, &given, &used);
        record.print_path = format!("{base}/in/");
        // The A4 ledger posted at the nhà văn hóa: the same tables, a QR code to this
        // page and the SHA-256 of each published CSV, as a list's print view has.
        let print = view::DonationsPrintView {
            qr: super::page_qr(ctx.config, &format!("{base}/"), input.title),
            screen_path: format!("{base}/"),
            checksums: downloads
                .iter()
                .filter(|d| d.format == "CSV")
                .map(|d| view::Checksum {
                    title: d.title.clone(),
                    file_name: d.file_name.clone(),
                    sha256: crate::digest::sha256_hex(&d.bytes),
                })
                .collect(),
            ledger: view::donations_view(&resources, &given, &used),
        };
        let subpages = vec![SubPage {
            path: format!("{base}/in/"),
            title: format!("{} – bản in", input.title),
            template: PRINT_TEMPLATE.to_string(),
            record: to_record(&print)?,
            search_text: String::new(),
            indexable: false,
        }];
        Ok(RecordOutput {
            record: to_record(&record)?,
            warnings: Diagnostics::from_vec(warnings.cloned().collect()),
            subpages,
            downloads,
            search_text: String::new(),
            noindex: !ctx.config.privacy.index_lists,
            personal_data: true,
            ..Default::default()
        })
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![
            ViewDoc::of::<DonationsView>(self.template()),
            ViewDoc::of::<view::DonationsPrintView>(PRINT_TEMPLATE),
        ]
    }
}
