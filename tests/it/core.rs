//! Generator core: a plain Zola site builds like Zola, output is deterministic, and bad
//! input fails cleanly (exit 1, file + line + `cách sửa:` hint, previous output untouched,
//! no panic). Fixture: `tests/fixtures/core/zola` (no `[ward]`, own templates).
use crate::common;
use common::*;

const NOW: &str = "2026-11-23";
const BASE: &str = "https://zola.example.vn";

/// Names of the entries in the site root (a failed build must not leave staging dirs).
fn root_entries(site: &Site) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(site.path())
        .expect("read root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn attr(doc: &scraper::Html, selector: &str, name: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(name).map(str::to_owned))
        .collect()
}

fn count(doc: &scraper::Html, selector: &str) -> usize {
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel).count()
}

/// A CSV mixing Unicode Vietnamese with TCVN3 (ABC, ".VnTime") text: no single
/// conversion is right, so it is refused (a plain TCVN3 file is converted).
const TCVN3_CSV: &[u8] = "Họ và tên,Địa chỉ\nchµo,Hà Nội\nH\u{b5} N\u{e9}i,Tổ 1\n".as_bytes();

struct BadCase {
    name: &'static str,
    breakage: fn(&Site),
    /// Every string must appear in stderr (file, line, the offending value).
    expect: &'static [&'static str],
}

fn data_template(path: &str) -> String {
    format!(
        "{{% extends \"base.html\" %}}\n{{% block content %}}{{% set t = load_data(path=\"{path}\") %}}<table>{{% for r in t.records %}}<tr><td>{{{{ r[0] }}}}</td></tr>{{% endfor %}}</table>{{% endblock %}}\n"
    )
}

const BAD_CASES: &[BadCase] = &[
    BadCase {
        name: "broken TOML front matter",
        breakage: |s| {
            s.write(
                "content/tin-tuc/ban-tin-2.md",
                "+++\ntitle = \"Thiếu dấu ngoặc\ndate = 2026-02-15\n+++\nx\n",
            )
        },
        expect: &["content/tin-tuc/ban-tin-2.md:2", "TOML"],
    },
    BadCase {
        name: "unknown template",
        breakage: |s| {
            s.write(
                "content/tin-tuc/ban-tin-2.md",
                "+++\ntitle = \"B\"\ntemplate = \"khong-co.html\"\n+++\nx\n",
            )
        },
        expect: &["content/tin-tuc/ban-tin-2.md", "khong-co.html"],
    },
    BadCase {
        name: "template error: undefined variable",
        breakage: |s| {
            let t = s.read("templates/page.html").replace(
                "<h1>{{ page.title }}</h1>",
                "<h1>{{ page.title }}{{ khong_co_bien }}</h1>",
            );
            assert!(t.contains("khong_co_bien"), "fixture changed");
            s.write("templates/page.html", t);
        },
        expect: &["templates/page.html:3", "khong_co_bien"],
    },
    BadCase {
        name: "missing config.toml",
        breakage: |s| std::fs::remove_file(s.path().join("config.toml")).expect("rm config"),
        expect: &["config.toml"],
    },
    BadCase {
        name: "duplicate slug",
        breakage: |s| {
            s.write(
                "content/tin-tuc/ban-tin-2.md",
                "+++\ntitle = \"B\"\nslug = \"ban-tin-1\"\n+++\nx\n",
            )
        },
        expect: &[
            "content/tin-tuc/ban-tin-2.md",
            "content/tin-tuc/ban-tin-1.md",
            "/tin-tuc/ban-tin-1/",
        ],
    },
    BadCase {
        name: "internal link to a missing page",
        breakage: |s| {
            s.write(
                "content/tin-tuc/ban-tin-2.md",
                "+++\ntitle = \"B\"\n+++\nXem [đây](@/tin-tuc/khong-co.md).\n",
            )
        },
        expect: &["content/tin-tuc/ban-tin-2.md:4", "@/tin-tuc/khong-co.md"],
    },
    BadCase {
        name: "CSV with a ragged row",
        breakage: |s| s.write("data/x.csv", "ten,so\nAn,1\nBinh,2,3\n"),
        expect: &["data/x.csv:3"],
    },
    BadCase {
        name: "XLSX that is not a spreadsheet",
        breakage: |s| {
            s.write("data/x.xlsx", "ten,so\nAn,1\n");
            s.write("templates/data.html", data_template("data/x.xlsx"));
        },
        expect: &["data/x.xlsx", ".xlsx"],
    },
    BadCase {
        name: "CSV mixing TCVN3 (legacy Vietnamese encoding) and Unicode",
        breakage: |s| {
            s.write("data/vn.csv", TCVN3_CSV);
            s.write("templates/data.html", data_template("data/vn.csv"));
        },
        expect: &["data/vn.csv", "UTF-8", "TCVN3"],
    },
    BadCase {
        name: "load_data path escaping the site root",
        breakage: |s| s.write("templates/data.html", data_template("../../etc/passwd")),
        expect: &["../../etc/passwd", "templates/data.html"],
    },
    BadCase {
        name: "attachment escaping the site root",
        breakage: |s| {
            s.write(
                "content/tin-tuc/dinh-kem/index.md",
                "+++\ntitle = \"Đính kèm\"\ndate = 2026-05-01\n[[attachments]]\nfile = \"../../../../etc/passwd\"\ntitle = \"x\"\n+++\nx\n",
            )
        },
        expect: &[
            "content/tin-tuc/dinh-kem/index.md",
            "attachments",
            "etc/passwd",
        ],
    },
];

#[test]
fn bad_input_fails_cleanly_and_keeps_previous_output() {
    let mut failures = Vec::new();
    for case in BAD_CASES {
        let site = Site::fixture("core/zola");
        site.build_ok(NOW);
        let before = hash_tree(&site.path().join("public"));
        assert!(before.len() > 10, "good build wrote the site");
        let entries = root_entries(&site);

        (case.breakage)(&site);
        let out = site.run(&["build", "--now", NOW]);
        let err = stderr(&out);
        let mut problems = Vec::new();
        if out.status.code() != Some(1) {
            problems.push(format!("exit code {:?}, want 1", out.status.code()));
        }
        if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
            problems.push("panic".into());
        }
        if !err.contains("cách sửa:") {
            problems.push("no `cách sửa:` hint".into());
        }
        for want in case.expect {
            if !err.contains(want) {
                problems.push(format!("stderr lacks {want:?}"));
            }
        }
        if hash_tree(&site.path().join("public")) != before {
            problems.push("public/ changed".into());
        }
        let mut after = root_entries(&site);
        after.retain(|e| e != "config.toml");
        let mut want_entries = entries.clone();
        want_entries.retain(|e| e != "config.toml");
        if after != want_entries {
            problems.push(format!("root entries changed: {entries:?} -> {after:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n---\n{err}",
                case.name,
                problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

#[test]
fn load_data_errors_carry_the_data_file_hint() {
    // The data loader's own hint (save as CSV UTF-8) must reach the user, not only the
    // generic template hint.
    let site = Site::fixture("core/zola");
    site.write("data/x.csv", "ten,so\nAn,1\nBinh,2,3\n");
    let err = site.build_err(NOW);
    assert!(err.contains("CSV UTF-8"), "{err}");
    assert_eq!(
        err.matches("lỗi (error)").count(),
        1,
        "one error, not nested: {err}"
    );
}

#[test]
fn plain_zola_site_builds_like_zola() {
    let site = Site::fixture("core/zola");
    let out = site.build_ok(NOW);
    assert!(
        !stderr(&out).contains("cảnh báo"),
        "no warnings: {}",
        stderr(&out)
    );

    // Pretty URLs.
    for i in 1..=5 {
        assert!(site.exists(&format!("public/tin-tuc/ban-tin-{i}/index.html")));
    }
    assert!(site.exists("public/du-lieu/index.html"));

    // Section sorted by date (newest first), two per page.
    let first = site.html("public/tin-tuc/index.html");
    assert_eq!(
        texts(&first, "ul.pages li"),
        ["Bản tin số 5", "Bản tin số 4"]
    );
    assert_eq!(
        attr(&first, "a.next", "href"),
        [format!("{BASE}/tin-tuc/page/2/")]
    );
    let second = site.html("public/tin-tuc/page/2/index.html");
    assert_eq!(
        texts(&second, "ul.pages li"),
        ["Bản tin số 3", "Bản tin số 2"]
    );
    let third = site.html("public/tin-tuc/page/3/index.html");
    assert_eq!(texts(&third, "ul.pages li"), ["Bản tin số 1"]);
    assert_eq!(count(&third, "a.next"), 0);
    // page/1/ redirects to the section, as in Zola.
    let p1 = site.html("public/tin-tuc/page/1/index.html");
    let refresh = attr(&p1, "meta[http-equiv=refresh]", "content");
    assert_eq!(refresh, [format!("0; url={BASE}/tin-tuc/")]);

    // Alias → redirect page to the canonical URL.
    let alias = site.html("public/cu/ban-tin-ba/index.html");
    assert_eq!(
        attr(&alias, "meta[http-equiv=refresh]", "content"),
        [format!("0; url={BASE}/tin-tuc/ban-tin-3/")]
    );
    assert_eq!(
        attr(&alias, "link[rel=canonical]", "href"),
        [format!("{BASE}/tin-tuc/ban-tin-3/")]
    );

    // @/ links resolved to permalinks.
    let home = site.html("public/index.html");
    assert_eq!(texts(&home, "h1#site-title"), ["Trang Zola thuần"]);
    assert_eq!(
        attr(&home, "main a", "href"),
        [format!("{BASE}/tin-tuc/ban-tin-1/")]
    );
    let page = site.html("public/tin-tuc/ban-tin-3/index.html");
    assert_eq!(
        attr(&page, "div.body a[href^='https']", "href"),
        [format!("{BASE}/"), format!("{BASE}/tin-tuc/ban-tin-1/")]
    );

    // Heading id folded from Vietnamese.
    assert_eq!(
        attr(&page, "div.body h2", "id"),
        ["de-an-sap-xep"],
        "## Đề án sắp xếp"
    );
    // Raw <script> and event handlers removed; the link text stays.
    assert_eq!(count(&page, "script"), 0);
    assert_eq!(count(&page, "[onclick]"), 0);
    assert_eq!(texts(&page, "div.body a[href='#']"), ["bấm"]);
    assert!(
        !site
            .read("public/tin-tuc/ban-tin-3/index.html")
            .contains("alert(")
    );

    // sitemap.xml lists every page and section.
    let sitemap = site.read("public/sitemap.xml");
    let mut locs = common::sitemap_locs(&sitemap);
    let mut want: Vec<String> = ["/", "/du-lieu/", "/tin-tuc/"]
        .iter()
        .map(|p| format!("{BASE}{p}"))
        .chain((1..=5).map(|i| format!("{BASE}/tin-tuc/ban-tin-{i}/")))
        .collect();
    want.sort();
    locs.sort();
    assert_eq!(locs, want);

    // robots.txt points at the sitemap.
    let robots = site.read("public/robots.txt");
    assert!(
        robots
            .lines()
            .any(|l| l == format!("Sitemap: {BASE}/sitemap.xml")),
        "{robots}"
    );

    // 404 page from the site's template.
    let nf = site.html("public/404.html");
    assert_eq!(texts(&nf, "h1#not-found"), ["Không tìm thấy trang"]);

    // load_data in a template reads the CSV.
    let data = site.html("public/du-lieu/index.html");
    assert_eq!(texts(&data, "td"), ["An", "Binh"]);
}

#[test]
fn unsupported_zola_key_gives_one_line_warning() {
    let site = Site::fixture("core/zola");
    let cfg = site.read("config.toml");
    site.write("config.toml", format!("hard_link_static = true\n{cfg}"));
    let out = site.build_ok(NOW);
    let err = stderr(&out);
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("hard_link_static"))
        .collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].starts_with("cảnh báo"), "{err}");
    assert!(warnings[0].contains("config.toml:1"), "{err}");
    assert!(site.exists("public/index.html"));
}

#[test]
fn two_builds_are_byte_identical() {
    // Plain site and the demo portal, each built in two separate directories.
    for make in [|| Site::fixture("core/zola"), Site::demo as fn() -> Site] {
        let a = make();
        let b = make();
        a.build_ok(NOW);
        b.build_ok(NOW);
        let ha = hash_tree(&a.path().join("public"));
        let hb = hash_tree(&b.path().join("public"));
        assert!(ha.len() > 10);
        assert_eq!(ha, hb);
        // And a rebuild in place gives the same bytes.
        a.build_ok(NOW);
        assert_eq!(hash_tree(&a.path().join("public")), ha);
    }
}

#[test]
fn templates_iterate_maps_in_a_fixed_order() {
    // Tera's maps were std HashMaps with a per-process random seed, so a template that
    // loops over a map (`page.extra`, `config.extra`, the page itself) wrote its keys in
    // a different order on every build. The order must be fixed: `[extra]` tables in
    // key order, the page object in field order.
    let site = Site::new(&format!(
        "base_url = \"{BASE}\"\ntitle = \"T\"\n[extra]\nxa = 1\nphuong = 2\nto = 3\nthon = 4\nap = 5\n"
    ));
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\n[extra]\nnam = 1\nbac = 2\ntrung = 3\ndong = 4\ntay = 5\n+++\nBài.\n",
    );
    site.write(
        "templates/page.html",
        "<p id=\"extra\">{% for k, v in page.extra %}{{ k }} {% endfor %}</p>\
         <p id=\"config\">{% for k, v in config.extra %}{{ k }} {% endfor %}</p>\
         <p id=\"page\">{% for k, v in page %}{{ k }} {% endfor %}</p>",
    );
    site.write("templates/index.html", "{{ section.title }}");
    site.write("templates/section.html", "{{ section.title }}");
    let words = |doc: &scraper::Html, id: &str| -> Vec<String> {
        texts(doc, &format!("p#{id}"))
            .join(" ")
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    site.build_ok(NOW);
    let doc = site.html("public/a/index.html");
    assert_eq!(words(&doc, "extra"), ["bac", "dong", "nam", "tay", "trung"]);
    assert_eq!(words(&doc, "config"), ["ap", "phuong", "thon", "to", "xa"]);
    let fields = words(&doc, "page");
    assert_eq!(fields.first().map(String::as_str), Some("relative_path"));
    assert_eq!(fields.last().map(String::as_str), Some("summary"));
    // Every later build writes the same order.
    for _ in 0..3 {
        site.build_ok(NOW);
        assert_eq!(words(&site.html("public/a/index.html"), "page"), fields);
    }
}

#[test]
fn check_lists_every_error_and_writes_nothing() {
    let site = Site::fixture("core/zola");
    site.write(
        "content/tin-tuc/ban-tin-2.md",
        "+++\ntitle = \"B\"\n+++\nXem [đây](@/khong-co.md).\n",
    );
    site.write("content/tin-tuc/ban-tin-5.md", "+++\ntitle = \"B\n+++\n");
    site.write(
        "content/tin-tuc/ban-tin-4.md",
        "+++\ntitle = \"C\"\nslug = \"ban-tin-1\"\n+++\n",
    );
    let out = site.run(&["check", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    for want in [
        "content/tin-tuc/ban-tin-2.md:4",
        "content/tin-tuc/ban-tin-5.md:2",
        "content/tin-tuc/ban-tin-4.md",
    ] {
        assert!(err.contains(want), "check should list {want}: {err}");
    }
    assert!(err.matches("lỗi (error)").count() >= 3, "{err}");
    assert!(!site.exists("public"), "check writes nothing");

    // A clean site passes check, still without writing.
    let ok = Site::fixture("core/zola");
    let out = ok.run(&["check", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!ok.exists("public"));
}

#[test]
fn drafts_preview_has_banner_noindex_and_own_directory() {
    let site = Site::new(PORTAL_CONFIG);
    site.write("content/tin/_index.md", "+++\ntitle = \"Tin\"\n+++\n");
    site.write(
        "content/tin/chua-duyet.md",
        "+++\ntitle = \"Bài chưa duyệt\"\ndate = 2026-06-01\n+++\nNội dung nháp.\n",
    );
    site.write(
        "content/tin/da-duyet.md",
        format!("+++\ntitle = \"Bài đã duyệt\"\ndate = 2026-06-02\n{APPROVAL}+++\nNội dung.\n"),
    );
    // The public build refuses the unapproved page.
    let err = site.build_err(NOW);
    assert!(err.contains("content/tin/chua-duyet.md"), "{err}");
    assert!(!site.exists("public"));

    let out = site.run(&["build", "--drafts", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!site.exists("public"), "preview never goes to public/");
    assert!(site.exists("public-preview/tin/chua-duyet/index.html"));
    let draft = site.html("public-preview/tin/chua-duyet/index.html");
    let banner = texts(&draft, ".notice--draft").join(" ");
    assert!(banner.contains("BẢN NHÁP"), "{banner:?}");
    // Every HTML page of the preview is noindex.
    let base = site.path().join("public-preview");
    let mut html_pages = 0;
    for e in walkdir::WalkDir::new(&base).into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "html") {
            html_pages += 1;
            let doc = scraper::Html::parse_document(
                &std::fs::read_to_string(e.path()).expect("read preview page"),
            );
            let robots = attr(&doc, "meta[name=robots]", "content");
            assert!(
                robots.iter().any(|r| r.contains("noindex")),
                "{}: {robots:?}",
                e.path().display()
            );
        }
    }
    assert!(html_pages >= 3);
}

#[test]
fn init_creates_a_site_that_builds() {
    let parent = tempfile::tempdir().expect("temp");
    let dir = parent.path().join("phuong-moi");
    let out = assert_cmd::Command::cargo_bin("congkhai")
        .expect("binary")
        .arg("init")
        .arg(&dir)
        .output()
        .expect("run init");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("config.toml").is_file());
    let out = assert_cmd::Command::cargo_bin("congkhai")
        .expect("binary")
        .arg("--root")
        .arg(&dir)
        .args(["build", "--now", NOW])
        .output()
        .expect("run build");
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = scraper::Html::parse_document(
        &std::fs::read_to_string(dir.join("public/index.html")).expect("index.html"),
    );
    assert_eq!(attr(&doc, "html", "lang"), ["vi"]);
    assert!(!texts(&doc, "title").is_empty());

    // init refuses to overwrite an existing site.
    let again = assert_cmd::Command::cargo_bin("congkhai")
        .expect("binary")
        .arg("init")
        .arg(&dir)
        .output()
        .expect("run init");
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
}

#[test]
fn version_and_help_for_every_command() {
    let run = |args: &[&str]| {
        assert_cmd::Command::cargo_bin("congkhai")
            .expect("binary")
            .args(args)
            .output()
            .expect("run")
    };
    let v = run(&["--version"]);
    assert!(v.status.success());
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("congkhai {}", env!("CARGO_PKG_VERSION"))
    );
    for cmd in ["build", "check", "serve", "init"] {
        let h = run(&[cmd, "--help"]);
        assert!(h.status.success(), "{cmd} --help");
        let text = String::from_utf8_lossy(&h.stdout);
        assert!(
            text.contains(&format!("Usage: congkhai {cmd}")),
            "{cmd}: {text}"
        );
    }
    let h = run(&["--help"]);
    let text = String::from_utf8_lossy(&h.stdout);
    for cmd in ["build", "check", "serve", "init"] {
        assert!(text.contains(cmd), "{text}");
    }
    // Unknown command: usage error, not a panic.
    let bad = run(&["xay-dung"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(!stderr(&bad).contains("panicked"));
}

/// The summary's file count is kept while writing (no second walk of the output); it
/// must still equal what is on disk, for a plain Zola site and for a portal with its
/// manifest, history chain and static files.
#[test]
fn summary_counts_every_written_file() {
    for site in [Site::fixture("core/zola"), Site::demo()] {
        let out = site.build_ok(NOW);
        let err = stderr(&out);
        let line = err
            .lines()
            .find(|l| l.starts_with("Đã tạo trang:"))
            .unwrap_or_else(|| panic!("no summary line: {err}"));
        // "…, 144 tệp trong /tmp/… (12 ms)" → 144
        let count: usize = line
            .split(", ")
            .find_map(|part| {
                let (n, rest) = part.split_once(' ')?;
                if rest.starts_with("tệp ") {
                    n.parse().ok()
                } else {
                    None
                }
            })
            .unwrap_or_else(|| panic!("no file count in {line:?}"));
        assert_eq!(count, site.output_files().len(), "{line}");
    }
}
