//! Hostile data files and broken front matter (issue 12, classes 4 and 10): every one
//! must end in exit code 1 with a Vietnamese message naming the file (and the limit it
//! broke), no panic, no abort, no staging path in the message, the previous `public/`
//! byte-for-byte as it was — and the binary runs under a 1 GiB address-space limit
//! (`prlimit --as`), so a decompression or allocation bomb fails the test instead of
//! eating the machine.
use crate::common;
use common::*;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const NOW: &str = "2026-11-23";
/// The beneficiary list page of the demo portal, whose `list = "…"` each case redirects.
const LIST_PAGE: &str = "content/ho-tro/danh-sach-ho-tro-thu-nhap-2026.md";
const LIST_LINE: &str = "list = \"data/ho-tro/danh-sach-ho-tro-thu-nhap-2026.csv\"";
/// Address-space limit for the binary: a bomb must fail inside it, with a message.
const AS_LIMIT: &str = "1073741824";

/// `congkhai --root SITE build --now NOW` under `prlimit --as`, killed (and the test
/// failed) only if it hangs far beyond any sane build. Returns (exit code, stderr).
fn bounded_build(site: &Site) -> (Option<i32>, String) {
    // CONGKHAI_BIN runs the same cases against another binary (e.g. an older build, to
    // see that these tests fail without the limits).
    let bin = std::env::var_os("CONGKHAI_BIN").map_or_else(
        || assert_cmd::cargo::cargo_bin("congkhai"),
        std::path::PathBuf::from,
    );
    let prlimit = Path::new("/usr/bin/prlimit");
    let mut cmd = if prlimit.exists() {
        let mut c = Command::new(prlimit);
        c.arg(format!("--as={AS_LIMIT}")).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let mut child = cmd
        .arg("--root")
        .arg(site.path())
        .args(["build", "--now", NOW])
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn congkhai");
    let mut stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    // A guard against a hung child, not a timing assertion: 300 s is far beyond any
    // build of the demo portal, even on a loaded debug machine.
    let mut waited = 0;
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if waited >= 3000 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("congkhai hung and had to be killed");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        waited += 1;
    };
    (status.code(), reader.join().unwrap_or_default())
}

/// Common checks on a failed build's stderr.
fn assert_clean_failure(name: &str, code: Option<i32>, err: &str, names: &str, says: &[&str]) {
    assert_eq!(
        code,
        Some(1),
        "{name}: exit code 1 (not a crash or abort); stderr:\n{err}"
    );
    for bad in [
        "panicked",
        "memory allocation",
        "stack overflow",
        "Aborted",
        ".congkhai-staging",
    ] {
        assert!(
            !err.contains(bad),
            "{name}: stderr contains {bad:?}:\n{err}"
        );
    }
    assert!(
        err.contains(names),
        "{name}: stderr must name {names}:\n{err}"
    );
    assert!(
        err.contains("cách sửa:"),
        "{name}: a hint how to fix:\n{err}"
    );
    for s in says {
        assert!(err.contains(s), "{name}: stderr must say {s:?}:\n{err}");
    }
}

// ---- building hostile files ------------------------------------------------------

/// Writes one part of a zip file.
type PartWriter<'a> = &'a dyn Fn(&mut dyn Write);

fn zip_file(parts: &[(&str, PartWriter)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, write) in parts {
        let method = if *name == "mimetype" {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(*name, opts).expect("zip part");
        write(&mut w);
    }
    w.finish().expect("zip").into_inner()
}

const XLSX_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const XLSX_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const XLSX_WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const XLSX_WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const HEADER_ROW: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên</t></is></c><c r="B1" t="inlineStr"><is><t>Số tiền</t></is></c></row>"#;

/// An XLSX written by hand: `rows` is the `<sheetData>` content (streamed by `rows`),
/// `shared` the shared-strings part.
fn xlsx(
    dimension: &str,
    rows: &dyn Fn(&mut dyn Write),
    shared: &dyn Fn(&mut dyn Write),
) -> Vec<u8> {
    let sheet = |w: &mut dyn Write| {
        write!(
            w,
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>"#
        )
        .expect("w");
        rows(w);
        w.write_all(b"</sheetData></worksheet>").expect("w");
    };
    let text = |s: &'static str| move |w: &mut dyn Write| w.write_all(s.as_bytes()).expect("w");
    zip_file(&[
        ("[Content_Types].xml", &text(XLSX_TYPES)),
        ("_rels/.rels", &text(XLSX_RELS)),
        ("xl/workbook.xml", &text(XLSX_WORKBOOK)),
        ("xl/_rels/workbook.xml.rels", &text(XLSX_WORKBOOK_RELS)),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/sheet1.xml", &sheet),
    ])
}

fn no_shared(w: &mut dyn Write) {
    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#)
        .expect("w");
}

/// Header row plus `extra` raw XML rows.
fn xlsx_rows(extra: String) -> Vec<u8> {
    xlsx(
        "A1:B2",
        &move |w: &mut dyn Write| {
            w.write_all(HEADER_ROW.as_bytes()).expect("w");
            w.write_all(extra.as_bytes()).expect("w");
        },
        &no_shared,
    )
}

fn ods(rows: &dyn Fn(&mut dyn Write)) -> Vec<u8> {
    let content = |w: &mut dyn Write| {
        w.write_all(r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Danh sách"><table:table-row><table:table-cell office:value-type="string"><text:p>Họ và tên</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>Số tiền</text:p></table:table-cell></table:table-row>"#.as_bytes()).expect("w");
        rows(w);
        w.write_all(b"</table:table></office:spreadsheet></office:body></office:document-content>")
            .expect("w");
    };
    let mimetype = |w: &mut dyn Write| {
        w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .expect("w")
    };
    let manifest = |w: &mut dyn Write| {
        w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).expect("w")
    };
    zip_file(&[
        ("mimetype", &mimetype),
        ("META-INF/manifest.xml", &manifest),
        ("content.xml", &content),
    ])
}

fn ods_value_cell(attrs: &str, text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string" {attrs}><text:p>{text}</text:p></table:table-cell>"#
    )
}

fn csv_header_then(rows: impl FnOnce(&mut String)) -> Vec<u8> {
    let mut s = String::from("Họ và tên,Số tiền\n");
    rows(&mut s);
    s.into_bytes()
}

fn deep(open: &str, close: &str, depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

struct Case {
    name: &'static str,
    /// Extension of the hostile table file.
    ext: &'static str,
    bytes: fn() -> Vec<u8>,
    /// What the message must say besides the file name (the limit).
    says: &'static [&'static str],
}

const CASES: &[Case] = &[
    // --- XLSX ---
    Case {
        name: "xlsx: one cell at XFD1048576 (17 GB as a dense range)",
        ext: "xlsx",
        bytes: || {
            xlsx_rows(
                r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#
                    .into(),
            )
        },
        says: &["XFD1048576", "200.000 dòng"],
    },
    Case {
        name: "xlsx: lying dimension A1:XFD1048576, cell far right",
        ext: "xlsx",
        bytes: || {
            xlsx(
                "A1:XFD1048576",
                &|w: &mut dyn Write| {
                    w.write_all(HEADER_ROW.as_bytes()).expect("w");
                    w.write_all(br#"<row r="2"><c r="XFD2"><v>1</v></c></row>"#)
                        .expect("w");
                },
                &no_shared,
            )
        },
        says: &["XFD2", "256 cột", "xóa các ô thừa ngoài bảng ở ô XFD2"],
    },
    Case {
        name: "xlsx: cell at A1048576",
        ext: "xlsx",
        bytes: || xlsx_rows(r#"<row r="1048576"><c r="A1048576"><v>1</v></c></row>"#.into()),
        says: &["A1048576", "200.000 dòng"],
    },
    Case {
        name: "xlsx: 300 columns in the header row",
        ext: "xlsx",
        bytes: || {
            let mut row = String::from(r#"<row r="2">"#);
            for c in 1..=300u32 {
                row.push_str(&format!(r#"<c r="{}2"><v>{c}</v></c>"#, col_name(c)));
            }
            row.push_str("</row>");
            xlsx_rows(row)
        },
        says: &["256 cột", "IW2"],
    },
    Case {
        name: "xlsx: an inline cell of 40,000 characters",
        ext: "xlsx",
        bytes: || {
            xlsx_rows(format!(
                r#"<row r="2"><c r="A2" t="inlineStr"><is><t>{}</t></is></c></row>"#,
                "ă".repeat(40_000)
            ))
        },
        says: &["A2", "32.767 ký tự"],
    },
    Case {
        name: "xlsx: a 110 MB shared string (inflates past the part limit)",
        ext: "xlsx",
        bytes: || {
            xlsx(
                "A1:B2",
                &|w: &mut dyn Write| {
                    w.write_all(HEADER_ROW.as_bytes()).expect("w");
                    w.write_all(br#"<row r="2"><c r="A2" t="s"><v>0</v></c></row>"#)
                        .expect("w");
                },
                &|w: &mut dyn Write| {
                    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#).expect("w");
                    let chunk = vec![b'a'; 1 << 20];
                    for _ in 0..110 {
                        w.write_all(&chunk).expect("w");
                    }
                    w.write_all(b"</t></si></sst>").expect("w");
                },
            )
        },
        says: &["xl/sharedStrings.xml", "100 MB"],
    },
    Case {
        name: "xlsx: 210 MB over several parts (total limit)",
        ext: "xlsx",
        bytes: || {
            let filler = |w: &mut dyn Write| {
                let chunk = vec![b' '; 1 << 20];
                for _ in 0..70 {
                    w.write_all(&chunk).expect("w");
                }
            };
            let text =
                |s: &'static str| move |w: &mut dyn Write| w.write_all(s.as_bytes()).expect("w");
            zip_file(&[
                ("[Content_Types].xml", &text(XLSX_TYPES)),
                ("_rels/.rels", &text(XLSX_RELS)),
                ("xl/workbook.xml", &text(XLSX_WORKBOOK)),
                ("xl/media/a.bin", &filler),
                ("xl/media/b.bin", &filler),
                ("xl/media/c.bin", &filler),
            ])
        },
        says: &["200 MB"],
    },
    Case {
        name: "xlsx: shared strings claim four billion entries",
        ext: "xlsx",
        bytes: || {
            xlsx(
                "A1:B2",
                &|w: &mut dyn Write| w.write_all(HEADER_ROW.as_bytes()).expect("w"),
                &|w: &mut dyn Write| {
                    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>a</t></si></sst>"#).expect("w")
                },
            )
        },
        says: &["4000000000", "bị hỏng"],
    },
    Case {
        name: "xlsx: 20,000 parts in the zip",
        ext: "xlsx",
        bytes: || {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            for i in 0..20_000 {
                w.start_file(format!("x/{i}"), zip::write::SimpleFileOptions::default())
                    .expect("zip");
            }
            w.finish().expect("zip").into_inner()
        },
        says: &["quá nhiều phần", "10000"],
    },
    // --- ODS ---
    Case {
        name: "ods: a value repeated over 16,384 columns",
        ext: "ods",
        bytes: || {
            let cell = ods_value_cell(r#"table:number-columns-repeated="16384""#, "x");
            ods(&move |w: &mut dyn Write| {
                write!(w, "<table:table-row>{cell}</table:table-row>").expect("w")
            })
        },
        says: &["256 cột"],
    },
    Case {
        name: "ods: a row with a value repeated 1,048,000 times",
        ext: "ods",
        bytes: || {
            let cell = ods_value_cell("", "x");
            ods(&move |w: &mut dyn Write| {
                write!(
                    w,
                    r#"<table:table-row table:number-rows-repeated="1048000">{cell}</table:table-row>"#
                )
                .expect("w")
            })
        },
        says: &["200.000 dòng"],
    },
    Case {
        name: "ods: a run of two billion spaces in one cell",
        ext: "ods",
        bytes: || {
            ods(&|w: &mut dyn Write| {
                w.write_all(br#"<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>b</text:p></table:table-cell></table:table-row>"#).expect("w")
            })
        },
        says: &["32.767 ký tự"],
    },
    Case {
        name: "ods: 40,000 rows × 200 columns by repetition",
        ext: "ods",
        bytes: || {
            let cell = ods_value_cell(r#"table:number-columns-repeated="200""#, "x");
            ods(&move |w: &mut dyn Write| {
                write!(
                    w,
                    r#"<table:table-row table:number-rows-repeated="40000">{cell}</table:table-row>"#
                )
                .expect("w")
            })
        },
        says: &["5.000.000 ô"],
    },
    // --- CSV ---
    Case {
        name: "csv: a header of 1,000,000 columns",
        ext: "csv",
        bytes: || {
            let mut s = String::from("Họ và tên,Số tiền");
            for i in 0..1_000_000 {
                s.push_str(&format!(",c{i}"));
            }
            s.push('\n');
            s.into_bytes()
        },
        says: &["256 cột", "dòng 1"],
    },
    Case {
        name: "csv: 250,000 rows",
        ext: "csv",
        bytes: || {
            csv_header_then(|s| {
                for i in 0..250_000 {
                    s.push_str(&format!("Nguyễn Văn {i},1\n"));
                }
            })
        },
        says: &["200.000 dòng"],
    },
    Case {
        name: "csv: an unclosed quote swallowing 100,000 characters",
        ext: "csv",
        bytes: || {
            csv_header_then(|s| {
                s.push_str("\"Nguyễn Văn A,1\n");
                for _ in 0..10_000 {
                    s.push_str("Trần Thị B,2\n");
                }
            })
        },
        says: &["32.767 ký tự", "ngoặc kép"],
    },
    Case {
        name: "csv: 30,000 rows × 200 columns (6 million cells)",
        ext: "csv",
        bytes: || {
            let row = format!("Họ và tên,Số tiền{}\n", ",x".repeat(198));
            let mut s = row.clone();
            let data = format!("A,1{}\n", ",x".repeat(198));
            for _ in 0..30_000 {
                s.push_str(&data);
            }
            s.into_bytes()
        },
        says: &["5.000.000 ô"],
    },
    Case {
        name: "csv: a 70 MB file",
        ext: "csv",
        bytes: || {
            csv_header_then(|s| {
                let line = format!("{},1\n", "a".repeat(1000));
                while s.len() < 70 << 20 {
                    s.push_str(&line);
                }
            })
        },
        says: &["quá lớn", "64 MB"],
    },
    // --- JSON (array of objects) ---
    Case {
        name: "json: one object with 1,000,000 keys",
        ext: "json",
        bytes: || {
            let mut s = String::from("[{\"Họ và tên\": \"A\"");
            for i in 0..1_000_000 {
                s.push_str(&format!(",\"k{i}\":1"));
            }
            s.push_str("}]");
            s.into_bytes()
        },
        says: &["256 cột"],
    },
    Case {
        name: "json: 250,000 records",
        ext: "json",
        bytes: || {
            let mut s = String::from("[");
            for i in 0..250_000 {
                s.push_str(&format!("{{\"Họ và tên\":\"A{i}\",\"Số tiền\":1}},"));
            }
            s.push_str("{\"Họ và tên\":\"Z\"}]");
            s.into_bytes()
        },
        says: &["200.000 dòng"],
    },
    Case {
        name: "json: arrays nested 10,000 deep",
        ext: "json",
        bytes: || format!("[{{\"Họ và tên\": {}}}]", deep("[", "]", 10_000, "1")).into_bytes(),
        says: &["JSON"],
    },
    Case {
        name: "json: a value of 40,000 characters",
        ext: "json",
        bytes: || format!("[{{\"Họ và tên\": \"{}\"}}]", "ê".repeat(40_000)).into_bytes(),
        says: &["32.767 ký tự"],
    },
    // --- TOML (array of tables) ---
    Case {
        name: "toml: arrays nested 10,000 deep",
        ext: "toml",
        bytes: || format!("[[ho]]\n\"Họ và tên\" = {}\n", deep("[", "]", 10_000, "1")).into_bytes(),
        says: &["TOML"],
    },
    Case {
        name: "toml: inline tables nested 10,000 deep",
        ext: "toml",
        bytes: || {
            format!(
                "[[ho]]\n\"Họ và tên\" = {}\n",
                deep("{a=", "}", 10_000, "1")
            )
            .into_bytes()
        },
        says: &["TOML"],
    },
    Case {
        name: "toml: a dotted key 10,000 deep",
        ext: "toml",
        bytes: || format!("[[ho]]\n{} = 1\n", vec!["a"; 10_000].join(".")).into_bytes(),
        says: &[],
    },
    Case {
        name: "toml: a record with 300 keys",
        ext: "toml",
        bytes: || {
            let mut s = String::from("[[ho]]\n\"Họ và tên\" = \"A\"\n");
            for i in 0..300 {
                s.push_str(&format!("k{i} = 1\n"));
            }
            s.into_bytes()
        },
        says: &["256 cột"],
    },
];

/// Excel column letters.
fn col_name(mut c: u32) -> String {
    let mut out = Vec::new();
    while c > 0 {
        out.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}

#[test]
fn hostile_tables_fail_cleanly_within_bounds() {
    let site = Site::demo();
    site.build_ok(NOW);
    let before = hash_tree(&site.path().join("public"));
    let page = site.read(LIST_PAGE);
    assert!(page.contains(LIST_LINE), "the demo list page names its CSV");
    let mut failures = Vec::new();
    for case in CASES {
        let rel = format!("data/ho-tro/hostile.{}", case.ext);
        site.write(&rel, (case.bytes)());
        site.write(
            LIST_PAGE,
            page.replace(LIST_LINE, &format!("list = \"{rel}\"")),
        );
        let (code, err) = bounded_build(&site);
        let result = std::panic::catch_unwind(|| {
            assert_clean_failure(case.name, code, &err, &rel, case.says);
        });
        if result.is_err() {
            failures.push(case.name);
        } else if hash_tree(&site.path().join("public")) != before {
            eprintln!("{}: public/ changed", case.name);
            failures.push(case.name);
        }
        std::fs::remove_file(site.path().join(&rel)).expect("remove");
    }
    assert!(failures.is_empty(), "failed cases: {failures:#?}");
    assert!(CASES.len() >= 20);
}

/// The page template with a `load_data` call at the start of its content block.
fn with_load_data(template: &str, path: &str) -> String {
    let block = "{% block content %}";
    assert!(
        template.contains(block),
        "page template has a content block"
    );
    template.replacen(
        block,
        &format!("{block}{{% set d = load_data(path=\"{path}\") %}}"),
        1,
    )
}

#[test]
fn hostile_load_data_and_content_files_fail_cleanly() {
    type Setup = fn(&Site) -> String;
    let cases: &[(&str, Setup, &[&str])] = &[
        (
            "load_data: JSON nested 10,000 deep",
            |s| {
                s.write("data/sau.json", deep("[", "]", 10_000, "1"));
                s.write(
                    "templates/page.html",
                    with_load_data(&s.read("templates/page.html"), "data/sau.json"),
                );
                "data/sau.json".into()
            },
            &["JSON"],
        ),
        (
            "load_data: TOML nested 10,000 deep",
            |s| {
                s.write(
                    "data/sau.toml",
                    format!("a = {}\n", deep("[", "]", 10_000, "1")),
                );
                s.write(
                    "templates/page.html",
                    with_load_data(&s.read("templates/page.html"), "data/sau.toml"),
                );
                "data/sau.toml".into()
            },
            &["TOML"],
        ),
        (
            "load_data: a 70 MB text file",
            |s| {
                s.write("data/lon.txt", vec![b'a'; 70 << 20]);
                s.write(
                    "templates/page.html",
                    with_load_data(&s.read("templates/page.html"), "data/lon.txt"),
                );
                "data/lon.txt".into()
            },
            &["64 MB"],
        ),
        (
            "markdown: an 11 MB page",
            |s| {
                let mut body = String::from("+++\ntitle = \"Lớn\"\n+++\n");
                let para = "Một đoạn văn bản dài. ".repeat(40) + "\n\n";
                while body.len() < 11 << 20 {
                    body.push_str(&para);
                }
                s.write("content/gioi-thieu-lon.md", body);
                "content/gioi-thieu-lon.md".into()
            },
            &["10 MB"],
        ),
        (
            "markdown: an 11 MB front matter",
            |s| {
                s.write(
                    "content/gioi-thieu-lon.md",
                    format!("+++\ntitle = \"{}\"\n+++\nx\n", "a".repeat(11 << 20)),
                );
                "content/gioi-thieu-lon.md".into()
            },
            &["10 MB"],
        ),
    ];
    let site = Site::demo();
    site.build_ok(NOW);
    let before = hash_tree(&site.path().join("public"));
    if !site.exists("templates/page.html") {
        // The demo uses the theme's page template; start from a copy of it.
        let theme = site.read("themes/congkhai/templates/page.html");
        site.write("templates/page.html", theme);
    }
    let base_page = site.read("templates/page.html");
    for (name, setup, says) in cases {
        site.write("templates/page.html", &base_page);
        let names = setup(&site);
        let (code, err) = bounded_build(&site);
        assert_clean_failure(name, code, &err, &names, says);
        assert_eq!(
            hash_tree(&site.path().join("public")),
            before,
            "{name}: public/ must be byte-for-byte as before"
        );
        for f in [
            "data/sau.json",
            "data/sau.toml",
            "data/lon.txt",
            "content/gioi-thieu-lon.md",
        ] {
            let _ = std::fs::remove_file(site.path().join(f));
        }
    }
}

/// Broken front matter: the message points at the exact line (and column) of the
/// offending key or value in the file, never at line 1 by default.
#[test]
fn front_matter_errors_point_at_the_line() {
    const PAGE: &str = "content/van-ban/loi.md";
    let cases: &[(&str, &str, &str)] = &[
        (
            "+++\ntitle = \"A\"\ntitel = \"B\"\n+++\nx\n",
            ":3:1",
            "titel",
        ),
        (
            "+++\ntitle = \"A\"\ndate = 2026-06-01\n\n  publish_untill = 2026-12-31\n+++\nx\n",
            ":5:3",
            "publish_untill",
        ),
        (
            "+++\ntitle = \"t\"\n\"tags\" = [\"a\"]\n+++\nx\n",
            ":3:1",
            "tags",
        ),
        (
            "+++\ntitle = \"A\"\n[approval]\nby = \"Trần Văn Mẫu\"\nrole = \"Chủ tịch\"\nngay = 2026-06-01\n+++\nx\n",
            ":6:1",
            "ngay",
        ),
        (
            "+++\ntitle = \"A\"\napproval.by = \"X\"\napproval.decison = \"Q\"\n+++\nx\n",
            ":4:10",
            "decison",
        ),
        (
            "+++\ntitle = \"A\"\n[[attachments]]\nfile = \"a.pdf\"\ntile = \"Tờ trình\"\n+++\nx\n",
            ":5:1",
            "tile",
        ),
        (
            "+++\ntitle = \"A\"\n[[attachments]]\nfile = \"a.pdf\"\n[attachments.approval]\nby = \"X\"\nquyet_dinh = \"Q\"\n+++\nx\n",
            ":7:1",
            "quyet_dinh",
        ),
        (
            "+++\ntitle = \"A\"\n[extra]\nx = 1\n[approvel]\nby = \"X\"\n+++\nx\n",
            ":5:2",
            "approvel",
        ),
        (
            "+++\ntitle = \"A\"\n\n\nweight = \"nặng\"\n+++\nx\n",
            ":5:",
            "weight",
        ),
        (
            "+++\ntitle = \"A\"\ndate = 2026-13-45\n+++\nx\n",
            ":3:",
            "TOML",
        ),
        (
            "\u{feff}+++\r\ntitle = \"A\"\r\n\r\nslugg = \"a\"\r\n+++\r\nx\r\n",
            ":4:1",
            "slugg",
        ),
    ];
    let site = Site::demo();
    for (raw, at, says) in cases {
        site.write(PAGE, raw);
        let err = site.build_err(NOW);
        let want = format!("{PAGE}{at}");
        assert!(err.contains(&want), "{raw:?}: want {want} in:\n{err}");
        assert!(err.contains(says), "{raw:?}: want {says:?} in:\n{err}");
        assert!(
            !err.contains(&format!("{PAGE}:1:")) && !err.contains(&format!("{PAGE}:1 ")),
            "{raw:?}: not line 1:\n{err}"
        );
    }
}

/// A page asking for a template that does not exist: the message names the template,
/// the page, and the closest existing templates.
#[test]
fn unknown_template_names_page_and_suggestions() {
    let site = Site::demo();
    site.write(
        "content/van-ban/mau.md",
        "+++\ntitle = \"Mẫu\"\ntemplate = \"pgae.html\"\n[approval]\nby = \"Trần Văn Mẫu\"\nrole = \"Chủ tịch UBND phường\"\ndecision = \"Quyết định số 1/QĐ-UBND\"\ndate = 2026-06-01\n+++\nx\n",
    );
    let err = site.build_err(NOW);
    assert!(err.contains("content/van-ban/mau.md"), "{err}");
    assert!(err.contains("\u{201c}pgae.html\u{201d}"), "{err}");
    assert!(err.contains("các mẫu có tên gần nhất:"), "{err}");
    assert!(err.contains("\u{201c}page.html\u{201d}"), "{err}");
}

/// Errors while writing the output name the source page, never the staging folder.
#[test]
fn write_errors_name_the_source_not_the_staging_folder() {
    let cases: &[(&str, String)] = &[
        ("a 300-byte path", format!("path = \"{}\"", "a".repeat(300))),
        (
            "a 300-byte nested path",
            format!("path = \"tin/{}/x\"", "b".repeat(300)),
        ),
    ];
    for (name, line) in cases {
        let site = Site::demo();
        site.write(
            "content/van-ban/dai.md",
            format!("+++\ntitle = \"Dài\"\n{line}\n{APPROVAL}+++\nx\n"),
        );
        let out = site.run(&["build", "--now", NOW]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(!err.contains(".congkhai-staging"), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(err.contains("content/van-ban/dai.md"), "{name}: {err}");
    }
}
