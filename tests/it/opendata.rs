//! Open data (issue 15, part A): every record with tables publishes a Data Package whose
//! resources match the files byte for byte, CSV headers are the schema's field names, the
//! JSON twins use the same names, and the page's "Giải thích các cột" lists the same
//! columns. Hostile values stay data in CSV and JSON and text on the page.

use crate::common::sha256_hex;
use std::collections::BTreeSet;
use std::path::Path;

use crate::common::{Site, texts};

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "CSV starts with a BOM");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Every `datapackage.json` under `public/`, as (folder, parsed package).
fn packages(site: &Site) -> Vec<(std::path::PathBuf, serde_json::Value)> {
    let mut out: Vec<_> = site
        .output_files()
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "datapackage.json"))
        .map(|rel| site.path().join("public").join(rel))
        .map(|p| {
            let v = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            (p.parent().unwrap().to_path_buf(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn check_package(site: &Site, dir: &Path, pkg: &serde_json::Value) {
    assert_eq!(
        pkg["$schema"],
        "https://datapackage.org/profiles/2.0/datapackage.json"
    );
    assert_eq!(pkg["licenses"][0]["name"], "CC-BY-4.0");
    let page_rel = dir.strip_prefix(site.path().join("public")).unwrap();
    let homepage = pkg["homepage"].as_str().unwrap();
    assert!(
        homepage.ends_with(&format!("/{}/", page_rel.display())),
        "{homepage}"
    );
    let resources = pkg["resources"].as_array().unwrap();
    assert!(!resources.is_empty());
    let doc = site.html(
        &Path::new("public")
            .join(page_rel)
            .join("index.html")
            .to_string_lossy(),
    );
    // Every link of the record's pages (its page and subpages, all in its folder), and the
    // data a page's script reads (a list's name lookup, `data-lookup`).
    let a = scraper::Selector::parse("a[href]").unwrap();
    let lookup = scraper::Selector::parse("[data-lookup]").unwrap();
    let mut linked = BTreeSet::new();
    for e in walkdir::WalkDir::new(dir).into_iter().flatten() {
        if e.file_name() == "index.html" {
            let page = scraper::Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
            linked.extend(
                page.select(&a)
                    .filter_map(|l| l.value().attr("href").map(String::from)),
            );
            linked.extend(
                page.select(&lookup)
                    .filter_map(|l| l.value().attr("data-lookup").map(String::from)),
            );
        }
    }
    let mut tables = 0;
    for r in resources {
        let path = r["path"].as_str().unwrap();
        assert!(!path.contains('/') && !path.contains(".."), "{path}");
        let bytes = std::fs::read(dir.join(path)).unwrap();
        assert_eq!(r["bytes"].as_u64(), Some(bytes.len() as u64), "{path}");
        assert_eq!(
            r["hash"],
            format!("sha256:{}", sha256_hex(&bytes)),
            "{path}"
        );
        assert_eq!(r["encoding"], "utf-8");
        // The record's page lists the file with its SHA-256; a file it does not list
        // (a session's own calendar) is linked from one of the record's subpages.
        let listed = texts(&doc, ".file-list .file__hash code").contains(&sha256_hex(&bytes));
        assert!(
            listed || linked.iter().any(|h| h.ends_with(&format!("/{path}"))),
            "{path} neither listed on its page nor linked from a subpage"
        );
        if r["format"] == "csv" {
            tables += 1;
            let fields: Vec<String> = r["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap().to_string())
                .collect();
            let rows = csv_rows(&bytes);
            assert_eq!(rows[0], fields, "{path}: header row = schema field names");
            for row in &rows[1..] {
                assert_eq!(row.len(), fields.len(), "{path}: row width");
            }
            // The JSON twin: same field names, same number of rows.
            let twin = path.replace(".csv", ".json");
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(dir.join(&twin)).unwrap()).unwrap();
            let json_rows = json.as_array().unwrap();
            assert_eq!(json_rows.len(), rows.len() - 1, "{twin}");
            let want: BTreeSet<&String> = fields.iter().collect();
            for o in json_rows {
                let keys: BTreeSet<&String> = o.as_object().unwrap().keys().collect();
                assert_eq!(keys, want, "{twin}");
            }
            let twin_res = resources.iter().find(|x| x["path"] == twin.as_str());
            assert_eq!(
                twin_res.unwrap()["schemaOf"],
                r["name"],
                "{twin} described by the CSV's schema"
            );
            // The page's data dictionary shows the same columns, in order.
            let caption = r["title"].as_str().unwrap();
            let dict = scraper::Selector::parse(".data-dictionary").unwrap();
            let row_th = scraper::Selector::parse("tbody th").unwrap();
            let cap = scraper::Selector::parse("caption").unwrap();
            let table = doc
                .select(&dict)
                .find(|t| {
                    t.select(&cap)
                        .next()
                        .is_some_and(|c| c.text().collect::<String>().trim() == caption)
                })
                .unwrap_or_else(|| panic!("no dictionary for {caption}"));
            let shown: Vec<String> = table
                .select(&row_th)
                .map(|th| th.text().collect::<String>().trim().to_string())
                .collect();
            assert_eq!(shown, fields, "dictionary of {caption}");
        }
    }
    assert!(tables > 0, "{}: a package describes tables", dir.display());
    let anchor = scraper::Selector::parse("#giai-thich-cac-cot").unwrap();
    assert_eq!(doc.select(&anchor).count(), 1);
}

#[test]
fn demo_packages_describe_every_file() {
    // The demo's committed history keeps copies of tables published with the old machine
    // headers (`full_name`): the entry after them says the structure changed, lists no row.
    let site = Site::demo_with_history();
    site.preview_ok("2026-11-23");
    let history = site.html("public/cong-khai/lich-su/index.html");
    let notes = texts(&history, ".table-diff p");
    assert!(
        notes.iter().any(|n| n.starts_with("Cấu trúc bảng thay đổi")
            && n.contains("full_name")
            && n.contains("Họ và tên")),
        "{notes:?}"
    );
    // The only row changes are real ones of issue 14: the consultation verdicts' one
    // wording (đạt → Đạt) and the service days moved to plan 79's dates.
    let listed = texts(&history, ".table-diff .rows li");
    assert!(
        listed.iter().all(|l| l.ends_with("Kết quả: đạt → Đạt")
            || l.ends_with("Kết quả: không đạt → Không đạt")
            || l.starts_with("Mã buổi: ")),
        "no bogus row changes: {listed:?}"
    );
    let pkgs = packages(&site);
    let names: Vec<String> = pkgs
        .iter()
        .map(|(_, p)| p["name"].as_str().unwrap().to_string())
        .collect();
    for want in [
        "sap-xep-to-dan-pho-phuong-an",
        "sap-xep-to-dan-pho-ket-qua-lay-y-kien",
        "sap-xep-to-dan-pho-tien-do",
        "lich-ho-tro-nha-van-hoa",
        "ho-tro-an-sinh-cong-dong-to-3",
        "ho-tro-danh-sach-ho-tro-thu-nhap-2026",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} in {names:?}");
    }
    for (dir, pkg) in &pkgs {
        check_package(&site, dir, pkg);
        // Lists that name people say so; the approving decision is recorded.
        let personal = pkg["name"].as_str().unwrap().starts_with("ho-tro-");
        assert_eq!(pkg["personal_data"], personal, "{}", dir.display());
        assert!(
            pkg["approval"]["decision"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
    }
    // The boundaries as GeoJSON, described in the plan's package.
    let plan = pkgs
        .iter()
        .find(|(_, p)| p["name"] == "sap-xep-to-dan-pho-phuong-an")
        .unwrap();
    let geo = plan.1["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["format"] == "geojson")
        .expect("boundaries in the package");
    assert_eq!(geo["mediatype"], "application/geo+json");
    let gj: serde_json::Value = serde_json::from_slice(
        &std::fs::read(plan.0.join("ranh-gioi-to-dan-pho.geojson")).unwrap(),
    )
    .unwrap();
    assert_eq!(gj["type"], "FeatureCollection");
    let f = &gj["features"][0];
    assert!(f["properties"]["Mã tổ"].is_string());
    assert!(f["properties"]["Số hộ"].is_u64());
    assert!(matches!(
        f["geometry"]["type"].as_str(),
        Some("Polygon" | "MultiPolygon")
    ));
    // Packages are downloads of their records: in the manifest.
    let manifest = site.read("public/cong-khai/manifest.json");
    assert!(manifest.contains("sap-xep-to-dan-pho/phuong-an/datapackage.json"));
    // Deterministic: a second build writes the same package bytes.
    let first = site.read("public/sap-xep-to-dan-pho/phuong-an/datapackage.json");
    site.preview_ok("2026-11-23");
    assert_eq!(
        site.read("public/sap-xep-to-dan-pho/phuong-an/datapackage.json"),
        first
    );
}

const LIST_OUT: &str = "public/ho-tro/danh-sach";

#[test]
fn hostile_note_stays_data_in_csv_json_and_page() {
    let site = Site::fixture("support");
    let hostile = "<script>alert(1)</script> \"x\", y";
    let list = site.read("data/ho-tro/danh-sach.csv");
    let mut lines: Vec<String> = list.lines().map(str::to_string).collect();
    // The first row's last column is the note.
    let csv_note = format!("\"{}\"", hostile.replace('"', "\"\""));
    lines[1] = format!("{}{}", lines[1].trim_end_matches(|c| c != ','), csv_note);
    site.write("data/ho-tro/danh-sach.csv", lines.join("\n") + "\n");
    site.build_ok("2026-11-23");
    let bytes = std::fs::read(site.path().join(format!("{LIST_OUT}/danh-sach.csv"))).unwrap();
    let rows = csv_rows(&bytes);
    let note_col = rows[0].iter().position(|h| h == "Ghi chú").unwrap();
    assert_eq!(rows[1][note_col], hostile, "CSV keeps the value as data");
    let json: serde_json::Value =
        serde_json::from_str(&site.read(&format!("{LIST_OUT}/danh-sach.json"))).unwrap();
    assert_eq!(json[0]["Ghi chú"], hostile);
    for page in ["index.html", "to-dan-pho-so-1/index.html"] {
        let html = site.read(&format!("{LIST_OUT}/{page}"));
        assert!(!html.contains("<script>alert"), "{page}: escaped");
    }
    let pkgs = packages(&site);
    let (dir, pkg) = pkgs
        .iter()
        .find(|(d, _)| d.ends_with("ho-tro/danh-sach"))
        .unwrap();
    check_package(&site, dir, pkg);
    assert_eq!(pkg["personal_data"], true);
    // A disguised phone number in a note is refused, masked in the message, and the
    // published files stay as they were.
    let before = site.read(&format!("{LIST_OUT}/danh-sach.json"));
    lines[1] = format!(
        "{}\"gọi 0 9 0 0.000.001\"",
        lines[1].trim_end_matches(|c| c != ',')
    );
    site.write("data/ho-tro/danh-sach.csv", lines.join("\n") + "\n");
    let err = site.build_err("2026-11-23");
    assert!(err.contains("danh-sach.csv:2"), "{err}");
    assert!(
        !err.contains("0900000001") && !err.contains("0 9 0 0.000.001"),
        "{err}"
    );
    assert_eq!(site.read(&format!("{LIST_OUT}/danh-sach.json")), before);
}
