//! The open-data catalogue (src/opendata/catalog.rs): the DCAT JSON-LD, data.json, the
//! "Dữ liệu mở" page, the schema.org JSON-LD of dataset pages, robots.txt, feed links.
//! Every check reads the built output (serde_json, scraper) and the real files.

use crate::common::sha256_hex;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::common::{APPROVAL, Site, stderr};

const NOW: &str = "2026-11-23";
const BASE: &str = "https://hoaan.example.vn";
const HOSTILE: &str = "</script><script>alert(1)</script> \"ngoặc kép\" 'đơn' & <b>đậm</b>";

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

/// `https://host/a/b.csv` → `public/a/b.csv`.
fn public_rel(url: &str, base: &str) -> String {
    let path = url
        .strip_prefix(base)
        .unwrap_or_else(|| panic!("{url} is not under {base}"));
    format!("public{path}")
}

fn datasets(catalog: &Value) -> &Vec<Value> {
    catalog["dcat:dataset"].as_array().expect("dcat:dataset")
}

fn is_personal(d: &Value) -> bool {
    d["dct:accessRights"]["@id"]
        .as_str()
        .expect("accessRights")
        .ends_with("/RESTRICTED")
}

fn title(d: &Value) -> &str {
    d["dct:title"]["@value"].as_str().expect("title")
}

fn id_of(v: &Value) -> &str {
    v["@id"].as_str().expect("@id")
}

/// The site paths of every file under a page's folder in the output (its downloads,
/// attachments and subpages' files).
fn files_under(site: &Site, page_url: &str, base: &str) -> Vec<String> {
    let dir = public_rel(page_url, base);
    site.output_files()
        .iter()
        .map(|p| format!("public/{}", p.to_string_lossy().replace('\\', "/")))
        .filter(|p| p.starts_with(&dir) && !p.ends_with(".html"))
        .collect()
}

/// The schema.org JSON-LD blocks of an HTML file.
fn page_json_ld(site: &Site, rel: &str) -> Vec<Value> {
    let doc = site.html(rel);
    let sel = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    doc.select(&sel)
        .map(|e| {
            let text: String = e.text().collect();
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{rel}: {err}: {text}"))
        })
        .collect()
}

fn built_demo() -> Site {
    let site = Site::demo();
    site.build_ok(NOW);
    site
}

#[test]
fn every_download_of_the_demo_is_described_with_its_real_size_and_checksum() {
    let site = built_demo();
    let catalog = json(&site, "public/du-lieu-mo/catalog.jsonld");
    assert_eq!(catalog["@type"], "dcat:Catalog");
    assert!(
        catalog["@context"].is_object(),
        "inline context: RDF tools read it offline"
    );
    assert_eq!(
        catalog["dct:publisher"]["foaf:name"]["@value"],
        "Phường Hòa An"
    );
    assert_eq!(
        catalog["dct:publisher"]["foaf:mbox"]["@id"],
        "mailto:hoaan@example.vn"
    );
    let sets = datasets(&catalog);
    let public: Vec<&Value> = sets.iter().filter(|d| !is_personal(d)).collect();
    assert!(public.len() >= 3, "the demo has several open datasets");
    let mut described: BTreeSet<String> = BTreeSet::new();
    for d in &public {
        let dist = d["dcat:distribution"]
            .as_array()
            .unwrap_or_else(|| panic!("{} has no distribution", title(d)));
        assert!(!dist.is_empty());
        for f in dist {
            let url = id_of(&f["dcat:downloadURL"]);
            assert_eq!(id_of(&f["dcat:accessURL"]), url);
            let rel = public_rel(url, BASE);
            let bytes = std::fs::read(site.path().join(&rel))
                .unwrap_or_else(|e| panic!("{url} is not a published file: {e}"));
            assert_eq!(
                f["dcat:byteSize"]["@value"],
                bytes.len().to_string(),
                "{url}"
            );
            assert_eq!(f["dcat:byteSize"]["@type"], "xsd:nonNegativeInteger");
            let sum = &f["spdx:checksum"];
            assert_eq!(sum["@type"], "spdx:Checksum");
            assert_eq!(
                sum["spdx:algorithm"]["@id"],
                "spdx:checksumAlgorithm_sha256"
            );
            assert_eq!(
                sum["spdx:checksumValue"]["@value"],
                sha256_hex(&bytes),
                "{url}"
            );
            assert!(
                id_of(&f["dcat:mediaType"])
                    .starts_with("https://www.iana.org/assignments/media-types/"),
                "{url}"
            );
            described.insert(rel);
        }
        for key in [
            "dct:description",
            "dct:issued",
            "dct:modified",
            "dcat:keyword",
            "dct:spatial",
            "dcat:landingPage",
            "dct:identifier",
            "dcat:contactPoint",
            "dct:license",
        ] {
            assert!(!d[key].is_null(), "{} lacks {key}", title(d));
        }
        // Modified is the latest of the record's dates, never the build date.
        assert!(d["dct:modified"]["@value"].as_str().unwrap() <= NOW);
        assert!(
            d["dct:issued"]["@value"].as_str().unwrap()
                <= d["dct:modified"]["@value"].as_str().unwrap()
        );
    }
    // Every CSV and JSON download of an open record is in the catalogue.
    for d in &public {
        for f in files_under(&site, id_of(&d["dcat:landingPage"]), BASE) {
            if f.ends_with(".csv") || f.ends_with(".json") {
                assert!(described.contains(&f), "{f} is missing from the catalogue");
            }
        }
    }

    // data.json: the same datasets, the POD required fields, the same download URLs.
    let pod = json(&site, "public/data.json");
    assert_eq!(
        pod["conformsTo"],
        "https://project-open-data.cio.gov/v1.1/schema"
    );
    let pod_sets = pod["dataset"].as_array().expect("dataset[]");
    assert_eq!(pod_sets.len(), sets.len());
    for (p, d) in pod_sets.iter().zip(sets) {
        assert_eq!(p["identifier"], d["dct:identifier"]);
        for key in [
            "title",
            "description",
            "modified",
            "publisher",
            "identifier",
            "accessLevel",
        ] {
            assert!(
                p[key].as_str().is_some_and(|s| !s.is_empty()) || p[key].is_object(),
                "data.json {} lacks {key}",
                p["title"]
            );
        }
        assert!(!p["keyword"].as_array().unwrap().is_empty());
        assert!(p["contactPoint"]["fn"].is_string());
        assert!(
            p["contactPoint"]["hasEmail"]
                .as_str()
                .unwrap()
                .starts_with("mailto:")
        );
        if is_personal(d) {
            continue;
        }
        assert_eq!(p["accessLevel"], "public");
        let urls: BTreeSet<&str> = p["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["downloadURL"].as_str().unwrap())
            .collect();
        let want: BTreeSet<&str> = d["dcat:distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| id_of(&f["dcat:downloadURL"]))
            .collect();
        assert_eq!(urls, want);
        for f in p["distribution"].as_array().unwrap() {
            assert!(f["mediaType"].as_str().unwrap().contains('/'));
            assert!(f["format"].is_string());
        }
    }

    // Each open dataset page embeds its schema.org Dataset with the same files.
    for d in &public {
        let rel = format!(
            "{}index.html",
            public_rel(id_of(&d["dcat:landingPage"]), BASE)
        );
        let blocks = page_json_ld(&site, &rel);
        let ds = blocks
            .iter()
            .find(|b| b["@type"] == "Dataset")
            .unwrap_or_else(|| panic!("{rel} has no schema.org Dataset"));
        assert_eq!(ds["name"].as_str(), Some(title(d)));
        assert_eq!(ds["isAccessibleForFree"], true);
        assert!(ds["license"].is_string() && ds["publisher"]["name"].is_string());
        let urls: BTreeSet<&str> = ds["distribution"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert_eq!(f["@type"], "DataDownload");
                f["contentUrl"].as_str().unwrap()
            })
            .collect();
        assert_eq!(
            urls.len(),
            d["dcat:distribution"].as_array().unwrap().len(),
            "{rel}"
        );
    }
}

#[test]
fn lists_of_people_are_described_but_never_offered() {
    let site = built_demo();
    let catalog = json(&site, "public/du-lieu-mo/catalog.jsonld");
    let personal: Vec<&Value> = datasets(&catalog)
        .iter()
        .filter(|d| is_personal(d))
        .collect();
    assert!(
        personal.len() >= 2,
        "the demo's beneficiary list and donations are lists of people"
    );
    let catalog_text = site.read("public/du-lieu-mo/catalog.jsonld");
    let pod_text = site.read("public/data.json");
    let pod = json(&site, "public/data.json");
    let page = site.html("public/du-lieu-mo/index.html");
    let hrefs: Vec<String> = {
        let sel = scraper::Selector::parse("a[href]").unwrap();
        page.select(&sel)
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    let robots = site.read("public/robots.txt");
    let disallowed: Vec<&str> = robots
        .lines()
        .filter_map(|l| l.strip_prefix("Disallow: "))
        .collect();
    for d in personal {
        assert!(d["dcat:distribution"].is_null(), "{}: no files", title(d));
        assert!(
            d["dct:description"]["@value"]
                .as_str()
                .unwrap()
                .contains("có tên người")
        );
        let landing = id_of(&d["dcat:landingPage"]).to_string();
        let files = files_under(&site, &landing, BASE);
        assert!(!files.is_empty(), "{landing} publishes files for reading");
        for f in &files {
            let url = format!("{BASE}{}", f.trim_start_matches("public"));
            let path = f.trim_start_matches("public");
            assert!(!catalog_text.contains(&url), "{url} in the DCAT catalogue");
            assert!(!pod_text.contains(&url), "{url} in data.json");
            assert!(
                !hrefs.iter().any(|h| h == &url || h.ends_with(path)),
                "{url} linked from the Dữ liệu mở page"
            );
            for html in site.output_files() {
                let html = html.to_string_lossy().replace('\\', "/");
                if html.ends_with(".html") {
                    for block in page_json_ld(&site, &format!("public/{html}")) {
                        assert!(
                            !block.to_string().contains(&url),
                            "{url} in the JSON-LD of {html}"
                        );
                    }
                }
            }
            assert!(
                disallowed
                    .iter()
                    .any(|p| *p == path || (p.ends_with('/') && path.starts_with(p))),
                "robots.txt does not disallow {path}:\n{robots}"
            );
        }
        let pod_d = pod["dataset"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["identifier"] == d["dct:identifier"])
            .unwrap();
        assert_eq!(pod_d["accessLevel"], "restricted public");
        assert!(pod_d["distribution"].is_null());
        assert!(pod_d["rights"].is_string(), "POD: rights when not public");
        // The page says it names people and sends readers to the list itself.
        let page_text = site.read("public/du-lieu-mo/index.html");
        assert!(page_text.contains(&landing));
    }
    let marked = crate::common::texts(&page, ".dataset .tag");
    assert!(marked.iter().filter(|t| *t == "Có tên người").count() >= 2);
    // The sitemap does not list the (noindex) list pages either.
    let sitemap = site.read("public/sitemap.xml");
    for p in &disallowed {
        assert!(!sitemap.contains(&format!("{BASE}{p}<")), "{p} in sitemap");
    }
}

#[test]
fn the_open_data_page_lists_every_dataset_with_its_files() {
    let site = built_demo();
    let catalog = json(&site, "public/du-lieu-mo/catalog.jsonld");
    let page = site.html("public/du-lieu-mo/index.html");
    let headings = crate::common::texts(&page, ".dataset h3");
    let titles: Vec<&str> = datasets(&catalog).iter().map(title).collect();
    assert_eq!(headings, titles);
    let codes = crate::common::texts(&page, ".dataset code.hash");
    for d in datasets(&catalog).iter().filter(|d| !is_personal(d)) {
        // This page lists exactly what the dataset's own page lists (a session's own
        // calendar, linked from its session page, is on neither).
        let landing = public_rel(id_of(&d["dcat:landingPage"]), BASE);
        let own = site.html(&format!("{landing}index.html"));
        let own_codes = crate::common::texts(&own, ".file-list .file__hash code");
        for f in d["dcat:distribution"].as_array().unwrap() {
            let sum = f["spdx:checksum"]["spdx:checksumValue"]["@value"]
                .as_str()
                .unwrap();
            assert_eq!(
                codes.iter().any(|c| c == sum),
                own_codes.iter().any(|c| c == sum),
                "{} ({sum}) here and on {landing}",
                id_of(&f["dcat:downloadURL"])
            );
        }
    }
    // Accessible tables: a caption and column headers.
    let sel = scraper::Selector::parse(".dataset table").unwrap();
    for t in page.select(&sel) {
        let caption = scraper::Selector::parse("caption").unwrap();
        let th = scraper::Selector::parse("thead th[scope=col]").unwrap();
        assert!(t.select(&caption).next().is_some());
        assert_eq!(t.select(&th).count(), 4);
    }
    assert!(
        crate::common::texts(&page, "h2")
            .iter()
            .any(|h| h == "Cách kiểm tra")
    );
    let links: Vec<String> = {
        let sel = scraper::Selector::parse("a[href]").unwrap();
        page.select(&sel)
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect()
    };
    for want in [
        format!("{BASE}/du-lieu-mo/catalog.jsonld"),
        format!("{BASE}/data.json"),
    ] {
        assert!(links.contains(&want), "{want} not linked");
    }
    // Linked from the footer of every page, and the home page points harvesters to it.
    let home = site.html("public/index.html");
    assert!(
        crate::common::texts(&home, ".footer-links a")
            .iter()
            .any(|t| t == "Dữ liệu mở")
    );
    let sel =
        scraper::Selector::parse(r#"link[rel=alternate][type="application/ld+json"]"#).unwrap();
    assert_eq!(
        home.select(&sel)
            .next()
            .and_then(|l| l.value().attr("href")),
        Some(format!("{BASE}/du-lieu-mo/catalog.jsonld").as_str())
    );
}

#[test]
fn feeds_are_linked_from_every_page_and_resolve() {
    let site = built_demo();
    let sel =
        scraper::Selector::parse(r#"link[rel=alternate][type="application/atom+xml"]"#).unwrap();
    let mut section_feeds = 0;
    for f in site.output_files() {
        let rel = f.to_string_lossy().replace('\\', "/");
        if !rel.ends_with("index.html") || rel.contains("lich-su/") {
            continue;
        }
        let doc = site.html(&format!("public/{rel}"));
        let refresh = scraper::Selector::parse(r#"meta[http-equiv="refresh"]"#).unwrap();
        if doc.select(&refresh).next().is_some() {
            continue; // a redirect (alias, /page/1/), not a page
        }
        let feeds: Vec<&str> = doc
            .select(&sel)
            .filter_map(|l| l.value().attr("href"))
            .collect();
        assert!(
            feeds.contains(&format!("{BASE}/atom.xml").as_str()),
            "{rel} does not link the site feed"
        );
        for url in feeds {
            let file = public_rel(url, BASE);
            let xml = site.read(&file);
            assert!(xml.contains("<feed"), "{url} is not an Atom feed");
            if url != format!("{BASE}/atom.xml") {
                section_feeds += 1;
                // A section's feed is linked from that section's own page (any of its
                // pages: `van-ban/page/2/` is still "Văn bản").
                let section = match rel.split_once("page/") {
                    Some((s, n)) if n.trim_end_matches("/index.html").parse::<u32>().is_ok() => {
                        format!("{s}index.html")
                    }
                    _ => rel.clone(),
                };
                assert_eq!(
                    format!("public/{section}"),
                    file.replace("atom.xml", "index.html"),
                    "{rel}"
                );
            }
        }
    }
    assert!(
        section_feeds >= 4,
        "the demo's sections have their own feeds"
    );
    // Feeds list only published pages: no list of people's files.
    let feed = site.read("public/atom.xml");
    assert!(!feed.contains(".csv"));
}

/// A small portal: a list of people (support fixture) and timeline records that are
/// published (with a hostile title), a draft, embargoed and withdrawn.
fn fixture_with_records() -> Site {
    let site = Site::fixture("support");
    let tasks = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("data/sap-xep-to-dan-pho/tien-do.csv"),
    )
    .unwrap();
    site.write("data/tien-do.csv", &tasks);
    site.write(
        "content/tien-do/_index.md",
        format!("+++\ntitle = \"Tiến độ\"\n{APPROVAL}+++\n"),
    );
    let page = |name: &str, title: &str, extra: &str, approval: bool| {
        let title = title.replace('\\', "\\\\").replace('"', "\\\"");
        site.write(
            &format!("content/tien-do/{name}.md"),
            format!(
                "+++\ntitle = \"{title}\"\ndescription = \"Mô tả {title}\"\ndate = 2026-06-12\nkind = \"timeline\"\n{extra}\n[record]\ntasks = \"data/tien-do.csv\"\n{}+++\nNội dung.\n",
                if approval { APPROVAL } else { "" }
            ),
        );
    };
    page("mo", HOSTILE, "", true);
    page("nhap", "Bản nháp chưa duyệt", "draft = true", true);
    page(
        "chua-den-ngay",
        "Chưa đến ngày",
        "publish_from = 2026-12-20",
        true,
    );
    page("het-han", "Đã hết hạn", "publish_until = 2026-11-01", true);
    site
}

#[test]
fn a_hostile_title_cannot_break_the_json_ld_or_the_page() {
    let site = fixture_with_records();
    site.build_ok(NOW);
    let base = "https://phuong.example.vn";
    // The record page: one JSON-LD block, valid JSON holding the title as written.
    let rel = "public/tien-do/mo/index.html";
    let html = site.read(rel);
    assert!(!html.contains("<script>alert(1)"), "the title broke out");
    let blocks = page_json_ld(&site, rel);
    assert_eq!(blocks.len(), 1);
    assert_eq!(blocks[0]["name"], HOSTILE);
    let doc = site.html(rel);
    let scripts = scraper::Selector::parse("script").unwrap();
    for s in doc.select(&scripts) {
        let t: String = s.text().collect();
        assert!(
            !t.trim_start().starts_with("alert"),
            "a script element made of the title"
        );
    }
    // The catalogue files parse and keep the title.
    let catalog = json(&site, "public/du-lieu-mo/catalog.jsonld");
    assert!(datasets(&catalog).iter().any(|d| title(d) == HOSTILE));
    let pod = json(&site, "public/data.json");
    assert!(
        pod["dataset"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["title"] == HOSTILE)
    );
    // The Dữ liệu mở page shows it as text.
    let page = site.html("public/du-lieu-mo/index.html");
    assert!(
        crate::common::texts(&page, ".dataset h3")
            .iter()
            .any(|t| t == &HOSTILE.split_whitespace().collect::<Vec<_>>().join(" "))
    );
    assert_eq!(page.select(&scripts).count(), 0, "no script on the page");
    // The list of people of the fixture is described without files.
    let list = datasets(&catalog)
        .iter()
        .find(|d| id_of(&d["dcat:landingPage"]) == format!("{base}/ho-tro/danh-sach/"))
        .expect("the fixture's list");
    assert!(is_personal(list) && list["dcat:distribution"].is_null());
    assert!(
        site.read("public/robots.txt")
            .lines()
            .any(|l| l == "Disallow: /ho-tro/danh-sach/")
    );
}

#[test]
fn drafts_embargoed_and_withdrawn_records_are_not_in_the_catalogue() {
    let site = fixture_with_records();
    site.build_ok(NOW);
    let absent = ["Bản nháp chưa duyệt", "Chưa đến ngày", "Đã hết hạn"];
    let check = |dir: &str| {
        for rel in [
            format!("{dir}/du-lieu-mo/catalog.jsonld"),
            format!("{dir}/data.json"),
            format!("{dir}/du-lieu-mo/index.html"),
        ] {
            let text = site.read(&rel);
            for t in absent {
                assert!(!text.contains(t), "{t} in {rel}");
            }
            for path in [
                "/tien-do/nhap/",
                "/tien-do/chua-den-ngay/",
                "/tien-do/het-han/",
            ] {
                assert!(!text.contains(path), "{path} in {rel}");
            }
        }
    };
    check("public");
    let catalog = json(&site, "public/du-lieu-mo/catalog.jsonld");
    assert_eq!(
        datasets(&catalog).len(),
        2,
        "the open timeline and the list"
    );
    // The withdrawn page's notice carries no JSON-LD.
    assert!(page_json_ld(&site, "public/tien-do/het-han/index.html").is_empty());
    // The staff preview shows drafts, but the catalogue there still holds only what is
    // published.
    let out = site.run(&["build", "--drafts", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    check("public-preview");
}

#[test]
fn the_catalogue_is_byte_identical_on_every_build() {
    let a = fixture_with_records();
    let b = fixture_with_records();
    a.build_ok(NOW);
    b.build_ok(NOW);
    for rel in [
        "public/du-lieu-mo/catalog.jsonld",
        "public/data.json",
        "public/du-lieu-mo/index.html",
        "public/robots.txt",
        "public/tien-do/mo/index.html",
    ] {
        assert_eq!(a.read(rel), b.read(rel), "{rel} differs between builds");
    }
    // Another build date that changes no publication changes no byte of the catalogue.
    let c = fixture_with_records();
    c.build_ok("2026-11-24");
    for rel in ["public/du-lieu-mo/catalog.jsonld", "public/data.json"] {
        assert_eq!(a.read(rel), c.read(rel), "{rel} depends on the build date");
    }
}

#[test]
fn content_may_not_take_the_catalogue_paths() {
    for (file, front) in [
        ("content/du-lieu-mo.md", String::new()),
        ("content/khac.md", "path = \"data.json\"\n".to_string()),
    ] {
        let site = Site::fixture("support");
        site.write(
            file,
            format!("+++\ntitle = \"Trang trùng\"\n{front}{APPROVAL}+++\n"),
        );
        let err = site.build_err(NOW);
        assert!(err.contains("congkhai ("), "{file}: {err}");
    }
}

#[test]
fn a_plain_zola_site_gets_no_catalogue_and_keeps_zola_feed_defaults() {
    let site = Site::new("base_url = \"https://z.example\"\ntitle = \"Z\"\n");
    site.write("templates/index.html", "<p>{{ section.title }}</p>");
    site.write("content/a/_index.md", "+++\ntitle = \"A\"\n+++\n");
    site.write("templates/section.html", "<p>{{ section.title }}</p>");
    site.build_ok(NOW);
    let files: BTreeMap<String, ()> = site
        .output_files()
        .iter()
        .map(|p| (p.to_string_lossy().replace('\\', "/"), ()))
        .collect();
    for f in [
        "data.json",
        "du-lieu-mo/catalog.jsonld",
        "atom.xml",
        "a/atom.xml",
    ] {
        assert!(!files.contains_key(f), "{f} on a plain Zola site");
    }
}
