//! What the seed plans need (issue 13): sensitive categories published under neutral
//! labels (seed 001), amounts per category and partner bodies (seed 001), built from
//! fixture sites shaped like the seeds and read back as parsed HTML, CSV and JSON.

use crate::common;
use common::*;

const PROGRAMME: &str = "content/ho-tro/chuong-trinh.md";
const LIST: &str = "data/ho-tro/danh-sach.csv";
const LIST_PAGE: &str = "content/ho-tro/danh-sach.md";
const OUT: &str = "public/ho-tro/danh-sach";

/// The support fixture with a seed-001-shaped programme: sensitive categories, amounts
/// per category, partner bodies. `extra` is added to its `[record]`.
fn seed_001(extra: &str, rows: &str) -> Site {
    let site = Site::fixture("support");
    site.write(
        PROGRAMME,
        format!(
            r#"+++
title = "Hỗ trợ thành viên hộ nghèo, cận nghèo 2026–2030"
kind = "programme"
[record]
code = "HN"
legal_basis = "Nghị quyết số 04/2026/NQ-HĐND ngày 20/4/2026 của HĐND thành phố"
eligible = "Thành viên hộ nghèo, hộ cận nghèo theo Điều 2 Nghị quyết"
categories = ["Hộ nghèo", "Hộ cận nghèo", "Hộ có người mắc bệnh hiểm nghèo", "Người khuyết tật nặng"]
period = "Từ ngày 01/01/2026 đến ngày 31/12/2030"
office = "Phòng Kinh tế, Hạ tầng và Đô thị"
{extra}
[record.category_amounts_vnd]
"Hộ nghèo" = 500000
"Hộ cận nghèo" = 300000
"Hộ có người mắc bệnh hiểm nghèo" = 300000
"Người khuyết tật nặng" = 300000
[[record.partners]]
name = "Phòng Kinh tế, Hạ tầng và Đô thị"
role = "Chủ trì"
duties = ["Rà soát, xét duyệt đối tượng", "Công khai danh sách đối tượng đủ điều kiện"]
[[record.partners]]
name = "Bảo hiểm Xã hội cơ sở"
role = "Phối hợp"
duties = ["Cấp thẻ bảo hiểm y tế, tránh trùng lặp"]
[[record.partners]]
name = "Các tổ dân phố"
[approval]
by = "Trần Văn Mẫu"
role = "Chủ tịch UBND phường"
decision = "Quyết định số 1/QĐ-UBND"
date = 2026-06-01
+++
Chính sách hỗ trợ thu nhập hằng tháng.
"#
        ),
    );
    site.write(
        LIST,
        format!("STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Đến ngày,Ghi chú\n{rows}"),
    );
    let page = site
        .read(LIST_PAGE)
        .replace("declared_total_vnd = 5500000\n", "");
    site.write(LIST_PAGE, page);
    site
}

/// Rows with the sensitive categories written as staff do: capitals, no diacritics,
/// doubled and no-break spaces, a zero-width space.
const ROWS: &str = "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,3.000.000,07/2026,12/2026,\n\
2,Trần Thị Mẫu,TDP 1,HỘ CÓ NGƯỜI MẮC BỆNH HIỂM NGHÈO,1.800.000,07/2026,12/2026,\n\
3,Lê Văn Giả,Tổ dân phố số 2,ho co nguoi mac benh  hiem ngheo,1.800.000,07/2026,12/2026,\n\
4,Phạm Thị Định,Tổ dân phố số 2,Người khuyết\u{200b}tật\u{a0}nặng,1.800.000,07/2026,12/2026,\n\
5,Hoàng Văn Ví,Tổ 3,Hộ cận nghèo,1.800.000,07/2026,12/2026,\n";

/// Folded text (no diacritics, lower case, words single-spaced) of a file.
fn folded(bytes: &[u8]) -> String {
    congkhai::text::fold_words(&String::from_utf8_lossy(bytes))
}

/// Files under `dir` whose folded text contains one of `phrases` (folded).
fn files_with(dir: &std::path::Path, phrases: &[&str]) -> Vec<String> {
    let mut hits = Vec::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if !e.file_type().is_file() {
            continue;
        }
        let text = folded(&std::fs::read(e.path()).unwrap());
        if phrases.iter().any(|p| text.contains(p)) {
            hits.push(e.path().strip_prefix(dir).unwrap().display().to_string());
        }
    }
    hits.sort();
    hits
}

#[test]
fn sensitive_categories_are_published_under_neutral_labels_everywhere() {
    let site = seed_001(
        "[record.category_labels]\n\"Hộ có người mắc bệnh hiểm nghèo\" = \"Diện hỗ trợ 2\"",
        ROWS,
    );
    let out = site.build_ok("2026-11-23");
    let err = stderr(&out);
    // The build names the categories affected and their labels, once per list.
    assert!(
        err.contains("“Hộ có người mắc bệnh hiểm nghèo” (tình trạng sức khỏe) → “Diện hỗ trợ 2”"),
        "{err}"
    );
    assert!(
        err.contains("“Người khuyết tật nặng” (khuyết tật) → “Diện hỗ trợ đặc thù”"),
        "{err}"
    );

    // CSV and JSON carry the labels.
    let csv = site.read(&format!("{OUT}/danh-sach.csv"));
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let cats: Vec<String> = reader
        .records()
        .map(|r| r.unwrap().get(3).unwrap().to_string())
        .collect();
    assert_eq!(
        cats,
        [
            "Hộ nghèo",
            "Diện hỗ trợ 2",
            "Diện hỗ trợ 2",
            "Diện hỗ trợ đặc thù",
            "Hộ cận nghèo"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{OUT}/danh-sach.json"))).unwrap();
    let json_cats: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Diện"].as_str().unwrap())
        .collect();
    assert_eq!(json_cats, cats);

    // Totals by category follow the labels; the page explains them.
    let doc = site.html(&format!("{OUT}/index.html"));
    assert_eq!(
        texts(&doc, "table:has(#tong-theo-dien) tbody th"),
        [
            "Hộ nghèo",
            "Hộ cận nghèo",
            "Diện hỗ trợ 2",
            "Diện hỗ trợ đặc thù"
        ]
    );
    let note = texts(&doc, "#dien-ghi-ten-chung").join(" ");
    assert!(
        note.contains("“Diện hỗ trợ 2”, “Diện hỗ trợ đặc thù”"),
        "{note}"
    );
    let print = site.html(&format!("{OUT}/in/index.html"));
    assert_eq!(texts(&print, "#dien-ghi-ten-chung").len(), 1);

    // No list output — pages, group pages, print views, downloads, data package,
    // feeds, manifest, history pages, search index — nor the history copies name them.
    // Only the programme page (no names on it) states its categories.
    let phrases = ["benh hiem ngheo", "nguoi khuyet tat"];
    assert_eq!(
        files_with(&site.path().join("public"), &phrases),
        ["ho-tro/chuong-trinh/index.html"]
    );
    assert_eq!(
        files_with(&site.path().join("history"), &phrases),
        Vec::<String>::new()
    );

    // A second publication with a corrected list: the history's diff of the two
    // versions names no sensitive category either.
    let rows = ROWS.replace("4,Phạm Thị Định", "4,Phạm Thị Định Mới");
    site.write(
        LIST,
        format!("STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Đến ngày,Ghi chú\n{rows}"),
    );
    let page = site.read(LIST_PAGE).replace(
        "kind = ",
        "correction = \"Sửa họ tên hộ số 4 theo đơn của hộ\"\nkind = ",
    );
    site.write(LIST_PAGE, page);
    site.build_ok("2026-11-24");
    assert_eq!(
        files_with(&site.path().join("public"), &phrases),
        ["ho-tro/chuong-trinh/index.html"]
    );
    assert_eq!(
        files_with(&site.path().join("history"), &phrases),
        Vec::<String>::new()
    );
}

#[test]
fn a_cited_legal_basis_names_the_categories_on_the_page() {
    let site = seed_001(
        "category_legal_basis = \"Khoản 3 Điều 5 Nghị quyết số 04/2026/NQ-HĐND\"",
        ROWS,
    );
    let err = stderr(&site.build_ok("2026-11-23"));
    assert!(
        err.contains("công khai tên diện nhạy cảm cạnh tên người"),
        "{err}"
    );
    let doc = site.html(&format!("{OUT}/index.html"));
    assert_eq!(
        texts(&doc, "table:has(#tong-theo-dien) tbody th"),
        [
            "Hộ nghèo",
            "Hộ cận nghèo",
            "Hộ có người mắc bệnh hiểm nghèo",
            "Người khuyết tật nặng"
        ]
    );
    assert_eq!(
        texts(&doc, "#can-cu-cong-khai-dien"),
        ["Tên các diện được công khai theo: Khoản 3 Điều 5 Nghị quyết số 04/2026/NQ-HĐND"]
    );
    assert!(texts(&doc, "#dien-ghi-ten-chung").is_empty());
}

#[test]
fn a_label_that_still_names_the_condition_is_refused() {
    let site = seed_001(
        "[record.category_labels]\n\"Người khuyết tật nặng\" = \"Diện khuyet-tat\"",
        ROWS,
    );
    let err = site.build_err("2026-11-23");
    assert!(err.contains("content/ho-tro/chuong-trinh.md"), "{err}");
    assert!(
        err.contains("nhãn “Diện khuyet-tat” vẫn nêu khuyết tật"),
        "{err}"
    );
}

#[test]
fn amounts_per_category_and_partners() {
    let site = seed_001("", ROWS);
    site.build_ok("2026-11-23");
    let doc = site.html("public/ho-tro/chuong-trinh/index.html");
    assert_eq!(
        texts(&doc, "table:has(#muc-ho-tro-theo-dien) tbody tr"),
        [
            "Hộ nghèo 500.000 đ",
            "Hộ cận nghèo 300.000 đ",
            "Hộ có người mắc bệnh hiểm nghèo 300.000 đ",
            "Người khuyết tật nặng 300.000 đ"
        ]
    );
    assert_eq!(
        texts(&doc, ".partners-list dt"),
        [
            "Phòng Kinh tế, Hạ tầng và Đô thị (Chủ trì)",
            "Bảo hiểm Xã hội cơ sở (Phối hợp)",
            "Các tổ dân phố"
        ]
    );
    assert_eq!(
        texts(&doc, ".partners-list dd:first-of-type li"),
        [
            "Rà soát, xét duyệt đối tượng",
            "Công khai danh sách đối tượng đủ điều kiện"
        ]
    );

    // A row whose amount is not its category's: the error names both, at the row.
    let bad = ROWS.replace(
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,3.000.000",
        "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.800.000",
    );
    site.write(
        LIST,
        format!("STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Từ ngày,Đến ngày,Ghi chú\n{bad}"),
    );
    let before = site.read(&format!("{OUT}/danh-sach.csv"));
    let err = site.build_err("2026-11-23").replace('\u{a0}', " ");
    assert!(err.contains("data/ho-tro/danh-sach.csv:2"), "{err}");
    assert!(
        err.contains("số tiền 1.800.000 đ không khớp mức hỗ trợ của diện “Hộ nghèo”: 500.000 đ/tháng × 6 tháng = 3.000.000 đ"),
        "{err}"
    );
    assert_eq!(
        site.read(&format!("{OUT}/danh-sach.csv")),
        before,
        "public/ untouched"
    );

    // `months` on the list overrides the rows' dates.
    let page = site
        .read(LIST_PAGE)
        .replace("[approval]", "months = 1\n[approval]");
    site.write(LIST_PAGE, page);
    let err = site.build_err("2026-11-23").replace('\u{a0}', " ");
    assert!(
        err.contains("số tiền 1.800.000 đ không khớp mức hỗ trợ của diện “Hộ nghèo”: 500.000 đ"),
        "{err}"
    );
}

/// Seed 000's weekly report deadline and seed 002's fixed report dates in a timeline.
#[test]
fn recurring_deadlines_in_the_timeline() {
    let site = Site::fixture("merger");
    site.write(
        "data/sx/tasks.csv",
        "\u{feff}STT;Nội dung công việc;Cơ quan chủ trì;Cơ quan phối hợp;Thời gian hoàn thành;Tình trạng;Ngày hoàn thành;Ghi chú\r\n\
1;Báo cáo kết quả thực hiện;Các phòng, ban;Phòng VH-XH;trước 12h00' thứ Năm hằng tuần;;;\r\n\
2;Báo cáo 6 tháng và báo cáo năm;Ban công tác Mặt trận;;Trước ngày 25/06 và 25/12 hằng năm;;;\r\n\
3;Ban hành kế hoạch;Phòng VH-XH;;Chậm nhất ngày 10/6/2026;;10/06/2026;\r\n\
4;Ngày hội Đại đoàn kết toàn dân tộc;Ban công tác Mặt trận;Các chi hội;Ngày 18/11 hằng năm;;;\r\n",
    );
    let out = site.build_ok("2026-11-23");
    assert!(
        !stderr(&out).contains("không đọc được thời hạn"),
        "{}",
        stderr(&out)
    );
    let doc = site.html("public/sx/tien-do/index.html");
    let next = texts(&doc, ".due-next");
    // 23/11/2026 is a Monday: the next Thursday is 26/11; the next fixed date 25/12.
    // The community day (seed 002: 18/11) comes back next year.
    assert_eq!(
        next,
        [
            "(lần tới: 26/11/2026)",
            "(lần tới: 25/12/2026)",
            "(lần tới: 18/11/2027)"
        ]
    );
    let csv = site.read("public/sx/tien-do/tien-do-thuc-hien.csv");
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let statuses: Vec<String> = reader
        .records()
        .map(|r| r.unwrap().get(7).unwrap().to_string())
        .collect();
    assert_eq!(
        statuses,
        [
            "Thực hiện thường xuyên",
            "Thực hiện thường xuyên",
            "Đã hoàn thành",
            "Thực hiện thường xuyên"
        ]
    );
}

/// Seed 000's deputies counted by number: "Phó Tổ trưởng: 2 người" is two deputies, which
/// a group under 1.000 households may not have.
#[test]
fn deputies_counted_by_number() {
    let site = Site::fixture("merger");
    let plan = site.read("data/sx/plan.csv").replace(
        "Tổ trưởng; Phó Tổ trưởng; Công an viên",
        "Tổ trưởng: 01 người; Phó Tổ trưởng: 2 người",
    );
    site.write("data/sx/plan.csv", plan);
    let err = site.build_err("2026-11-23");
    assert!(err.contains("data/sx/plan.csv:3"), "{err}");
    assert!(err.contains("nhưng dự kiến 2"), "{err}");
}

/// A document's signing formula and "Nơi nhận", as seed 001 signs it.
#[test]
fn document_signature_and_recipients() {
    let site = Site::fixture("merger");
    site.write(
        "content/sx/ke-hoach.md",
        r#"+++
title = "Kế hoạch triển khai"
kind = "document"
[record]
number = "58/KH-UBND"
doc_type = "Kế hoạch"
issuer = "Ủy ban nhân dân phường Thử Nghiệm"
signer = "Phạm Văn Mẫu"
signer_role = "Phó Chủ tịch"
signing = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
issued = 2026-06-10
recipients = """
Nơi nhận:
- UBND thành phố;
- Thường trực Đảng ủy;
- Lưu: VT, KTHT&ĐT.
"""
[approval]
by = "Trần Văn Mẫu"
role = "Chủ tịch UBND phường"
decision = "Quyết định số 1/QĐ-UBND"
date = 2026-06-10
+++
Nội dung kế hoạch.
"#,
    );
    site.build_ok("2026-11-23");
    let doc = site.html("public/sx/ke-hoach/index.html");
    assert_eq!(
        texts(&doc, ".doc-signer p"),
        [
            "TM. ỦY BAN NHÂN DÂN",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Phạm Văn Mẫu"
        ]
    );
    assert_eq!(
        texts(&doc, ".doc-recipients li"),
        [
            "UBND thành phố;",
            "Thường trực Đảng ủy;",
            "Lưu: VT, KTHT&ĐT."
        ]
    );
    // A formula line that is not TM./KT./TL./TUQ./Q. is an error naming the page.
    let page = site
        .read("content/sx/ke-hoach.md")
        .replace("\"KT. CHỦ TỊCH\"", "\"Ký thay Chủ tịch\"");
    site.write("content/sx/ke-hoach.md", page);
    let err = site.build_err("2026-11-24");
    assert!(err.contains("content/sx/ke-hoach.md"), "{err}");
    assert!(
        err.contains("“Ký thay Chủ tịch” không bắt đầu bằng TM., KT."),
        "{err}"
    );
}

/// Seed 000's rule: one person holds at most one additional post in a group.
#[test]
fn one_additional_post_per_person() {
    let site = Site::fixture("merger");
    let page = site
        .read("content/sx/phuong-an.md")
        .replace("[approval]", "staff = \"data/sx/nhan-su.csv\"\n[approval]");
    site.write("content/sx/phuong-an.md", page);
    site.write(
        "data/sx/nhan-su.csv",
        "Họ và tên,Tổ mới,Chức danh,Kiêm nhiệm\n\
Nguyễn Văn Mẫu,N1,Tổ trưởng,Công an viên\n\
Trần Thị Thử,Tổ Một Hai,Phó Tổ trưởng,\n\
Lê Văn Giả,N2,Tổ trưởng,\n",
    );
    site.build_ok("2026-11-23");
    let doc = site.html("public/sx/phuong-an/to-mot-hai/index.html");
    assert_eq!(
        texts(&doc, "#nhan-su-du-kien tbody tr"),
        [
            "Nguyễn Văn Mẫu Tổ trưởng Công an viên",
            "Trần Thị Thử Phó Tổ trưởng"
        ]
    );

    // Two additional posts, one of them on a second row of the same person (the name
    // written with another tone placement): an error naming the person and every post.
    site.write(
        "data/sx/nhan-su.csv",
        "Họ và tên,Tổ mới,Chức danh,Kiêm nhiệm\n\
Nguyễn Văn Hoà,N1,Tổ trưởng,Công an viên\n\
Trần Thị Thử,Tổ Một Hai,Phó Tổ trưởng,\n\
nguyễn văn hòa,N1,Trưởng ban công tác Mặt trận,\n",
    );
    let before = site.read("public/sx/phuong-an/to-mot-hai/index.html");
    let err = site.build_err("2026-11-24");
    assert!(err.contains("data/sx/nhan-su.csv:4"), "{err}");
    assert!(
        err.contains("“nguyễn văn hòa” (tổ “N1”) giữ 3 chức danh: Tổ trưởng, Công an viên, Trưởng ban công tác Mặt trận — kiêm nhiệm 2 chức danh, vượt mức tối đa 1 (xem cả dòng 2)"),
        "{err}"
    );
    assert_eq!(
        site.read("public/sx/phuong-an/to-mot-hai/index.html"),
        before
    );
}

/// Seed 002: the donations ledger prints on A4 like a beneficiary list, with a QR code to
/// the page and the SHA-256 of each published CSV; the five forms are named as the seed
/// names them.
#[test]
fn donations_ledger_print_view() {
    let site = Site::demo();
    site.preview_ok("2026-11-23");
    let base = "public/ho-tro/an-sinh-cong-dong-to-3";
    let page = site.html(&format!("{base}/index.html"));
    assert_eq!(texts(&page, ".print-link a"), ["Bản in khổ A4 để niêm yết"]);
    let forms = texts(&page, "table:has(#theo-hinh-thuc) tbody th");
    for f in &forms {
        assert!(
            [
                "Hỗ trợ khẩn cấp",
                "Hỗ trợ sinh kế",
                "Hỗ trợ giáo dục",
                "Hỗ trợ hạ tầng",
                "Hỗ trợ tinh thần"
            ]
            .contains(&f.as_str()),
            "{f}"
        );
    }
    assert!(forms.contains(&"Hỗ trợ giáo dục".to_string()), "{forms:?}");

    let print_html = site.read(&format!("{base}/in/index.html"));
    let print = scraper::Html::parse_document(&print_html);
    assert!(print_html.contains("noindex"));
    assert_eq!(
        texts(&print, ".print-sheet__qr svg[role=img]").len(),
        1,
        "one QR code"
    );
    // Each CSV's checksum is the SHA-256 of the file published next to the page.
    let sums = texts(&print, ".checksum code");
    let mut want = Vec::new();
    for file in ["ho-tro-da-trao.csv", "nguon-luc.csv"] {
        let bytes = std::fs::read(site.path().join(format!("{base}/{file}"))).unwrap();
        want.push(common::sha256_hex(&bytes));
    }
    let mut got = sums.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    // The same rows as the screen page.
    assert_eq!(
        texts(&print, "#ho-tro-da-trao-in tbody tr").len(),
        texts(&page, "table:has(#ho-tro-da-trao) tbody tr").len()
    );
}

/// Seed 000: the response to residents' opinions (tiếp thu, giải trình) is published
/// with the consultation result, on the page and in the full JSON.
#[test]
fn consultation_publishes_the_response_to_opinions() {
    let site = Site::fixture("merger");
    let page = site.read("content/sx/ket-qua.md").replace(
        "[approval]",
        r#"[[record.responses]]
opinion = "Đề nghị giữ tên Tổ số 1 cho tổ mới"
count = 7
groups = "G1"
accepted = true
response = "Tiếp thu: tổ mới mang tên Tổ Một Hai, ghi rõ gồm Tổ số 1"
[[record.responses]]
opinion = "Đề nghị không sáp nhập vì nhà văn hóa xa"
count = 3
accepted = false
response = "Giải trình: nhà văn hóa Tổ số 2 tiếp tục được dùng làm điểm sinh hoạt"
[approval]"#,
    );
    site.write("content/sx/ket-qua.md", page);
    site.build_ok("2026-11-23");
    let doc = site.html("public/sx/ket-qua/index.html");
    assert_eq!(
        texts(&doc, "section.responses tbody tr"),
        [
            "Đề nghị giữ tên Tổ số 1 cho tổ mới (G1) 7 Tiếp thu Tiếp thu: tổ mới mang tên Tổ Một Hai, ghi rõ gồm Tổ số 1",
            "Đề nghị không sáp nhập vì nhà văn hóa xa 3 Giải trình Giải trình: nhà văn hóa Tổ số 2 tiếp tục được dùng làm điểm sinh hoạt"
        ]
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("public/sx/ket-qua/ket-qua-lay-y-kien-day-du.json"))
            .unwrap();
    assert_eq!(json["responses"][1]["accepted"], false);
    assert_eq!(json["responses"][0]["count"], 7);

    // A response without its outcome is an error naming the page.
    let page = site
        .read("content/sx/ket-qua.md")
        .replace("accepted = false\n", "");
    site.write("content/sx/ket-qua.md", page);
    let err = site.build_err("2026-11-24");
    assert!(err.contains("content/sx/ket-qua.md"), "{err}");
    assert!(
        err.contains("“Đề nghị không sáp nhập vì nhà văn hóa xa”: ghi accepted = true"),
        "{err}"
    );
}

/// No response at all while households disagreed: a warning says so.
#[test]
fn consultation_without_response_is_flagged() {
    let site = Site::fixture("merger");
    let page = site.read("content/sx/ket-qua.md");
    let head = &page[..page.rfind("+++").unwrap() + 3];
    site.write("content/sx/ket-qua.md", format!("{head}\n"));
    let err = stderr(&site.build_ok("2026-11-23"));
    assert!(
        err.contains(
            "phiếu không đồng ý hoặc ý kiến khác nhưng trang chưa có phần tiếp thu, giải trình"
        ),
        "{err}"
    );
}
