//! Beneficiary lists (danh sách đối tượng thụ hưởng): who receives a programme's
//! support. The law requires the list to be public (Law 10/2022/QH15 Art. 11); the Law on
//! Personal Data Protection 91/2025/QH15 forbids publishing more than needed. So:
//! only whitelisted columns ([`FIELDS`]) are published; columns declared `private` are
//! dropped by the loader; columns that name identifiers or sensitive data can never be
//! published; every cell is scanned for ID/phone numbers, e-mails and birth dates.
//!
//! Output: the list page (totals by group and category, links), one page per group
//! (paginated when long), an A4 print view of the list and of each group page (QR code,
//! SHA-256 of the published CSV), CSV and JSON downloads. Lists are `noindex`.
//!
//! load ([`load`], [`entries`]) → check ([`check`]) → view ([`view`], [`pages`],
//! [`rows`], [`downloads`]).

pub mod check;
pub mod downloads;
pub mod entries;
pub mod load;
pub mod pages;
pub mod rows;
pub mod sheets;
pub mod view;

use super::{Download, KindContext, RecordInput, RecordKind, RecordOutput, ViewDoc, to_record};
use crate::diagnostics::Diagnostics;
use crate::privacy::NameDisplay;
use load::ListData;
use pages::{BuiltPages, ListPages, PRINT_TEMPLATE};
use view::{ListInfo, ListPageView, ListView, ProgrammeLink, TallyView};

pub struct BeneficiaryList;

/// Households keep their name and group between versions; their STT does not.
const HISTORY_KEY: &str = "Họ và tên+Tổ dân phố";

impl RecordKind for BeneficiaryList {
    fn name(&self) -> &'static str {
        "beneficiary_list"
    }

    fn label(&self) -> &'static str {
        "Danh sách thụ hưởng"
    }

    fn views(&self) -> Vec<ViewDoc> {
        vec![
            ViewDoc::of::<ListView>(self.template()),
            ViewDoc::of::<ListPageView>(pages::GROUP_TEMPLATE),
            ViewDoc::of::<ListPageView>(PRINT_TEMPLATE),
        ]
    }

    fn build(&self, input: &RecordInput, ctx: &KindContext) -> Result<RecordOutput, Diagnostics> {
        let data = load::load(input, ctx)?;
        let t = std::time::Instant::now();
        let out = assemble(input, ctx, data)?;
        crate::timing::phase("beneficiary list: pages and downloads", t);
        Ok(out)
    }
}

fn assemble(
    input: &RecordInput,
    ctx: &KindContext,
    data: ListData,
) -> Result<RecordOutput, Diagnostics> {
    let cfg = ctx.config;
    let t = std::time::Instant::now();
    let (csv, json) = downloads::downloads(&data.entries, &data.fields, data.names);
    // The residential column's title follows the site's units, before the hash below.
    let unit_title = crate::kinds::columns::residential_title(&cfg.words());
    let csv = crate::kinds::columns::rename_csv_header(
        csv,
        crate::kinds::columns::RESIDENTIAL_TITLE,
        unit_title,
    );
    // The same hash the manifest records for danh-sach.csv; printed on the posted sheet.
    let sha256 = crate::digest::sha256_hex(&csv);
    crate::timing::phase("beneficiary list: downloads", t);
    let base = input.path.trim_end_matches('/').to_string();
    let base_path = base.clone();
    let programme = &data.programme;
    let all = data
        .entries
        .iter()
        .fold(check::Tally::default(), |mut t, e| {
            t.add(e);
            t
        });
    let info = ListInfo {
        programme: ProgrammeLink {
            title: programme.title.clone(),
            path: programme.path.clone(),
            url: cfg.permalink(&programme.path),
            legal_basis: programme.legal_basis.clone(),
        },
        title: input.title.to_string(),
        list_url: cfg.permalink(&format!("{base}/")),
        sha256,
        has_amount: data.fields.contains(&"amount_vnd"),
        names_abbreviated: data.names == NameDisplay::Initials,
        total: TallyView::of("Tổng cộng", &all, None),
        neutral_labels: data.neutral_labels.clone(),
        category_legal_basis: programme
            .category_legal_basis
            .clone()
            .filter(|_| !programme.sensitive_categories().is_empty()),
    };
    let BuiltPages { record, subpages } = ListPages {
        input,
        config: cfg,
        data: &data,
        base,
        info,
    }
    .build()?;
    let columns = downloads::columns(&data.fields);
    let download = |file_name: &str, format: &str, bytes: Vec<u8>| Download {
        file_name: file_name.to_string(),
        title: format!("{} ({format})", input.title),
        format: format.to_string(),
        bytes,
        key_column: Some(HISTORY_KEY.to_string()),
        description: format!(
            "Danh sách người, hộ được hỗ trợ theo {}: mỗi dòng một người hoặc hộ, chỉ gồm các cột được phép công khai.",
            programme.title
        ),
        columns: columns.clone(),
        // A name may repeat in a group (two households of the same name).
        unique_key: false,
        unlisted: false,
    };
    let mut downloads = vec![
        download("danh-sach.csv", "CSV", csv),
        download("danh-sach.json", "JSON", json),
    ];
    for d in &mut downloads {
        crate::kinds::columns::follow_units(d, unit_title);
    }
    if record.lookup_url.is_some() {
        // The name lookup's data: a file of the record (manifest), not listed with the
        // tables, and never in the search index.
        downloads.push(Download {
            file_name: pages::LOOKUP_FILE.to_string(),
            title: format!("Tra cứu tên – {}", input.title),
            format: "JSON".to_string(),
            bytes: pages::lookup_json(&data, &base_path, cfg),
            key_column: None,
            description: "Dữ liệu của ô tra cứu tên trên trang danh sách: họ tên như trên các trang của danh sách, số thứ tự, tổ dân phố và trang của tổ.".to_string(),
            columns: Vec::new(),
            unique_key: false,
            unlisted: true,
        });
    }
    Ok(RecordOutput {
        record: to_record(&record)?,
        warnings: data.warnings,
        subpages,
        downloads,
        // Names never go to the search index.
        search_text: format!("{} {}", programme.title, programme.legal_basis),
        banner: None,
        noindex: !cfg.privacy.index_lists,
        personal_data: true,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::downloads::downloads;
    use super::entries::read_entries;
    use super::load::{FIELDS, check_columns};
    use crate::data::LoadOptions;
    use crate::diagnostics::Diagnostics;
    use crate::kinds::programme::ProgrammeInfo;
    use crate::privacy::{self, NameDisplay};
    use crate::residential::WardGroups;

    fn programme() -> ProgrammeInfo {
        ProgrammeInfo {
            title: "Chương trình".into(),
            categories: vec!["Hộ nghèo".into(), "Hộ cận nghèo".into()],
            path: "/p/".into(),
            file: "content/p.md".into(),
            ..Default::default()
        }
    }

    /// Load CSV bytes the way the kind does, through every rule; returns errors count.
    fn run(bytes: &[u8]) -> usize {
        let private = vec!["Số CCCD".to_string()];
        let opts = LoadOptions::new(FIELDS).private_columns(&private);
        let groups =
            WardGroups::from_names(vec!["Tổ dân phố số 1".into(), "Tổ dân phố số 2".into()]);
        match crate::data::load_csv_bytes(bytes, Path::new("data/x.csv"), &opts) {
            Err(e) => e.len(),
            Ok(t) => {
                let mut errors = Diagnostics::new();
                let fields = check_columns(&t, &mut errors);
                let entries = read_entries(&t, &programme(), &groups, &[], &mut errors);
                let _ = downloads(&entries, &fields, NameDisplay::Initials);
                errors.error_count()
            }
        }
    }

    #[test]
    fn rules_table() {
        let h = "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú\n";
        let cases: &[(&str, usize)] = &[
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,1.500.000,\n", 0),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,1.5,\n", 1),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,1.5tr,\n", 1),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,-5,\n", 1),
            ("1,Nguyễn Văn A,TDP 3,Hộ nghèo,0,\n", 1),
            ("1,Nguyễn Văn A,TDP 1,Hộ giàu,0,\n", 1),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,\n2,nguyễn văn a,Tổ dân phố số 1,Hộ nghèo,0,\n",
                1,
            ),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,x\n2,Nguyễn Văn A,TDP 1,Hộ nghèo,0,y\n",
                0,
            ),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,x\n2,Nguyễn Văn A,TDP 1,Hộ nghèo,0,\n",
                1,
            ),
            (
                "1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,\n2,Nguyễn Văn A,TDP 2,Hộ nghèo,0,\n",
                0,
            ),
            ("1,Nguyễn Văn A,TDP 1,Hộ nghèo,0,CCCD 000000000001\n", 1),
        ];
        for (rows, want) in cases {
            assert_eq!(run(format!("{h}{rows}").as_bytes()), *want, "{rows}");
        }
        // A private column is dropped; a forbidden one that is not private is an error.
        assert_eq!(
            run("Họ và tên,Tổ dân phố,Diện,Số CCCD\nA,TDP 1,Hộ nghèo,000000000001\n".as_bytes()),
            0
        );
        assert_eq!(
            run("Họ và tên,Tổ dân phố,Diện,Điện thoại\nA,TDP 1,Hộ nghèo,x\n".as_bytes()),
            1
        );
        assert_eq!(
            run("Họ và tên,Tổ dân phố,Diện,Mã hộ\nA,TDP 1,Hộ nghèo,x\n".as_bytes()),
            1
        );
    }

    /// A header unit "(đồng/tháng)" makes the cell a monthly amount: the row's total is
    /// monthly × months covered, and the category's monthly amount is compared with the
    /// cell itself; "(đồng)" (or no unit) keeps a one-off amount.
    #[test]
    fn amounts_per_month() {
        let mut p = programme();
        p.category_amounts.insert("Hộ nghèo".into(), 500_000);
        let groups = WardGroups::from_names(vec!["Tổ dân phố số 1".into()]);
        // "header|cell|from|to|list months" → (amount, monthly, months), errors
        type Want = (Option<u64>, Option<u64>, Option<u32>);
        let cases: &[(&str, Want, usize)] = &[
            (
                "Số tiền (đồng/tháng)|500.000|01/2026|12/2026|",
                (Some(6_000_000), Some(500_000), Some(12)),
                0,
            ),
            (
                "Mức hỗ trợ (nghìn đồng/tháng)|500|07/2026|12/2026|",
                (Some(3_000_000), Some(500_000), Some(6)),
                0,
            ),
            (
                "Mức hỗ trợ (đồng/tháng)|500.000|||",
                (Some(500_000), Some(500_000), Some(1)),
                0,
            ),
            (
                "Mức hỗ trợ (đồng/tháng)|500.000|||3",
                (Some(1_500_000), Some(500_000), Some(3)),
                0,
            ),
            // The cell is monthly: 3.000.000/tháng is not the category's 500.000/tháng.
            (
                "Mức hỗ trợ (đồng/tháng)|3.000.000|07/2026|12/2026|",
                (Some(18_000_000), Some(3_000_000), Some(6)),
                1,
            ),
            // A one-off amount: the cell is the total, checked against 500.000 × 6.
            (
                "Số tiền (đồng)|3.000.000|07/2026|12/2026|",
                (Some(3_000_000), None, None),
                0,
            ),
            (
                "Số tiền|500.000|07/2026|12/2026|",
                (Some(500_000), None, None),
                1,
            ),
        ];
        for (case, want, errs) in cases {
            let v: Vec<&str> = case.split('|').collect();
            let csv = format!(
                "Họ và tên,Tổ dân phố,Diện,{},Từ tháng,Đến tháng\nA,TDP 1,Hộ nghèo,{},{},{}\n",
                v[0], v[1], v[2], v[3]
            );
            let mut p = p.clone();
            p.list_months = v[4].parse().ok();
            let t = crate::data::load_csv_bytes(
                csv.as_bytes(),
                Path::new("data/x.csv"),
                &LoadOptions::new(FIELDS),
            )
            .expect("table");
            let mut errors = Diagnostics::new();
            let entries = read_entries(&t, &p, &groups, &[], &mut errors);
            let e = &entries[0];
            assert_eq!((e.amount, e.monthly, e.months), *want, "{case}");
            assert_eq!(errors.error_count(), *errs, "{case}: {errors:?}");
        }
    }

    /// Values are resolved once per distinct text (memo); each failing cell must still
    /// be reported at its own row.
    #[test]
    fn repeated_bad_values_reported_on_every_row() {
        let h = "Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Đến ngày\n";
        let cases: &[(&str, usize)] = &[
            // Unknown group in two rows, a known one in a third.
            (
                "A,TDP 3,Hộ nghèo,0,,\nB,TDP 3,Hộ nghèo,0,,\nC,TDP 1,Hộ nghèo,0,,\n",
                2,
            ),
            // Unknown category twice.
            ("A,TDP 1,Hộ giàu,0,,\nB,TDP 1,Hộ giàu,0,,\n", 2),
            // An impossible date twice, a good one once.
            (
                "A,TDP 1,Hộ nghèo,0,31/02/2026,\nB,TDP 1,Hộ nghèo,0,31/02/2026,\nC,TDP 1,Hộ nghèo,0,01/07/2026,\n",
                2,
            ),
            // A month ("07/2026") is read as its first day; end before start is an error.
            (
                "A,TDP 1,Hộ nghèo,0,07/2026,12/2026\nB,TDP 1,Hộ nghèo,0,12/2026,07/2026\n",
                1,
            ),
        ];
        for (rows, want) in cases {
            assert_eq!(run(format!("{h}{rows}").as_bytes()), *want, "{rows}");
        }
        // A phone number repeated in a column of repeated values is found in each row.
        let csv = "Họ và tên,Tổ dân phố,Diện,Nội dung hỗ trợ\n\
                   A,TDP 1,Hộ nghèo,gọi 0912 345 678\n\
                   B,TDP 1,Hộ nghèo,gọi 0912 345 678\n\
                   C,TDP 1,Hộ nghèo,tiền mặt\n";
        assert_eq!(run(csv.as_bytes()), 2);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// No input panics the list loader and its rules.
        #[test]
        fn loader_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = run(&bytes);
        }

        #[test]
        fn loader_never_panics_on_csv_like_text(
            cells in proptest::collection::vec("[0-9a-zA-Zđàáảãạ .,/+@\\-]{0,14}", 0..30)
        ) {
            let mut text = String::from("STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Đến ngày,Ghi chú\n");
            for (i, c) in cells.iter().enumerate() {
                text.push_str(c);
                text.push(if i % 8 == 7 { '\n' } else { ',' });
            }
            let _ = run(text.as_bytes());
        }

        #[test]
        fn scanner_never_panics(s in "\\PC{0,80}") {
            let _ = privacy::scan_text(&s, &[]);
            let _ = privacy::scan_cell(&s, &[], 2000);
        }
    }

    #[test]
    fn header_row_is_the_declared_titles() {
        let bytes = "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Ghi chú\n1,Nguyễn Văn A,TDP 1,Hộ nghèo,1.500.000,01/07/2026,\"a, <b>\"\n".as_bytes();
        let opts = LoadOptions::new(FIELDS);
        let groups = WardGroups::from_names(vec!["Tổ dân phố số 1".into()]);
        let t = crate::data::load_csv_bytes(bytes, Path::new("data/x.csv"), &opts).unwrap();
        let mut errors = Diagnostics::new();
        let fields = check_columns(&t, &mut errors);
        let entries = read_entries(&t, &programme(), &groups, &[], &mut errors);
        assert_eq!(errors.error_count(), 0);
        let (csv, json) = downloads(&entries, &fields, NameDisplay::Full);
        let columns = super::downloads::columns(&fields);
        for (format, bytes) in [("CSV", csv), ("JSON", json)] {
            let d = super::Download {
                file_name: format!("danh-sach.{format}"),
                format: format.into(),
                bytes,
                key_column: Some(super::HISTORY_KEY.into()),
                columns: columns.clone(),
                ..Default::default()
            };
            crate::kinds::files::assert_table(&d);
        }
        let titles: Vec<&str> = columns.iter().map(|c| c.title).collect();
        assert_eq!(
            titles,
            [
                "STT",
                "Họ và tên",
                "Tổ dân phố",
                "Diện",
                "Số tiền",
                "Từ ngày",
                "Ghi chú"
            ]
        );
    }
}
