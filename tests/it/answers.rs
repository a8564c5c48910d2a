//! Issue 14, "the answers people come for": the home page built from the site's sections,
//! consultation verdicts, the list-wide name lookup, the wording of the theme, and the
//! coherence of the demo.

use crate::common::{APPROVAL, PORTAL_CONFIG, Site, texts};

/// The shared test portal (`common::PORTAL_CONFIG`).
const CONFIG: &str = PORTAL_CONFIG;

fn warning(title: &str, date: &str, from: &str, until: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = {date}\nkind = \"warning\"\n[record]\nseverity = \"cảnh báo\"\npattern = \"Kẻ gian nhận làm hộ giấy tờ.\"\nsummary = \"Không đưa tiền cho người lạ.\"\nrecognise = [\"Đòi tiền\"]\nactions = [\"Báo công an phường\"]\nactive_from = {from}\nactive_until = {until}\n{APPROVAL}+++\n\nNội dung.\n"
    )
}

fn plain(title: &str, date: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = {date}\n{APPROVAL}+++\n\nNội dung.\n")
}

/// The home page lists every menu section in menu order (weight) with its three newest
/// pages, and the active warnings first; a section the theme never heard of shows too.
#[test]
fn home_page_is_built_from_the_sites_sections() {
    let site = Site::new(CONFIG);
    site.write(
        "content/van-ban/_index.md",
        "+++\ntitle = \"Văn bản\"\nsort_by = \"date\"\nweight = 10\n+++\n",
    );
    for (i, d) in ["2026-01-05", "2026-03-01", "2026-02-10", "2026-04-20"]
        .iter()
        .enumerate()
    {
        site.write(
            &format!("content/van-ban/vb-{i}.md"),
            plain(&format!("Văn bản số {i}"), d),
        );
    }
    // A section no template names, sorted by weight, lighter than "Văn bản"'s neighbour.
    site.write(
        "content/lich-tiep-dan/_index.md",
        "+++\ntitle = \"Lịch tiếp dân mới\"\nsort_by = \"weight\"\nweight = 5\n+++\n",
    );
    site.write(
        "content/lich-tiep-dan/thang-7.md",
        plain("Lịch tiếp dân tháng 7", "2026-07-01"),
    );
    site.write(
        "content/canh-bao/_index.md",
        "+++\ntitle = \"Cảnh báo lừa đảo\"\nsort_by = \"date\"\nweight = 40\n+++\n",
    );
    site.write(
        "content/canh-bao/dang.md",
        warning(
            "Cảnh báo còn hiệu lực",
            "2026-06-01",
            "2026-06-01",
            "2026-12-31",
        ),
    );
    site.write(
        "content/canh-bao/het.md",
        warning("Cảnh báo đã hết", "2026-01-01", "2026-01-01", "2026-02-01"),
    );
    site.build_ok("2026-07-10");
    let home = site.html("public/index.html");
    let headings = texts(&home, "main section.latest h2");
    assert_eq!(
        headings,
        [
            "Cảnh báo đang hiệu lực",
            "Lịch tiếp dân mới",
            "Văn bản",
            "Cảnh báo lừa đảo"
        ],
        "active warnings, then the sections by weight"
    );
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let sections: Vec<_> = home.select(&sel("main section.latest")).collect();
    let titles = |i: usize| -> Vec<String> {
        sections[i]
            .select(&sel("a.item__title"))
            .map(|a| a.text().collect::<String>())
            .collect()
    };
    assert_eq!(
        titles(0),
        ["Cảnh báo còn hiệu lực"],
        "only the active warning"
    );
    assert_eq!(titles(1), ["Lịch tiếp dân tháng 7"]);
    assert_eq!(
        titles(2),
        ["Văn bản số 3", "Văn bản số 1", "Văn bản số 2"],
        "the three newest by date"
    );
    assert_eq!(titles(3), ["Cảnh báo còn hiệu lực", "Cảnh báo đã hết"]);
    let more: Vec<_> = sections[2]
        .select(&sel("p.more a"))
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert_eq!(more, ["https://phuong.example.vn/van-ban/"]);
}

/// The demo's home page shows the sections the old hard-coded list left out.
#[test]
fn demo_home_shows_merger_and_service_days() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let home = site.html("public/index.html");
    let headings = texts(&home, "main section.latest h2");
    for want in ["Sắp xếp tổ dân phố", "Lịch hỗ trợ thủ tục"] {
        assert!(
            headings.iter().any(|h| h == want),
            "{want} missing from {headings:?}"
        );
    }
}

// ---------------------------------------------------------------------------------
// "Am I on the list?"
// ---------------------------------------------------------------------------------

const LIST: &str = "ho-tro/danh-sach-ho-tro-thu-nhap-2026";

/// The demo's long list has a list-wide lookup: its data file holds every entry's name as
/// the group pages show it, pointing to the group page that lists it, and nothing else.
#[test]
fn list_lookup_points_every_name_to_its_group_page() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let page = site.html(&format!("public/{LIST}/index.html"));
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let section = page
        .select(&sel("section#tra-cuu.name-lookup"))
        .next()
        .expect("lookup on the list page");
    let url = section
        .select(&sel("[data-lookup]"))
        .next()
        .and_then(|e| e.value().attr("data-lookup"))
        .expect("data-lookup")
        .to_string();
    assert_eq!(
        url,
        format!("https://hoaan.example.vn/{LIST}/tra-cuu-ten.json")
    );
    assert!(
        section
            .select(&sel("label[for=tra-cuu-ten]"))
            .next()
            .is_some(),
        "labelled input"
    );
    let v: serde_json::Value =
        serde_json::from_str(&site.read(&format!("public/{LIST}/tra-cuu-ten.json"))).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let csv = site.read(&format!("public/{LIST}/danh-sach.csv"));
    assert_eq!(rows.len(), csv.lines().count() - 1, "one row per entry");
    let mut pages: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for r in rows {
        let r = r.as_array().unwrap();
        assert_eq!(r.len(), 4, "name, STT, group, page only: {r:?}");
        let page_url = v["pages"][r[3].as_u64().unwrap() as usize]
            .as_str()
            .unwrap()
            .to_string();
        let names = pages.entry(page_url.clone()).or_insert_with(|| {
            let rel = page_url
                .strip_prefix("https://hoaan.example.vn/")
                .expect("page on the site");
            texts(
                &site.html(&format!("public/{rel}index.html")),
                "tbody th[scope=row]",
            )
        });
        let name = r[0].as_str().unwrap();
        assert!(names.iter().any(|n| n == name), "{name} not on {page_url}");
        let group = v["groups"][r[2].as_u64().unwrap() as usize]
            .as_str()
            .unwrap();
        assert!(
            page_url.contains(&congkhai::text::slugify(group)),
            "{group} vs {page_url}"
        );
    }
    // The lookup is listed nowhere among the downloads, but is a file of the record.
    let manifest = site.read("public/cong-khai/manifest.json");
    assert!(manifest.contains(&format!("{LIST}/tra-cuu-ten.json")));
    assert!(
        !texts(&page, "a").iter().any(|a| a.contains("tra-cuu-ten")),
        "not linked"
    );
}

/// Site search finds a list by its title and knows its lookup, but holds no name.
#[test]
fn search_finds_lists_by_title_and_names_their_lookup() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let meta: serde_json::Value =
        serde_json::from_str(&site.read("public/tim-kiem/meta.json")).unwrap();
    assert_eq!(
        meta["l"],
        serde_json::json!([[
            "Danh sách hộ được hỗ trợ thu nhập 6 tháng cuối năm 2026",
            format!("{LIST}/")
        ]])
    );
    let mut titles = Vec::new();
    for f in site.output_files() {
        let f = f.to_string_lossy().to_string();
        if f.starts_with("tim-kiem/docs/") {
            let docs: Vec<serde_json::Value> =
                serde_json::from_str(&site.read(&format!("public/{f}"))).unwrap();
            titles.extend(docs.iter().map(|d| d[1].as_str().unwrap().to_string()));
        }
    }
    assert!(
        titles.contains(&"Danh sách hộ được hỗ trợ thu nhập 6 tháng cuối năm 2026".to_string()),
        "{titles:?}"
    );
    // The search page has the hint's place; its script decides when to show it.
    let search = site.html("public/tim-kiem/index.html");
    assert_eq!(texts(&search, "#tk-hint[hidden]").len(), 1);
    // No name of the list anywhere in the index (tested in full by
    // search::no_beneficiary_name_in_the_index); the first one as a quick check.
    let first = site.read(&format!("public/{LIST}/danh-sach.csv"));
    let name = first.lines().nth(1).unwrap().split(',').nth(1).unwrap();
    for f in site.output_files() {
        let f = f.to_string_lossy().to_string();
        if f.starts_with("tim-kiem/") {
            let body = site.read(&format!("public/{f}"));
            assert!(!body.contains(name), "{name} in {f}");
            assert!(!body.contains(&congkhai::text::fold(name)), "{name} in {f}");
        }
    }
}

// ---------------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------------

/// The visible text of a page (no script, style or template content), whitespace
/// collapsed; and the same for its prose and headings only.
fn visible_text(doc: &scraper::Html) -> (String, String) {
    use scraper::Node;
    let mut all = String::new();
    let mut prose = String::new();
    for node in doc.tree.root().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        let mut hidden = false;
        let mut in_prose = false;
        for a in node.ancestors() {
            if let Node::Element(e) = a.value() {
                if matches!(e.name(), "script" | "style" | "template" | "head") {
                    hidden = true;
                }
                if e.has_class("prose", scraper::CaseSensitivity::CaseSensitive)
                    || matches!(e.name(), "h1" | "h2" | "h3")
                {
                    in_prose = true;
                }
            }
        }
        if hidden {
            continue;
        }
        all.push(' ');
        all.push_str(t);
        if in_prose {
            prose.push(' ');
            prose.push_str(t);
        }
    }
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    (squash(all), squash(prose))
}

/// Every HTML page of the demo, as the citizen reads it, uses the wording: no
/// forbidden form anywhere, "UBND" in prose only in titles and document numbers, SHA-256
/// explained where a checksum is shown, "bảng dưới đây" only right above its table.
#[test]
fn demo_pages_use_one_wording() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let forbidden: &[(&str, &str)] = &[
        (
            "Miễn phí hỗ trợ",
            "“Phí hỗ trợ: Miễn phí hỗ trợ”: the Lệ phí column is a state fee",
        ),
        (
            "Phí hỗ trợ",
            "the support is free; the fee shown is the state fee (Lệ phí nhà nước)",
        ),
        ("Số người, hộ", "“Số hộ”"),
        ("Tìm kiếm trên trang", "“Tìm kiếm trên cổng thông tin”"),
        ("Bỏ qua, đến nội dung chính", "“Chuyển đến nội dung chính”"),
        ("lịch .ics", "“Thêm vào lịch điện thoại”"),
        ("(.ics)", "“Thêm vào lịch điện thoại”"),
        ("Chưa đạt", "one verdict wording: Đạt / Không đạt"),
        ("chưa đạt", "one verdict wording: Đạt / Không đạt"),
        (
            "Phương án chưa được thông qua",
            "the headline names what failed",
        ),
        (
            "bảng bên dưới",
            "“bảng dưới đây” only right above its table",
        ),
    ];
    let ubnd_ok = ["Chủ tịch UBND", "HĐND và UBND"];
    let table_after = scraper::Selector::parse("p, li").unwrap();
    let mut problems = Vec::new();
    let mut pages = 0;
    for f in site.output_files() {
        let rel = f.to_string_lossy().to_string();
        if !rel.ends_with(".html") {
            continue;
        }
        pages += 1;
        let doc = site.html(&format!("public/{rel}"));
        let (text, prose) = visible_text(&doc);
        for (bad, why) in forbidden {
            if text.contains(bad) {
                problems.push(format!("{rel}: “{bad}” ({why})"));
            }
        }
        if words(&text).any(|w| w == "NVH") {
            problems.push(format!("{rel}: “NVH” (write “Nhà văn hóa”)"));
        }
        for (i, _) in text.match_indices("% số hộ") {
            let before: String = text[..i]
                .chars()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if before.contains("trên ") {
                problems.push(format!("{rel}: “{before}% số hộ” (trên 50% tổng số hộ)"));
            }
        }
        for (i, _) in prose.match_indices("UBND") {
            let before = &prose[..i + 4];
            let glued = prose[..i].ends_with(['-', '/']);
            if !glued && !ubnd_ok.iter().any(|ok| before.ends_with(ok)) {
                let from = prose[..i].char_indices().rev().nth(30).map_or(0, |c| c.0);
                problems.push(format!(
                    "{rel}: “…{}” (“Ủy ban nhân dân” in running text)",
                    &prose[from..i + 4]
                ));
            }
        }
        // A checksum shown to citizens comes with what it is for (print views, posted
        // on a noticeboard, are another part of issue 14).
        if has_sha256(&text)
            && !rel.contains("/in/")
            && ![
                "dấu vân tay",
                "giúp kiểm tra",
                "64 chữ số",
                "không sửa được mà không lộ dấu vết",
            ]
            .iter()
            .any(|w| text.contains(w))
        {
            problems.push(format!("{rel}: a SHA-256 without a plain explanation"));
        }
        for e in doc.select(&table_after) {
            let t: String = e.text().collect();
            if t.to_lowercase().contains("bảng dưới đây") {
                let next = e.next_siblings().find_map(scraper::ElementRef::wrap);
                let ok = next.is_some_and(|n| {
                    n.value().name() == "table"
                        || n.value()
                            .has_class("table-wrap", scraper::CaseSensitivity::CaseSensitive)
                });
                if !ok {
                    problems.push(format!("{rel}: “bảng dưới đây” not right above a table"));
                }
            }
        }
    }
    assert!(pages > 50, "{pages} pages read");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // And the right words where they belong.
    let home = site.html("public/index.html");
    assert_eq!(texts(&home, "a.skip-link"), ["Chuyển đến nội dung chính"]);
    assert_eq!(
        texts(&home, "label[for=tim-kiem-q]"),
        ["Tìm kiếm trên cổng thông tin"]
    );
    let nf = site.html("public/404.html");
    assert!(texts(&nf, "a").iter().any(|a| a == "Xem tất cả văn bản"));
    let list = site.html("public/ho-tro/danh-sach-ho-tro-thu-nhap-2026/index.html");
    assert!(texts(&list, "dt").iter().any(|t| t == "Số hộ"));
    let sessions = site.html("public/lich-ho-tro/nha-van-hoa/index.html");
    assert!(
        texts(&sessions, "a")
            .iter()
            .any(|a| a == "Thêm vào lịch điện thoại")
    );
}

/// The words of a text (runs of letters and digits).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A SHA-256 in hex (64 hex digits in a row) is shown.
fn has_sha256(text: &str) -> bool {
    words(text).any(|w| w.len() == 64 && w.chars().all(|c| c.is_ascii_hexdigit()))
}

// ---------------------------------------------------------------------------------
// A demo a journalist believes
// ---------------------------------------------------------------------------------

fn repo(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The front matter of every page and section of the demo: (file, table).
fn demo_front_matter() -> Vec<(String, toml::Table)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(repo("content"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let fm = text
                .strip_prefix("+++")
                .and_then(|r| r.split_once("\n+++"))
                .map(|(fm, _)| fm)
                .unwrap_or_else(|| panic!("{}: no front matter", e.path().display()));
            let t: toml::Table =
                toml::from_str(fm).unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            out.push((e.path().display().to_string(), t));
        }
    }
    out
}

/// One set of office holders: everyone who approves or signs in the demo is one of the
/// people config.toml names, with their role; the ward's introduction lists the same.
#[test]
fn demo_has_one_set_of_office_holders() {
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo("config.toml")).unwrap()).unwrap();
    let holders: Vec<(String, String)> = config["extra"]["office_holders"]
        .as_array()
        .expect("[[extra.office_holders]] in config.toml")
        .iter()
        .map(|h| {
            (
                h["name"].as_str().unwrap().to_string(),
                h["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(holders.len() >= 2);
    let mut problems = Vec::new();
    let mut seen = 0;
    for (file, fm) in demo_front_matter() {
        if let Some(a) = fm.get("approval").and_then(|a| a.as_table()) {
            let by = a.get("by").and_then(|v| v.as_str()).unwrap_or_default();
            let role = a.get("role").and_then(|v| v.as_str()).unwrap_or_default();
            seen += 1;
            if !holders.iter().any(|(n, r)| n == by && r == role) {
                problems.push(format!("{file}: approved by {by}, {role}"));
            }
        }
        if let Some(signer) = fm
            .get("record")
            .and_then(|r| r.get("signer"))
            .and_then(|v| v.as_str())
        {
            seen += 1;
            if !holders
                .iter()
                .any(|(n, r)| signer.starts_with(&format!("{n}, {r}")))
            {
                problems.push(format!("{file}: signed by {signer}"));
            }
        }
    }
    assert!(seen > 10, "{seen} approvals and signatures read");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let intro = std::fs::read_to_string(repo("content/gioi-thieu.md")).unwrap();
    for (n, _) in &holders {
        assert!(intro.contains(n.as_str()), "{n} missing from gioi-thieu.md");
    }
}

/// The numbers agree: the plan document's table and the introduction give the groups and
/// households of the plan's own tables; every session of the service days falls after the
/// plan that set them up; one resolution number per subject.
#[test]
fn demo_numbers_and_dates_agree() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let groups = csv_rows(
        &std::fs::read_to_string(repo("data/sap-xep-to-dan-pho/to-dan-pho-hien-nay.csv")).unwrap(),
    );
    let plan =
        csv_rows(&std::fs::read_to_string(repo("data/sap-xep-to-dan-pho/phuong-an.csv")).unwrap());
    let households: u64 = groups.iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    let vi = |n: u64| {
        let s = n.to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push('.');
            }
            out.push(c);
        }
        out
    };
    // The plan document's table, as published.
    let doc = site.html("public/van-ban/ke-hoach-sap-xep-to-dan-pho/index.html");
    let total = texts(&doc, ".prose table tr")
        .into_iter()
        .find(|r| r.starts_with("Cộng"))
        .expect("the plan's total row");
    assert_eq!(
        total,
        format!("Cộng {} {} {}", groups.len(), vi(households), plan.len()),
        "plan 58's table against its data"
    );
    let text = texts(&doc, ".prose").join(" ");
    assert!(
        text.contains(&format!(
            "{} tổ dân phố với {} hộ",
            groups.len(),
            vi(households)
        )),
        "{text}"
    );
    // The plan page's summary says the same.
    let page = site.html("public/sap-xep-to-dan-pho/phuong-an/index.html");
    let big = texts(&page, ".merger-summary__big").join(" ");
    assert!(
        big.contains(&format!("{} tổ dân phố", groups.len()))
            && big.contains(&format!("{} tổ dân phố", plan.len())),
        "{big}"
    );
    let intro = std::fs::read_to_string(repo("content/gioi-thieu.md")).unwrap();
    assert!(intro.contains(&format!("hiện có {} tổ dân phố", groups.len())));

    // Service days: every session on or after the plan that set them up (79/KH-UBND).
    let fm = demo_front_matter();
    let issued = |number: &str| {
        fm.iter()
            .find_map(|(_, t)| {
                let r = t.get("record")?;
                (r.get("number")?.as_str()? == number)
                    .then(|| r.get("issued").map(|d| d.to_string()))?
            })
            .unwrap_or_else(|| panic!("{number} is not on the site"))
    };
    let plan79 = issued("79/KH-UBND");
    let sessions = csv_rows(&std::fs::read_to_string(repo("data/lich-ho-tro/lich.csv")).unwrap());
    for s in &sessions {
        let (d, m, y) = (&s[0][0..2], &s[0][3..5], &s[0][6..10]);
        let iso = format!("{y}-{m}-{d}");
        assert!(iso >= plan79, "session {iso} before plan 79 ({plan79})");
    }
    let (_, service) = fm
        .iter()
        .find(|(f, _)| f.ends_with("lich-ho-tro/nha-van-hoa.md"))
        .unwrap();
    assert!(
        service["date"].to_string() >= plan79,
        "the schedule predates plan 79"
    );
    // Every ward document an approval or a page cites by number is on the site, and
    // every approval that cites one links to its page.
    demo_cited_documents_are_on_the_site(&site);
    // One resolution per subject: the programme's legal basis is the one its plan cites.
    let (_, programme) = fm
        .iter()
        .find(|(f, _)| f.ends_with("ho-tro/chinh-sach-ho-tro-ho-ngheo.md"))
        .unwrap();
    let basis = programme["record"]["legal_basis"].as_str().unwrap();
    let nq = basis
        .split_whitespace()
        .find(|w| w.contains("/NQ-"))
        .unwrap();
    let plan63 = std::fs::read_to_string(repo(
        "content/van-ban/ke-hoach-ho-tro-ho-ngheo-2026-2030/index.md",
    ))
    .unwrap();
    assert!(plan63.contains(nq), "plan 63 does not cite {nq}");
    for w in plan63.split_whitespace().filter(|w| w.contains("/NQ-")) {
        assert_eq!(w, nq, "plan 63 cites another resolution");
    }
}

/// An approval's decision links to the site's document page with the same number; a
/// number the site has no page for stays plain text, and a document does not link to
/// itself.
#[test]
fn approval_decision_links_to_the_document_page_with_its_number() {
    let site = Site::new(CONFIG);
    site.write(
        "content/van-ban/_index.md",
        "+++\ntitle = \"Văn bản\"\n+++\n",
    );
    // APPROVAL cites "Quyết định số 1/QĐ-UBND".
    site.write(
        "content/van-ban/qd-1.md",
        format!(
            "+++\ntitle = \"Quyết định số 1\"\ndate = 2026-06-01\nkind = \"document\"\n[record]\nnumber = \"1/QĐ-UBND\"\ndoc_type = \"Quyết định\"\nissuer = \"Ủy ban nhân dân phường\"\nsigner = \"Trần Văn Mẫu, Chủ tịch UBND phường\"\nissued = 2026-06-01\n{APPROVAL}+++\n\nĐiều 1.\n"
        ),
    );
    site.write("content/van-ban/tin.md", plain("Tin", "2026-06-02"));
    site.write(
        "content/van-ban/khac.md",
        plain("Khác", "2026-06-03").replace("số 1/QĐ-UBND", "số 2/QĐ-UBND"),
    );
    site.build_ok("2026-06-10");
    let decision = |rel: &str| {
        let doc = site.html(rel);
        let sel = scraper::Selector::parse(".approval dd a.approval__decision").unwrap();
        let links: Vec<String> = doc
            .select(&sel)
            .map(|a| a.value().attr("href").unwrap().to_string())
            .collect();
        (links, texts(&doc, ".approval dd").join(" "))
    };
    let (links, text) = decision("public/van-ban/tin/index.html");
    assert_eq!(links, ["https://phuong.example.vn/van-ban/qd-1/"], "{text}");
    let (links, text) = decision("public/van-ban/khac/index.html");
    assert!(links.is_empty(), "no page for 2/QĐ-UBND: {links:?}");
    assert!(text.contains("Quyết định số 2/QĐ-UBND"), "{text}");
    let (links, _) = decision("public/van-ban/qd-1/index.html");
    assert!(links.is_empty(), "a document links to itself: {links:?}");
}

/// A document number issued by the ward itself (its People's Committee, "…-UBND", or
/// its Fatherland Front committee, "…-MTTQ-…"), as cited in a text: "205/QĐ-UBND",
/// "40/KH-MTTQ-BTT". Numbers with a year ("04/2026/NQ-HĐND", "185/2026/NĐ-CP") are
/// legal documents of higher bodies (city council, government): the ward does not
/// issue them, so its site need not carry them.
fn ward_document_number(word: &str) -> Option<&str> {
    let w = word.trim_matches(|c: char| !(c.is_alphanumeric() || c == '/' || c == '-'));
    let (n, sign) = w.split_once('/')?;
    let ok = !n.is_empty()
        && n.chars().all(|c| c.is_ascii_digit())
        && !sign.contains('/')
        && sign.contains('-')
        && sign.chars().all(|c| c.is_uppercase() || c == '-')
        && (sign.ends_with("-UBND") || sign.contains("-MTTQ"));
    ok.then_some(w)
}

#[test]
fn ward_document_numbers_are_told_apart() {
    for (word, want) in [
        ("205/QĐ-UBND", Some("205/QĐ-UBND")),
        ("(96/BC-UBND),", Some("96/BC-UBND")),
        ("40/KH-MTTQ-BTT;", Some("40/KH-MTTQ-BTT")),
        ("04/2026/NQ-HĐND", None),
        ("185/2026/NĐ-CP", None),
        ("7/2026", None),
        ("a/b", None),
    ] {
        assert_eq!(ward_document_number(word), want, "{word}");
    }
}

/// On the built demo: the numbers of the document pages (read from each page's
/// "Thông tin văn bản" table), every ward document number cited in an approval's
/// decision or anywhere in a content file, and the approval block's link.
fn demo_cited_documents_are_on_the_site(site: &Site) {
    let base = "https://hoaan.example.vn/";
    let row = scraper::Selector::parse(".meta-table tr").unwrap();
    let th = scraper::Selector::parse("th").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let facts = scraper::Selector::parse(".approval dl.facts").unwrap();
    let dd = scraper::Selector::parse("dt + dd").unwrap();
    let dt = scraper::Selector::parse("dt").unwrap();
    let a = scraper::Selector::parse("a").unwrap();
    let text = |e: scraper::ElementRef| e.text().collect::<String>().trim().to_string();
    let pages: Vec<String> = site
        .output_files()
        .into_iter()
        .map(|f| f.to_string_lossy().to_string())
        .filter(|f| f.ends_with("index.html"))
        .collect();
    // number → site path ("van-ban/quyet-dinh-205-qd-ubnd/") of its document page
    let mut on_site = std::collections::BTreeMap::new();
    for rel in &pages {
        let doc = site.html(&format!("public/{rel}"));
        for r in doc.select(&row) {
            if r.select(&th).next().map(text).as_deref() == Some("Số, ký hiệu") {
                let n = r.select(&td).next().map(text).unwrap_or_default();
                on_site.insert(n, rel.trim_end_matches("index.html").to_string());
            }
        }
    }
    assert!(on_site.len() >= 10, "{on_site:?}");
    // Cited: in approvals (front matter) and anywhere in the text of a content file.
    let mut cited = std::collections::BTreeMap::<String, String>::new();
    for e in walkdir::WalkDir::new(repo("content"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
    {
        let file = e.path().display().to_string();
        let body = std::fs::read_to_string(e.path()).unwrap();
        for w in body.split_whitespace() {
            if let Some(n) = ward_document_number(w) {
                cited.entry(n.to_string()).or_insert(file.clone());
            }
        }
    }
    for (file, t) in demo_front_matter() {
        let decision = t
            .get("approval")
            .and_then(|a| a.get("decision"))
            .and_then(|d| d.as_str())
            .unwrap_or_default();
        for w in decision.split_whitespace() {
            if let Some(n) = ward_document_number(w) {
                cited.entry(n.to_string()).or_insert(file.clone());
            }
        }
    }
    assert!(cited.len() >= 10, "{cited:?}");
    let missing: Vec<String> = cited
        .iter()
        .filter(|(n, _)| !on_site.contains_key(*n))
        .map(|(n, f)| format!("{f}: {n} has no document page on the site"))
        .collect();
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // The approval block links its decision to that document's page (not to itself).
    let mut linked = 0;
    for rel in &pages {
        let doc = site.html(&format!("public/{rel}"));
        let here = rel.trim_end_matches("index.html");
        for f in doc.select(&facts) {
            let dts: Vec<String> = f.select(&dt).map(text).collect();
            let dds: Vec<scraper::ElementRef> = f.select(&dd).collect();
            let Some(k) = dts.iter().position(|t| t == "Căn cứ phê duyệt") else {
                continue;
            };
            let decision = dds[k];
            let Some(n) = text(decision)
                .split_whitespace()
                .find_map(|w| ward_document_number(w).map(String::from))
            else {
                continue;
            };
            let target = &on_site[&n];
            let href = decision
                .select(&a)
                .next()
                .and_then(|l| l.value().attr("href"))
                .map(|h| h.trim_start_matches(base).to_string());
            if target == here {
                assert_eq!(href, None, "{rel}: a document's approval links to itself");
            } else {
                assert_eq!(
                    href.as_ref(),
                    Some(target),
                    "{rel}: the decision {n} is not linked to its page"
                );
                linked += 1;
            }
        }
    }
    assert!(linked >= 10, "{linked} approvals linked");
}

/// Every link of every demo page resolves to a file of the site.
#[test]
fn demo_links_resolve() {
    let site = Site::demo();
    site.build_ok("2026-11-23");
    let base = "https://hoaan.example.vn/";
    let a = scraper::Selector::parse("a[href], link[href]").unwrap();
    let mut broken = std::collections::BTreeSet::new();
    let mut checked = 0;
    for f in site.output_files() {
        let rel = f.to_string_lossy().to_string();
        if !rel.ends_with(".html") {
            continue;
        }
        let doc = site.html(&format!("public/{rel}"));
        for e in doc.select(&a) {
            let href = e.value().attr("href").unwrap();
            let Some(path) = href.strip_prefix(base) else {
                continue;
            };
            let path = path.split(['#', '?']).next().unwrap();
            checked += 1;
            let ok = if path.is_empty() || path.ends_with('/') {
                site.exists(&format!("public/{path}index.html"))
            } else {
                site.exists(&format!("public/{path}"))
            };
            if !ok {
                broken.insert(format!("{rel} → {href}"));
            }
        }
    }
    assert!(checked > 500, "{checked} links checked");
    assert!(broken.is_empty(), "{broken:#?}");
}

/// Data rows of a CSV (header skipped), read with the csv crate.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect()
}
