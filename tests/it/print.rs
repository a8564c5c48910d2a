//! Printed postings (issue 14): the demo's list print view and posters read as official
//! postings (Decree 30/2020 head, approving decision's number and date, signature block),
//! the list's sheets are numbered "Trang k/n" and each carries the QR code and the
//! SHA-256; a `--drafts` preview marks every page, every poster and every printed sheet,
//! and a normal build marks none. The browser suite (tests/e2e) prints them to PDF.

use scraper::{Html, Selector};

use crate::common::{Site, sha256_hex, stderr, texts};

const NOW: &str = "2026-11-23";
const LIST: &str = "ho-tro/danh-sach-ho-tro-thu-nhap-2026";
const DRAFT: &str = "BẢN NHÁP – CHƯA PHÊ DUYỆT";

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

/// The poster pages of a build (`…/in/` of warnings, `…/in-YYYY-MM/` of service days).
fn posters(site: &Site, out: &str) -> Vec<String> {
    let base = site.path().join(out);
    let mut v: Vec<String> = walkdir::WalkDir::new(&base)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            e.path()
                .strip_prefix(site.path())
                .expect("prefix")
                .display()
                .to_string()
        })
        .filter(|p| {
            std::fs::read_to_string(site.path().join(p)).is_ok_and(|h| h.contains("poster-page"))
        })
        .collect();
    v.sort();
    v
}

fn official_head_of(doc: &Html) -> String {
    texts(doc, ".official-head").join(" ")
}

#[test]
fn list_print_view_is_an_official_posting_numbered_sheet_by_sheet() {
    let site = Site::demo();
    site.preview_ok(NOW);
    let csv = std::fs::read(site.path().join(format!("public/{LIST}/danh-sach.csv"))).unwrap();
    let sha = sha256_hex(&csv);
    let doc = site.html(&format!("public/{LIST}/in/index.html"));

    // Official head on the first sheet only: issuing body, number, motto, place and date
    // (Decree 30/2020: "ngày 05 tháng 11 năm 2026").
    let sheets: Vec<_> = doc.select(&sel("section.sheet")).collect();
    let n = sheets.len();
    assert!(
        (2..=10).contains(&n),
        "300 rows print on {n} sheets (at most 10)"
    );
    let head = official_head_of(&doc);
    for want in [
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG HÒA AN",
        "Số: 415/QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hòa An, ngày 05 tháng 11 năm 2026",
    ] {
        assert!(head.contains(want), "official head lacks {want:?}: {head}");
    }
    assert_eq!(doc.select(&sel(".official-head")).count(), 1);
    assert!(
        sheets[0].select(&sel(".official-head")).next().is_some(),
        "the head is on sheet 1"
    );
    let decision = texts(&doc, ".print-sheet__decision").join(" ");
    assert!(
        decision.contains("Quyết định số 415/QĐ-UBND ngày 05/11/2026"),
        "{decision}"
    );

    // Every sheet: "Trang k/n" in order (head and foot), the QR code, the CSV's SHA-256;
    // its rows continue the previous sheet's.
    let mut next_no = 1u64;
    for (k, s) in sheets.iter().enumerate() {
        let page = format!("Trang {}/{n}", k + 1);
        let run: String = s
            .select(&sel(".sheet__page"))
            .flat_map(|e| e.text())
            .collect();
        assert_eq!(run, page);
        let foot: String = s
            .select(&sel(".sheet__foot"))
            .flat_map(|e| e.text())
            .collect();
        assert!(foot.contains(&page), "sheet {}: foot {foot:?}", k + 1);
        assert!(
            s.select(&sel(".sheet__qr svg")).next().is_some(),
            "sheet {} has a QR code",
            k + 1
        );
        let hash: String = s
            .select(&sel(".sheet__foot .hash"))
            .flat_map(|e| e.text())
            .collect();
        assert_eq!(hash, sha, "sheet {} carries the CSV's SHA-256", k + 1);
        for row in s.select(&sel(".sheet__table tbody tr")) {
            let no: String = row
                .select(&sel("td"))
                .next()
                .map(|c| c.text().collect())
                .unwrap_or_default();
            assert_eq!(no.trim().parse::<u64>().ok(), Some(next_no));
            next_no += 1;
        }
        // The signature block and totals only on the last sheet.
        let has_sig = s.select(&sel(".signature")).next().is_some();
        assert_eq!(has_sig, k + 1 == n, "signature on sheet {}", k + 1);
        assert!(
            s.select(&sel(".draft-mark")).next().is_none(),
            "no draft mark in a real build"
        );
    }
    assert_eq!(next_no, 301, "all 300 rows printed once, in order");
    // The QR code is drawn in full once and reused by the other sheets.
    let qr_uses = doc.select(&sel(".sheet__qr svg use")).count();
    assert_eq!(qr_uses, n - 1);
    assert_eq!(doc.select(&sel("#ma-qr")).count(), 1);

    let role = texts(&doc, ".signature__role").join(" ");
    let name = texts(&doc, ".signature__name").join(" ");
    assert_eq!(role, "CHỦ TỊCH UBND PHƯỜNG");
    assert_eq!(name, "Phạm Quang Thái");
    // Shared values are printed once above the table instead of in 300 rows.
    let shared = texts(&doc, ".print-shared").join(" ");
    assert!(shared.contains("Nội dung hỗ trợ"), "{shared}");
    // No web chrome inside the sheets; the print button is outside them.
    assert!(
        doc.select(&sel(".sheet nav, .sheet .site-header"))
            .next()
            .is_none()
    );
    assert!(doc.select(&sel("button[data-print]")).next().is_some());
    assert!(doc.select(&sel(".sheet button")).next().is_none());
    assert!(!doc.html().contains(DRAFT));

    // A group's print view: its own sheets, head and signature.
    let g = site.html(&format!("public/{LIST}/to-dan-pho-so-1/in/index.html"));
    let gs = texts(&g, ".sheet__page");
    assert!(!gs.is_empty());
    for (k, t) in gs.iter().enumerate() {
        assert_eq!(t, &format!("Trang {}/{}", k + 1, gs.len()));
    }
    assert!(official_head_of(&g).contains("Số: 415/QĐ-UBND"));
    assert_eq!(texts(&g, ".signature__name"), ["Phạm Quang Thái"]);
}

#[test]
fn posters_and_approved_pages_print_with_head_signature_and_button() {
    let site = Site::demo();
    site.preview_ok(NOW);
    let list = posters(&site, "public");
    assert!(list.len() >= 8, "{list:?}");
    for p in &list {
        let doc = site.html(p);
        let head = official_head_of(&doc);
        for want in [
            "ỦY BAN NHÂN DÂN",
            "PHƯỜNG HÒA AN",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Số: ",
        ] {
            assert!(head.contains(want), "{p}: head lacks {want:?}: {head}");
        }
        assert!(head.contains("Hòa An, ngày "), "{p}: {head}");
        assert_eq!(
            texts(&doc, ".signature__role").len(),
            1,
            "{p}: signature block"
        );
        assert!(
            doc.select(&sel("button[data-print][hidden]"))
                .next()
                .is_some(),
            "{p}: print button"
        );
        assert!(
            !doc.html().contains(DRAFT),
            "{p}: draft mark in a real build"
        );
    }
    // A warning poster: the decision's number and date from its approval.
    let w = site.html("public/canh-bao/ung-dung-vneid-gia/in/index.html");
    let head = official_head_of(&w);
    assert!(head.contains("Số: 61/QĐ-UBND"), "{head}");
    assert!(head.contains("ngày 02 tháng 3 năm 2026"), "{head}");

    // An approved page (the consultation result) carries a print-only head and signature
    // and the print button; the home page (no approval) carries neither.
    let c = site.html("public/sap-xep-to-dan-pho/ket-qua-lay-y-kien/index.html");
    let head = texts(&c, ".print-only .official-head").join(" ");
    assert!(head.contains("Số: 96/BC-UBND"), "{head}");
    assert!(head.contains("ngày 22 tháng 6 năm 2026"), "{head}");
    assert_eq!(
        texts(&c, ".print-only .signature__name"),
        ["Phạm Quang Thái"]
    );
    let button = texts(&c, "button[data-print]");
    assert_eq!(button, ["In trang này"]);
    let home = site.html("public/index.html");
    assert!(
        home.select(&sel(".official-head, button[data-print]"))
            .next()
            .is_none()
    );
}

/// Every poster prints, next to its QR code, the SHA-256 of its electronic copy and says
/// what to compare it with: a service-day poster the schedule's CSV (the hash of the
/// file it links), a warning poster the warning page (the hash the manifest records
/// for that page, which is that of the page's source file).
#[test]
fn posters_print_the_checksum_of_the_file_they_name() {
    let site = Site::demo();
    site.preview_ok(NOW);
    let base = "https://hoaan.example.vn/";
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("public/cong-khai/manifest.json")).expect("manifest");
    let list = posters(&site, "public");
    assert!(list.len() >= 8, "{list:?}");
    let (mut csv, mut pages) = (0, 0);
    for p in &list {
        let doc = site.html(p);
        // Next to the QR code: in the same block.
        let line = texts(&doc, ".poster__qr .poster__checksum");
        assert_eq!(line.len(), 1, "{p}: one checksum line");
        let hash = texts(&doc, ".poster__qr .poster__checksum code.hash");
        assert_eq!(hash.len(), 1, "{p}");
        let hash = &hash[0];
        assert_eq!(
            line[0],
            format!("Mã kiểm tra (SHA-256) của bản điện tử: {hash}"),
            "{p}"
        );
        assert!(
            hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()),
            "{p}: {hash}"
        );
        let note = texts(&doc, ".poster__qr .poster__checksum-note").join(" ");
        assert!(note.contains("giúp kiểm tra"), "{p}: {note}");
        let href = doc
            .select(&sel(".poster__checksum-note a[href]"))
            .next()
            .and_then(|a| a.value().attr("href"))
            .unwrap_or_else(|| panic!("{p}: the note names no file"));
        let rel = href.strip_prefix(base).expect("a link on the site");
        if rel.ends_with(".csv") {
            // The schedule's table: the hash of the very file the poster links.
            let bytes = std::fs::read(site.path().join("public").join(rel)).expect(rel);
            assert_eq!(*hash, sha256_hex(&bytes), "{p}: the hash of {rel}");
            csv += 1;
        } else {
            assert_eq!(rel, "cong-khai/manifest.json", "{p}");
            // The warning page this poster is of: `…/canh-bao/x/in/index.html` → `/canh-bao/x/`.
            let page = format!(
                "/{}",
                p.strip_prefix("public/")
                    .and_then(|x| x.strip_suffix("in/index.html"))
                    .expect("a warning poster under …/in/")
            );
            let item = manifest["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|i| i["url"] == page.as_str() && i["kind"] == "page")
                .unwrap_or_else(|| panic!("{page} not in the manifest"));
            assert_eq!(item["sha256"], hash.as_str(), "{p}: the manifest's hash");
            let source = site
                .path()
                .join(format!("content{}", page.trim_end_matches('/')));
            let source = std::fs::read(source.with_extension("md")).expect("the warning's file");
            assert_eq!(*hash, sha256_hex(&source), "{p}: the page's source");
            pages += 1;
        }
    }
    assert!(
        csv >= 4 && pages >= 2,
        "{csv} schedule posters, {pages} warning posters"
    );
}

/// The demo with four records unapproved: a list, a warning, the service days and a
/// document.
fn demo_with_drafts() -> Site {
    let site = Site::demo();
    for f in [
        "content/ho-tro/danh-sach-ho-tro-thu-nhap-2026.md",
        "content/canh-bao/ung-dung-vneid-gia.md",
        "content/lich-ho-tro/nha-van-hoa.md",
        "content/van-ban/ke-hoach-sap-xep-to-dan-pho/index.md",
    ] {
        let text = site.read(f);
        let start = text.find("[approval]\n").expect("approval block");
        let end = text[start..]
            .find("+++")
            .map(|i| start + i)
            .expect("front matter end");
        site.write(f, format!("{}{}", &text[..start], &text[end..]));
    }
    site
}

#[test]
fn drafts_preview_marks_every_page_poster_and_printed_sheet() {
    let site = demo_with_drafts();
    let out = site.run(&["build", "--drafts", "--now", NOW]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The summary counts each draft record once.
    let err = stderr(&out);
    assert!(err.contains("; 4 bản nháp"), "{err}");

    // Every HTML page shows the mark as text (not only in a stylesheet).
    let base = site.path().join("public-preview");
    let mut pages = 0;
    for e in walkdir::WalkDir::new(&base).into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "html") {
            pages += 1;
            let doc = Html::parse_document(&std::fs::read_to_string(e.path()).unwrap());
            let body: String = doc.select(&sel("body")).flat_map(|b| b.text()).collect();
            assert!(
                body.contains(DRAFT),
                "{}: no draft mark",
                e.path().display()
            );
        }
    }
    assert!(pages > 50, "{pages} pages");
    let css = site.read("public-preview/css/ban-nhap.css");
    assert!(
        css.contains("@top-center{content:\"BẢN NHÁP – CHƯA PHÊ DUYỆT\""),
        "{css}"
    );

    // Every poster, and every sheet of the list's print views.
    let list = posters(&site, "public-preview");
    assert!(list.len() >= 8, "{list:?}");
    for p in &list {
        let doc = site.html(p);
        assert_eq!(texts(&doc, ".draft-mark"), [DRAFT], "{p}");
    }
    for view in [format!("{LIST}/in"), format!("{LIST}/to-dan-pho-so-2/in")] {
        let doc = site.html(&format!("public-preview/{view}/index.html"));
        let sheets: Vec<_> = doc.select(&sel("section.sheet")).collect();
        assert!(!sheets.is_empty());
        for (k, s) in sheets.iter().enumerate() {
            let mark: String = s
                .select(&sel(".draft-mark"))
                .flat_map(|e| e.text())
                .collect();
            assert_eq!(mark, DRAFT, "{view}: sheet {} unmarked", k + 1);
        }
        // Printed pages get it in the top margin of every page too (a preview-only stylesheet).
        let css = doc
            .select(&sel("link[rel=stylesheet]"))
            .filter_map(|l| l.value().attr("href"))
            // Fingerprinted (src/assets.rs): `css/ban-nhap.<hash>.css`.
            .any(|h| h.contains("/css/ban-nhap.") && h.ends_with(".css"));
        assert!(css, "{view}: no draft stylesheet");
    }
    // Draft service-day sessions and warnings carry the page notice, as documents do.
    for p in [
        "canh-bao/ung-dung-vneid-gia/index.html",
        "lich-ho-tro/nha-van-hoa/index.html",
        "van-ban/ke-hoach-sap-xep-to-dan-pho/index.html",
        &format!("{LIST}/index.html"),
    ] {
        let doc = site.html(&format!("public-preview/{p}"));
        assert_eq!(texts(&doc, ".notice--draft").len(), 1, "{p}");
    }
    let session = walkdir::WalkDir::new(base.join("lich-ho-tro/nha-van-hoa"))
        .min_depth(2)
        .into_iter()
        .flatten()
        .find(|e| {
            e.file_name() == "index.html"
                && e.path()
                    .parent()
                    .and_then(|d| d.file_name())
                    .is_some_and(|n| n.to_string_lossy().starts_with("20"))
        })
        .expect("a session page");
    let doc = Html::parse_document(&std::fs::read_to_string(session.path()).unwrap());
    assert_eq!(
        texts(&doc, ".notice--draft").len(),
        1,
        "{}",
        session.path().display()
    );
}
