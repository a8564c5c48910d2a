//! Site search: what enters the index (only published, indexable content), the search
//! page, the shared folding rules (golden file, also run by node), and the browser
//! script's own tests (`node --test tests/js/`).
use crate::common;
use common::*;

use std::collections::BTreeSet;
use std::path::Path;

/// A portal with one page of each publication state; each carries a unique marker word.
fn portal() -> Site {
    let site = Site::new(PORTAL_CONFIG);
    site.write(
        "content/chinh-sach/_index.md",
        "+++\ntitle = \"Chính sách\"\nsort_by = \"date\"\n+++\n",
    );
    site.write(
        "content/chinh-sach/ho-ngheo.md",
        format!(
            "+++\ntitle = \"Hỗ trợ hộ nghèo năm 2026\"\ndescription = \"Mức hỗ trợ cho hộ nghèo ở khu Đống Đa.\"\ndate = 2026-06-10\n{APPROVAL}+++\n\n## Đối tượng được hỗ trợ\n\nHộ nghèo trên đường Lam Viên (lamvien), hỏi <b>cán bộ</b>.\n"
        ),
    );
    site.write(
        "content/chinh-sach/bao-hiem.md",
        format!(
            "+++\ntitle = \"Bảo hiểm y tế\"\ndate = 2026-05-01\n{APPROVAL}+++\n\nThẻ bảo hiểm cho hộ cận nghèo; người nghèo được hỗ trợ.\n"
        ),
    );
    // Expired: approved, but its posting window is over. (The site supplies the notice
    // template: the built-in `__congkhai/expired.html` is not in this branch's base.)
    site.write(
        "templates/expired.html",
        "{% extends \"base.html\" %}{% block content %}<p>Đã hết thời hạn công khai.</p>{% endblock content %}",
    );
    site.write(
        "content/chinh-sach/het-han.md",
        format!(
            "+++\ntitle = \"Thông báo hết hạn\"\ndate = 2026-01-01\npublish_from = 2026-01-01\npublish_until = 2026-03-01\n{APPROVAL}+++\n\nNội dung hethanxyz.\n"
        ),
    );
    // Embargoed: not published yet.
    site.write(
        "content/chinh-sach/sap-dang.md",
        format!(
            "+++\ntitle = \"Sắp đăng\"\npublish_from = 2027-01-01\n{APPROVAL}+++\n\nNội dung chuadangxyz.\n"
        ),
    );
    // Beneficiary-style list kept out of search engines.
    site.write(
        "content/chinh-sach/danh-sach.md",
        format!(
            "+++\ntitle = \"Danh sách riêng\"\nnoindex = true\n{APPROVAL}+++\n\nNguyễn Văn Riengtuxyz.\n"
        ),
    );
    site.write(
        "content/chinh-sach/khong-tim.md",
        format!(
            "+++\ntitle = \"Không tìm\"\nin_search_index = false\n{APPROVAL}+++\n\nNội dung khongtimxyz.\n"
        ),
    );
    site.write(
        "content/chinh-sach/nhap.md",
        format!("+++\ntitle = \"Bản nháp\"\ndraft = true\n{APPROVAL}+++\n\nNội dung banhapxyz.\n"),
    );
    site
}

/// Markers that must never reach the index.
const HIDDEN: &[&str] = &[
    "hethanxyz",
    "chuadangxyz",
    "riengtuxyz",
    "khongtimxyz",
    "banhapxyz",
];

/// Every token of every shard under `public/tim-kiem/index/`.
fn tokens(site: &Site) -> BTreeSet<String> {
    let dir = site.path().join("public/tim-kiem/index");
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(&dir).expect("index dir").flatten() {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(e.path()).expect("read")).expect("json");
        for k in v.as_object().expect("object").keys() {
            out.insert(k.clone());
        }
    }
    out
}

/// All bytes under `public/tim-kiem/` as one string.
fn all_search_files(root: &Path) -> String {
    let mut s = String::new();
    for e in walkdir::WalkDir::new(root.join("tim-kiem"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if e.file_type().is_file() {
            s.push_str(&e.path().display().to_string());
            s.push('\n');
            s.push_str(&String::from_utf8_lossy(
                &std::fs::read(e.path()).expect("read"),
            ));
        }
    }
    s
}

#[test]
fn index_has_published_pages_folded_and_nothing_else() {
    let site = portal();
    site.build_ok("2026-11-23");
    let t = tokens(&site);
    for want in [
        "ho",
        "ngheo",
        "ho ngheo",
        "dong da",
        "duong",
        "lamvien",
        "bao hiem",
        "can ngheo",
        "2026",
        "doi tuong",
        "chinh sach",
    ] {
        assert!(t.contains(want), "token {want:?} missing from the index");
    }
    // Diacritics never reach the tokens.
    assert!(t.iter().all(|k| !k.contains('đ') && crate_fold(k) == *k));
    let all = all_search_files(&site.path().join("public"));
    for hidden in HIDDEN {
        assert!(
            !all.to_lowercase().contains(hidden),
            "{hidden} must not be in public/tim-kiem/"
        );
    }
    for title in [
        "Thông báo hết hạn",
        "Sắp đăng",
        "Danh sách riêng",
        "Bản nháp",
        "Không tìm",
    ] {
        assert!(!all.contains(title), "{title} must not be in the documents");
    }
    // The documents list carries the published page, escaped only as JSON.
    assert!(all.contains("Hỗ trợ hộ nghèo năm 2026"));
    assert!(all.contains("chinh-sach/ho-ngheo/"));
}

fn crate_fold(s: &str) -> String {
    congkhai::text::fold(s)
}

#[test]
fn search_page_is_noindex_relative_and_not_in_sitemap() {
    let site = portal();
    site.build_ok("2026-11-23");
    let html = site.read("public/tim-kiem/index.html");
    let doc = site.html("public/tim-kiem/index.html");
    let sel = scraper::Selector::parse("meta[name=robots]").expect("sel");
    let robots: Vec<_> = doc
        .select(&sel)
        .filter_map(|e| e.value().attr("content"))
        .collect();
    assert_eq!(robots, vec!["noindex"]);
    assert_eq!(texts(&doc, "h1"), vec!["Tìm kiếm"]);
    // The script and index come from this site only.
    let sel = scraper::Selector::parse("script[src]").expect("sel");
    let srcs: Vec<_> = doc
        .select(&sel)
        .filter_map(|e| e.value().attr("src"))
        .collect();
    assert_eq!(srcs, vec!["https://phuong.example.vn/js/tim-kiem.js"]);
    assert!(site.exists("public/js/tim-kiem.js"));
    let sel = scraper::Selector::parse("#tim-kiem").expect("sel");
    let root = doc.select(&sel).next().expect("#tim-kiem");
    let meta: serde_json::Value =
        serde_json::from_str(root.value().attr("data-index").expect("data-index")).expect("json");
    assert_eq!(
        meta,
        serde_json::from_str::<serde_json::Value>(&site.read("public/tim-kiem/meta.json"))
            .expect("meta")
    );
    // Published documents: the two policy pages and the section.
    assert_eq!(meta["n"], 3, "{meta}");
    assert_eq!(root.value().attr("data-base"), Some("./"));
    // Without JavaScript the page still offers the sections.
    assert!(texts(&doc, "#tk-nojs")[0].contains("các mục"));
    assert!(texts(&doc, ".link-list a").contains(&"Chính sách".to_string()));
    assert!(!site.read("public/sitemap.xml").contains("tim-kiem"));
    assert!(html.contains("aria-live"));
}

#[test]
fn preview_builds_no_index() {
    let site = portal();
    // An unapproved draft, visible only in the preview.
    site.write(
        "content/chinh-sach/chua-duyet.md",
        "+++\ntitle = \"Chưa duyệt\"\n+++\n\nNội dung chuaduyetxyz.\n",
    );
    let out = site.run(&["build", "--drafts", "--now", "2026-11-23"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = site.path().join("public-preview");
    assert!(public.join("tim-kiem/index.html").exists());
    assert!(!public.join("tim-kiem/index").exists());
    assert!(!public.join("tim-kiem/meta.json").exists());
    let page = std::fs::read_to_string(public.join("tim-kiem/index.html")).expect("page");
    assert!(page.contains("không hoạt động trong bản xem trước"));
    assert!(!all_search_files(&public).contains("chuaduyetxyz"));
}

#[test]
fn search_off_writes_nothing() {
    let site = portal();
    site.write(
        "config.toml",
        format!("build_search_index = false\n{PORTAL_CONFIG}"),
    );
    site.build_ok("2026-11-23");
    assert!(!site.exists("public/tim-kiem"));
    let home = site.read("public/index.html");
    assert!(
        !home.contains("tim-kiem/"),
        "no search form when search is off"
    );
}

#[test]
fn index_is_byte_identical_across_builds() {
    let site = portal();
    site.build_ok("2026-11-23");
    let a = all_search_files(&site.path().join("public"));
    site.build_ok("2026-11-23");
    let b = all_search_files(&site.path().join("public"));
    assert_eq!(a, b);
}

#[test]
fn fold_matches_the_golden_file() {
    let golden = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fold_golden.tsv"),
    )
    .expect("golden file");
    let mut n = 0;
    for line in golden
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (input, want) = line.split_once('\t').expect("input<TAB>output");
        assert_eq!(congkhai::text::fold(input), want, "fold({input:?})");
        n += 1;
    }
    assert!(n >= 20, "golden file has {n} rows");
}

/// The browser script's tests (fold golden file, ranking against a generated index).
#[test]
fn node_tests_pass() {
    let node = std::process::Command::new("node").arg("--version").output();
    if node.is_err() {
        eprintln!("node is not installed: tests/js skipped");
        return;
    }
    let out = std::process::Command::new("node")
        .args(["--test", "tests/js/"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CONGKHAI_BIN", env!("CARGO_BIN_EXE_congkhai"))
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "node --test tests/js/ failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Names on beneficiary lists are published on the list pages, but never put in the
/// search index (nobody should find a neighbour's support by typing their name).
#[test]
fn no_beneficiary_name_in_the_index() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let list = site.read("data/ho-tro/danh-sach-ho-tro-thu-nhap-2026.csv");
    let names: Vec<String> = list
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1).map(str::to_string))
        .filter(|n| n.split(' ').count() >= 3)
        .collect();
    assert!(names.len() > 100, "demo list read");
    let list_page =
        site.read("public/ho-tro/danh-sach-ho-tro-thu-nhap-2026/to-dan-pho-so-1/index.html");
    assert!(
        names.iter().any(|n| list_page.contains(n.as_str())),
        "names are on the list pages"
    );
    let mut index = String::new();
    for f in site.output_files() {
        if f.to_string_lossy().contains("tim-kiem/") && f.extension().is_some_and(|e| e == "json") {
            index.push_str(&site.read(&format!("public/{}", f.display())));
        }
    }
    assert!(index.len() > 1000, "index read");
    let folded: Vec<String> = names.iter().map(|n| congkhai_fold(n)).collect();
    for (n, f) in names.iter().zip(&folded) {
        assert!(
            !index.contains(n.as_str()) && !index.contains(f.as_str()),
            "{n} is in the search index"
        );
    }
}

/// Lower-case, no diacritics, đ → d (as the index stores words).
fn congkhai_fold(s: &str) -> String {
    congkhai::text::fold(s)
}
