//! Languages (docs/languages.md): a portal with `[languages.en]` (the table docs/languages.md
//! tells wards to copy) and one translated page builds, switches language both ways and
//! keeps Vietnamese as the default; `trans` with a missing key fails clearly and keeps the
//! previous output; the Vietnamese search index is unchanged; a translation never gets
//! past the approval gate on its own.
use crate::common;
use common::*;

use std::collections::BTreeMap;
use std::path::Path;

const BASE: &str = "https://phuong.example.vn";

/// The `[languages.en]` table of docs/languages.md, as a ward copies it.
fn english_table() -> String {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/languages.md"))
            .expect("docs/languages.md");
    let start = doc
        .find("```toml\n[languages.en]")
        .expect("the table to copy")
        + "```toml\n".len();
    let len = doc[start..].find("```").expect("end of the table");
    doc[start..start + len].to_string()
}

/// A Vietnamese portal: a section with one plan and an about page.
fn vietnamese_site() -> Site {
    let site = Site::new(PORTAL_CONFIG);
    site.write(
        "content/van-ban/_index.md",
        "+++\ntitle = \"Văn bản\"\n+++\n",
    );
    site.write(
        "content/van-ban/ke-hoach.md",
        format!("+++\ntitle = \"Kế hoạch năm 2026\"\ndate = 2026-06-10\n{APPROVAL}+++\n\nNội dung kế hoạch vietmarker.\n"),
    );
    site.write(
        "content/gioi-thieu.md",
        format!("+++\ntitle = \"Giới thiệu\"\n{APPROVAL}+++\n\nGiới thiệu phường.\n"),
    );
    site
}

/// The same portal with English added: the docs' table, one translated page and the
/// translated section.
fn bilingual_site() -> Site {
    let site = vietnamese_site();
    site.write("config.toml", format!("{PORTAL_CONFIG}{}", english_table()));
    site.write(
        "content/van-ban/_index.en.md",
        "+++\ntitle = \"Documents\"\n+++\n",
    );
    site.write(
        "content/van-ban/ke-hoach.en.md",
        format!("+++\ntitle = \"Plan for 2026\"\ndate = 2026-06-10\n{APPROVAL}+++\n\nThe plan englishmarker.\n"),
    );
    site
}

fn attr(doc: &scraper::Html, selector: &str, name: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}

fn html_lang(doc: &scraper::Html) -> String {
    attr(doc, "html", "lang").join(",")
}

/// The paths of the documents of a search index (`tim-kiem/docs/*.json`).
fn indexed_paths(site: &Site, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    for entry in
        std::fs::read_dir(site.path().join("public").join(dir).join("docs")).expect("docs dir")
    {
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(entry.expect("entry").path()).expect("read"),
        )
        .expect("json");
        for d in v.as_array().expect("array") {
            out.push(d[0].as_str().expect("path").to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn a_translated_page_builds_switches_language_and_vietnamese_stays_default() {
    let site = bilingual_site();
    site.preview_ok("2026-11-23");

    // Vietnamese stays the default, at the root.
    let home = site.html("public/index.html");
    assert_eq!(html_lang(&home), "vi");
    let vi = site.html("public/van-ban/ke-hoach/index.html");
    assert_eq!(html_lang(&vi), "vi");
    assert_eq!(texts(&vi, "a.skip-link"), ["Chuyển đến nội dung chính"]);
    assert_eq!(texts(&vi, "h1"), ["Kế hoạch năm 2026"]);

    // The translation, under /en/, in English chrome from the docs' table.
    let en = site.html("public/en/van-ban/ke-hoach/index.html");
    assert_eq!(html_lang(&en), "en");
    assert_eq!(texts(&en, "h1"), ["Plan for 2026"]);
    assert_eq!(texts(&en, "a.skip-link"), ["Skip to main content"]);
    assert!(texts(&en, ".approval h2").contains(&"Approval".to_string()));
    // Its section and its language's home exist; the home is an index in English.
    assert_eq!(html_lang(&site.html("public/en/van-ban/index.html")), "en");
    assert_eq!(html_lang(&site.html("public/en/index.html")), "en");

    // The switcher links both ways, to the translation of the page.
    assert_eq!(
        attr(&vi, "nav.lang-switch a[hreflang=en]", "href"),
        [format!("{BASE}/en/van-ban/ke-hoach/")]
    );
    assert_eq!(
        attr(&en, "nav.lang-switch a[hreflang=vi]", "href"),
        [format!("{BASE}/van-ban/ke-hoach/")]
    );
    assert_eq!(texts(&en, "nav.lang-switch a"), ["Tiếng Việt"]);
    assert_eq!(texts(&vi, "nav.lang-switch a"), ["English"]);
    // Each language has its own menu: the English section in English pages only.
    assert!(texts(&en, "nav.site-nav a").contains(&"Documents".to_string()));
    assert!(!texts(&vi, "nav.site-nav a").contains(&"Documents".to_string()));
    // A page without a translation switches to the language's home.
    let about = site.html("public/gioi-thieu/index.html");
    assert_eq!(
        attr(&about, "nav.lang-switch a[hreflang=en]", "href"),
        [format!("{BASE}/en/")]
    );
    // Breadcrumbs name the translated section (the theme passes get_section the
    // canonical path, which picks the page's language).
    assert_eq!(
        attr(&en, "nav.breadcrumbs a", "href"),
        [format!("{BASE}/en/"), format!("{BASE}/en/van-ban/")]
    );
    assert!(texts(&en, "nav.breadcrumbs a").contains(&"Documents".to_string()));
    // hreflang alternates name every version.
    for doc in [&vi, &en] {
        let alternates = attr(doc, "link[rel=alternate][hreflang]", "hreflang");
        assert_eq!(alternates, ["vi", "en"]);
    }

    // Feeds: the Vietnamese one has no English page; English has its own.
    let atom = site.read("public/atom.xml");
    assert!(
        atom.contains("/van-ban/ke-hoach/") && !atom.contains("/en/"),
        "{atom}"
    );
    let atom_en = site.read("public/en/atom.xml");
    assert!(
        atom_en.contains("/en/van-ban/ke-hoach/") && atom_en.contains("Plan for 2026"),
        "{atom_en}"
    );

    // The sitemap lists both.
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(&format!("{BASE}/en/van-ban/ke-hoach/")));
    assert!(sitemap.contains(&format!("{BASE}/van-ban/ke-hoach/")));

    // Search: one index per language.
    let vi_docs = indexed_paths(&site, "tim-kiem");
    assert!(vi_docs.iter().all(|p| !p.starts_with("en/")), "{vi_docs:?}");
    let en_docs = indexed_paths(&site, "en/tim-kiem");
    assert_eq!(en_docs, ["en/van-ban/", "en/van-ban/ke-hoach/"]);
    let search = site.html("public/en/tim-kiem/index.html");
    assert_eq!(html_lang(&search), "en");
    // The documents' paths ("en/van-ban/…") resolve from the site root, two folders up.
    assert_eq!(attr(&search, "#tim-kiem", "data-root"), ["../../"]);
    let vi_search = site.html("public/tim-kiem/index.html");
    assert_eq!(attr(&vi_search, "#tim-kiem", "data-root"), ["../"]);
}

#[test]
fn adding_a_language_leaves_the_vietnamese_search_index_unchanged() {
    let before = vietnamese_site();
    before.preview_ok("2026-11-23");
    let after = bilingual_site();
    after.preview_ok("2026-11-23");
    let index = |site: &Site| -> BTreeMap<String, Vec<u8>> {
        snapshot(&site.path().join("public/tim-kiem"))
            .into_iter()
            .filter(|(k, _)| k.ends_with(".json"))
            .collect()
    };
    let a = index(&before);
    assert!(a.len() >= 3, "{:?}", a.keys());
    assert_eq!(a, index(&after));
}

#[test]
fn a_missing_translation_key_is_a_clear_error_and_the_previous_site_stays() {
    let site = bilingual_site();
    site.build_ok("2026-11-23");
    let published = snapshot(&site.path().join("public"));
    let config = site.read("config.toml");
    let without_home: String = config
        .lines()
        .filter(|l| !l.starts_with("home = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(config, without_home);
    site.write("config.toml", &without_home);
    let err = site.build_err("2026-11-24");
    assert!(err.contains("\u{201c}home\u{201d}"), "names the key: {err}");
    assert!(
        err.contains("\u{201c}en\u{201d}"),
        "names the language: {err}"
    );
    assert!(
        err.contains("[languages.en.translations]"),
        "says where to add it: {err}"
    );
    assert_eq!(snapshot(&site.path().join("public")), published);
}

#[test]
fn a_file_in_an_undeclared_language_is_an_error() {
    let site = bilingual_site();
    site.write(
        "content/gioi-thieu.fr.md",
        format!("+++\ntitle = \"Présentation\"\n{APPROVAL}+++\n"),
    );
    let err = site.build_err("2026-11-23");
    assert!(
        err.contains("gioi-thieu.fr.md") && err.contains("[languages.fr]"),
        "{err}"
    );
}

#[test]
fn an_unapproved_translation_is_refused_and_the_site_stays() {
    let site = bilingual_site();
    site.build_ok("2026-11-23");
    let published = snapshot(&site.path().join("public"));
    // Hostile: a translation without approval, of an approved page.
    site.write(
        "content/gioi-thieu.en.md",
        "+++\ntitle = \"About\"\n+++\n\n<script>alert(1)</script> Unapproved text.\n",
    );
    let err = site.build_err("2026-11-24");
    assert!(err.contains("content/gioi-thieu.en.md"), "{err}");
    assert!(err.contains("phê duyệt"), "{err}");
    assert_eq!(snapshot(&site.path().join("public")), published);
    assert!(!site.exists("public/en/gioi-thieu/index.html"));
}

#[test]
fn a_translation_cannot_make_a_record_or_get_ahead_of_its_original() {
    let site = bilingual_site();
    // A translation that adds a kind to a plain page.
    site.write(
        "content/gioi-thieu.en.md",
        format!("+++\ntitle = \"About\"\nkind = \"warning\"\n{APPROVAL}+++\n"),
    );
    let err = site.build_err("2026-11-23");
    assert!(
        err.contains("content/gioi-thieu.en.md") && err.contains("kind"),
        "{err}"
    );
    std::fs::remove_file(site.path().join("content/gioi-thieu.en.md")).expect("remove");

    // An approved translation of a page that is still under embargo, and of a draft:
    // neither is published before its original.
    site.write(
        "content/sap-dang.md",
        format!("+++\ntitle = \"Sắp đăng\"\npublish_from = 2027-01-01\n{APPROVAL}+++\n"),
    );
    site.write(
        "content/sap-dang.en.md",
        format!("+++\ntitle = \"Coming\"\n{APPROVAL}+++\n\nembargomarker\n"),
    );
    site.write(
        "content/nhap.md",
        format!("+++\ntitle = \"Nháp\"\ndraft = true\n{APPROVAL}+++\n"),
    );
    site.write(
        "content/nhap.en.md",
        format!("+++\ntitle = \"Draft\"\n{APPROVAL}+++\n\ndraftmarker\n"),
    );
    site.preview_ok("2026-11-23");
    assert!(!site.exists("public/en/sap-dang/index.html"));
    assert!(!site.exists("public/en/nhap/index.html"));
    assert!(site.exists("public/en/van-ban/ke-hoach/index.html"));
    for f in site.output_files() {
        let bytes = std::fs::read(site.path().join("public").join(&f)).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("embargomarker") && !text.contains("draftmarker"),
            "{}",
            f.display()
        );
    }
}

#[test]
fn a_record_is_translated_only_with_the_same_approval_and_the_original_data() {
    let site = bilingual_site();
    // A warning record of the demo portal, and its section.
    let demo = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/canh-bao/ung-dung-vneid-gia.md"),
    )
    .expect("demo warning");
    site.write(
        "config.toml",
        format!(
            "{PORTAL_CONFIG}[links]\nofficial_domains = [\"vneid.gov.vn\"]\n{}",
            english_table()
        ),
    );
    let front = demo.split("+++").nth(1).expect("front matter");
    let approval = &front[front.find("[approval]").expect("approval")..];
    site.write(
        "content/canh-bao/_index.md",
        "+++\ntitle = \"Cảnh báo\"\n+++\n",
    );
    site.write(
        "content/canh-bao/vneid.md",
        format!("+++{front}+++\n\nCảnh báo vneid.\n"),
    );
    let translation = |approval: &str, record: &str| {
        format!(
            "+++\ntitle = \"Fake VNeID app\"\ndate = 2026-03-02\nkind = \"warning\"\n{record}\n{approval}+++\n\nEnglish warning.\n"
        )
    };
    // The same kind and approval: published under /en/, with the original's record.
    site.write("content/canh-bao/vneid.en.md", translation(approval, ""));
    site.preview_ok("2026-11-23");
    let en = site.html("public/en/canh-bao/vneid/index.html");
    assert_eq!(html_lang(&en), "en");
    assert_eq!(texts(&en, "h1"), ["Fake VNeID app"]);
    assert!(
        attr(&en, "a", "href").contains(&"https://vneid.gov.vn/".to_string()),
        "the original's record (its links) is published"
    );

    // Another decision: refused.
    let other = approval.replace("61/QĐ-UBND", "99/QĐ-UBND");
    assert_ne!(other, approval);
    site.write("content/canh-bao/vneid.en.md", translation(&other, ""));
    let err = site.build_err("2026-11-23");
    assert!(
        err.contains("content/canh-bao/vneid.en.md")
            && err.contains("phải ghi đúng phê duyệt của bản gốc"),
        "{err}"
    );

    // The same approval, its own data: refused.
    site.write(
        "content/canh-bao/vneid.en.md",
        translation(approval, "[record]\nseverity = \"cảnh báo\"\n"),
    );
    let err = site.build_err("2026-11-23");
    assert!(err.contains("không được đổi bảng [record]"), "{err}");
}

#[test]
fn a_minority_language_is_one_table_too() {
    // Seed 003: a commune of the Ba Na people adds `[languages.bdq]` (ISO 639-3), the
    // docs' table under its code (the translator replaces the text).
    let site = vietnamese_site();
    let table = english_table()
        .replace("[languages.en", "[languages.bdq")
        .replace("language_name = \"English\"", "language_name = \"Bahnar\"");
    site.write("config.toml", format!("{PORTAL_CONFIG}{table}"));
    site.write(
        "content/gioi-thieu.bdq.md",
        format!("+++\ntitle = \"Bahnar\"\n{APPROVAL}+++\n\nbdqmarker\n"),
    );
    site.preview_ok("2026-11-23");
    let page = site.html("public/bdq/gioi-thieu/index.html");
    assert_eq!(html_lang(&page), "bdq");
    let vi = site.html("public/gioi-thieu/index.html");
    assert_eq!(
        attr(&vi, "nav.lang-switch a[hreflang=bdq]", "href"),
        [format!("{BASE}/bdq/gioi-thieu/")]
    );
    assert_eq!(texts(&vi, "nav.lang-switch a"), ["Bahnar"]);
}

/// Zola's per-language taxonomies: `[languages.en] taxonomies` are built from the
/// English pages only, at `/en/…`, with their own feeds; `get_taxonomy`,
/// `get_taxonomy_url` and `get_url` take the page's language or `lang=`.
#[test]
fn taxonomies_are_built_per_language() {
    let site = bilingual_site();
    site.write(
        "config.toml",
        format!(
            "taxonomies = [{{ name = \"chu-de\", feed = true }}]\n{PORTAL_CONFIG}{}",
            english_table().replace(
                "[languages.en]\n",
                "[languages.en]\ntaxonomies = [{ name = \"topics\", feed = true }]\n"
            )
        ),
    );
    site.write(
        "content/van-ban/ke-hoach.md",
        format!("+++\ntitle = \"Kế hoạch năm 2026\"\ndate = 2026-06-10\n[taxonomies]\nchu-de = [\"Kế hoạch\"]\n{APPROVAL}+++\n\nNội dung.\n"),
    );
    site.write(
        "content/van-ban/ke-hoach.en.md",
        format!("+++\ntitle = \"Plan for 2026\"\ndate = 2026-06-10\ntemplate = \"probe.html\"\n[taxonomies]\ntopics = [\"Plans\"]\n{APPROVAL}+++\n\nThe plan.\n"),
    );
    site.write(
        "templates/probe.html",
        r#"<html lang="{{ lang }}"><body>
<p id="tax">{% set t = get_taxonomy(kind="topics") %}{{ t.kind.name }}|{{ t.lang }}|{{ t.permalink }}|{{ t.items | length }}</p>
<p id="tax_vi">{% set t = get_taxonomy(kind="chu-de", lang="vi") %}{{ t.lang }}|{{ t.permalink }}|{{ t.items[0].name }}</p>
<p id="tax_missing">{{ get_taxonomy(kind="chu-de", required=false) is none }}</p>
<p id="url">{{ get_taxonomy_url(kind="topics", term="Plans") }}</p>
<p id="url_vi">{{ get_taxonomy_url(kind="chu-de", term="Kế hoạch", lang="vi") }}</p>
<p id="get_url">{{ get_url(path="@/van-ban/ke-hoach.md") }}|{{ get_url(path="@/van-ban/ke-hoach.md", lang="vi") }}|{{ get_url(path="topics/", lang="en", trailing_slash=true) }}</p>
</body></html>"#,
    );
    site.preview_ok("2026-11-23");

    let probe = site.html("public/en/van-ban/ke-hoach/index.html");
    let one = |id: &str| texts(&probe, &format!("#{id}")).join("");
    assert_eq!(one("tax"), format!("topics|en|{BASE}/en/topics/|1"));
    assert_eq!(one("tax_vi"), format!("vi|{BASE}/chu-de/|Kế hoạch"));
    assert_eq!(one("tax_missing"), "true", "English has no `chu-de`");
    assert_eq!(one("url"), format!("{BASE}/en/topics/plans/"));
    assert_eq!(one("url_vi"), format!("{BASE}/chu-de/ke-hoach/"));
    assert_eq!(
        one("get_url"),
        format!("{BASE}/en/van-ban/ke-hoach/|{BASE}/van-ban/ke-hoach/|{BASE}/en/topics/")
    );

    // Each language's term page lists its own pages, in its own language.
    let vi_term = site.html("public/chu-de/ke-hoach/index.html");
    assert_eq!(html_lang(&vi_term), "vi");
    let links = attr(&vi_term, "main a", "href");
    assert!(
        links.contains(&format!("{BASE}/van-ban/ke-hoach/")),
        "{links:?}"
    );
    assert!(!links.iter().any(|l| l.contains("/en/")), "{links:?}");
    let en_term = site.html("public/en/topics/plans/index.html");
    assert_eq!(html_lang(&en_term), "en");
    let links = attr(&en_term, "main a", "href");
    assert!(
        links.contains(&format!("{BASE}/en/van-ban/ke-hoach/")),
        "{links:?}"
    );
    assert!(links.contains(&format!("{BASE}/en/topics/")), "{links:?}");
    assert_eq!(html_lang(&site.html("public/en/topics/index.html")), "en");
    // No taxonomy of one language under the other's address.
    assert!(!site.exists("public/en/chu-de/index.html"));
    assert!(!site.exists("public/topics/index.html"));
    // Per-language term feeds.
    let feed = site.read("public/en/topics/plans/atom.xml");
    assert!(
        feed.contains(&format!("{BASE}/en/van-ban/ke-hoach/")),
        "{feed}"
    );
    let feed = site.read("public/chu-de/ke-hoach/atom.xml");
    assert!(
        feed.contains(&format!("{BASE}/van-ban/ke-hoach/")) && !feed.contains("/en/"),
        "{feed}"
    );
}

fn warning(title: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-11-01\nkind = \"warning\"\n[record]\nseverity = \"cảnh báo\"\npattern = \"Kẻ gian nhận làm hộ giấy tờ và đòi tiền.\"\nsummary = \"Không đưa tiền cho người lạ.\"\nrecognise = [\"Đòi tiền làm nhanh\"]\nactions = [\"Báo công an phường\"]\nactive_from = 2026-11-01\n{APPROVAL}+++\n\nNội dung.\n"
    )
}

/// The site-wide warning banner on a language's pages: the warning's translation when
/// there is one; otherwise the Vietnamese text, marked `lang="vi"`, and a warning.
#[test]
fn the_warning_banner_is_translated_or_marked_vietnamese_with_a_warning() {
    let site = bilingual_site();
    site.write(
        "content/canh-bao/_index.md",
        "+++\ntitle = \"Cảnh báo\"\n+++\n",
    );
    site.write(
        "content/canh-bao/mao-danh.md",
        warning("Mạo danh cán bộ thu tiền"),
    );
    let out = site.preview_ok("2026-11-23");
    let err = stderr(&out);
    assert!(
        err.contains("chưa có bản dịch cho ngôn ngữ \u{201c}en\u{201d}")
            && err.contains("content/canh-bao/mao-danh.en.md"),
        "{err}"
    );
    let en = site.html("public/en/van-ban/ke-hoach/index.html");
    let banner = texts(&en, "section.alert h2#canh-bao-chung");
    assert_eq!(banner.len(), 1, "{banner:?}");
    assert!(banner[0].contains("Mạo danh cán bộ thu tiền"), "{banner:?}");
    assert_eq!(attr(&en, "section.alert", "lang"), ["vi"]);
    let vi = site.html("public/van-ban/ke-hoach/index.html");
    assert!(attr(&vi, "section.alert", "lang").is_empty());

    // Translated: English title, summary and link on English pages, no warning.
    site.write(
        "content/canh-bao/mao-danh.en.md",
        format!(
            "+++\ntitle = \"Fake officials collecting money\"\ndescription = \"Never pay a stranger.\"\ndate = 2026-11-01\nkind = \"warning\"\n{APPROVAL}+++\n\nContent.\n"
        ),
    );
    let out = site.preview_ok("2026-11-23");
    assert!(!stderr(&out).contains("chưa có bản dịch cho ngôn ngữ"));
    let en = site.html("public/en/van-ban/ke-hoach/index.html");
    assert_eq!(
        texts(&en, "section.alert h2#canh-bao-chung"),
        ["⚠ WARNING: Fake officials collecting money"]
    );
    assert_eq!(
        texts(&en, "section.alert .alert__summary"),
        ["Never pay a stranger."]
    );
    assert_eq!(
        attr(&en, "section.alert .alert__link a", "href"),
        [format!("{BASE}/en/canh-bao/mao-danh/")]
    );
    assert!(attr(&en, "section.alert", "lang").is_empty());
    let vi = site.html("public/van-ban/ke-hoach/index.html");
    assert!(texts(&vi, "section.alert h2#canh-bao-chung")[0].contains("Mạo danh cán bộ thu tiền"));
}
