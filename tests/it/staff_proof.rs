//! Issue 13's remaining gaps: published column titles follow the commune's residential
//! units, and the other staff-proofing checks (see each test).

use crate::common::{Site, sha256_hex, stderr, texts};

const NOW: &str = "2026-11-23";

/// `congkhai init <tmp>/site --type xã`, with `[ward] residential_units` set to `units`.
fn xa_site(units: &str) -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    let out = assert_cmd::Command::cargo_bin("congkhai")
        .expect("binary")
        .arg("init")
        .arg(&root)
        .args(["--type", "xã", "--name", "Xã Kon Braih"])
        .output()
        .expect("run init");
    assert!(out.status.success(), "init failed: {}", stderr(&out));
    let site = Site::in_subdir(dir, root);
    let config = site.read("config.toml");
    let line = config
        .lines()
        .find(|l| l.starts_with("residential_units"))
        .expect("init writes residential_units")
        .to_string();
    site.write(
        "config.toml",
        config.replace(&line, &format!("residential_units = {units}")),
    );
    site
}

/// The header row of a published CSV, parsed.
fn csv_header(site: &Site, rel: &str) -> Vec<String> {
    let text = site.read(rel);
    let text = text.strip_prefix('\u{feff}').expect("BOM");
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    r.headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect()
}

fn json(site: &Site, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn column_titles_follow_the_residential_units() {
    // (units in config, the column title)
    for (units, want) in [
        (r#"["thôn"]"#, "Thôn"),
        (r#"["thôn", "tổ dân phố"]"#, "Thôn, tổ dân phố"),
    ] {
        let site = xa_site(units);
        site.preview_ok(NOW);
        for rel in [
            "public/ho-tro/danh-sach-mau/danh-sach.csv",
            "public/lich-ho-tro/lich-mau/lich.csv",
            "public/ho-tro/an-sinh-mau/ho-tro-da-trao.csv",
        ] {
            let header = csv_header(&site, rel);
            assert!(
                header.iter().any(|h| h == want),
                "{units} {rel}: {header:?}"
            );
            assert!(
                !header.iter().any(|h| h == "Tổ dân phố"),
                "{units} {rel}: {header:?}"
            );
            // The JSON twin has the same keys.
            let j = json(&site, &rel.replace(".csv", ".json"));
            let first = j.as_array().and_then(|a| a.first()).expect("a row");
            assert!(first.get(want).is_some(), "{units} {rel}: {first}");
            assert!(first.get("Tổ dân phố").is_none(), "{units} {rel}: {first}");
        }
        // The data package's Table Schema names the field the same way.
        let dp = json(&site, "public/ho-tro/danh-sach-mau/datapackage.json");
        let names: Vec<String> = dp["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .flat_map(|r| {
                r["schema"]["fields"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter_map(|f| f["name"].as_str().map(str::to_string))
            .collect();
        assert!(names.iter().any(|n| n == want), "{units}: {names:?}");
        assert!(
            !names.iter().any(|n| n == "Tổ dân phố"),
            "{units}: {names:?}"
        );
        // "Giải thích các cột" and the list's own table.
        let page = site.html("public/ho-tro/danh-sach-mau/index.html");
        let described = texts(&page, "table.data-dictionary th[scope=row]");
        assert!(
            described.iter().any(|t| t == want),
            "{units}: {described:?}"
        );
        assert!(
            !described.iter().any(|t| t == "Tổ dân phố"),
            "{described:?}"
        );
        let heads = texts(&page, "th[scope=col]");
        assert!(heads.iter().any(|t| t == want), "{units}: {heads:?}");
        // The posters print the hash of the renamed file they link.
        let csv = std::fs::read(site.path().join("public/lich-ho-tro/lich-mau/lich.csv"))
            .expect("lich.csv");
        let mut posters = 0;
        for rel in site.output_files() {
            let rel = rel.display().to_string();
            if !rel.starts_with("lich-ho-tro/") || !rel.ends_with(".html") {
                continue;
            }
            let doc = site.html(&format!("public/{rel}"));
            for hash in texts(&doc, ".poster__qr .poster__checksum code.hash") {
                assert_eq!(hash, sha256_hex(&csv), "{rel}");
                posters += 1;
            }
        }
        assert!(posters > 0, "no poster found");
    }
}

/// The support fixture's list page with `record_extra` lines in `[record]`.
fn list_page(record_extra: &str) -> String {
    format!(
        "+++\ntitle = \"Danh sách hỗ trợ\"\nkind = \"beneficiary_list\"\npublish_from = 2026-11-01\n\
         publish_until = 2026-12-31\n[record]\nprogramme = \"@/ho-tro/chuong-trinh.md\"\n\
         list = \"data/ho-tro/danh-sach.csv\"\n{record_extra}\n[approval]\nby = \"Trần Văn Mẫu\"\n\
         role = \"Chủ tịch UBND phường\"\ndecision = \"Quyết định số 9/QĐ-UBND\"\ndate = 2026-10-30\n+++\n\
         Danh sách.\n"
    )
}

#[test]
fn check_explain_applies_the_record_that_uses_the_file() {
    let site = Site::fixture("support");
    site.write(
        "data/ho-tro/danh-sach.csv",
        "STT;Họ và tên;Tổ dân phố;Diện;Tiền hỗ trợ hằng tháng;Số CCCD\r\n\
         1;Nguyễn Văn Thử;Tổ dân phố số 1;Hộ nghèo;1.500.000;000000000001\r\n",
    );
    site.write(
        "content/ho-tro/danh-sach.md",
        list_page(
            "delimiter = \";\"\nprivate = [\"Số CCCD\"]\n[record.columns]\namount_vnd = \"Tiền hỗ trợ hằng tháng\"",
        ),
    );
    // The build accepts it: the settings are right.
    site.build_ok(NOW);
    let out = site.run(&["check", "--explain", "data/ho-tro/danh-sach.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    for want in [
        "Đọc theo trang: content/ho-tro/danh-sach.md (kiểu hồ sơ beneficiary_list, [record] list)",
        "[record.columns] amount_vnd = \u{201c}Tiền hỗ trợ hằng tháng\u{201d}",
        "delimiter: \u{201c};\u{201d}",
        "private (bỏ khi đọc, không công khai): Số CCCD",
        "\u{201c}Tiền hỗ trợ hằng tháng\u{201d} → amount_vnd",
        "Loại bảng: Danh sách người, hộ được hỗ trợ",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    // Neither the mapped nor the private column is reported unknown, and the private
    // column's values are not shown.
    assert!(!text.contains("cột lạ"), "{text}");
    assert!(!text.contains("000000000001"), "{text}");

    // A file no page names: the table kind is guessed, and said so.
    site.write(
        "data/ho-tro/khac.csv",
        "Họ và tên,Tổ dân phố,Diện\nA,TDP 1,Hộ nghèo\n",
    );
    let out = site.run(&["check", "--explain", "data/ho-tro/khac.csv"]);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains("Chưa có trang nào") && text.contains("đoán theo tên cột"),
        "{text}"
    );
}

/// Rows of the quarterly register (`/cong-khai/danh-muc/`): (title cell, form cell).
fn register_rows(site: &Site) -> Vec<(String, String)> {
    let doc = site.html("public/cong-khai/danh-muc/index.html");
    let tr = scraper::Selector::parse("table.register tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    doc.select(&tr)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&td)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            (cells[1].clone(), cells[2].clone())
        })
        .collect()
}

#[test]
fn vocabularies_are_used_household_categories_and_posting_forms() {
    // A programme category outside [vocabulary] household_categories: a warning …
    let site = Site::fixture("support");
    let programme = site.read("content/ho-tro/chuong-trinh.md");
    site.write(
        "content/ho-tro/chuong-trinh.md",
        programme.replace(
            "categories = [\"Hộ nghèo\", \"Hộ cận nghèo\"]",
            "categories = [\"Hộ nghèo\", \"Hộ cận nghèo\", \"Hộ khó khăn đột xuất\"]",
        ),
    );
    let out = site.build_ok(NOW);
    let err = stderr(&out);
    assert!(
        err.contains("cảnh báo")
            && err.contains("Hộ khó khăn đột xuất")
            && err.contains("household_categories"),
        "{err}"
    );
    // … and an error when the vocabulary is strict, naming the page and the category.
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!("{config}\n[vocabulary]\nhousehold_categories_strict = true\n"),
    );
    let err = site.build_err(NOW);
    for w in [
        "content/ho-tro/chuong-trinh.md",
        "record.categories",
        "Hộ khó khăn đột xuất",
        "household_categories",
    ] {
        assert!(err.contains(w), "{w:?} in {err}");
    }

    // A record's own posting forms, matched to the vocabulary, in the register.
    let site = Site::fixture("support");
    let config = site.read("config.toml");
    site.write(
        "config.toml",
        format!(
            "{config}\n[vocabulary]\nposting_forms = [\"Trang thông tin điện tử\", \"Bảng tin nhà văn hóa\", \"Loa truyền thanh\"]\n"
        ),
    );
    let page = site.read("content/ho-tro/danh-sach.md");
    let with_forms = |forms: &str| {
        page.replacen(
            "[record]\n",
            &format!("[record]\nposting_forms = {forms}\n"),
            1,
        )
    };
    site.write(
        "content/ho-tro/danh-sach.md",
        with_forms("[\"bang tin nha van hoa\", \"Loa truyền thanh\"]"),
    );
    site.build_ok(NOW);
    let rows = register_rows(&site);
    let title = |s: &str| {
        rows.iter()
            .find(|(t, _)| t.starts_with(s))
            .map(|(_, f)| f.clone())
            .unwrap_or_else(|| panic!("{s} in {rows:?}"))
    };
    let list_title = page
        .lines()
        .find_map(|l| l.strip_prefix("title = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("title")
        .to_string();
    assert_eq!(title(&list_title), "Bảng tin nhà văn hóa; Loa truyền thanh");
    // Other records keep the site-wide forms.
    assert!(
        rows.iter().any(|(t, f)| !t.starts_with(&list_title)
            && f == "Trang thông tin điện tử; Bảng tin nhà văn hóa; Loa truyền thanh"),
        "{rows:?}"
    );
    // A form outside the vocabulary is an error naming it and the accepted forms.
    site.write("content/ho-tro/danh-sach.md", with_forms("[\"Nhóm Zalo\"]"));
    let err = site.build_err(NOW);
    for w in [
        "content/ho-tro/danh-sach.md",
        "record.posting_forms",
        "Nhóm Zalo",
        "Bảng tin nhà văn hóa",
    ] {
        assert!(err.contains(w), "{w:?} in {err}");
    }
}
