//! Hostile input, classes 2 and 3 of issue 12: stored XSS without raw HTML, raw HTML
//! tricks, unsafe SVG files, data text that tries to break out of the page, and
//! nesting deep enough to overflow a recursive component.
//!
//! Every published file is parsed (scraper) and checked: no `on*` attribute, no
//! `<script>` except the theme's own (by `src`) and JSON-LD that parses, no
//! `javascript:`/`vbscript:`/`data:` URL, no embedding or redirecting element, and the
//! page still ends with its footer and the text written after the hostile input.
//! Refused input exits 1 (not a signal), names the source file, does not panic and
//! leaves the previous `public/` byte-for-byte as it was.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{APPROVAL, PORTAL_CONFIG, Site, stderr};

const NOW: &str = "2026-11-23";

/// Scripts the theme itself loads (by the end of their `src`).
const THEME_SCRIPTS: &[&str] = &[
    "/js/tim-kiem.js",
    "/js/loc-danh-sach.js",
    "/js/lich.js",
    "/js/in-trang.js",
];

/// Text written after every hostile input: it must still be on the page.
const AFTER: &str = "ĐOẠN-CUỐI-CÒN-NGUYÊN";

fn page(body: &str) -> String {
    format!("+++\ntitle = \"Trang thử\"\n{APPROVAL}+++\n{body}\n\n{AFTER}\n")
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let base = root.join("public");
    walkdir::WalkDir::new(&base)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&base).expect("prefix").to_path_buf();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}

/// Lowercase, without whitespace and control characters, as a browser reads a scheme.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Everything in one output file that could run script or leave the site.
fn problems_in(rel: &Path, text: &str, base_url: &str) -> Vec<String> {
    let mut found = Vec::new();
    let doc = scraper::Html::parse_document(text);
    for node in doc.tree.root().descendants() {
        let Some(el) = scraper::ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name().to_ascii_lowercase();
        let at = format!("{}: <{name}>", rel.display());
        for (k, v) in el.value().attrs() {
            let k = k.to_ascii_lowercase();
            let local = k.rsplit(':').next().unwrap_or(&k).to_string();
            if local.starts_with("on") {
                found.push(format!("{at} has {k}"));
            }
            let v = squash(v);
            let url_attr =
                matches!(
                    local.as_str(),
                    "href"
                        | "src"
                        | "srcset"
                        | "action"
                        | "formaction"
                        | "data"
                        | "poster"
                        | "background"
                        | "cite"
                        | "ping"
                        | "to"
                        | "values"
                        | "from"
                        | "style"
                ) || (name == "meta" && k == "content" && el.value().attr("http-equiv").is_some());
            for scheme in ["javascript:", "vbscript:", "livescript:"] {
                if url_attr && v.contains(scheme) {
                    found.push(format!("{at} {k} contains {scheme}"));
                }
            }
            if matches!(
                local.as_str(),
                "href" | "src" | "action" | "formaction" | "data"
            ) && v.starts_with("data:")
            {
                found.push(format!("{at} {k} is a data: URL"));
            }
            if k == "style" && (v.contains("expression(") || v.contains("url(")) {
                found.push(format!("{at} style loads or runs something"));
            }
        }
        match name.as_str() {
            "script" => {
                let src = el.value().attr("src").unwrap_or("");
                let ld = el.value().attr("type") == Some("application/ld+json");
                if ld {
                    let body: String = el.text().collect();
                    if serde_json::from_str::<serde_json::Value>(&body).is_err() {
                        found.push(format!("{at} JSON-LD does not parse"));
                    }
                } else if !THEME_SCRIPTS.iter().any(|s| src.ends_with(s)) {
                    found.push(format!("{at} foreign script src={src:?}"));
                }
            }
            "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base"
            | "foreignobject" | "portal" => found.push(format!("{at} is not allowed")),
            "style" if rel.extension().is_some_and(|e| e != "svg") => {
                found.push(format!("{at} inline style element"))
            }
            "meta" => {
                if let Some(h) = el.value().attr("http-equiv") {
                    let content = el.value().attr("content").unwrap_or("");
                    let to_site = content
                        .split_once("url=")
                        .is_some_and(|(_, u)| u.trim().starts_with(base_url));
                    if !(h.eq_ignore_ascii_case("refresh") && to_site) {
                        found.push(format!("{at} http-equiv={h} content={content}"));
                    }
                }
            }
            "form" => {
                let action = el.value().attr("action").unwrap_or("");
                if !action.starts_with(base_url) {
                    found.push(format!("{at} form action={action}"));
                }
            }
            _ => {}
        }
    }
    found
}

/// Parse every published HTML/SVG/XML file and collect what must not be there.
fn assert_clean_output(site: &Site) {
    let base_url = "https://phuong.example.vn";
    let mut found = Vec::new();
    for rel in site.output_files() {
        let ext = rel
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if !matches!(ext.as_str(), "html" | "htm" | "svg" | "xml") {
            continue;
        }
        let text = site.read(&format!("public/{}", rel.display()));
        found.extend(problems_in(&rel, &text, base_url));
    }
    assert!(found.is_empty(), "unsafe output:\n{}", found.join("\n"));
}

/// The page was not cut short: its footer and the text after the input are there.
fn assert_page_whole(site: &Site, rel: &str, case: &str) {
    let doc = site.html(rel);
    let sel = scraper::Selector::parse("footer.site-footer").expect("selector");
    assert!(
        doc.select(&sel).next().is_some(),
        "{case}: footer missing in {rel}"
    );
    let text: String = doc.root_element().text().collect();
    assert!(text.contains(AFTER), "{case}: text after the input missing");
}

/// A refused input: exit 1 (not a signal), the file named, no panic, `public/` kept.
fn assert_refused(site: &Site, args: &[&str], file: &str, wants: &str, case: &str) {
    let before = snapshot(site.path());
    let out = site.run(args);
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{case}: {args:?} must exit 1 (not a signal), stderr:\n{err}"
    );
    assert!(!err.contains("panicked"), "{case}: {err}");
    assert!(
        err.contains(file),
        "{case}: message must name {file}:\n{err}"
    );
    assert!(
        err.contains(wants),
        "{case}: message must say {wants:?}:\n{err}"
    );
    assert!(err.contains("cách sửa"), "{case}: a hint is needed:\n{err}");
    assert!(
        snapshot(site.path()) == before,
        "{case}: public/ must stay as it was"
    );
}

/// A good site built once, so refusals can be checked against its `public/`.
fn built_site() -> Site {
    let site = Site::new(PORTAL_CONFIG);
    site.write("content/trang.md", page("Nội dung bình thường."));
    site.build_ok(NOW);
    site
}

// ---------------------------------------------------------------------------------
// Class 2: Markdown and raw HTML in content.

/// Content that builds, with everything dangerous removed or escaped.
const PUBLISHED_SAFE: &[(&str, &str)] = &[
    (
        "heading attributes with handlers",
        "## Liên hệ {tabindex=0 autofocus onfocus=alert(1)}",
    ),
    (
        "heading attributes, style and id",
        "## A {#muc .x style=color:red onclick=alert(1) data-x=1}",
    ),
    ("heading id with a scheme", "## A {#javascript:alert(1)}"),
    ("script block", "<script>alert(1)</script>"),
    ("script inline", "Chữ <script>alert(1)</script> chữ"),
    // (src names a file the site has: a dead image is an error of its own)
    ("img onerror", "<img src=/css/main.css onerror=alert(1)>"),
    (
        "raw javascript link",
        "<a href=\"javascript:alert(1)\">x</a>",
    ),
    (
        "entity-encoded scheme",
        "<a href=\"&#106;&#97;vascript:alert(1)\">x</a>",
    ),
    ("mixed-case scheme", "<a href=\"JaVaScRiPt:alert(1)\">x</a>"),
    (
        "tab in scheme",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
    ),
    ("leading spaces", "<a href=\"   javascript:alert(1)\">x</a>"),
    ("vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>"),
    ("iframe", "<iframe src=\"https://x.example/\"></iframe>"),
    (
        "object and embed",
        "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    ),
    (
        "form with formaction",
        "<form action=\"https://x.example/\"><button formaction=\"javascript:alert(1)\">x</button></form>",
    ),
    ("base", "<base href=\"https://x.example/\">"),
    (
        "meta refresh",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    ),
    (
        "style element",
        "<style>body{background:url(javascript:alert(1))}</style>",
    ),
    (
        "style expression",
        "<p style=\"width:expression(alert(1))\">x</p>",
    ),
    ("svg onload", "<svg onload=alert(1)><circle r=\"1\"/></svg>"),
    ("svg script", "<svg><script>alert(1)</script></svg>"),
    (
        "math xlink",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    ),
    (
        "attribute breaking out",
        "<div title=\"</div><script>alert(1)</script>\">x</div>",
    ),
    (
        "noscript mutation",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    ),
    (
        "srcset",
        "<img src=\"a.png\" srcset=\"javascript:alert(1) 1x\">",
    ),
    ("comment swallowing the page", "Tổ 3 <!-- nuốt phần còn lại"),
    ("cdata", "<![CDATA[ ]]><script>alert(1)</script>"),
    (
        "code fence language",
        "```\"><script>alert(1)</script>\nx\n```",
    ),
    (
        "link title",
        "[a](https://x.example/ \"t\\\" onmouseover=alert(1) x=\\\"\")",
    ),
    ("image alt", "![\"><img src=x onerror=alert(1)>](/anh.png)"),
    (
        "footnote name",
        "Chữ[^\"><img src=x onerror=alert(1)>]\n\n[^\"><img src=x onerror=alert(1)>]: ghi chú",
    ),
    (
        "template syntax is text",
        "{{ config.base_url }} {% if true %}X{% endif %} {{ get_page(path='x') }}",
    ),
];

#[test]
fn hostile_markdown_is_published_without_anything_executable() {
    for (case, body) in PUBLISHED_SAFE {
        let site = Site::new(PORTAL_CONFIG);
        site.write("content/trang.md", page(body));
        // The images the cases name exist (a dead image is an error of its own).
        for f in ["static/trang/x", "static/trang/a.png", "static/anh.png"] {
            site.write(f, "");
        }
        site.build_ok(NOW);
        assert_clean_output(&site);
        assert_page_whole(&site, "public/trang/index.html", case);
    }
}

/// Raw HTML that would swallow the rest of the page once sanitised: an error at its
/// line, instead of silently losing the text after it.
#[test]
fn unclosed_comments_and_raw_text_elements_are_refused() {
    let site = built_site();
    for (case, body, what) in [
        ("comment block", "<!--\n\nnuốt", "<!--"),
        (
            "comment with dashes",
            "<!-- nuốt -- chưa đóng\nphần sau",
            "<!--",
        ),
        ("unclosed script", "<script>\n\nphần sau", "<script>"),
        ("unclosed style", "<style>\n\nphần sau", "<style>"),
        ("unclosed textarea", "<textarea>\n\nphần sau", "<textarea>"),
        ("unclosed title", "<title>\n\nphần sau", "<title>"),
        ("inline script", "Chữ <script> phần sau", "<script>"),
        ("plaintext", "<plaintext>phần sau", "<plaintext>"),
    ] {
        site.write("content/trang.md", page(&format!("Dòng đầu.\n\n{body}")));
        let err = site.build_err(NOW);
        // Front matter is lines 1–8, "Dòng đầu." line 9, the input line 11.
        assert!(err.contains("content/trang.md:11:"), "{case}: {err}");
        assert!(
            err.contains(what) && err.contains("không đóng"),
            "{case}: {err}"
        );
    }
}

#[test]
fn template_syntax_in_content_stays_text() {
    let site = Site::new(PORTAL_CONFIG);
    site.write(
        "content/trang.md",
        "+++\ntitle = \"{{ config.base_url }} <script>alert(1)</script>\"\n".to_string()
            + APPROVAL
            + "+++\nGiá {{ config.title }} và {% raw %}x\n",
    );
    site.build_ok(NOW);
    assert_clean_output(&site);
    let doc = site.html("public/trang/index.html");
    let text: String = doc.root_element().text().collect();
    assert!(text.contains("{{ config.base_url }} <script>alert(1)</script>"));
    assert!(text.contains("Giá {{ config.title }} và {% raw %}x"));
}

/// Links Markdown writes itself with a scheme that runs script: an error at the line.
#[test]
fn unsafe_markdown_links_are_refused_at_their_line() {
    let site = built_site();
    for (case, body) in [
        ("javascript link", "[x](javascript:alert(1))"),
        ("entity-encoded link", "[x](&#106;avascript:alert(1))"),
        ("mixed case link", "[x](JaVaScRiPt:alert(1))"),
        ("vbscript link", "[x](vbscript:msgbox(1))"),
        ("data image", "![x](data:text/html;base64,PHNjcmlwdD4=)"),
        ("autolink", "<javascript:alert(1)>"),
        ("reference link", "[x][r]\n\n[r]: javascript:alert(1)"),
    ] {
        site.write("content/trang.md", page(&format!("Dòng đầu.\n\n{body}")));
        assert_refused(
            &site,
            &["build", "--now", NOW],
            "content/trang.md:",
            "liên kết không an toàn",
            case,
        );
    }
}

// ---------------------------------------------------------------------------------
// Class 3: nesting deep enough to overflow a recursive component.

fn deep_inputs() -> Vec<(&'static str, String)> {
    vec![
        ("2000 quotes", ">".repeat(2000) + " x"),
        ("600 list markers", "- ".repeat(600) + "x"),
        (
            "600 indented lists",
            (0..600)
                .map(|i| format!("{}- a\n", "  ".repeat(i)))
                .collect(),
        ),
        (
            "2000 divs",
            "<div>".repeat(2000) + "x" + &"</div>".repeat(2000),
        ),
        ("3000 emphasis", "*a ".repeat(3000) + &"b* ".repeat(3000)),
        ("quotes in lists", "> - ".repeat(1000) + "x"),
        ("unclosed spans", "a <span>".repeat(2000)),
    ]
}

#[test]
fn deep_nesting_is_an_error_not_an_abort() {
    let site = built_site();
    for (case, body) in deep_inputs() {
        site.write("content/trang.md", page(&format!("Dòng đầu.\n\n{body}")));
        for cmd in ["build", "check"] {
            assert_refused(
                &site,
                &[cmd, "--now", NOW],
                "content/trang.md:",
                "lồng nhau quá sâu",
                case,
            );
        }
    }
    // In a section's text as well.
    site.write("content/trang.md", page("Bình thường."));
    site.write(
        "content/_index.md",
        format!("+++\ntitle = \"Trang chủ\"\n+++\n{}\n", ">".repeat(2000)),
    );
    assert_refused(
        &site,
        &["build", "--now", NOW],
        "content/_index.md:",
        "lồng nhau quá sâu",
        "section body",
    );
}

#[test]
fn ordinary_nesting_still_builds() {
    let site = Site::new(PORTAL_CONFIG);
    let lists: String = (0..8)
        .map(|i| format!("{}- mục\n", "  ".repeat(i)))
        .collect();
    let body = format!(
        "{lists}\n{}x\n\n{}y{}\n",
        "> ".repeat(20),
        "<div>".repeat(30),
        "</div>".repeat(30)
    );
    site.write("content/trang.md", page(&body));
    site.build_ok(NOW);
    assert_page_whole(&site, "public/trang/index.html", "ordinary nesting");
}

// ---------------------------------------------------------------------------------
// SVG files published as they are.

const SVG_HEAD: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">"#;

fn svg(body: &str) -> String {
    format!("{SVG_HEAD}{body}</svg>")
}

fn hostile_svgs() -> Vec<(&'static str, String)> {
    vec![
        ("script", svg("<script>alert(1)</script>")),
        (
            "onload",
            svg(r#"<rect onload="alert(1)" width="1" height="1"/>"#),
        ),
        (
            "foreignObject",
            svg(
                r#"<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>"#,
            ),
        ),
        (
            "external href",
            svg(r#"<a href="https://lua-dao.example/"><text>x</text></a>"#),
        ),
        (
            "javascript xlink",
            svg(r#"<a xlink:href="&#106;avascript:alert(1)"><text>x</text></a>"#),
        ),
        (
            "set href",
            svg(r#"<set attributeName="href" to="javascript:alert(1)"/>"#),
        ),
        (
            "entity bomb",
            "<!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><svg>&b;</svg>"
                .to_string(),
        ),
        (
            "css import",
            svg("<style>@import url(https://x.example/a.css);</style>"),
        ),
        ("not xml", "<svg><g></svg".to_string()),
    ]
}

#[test]
fn unsafe_svg_files_are_refused_naming_the_file() {
    let site = built_site();
    for (case, bytes) in hostile_svgs() {
        // In the site's static/ folder.
        site.write("static/logo.svg", &bytes);
        assert_refused(
            &site,
            &["build", "--now", NOW],
            "static/logo.svg",
            "SVG",
            case,
        );
        assert_refused(
            &site,
            &["check", "--now", NOW],
            "static/logo.svg",
            "SVG",
            case,
        );
        std::fs::remove_file(site.path().join("static/logo.svg")).expect("rm");
        // A picture beside a page, shown in it.
        site.write(
            "content/anh/index.md",
            page("![Sơ đồ](so-do.svg)").replace("Trang thử", "Ảnh"),
        );
        site.write("content/anh/so-do.SVG", &bytes);
        assert_refused(
            &site,
            &["build", "--now", NOW],
            "content/anh/so-do.SVG",
            "SVG",
            case,
        );
        std::fs::remove_dir_all(site.path().join("content/anh")).expect("rm");
    }
}

#[test]
fn safe_svg_files_are_published_as_they_are() {
    let site = Site::new(PORTAL_CONFIG);
    let logo = svg(
        r##"<title>Logo</title><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/><use href="#g"/>"##,
    );
    site.write("static/logo.svg", &logo);
    site.write(
        "content/anh/index.md",
        page("![Sơ đồ](so-do.svg)").replace("Trang thử", "Ảnh"),
    );
    site.write("content/anh/so-do.svg", &logo);
    site.build_ok(NOW);
    assert_eq!(site.read("public/logo.svg"), logo);
    assert_eq!(site.read("public/anh/so-do.svg"), logo);
    assert_clean_output(&site);
}

// ---------------------------------------------------------------------------------
// Data text reaching the page: place names, group names, notes.

const HOSTILE_TEXT: &[&str] = &[
    "Tổ <!-- nuốt",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    "]]></title></desc><svg onload=alert(1)>",
    "{{ config.base_url }}",
    "{% if true %}X{% endif %}",
    "</script><script>alert(1)</script>",
    "<a href=javascript:alert(1)>x</a>",
];

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[test]
fn hostile_data_text_is_escaped_in_pages_maps_and_charts() {
    for text in HOSTILE_TEXT {
        let site = Site::fixture("merger");
        // New group name (plan page, map legend, subpage title), a current group's
        // name (tables, map and chart labels) and a note.
        let plan = site.read("data/sx/plan.csv");
        site.write(
            "data/sx/plan.csv",
            plan.replace("N1,Tổ Một Hai,", &format!("N1,{},", csv_field(text))),
        );
        let groups = site.read("data/sx/groups.csv");
        site.write(
            "data/sx/groups.csv",
            groups.replace(
                "G2,Tổ số 2,200,TDP,",
                &format!("G2,{},200,TDP,{}", csv_field(text), csv_field(text)),
            ),
        );
        let md = site.read("content/sx/phuong-an.md");
        site.write(
            "content/sx/phuong-an.md",
            md.replace(
                "results = \"data/sx/results.csv\"\n",
                "results = \"data/sx/results.csv\"\nboundaries = \"sx/ranh-gioi.geojson\"\n",
            ),
        );
        let out = site.run(&["build", "--now", "2026-11-23"]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{text}: {err}");
        assert!(out.status.success(), "{text}: {err}");
        assert_clean_output(&site);
        // The text is shown as text, whole, and the page is not cut short.
        let doc = site.html("public/sx/phuong-an/index.html");
        let shown: String = doc.root_element().text().collect();
        assert!(shown.contains(text), "{text}: not shown as text");
        let sel = scraper::Selector::parse("footer.site-footer").expect("selector");
        assert!(doc.select(&sel).next().is_some(), "{text}: footer missing");
    }
}

#[test]
fn hostile_text_in_a_beneficiary_list_is_escaped() {
    for text in HOSTILE_TEXT {
        let site = Site::fixture("support");
        let list = site.read("data/ho-tro/danh-sach.csv");
        // The category and the note of the first row: both published in the table.
        let row =
            "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,RIENGTU-CCCD-11,RIENGTU-SDT-11,";
        assert!(list.contains(row));
        site.write(
            "data/ho-tro/danh-sach.csv",
            list.replace(
                row,
                &format!(
                    "1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,RIENGTU-CCCD-11,RIENGTU-SDT-11,{}",
                    csv_field(text)
                ),
            ),
        );
        let out = site.run(&["build", "--now", "2026-11-23"]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{text}: {err}");
        assert!(out.status.success(), "{text}: {err}");
        assert_clean_output(&site);
        let doc = site.html("public/ho-tro/danh-sach/index.html");
        let shown: String = doc.root_element().text().collect();
        assert!(shown.contains(text), "{text}: not shown as text");
        let sel = scraper::Selector::parse("footer.site-footer").expect("selector");
        assert!(doc.select(&sel).next().is_some(), "{text}: footer missing");
    }
}

/// Place names, addresses and notes of a service-day schedule reach the pages and the
/// JSON-LD in `<script type="application/ld+json">`: a `<!--<script>` there would make
/// the browser read the rest of the page as script.
#[test]
fn hostile_text_in_a_schedule_stays_out_of_its_json_ld() {
    let catalogue = "Mã,Tên thủ tục,Giấy tờ cần mang,Lệ phí,Đường dẫn\nKS,Đăng ký khai sinh,Giấy chứng sinh,Miễn phí,\n";
    let mut texts: Vec<&str> = HOSTILE_TEXT.to_vec();
    texts.extend(["<!--<script>", "x</script><!--<script>y", "]]>&amp;<x"]);
    for text in texts {
        let site = Site::new(PORTAL_CONFIG);
        site.write("data/dich-vu.csv", catalogue);
        let f = csv_field(text);
        site.write(
            "data/lich.csv",
            format!(
                "Ngày,Bắt đầu,Kết thúc,Địa điểm,Địa chỉ,Thủ tục,Trạng thái,Ghi chú,Lần sửa\n\
                 10/12/2026,08:00,11:30,{f},{f},KS,,{f},\n"
            ),
        );
        site.write(
            "content/lich.md",
            format!(
                "+++\ntitle = \"Lịch hỗ trợ\"\ndate = 2026-11-01\nkind = \"service_days\"\n[record]\nsessions = \"data/lich.csv\"\ncatalogue = \"data/dich-vu.csv\"\nupdated = 2026-11-01\n{APPROVAL}+++\n\nLịch.\n"
            ),
        );
        let out = site.run(&["build", "--now", NOW]);
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{text}: {err}");
        assert!(out.status.success(), "{text}: {err}");
        assert_clean_output(&site);
        let mut ld = 0;
        for rel in site.output_files() {
            if rel.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let doc = site.html(&format!("public/{}", rel.display()));
            let sel =
                scraper::Selector::parse("script[type='application/ld+json']").expect("selector");
            for s in doc.select(&sel) {
                ld += 1;
                let v: serde_json::Value =
                    serde_json::from_str(&s.text().collect::<String>()).expect("JSON-LD");
                assert!(v.to_string().contains(text), "{text}: not in the JSON-LD");
            }
            let footer = scraper::Selector::parse("footer.site-footer").expect("selector");
            let has_body = site
                .read(&format!("public/{}", rel.display()))
                .contains("<body");
            if has_body && !rel.starts_with("lich/in-2026-12") {
                assert!(
                    doc.select(&footer).next().is_some(),
                    "{text}: footer missing in {}",
                    rel.display()
                );
            }
        }
        assert!(ld > 0, "{text}: no JSON-LD found");
    }
}

/// `serve`'s single-page rebuild goes through the same Markdown choke point: deep
/// nesting typed into a page while serving is an error, and the last good page stays.
/// (In this test's own process, on a default 2 MiB test thread: an overflow would
/// abort the whole test binary.)
#[test]
fn serve_fast_path_refuses_deep_nesting_and_keeps_the_page() {
    use congkhai::output::LiveDir;
    use congkhai::pipeline::{self, BuildOptions};
    for (case, body) in deep_inputs() {
        let site = Site::fixture("core/zola");
        let work = tempfile::tempdir().expect("temp dir");
        let out = work.path().join("out");
        let opts = BuildOptions {
            root: site.path().to_path_buf(),
            output_dir: Some(out.clone()),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
            ..Default::default()
        };
        let (_, mut inc) = pipeline::build_keep(&opts).expect("first build");
        let page = out.join("tin-tuc/ban-tin-1/index.html");
        let before = std::fs::read(&page).expect("page");
        let rel = "content/tin-tuc/ban-tin-1.md";
        let mut text = site.read(rel);
        text.push_str(&format!("\n\n{body}\n"));
        site.write(rel, text);
        let err = inc
            .update_pages(&["tin-tuc/ban-tin-1.md".to_string()], &LiveDir::new(&out))
            .err()
            .unwrap_or_else(|| panic!("{case}: must be an error"));
        let text: Vec<String> = err.iter().map(|d| d.to_string()).collect();
        let text = text.join("\n");
        assert!(
            text.contains("lồng nhau quá sâu") && text.contains("ban-tin-1.md"),
            "{case}: {text}"
        );
        assert_eq!(std::fs::read(&page).expect("page"), before, "{case}");
    }
}
