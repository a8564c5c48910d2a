//! Tables as ward staff hand them over: Excel exports with a BOM, CRLF, `;`, title rows
//! above the header, units in headers, months instead of dates, totals rows, odd header
//! names mapped in front matter, old Vietnamese encodings — built, and the published
//! CSV/JSON/HTML read back (parsed) for the right numbers, months and no totals row.

use crate::common::*;

const LIST: &str = "data/ho-tro/danh-sach.csv";
const LIST_PAGE: &str = "content/ho-tro/danh-sach.md";
const OUT: &str = "public/ho-tro/danh-sach";

/// The list page, with extra `[record]` lines (before `[approval]`).
fn list_page(record_extra: &str) -> String {
    format!(
        "+++\ntitle = \"Danh sách hỗ trợ\"\nkind = \"beneficiary_list\"\npublish_from = 2026-11-01\n\
         publish_until = 2026-12-31\n[record]\nprogramme = \"@/ho-tro/chuong-trinh.md\"\n\
         list = \"data/ho-tro/danh-sach.csv\"\n{record_extra}\n[approval]\nby = \"Trần Văn Mẫu\"\n\
         role = \"Chủ tịch UBND phường\"\ndecision = \"Quyết định số 9/QĐ-UBND\"\ndate = 2026-10-30\n+++\n\
         Danh sách niêm yết tại nhà văn hóa.\n"
    )
}

/// A list as Excel saves "CSV" on a Vietnamese Windows: BOM, `;`, CRLF, a title and a
/// unit line above the header, units in the header, months, unquoted commas in cells,
/// a subtotal and a grand total.
fn excel_export(grand_total: &str) -> Vec<u8> {
    let lines = [
        "UBND PHƯỜNG THỬ NGHIỆM;;;;;;;",
        "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ NĂM 2026, ĐỢT 1;;;;;;;",
        ";;;;;;;",
        "STT;Họ và tên;Tổ dân phố;Diện;Mức hỗ trợ (nghìn đồng/tháng);Từ tháng;Đến tháng;Ghi chú",
        "1;Nguyễn Văn Thử;Tổ dân phố số 1;Hộ nghèo;1.500;Từ tháng 01/2026;Đến tháng 12/2026;nhà số 3, ngõ 5",
        "2;Trần Thị Mẫu;TDP 1;Hộ cận nghèo;1.000;01/2026;tháng 12 năm 2026;",
        ";Cộng tổ 1;;;2.500;;;",
        "3;Lê Văn Giả;Tổ dân phố số 2;hộ nghèo;1.500;T02/2026;12/2026;ở nhờ, chưa có nhà",
        "4;Phạm Thị Định;Tổ dân phố số 2;Hộ cận nghèo;1.000;02/2026;12/2026;",
        "5;Hoàng Văn Ví;Tổ 3;Hộ cận nghèo;500;03/2026;06/2026;",
    ];
    let mut text = String::from("\u{feff}");
    for l in lines {
        text.push_str(l);
        text.push_str("\r\n");
    }
    text.push_str(&format!(";Tổng cộng;;;{grand_total};;;\r\n"));
    text.into_bytes()
}

fn site_with_export(grand_total: &str) -> Site {
    let site = Site::fixture("support");
    // The header says "(nghìn đồng/tháng)": the declared total is the period's,
    // Σ monthly × months = 59.500.000 đ (the Excel totals row sums the monthly column).
    site.write(LIST_PAGE, list_page("declared_total_vnd = 59500000"));
    site.write(LIST, excel_export(grand_total));
    site
}

fn csv_rows(site: &Site, rel: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(site.path().join(rel)).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn excel_export_with_units_months_and_totals_publishes_right_numbers() {
    let site = site_with_export("5.500");
    site.build_ok("2026-11-23");

    let rows = csv_rows(&site, &format!("{OUT}/danh-sach.csv"));
    assert_eq!(
        rows[0],
        [
            "STT",
            "Họ và tên",
            "Tổ dân phố",
            "Diện",
            "Mức hằng tháng",
            "Số tháng",
            "Số tiền",
            "Từ tháng",
            "Đến tháng",
            "Ghi chú"
        ]
    );
    // Five people: the subtotal and the total are not rows.
    assert_eq!(rows.len(), 6, "{rows:?}");
    assert!(
        rows.iter()
            .flatten()
            .all(|c| !c.contains("Cộng") && !c.contains("Tổng")),
        "{rows:?}"
    );
    // Thousands of đồng per month → đồng per month, × the months covered = the total;
    // months stay months; commas inside `;` cells kept.
    assert_eq!(
        rows[1],
        [
            "1",
            "Nguyễn Văn Thử",
            "Tổ dân phố số 1",
            "Hộ nghèo",
            "1500000",
            "12",
            "18000000",
            "01/2026",
            "12/2026",
            "nhà số 3, ngõ 5"
        ]
    );
    assert_eq!(rows[2][7..9], ["01/2026", "12/2026"]);
    assert_eq!(rows[3][4..8], ["1500000", "11", "16500000", "02/2026"]);
    assert_eq!(rows[3][9], "ở nhờ, chưa có nhà");

    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{OUT}/danh-sach.json"))).unwrap();
    let arr = json.as_array().unwrap();
    assert_eq!(arr.len(), 5);
    assert_eq!(arr[0]["Mức hằng tháng"], 1_500_000);
    assert_eq!(arr[0]["Số tiền"], 18_000_000);
    // 500.000 đ/tháng from 03/2026 to 06/2026: 4 months.
    assert_eq!(arr[4]["Mức hằng tháng"], 500_000);
    assert_eq!(arr[4]["Số tháng"], 4);
    assert_eq!(arr[4]["Số tiền"], 2_000_000);
    assert_eq!(arr[4]["Đến tháng"], "06/2026");
    assert!(
        !site
            .read(&format!("{OUT}/danh-sach.json"))
            .contains("01/12/2026")
    );

    // The page: five rows, months as months, the programme total from the five periods.
    let doc = site.html(&format!("{OUT}/index.html"));
    let foot = texts(&doc, "table:has(#tong-theo-dien) tfoot tr");
    assert_eq!(foot, vec!["Tổng cộng 5 59.500.000 đ"]);
    let g1 = site.html(&format!("{OUT}/to-dan-pho-so-1/index.html"));
    assert_eq!(
        texts(&g1, "#danh-sach tbody th"),
        vec!["Nguyễn Văn Thử", "Trần Thị Mẫu"]
    );
    let cells = texts(&g1, "#danh-sach tbody td");
    assert!(cells.iter().any(|c| c == "12/2026"), "{cells:?}");
    assert!(!cells.iter().any(|c| c == "01/12/2026"), "{cells:?}");
    // Shown as such: monthly amount, months, total for the period.
    let first: Vec<&String> = cells.iter().take(7).collect();
    assert!(
        first
            .windows(3)
            .any(|w| w[0] == "1.500.000 đ" && w[1] == "12" && w[2] == "18.000.000 đ"),
        "{cells:?}"
    );
    let heads = texts(&g1, "#danh-sach thead th");
    assert!(
        heads
            .windows(3)
            .any(|w| w == ["Mức hằng tháng", "Số tháng", "Số tiền"]),
        "{heads:?}"
    );
}

#[test]
fn totals_row_that_lies_is_an_error_naming_both_numbers() {
    let site = site_with_export("6.000");
    let err = site.build_err("2026-11-23");
    assert!(err.contains("danh-sach.csv:11"), "{err}");
    assert!(err.contains("Tổng cộng"), "{err}");
    assert!(err.contains("6.000") && err.contains("5.500"), "{err}");
}

#[test]
fn column_mapping_in_front_matter() {
    let site = Site::fixture("support");
    let header = "STT,Họ và tên,Tổ dân phố,Diện,Tiền hỗ trợ hằng tháng,Ghi chú\n";
    let rows = "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,\n";
    site.write(LIST, format!("{header}{rows}"));

    // Unknown header: the closest accepted names and both fixes.
    site.write(LIST_PAGE, list_page(""));
    let err = site.build_err("2026-11-23");
    assert!(err.contains("Tiền hỗ trợ hằng tháng"), "{err}");
    assert!(err.contains("Có phải ý bạn là"), "{err}");
    assert!(err.contains("[record.columns]"), "{err}");
    assert!(
        err.contains("amount_vnd = \"Tiền hỗ trợ hằng tháng\""),
        "{err}"
    );

    // Mapped: builds, the amount is published.
    site.write(
        LIST_PAGE,
        list_page("[record.columns]\namount_vnd = \"Tiền hỗ trợ hằng tháng\""),
    );
    site.build_ok("2026-11-23");
    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{OUT}/danh-sach.json"))).unwrap();
    assert_eq!(json[0]["Số tiền"], 1_500_000);

    // A mapping naming a header the file does not have.
    site.write(
        LIST_PAGE,
        list_page("[record.columns]\namount_vnd = \"Tiền trợ cấp\""),
    );
    let err = site.build_err("2026-11-23");
    assert!(
        err.contains("Tiền trợ cấp") && err.contains("không có cột đó"),
        "{err}"
    );

    // A mapping naming a field the list does not have.
    site.write(
        LIST_PAGE,
        list_page("[record.columns]\nso_tien = \"Tiền hỗ trợ hằng tháng\""),
    );
    let err = site.build_err("2026-11-23");
    assert!(
        err.contains("so_tien") && err.contains("không có trường đó"),
        "{err}"
    );
}

#[test]
fn delimiter_given_in_front_matter() {
    let site = Site::fixture("support");
    // Pipe-separated with commas and semicolons in cells: only the front matter says.
    site.write(
        LIST,
        "STT|Họ và tên|Tổ dân phố|Diện|Số tiền|Ghi chú\n1|Nguyễn Văn Thử|Tổ dân phố số 1|Hộ nghèo|1.500.000|a; b, c\n",
    );
    site.write(LIST_PAGE, list_page("delimiter = \"|\""));
    site.build_ok("2026-11-23");
    let rows = csv_rows(&site, &format!("{OUT}/danh-sach.csv"));
    assert_eq!(rows[1][5], "a; b, c");
    site.write(LIST_PAGE, list_page("delimiter = \"x\""));
    let err = site.build_err("2026-11-23");
    assert!(err.contains("record.delimiter"), "{err}");
}

#[test]
fn unit_that_contradicts_the_field_is_an_error() {
    let site = Site::fixture("support");
    site.write(
        LIST,
        "STT,Họ và tên,Tổ dân phố,Diện,Số tiền (hộ),Ghi chú\n1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,\n",
    );
    site.write(LIST_PAGE, list_page(""));
    let err = site.build_err("2026-11-23");
    assert!(
        err.contains("Số tiền (hộ)") && err.contains("\u{201c}hộ\u{201d}"),
        "{err}"
    );
}

/// A name made of letters only (digits would look like personal numbers).
fn name(i: usize) -> String {
    let mut s = String::new();
    let mut n = i;
    for _ in 0..3 {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    format!("Nguyễn Văn {}{}", s[..1].to_uppercase(), &s[1..])
}

#[test]
fn same_error_on_5000_rows_is_one_summarised_diagnostic() {
    let site = Site::fixture("support");
    site.build_ok("2026-11-23");
    let before = site.read(&format!("{OUT}/danh-sach.csv"));
    let mut text = String::from("STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "{},{},Tổ dân phố số 1,Hộ nghèo,1.5tr,\n",
            i + 1,
            name(i)
        ));
    }
    site.write(LIST, text);
    site.write(LIST_PAGE, list_page(""));
    let err = site.build_err("2026-11-23");
    let errors = err.matches("lỗi (error):").count();
    assert_eq!(errors, 1, "{err}");
    assert!(err.contains("5000 lỗi cùng loại"), "{err}");
    assert!(err.contains("dòng 2, 3, 4, 5, 6"), "{err}");
    assert!(err.len() < 5_000, "{} bytes:\n{err}", err.len());
    // The previous output is intact.
    assert_eq!(site.read(&format!("{OUT}/danh-sach.csv")), before);
}

#[test]
fn same_names_are_one_warning_unless_same_group_and_category() {
    let site = Site::fixture("support");
    site.write(LIST_PAGE, list_page(""));
    site.write(
        LIST,
        "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú\n\
         1,Nguyễn Văn An,Tổ dân phố số 1,Hộ nghèo,1.500.000,\n\
         2,Nguyễn Văn An,Tổ dân phố số 2,Hộ nghèo,1.500.000,\n\
         3,Nguyễn Văn An,Tổ dân phố số 1,Hộ cận nghèo,1.000.000,\n",
    );
    let out = site.preview_ok("2026-11-23");
    let err = stderr(&out);
    assert_eq!(err.matches("tên trùng").count(), 1, "{err}");
    assert!(err.contains("2 dòng có tên trùng"), "{err}");
    // Same group and same category: a likely double payment.
    site.write(
        LIST,
        "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú\n\
         1,Nguyễn Văn An,Tổ dân phố số 1,Hộ nghèo,1.500.000,\n\
         2,Nguyễn Văn An,Tổ dân phố số 1,Hộ nghèo,1.500.000,\n",
    );
    let err = site.build_err("2026-11-23");
    assert!(err.contains("dòng 2 và dòng 3"), "{err}");
    assert!(err.contains("chi trả hai lần"), "{err}");
}

/// The list in TCVN3 (ABC) bytes, as typed with the .VnTime fonts.
const TCVN3_LIST: &[u8] =
    b"STT,H\xe4 v\xb5 t\xaan,T\xe6 d\xa9n ph\xe8,Di\xd6n,S\xe8 ti\xd2n,Ghi ch\xf3\n\
1,Nguy\xd4n V\xa8n Th\xf6,T\xe6 d\xa9n ph\xe8 s\xe8 1,H\xe9 ngh\xcco,1.500.000,\n\
2,Tr\xc7n Th\xde M\xc9u,T\xe6 d\xa9n ph\xe8 s\xe8 1,H\xe9 c\xcbn ngh\xcco,1.000.000,\n";

/// The same list in VNI Windows bytes (VNI-Times: a base letter, then a mark byte).
const VNI_LIST: &[u8] =
    b"STT,Ho\xef va\xf8 te\xe2n,To\xe5 da\xe2n pho\xe1,Die\xe4n,So\xe1 tie\xe0n,Ghi chu\xf9\n\
1,Nguye\xe3n Va\xean Th\xf6\xfb,To\xe5 da\xe2n pho\xe1 so\xe1 1,Ho\xe4 nghe\xf8o,1.500.000,\n\
2,Tra\xe0n Th\xf2 Ma\xe3u,To\xe5 da\xe2n pho\xe1 so\xe1 1,Ho\xe4 ca\xe4n nghe\xf8o,1.000.000,\n";

#[test]
fn tcvn3_and_vni_lists_are_converted_with_a_warning() {
    for (bytes, encoding) in [(TCVN3_LIST, "TCVN3"), (VNI_LIST, "VNI")] {
        let site = Site::fixture("support");
        site.write(LIST_PAGE, list_page(""));
        site.write(LIST, bytes);
        let out = site.preview_ok("2026-11-23");
        let err = stderr(&out);
        assert!(
            err.contains("danh-sach.csv") && err.contains(encoding) && err.contains("đã tự chuyển"),
            "{encoding}: {err}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&site.read(&format!("{OUT}/danh-sach.json"))).unwrap();
        assert_eq!(json[0]["Họ và tên"], "Nguyễn Văn Thử", "{encoding}");
        assert_eq!(json[1]["Họ và tên"], "Trần Thị Mẫu", "{encoding}");
        assert_eq!(json[1]["Diện"], "Hộ cận nghèo", "{encoding}");
        assert_eq!(json[1]["Tổ dân phố"], "Tổ dân phố số 1", "{encoding}");
        let g1 = site.html(&format!("{OUT}/to-dan-pho-so-1/index.html"));
        assert_eq!(
            texts(&g1, "#danh-sach tbody th"),
            vec!["Nguyễn Văn Thử", "Trần Thị Mẫu"],
            "{encoding}"
        );
    }
}

/// A TCVN3 list whose capitals were typed in the uppercase font .VnTimeH (TCVN3 has no
/// accented capitals; that font draws the lowercase codes as capitals), built byte by
/// byte from the TCVN3 table: a title typed with Caps Lock (ASCII capitals, lowercase
/// codes: "C\xe9NG" is "CộNG"), a title and the header typed in lowercase codes, a name
/// typed with Caps Lock and one in lowercase codes throughout.
const TCVN3_UPPERCASE_FONT_LIST: &[u8] =
    b"C\xe9NG HO\xb5 X\xb7 H\xe9I CH\xf1 NGH\xdcA VI\xd6T NAM,,,,,\n\
danh s\xb8ch h\xe9 \xae\xad\xeec h\xe7 tr\xee,,,,,\n\
stt,h\xe4 v\xb5 t\xaan,t\xe6 d\xa9n ph\xe8,di\xd6n,s\xe8 ti\xd2n,ghi ch\xf3\n\
1,NGUY\xd4N V\xa1N TH\xf6,T\xe6 d\xa9n ph\xe8 s\xe8 1,H\xe9 ngh\xcco,1.500.000,\n\
2,tr\xc7n th\xde m\xc9u,T\xe6 d\xa9n ph\xe8 s\xe8 1,H\xe9 c\xcbn ngh\xcco,1.000.000,\n";

/// What congkhai can soundly do with uppercase-font text: headers match whatever their
/// case; a word mixing capitals and lowercase codes is written in capitals; a word in
/// lowercase codes throughout cannot be told from an ordinary word and stays lowercase,
/// which the warning says.
#[test]
fn tcvn3_capitals_from_uppercase_fonts_are_read_as_far_as_they_can_be() {
    let site = Site::fixture("support");
    site.write(LIST_PAGE, list_page(""));
    site.write(LIST, TCVN3_UPPERCASE_FONT_LIST);
    let out = site.preview_ok("2026-11-23");
    let err = stderr(&out);
    assert!(
        err.contains("TCVN3") && err.contains("đã tự chuyển"),
        "{err}"
    );
    // Six words of the first title, NGUYỄN and THỬ of the first name.
    assert!(
        err.contains("8 từ gõ bằng phông chữ hoa")
            && err.contains("\u{201c}CộNG\u{201d} → \u{201c}CỘNG\u{201d}"),
        "{err}"
    );
    assert!(err.contains("không nhận ra được"), "{err}");
    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{OUT}/danh-sach.json"))).unwrap();
    let rows = json.as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{json}");
    let name = |row: &serde_json::Value| {
        row.as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.to_lowercase() == "họ và tên"))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string)
    };
    assert_eq!(name(&rows[0]).as_deref(), Some("NGUYỄN VĂN THỬ"), "{json}");
    // The limit: typed in lowercase codes throughout, published in lowercase.
    assert_eq!(name(&rows[1]).as_deref(), Some("trần thị mẫu"), "{json}");
    let g1 = site.html(&format!("{OUT}/to-dan-pho-so-1/index.html"));
    assert_eq!(
        texts(&g1, "#danh-sach tbody th"),
        vec!["NGUYỄN VĂN THỬ", "trần thị mẫu"]
    );
}

#[test]
fn check_explain_shows_what_congkhai_sees() {
    let site = site_with_export("6.000");
    let out = site.run(&["check", "--explain", LIST]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    for want in [
        "UTF-8 (có BOM)",
        "chấm phẩy",
        "Dòng tiêu đề: dòng 4",
        "\u{201c}Mức hỗ trợ (nghìn đồng/tháng)\u{201d} → amount_vnd, đơn vị nghìn đồng/tháng",
        "\u{201c}Từ tháng\u{201d} → from",
        "Số dòng dữ liệu: 5",
        "dòng 7 \u{201c}Cộng tổ 1\u{201d} (cộng 2 dòng phía trên): khớp",
        "dòng 11 \u{201c}Tổng cộng\u{201d} (cộng cả bảng, 5 dòng): KHÔNG khớp",
        "ghi 6.000, cộng được 5.500",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    let site = Site::fixture("support");
    site.write(LIST, TCVN3_LIST);
    let out = site.run(&["check", "--explain", LIST]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("TCVN3") && text.contains("→ full_name"),
        "{text}"
    );
}
