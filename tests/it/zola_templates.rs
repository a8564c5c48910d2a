//! Zola `next`'s template contract: a site whose template calls every filter, test and
//! function Zola registers (tests/fixtures/zola_templates/templates/probe.html) renders
//! as Zola `next` renders it, and hostile calls fail cleanly.
//!
//! How the expected values were obtained: the same fixture site (config, content, data,
//! static, templates) was built on 2026-11-30 with a debug build of Zola `next`
//! (getzola/zola, branch `next`, `cargo build`, then `zola build` in a copy of the
//! fixture); each `<li id=…>` of its `public/tin/b/index.html` is recorded below. The
//! rows Zola cannot match by design are checked on their own: `now` (Zola reads the
//! clock, congkhai uses `--now`) and the processed image's file name (Zola hashes the
//! path with Rust's `DefaultHasher`, congkhai the file's bytes with SHA-256); see
//! docs/zola-templates.md.

use std::collections::BTreeMap;

use crate::common::{Site, hash_tree, stderr};

const NOW: &str = "2026-11-23";
const PROBE: &str = "public/tin/b/index.html";

/// Zola `next`'s output for each probe, as text (entities decoded).
const ZOLA_TEXT: &[(&str, &str)] = &[
    ("date", "10/06/2026 08:05"),
    ("date_default", "2026-06-10"),
    ("date_tz", "2026-06-10 15:05 +07"),
    ("slugify", "phuong-hoa-an-dong-tam"),
    ("striptags", "Hòa An"),
    ("spaceless", "<p><a></a></p>"),
    ("regex_replace", "Số #/QĐ-UBND ngày #"),
    ("urlencode", "a%20b/c%3Fd%3D%C4%91%26e"),
    ("urlencode_strict", "a%20b%2Fc%3Fd%3D%C4%91%26e"),
    ("json_encode", r#"{"b":1,"a":[1,"x"]}"#),
    ("json_pretty", "[\n  1,\n  2\n]"),
    ("filesizeformat", "1.46 MiB"),
    ("filesizeformat_dec", "1.54 MB"),
    ("format", "3.14|00042|   hi"),
    ("base64_encode", "SMOyYSBBbg=="),
    ("base64_decode", "Hòa An"),
    ("shuffle", "1,6,4,7,2,5,8,3"),
    ("get_random", "582"),
    ("matching", "yes"),
    ("before", "yes"),
    ("after", "yes"),
    ("num_format", "1.234.567"),
    ("num_format_en", "1,234,567"),
    ("markdown", "Xem A và B"),
    ("markdown_link", "A"),
    ("get_url_static", "https://zt.example.vn/style.css"),
    ("get_url_dir", "https://zt.example.vn/tin"),
    ("get_url_dir_slash", "https://zt.example.vn/tin/"),
    ("get_url_page", "https://zt.example.vn/tin/a/"),
    ("get_url_anchor", "https://zt.example.vn/tin/a/#x"),
    (
        "get_url_cachebust",
        "https://zt.example.vn/style.css?h=ba52bca62f079df261c8",
    ),
    (
        "get_hash_literal",
        "bHa076KoXRwZGWv8tQAqiRhwr2HPHwkNIup95DzPK0XxwP0RexvAJ9HlGxP6wYFb",
    ),
    (
        "get_hash_256_hex",
        "ef86e126a99c5c9b94759ca29e22def2b325f376e29dfa891ce0dc4f47fd7dee",
    ),
    (
        "get_hash_file",
        "rhG8ik95za810juP6ZZtziCn1Xhc1hdgpyOPKAt2+4dyfgTu5d/goN7MCSMC8haq2YVEyUtFZsyWosF65kaKtg==",
    ),
    ("get_page", "Bài A"),
    ("get_page_missing", "true"),
    ("get_section", "Tin tức|2"),
    ("get_taxonomy", "2"),
    (
        "get_taxonomy_kind",
        "tags|tags|false|true|true|true|vi|https://zt.example.vn/tags/",
    ),
    (
        "get_taxonomy_items",
        "Hòa An:hoa-an:/tags/hoa-an/:https://zt.example.vn/tags/hoa-an/:1:1;tin:tin:/tags/tin/:https://zt.example.vn/tags/tin/:2:2;",
    ),
    ("get_taxonomy_lang", "vi"),
    ("get_taxonomy_missing", "true"),
    ("get_taxonomy_term", "2"),
    ("get_taxonomy_url", "https://zt.example.vn/tags/hoa-an/"),
    ("load_data_literal", "2"),
    ("load_data_csv", "Binh"),
    ("load_data_json", "2"),
    ("load_data_missing", "true"),
    ("load_data_csv_literal", "a+b"),
    ("image_meta", "64x48 png image/png"),
    ("resize_fill", "16x16 64x48"),
    ("resize_fit_width", "32x24 true"),
    ("now_type", "true"),
    ("anchor_link", "🔗"),
    ("summary_cutoff", "…\n"),
];

/// Zola `next`'s output for the probes that produce markup, as HTML.
const ZOLA_HTML: &[(&str, &str)] = &[
    ("markdown", "Xem <strong>A</strong> và <em>B</em>"),
    (
        "markdown_link",
        r#"<a href="https://zt.example.vn/tin/a/">A</a>"#,
    ),
    (
        "anchor_link",
        r##"<a class="zola-anchor" href="#muc-1" aria-label="Anchor link for: muc-1">🔗</a>"##,
    ),
];

fn probes(site: &Site) -> BTreeMap<String, (String, String)> {
    let doc = site.html(PROBE);
    let sel = scraper::Selector::parse("li[id]").unwrap();
    doc.select(&sel)
        .map(|li| {
            let id = li.value().attr("id").unwrap().to_string();
            (id, (li.text().collect::<String>(), li.inner_html()))
        })
        .collect()
}

#[test]
fn every_registered_filter_test_and_function_renders_as_in_zola_next() {
    let site = Site::fixture("zola_templates");
    site.build_ok(NOW);
    let got = probes(&site);
    let mut wrong = Vec::new();
    for (id, want) in ZOLA_TEXT {
        match got.get(*id) {
            Some((text, _)) if text == want => {}
            other => wrong.push(format!("{id}: want {want:?}, got {other:?}")),
        }
    }
    for (id, want) in ZOLA_HTML {
        let html = got.get(*id).map(|(_, h)| h.as_str());
        // scraper re-serialises attributes in its own order: compare parsed fragments.
        let norm = |s: &str| scraper::Html::parse_fragment(s).root_element().html();
        if html.map(norm) != Some(norm(want)) {
            wrong.push(format!("{id}: want {want:?}, got {html:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // now(): the build date (--now, 00:00 in Việt Nam), never the clock.
    assert_eq!(got["now"].0, "2026-11-22T17:00:00Z");
    assert_eq!(got["now_ts"].0, "1795366800");
}

#[test]
fn resized_images_are_made_once_and_identical_between_builds() {
    let site = Site::fixture("zola_templates");
    site.build_ok(NOW);
    let got = probes(&site);
    let url = &got["resize_url"].0;
    let name = url
        .strip_prefix("https://zt.example.vn/processed_images/")
        .unwrap_or_else(|| panic!("url {url}"));
    let (stem, rest) = name.split_once('.').unwrap();
    let (hex, ext) = rest.split_once('.').unwrap();
    assert_eq!((stem, ext), ("anh", "png"));
    assert!(
        hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit()),
        "{hex}"
    );
    assert_eq!(
        got["resize_static_path"].0,
        format!("static/processed_images/{name}")
    );

    // resize_url and resize_static_path ask for the same image: one file. Three
    // distinct resizes (fill, fit_width to WebP, scale) give three files.
    let dir = site.path().join("public/processed_images");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(files.contains(&name.to_string()));
    let img = image::load_from_memory(&std::fs::read(dir.join(name)).unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (16, 16));
    let webp = files.iter().find(|f| f.ends_with(".webp")).unwrap();
    let img = image::load_from_memory(&std::fs::read(dir.join(webp)).unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (32, 24));

    // Byte-identical on a second build.
    let first = hash_tree(&site.path().join("public"));
    std::fs::remove_dir_all(site.path().join("public")).unwrap();
    site.build_ok(NOW);
    assert_eq!(hash_tree(&site.path().join("public")), first);
}

/// CRC-32 (IEEE) for the hand-made PNG header below.
fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A PNG that declares `w`×`h` pixels but carries almost no data (a decompression bomb
/// as far as its header goes).
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    chunk(b"IEND", &[]);
    out
}

#[test]
fn hostile_template_calls_fail_cleanly_and_keep_the_previous_output() {
    struct Case {
        name: &'static str,
        call: &'static str,
        setup: fn(&Site),
        expect: &'static [&'static str],
    }
    let cases = [
        Case {
            name: "regex too big to compile",
            call: r#"{{ "a" | regex_replace(pattern="((a{1000}){1000}){1000}", rep="") }}"#,
            setup: |_| {},
            expect: &["regex"],
        },
        Case {
            name: "huge resize arguments",
            call: r#"{% set r = resize_image(path="anh.png", width=100000, height=100000) %}"#,
            setup: |_| {},
            expect: &["resize_image", "anh.png", "12000"],
        },
        Case {
            name: "resize of a file that is not an image",
            call: r#"{% set r = resize_image(path="style.css", width=10, height=10) %}"#,
            setup: |_| {},
            expect: &["resize_image", "style.css", "không đọc được ảnh"],
        },
        Case {
            name: "decompression bomb",
            call: r#"{% set r = resize_image(path="bom.png", width=10, height=10) %}"#,
            setup: |s| s.write("static/bom.png", png_claiming(30_000, 30_000)),
            expect: &["bom.png", "quá lớn"],
        },
        Case {
            name: "image metadata of a path escaping the site",
            call: r#"{% set m = get_image_metadata(path="../../etc/passwd") %}"#,
            setup: |_| {},
            expect: &["get_image_metadata", "ra ngoài thư mục trang"],
        },
        Case {
            name: "load_data path escaping with ..",
            call: r#"{% set d = load_data(path="data/../../x.csv") %}"#,
            setup: |_| {},
            expect: &["load_data", "data/../../x.csv", "ra ngoài thư mục trang"],
        },
        Case {
            name: "load_data from the network",
            call: r#"{% set d = load_data(url="https://example.com/x.json") %}"#,
            setup: |_| {},
            expect: &["load_data", "https://example.com/x.json", "mạng"],
        },
        Case {
            name: "get_hash of a missing file",
            call: r#"{{ get_hash(path="khong-co.css") }}"#,
            setup: |_| {},
            expect: &["get_hash", "khong-co.css"],
        },
        Case {
            name: "get_url cachebust of a missing file",
            call: r#"{{ get_url(path="khong-co.js", cachebust=true) }}"#,
            setup: |_| {},
            expect: &["get_url", "khong-co.js"],
        },
    ];
    let mut failures = Vec::new();
    for case in cases {
        let site = Site::fixture("zola_templates");
        site.build_ok(NOW);
        let before = hash_tree(&site.path().join("public"));
        (case.setup)(&site);
        let probe = site.read("templates/probe.html");
        site.write(
            "templates/probe.html",
            probe.replace("<ul>", &format!("<ul>{}", case.call)),
        );
        let out = site.run(&["build", "--now", NOW]);
        let err = stderr(&out);
        let mut problems = Vec::new();
        if out.status.code() != Some(1) {
            problems.push(format!("exit code {:?}, want 1", out.status.code()));
        }
        if err.contains("panicked") {
            problems.push("panic".into());
        }
        for want in case
            .expect
            .iter()
            .chain(&["templates/probe.html", "cách sửa:"])
        {
            if !err.contains(want) {
                problems.push(format!("stderr lacks {want:?}"));
            }
        }
        if hash_tree(&site.path().join("public")) != before {
            problems.push("public/ changed".into());
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
fn zola_builtins_can_be_overridden_by_the_site() {
    let site = Site::fixture("zola_templates");
    site.write(
        "templates/anchor-link.html",
        "<a class=\"mine\" href=\"#{{ id }}\">#</a>",
    );
    site.build_ok(NOW);
    let got = probes(&site);
    assert_eq!(got["anchor_link"].0, "#");
    assert!(
        got["anchor_link"].1.contains("mine"),
        "{}",
        got["anchor_link"].1
    );
}
