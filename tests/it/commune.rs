//! Every kind of commune (issue 13): `[ward] type` and its words, `congkhai init` for a
//! xã, a phường and a đặc khu, dead internal links.

use crate::common::{Site, stderr, texts};

const NOW: &str = "2026-11-23";

/// `congkhai init <tmp>/site ARGS`, asserting success; the new site and init's stderr.
fn init(args: &[&str]) -> (Site, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    let out = assert_cmd::Command::cargo_bin("congkhai")
        .expect("binary")
        .arg("init")
        .arg(&root)
        .args(args)
        .output()
        .expect("run init");
    assert!(out.status.success(), "init failed: {}", stderr(&out));
    (Site::in_subdir(dir, root), stderr(&out))
}

/// Every output file whose text (lower-cased, NFC as published) contains `word`, with
/// the first place it appears.
fn files_containing(site: &Site, word: &str) -> Vec<String> {
    let mut hits = Vec::new();
    for rel in site.output_files() {
        let bytes = std::fs::read(site.path().join("public").join(&rel)).expect("read");
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        if let Some(i) = text.find(word) {
            let start = text.floor_char_boundary(i.saturating_sub(60));
            let end = text.ceil_char_boundary((i + 60).min(text.len()));
            hits.push(format!("{}: …{}…", rel.display(), &text[start..end]));
        }
    }
    hits
}

#[test]
fn init_xa_builds_and_never_says_phuong() {
    let (site, said) = init(&[
        "--type",
        "xã",
        "--name",
        "Xã Kon Braih",
        "--province",
        "Tỉnh Quảng Ngãi",
    ]);
    // Next steps name the running binary by its full path, not a `congkhai` on PATH.
    let exe = assert_cmd::cargo::cargo_bin("congkhai");
    assert!(said.contains(&exe.display().to_string()), "{said}");
    assert!(said.contains("serve") && said.contains("build"), "{said}");
    site.preview_ok(NOW);
    let files = site.output_files();
    assert!(files.len() > 50, "{} files", files.len());
    let hits = files_containing(&site, "phường");
    assert!(
        hits.is_empty(),
        "a xã's site says phường:\n{}",
        hits.join("\n")
    );
    // The unit's words are used instead.
    let home = site.html("public/index.html");
    assert!(
        texts(&home, "h2")
            .iter()
            .any(|t| t == "Liên hệ Ủy ban nhân dân xã"),
        "{:?}",
        texts(&home, "h2")
    );
    let footer = texts(&home, "footer p").join(" ");
    assert!(
        footer.contains("Mọi thủ tục tại Ủy ban nhân dân xã"),
        "{footer}"
    );
    // The beneficiary list groups by thôn, the config's residential unit.
    let list = site.html("public/ho-tro/danh-sach-mau/index.html");
    assert!(
        texts(&list, "caption")
            .iter()
            .any(|c| c.starts_with("Tổng hợp theo thôn")),
        "{:?}",
        texts(&list, "caption")
    );
    // The merger plan's stage names the commune's council.
    let plan = site.read("public/sap-xep/phuong-an-mau/index.html");
    assert!(!plan.contains("Hội đồng nhân dân phường"));
}

#[test]
fn init_makes_one_example_of_each_kind_with_its_approval() {
    let (site, _) = init(&["--type", "phường", "--name", "Phường Hòa Bình"]);
    let mut kinds = std::collections::BTreeSet::new();
    for e in walkdir::WalkDir::new(site.path().join("content"))
        .into_iter()
        .flatten()
    {
        if e.path().extension().and_then(|x| x.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).expect("read");
        let fm: toml::Table = text
            .split("+++")
            .nth(1)
            .expect("front matter")
            .parse()
            .expect("toml");
        if let Some(kind) = fm.get("kind").and_then(|k| k.as_str()) {
            let approval = fm
                .get("approval")
                .and_then(|a| a.as_table())
                .expect("approval");
            for key in ["by", "role", "decision", "date"] {
                assert!(
                    approval.contains_key(key),
                    "{}: approval.{key}",
                    e.path().display()
                );
            }
            assert!(
                approval["role"].as_str().expect("role").ends_with("phường"),
                "{}",
                e.path().display()
            );
            kinds.insert(kind.to_string());
        }
    }
    let want: std::collections::BTreeSet<String> = [
        "beneficiary_list",
        "consultation",
        "document",
        "donations",
        "merger_plan",
        "programme",
        "service_days",
        "timeline",
        "warning",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(kinds, want);
    site.preview_ok(NOW);
    // The scan that proves a xã's site clean finds the word on a phường's.
    assert!(!files_containing(&site, "ủy ban nhân dân phường").is_empty());
    let config = site.read("config.toml");
    assert!(config.contains("type = \"phường\""), "{config}");
    assert!(
        config.contains("residential_units = [\"tổ dân phố\"]"),
        "{config}"
    );
}

#[test]
fn init_dac_khu_builds() {
    let (site, _) = init(&["--type", "đặc khu", "--name", "Côn Đảo"]);
    site.preview_ok(NOW);
    assert!(
        site.read("config.toml")
            .contains("name = \"Đặc khu Côn Đảo\"")
    );
    assert!(files_containing(&site, "phường").is_empty());
    let home = site.html("public/index.html");
    assert!(
        texts(&home, "h2")
            .iter()
            .any(|t| t == "Liên hệ Ủy ban nhân dân đặc khu")
    );
}

#[test]
fn init_refuses_a_type_that_contradicts_the_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = assert_cmd::Command::cargo_bin("congkhai")
        .expect("binary")
        .arg("init")
        .arg(dir.path().join("site"))
        .args(["--type", "xã", "--name", "Phường Hòa An"])
        .output()
        .expect("run init");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("không khớp"), "{}", stderr(&out));
    assert!(!dir.path().join("site").exists(), "nothing written");
}

#[test]
fn a_ward_name_without_a_type_is_an_error_with_the_fix() {
    let (site, _) = init(&["--type", "xã"]);
    let config = site
        .read("config.toml")
        .replace("name = \"Xã Mẫu\"", "name = \"Kon Braih\"");
    let config = config.replace("type = \"xã\"", "");
    site.write("config.toml", config);
    let out = site.run(&["check", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("config.toml:"),
        "names the file and line: {err}"
    );
    assert!(err.contains("type = \"xã\""), "says how to fix it: {err}");
}

#[test]
fn holidays_count_in_the_disclosure_deadline() {
    // Approved on Friday 13/2/2026, published on Monday 23/2: Tết (16–20/2) is not
    // working days, so this is 1 working day, on time; without holidays it was 6.
    let (site, _) = init(&["--type", "xã"]);
    let page = site.read("content/van-ban/ke-hoach-mau/index.md");
    let page = page
        .replace("date = 2026-06-10\n+++", "date = 2026-02-13\n+++")
        .replace("+++\ntitle", "+++\npublish_from = 2026-02-23\ntitle");
    site.write("content/van-ban/ke-hoach-mau/index.md", &page);
    let out = site.run(&["check", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("ngày làm việc sau ngày phê duyệt"),
        "{}",
        stderr(&out)
    );
    // An extra day off declared in config counts too: 23/2 off → published on the
    // 24th is still 1 working day; and a late publication is still reported.
    let config = site.read("config.toml").replace(
        "# days_off = [\"2026-02-23\"]",
        "days_off = [\"2026-02-23\"]",
    );
    site.write("config.toml", config);
    let late = page.replace("publish_from = 2026-02-23", "publish_from = 2026-03-09");
    site.write("content/van-ban/ke-hoach-mau/index.md", &late);
    let out = site.run(&["check", "--now", NOW]);
    let err = stderr(&out);
    assert!(
        err.contains("là 10 ngày làm việc sau ngày phê duyệt"),
        "{err}"
    );
}

#[test]
fn dead_internal_links_fail_check_and_build_naming_file_and_link() {
    let (site, _) = init(&["--type", "xã"]);
    site.preview_ok(NOW);
    let before = crate::common::snapshot(&site.path().join("public"));
    // In content: a Markdown link to a page that does not exist, and a file.
    let about = site.read("content/gioi-thieu.md");
    site.write(
        "content/gioi-thieu.md",
        format!("{about}\nXem [kế hoạch](/van-ban/khong-co/) và [tệp](../mat.pdf).\n"),
    );
    // In the theme: the footer links to a page the site no longer has.
    std::fs::remove_file(site.path().join("content/canh-bao/cach-nhan-biet.md")).unwrap();
    let page = site.read("content/canh-bao/canh-bao-mau.md");
    site.write(
        "content/canh-bao/canh-bao-mau.md",
        page.replace(
            "Xem thêm [cách nhận biết thông tin chính thức](@/canh-bao/cach-nhan-biet.md).",
            "",
        ),
    );
    for cmd in ["check", "build"] {
        let out = site.run(&[cmd, "--now", NOW]);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {}", stderr(&out));
        let err = stderr(&out);
        let line = |needle: &str| {
            err.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{cmd}: no error for {needle}:\n{err}"))
                .to_string()
        };
        let l = line("“/van-ban/khong-co/”");
        assert!(l.starts_with("lỗi (error): content/gioi-thieu.md"), "{l}");
        assert!(l.contains("/gioi-thieu/"), "names the page: {l}");
        line("“../mat.pdf”");
        // The theme links to that page only where the site has it: no dead link.
        assert!(
            !err.lines()
                .any(|l| l.starts_with("lỗi") && l.contains("cach-nhan-biet")),
            "{err}"
        );
        assert!(
            err.contains("templates/ hoặc themes/"),
            "says where else to look: {err}"
        );
    }
    // The failed build left the previous output exactly as it was.
    assert_eq!(crate::common::snapshot(&site.path().join("public")), before);
}

#[test]
fn the_demo_has_no_dead_link() {
    // The demo builds (the link check runs on every build); its pages link to each
    // other, to downloads and to attachments.
    let site = Site::demo();
    site.preview_ok(NOW);
    let home = site.html("public/index.html");
    let sel = scraper::Selector::parse("a[href]").unwrap();
    assert!(home.select(&sel).count() > 10);
}
