//! The generic `dataset` kind (seed 003): declared columns, typed values, privacy, the
//! page, CSV, JSON and open data, run through the real binary.
use crate::common;
use common::*;

/// The shared test portal (`common::PORTAL_CONFIG`).
const CONFIG: &str = PORTAL_CONFIG;

const FIELDS: &str = r#"[[record.fields]]
name = "Khu dân cư"
type = "text"
required = true
description = "Tên khu dân cư được công nhận"

[[record.fields]]
name = "Số hộ"
type = "số nguyên"
unit = "hộ"
description = "Số hộ gia đình của khu dân cư"

[[record.fields]]
name = "Đạt an ninh trật tự"
type = "boolean"
description = "Đạt tiêu chí an ninh, trật tự"

[[record.fields]]
name = "Điểm"
type = "number"
description = "Điểm thẩm định"

[[record.fields]]
name = "Ngày công nhận"
type = "date"
description = "Ngày ký quyết định công nhận"

[[record.fields]]
name = "Từ tháng"
type = "month"
description = "Tháng bắt đầu thực hiện"

[[record.fields]]
name = "Kinh phí"
type = "money"
description = "Kinh phí hỗ trợ"

[[record.fields]]
name = "Ghi chú"
type = "text"
description = "Ghi chú của đoàn thẩm định"
"#;

/// A Vietnamese Excel export: BOM, `;`, CRLF, commas inside cells.
const TABLE: &str = "\u{feff}Khu dân cư;Số hộ;Đạt an ninh trật tự;Điểm;Ngày công nhận;Từ tháng;Kinh phí;Ghi chú\r\n\
Thôn Kon Brăih 1;1.250;có;92,5;25/07/2025;tháng 8/2025;5.000.000;Duy trì tổ tự quản, họp mỗi tháng\r\n\
Làng Đăk Lây;214;không;78;25/07/2025;09/2025;3.000.000;\r\n\
Thôn 3;96;x;81,5;01/08/2025;tháng 10 năm 2025;2.500.000;Camera an ninh do các hộ góp\r\n";

fn page(fields: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"Danh sách khu dân cư tự quản năm 2025\"\ndate = 2025-08-10\nkind = \"dataset\"\n[record]\nfile = \"data/bang.csv\"\nkey = \"Khu dân cư\"\n{extra}\n{fields}\n{APPROVAL}+++\n\nKết quả thẩm định.\n"
    )
}

fn site() -> Site {
    let site = Site::new(CONFIG);
    site.write("content/tu-quan.md", page(FIELDS, ""));
    site.write("data/bang.csv", TABLE);
    site
}

/// Every string anywhere in a JSON value.
fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fn json(site: &Site, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(rel)).expect(rel)
}

#[test]
fn a_declared_table_is_published_as_page_csv_json_and_open_data() {
    let site = site();
    site.build_ok("2026-11-23");
    let doc = site.html("public/tu-quan/index.html");
    let heads = texts(&doc, ".dataset-table thead th");
    assert_eq!(heads[0], "Khu dân cư");
    assert_eq!(heads[1], "Số hộ (hộ)");
    assert_eq!(heads.len(), 8);
    let rows = texts(&doc, ".dataset-table tbody tr");
    assert_eq!(rows.len(), 3);
    let first = texts(&doc, ".dataset-table tbody tr:first-child td");
    assert_eq!(
        first,
        vec![
            "Thôn Kon Brăih 1",
            "1.250",
            "có",
            "92,5",
            "25/07/2025",
            "08/2025",
            "5.000.000 đ",
            "Duy trì tổ tự quản, họp mỗi tháng"
        ]
    );
    // Each cell names its column, for the stacked cards on phones.
    let sel = scraper::Selector::parse(".dataset-table tbody td").expect("sel");
    let labels: Vec<&str> = doc
        .select(&sel)
        .take(8)
        .filter_map(|e| e.value().attr("data-label"))
        .collect();
    assert_eq!(
        labels,
        texts(&doc, ".dataset-table thead th")
            .iter()
            .map(|h| h.split(" (").next().unwrap_or(""))
            .collect::<Vec<_>>()
    );

    // CSV: the declared titles, machine-readable values.
    let csv = site.read("public/tu-quan/bang.csv");
    let mut r = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[0], "Khu dân cư");
    assert_eq!(header[7], "Ghi chú");
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert_eq!(recs.len(), 3);
    assert_eq!(
        recs[0].iter().collect::<Vec<_>>(),
        vec![
            "Thôn Kon Brăih 1",
            "1250",
            "có",
            "92,5",
            "2025-07-25",
            "2025-08",
            "5000000",
            "Duy trì tổ tự quản, họp mỗi tháng"
        ]
    );
    // JSON: typed.
    let j = json(&site, "public/tu-quan/bang.json");
    assert_eq!(j[0]["Số hộ"], 1250);
    assert_eq!(j[0]["Đạt an ninh trật tự"], true);
    assert_eq!(j[1]["Đạt an ninh trật tự"], false);
    assert_eq!(j[0]["Kinh phí"], 5_000_000);
    assert_eq!(j[2]["Từ tháng"], "2025-10");
    assert!(j[1]["Ghi chú"].is_null());
    // The data package describes every declared column, with its type and unit.
    let pkg = json(&site, "public/tu-quan/datapackage.json");
    let res = pkg["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["path"] == "bang.csv")
        .expect("bang.csv");
    let fields = res["schema"]["fields"].as_array().expect("fields");
    let by_name = |n: &str| fields.iter().find(|f| f["name"] == n).expect(n).clone();
    assert_eq!(by_name("Số hộ")["type"], "integer");
    assert_eq!(by_name("Số hộ")["unit"], "hộ");
    assert_eq!(
        by_name("Số hộ")["description"],
        "Số hộ gia đình của khu dân cư"
    );
    assert_eq!(by_name("Ngày công nhận")["type"], "date");
    assert_eq!(by_name("Điểm")["type"], "number");
    assert_eq!(by_name("Kinh phí")["unit"], "đồng");
    assert_eq!(
        res["schema"]["primaryKey"],
        serde_json::json!(["Khu dân cư"])
    );
    // The open-data catalogue offers the files; the search index finds the title.
    let mut all = Vec::new();
    strings(&json(&site, "public/data.json"), &mut all);
    assert!(
        all.iter().any(|s| s.ends_with("/tu-quan/bang.csv")),
        "catalogue"
    );
    let mut found = false;
    for e in std::fs::read_dir(site.path().join("public/tim-kiem/docs")).expect("docs") {
        let mut all = Vec::new();
        strings(
            &serde_json::from_slice(&std::fs::read(e.expect("e").path()).expect("read"))
                .expect("json"),
            &mut all,
        );
        found |= all
            .iter()
            .any(|s| s.contains("Danh sách khu dân cư tự quản năm 2025"));
    }
    assert!(found, "the title is in the search index");
    // Not a list of people: indexable.
    assert!(!site.read("public/tu-quan/index.html").contains("noindex"));
}

#[test]
fn bad_tables_are_refused_with_file_row_and_column() {
    let head =
        "Khu dân cư;Số hộ;Đạt an ninh trật tự;Điểm;Ngày công nhận;Từ tháng;Kinh phí;Ghi chú\n";
    let ok_row = "Thôn 1;10;có;90;25/07/2025;08/2025;1.000;\n";
    let second = |cells: &str| format!("{head}{ok_row}{cells}\n");
    let twice = FIELDS.replace(
        "[[record.fields]]\nname = \"Ghi chú\"",
        "[[record.fields]]\nname = \"Số hộ\"\ntype = \"integer\"\ndescription = \"Lần nữa\"\n\n[[record.fields]]\nname = \"Ghi chú\"",
    );
    let script_title = FIELDS.replace(
        "name = \"Ghi chú\"\ntype",
        "name = \"Ghi chú\"\ntitle = \"Ghi chú<script>alert(1)</script>\"\ntype",
    );
    let name_column = FIELDS.replace("name = \"Ghi chú\"", "name = \"Họ và tên\"");
    let birth = FIELDS.replace(
        "name = \"Ghi chú\"\ntype",
        "name = \"Ngày sinh\"\npersonal = true\ntype",
    );
    let bad_type = FIELDS.replace("type = \"số nguyên\"", "type = \"số đếm được\"");
    let no_desc = FIELDS.replace("description = \"Ghi chú của đoàn thẩm định\"\n", "");
    let cases: Vec<(String, String, &str, &str)> = vec![
        (
            FIELDS.into(),
            second("Thôn 2;mười;có;90;25/07/2025;08/2025;1.000;"),
            "data/bang.csv:3:2",
            "mười",
        ),
        (
            FIELDS.into(),
            second("Thôn 2;10;có;90;31/02/2025;08/2025;1.000;"),
            "data/bang.csv:3:5",
            "31/02/2025",
        ),
        (
            FIELDS.into(),
            second("Thôn 2;10;có;90;25/07/2025;13/2025;1.000;"),
            "data/bang.csv:3:6",
            "không phải là một tháng",
        ),
        (
            FIELDS.into(),
            second("Thôn 2;10;có lẽ;90;25/07/2025;08/2025;1.000;"),
            "data/bang.csv:3:3",
            "có/không",
        ),
        (
            FIELDS.into(),
            second(";10;có;90;25/07/2025;08/2025;1.000;"),
            "data/bang.csv:3",
            "đang để trống",
        ),
        (
            FIELDS.into(),
            second("Thôn 1;11;có;90;25/07/2025;08/2025;1.000;"),
            "content/tu-quan.md",
            "trùng",
        ),
        (
            FIELDS.into(),
            second("Thôn 2;10;có;90;25/07/2025;08/2025;1.000;Ông A, CCCD 001085012345"),
            "data/bang.csv:3:8",
            "CCCD",
        ),
        (
            FIELDS.into(),
            second("Thôn 2;10;có;90;25/07/2025;08/2025;1.000;<script>alert(1)</script>"),
            "data/bang.csv:3:8",
            "thẻ HTML",
        ),
        (
            FIELDS.into(),
            format!(
                "{}{}",
                head.replace("Ghi chú\n", "Ghi chú;Số điện thoại\n"),
                ok_row.replace('\n', ";0912345678\n")
            ),
            "data/bang.csv",
            "Số điện thoại",
        ),
        (
            twice,
            format!("{head}{ok_row}"),
            "content/tu-quan.md",
            "khai báo hai lần",
        ),
        (
            script_title,
            format!("{head}{ok_row}"),
            "record.fields[8].title",
            "thẻ HTML",
        ),
        (
            name_column,
            format!("{}{ok_row}", head.replace("Ghi chú", "Họ và tên")),
            "record.fields[8].name",
            "personal = true",
        ),
        (
            birth,
            format!("{}{ok_row}", head.replace("Ghi chú", "Ngày sinh")),
            "record.fields[8].name",
            "kể cả khi ghi personal = true",
        ),
        (
            bad_type,
            format!("{head}{ok_row}"),
            "record.fields[2].type",
            "số đếm được",
        ),
        (
            no_desc,
            format!("{head}{ok_row}"),
            "record.fields[8].description",
            "mô tả",
        ),
        (
            "".into(),
            format!("{head}{ok_row}"),
            "record.fields",
            "[[record.fields]]",
        ),
    ];
    for (fields, table, at, what) in cases {
        let site = site();
        site.build_ok("2026-11-23");
        let before = site.read("public/tu-quan/index.html");
        site.write("content/tu-quan.md", page(&fields, ""));
        site.write("data/bang.csv", &table);
        let err = site.build_err("2026-11-23");
        assert!(err.contains(at), "{what}: expected {at} in\n{err}");
        assert!(err.contains(what), "expected {what:?} in\n{err}");
        assert!(err.contains("cách sửa"), "a hint: {err}");
        assert_eq!(
            site.read("public/tu-quan/index.html"),
            before,
            "previous site untouched"
        );
    }
}

#[test]
fn a_column_naming_people_follows_the_list_rules() {
    let site = Site::new(&format!("{CONFIG}[privacy]\nname_display = \"initials\"\n"));
    let fields = "[[record.fields]]\nname = \"Họ và tên\"\ntype = \"text\"\npersonal = true\ndescription = \"Người được khen thưởng\"\n\n[[record.fields]]\nname = \"Khu dân cư\"\ntype = \"text\"\ndescription = \"Nơi ở\"\n";
    site.write(
        "content/tu-quan.md",
        page(fields, "").replace("key = \"Khu dân cư\"\n", ""),
    );
    site.write(
        "data/bang.csv",
        "Họ và tên,Khu dân cư\nNguyễn Văn An,Thôn 1\nLê Thị Hoa,Thôn 2\n",
    );
    site.build_ok("2026-11-23");
    let doc = site.html("public/tu-quan/index.html");
    let cells = texts(&doc, ".dataset-table tbody td:first-child");
    assert_eq!(cells, vec!["N. V. A.", "L. T. H."]);
    let sel = scraper::Selector::parse("meta[name='robots']").expect("sel");
    let robots: Vec<&str> = doc
        .select(&sel)
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert!(robots.iter().any(|c| c.contains("noindex")), "{robots:?}");
    let csv = site.read("public/tu-quan/bang.csv");
    assert!(
        csv.contains("N. V. A.") && !csv.contains("Nguyễn Văn An"),
        "{csv}"
    );
    // A list of people is read on the site, not offered to harvesters.
    let mut all = Vec::new();
    strings(&json(&site, "public/data.json"), &mut all);
    assert!(
        !all.iter().any(|s| s.ends_with("/tu-quan/bang.csv")),
        "no download URL in the catalogue"
    );
}

#[test]
fn ten_thousand_rows_build_and_the_page_shows_the_first_thousand() {
    let site = Site::new(CONFIG);
    site.write("content/tu-quan.md", page(FIELDS, ""));
    let mut t = String::from(
        "Khu dân cư,Số hộ,Đạt an ninh trật tự,Điểm,Ngày công nhận,Từ tháng,Kinh phí,Ghi chú\n",
    );
    for i in 0..10_000 {
        t.push_str(&format!(
            "Khu {i},{},có,80,25/07/2025,08/2025,1000000,\n",
            i % 500
        ));
    }
    site.write("data/bang.csv", t);
    site.build_ok("2026-11-23");
    let doc = site.html("public/tu-quan/index.html");
    assert_eq!(texts(&doc, ".dataset-table tbody tr").len(), 1000);
    let note = texts(&doc, "main p.small");
    assert!(
        note.iter()
            .any(|p| p.contains("10000 dòng") || p.contains("10.000 dòng")),
        "{note:?}"
    );
    let csv = site.read("public/tu-quan/bang.csv");
    assert_eq!(csv.lines().count(), 10_001);
}
