//! Zola's content rules (issue 16): a site shaped like Zola `next`'s own `test_site`,
//! written for congkhai (`tests/fixtures/zola_content`, not Zola's files): a folder
//! without `_index.md`, a transparent section with `render = false`, a page with
//! `render = false`, `redirect_to`, page and section aliases (`.html` and folder),
//! a page bundle's assets, `<!-- more -->` summaries, pagination, a taxonomy with a feed
//! per term and its own `chu_de/*.html` templates, `@/page.md#anchor` links, Zola
//! `next`'s shortcodes (Tera 2 components, inline and with a body),
//! `skip_content_templating`, drafts and draft sections, `compile_sass`,
//! `ignored_static`, and Zola keys congkhai does not act on (a warning, not an error).
//! The comparison with Zola's real `test_site` is `benches/zola_test_site.sh`.

use crate::common::{Site, snapshot, stderr, texts};

const NOW: &str = "2026-07-01";
const BASE: &str = "https://zola.example.vn";

fn built() -> (Site, String) {
    let site = Site::fixture("zola_content");
    let out = site.preview_ok(NOW);
    (site, stderr(&out))
}

fn attr(doc: &scraper::Html, selector: &str, name: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .filter_map(|e| e.value().attr(name).map(str::to_string))
        .collect()
}

/// Where a redirect page (alias, `redirect_to`) sends the reader.
fn refresh_target(site: &Site, rel: &str) -> String {
    let doc = site.html(rel);
    let content = attr(&doc, r#"meta[http-equiv="refresh"]"#, "content");
    let c = content
        .first()
        .unwrap_or_else(|| panic!("{rel} is no redirect"));
    c.split_once("url=")
        .map(|(_, u)| u.trim().to_string())
        .unwrap_or_else(|| panic!("no url in {c}"))
}

#[test]
fn output_files_follow_zolas_rules() {
    let (site, _) = built();
    let files: Vec<String> = site
        .output_files()
        .iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    for want in [
        // A folder without _index.md keeps its name in the path (Zola), not the
        // nearest section's path.
        "tin-tuc/luu-tru/ghi-chu/index.html",
        // A page of a transparent section keeps its folder.
        "tin-tuc/2026/hop-to-dan-pho/index.html",
        // Aliases: a `.html` alias is that file, another alias a folder.
        "lich-cu.html",
        "tin-cu/lich/index.html",
        "tin-cu/index.html",
        // A bundle's picture next to its page.
        "tin-tuc/thong-bao/ban-do.png",
        // Taxonomy with `feed = true`: a page and a feed per term.
        "chu-de/index.html",
        "chu-de/hop-dan/index.html",
        "chu-de/hop-dan/atom.xml",
        "chu-de/y-te/atom.xml",
        // Sass compiled, the partial not.
        "style.css",
        "chung.css",
        "tin-tuc/page/2/index.html",
    ] {
        assert!(
            files.iter().any(|f| f == want),
            "missing {want}: {files:#?}"
        );
    }
    for absent in [
        // render = false: no page of its own (section and page).
        "tin-tuc/2026/index.html",
        "tin-tuc/ban-nhap/index.html",
        // Drafts, and every page of a draft section.
        "tin-tuc/chua-xong/index.html",
        "nhap/index.html",
        "nhap/trang/index.html",
        // Sass partial, ignored static file, ignored co-located file.
        "_bien.css",
        "ban-ve.psd",
        "tin-tuc/thong-bao/ban-ve.psd",
        // Two listed pages per paginator page, three listed pages: two pages only.
        "tin-tuc/page/3/index.html",
    ] {
        assert!(!files.iter().any(|f| f == absent), "{absent} was written");
    }
}

#[test]
fn sections_list_as_zola_does() {
    let (site, _) = built();
    // Page 1 and 2 of the paginated section, sorted by date (newest first).
    let one = site.html("public/tin-tuc/index.html");
    let two = site.html("public/tin-tuc/page/2/index.html");
    let mut listed = texts(&one, "ul.pages li > a");
    listed.extend(texts(&two, "ul.pages li > a"));
    assert_eq!(
        listed,
        [
            // From the transparent section `2026/`.
            "Họp tổ dân phố số 3",
            "Lịch tiêm chủng tháng 6",
            "Thông báo có ảnh",
        ],
        "the render = false page, the draft and the page in the folder without \
         _index.md are listed by no section"
    );
    assert_eq!(
        attr(&one, "a.next", "href"),
        [format!("{BASE}/tin-tuc/page/2/")]
    );
    // `<!-- more -->`: the summary is the text before it, only.
    let summaries = texts(&one, "ul.pages li div.summary");
    assert_eq!(
        summaries[0],
        "Tổ dân phố số 3 họp lúc 19 giờ tại nhà văn hóa."
    );
    assert_eq!(summaries[1], "", "no <!-- more -->, no summary");
}

#[test]
fn templates_aliases_and_redirects() {
    let (site, _) = built();
    // page_template of the section applies to its pages, also through the transparent
    // section, and not to a page outside it.
    let tin = site.html("public/tin-tuc/2026/hop-to-dan-pho/index.html");
    assert_eq!(texts(&tin, "article.tin h1"), ["Họp tổ dân phố số 3"]);
    let intro = site.html("public/gioi-thieu/index.html");
    assert_eq!(texts(&intro, "article.page h1"), ["Giới thiệu"]);
    // A page in a folder without _index.md has no section: plain page.html.
    let orphan = site.html("public/tin-tuc/luu-tru/ghi-chu/index.html");
    assert_eq!(texts(&orphan, "article.page h1"), ["Ghi chú lưu trữ"]);
    // page.assets of a bundle.
    let bundle = site.html("public/tin-tuc/thong-bao/index.html");
    assert_eq!(
        texts(&bundle, "ul.assets li"),
        ["/tin-tuc/thong-bao/ban-do.png"]
    );

    assert_eq!(
        refresh_target(&site, "public/lich-cu.html"),
        format!("{BASE}/tin-tuc/lich-tiem-chung/")
    );
    assert_eq!(
        refresh_target(&site, "public/tin-cu/lich/index.html"),
        format!("{BASE}/tin-tuc/lich-tiem-chung/")
    );
    assert_eq!(
        refresh_target(&site, "public/tin-cu/index.html"),
        format!("{BASE}/tin-tuc/"),
        "a section's alias"
    );
    // redirect_to = "tin-tuc": a site path, made a permalink with Zola's slash.
    assert_eq!(
        refresh_target(&site, "public/chuyen-muc/index.html"),
        format!("{BASE}/tin-tuc/")
    );
}

#[test]
fn taxonomy_terms_have_their_templates_and_feeds() {
    let (site, _) = built();
    let list = site.html("public/chu-de/index.html");
    assert_eq!(texts(&list, "ul.terms li"), ["Họp dân", "Y tế"]);
    let term = site.html("public/chu-de/hop-dan/index.html");
    assert_eq!(texts(&term, "h1.term"), ["Họp dân"]);
    let mut pages = texts(&term, "ul.pages li");
    pages.sort();
    assert_eq!(pages, ["Họp tổ dân phố số 3", "Lịch tiêm chủng tháng 6"]);

    // The term's feed lists that term's pages only (parsed as markup).
    let feed = scraper::Html::parse_document(&site.read("public/chu-de/y-te/atom.xml"));
    assert_eq!(texts(&feed, "entry > title"), ["Lịch tiêm chủng tháng 6"]);
    let feed = scraper::Html::parse_document(&site.read("public/chu-de/hop-dan/atom.xml"));
    assert_eq!(texts(&feed, "entry > title").len(), 2);
}

#[test]
fn shortcodes_and_anchor_links() {
    let (site, _) = built();
    let doc = site.html("public/gioi-thieu/index.html");
    // `@/page.md#anchor` resolved to the page's URL with its anchor.
    assert!(
        attr(&doc, "article a", "href")
            .contains(&format!("{BASE}/tin-tuc/lich-tiem-chung/#dia-diem-tiem"))
    );
    let target = site.html("public/tin-tuc/lich-tiem-chung/index.html");
    assert_eq!(attr(&target, "h2", "id"), ["dia-diem-tiem"]);
    // Inline component: {{ <nut nhan="…" dich="…" /> }}.
    assert_eq!(texts(&doc, "a.nut"), ["Đăng ký"]);
    assert_eq!(attr(&doc, "a.nut", "href"), ["/tin-tuc/"]);
    // Component with a body: {% <ghi_chu kieu="…"> %}…{% </ghi_chu> %}.
    assert_eq!(
        texts(&doc, "aside.ghi-chu.quan-trong"),
        ["Mang theo căn cước."]
    );
    // skip_content_templating: the braces stay as written.
    let raw = site.html("public/khong-mau/index.html");
    assert_eq!(texts(&raw, "article p"), ["Công thức {{ a }} giữ nguyên."]);
}

#[test]
fn zola_keys_congkhai_does_not_apply_are_warnings() {
    let (site, err) = built();
    for key in ["hard_link_static", "smart_punctuation"] {
        let lines: Vec<&str> = err.lines().filter(|l| l.contains(key)).collect();
        assert_eq!(lines.len(), 1, "one line naming {key}: {err}");
        assert!(lines[0].starts_with("cảnh báo"), "{err}");
    }
    // compile_sass, author, ignored_static, skip_content_templating, slugify are
    // applied: no warning names them.
    for key in ["compile_sass", "author", "ignored_static", "slugify"] {
        assert!(!err.contains(&format!("\u{201c}{key}\u{201d}")), "{err}");
    }
    assert!(site.exists("public/index.html"));
}

#[test]
fn sass_is_compiled_compressed() {
    let (site, _) = built();
    assert_eq!(
        site.read("public/style.css").trim(),
        "main{color:#1a3d6d}main .tin{margin:0 auto}"
    );
}

#[test]
fn dead_anchor_is_an_error_and_keeps_the_previous_site() {
    let (site, _) = built();
    let before = snapshot(&site.path().join("public"));
    site.write(
        "content/gioi-thieu.md",
        "+++\ntitle = \"Giới thiệu\"\n+++\nDòng một.\n\nXem [địa điểm](@/tin-tuc/lich-tiem-chung.md#dia-diem-tim).\n",
    );
    let out = site.run(&["build", "--now", NOW]);
    assert!(!out.status.success());
    let err = stderr(&out);
    // File and line (the link is on line 6 of the file), the anchor, and the heading
    // it probably meant.
    assert!(err.contains("content/gioi-thieu.md:6"), "{err}");
    assert!(err.contains("#dia-diem-tim"), "{err}");
    assert!(err.contains("dia-diem-tiem"), "did-you-mean: {err}");
    assert_eq!(snapshot(&site.path().join("public")), before);
}

#[test]
fn shortcode_error_names_the_file_and_line() {
    let (site, _) = built();
    site.write(
        "content/gioi-thieu.md",
        "+++\ntitle = \"Giới thiệu\"\n+++\nDòng một.\n\n{{ <khong_co_thanh_phan /> }}\n",
    );
    let out = site.run(&["build", "--now", NOW]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/gioi-thieu.md:6"), "{err}");
    assert!(err.contains("khong_co_thanh_phan"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_component_cannot_put_a_script_into_a_page() {
    let (site, _) = built();
    site.write(
        "templates/components.html",
        "{% component xau() %}<script>alert(1)</script><b>chữ</b>{% endcomponent %}",
    );
    site.write(
        "content/gioi-thieu.md",
        "+++\ntitle = \"Giới thiệu\"\n+++\n{{ <xau /> }}\n",
    );
    site.preview_ok(NOW);
    let doc = site.html("public/gioi-thieu/index.html");
    assert!(texts(&doc, "article script").is_empty());
    assert_eq!(texts(&doc, "article b"), ["chữ"]);
}

/// The raw HTML of each `<div class="summary">` of a listing page, as written.
fn summaries(site: &Site, rel: &str) -> Vec<String> {
    let html = site.read(rel);
    html.split("<div class=\"summary\">")
        .skip(1)
        .map(|s| s.split("</div>").next().unwrap_or("").to_string())
        .collect()
}

/// Zola's `anchor-link.html` and `summary-cutoff.html`: the built-ins as Zola `next`
/// writes them (the HTML below is Zola `next`'s output for the same pages, built on
/// 2026-11-30 with a debug build at f69ca4f6 in a copy of the fixture with these
/// files), and a site's own files of those names over them.
#[test]
fn anchor_links_and_summary_cutoff_use_zolas_templates() {
    let site = Site::fixture("zola_content");
    site.write(
        "content/neo/_index.md",
        "+++\ntitle = \"Neo\"\npaginate_by = 5\ninsert_anchor_links = \"heading\"\n+++\n",
    );
    site.write(
        "content/neo/trai.md",
        "+++\ntitle = \"Trái\"\n+++\n\n## Mục một\n\nĐoạn đầu <!-- MORE --> phần sau.\n",
    );
    site.write(
        "content/neo/phai/_index.md",
        "+++\ntitle = \"Phải\"\npaginate_by = 5\ninsert_anchor_links = \"right\"\n+++\n",
    );
    site.write(
        "content/neo/phai/a.md",
        "+++\ntitle = \"A\"\n+++\n\n### Ba\n\nMở đầu.\n\n<!--more-->\n\nThân bài.\n",
    );
    site.preview_ok(NOW);
    let page = site.read("public/neo/trai/index.html");
    assert!(
        page.contains(r##"<h2 id="muc-mot"><a class="zola-anchor" href="#muc-mot" aria-label="Anchor link for: muc-mot">Mục một</a></h2>"##),
        "{page}"
    );
    assert!(
        page.contains(r#"<p>Đoạn đầu <span id="continue-reading"></span> phần sau.</p>"#),
        "{page}"
    );
    let right = site.read("public/neo/phai/a/index.html");
    assert!(
        right.contains(r##"<h3 id="ba">Ba<a class="zola-anchor" href="#ba" aria-label="Anchor link for: ba">🔗</a></h3>"##),
        "{right}"
    );
    // The summary is everything before the marker; inside a paragraph,
    // summary-cutoff.html (`&hellip;`) then the paragraph closed; on its own line, no
    // cut-off mark.
    assert_eq!(
        summaries(&site, "public/neo/index.html"),
        [
            "<h2 id=\"muc-mot\"><a class=\"zola-anchor\" href=\"#muc-mot\" aria-label=\"Anchor link for: muc-mot\">Mục một</a></h2>\n<p>Đoạn đầu&hellip;\n</p>\n"
        ]
    );
    assert_eq!(
        summaries(&site, "public/neo/phai/index.html"),
        [
            "<h3 id=\"ba\">Ba<a class=\"zola-anchor\" href=\"#ba\" aria-label=\"Anchor link for: ba\">🔗</a></h3>\n<p>Mở đầu.</p>"
        ]
    );

    // The site's own templates of those names win.
    site.write(
        "templates/anchor-link.html",
        "<a class=\"mine\" href=\"#{{ id }}\">¶{{ level }}</a>",
    );
    site.write(
        "templates/summary-cutoff.html",
        "<span class=\"cut\">[{{ lang }}]</span>",
    );
    site.preview_ok(NOW);
    let right = site.read("public/neo/phai/a/index.html");
    assert!(
        right.contains(r##"<h3 id="ba">Ba<a class="mine" href="#ba">¶3</a></h3>"##),
        "{right}"
    );
    let page = site.read("public/neo/trai/index.html");
    assert!(
        page.contains(r##"<h2 id="muc-mot"><a class="mine" href="#muc-mot">Mục một</a></h2>"##),
        "{page}"
    );
    let got = summaries(&site, "public/neo/index.html");
    assert!(
        got[0].ends_with("<p>Đoạn đầu<span class=\"cut\">[vi]</span></p>\n"),
        "{got:?}"
    );

    // A broken one is an error naming the template, and the site stays.
    site.write("templates/anchor-link.html", "{{ nope() }}");
    let err = site.build_err(NOW);
    assert!(err.contains("anchor-link.html"), "{err}");
}

/// Memory (issue 18): templates that never call `get_page` or `get_section` let the
/// render make each section's page values only while that section renders (its pages
/// and its listing), instead of keeping every page's value for the whole render. The
/// output must be the same bytes as with every value kept, which a template naming
/// `get_page` forces (this fixture has pagination, a transparent section, taxonomies
/// with feeds, aliases, `render = false` and orphan pages: every listing path).
#[test]
fn per_section_page_values_give_the_same_output() {
    let build = |site: &Site| crate::common::build_with_timings(site, NOW);
    let lean_site = Site::fixture("zola_content");
    let (lean, lean_log) = build(&lean_site);
    assert!(
        lean_log.contains("page values: made per section"),
        "{lean_log}"
    );
    let full_site = Site::fixture("zola_content");
    full_site.write("templates/unused-lookup.html", "{# get_page #}");
    let (full, full_log) = build(&full_site);
    assert!(full_log.contains("page values: all kept"), "{full_log}");
    crate::common::assert_same_output(&lean, &full);
}

/// A plain site's page past `publish_until` is the built-in notice, which links to the
/// change history and the catalogue only on a portal: a plain site has neither, and its
/// build refused the notice's dead links.
#[test]
fn withdrawn_page_on_a_plain_site_is_a_notice_without_portal_links() {
    let site = Site::new(&format!("base_url = \"{BASE}\"\ntitle = \"Thử\"\n"));
    site.write("templates/index.html", "<main>{{ section.title }}</main>");
    site.write("templates/section.html", "<main>{{ section.title }}</main>");
    site.write(
        "templates/page.html",
        "<main>{{ page.content | safe }}</main>",
    );
    site.write("content/tin/_index.md", "+++\ntitle = \"Tin\"\n+++\n");
    site.write(
        "content/tin/cu.md",
        "+++\ntitle = \"Thông báo cũ\"\npublish_from = 2026-01-01\npublish_until = 2026-06-01\n+++\nNội dung đã gỡ.\n",
    );
    let out = site.run(&["build", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = site.html("public/tin/cu/index.html");
    assert_eq!(texts(&doc, "h1"), ["Thông báo cũ"]);
    let text = texts(&doc, "main").join(" ");
    assert!(text.contains("hết thời hạn công khai"), "{text}");
    assert!(!text.contains("Nội dung đã gỡ"), "{text}");
    assert!(
        attr(&doc, "a", "href").is_empty(),
        "{:?}",
        attr(&doc, "a", "href")
    );
}
