//! Support programmes, beneficiary lists and donations: privacy by design, totals,
//! downloads, print views, expiry, bad input.

use crate::common;
use crate::common::sha256_hex;
use common::*;

const LIST: &str = "data/ho-tro/danh-sach.csv";
const LIST_PAGE: &str = "content/ho-tro/danh-sach.md";
const OUT: &str = "public/ho-tro/danh-sach";
const HEADER: &str = "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú\n";

fn all_output_text(site: &Site) -> String {
    let mut s = String::new();
    for f in site.output_files() {
        let bytes = std::fs::read(site.path().join("public").join(&f)).unwrap_or_default();
        s.push_str(&String::from_utf8_lossy(&bytes));
        s.push('\n');
    }
    s
}

/// Replace the list page's `[record]` line `key = …`.
fn set_record(site: &Site, key: &str, line: &str) {
    let page = site.read(LIST_PAGE);
    let out: Vec<String> = page
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{key} =")) {
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    site.write(LIST_PAGE, out.join("\n") + "\n");
}

#[test]
fn list_totals_downloads_and_privacy() {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");

    // Totals by group: counts and amounts from the CSV.
    let doc = site.html(&format!("{OUT}/index.html"));
    let groups = texts(
        &doc,
        "#tong-theo-to ~ tbody tr, table:has(#tong-theo-to) tbody tr",
    );
    assert_eq!(
        groups,
        vec![
            "Tổ dân phố số 1 2 2.500.000 đ",
            "Tổ dân phố số 2 2 2.500.000 đ",
            "Tổ dân phố số 3 1 500.000 đ"
        ]
    );
    let cats = texts(&doc, "table:has(#tong-theo-dien) tbody tr");
    assert_eq!(
        cats,
        vec!["Hộ nghèo 2 3.000.000 đ", "Hộ cận nghèo 3 2.500.000 đ"]
    );
    let foot = texts(&doc, "table:has(#tong-theo-dien) tfoot tr");
    assert_eq!(foot, vec!["Tổng cộng 5 5.500.000 đ"]);

    // Lists are noindex and out of the sitemap.
    assert!(site.read(&format!("{OUT}/index.html")).contains("noindex"));
    assert!(
        site.read(&format!("{OUT}/to-dan-pho-so-1/index.html"))
            .contains("noindex")
    );
    assert!(!site.read("public/sitemap.xml").contains("danh-sach"));

    // Per-group page holds exactly the group's rows.
    let g1 = site.html(&format!("{OUT}/to-dan-pho-so-1/index.html"));
    assert_eq!(
        texts(&g1, "#danh-sach tbody th"),
        vec!["Nguyễn Văn Thử", "Trần Thị Mẫu"]
    );

    // CSV download: published columns only, Vietnamese titles, in the whitelist's order.
    let csv = std::fs::read(site.path().join(format!("{OUT}/danh-sach.csv"))).unwrap_or_default();
    let text = String::from_utf8_lossy(&csv);
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú")
    );
    assert_eq!(
        lines.next(),
        Some("1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1500000,")
    );
    assert_eq!(lines.count(), 4);
    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{OUT}/danh-sach.json"))).unwrap_or_default();
    assert_eq!(json.as_array().map(Vec::len), Some(5));
    assert_eq!(json[1]["Số tiền"], 1_000_000);
    assert_eq!(json[1]["Tổ dân phố"], "Tổ dân phố số 1");

    // Private columns reach no output at all.
    let everything = all_output_text(&site);
    assert!(!everything.contains("RIENGTU"), "private column leaked");
    assert!(!everything.contains("Số CCCD"));

    // Print view: QR code SVG and the SHA-256 of the published CSV.
    let print = site.read(&format!("{OUT}/to-dan-pho-so-1/in/index.html"));
    assert!(print.contains("role=img") || print.contains("role=\"img\""));
    assert!(
        print.contains(&sha256_hex(&csv)),
        "print view shows SHA-256 of the CSV"
    );
    assert!(print.contains("Quyết định số 9/QĐ-UBND"));
    assert!(print.contains("31/12/2026"));
    let whole = site.html(&format!("{OUT}/in/index.html"));
    assert_eq!(texts(&whole, ".sheet__table tbody tr").len(), 5);
}

#[test]
fn expired_list_leaves_no_name_anywhere() {
    // The fixture's templates/expired.html stands in until the built-in
    // `__congkhai/expired.html` exists.
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    assert!(all_output_text(&site).contains("Nguyễn Văn Thử"));
    site.build_ok("2027-01-01");
    let everything = all_output_text(&site);
    for name in [
        "Nguyễn Văn Thử",
        "Trần Thị Mẫu",
        "Lê Văn Giả",
        "Phạm Thị Định",
        "Hoàng Văn Ví",
    ] {
        assert!(
            !everything.contains(name),
            "{name} still published after expiry"
        );
    }
    assert!(!site.exists(&format!("{OUT}/danh-sach.csv")));
    assert!(!site.exists(&format!("{OUT}/to-dan-pho-so-1/index.html")));
}

#[test]
fn initials_policy_abbreviates_everywhere() {
    let site = Site::fixture("support");
    set_record(
        &site,
        "declared_total_vnd",
        "declared_total_vnd = 5500000\nname_display = \"initials\"",
    );
    site.build_ok("2026-11-23");
    let everything = all_output_text(&site);
    assert!(!everything.contains("Nguyễn Văn Thử"));
    assert!(everything.contains("N. V. T."));
    assert!(
        site.read(&format!("{OUT}/danh-sach.csv"))
            .contains("1,N. V. T.,")
    );
}

#[test]
fn index_lists_config_lifts_noindex() {
    let site = Site::fixture("support");
    let cfg = site
        .read("config.toml")
        .replace("[privacy]\n", "[privacy]\nindex_lists = true\n");
    site.write("config.toml", cfg);
    site.build_ok("2026-11-23");
    let page = site.read(&format!("{OUT}/index.html"));
    assert!(!page.contains("noindex"));
    assert!(
        site.read("public/sitemap.xml")
            .contains("/ho-tro/danh-sach/")
    );
}

/// Build must fail with exit 1, mention every `needles`, and leave `public/` as it was.
fn assert_bad(site: &Site, needles: &[&str]) {
    let before = site.read(&format!("{OUT}/danh-sach.csv"));
    let err = site.build_err("2026-11-23");
    for n in needles {
        assert!(err.contains(n), "message should contain {n:?}:\n{err}");
    }
    assert_eq!(
        site.read(&format!("{OUT}/danh-sach.csv")),
        before,
        "public/ untouched"
    );
}

fn bad_list(rows: &str, needles: &[&str]) {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    set_record(&site, "declared_total_vnd", "");
    site.write(LIST, format!("{HEADER}{rows}"));
    assert_bad(&site, needles);
}

#[test]
fn bad_amount_abbreviated() {
    bad_list(
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.5tr,\n",
        &["data/ho-tro/danh-sach.csv:2", "1.5tr"],
    );
}

#[test]
fn bad_amount_decimal() {
    bad_list(
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.5,\n",
        &["data/ho-tro/danh-sach.csv:2", "thập phân"],
    );
}

#[test]
fn bad_id_number_in_note_is_masked() {
    bad_list(
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,CCCD 000000000012\n",
        &["data/ho-tro/danh-sach.csv:2", "CMND/CCCD", "00••••••••12"],
    );
}

#[test]
fn bad_phone_in_note() {
    bad_list(
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,gọi 0900 000 001\n",
        &["danh-sach.csv:2", "số điện thoại"],
    );
}

#[test]
fn bad_birth_date_in_note() {
    bad_list(
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,sinh ngày 01/02/1950\n",
        &["danh-sach.csv:2", "ngày sinh"],
    );
}

#[test]
fn bad_category_not_in_programme() {
    bad_list(
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ khá giả,1.500.000,\n",
        &["danh-sach.csv:2", "Hộ khá giả", "Hộ nghèo, Hộ cận nghèo"],
    );
}

#[test]
fn bad_group_not_in_ward() {
    bad_list(
        "1,Nguyễn Văn Thử,Tổ dân phố số 9,Hộ nghèo,1.500.000,\n",
        &["danh-sach.csv:2", "Tổ dân phố số 9"],
    );
}

#[test]
fn bad_duplicate_person_tone_placement() {
    // "Hoà" and "Hòa": same person after normalising tone placement.
    bad_list(
        "1,Nguyễn Văn Hoà,Tổ dân phố số 1,Hộ nghèo,1.500.000,\n2,Nguyễn Văn Hòa,TDP 1,Hộ nghèo,1.500.000,\n",
        &["danh-sach.csv:3", "dòng 2 và dòng 3"],
    );
}

#[test]
fn duplicate_with_reasons_on_both_rows_is_accepted() {
    let site = Site::fixture("support");
    set_record(&site, "declared_total_vnd", "");
    site.write(
        LIST,
        format!(
            "{HEADER}1,Nguyễn Văn Hoà,Tổ dân phố số 1,Hộ nghèo,1.500.000,truy lĩnh quý 2\n2,Nguyễn Văn Hòa,TDP 1,Hộ nghèo,1.500.000,quý 3\n"
        ),
    );
    site.preview_ok("2026-11-23");
    // Same name in another group is another person.
    site.write(
        LIST,
        format!("{HEADER}1,Nguyễn Văn Hoà,Tổ dân phố số 1,Hộ nghèo,1.500.000,\n2,Nguyễn Văn Hoà,Tổ dân phố số 2,Hộ nghèo,1.500.000,\n"),
    );
    site.preview_ok("2026-11-23");
}

#[test]
fn bad_declared_total() {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    set_record(&site, "declared_total_vnd", "declared_total_vnd = 5600000");
    assert_bad(&site, &["5.500.000", "5.600.000", "declared_total_vnd"]);
}

#[test]
fn bad_unknown_column() {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    set_record(&site, "declared_total_vnd", "");
    site.write(
        LIST,
        "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Mã hộ gia đình\n1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,HGD-7\n",
    );
    assert_bad(
        &site,
        &["danh-sach.csv", "cột lạ", "Mã hộ gia đình", "private"],
    );
}

#[test]
fn private_declaration_still_required_for_forbidden_columns() {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    set_record(&site, "private", "private = [\"Điện thoại\"]");
    assert_bad(&site, &["danh-sach.csv", "Số CCCD", "căn cước", "private"]);
}

#[test]
fn bad_forbidden_column_cannot_be_public() {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    set_record(&site, "declared_total_vnd", "");
    site.write(
        LIST,
        "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Dân tộc\n1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,Kinh\n",
    );
    assert_bad(&site, &["Dân tộc", "dân tộc", "không được công khai"]);
}

#[test]
fn bad_empty_list() {
    bad_list("", &["danh-sach.csv", "không có dòng nào"]);
}

#[test]
fn bad_phone_in_markdown_body_but_hotline_allowed() {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    let page = site.read(LIST_PAGE) + "\nLiên hệ anh Tư: 0900.000.002\n";
    site.write(LIST_PAGE, page);
    assert_bad(
        &site,
        &[
            "content/ho-tro/danh-sach.md",
            "số điện thoại",
            "09••.•••.•02",
        ],
    );
}

#[test]
fn xlsx_with_title_above_header() {
    use rust_xlsxwriter::Workbook;
    let site = Site::fixture("support");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Danh sach").ok();
    ws.write(0, 0, "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ NĂM 2026").ok();
    ws.write(1, 0, "(Kèm theo Quyết định số 9/QĐ-UBND)").ok();
    for (c, h) in ["STT", "Họ và tên", "Tổ dân phố", "Diện", "Số tiền"]
        .iter()
        .enumerate()
    {
        ws.write(2, c as u16, *h).ok();
    }
    ws.write(3, 0, 1).ok();
    ws.write(3, 1, "Nguyễn Văn Thử").ok();
    ws.write(3, 2, "Tổ dân phố số 1").ok();
    ws.write(3, 3, "Hộ nghèo").ok();
    ws.write(3, 4, 1_500_000).ok();
    ws.write(4, 0, 2).ok();
    ws.write(4, 1, "Trần Thị Mẫu").ok();
    ws.write(4, 2, "Tổ dân phố số 9").ok();
    ws.write(4, 3, "Hộ nghèo").ok();
    ws.write(4, 4, 1_000_000).ok();
    let bytes = wb.save_to_buffer().unwrap_or_default();
    site.write("data/ho-tro/danh-sach.xlsx", bytes);
    set_record(
        &site,
        "list",
        "list = \"data/ho-tro/danh-sach.xlsx\"\nsheet = \"Danh sach\"",
    );
    set_record(&site, "declared_total_vnd", "");
    // Header found on row 3; the bad group is reported at its spreadsheet row (5).
    let err = site.build_err("2026-11-23");
    assert!(err.contains("danh-sach.xlsx:5"), "{err}");
    assert!(err.contains("Tổ dân phố số 9"), "{err}");
}

#[test]
fn long_group_is_paginated_under_150_kb() {
    let site = Site::fixture("support");
    set_record(&site, "declared_total_vnd", "");
    let mut csv = String::from(HEADER);
    for i in 1..=2_000 {
        csv.push_str(&format!(
            "{i},Người Thử Nghiệm Số {},Tổ dân phố số 1,Hộ nghèo,1.500.000,ghi chú dòng {i}\n",
            i
        ));
    }
    site.write(LIST, csv);
    site.build_ok("2026-11-23");
    let g = format!("{OUT}/to-dan-pho-so-1/trang-5/index.html");
    let doc = site.html(&g);
    assert_eq!(texts(&doc, "#danh-sach tbody tr").len(), 400);
    assert!(!site.exists(&format!("{OUT}/to-dan-pho-so-1/trang-6/index.html")));
    for f in site.output_files() {
        if f.extension().is_some_and(|e| e == "html") {
            let size = std::fs::metadata(site.path().join("public").join(&f))
                .map(|m| m.len())
                .unwrap_or(0);
            assert!(size <= 150 * 1024, "{} is {size} bytes", f.display());
        }
    }
}

const DONATIONS_PAGE: &str = "+++\ntitle = \"An sinh cộng đồng\"\nkind = \"donations\"\n[record]\nresources = \"data/ho-tro/nguon.csv\"\ngiven = \"data/ho-tro/trao.csv\"\n[approval]\nby = \"Trần Văn Mẫu\"\nrole = \"Chủ tịch UBND phường\"\ndecision = \"Quyết định số 1/QĐ-UBND\"\ndate = 2026-06-01\n+++\n";

fn donations_site(given_rows: &str) -> Site {
    let site = Site::fixture("support");
    site.write("content/ho-tro/an-sinh.md", DONATIONS_PAGE);
    site.write(
        "data/ho-tro/nguon.csv",
        "Mã nguồn,Ngày nhận,Người ủng hộ,Loại,Nội dung,Giá trị\nN1,01/07/2026,Nhà hảo tâm ẩn danh,Tiền mặt,Ủng hộ,10.000.000\nN2,05/07/2026,Hội Phụ nữ,Hiện vật,Quà,3.000.000\n",
    );
    site.write(
        "data/ho-tro/trao.csv",
        format!("Ngày,Hộ được hỗ trợ,Tổ dân phố,Hình thức,Nội dung,Giá trị,Nguồn\n{given_rows}"),
    );
    site
}

#[test]
fn donations_balances_and_forms() {
    let site = donations_site(
        "02/07/2026,Hộ bà A,Tổ dân phố số 1,Khẩn cấp,Sửa mái nhà,4.000.000,N1\n03/07/2026,Hộ ông B,TDP 2,Sinh kế,Giống cây,6.000.000,N1\n06/07/2026,10 hộ,TDP 3,Khẩn cấp,Quà,2.000.000,N2\n",
    );
    site.build_ok("2026-11-23");
    let doc = site.html("public/ho-tro/an-sinh/index.html");
    let res = texts(&doc, "table:has(#nguon-luc) tbody tr");
    assert_eq!(res.len(), 2);
    assert!(
        res[0].ends_with("10.000.000 đ 10.000.000 đ 0 đ"),
        "{}",
        res[0]
    );
    assert!(
        res[1].ends_with("3.000.000 đ 2.000.000 đ 1.000.000 đ"),
        "{}",
        res[1]
    );
    let forms = texts(&doc, "table:has(#theo-hinh-thuc) tbody tr");
    assert_eq!(
        forms,
        vec![
            "Hỗ trợ khẩn cấp 2 6.000.000 đ",
            "Hỗ trợ sinh kế 1 6.000.000 đ"
        ]
    );
}

#[test]
fn donations_overspend_is_an_error() {
    let site = donations_site(
        "02/07/2026,Hộ bà A,Tổ dân phố số 1,Khẩn cấp,Sửa mái nhà,4.000.000,N1\n03/07/2026,Hộ ông B,TDP 2,Sinh kế,Giống cây,6.000.001,N1\n",
    );
    let err = site.build_err("2026-11-23");
    assert!(err.contains("trao.csv:3"), "{err}");
    assert!(err.contains("N1"), "{err}");
}

#[test]
fn donations_given_before_received_is_an_error() {
    let site =
        donations_site("30/06/2026,Hộ bà A,Tổ dân phố số 1,Khẩn cấp,Sửa mái nhà,1.000.000,N1\n");
    let err = site.build_err("2026-11-23");
    assert!(err.contains("trao.csv:2"), "{err}");
    assert!(err.contains("01/07/2026"), "{err}");
}

#[test]
fn demo_portal_shows_support_pages() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let doc = site.html("public/ho-tro/danh-sach-ho-tro-thu-nhap-2026/index.html");
    let foot = texts(&doc, "table:has(#tong-theo-dien) tfoot tr");
    assert_eq!(foot, vec!["Tổng cộng 300 309.600.000 đ"]);
    assert!(site.exists("public/ho-tro/an-sinh-cong-dong-to-3/index.html"));
    assert!(
        !all_output_text(&site).contains("đã xác minh tại nhà"),
        "private column leaked"
    );
}

/// The filter script folds exactly like `congkhai::text::fold` (checked with node when
/// it is installed).
#[test]
fn filter_script_folds_like_rust() {
    let samples = [
        "Nguyễn Văn Đức",
        "ĐỖ THỊ HOÀ",
        "Hòa hoà HOÀ",
        "Tổ dân phố số 1",
        "Quỳnh Lưu, Thừa Thiên–Huế",
        "Hộ cận nghèo",
        "ưu đãi ơn",
        "ABC xyz 123",
    ];
    let script = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/congkhai/static/js/loc-danh-sach.js"),
    )
    .unwrap_or_default();
    let start = script.find("function fold(s)").unwrap_or(0);
    let end = script[start..].find("\n  }").map_or(0, |i| start + i + 4);
    let fold_js = &script[start..end];
    assert!(
        fold_js.contains("normalize(\"NFD\")"),
        "fold() not found in script"
    );
    let input = serde_json::to_string(&samples).unwrap_or_default();
    let program = format!("{fold_js}\nconsole.log(JSON.stringify({input}.map(fold)));");
    let Ok(out) = std::process::Command::new("node")
        .arg("-e")
        .arg(&program)
        .output()
    else {
        eprintln!("node not installed: JavaScript fold not checked");
        return;
    };
    let got: Vec<String> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("node output: {e}"));
    let want: Vec<String> = samples.iter().map(|s| congkhai::text::fold(s)).collect();
    assert_eq!(got, want);
}

/// The personal-data scanner runs on every page of a portal, not only on support records:
/// a phone number, an ID number or a birth date typed into an ordinary page (a note, a
/// contact line) stops the build at its line, and nothing is written.
#[test]
fn personal_data_in_any_page_stops_the_build() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let before = site.read("public/van-ban/ke-hoach-sap-xep-to-dan-pho/index.html");
    let page = "content/van-ban/ke-hoach-sap-xep-to-dan-pho/index.md";
    let original = site.read(page);
    // The ward's own hotline (config [ward] phone) stays allowed.
    let edited = original.replacen(
        "\n## I. MỤC ĐÍCH, YÊU CẦU",
        "\nMọi thắc mắc gọi đường dây nóng của phường 0225.3000.000.\n\nLiên hệ anh Tuấn, số 0912 345 678.\n\nÔng Lê Văn Hùng sinh ngày 12/03/1950, CCCD 031050001234.\n\n## I. MỤC ĐÍCH, YÊU CẦU",
        1,
    );
    assert_ne!(edited, original, "fixture text changed; update the anchor");
    site.write(page, &edited);
    site.write(
        "content/gioi-thieu.md",
        site.read("content/gioi-thieu.md") + "\nEmail cá nhân: tuan.nguyen@gmail.com\n",
    );
    let err = site.build_err("2026-11-23");
    let anchor = original
        .lines()
        .position(|l| l == "## I. MỤC ĐÍCH, YÊU CẦU")
        .expect("anchor line")
        + 1;
    for (what, line) in [
        ("số điện thoại", anchor + 2),
        ("ngày sinh", anchor + 4),
        ("số CMND/CCCD", anchor + 4),
    ] {
        let at = format!("{page}:{line}");
        assert!(
            err.lines().any(|l| l.contains(what) && l.contains(&at)),
            "no {what} at {at}:\n{err}"
        );
    }
    assert!(err.contains("content/gioi-thieu.md"), "{err}");
    assert!(err.contains("thư điện tử"), "{err}");
    assert!(!err.contains("0225"), "ward hotline is allowed: {err}");
    // Messages mask the value; the full number is not echoed to logs.
    assert!(
        !err.contains("0912 345 678") && !err.contains("031050001234"),
        "{err}"
    );
    assert_eq!(
        site.read("public/van-ban/ke-hoach-sap-xep-to-dan-pho/index.html"),
        before,
        "previous output kept"
    );
}
