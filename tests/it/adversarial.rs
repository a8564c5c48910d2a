//! The adversarial pass of docs/security.md: new variants of every class of hostile
//! input, each run through the real binary on a copy of the support fixture, sorted into
//! "clear error", "published clean", "published wrong" and "crashed". The table is
//! printed (`cargo test --test adversarial -- --nocapture`) and copied into
//! docs/security.md; the test fails on any "published wrong" or "crashed".
//!
//! These variants are written apart from the per-class suites (tests/hostile_*.rs) on
//! purpose: they are the second look an attacker would take after the fixes.

use crate::common;
use crate::common::sha256_hex;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use unicode_normalization::UnicodeNormalization;

const NOW: &str = "2026-11-23";
const PAGE: &str = "content/ho-tro/chuong-trinh.md";
const LIST_CSV: &str = "data/ho-tro/danh-sach.csv";
const LIST_PAGE: &str = "content/ho-tro/danh-sach.md";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    ClearError,
    PublishedClean,
    PublishedWrong,
    Crashed,
}

/// What a variant may do: refuse (any publication is wrong) or either refuse or publish
/// a cleaned page (the check decides).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Refuse,
    RefuseOrClean,
}

/// Runs the hostile command.
type RunFn = Box<dyn Fn(&Site) -> Output>;
/// After a successful run: what was published wrong, if anything.
type WrongFn = Box<dyn Fn(&Site, &Output) -> Option<String>>;
/// Plants a value in one field of the site.
type PutFn = Box<dyn Fn(&Site, &str)>;

struct Variant {
    class: &'static str,
    name: String,
    expect: Expect,
    /// Prepares the site (a fresh copy of the support fixture, already built once).
    setup: Box<dyn Fn(&Site)>,
    /// Runs the hostile command; default `build --now NOW`.
    run: Option<RunFn>,
    /// After a successful run: is something wrong in what was published?
    wrong: WrongFn,
}

/// The binary under attack: this build's, or `CONGKHAI_BIN` (to count an older
/// version's outcomes for docs/security.md).
fn binary() -> PathBuf {
    std::env::var_os("CONGKHAI_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_congkhai")))
}

/// Runs congkhai with a memory cap (so a resource bomb fails instead of eating the
/// machine) and a generous wall-clock cap (a hang is reported, never waited out).
fn run_capped(site: &Site, args: &[&str]) -> Output {
    let mut cmd = if Path::new("/usr/bin/prlimit").exists() {
        let mut c = Command::new("/usr/bin/prlimit");
        c.arg("--as=4294967296").arg("--").arg(binary());
        c
    } else {
        Command::new(binary())
    };
    cmd.arg("--root")
        .arg(site.path())
        .args(args)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let Ok(mut child) = cmd.spawn() else {
        panic!("cannot start congkhai");
    };
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > Duration::from_secs(120) => {
                let _ = child.kill();
                break;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break,
        }
    }
    child.wait_with_output().expect("output of congkhai")
}

fn build(site: &Site) -> Output {
    run_capped(site, &["publish", "--now", NOW])
}

fn sources(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let mut all = BTreeMap::new();
    for d in [
        "content",
        "data",
        "templates",
        "static",
        "history",
        "config.toml",
    ] {
        let p = site.path().join(d);
        if p.is_file() {
            all.insert(d.to_string(), std::fs::read(&p).unwrap_or_default());
        } else {
            for (k, v) in snapshot(&p) {
                all.insert(format!("{d}/{k}"), v);
            }
        }
    }
    all
}

fn output_text(site: &Site) -> Vec<(String, String)> {
    snapshot(&site.path().join("public"))
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect()
}

/// Text folded so that obfuscations of a number collapse to its digits: NFKC (full-width
/// and mathematical digits), every decimal digit as ASCII, and every character that is
/// not a letter or digit removed.
fn digits_folded(s: &str) -> String {
    s.nfkc()
        .filter_map(|c| {
            if let Some(d) = c.to_digit(10) {
                return char::from_digit(d, 10);
            }
            if c.is_numeric() {
                // Other scripts' decimal digits: their value is the offset in their block
                // of ten, which NFKC leaves alone (Arabic-Indic, Devanagari, …).
                let v = u32::from(c);
                for zero in [0x660u32, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10, 0x1D7CE] {
                    if (zero..zero + 10).contains(&v) {
                        return char::from_digit(v - zero, 10);
                    }
                }
                return Some(c);
            }
            c.is_alphabetic().then(|| c.to_ascii_lowercase())
        })
        .collect()
}

fn leak_in_output(site: &Site, needle: &str) -> Option<String> {
    let needle = digits_folded(needle);
    output_text(site)
        .into_iter()
        .find(|(_, text)| digits_folded(text).contains(&needle))
        .map(|(f, _)| format!("{needle} in public/{f}"))
}

/// Anything executable or page-swallowing in any published HTML or SVG file.
fn executable_in_output(site: &Site) -> Option<String> {
    let url_attrs = [
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "srcdoc",
    ];
    for (file, text) in output_text(site) {
        if file.ends_with(".svg") {
            let lower = text.to_lowercase();
            if lower.contains("<script") || lower.contains("javascript:") {
                return Some(format!("script in public/{file}"));
            }
            let doc = scraper::Html::parse_fragment(&text);
            for el in doc
                .root_element()
                .descendants()
                .filter_map(scraper::ElementRef::wrap)
            {
                if el.value().attrs().any(|(k, _)| k.starts_with("on")) {
                    return Some(format!("on* attribute in public/{file}"));
                }
            }
            continue;
        }
        if !file.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&text);
        for el in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let name = el.value().name();
            if ["iframe", "object", "embed", "base", "frame"].contains(&name) {
                return Some(format!("<{name}> in public/{file}"));
            }
            // The theme's own search form posts to the site itself; any other is injected.
            let own_site =
                |a: &str| a.starts_with('/') || a.starts_with("https://phuong.example.vn/");
            if name == "form" && !el.value().attr("action").is_some_and(own_site) {
                return Some(format!("foreign <form> in public/{file}"));
            }
            if name == "meta" && el.value().attr("http-equiv").is_some() {
                return Some(format!("<meta http-equiv> in public/{file}"));
            }
            if name == "script" && el.text().any(|t| t.contains("1337")) {
                return Some(format!("injected script in public/{file}"));
            }
            for (k, v) in el.value().attrs() {
                if k.starts_with("on") {
                    return Some(format!("{k}= on <{name}> in public/{file}"));
                }
                if url_attrs.contains(&k) {
                    let v: String = v
                        .chars()
                        .filter(|c| !c.is_whitespace() && !c.is_control())
                        .collect::<String>()
                        .to_lowercase();
                    if v.starts_with("javascript:")
                        || v.starts_with("vbscript:")
                        || v.starts_with("data:text")
                    {
                        return Some(format!("{k}={v} in public/{file}"));
                    }
                }
            }
        }
        // A comment or raw text element that swallows the rest: the footer is gone.
        let has_body = text.contains("<body");
        let footer = scraper::Selector::parse("footer").expect("selector");
        if has_body && doc.select(&footer).next().is_none() {
            return Some(format!("page footer swallowed in public/{file}"));
        }
    }
    None
}

/// Front matter text with a complete approval added as its last table.
fn with_approval(text: &str) -> String {
    match text.get(3..).and_then(|t| t.find("+++")) {
        Some(i) => format!("{}{APPROVAL}{}", &text[..i + 3], &text[i + 3..]),
        None => text.to_string(),
    }
}

/// Replace the whole line of `rel` that starts with `key` by `key` + `value`.
fn set_line(site: &Site, rel: &str, key: &str, value: &str) {
    let text = site.read(rel);
    let start = text
        .find(key)
        .unwrap_or_else(|| panic!("{rel} has no {key:?}"));
    let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
    site.write(
        rel,
        format!("{}{key}{value}{}", &text[..start], &text[end..]),
    );
}

fn replace_in(site: &Site, rel: &str, from: &str, to: &str) {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

fn append_body(site: &Site, rel: &str, body: &str) {
    let text = site.read(rel);
    site.write(rel, format!("{text}\n{body}\n"));
}

fn variant(
    class: &'static str,
    name: impl Into<String>,
    expect: Expect,
    setup: impl Fn(&Site) + 'static,
    wrong: impl Fn(&Site, &Output) -> Option<String> + 'static,
) -> Variant {
    Variant {
        class,
        name: name.into(),
        expect,
        setup: Box::new(setup),
        run: None,
        wrong: Box::new(wrong),
    }
}

// ---------------------------------------------------------------------------------
// The classes of issue 12.

fn output_safety() -> Vec<Variant> {
    let mut v = Vec::new();
    // The site lives in <tmp>/site, so "..", the site root itself and its source folders
    // are all inside the test's temporary folder.
    for target in [
        "content",
        "content/ho-tro",
        "data",
        "data/ho-tro",
        "templates",
        "history",
        ".",
        "./",
        "content/../data",
        "..",
        "../site",
    ] {
        let t = target.to_string();
        v.push(Variant {
            class: "1 output safety",
            name: format!("--output-dir {target}"),
            expect: Expect::Refuse,
            setup: Box::new(|_| {}),
            run: Some(Box::new(move |s: &Site| {
                let dir = s.path().join(&t);
                run_capped(
                    s,
                    &[
                        "publish",
                        "--now",
                        NOW,
                        "--output-dir",
                        &dir.to_string_lossy(),
                    ],
                )
            })),
            wrong: Box::new(|_, _| Some("built into a source folder".into())),
        });
    }
    for (name, key) in [
        ("config output_dir = content", "output_dir = \"content\"\n"),
        ("config output_dir = ..", "output_dir = \"..\"\n"),
        (
            "config output_dir = ../outside",
            "output_dir = \"../outside\"\n",
        ),
    ] {
        v.push(variant(
            "1 output safety",
            name,
            Expect::Refuse,
            move |s| {
                let cfg = s.read("config.toml");
                s.write("config.toml", format!("{key}{cfg}"));
            },
            |_, _| Some("built where config pointed".into()),
        ));
    }
    // A folder someone else made, with a file in it.
    v.push(Variant {
        class: "1 output safety",
        name: "--output-dir a folder congkhai did not make".into(),
        expect: Expect::Refuse,
        setup: Box::new(|s| s.write("khac/quan-trong.txt", "tài liệu quan trọng")),
        run: Some(Box::new(|s: &Site| {
            let dir = s.path().join("khac");
            run_capped(
                s,
                &[
                    "publish",
                    "--now",
                    NOW,
                    "--output-dir",
                    &dir.to_string_lossy(),
                ],
            )
        })),
        wrong: Box::new(|_, _| Some("replaced a foreign folder".into())),
    });
    v
}

fn sanitising() -> Vec<Variant> {
    let bodies = [
        "## Liên hệ {tabindex=0 autofocus onfocus=alert(1337)}",
        "## Liên hệ {#lien-he onclick=alert(1337)}",
        "## Liên hệ {.lop onmouseover=\"alert(1337)\"}",
        "### Mục {data-x=1 OnLoad=alert(1337)}",
        "<img src=x onerror=alert(1337)>",
        "<IMG SRC=x OnError=alert(1337)>",
        "<svg onload=alert(1337)></svg>",
        "<a href=\"jav&#x61;script:alert(1337)\">bấm</a>",
        "<a href=\" javascript:alert(1337)\">bấm</a>",
        "<a href=\"JaVaScRiPt:alert(1337)\">bấm</a>",
        "<a href=\"java\tscript:alert(1337)\">bấm</a>",
        "[bấm](javascript:alert(1337))",
        "[bấm](JAVASCRIPT:alert(1337))",
        "![ảnh](javascript:alert(1337))",
        "[bấm](vbscript:msgbox(1337))",
        "[bấm](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMzM3KTwvc2NyaXB0Pg==)",
        "<script>alert(1337)</script>",
        "<scr<script>ipt>alert(1337)</script>",
        "<iframe src=\"https://example.com\"></iframe>",
        "<object data=\"x.swf\"></object>",
        "<form action=\"https://example.com\"><button>gửi</button></form>",
        "<base href=\"https://example.com/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://example.com\">",
        "<details open ontoggle=alert(1337)>x</details>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1337)>",
        "<!-- bắt đầu chú thích không đóng",
        "<div><!--</div><footer>giả</footer>-->",
        "<a href=\"&#106;avascript:alert(1337)\">x</a>",
        "<svg><a xlink:href=\"javascript:alert(1337)\"><text>x</text></a></svg>",
        "<p style=\"background:url(javascript:alert(1337))\">x</p>",
    ];
    let mut v = Vec::new();
    for body in bodies {
        v.push(variant(
            "2 script and markup",
            format!("page body: {}", body.chars().take(50).collect::<String>()),
            Expect::RefuseOrClean,
            move |s| append_body(s, PAGE, body),
            |s, _| executable_in_output(s),
        ));
    }
    for (field, value) in [
        ("title", "<script>alert(1337)</script>"),
        ("title", "Chương trình <!--"),
        ("description", "\"><img src=x onerror=alert(1337)>"),
        ("description", "</title><script>alert(1337)</script>"),
    ] {
        v.push(variant(
            "2 script and markup",
            format!("front matter {field}: {value}"),
            Expect::RefuseOrClean,
            move |s| {
                let text = s.read(PAGE);
                let line = format!("{field} = \"{}\"\n", value.replace('"', "\\\""));
                let text = if field == "title" {
                    let mut out = String::new();
                    for l in text.lines() {
                        if l.starts_with("title =") {
                            out.push_str(&line);
                        } else {
                            out.push_str(l);
                            out.push('\n');
                        }
                    }
                    out
                } else {
                    text.replacen("+++\n", &format!("+++\n{line}"), 1)
                };
                s.write(PAGE, text);
            },
            |s, _| executable_in_output(s),
        ));
    }
    for cell in [
        "<script>alert(1337)</script>",
        "<!--",
        "\"><img src=x onerror=alert(1337)>",
        "]]></title><script>alert(1337)</script>",
        "{{ config.base_url }}",
    ] {
        v.push(variant(
            "2 script and markup",
            format!("list note cell: {cell}"),
            Expect::RefuseOrClean,
            move |s| {
                let csv = s.read(LIST_CSV);
                let quoted = format!("\"{}\"", cell.replace('"', "\"\""));
                let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
                if let Some(l) = lines.get_mut(1) {
                    l.push_str(&quoted);
                }
                s.write(LIST_CSV, lines.join("\n") + "\n");
            },
            |s, _| executable_in_output(s),
        ));
    }
    for (name, svg) in [
        (
            "script",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1337)</script></svg>",
        ),
        (
            "onload",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1337)\"/>",
        ),
        (
            "foreignObject",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"><foreignObject><iframe src=\"javascript:alert(1337)\"/></foreignObject></svg>",
        ),
    ] {
        v.push(variant(
            "2 script and markup",
            format!("static SVG with {name}"),
            Expect::RefuseOrClean,
            move |s| s.write("static/hinh.svg", svg),
            |s, _| executable_in_output(s),
        ));
        v.push(variant(
            "2 script and markup",
            format!("SVG shown in a page, with {name}"),
            Expect::RefuseOrClean,
            move |s| {
                s.write("static/so-do.svg", svg);
                append_body(s, PAGE, "![sơ đồ](/so-do.svg)");
            },
            |s, _| executable_in_output(s),
        ));
    }
    v
}

fn nesting() -> Vec<Variant> {
    let cases: Vec<(&str, String)> = vec![
        ("900 nested list markers", "- ".repeat(900) + "x"),
        ("3,000 > quotes", "> ".repeat(3000) + "x"),
        ("3,000 nested <div>", "<div>".repeat(3000)),
        ("3,000 nested <span>", "<span>".repeat(3000) + "x"),
        ("5,000 nested emphasis", "*_".repeat(5000) + "x"),
        ("20,000 [", "[".repeat(20000)),
        (
            "2,000 nested links",
            "[".repeat(2000) + "x" + &"](/a)".repeat(2000),
        ),
        ("1,500 nested ordered lists", "1. ".repeat(1500) + "x"),
        ("quote and list mixed", "> - ".repeat(1500) + "x"),
        ("3,000 nested <table>", "<table><tr><td>".repeat(3000)),
    ];
    cases
        .into_iter()
        .map(|(name, body)| {
            variant(
                "3 deep nesting",
                name,
                Expect::RefuseOrClean,
                move |s| append_body(s, PAGE, &body),
                |s, _| executable_in_output(s),
            )
        })
        .collect()
}

fn resource_bombs() -> Vec<Variant> {
    let mut v = Vec::new();
    v.push(variant(
        "4 resource bombs",
        "CSV header of 300,000 columns",
        Expect::Refuse,
        |s| {
            let mut h = String::from("STT,Họ và tên,Tổ dân phố,Diện,Số tiền");
            for i in 0..300_000 {
                h.push_str(&format!(",c{i}"));
            }
            s.write(
                LIST_CSV,
                h + "\n1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000\n",
            );
        },
        |_, _| Some("published a 300,000-column table".into()),
    ));
    v.push(variant(
        "4 resource bombs",
        "CSV line of 30 MB",
        Expect::Refuse,
        |s| {
            let cell = "A".repeat(30 << 20);
            s.write(
                LIST_CSV,
                format!(
                    "STT,Họ và tên,Tổ dân phố,Diện,Số tiền,Ghi chú\n1,Nguyễn Văn Thử,Tổ dân phố số 1,Hộ nghèo,1.500.000,{cell}\n"
                ),
            );
        },
        |_, _| Some("published a 30 MB cell".into()),
    ));
    v.push(variant(
        "4 resource bombs",
        "XLSX with one cell at XFD1048576",
        Expect::Refuse,
        |s| {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            let header = ["STT", "Họ và tên", "Tổ dân phố", "Diện", "Số tiền"];
            for (c, h) in header.iter().enumerate() {
                let _ = ws.write_string(0, c as u16, *h);
            }
            let row = [
                "1",
                "Nguyễn Văn Thử",
                "Tổ dân phố số 1",
                "Hộ nghèo",
                "1500000",
            ];
            for (c, h) in row.iter().enumerate() {
                let _ = ws.write_string(1, c as u16, *h);
            }
            let _ = ws.write_string(1_048_575, 16_383, "x");
            let bytes = wb.save_to_buffer().expect("xlsx");
            s.write("data/ho-tro/danh-sach.xlsx", bytes);
            replace_in(s, LIST_PAGE, "danh-sach.csv", "danh-sach.xlsx");
        },
        |_, _| None,
    ));
    for (name, file, body) in [
        (
            "JSON nested 100,000 deep",
            "data/sau.json",
            "[".repeat(100_000),
        ),
        (
            "TOML nested 100,000 deep",
            "data/sau.toml",
            format!("a = {}", "[".repeat(100_000)),
        ),
    ] {
        v.push(variant(
            "4 resource bombs",
            name,
            Expect::Refuse,
            move |s| {
                s.write(file, &body);
                s.write(
                    "templates/bom.html",
                    format!(
                        "{{% set d = load_data(path=\"{file}\") %}}<html><body><footer></footer></body></html>"
                    ),
                );
                let t = s.read(PAGE);
                s.write(PAGE, t.replacen("+++\n", "+++\ntemplate = \"bom.html\"\n", 1));
            },
            |_, _| Some("published a 100,000-deep file".into()),
        ));
    }
    v.push(variant(
        "4 resource bombs",
        "front matter of 20 MB",
        Expect::RefuseOrClean,
        |s| {
            let text = s.read(PAGE);
            let pad = format!("[extra]\npad = \"{}\"\n", "x".repeat(20 << 20));
            s.write(
                PAGE,
                text.replacen("[approval]", &format!("{pad}[approval]"), 1),
            );
        },
        |_, _| None,
    ));
    v
}

/// Obfuscated personal identifiers, each with the digits (or name) that must not appear.
fn identifiers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("0912 345 678", "0912345678"),
        ("0912\u{a0}345\u{a0}678", "0912345678"),
        ("0912\u{2009}345\u{2009}678", "0912345678"),
        ("0912\u{202f}345\u{202f}678", "0912345678"),
        ("0912  345  678", "0912345678"),
        ("0912/345/678", "0912345678"),
        ("0912_345_678", "0912345678"),
        ("0912–345–678", "0912345678"),
        ("０９１２３４５６７８", "0912345678"),
        ("٠٩١٢٣٤٥٦٧٨", "0912345678"),
        ("(091) 234 5678", "0912345678"),
        ("84912345678", "912345678"),
        ("+84 912 345 678", "912345678"),
        ("ĐT0912345678", "0912345678"),
        ("SĐT:0912.345.678", "0912345678"),
        ("CMND 187.654.321", "187654321"),
        ("CCCD 001203 001234", "001203001234"),
        ("0012.0300.1234", "001203001234"),
        ("nguyenvanthu＠gmail.com", "nguyenvanthugmailcom"),
        ("nguyenvanthu @ gmail.com", "nguyenvanthugmailcom"),
        ("nguyenvanthu(at)gmail.com", "nguyenvanthuatgmailcom"),
        ("sinh ngày 05/03/1950", "05031950"),
        ("sinh ngày 5 tháng 3 năm 1950", "sinhngay5thang3nam1950"),
        ("ngày sinh 05/03/50", "050350"),
    ]
}

fn personal_data() -> Vec<Variant> {
    let mut v = Vec::new();
    for (raw, needle) in identifiers() {
        // Page body.
        v.push(variant(
            "6 personal data",
            format!("page body: {raw}"),
            Expect::Refuse,
            move |s| append_body(s, PAGE, &format!("Liên hệ ông Thử: {raw}.")),
            move |s, _| leak_in_output(s, needle),
        ));
        // A note in the beneficiary list.
        v.push(variant(
            "6 personal data",
            format!("list note: {raw}"),
            Expect::Refuse,
            move |s| {
                let csv = s.read(LIST_CSV);
                let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
                if let Some(l) = lines.get_mut(2) {
                    l.push_str(&format!("\"gọi {}\"", raw.replace('"', "\"\"")));
                }
                s.write(LIST_CSV, lines.join("\n") + "\n");
            },
            move |s, _| leak_in_output(s, needle),
        ));
    }
    // Other fields, with one identifier each.
    let fields: Vec<(&str, PutFn)> = vec![
        (
            "page title",
            Box::new(|s: &Site, raw: &str| {
                replace_in(s, PAGE, "title = \"", &format!("title = \"{raw} "))
            }),
        ),
        (
            "page description",
            Box::new(|s: &Site, raw: &str| {
                replace_in(
                    s,
                    PAGE,
                    "+++\n",
                    &format!("+++\ndescription = \"Gọi {raw}\"\n"),
                )
            }),
        ),
        (
            "approval signer",
            Box::new(|s: &Site, raw: &str| {
                replace_in(s, PAGE, "by = \"", &format!("by = \"{raw} "))
            }),
        ),
        (
            "section description",
            Box::new(|s: &Site, raw: &str| {
                replace_in(
                    s,
                    "content/ho-tro/_index.md",
                    "+++\n",
                    &format!("+++\ndescription = \"Gọi {raw}\"\n"),
                )
            }),
        ),
        (
            "static text file",
            Box::new(|s: &Site, raw: &str| s.write("static/lien-he.txt", format!("Gọi {raw}\n"))),
        ),
        (
            "static JSON file",
            Box::new(|s: &Site, raw: &str| {
                s.write(
                    "static/lien-he.json",
                    format!("{{\"dien_thoai\": \"{raw}\"}}\n"),
                )
            }),
        ),
    ];
    let samples = [
        ("0912\u{a0}345\u{a0}678", "0912345678"),
        ("CMND 187.654.321", "187654321"),
        ("nguyenvanthu＠gmail.com", "nguyenvanthugmailcom"),
    ];
    for (field, put) in fields {
        let put = std::rc::Rc::new(put);
        for (raw, needle) in samples {
            let put = put.clone();
            v.push(variant(
                "6 personal data",
                format!("{field}: {raw}"),
                Expect::Refuse,
                move |s| put(s, raw),
                move |s, _| leak_in_output(s, needle),
            ));
        }
    }
    // Not personal data: must still build (false positives cost staff a day).
    for (name, text) in [
        ("money with decimals", "Tổng kinh phí 1.000.000,00 đồng."),
        ("money in đồng", "Mức hỗ trợ 1.500.000 đ/tháng."),
        (
            "decision number",
            "Theo Quyết định số 1234/QĐ-UBND ngày 10/6/2026.",
        ),
        ("ISO date", "Ngày 2026-06-10."),
    ] {
        v.push(Variant {
            class: "6 personal data",
            name: format!("not personal: {name}"),
            expect: Expect::RefuseOrClean,
            setup: Box::new(move |s| append_body(s, PAGE, text)),
            run: None,
            wrong: Box::new(|_, out| (!out.status.success()).then(|| "false positive".to_string())),
        });
    }
    v
}

fn approval_gate() -> Vec<Variant> {
    let mut v = Vec::new();
    for (name, by) in [
        ("zero-width space", "\\u200b"),
        ("two zero-width spaces", "\\u200b\\u200b"),
        ("word joiner", "\\u2060"),
        ("no-break space", "\\u00a0"),
        ("right-to-left mark", "\\u200f"),
        ("soft hyphen", "\\u00ad"),
        ("dash", "-"),
        ("dots", "..."),
        ("combining mark alone", "\\u0301"),
    ] {
        v.push(variant(
            "7 approval gate",
            format!("approval by = {name}"),
            Expect::Refuse,
            move |s| {
                set_line(s, PAGE, "by = ", &format!("\"{by}\""));
            },
            |_, _| Some("published with an invisible approval".into()),
        ));
    }
    v.push(variant(
        "7 approval gate",
        "decision = zero-width space",
        Expect::Refuse,
        |s| {
            set_line(s, PAGE, "decision = ", "\"\\u200b\"");
        },
        |_, _| Some("published with an invisible decision".into()),
    ));
    v.push(variant(
        "7 approval gate",
        "list record without its own approval (section approved)",
        Expect::Refuse,
        |s| {
            let p = "content/ho-tro/_index.md";
            let sec = s.read(p);
            s.write(p, with_approval(&sec));
            let t = s.read(LIST_PAGE);
            let start = t.find("[approval]").expect("approval");
            let end = t[start..].find("+++").map(|i| start + i).expect("end");
            s.write(LIST_PAGE, format!("{}{}", &t[..start], &t[end..]));
        },
        |s, _| {
            s.exists("public/ho-tro/danh-sach/index.html")
                .then(|| "list published".into())
        },
    ));
    v.push(variant(
        "7 approval gate",
        "list record listed in exempt",
        Expect::Refuse,
        |s| {
            let cfg = s.read("config.toml");
            s.write(
                "config.toml",
                cfg.replace(
                    "exempt = [\"_index.md\", \"ho-tro/_index.md\"]",
                    "exempt = [\"_index.md\", \"ho-tro/_index.md\", \"ho-tro/danh-sach.md\"]",
                ),
            );
            let t = s.read(LIST_PAGE);
            let start = t.find("[approval]").expect("approval");
            let end = t[start..].find("+++").map(|i| start + i).expect("end");
            s.write(LIST_PAGE, format!("{}{}", &t[..start], &t[end..]));
        },
        |s, _| {
            s.exists("public/ho-tro/danh-sach/index.html")
                .then(|| "list published".into())
        },
    ));
    for (name, path) in [
        ("path = sitemap.xml", "sitemap.xml"),
        ("path = tim-kiem", "tim-kiem"),
        ("path = ho-tro/danh-sach", "ho-tro/danh-sach"),
        ("path = cong-khai/lich-su", "cong-khai/lich-su"),
        ("path = 404.html", "404.html"),
    ] {
        v.push(variant(
            "7 approval gate",
            format!("page path collision: {name}"),
            Expect::Refuse,
            move |s| {
                let t = s.read(PAGE);
                s.write(
                    PAGE,
                    t.replacen("+++\n", &format!("+++\npath = \"{path}\"\n"), 1),
                );
            },
            |_, _| Some("a page silently replaced another output".into()),
        ));
    }
    v.push(variant(
        "7 approval gate",
        "link to an embargoed page",
        Expect::Refuse,
        |s| {
            s.write(
                "content/ho-tro/sap-toi.md",
                format!(
                    "+++\ntitle = \"Sắp công bố\"\npublish_from = 2027-01-01\n{APPROVAL}+++\nNội dung chưa công bố.\n"
                ),
            );
            append_body(s, PAGE, "Xem [danh sách sắp tới](@/ho-tro/sap-toi.md).");
        },
        |s, _| leak_in_output(s, "saptoi"),
    ));
    v
}

fn integrity() -> Vec<Variant> {
    fn verify_after(tamper: impl Fn(&Site) + 'static) -> RunFn {
        Box::new(move |s: &Site| {
            let first = build(s);
            if !first.status.success() {
                return first;
            }
            tamper(s);
            let dir = s.path().join("public");
            run_capped(s, &["verify", &dir.to_string_lossy()])
        })
    }
    let mut v = Vec::new();
    let cases: Vec<(&str, RunFn)> = vec![
        (
            "amount edited on the list page",
            verify_after(|s| {
                let p = "public/ho-tro/danh-sach/index.html";
                let t = s.read(p);
                s.write(p, t.replacen("1.500.000", "9.500.000", 1));
            }),
        ),
        (
            "list page edited and its manifest hash updated",
            verify_after(|s| {
                let p = "public/ho-tro/danh-sach/index.html";
                let before = std::fs::read(s.path().join(p)).unwrap_or_default();
                let t = String::from_utf8_lossy(&before).replacen("1.500.000", "9.500.000", 1);
                s.write(p, &t);
                let old = sha256_hex(&before);
                let new = sha256_hex(t.as_bytes());
                for m in ["public/cong-khai/manifest.json"] {
                    if s.exists(m) {
                        let mt = s.read(m).replace(&old, &new);
                        s.write(m, mt);
                    }
                }
            }),
        ),
        (
            "file added",
            verify_after(|s| s.write("public/ho-tro/them.html", "<p>thêm</p>")),
        ),
        (
            "file removed",
            verify_after(|s| {
                let _ = std::fs::remove_file(s.path().join("public/ho-tro/danh-sach/index.html"));
            }),
        ),
        (
            "symlink added",
            verify_after(|s| {
                let _ = std::os::unix::fs::symlink(
                    "/etc/hostname",
                    s.path().join("public/ho-tro/lien-ket.txt"),
                );
            }),
        ),
        (
            "last history entry deleted, then build",
            Box::new(|s: &Site| {
                let first = build(s);
                if !first.status.success() {
                    return first;
                }
                // A second publication, then its entry is deleted.
                append_body(s, PAGE, "Bổ sung.");
                let second = build(s);
                if !second.status.success() {
                    return second;
                }
                let last = snapshot(&s.path().join("history"))
                    .into_keys()
                    .filter(|k| k.ends_with(".json") && !k.contains('/'))
                    .max();
                if let Some(last) = last {
                    let _ = std::fs::remove_file(s.path().join("history").join(last));
                }
                build(s)
            }),
        ),
        (
            "history/ deleted, then build",
            Box::new(|s: &Site| {
                let first = build(s);
                if !first.status.success() {
                    return first;
                }
                let _ = std::fs::remove_dir_all(s.path().join("history"));
                build(s)
            }),
        ),
    ];
    for (name, run) in cases {
        v.push(Variant {
            class: "8 integrity",
            name: name.into(),
            expect: Expect::Refuse,
            setup: Box::new(|_| {}),
            run: Some(run),
            wrong: Box::new(|_, _| Some("tampering not detected".into())),
        });
    }
    v
}

/// A clear error: exit 1, Vietnamese text naming a source, no staging path, no panic.
fn is_clear(out: &Output) -> bool {
    let err = stderr(out);
    out.status.code() == Some(1)
        && !err.contains("panicked")
        && !err.contains(".congkhai-staging")
        && [
            "content/",
            "data/",
            "config.toml",
            "static/",
            "history",
            "templates/",
            "public",
            "thư mục",
            "--output-dir",
        ]
        .iter()
        .any(|k| err.contains(k))
}

fn crashed(out: &Output) -> bool {
    let err = stderr(out);
    !matches!(out.status.code(), Some(0 | 1)) || err.contains("panicked")
}

#[test]
fn adversarial_pass() {
    let mut all: Vec<Variant> = Vec::new();
    all.extend(output_safety());
    all.extend(sanitising());
    all.extend(nesting());
    all.extend(resource_bombs());
    all.extend(personal_data());
    all.extend(approval_gate());
    all.extend(integrity());

    let mut counts: BTreeMap<&str, BTreeMap<Outcome, usize>> = BTreeMap::new();
    let mut failures = Vec::new();
    for v in &all {
        // <tmp>/site: "..", the root and its folders all stay inside <tmp>.
        let site = Site::nested_fixture("support");
        let first = build(&site);
        assert!(first.status.success(), "fixture builds: {}", stderr(&first));
        (v.setup)(&site);
        let before_out = snapshot(&site.path().join("public"));
        let before_src = sources(&site);
        let out = match &v.run {
            Some(run) => run(&site),
            None => build(&site),
        };
        let outcome = if crashed(&out) {
            failures.push(format!(
                "[{}] {}: crashed ({:?}): {}",
                v.class,
                v.name,
                out.status,
                stderr(&out).chars().take(300).collect::<String>()
            ));
            Outcome::Crashed
        } else if out.status.success() {
            let wrong = if v.expect == Expect::Refuse {
                (v.wrong)(&site, &out).or(Some("published".into()))
            } else {
                (v.wrong)(&site, &out)
            };
            match wrong {
                Some(why) => {
                    failures.push(format!("[{}] {}: published wrong: {why}", v.class, v.name));
                    Outcome::PublishedWrong
                }
                None => Outcome::PublishedClean,
            }
        } else {
            // Refused: nothing lost, sources untouched, message clear.
            let mut problems = Vec::new();
            if v.run.is_none() && snapshot(&site.path().join("public")) != before_out {
                problems.push("previous public/ changed");
            }
            if v.class.starts_with('1') && sources(&site) != before_src {
                problems.push("source files changed");
            }
            if v.class.starts_with('1') && !site.path().join("content").is_dir() {
                problems.push("the site folder is gone");
            }
            if !is_clear(&out) {
                problems.push("message unclear (no source named, or a staging path)");
            }
            if problems.is_empty() {
                Outcome::ClearError
            } else {
                failures.push(format!(
                    "[{}] {}: {}: {}",
                    v.class,
                    v.name,
                    problems.join(", "),
                    stderr(&out).chars().take(300).collect::<String>()
                ));
                if problems
                    .iter()
                    .any(|p| p.contains("changed") || p.contains("gone"))
                {
                    Outcome::PublishedWrong
                } else {
                    Outcome::Crashed
                }
            }
        };
        *counts
            .entry(v.class)
            .or_default()
            .entry(outcome)
            .or_default() += 1;
    }

    println!(
        "| class | tried | clear error | published clean | published wrong | crashed or unclear |"
    );
    println!("|---|---|---|---|---|---|");
    let mut total = [0usize; 5];
    for (class, c) in &counts {
        let get = |o| c.get(&o).copied().unwrap_or(0);
        let row = [
            c.values().sum(),
            get(Outcome::ClearError),
            get(Outcome::PublishedClean),
            get(Outcome::PublishedWrong),
            get(Outcome::Crashed),
        ];
        for (t, r) in total.iter_mut().zip(row) {
            *t += r;
        }
        println!(
            "| {class} | {} | {} | {} | {} | {} |",
            row[0], row[1], row[2], row[3], row[4]
        );
    }
    println!(
        "| all | {} | {} | {} | {} | {} |",
        total[0], total[1], total[2], total[3], total[4]
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
