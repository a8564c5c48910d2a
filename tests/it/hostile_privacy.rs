//! Hostile input, class 6 (personal data): obfuscated ID numbers, phone numbers, e-mail
//! addresses and birth dates typed into every field that reaches an output file. Each
//! must stop the build (exit 1) with a message naming the source file, print the value
//! only masked, never panic, and leave the previous `public/` byte for byte as it was.

use crate::common;
use common::*;

use std::collections::BTreeMap;
use std::path::Path;

const NOW: &str = "2026-11-23";

/// Obfuscated identifiers: (text to type, its normalised digits or address).
const VARIANTS: &[(&str, &str)] = &[
    ("0912 345 678", "0912345678"),
    ("0912\u{a0}345\u{a0}678", "0912345678"),
    ("0912\u{2009}345\u{2009}678", "0912345678"),
    ("0912\u{202f}345\u{202f}678", "0912345678"),
    ("0912\u{2007}345\u{2007}678", "0912345678"),
    ("0912  345  678", "0912345678"),
    ("091/234/5678", "0912345678"),
    ("091_234_5678", "0912345678"),
    ("091–234–5678", "0912345678"),
    ("091—234—5678", "0912345678"),
    ("091.234.5678", "0912345678"),
    ("(091) 234 5678", "0912345678"),
    ("84912345678", "84912345678"),
    ("+84 912 345 678", "84912345678"),
    ("+84912345678", "84912345678"),
    ("0084 912 345 678", "0084912345678"),
    ("ĐT0912345678", "0912345678"),
    ("SĐT:0912345678", "0912345678"),
    ("Zalo 0912345678", "0912345678"),
    ("０９１２３４５６７８", "0912345678"),
    ("٠٩١٢٣٤٥٦٧٨", "0912345678"),
    ("𝟎𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖", "0912345678"),
    ("0912\u{200b}345678", "0912345678"),
    ("CMND 187.654.321", "187654321"),
    ("CMND 187 654 321", "187654321"),
    ("cmnd187654321", "187654321"),
    ("CCCD 001085012345", "001085012345"),
    ("CCCD 001.085.012.345", "001085012345"),
    ("CCCD 0010 8501 2345", "001085012345"),
    ("CCCD ００１０８５０１２３４５", "001085012345"),
    ("an.nguyen@example.com", "an.nguyen"),
    ("an.nguyen＠example.com", "an.nguyen"),
    ("an.nguyen @ example.com", "an.nguyen"),
    ("an.nguyen(at)example.com", "an.nguyen"),
    ("an.nguyen [at] example [dot] com", "an.nguyen"),
    ("an.nguyen a còng example chấm com", "an.nguyen"),
    ("sinh ngày 5 tháng 3 năm 1950", "1950"),
    ("sinh năm 1950", "1950"),
    ("ngày sinh 05/03/50", "050350"),
    ("SN 05.03.1950", "05031950"),
    ("0225 3812 345", "02253812345"),
    ("+84-91-234-5678", "84912345678"),
];

/// A field of the demo portal: (what, file, text to find, replacement with `{v}`).
const FIELDS: &[(&str, &str, &str, &str)] = &[
    (
        "document signer",
        "content/van-ban/ke-hoach-sap-xep-to-dan-pho/index.md",
        "signer = \"Phạm Quang Thái, Chủ tịch UBND phường\"",
        "signer = \"Phạm Quang Thái {v}\"",
    ),
    (
        "document subject",
        "content/van-ban/ke-hoach-sap-xep-to-dan-pho/index.md",
        "subject = \"Triển khai",
        "subject = \"Liên hệ {v}. Triển khai",
    ),
    (
        "approval decision",
        "content/van-ban/ke-hoach-ho-tro-ho-ngheo-2026-2030/index.md",
        "decision = \"Quyết định số 231/QĐ-UBND",
        "decision = \"{v} Quyết định số 231/QĐ-UBND",
    ),
    (
        "attachment title",
        "content/van-ban/ke-hoach-ho-tro-ho-ngheo-2026-2030/index.md",
        "title = \"Kế hoạch số 63/KH-UBND (bản scan",
        "title = \"Kế hoạch số 63/KH-UBND {v} (bản scan",
    ),
    (
        "section description",
        "content/ho-tro/_index.md",
        "description = \"Các chương trình",
        "description = \"Hỏi {v}. Các chương trình",
    ),
    (
        "section title",
        "content/lich-ho-tro/_index.md",
        "title = \"Lịch hỗ trợ thủ tục\"",
        "title = \"Lịch hỗ trợ thủ tục {v}\"",
    ),
    (
        "service-day staff",
        "content/lich-ho-tro/nha-van-hoa.md",
        "staff = \"Chuyên viên",
        "staff = \"{v} Chuyên viên",
    ),
    (
        "service-day address",
        "data/lich-ho-tro/lich.csv",
        "Ngõ 12 đường Bến Sắt",
        "Ngõ 12 đường Bến Sắt {v}",
    ),
    (
        "service-day place",
        "data/lich-ho-tro/lich.csv",
        "Nhà văn hóa Tổ dân phố số 11",
        "Nhà văn hóa Tổ dân phố số 11 {v}",
    ),
    (
        "service catalogue",
        "data/lich-ho-tro/dich-vu.csv",
        "Giấy chứng sinh do cơ sở y tế cấp",
        "Giấy chứng sinh do cơ sở y tế cấp {v}",
    ),
    (
        "timeline task",
        "data/sap-xep-to-dan-pho/tien-do.csv",
        "Ban hành Kế hoạch triển khai",
        "Ban hành Kế hoạch {v} triển khai",
    ),
    (
        "merger plan roles",
        "data/sap-xep-to-dan-pho/phuong-an.csv",
        "M01,Tổ dân phố Hòa An 1,\"TDP01, TDP02\",,,Tổ trưởng;",
        "M01,Tổ dân phố Hòa An 1,\"TDP01, TDP02\",,,Tổ trưởng {v};",
    ),
    (
        "warning summary",
        "content/canh-bao/lam-nhanh-lay-ho-lay-phi.md",
        "summary = \"Không đưa tiền",
        "summary = \"Gọi {v}. Không đưa tiền",
    ),
    (
        "warning pattern",
        "content/canh-bao/lam-nhanh-lay-ho-lay-phi.md",
        "pattern = \"Một số người",
        "pattern = \"{v} Một số người",
    ),
    (
        "warning list item",
        "content/canh-bao/lam-nhanh-lay-ho-lay-phi.md",
        "\"Từ chối, không đưa tiền",
        "\"Từ chối {v}, không đưa tiền",
    ),
    (
        "warning link title",
        "content/canh-bao/lam-nhanh-lay-ho-lay-phi.md",
        "title = \"Cổng Dịch vụ công quốc gia\"",
        "title = \"Cổng Dịch vụ công quốc gia {v}\"",
    ),
    (
        "donation entry",
        "data/ho-tro/an-sinh-ho-tro-da-trao.csv",
        "Sửa mái nhà sau mưa bão",
        "Sửa mái nhà sau mưa bão {v}",
    ),
    (
        "donor",
        "data/ho-tro/an-sinh-nguon-luc.csv",
        "Nhà hảo tâm ẩn danh",
        "Nhà hảo tâm ẩn danh {v}",
    ),
    (
        "page body",
        "content/gioi-thieu.md",
        "",
        "\nLiên hệ bà Lan: {v}\n",
    ),
    (
        "heading id",
        "content/ho-tro/chinh-sach-ho-tro-ho-ngheo.md",
        "",
        "\n## Liên hệ {#lien-he-{v}}\n",
    ),
    (
        "static text file",
        "static/lien-he.txt",
        "",
        "Liên hệ {v}\n",
    ),
    (
        "bundle SVG image",
        "content/van-ban/ke-hoach-sap-xep-to-dan-pho/so-do.svg",
        "",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text x=\"1\" y=\"2\">{v}</text></svg>",
    ),
    (
        "bundle text file",
        "content/van-ban/ke-hoach-sap-xep-to-dan-pho/ghi-chu.txt",
        "",
        "Người liên hệ {v}\n",
    ),
];

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

/// The demo portal, built once into `public/`.
fn built_demo() -> Site {
    let site = Site::demo();
    site.build_ok(NOW);
    site
}

fn copy_site(base: &Site) -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(base.path(), dir.path());
    Site::in_dir(dir)
}

fn plant(site: &Site, file: &str, find: &str, replace: &str) {
    let path = site.path().join(file);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let new = if find.is_empty() {
        format!("{old}{replace}")
    } else {
        assert!(old.contains(find), "{file} has no {find:?}");
        old.replacen(find, replace, 1)
    };
    site.write(file, new);
}

/// Digits of every Unicode script as ASCII (what a reader of the page would read).
fn ascii_digits(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_ascii_digit() {
                return Some(c);
            }
            let u = c as u32;
            [0xff10u32, 0x660, 0x6f0, 0x1d7ce]
                .iter()
                .find(|&&z| (z..z + 10).contains(&u))
                .and_then(|z| char::from_digit(u - z, 10))
        })
        .collect()
}

fn run_cases(cases: std::ops::Range<usize>) {
    let base = built_demo();
    let before = snapshot(&base.path().join("public"));
    let mut failures = Vec::new();
    for i in cases {
        let (variant, key) = VARIANTS[i];
        let (what, file, find, replace) = FIELDS[i % FIELDS.len()];
        let site = copy_site(&base);
        plant(&site, file, find, &replace.replace("{v}", variant));
        if file.ends_with("ghi-chu.txt") {
            // Declared, so it is published as an attachment.
            plant(
                &site,
                "content/van-ban/ke-hoach-sap-xep-to-dan-pho/index.md",
                "[[attachments]]",
                "[[attachments]]\nfile = \"ghi-chu.txt\"\ntitle = \"Ghi chú\"\n\n[[attachments]]",
            );
        }
        let out = site.run(&["build", "--now", NOW]);
        let err = stderr(&out);
        let label = format!("#{i} {what} ← {variant:?}");
        if out.status.code() != Some(1) {
            failures.push(format!("{label}: exit {:?}\n{err}", out.status.code()));
            continue;
        }
        if err.contains("panicked") {
            failures.push(format!("{label}: panic\n{err}"));
        }
        if !err.contains(file) {
            failures.push(format!("{label}: message does not name {file}\n{err}"));
        }
        let key_digits = ascii_digits(key);
        let digits_shown = key_digits.len() > 6 && ascii_digits(&err).contains(&key_digits);
        if err.contains(variant) || digits_shown {
            failures.push(format!("{label}: value printed unmasked\n{err}"));
        }
        if key.starts_with("an.") && err.contains("nguyen") {
            failures.push(format!("{label}: address printed unmasked\n{err}"));
        }
        if snapshot(&site.path().join("public")) != before {
            failures.push(format!("{label}: public/ changed"));
        }
        let leftovers: Vec<String> = std::fs::read_dir(site.path())
            .expect("site dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".congkhai-staging"))
            .collect();
        if !leftovers.is_empty() {
            failures.push(format!("{label}: staging left behind: {leftovers:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn identifiers_in_every_field_stop_the_build_part_1() {
    run_cases(0..VARIANTS.len() / 2);
}

#[test]
fn identifiers_in_every_field_stop_the_build_part_2() {
    run_cases(VARIANTS.len() / 2..VARIANTS.len());
}

#[test]
fn every_field_is_covered_at_least_once() {
    assert!(VARIANTS.len() >= 40);
    assert!(VARIANTS.len() >= FIELDS.len() && FIELDS.len() >= 15);
}

/// A template that reads a beneficiary list with `load_data` never sees its private
/// columns: the build succeeds and the headers and values are absent from every file.
#[test]
fn load_data_cannot_reach_private_columns() {
    let site = Site::fixture("support");
    site.write(
        "templates/doc-danh-sach.html",
        "{% extends \"page.html\" %}{% block content %}{% set d = load_data(path=\"data/ho-tro/danh-sach.csv\") %}<table><tr>{% for h in d.headers %}<th>{{ h }}</th>{% endfor %}</tr>{% for r in d.records %}<tr>{% for c in r %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>{% endblock content %}",
    );
    site.write(
        "content/ho-tro/doc-danh-sach.md",
        format!(
            "+++\ntitle = \"Đọc danh sách\"\ntemplate = \"doc-danh-sach.html\"\n{APPROVAL}+++\n"
        ),
    );
    // A real identifier in a private column: without the protection the template would
    // publish it (or the output scan would stop the build).
    let csv = site
        .read("data/ho-tro/danh-sach.csv")
        .replace("RIENGTU-CCCD-11", "001085012345")
        .replace("RIENGTU-SDT-11", "0912345678");
    site.write("data/ho-tro/danh-sach.csv", csv);
    site.build_ok(NOW);
    let doc = site.html("public/ho-tro/doc-danh-sach/index.html");
    let headers = texts(&doc, "th");
    assert!(headers.iter().any(|h| h == "Họ và tên"), "{headers:?}");
    assert!(
        !headers
            .iter()
            .any(|h| h.contains("CCCD") || h.contains("Điện thoại"))
    );
    for f in site.output_files() {
        let text = String::from_utf8_lossy(
            &std::fs::read(site.path().join("public").join(&f)).unwrap_or_default(),
        )
        .into_owned();
        for secret in ["001085012345", "0912345678", "RIENGTU"] {
            assert!(!text.contains(secret), "{secret} in {}", f.display());
        }
    }
}

/// The ward's own contacts (config `[ward]`, `[privacy] allow_values`) may appear in any
/// spelling; the demo portal builds without a false positive.
#[test]
fn ward_contacts_in_any_spelling_are_allowed() {
    let site = Site::demo();
    let config = site.read("config.toml").replacen(
        "allow_values = [",
        "allow_values = [\"0912 345 678\", \"hotline@hoaan.example.vn\", ",
        1,
    );
    assert!(config.contains("hotline@"));
    site.write("config.toml", config);
    plant(
        &site,
        "content/gioi-thieu.md",
        "",
        "\nĐường dây nóng: (091) 234.5678, +84 912 345 678, hotline＠hoaan.example.vn\n",
    );
    site.build_ok(NOW);
}
