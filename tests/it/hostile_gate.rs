//! Hostile inputs against the approval gate and the preview server (issue 12, classes 7
//! and 9): fake approvals, records without their own approval, outputs that collide,
//! links that reveal unpublished pages, slow clients and foreign `Host` headers.
//!
//! Every build variant starts from a site that built, and asserts: exit code 1, a
//! message naming the source file (and line or field), no panic, the previous
//! `public/` byte-for-byte as it was, and the variant's marker in no output file.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{APPROVAL, PORTAL_CONFIG, Site, snapshot, stderr};

const NOW: &str = "2026-06-10";

/// A portal with one approved page, built once.
fn base_site() -> Site {
    let site = Site::new(PORTAL_CONFIG);
    site.write(
        "content/tin-tuc.md",
        format!("+++\ntitle = \"Tin tức\"\n{APPROVAL}+++\nNội dung đã duyệt.\n"),
    );
    // A preview: the tests edit this page again, and nothing here is about history.
    site.preview_ok(NOW);
    site
}

/// Build `site` after `setup`, expecting a refusal that names every string in `expect`;
/// `public/` stays as it was and `marker` appears in no output file.
fn refused(site: &Site, what: &str, marker: &str, expect: &[&str]) -> String {
    let before = snapshot(&site.path().join("public"));
    assert!(!before.is_empty(), "{what}: the previous build left files");
    let out = site.run(&["build", "--now", NOW]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{what}: exit code 1\n{err}");
    assert!(!err.contains("panicked"), "{what}: no panic\n{err}");
    for e in expect {
        assert!(err.contains(e), "{what}: message should name {e:?}:\n{err}");
    }
    let after = snapshot(&site.path().join("public"));
    assert!(after == before, "{what}: public/ changed");
    for (rel, bytes) in &after {
        assert!(
            !String::from_utf8_lossy(bytes).contains(marker),
            "{what}: {marker} published in {rel}"
        );
    }
    err
}

fn approval_with(by: &str, role: &str, decision: &str) -> String {
    format!(
        "[approval]\nby = \"{by}\"\nrole = \"{role}\"\ndecision = \"{decision}\"\ndate = 2026-06-01\n"
    )
}

const NAME: &str = "Trần Văn Mẫu";
const ROLE: &str = "Chủ tịch UBND phường";
const DECISION: &str = "Quyết định số 1/QĐ-UBND";

/// Approval fields that are present but say nothing: invisible characters, dashes,
/// single letters, decisions without a number. Written as TOML escapes, as a careless
/// copy from a chat message or a dishonest insider would leave them.
#[test]
fn fake_approvals_are_refused_with_the_field_named() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // (by, role, decision, field named)
        ("\\u200B", ROLE, DECISION, "approval.by"),
        ("\\u200D\\u200C", ROLE, DECISION, "approval.by"),
        ("\\u00A0\\u00A0", ROLE, DECISION, "approval.by"),
        ("\\u202EuẫM năV nầrT", ROLE, DECISION, "approval.by"),
        ("Trần\\u2066Văn Mẫu", ROLE, DECISION, "approval.by"),
        ("\\u0301\\u0301", ROLE, DECISION, "approval.by"),
        ("\\u3164\\u3164", ROLE, DECISION, "approval.by"),
        ("\\uFEFF", ROLE, DECISION, "approval.by"),
        ("-", ROLE, DECISION, "approval.by"),
        ("...", ROLE, DECISION, "approval.by"),
        ("x", ROLE, DECISION, "approval.by"),
        ("Trần\\u00A0Văn Mẫu", ROLE, DECISION, "approval.by"),
        (NAME, "-", DECISION, "approval.role"),
        (NAME, "\\u2028", DECISION, "approval.role"),
        (NAME, ROLE, "Đã duyệt", "approval.decision"),
        (NAME, ROLE, "Quyết định số …/QĐ-UBND", "approval.decision"),
        (
            NAME,
            ROLE,
            "Quyết định số 1/QĐ-UBND\\u200B",
            "approval.decision",
        ),
    ];
    let site = base_site();
    for (i, (by, role, decision, field)) in cases.iter().enumerate() {
        let marker = format!("CHUA-DUYET-{i}");
        site.write(
            "content/thong-bao.md",
            format!(
                "+++\ntitle = \"{marker}\"\n{}+++\n{marker}\n",
                approval_with(by, role, decision)
            ),
        );
        refused(
            &site,
            &format!("by={by:?} role={role:?} decision={decision:?}"),
            &marker,
            &["content/thong-bao.md", field],
        );
    }
    // The same page with a real approval is published: the gate is not just closed.
    site.write(
        "content/thong-bao.md",
        format!(
            "+++\ntitle = \"Thông báo\"\n{}+++\nĐã duyệt.\n",
            approval_with(NAME, ROLE, "Quyết định số 12/QĐ-UBND ngày 01/6/2026")
        ),
    );
    site.build_ok(NOW);
    assert!(site.exists("public/thong-bao/index.html"));
}

/// A fake approval on an attachment of its own is refused too.
#[test]
fn fake_attachment_approval_is_refused() {
    let site = base_site();
    for (i, by) in ["-", "\\u200B", "x"].iter().enumerate() {
        let marker = format!("TEP-CHUA-DUYET-{i}");
        site.write(
            "content/van-ban/ke-hoach/ke-hoach.pdf",
            format!("%PDF-1.4 {marker}"),
        );
        site.write(
            "content/van-ban/ke-hoach/index.md",
            format!(
                "+++\ntitle = \"Kế hoạch\"\n{APPROVAL}[[attachments]]\nfile = \"ke-hoach.pdf\"\n[attachments.approval]\nby = \"{by}\"\nrole = \"{ROLE}\"\ndecision = \"{DECISION}\"\ndate = 2026-06-01\n+++\nKế hoạch.\n"
            ),
        );
        refused(
            &site,
            &format!("attachment by={by:?}"),
            &marker,
            &[
                "content/van-ban/ke-hoach/index.md",
                "attachments (ke-hoach.pdf).approval.by",
            ],
        );
    }
}

const DOCUMENT: &str = "kind = \"document\"\n[record]\nnumber = \"9/KH-UBND\"\ndoc_type = \"Kế hoạch\"\nissuer = \"UBND phường\"\nsigner = \"Trần Văn Mẫu\"\nissued = 2026-06-01\n";

/// A record, or a page that publishes files, needs an approval of its own: never its
/// section's editorial one, never `[approval] exempt`.
#[test]
fn records_need_their_own_approval() {
    let site = base_site();
    // The section is approved (editorially) and itself exempt.
    site.write(
        "content/van-ban/_index.md",
        format!(
            "+++\ntitle = \"Văn bản\"\n{}+++\nCác văn bản của phường.\n",
            approval_with(NAME, ROLE, "Biên tập chung của mục")
        ),
    );
    site.write(
        "config.toml",
        PORTAL_CONFIG.replace(
            "exempt = [\"_index.md\"]",
            "exempt = [\"_index.md\", \"van-ban/_index.md\"]",
        ),
    );
    site.build_ok(NOW);

    // (front matter after the title, bundle file or none, marker)
    let inherit: &[(&str, bool)] = &[
        (DOCUMENT, false),
        ("[[attachments]]\nfile = \"ke-hoach.pdf\"\n", true),
        (
            &format!("{DOCUMENT}[[attachments]]\nfile = \"ke-hoach.pdf\"\n"),
            true,
        ),
    ];
    for (i, (fm, bundle)) in inherit.iter().enumerate() {
        let marker = format!("THUA-KE-{i}");
        let rel = if *bundle {
            site.write(
                "content/van-ban/ke-hoach/ke-hoach.pdf",
                format!("%PDF-1.4 {marker}"),
            );
            "content/van-ban/ke-hoach/index.md"
        } else {
            "content/van-ban/ke-hoach.md"
        };
        site.write(
            rel,
            format!("+++\ntitle = \"{marker}\"\n{fm}+++\n{marker}\n"),
        );
        refused(&site, &format!("inherit {i}"), &marker, &[rel, "approval"]);
        let _ = std::fs::remove_dir_all(site.path().join("content/van-ban/ke-hoach"));
        let _ = std::fs::remove_file(site.path().join("content/van-ban/ke-hoach.md"));
    }

    // Listed in exempt: an error at the config line, naming the record — with or
    // without an approval of its own.
    let exempt: &[(&str, &str)] = &[
        ("van-ban/ke-hoach.md", DOCUMENT),
        ("van-ban/ke-hoach.md", &format!("{DOCUMENT}{APPROVAL}")),
        (
            "van-ban/tep/index.md",
            "[[attachments]]\nfile = \"tep.pdf\"\n",
        ),
    ];
    site.write("content/van-ban/tep/tep.pdf", "%PDF-1.4 MIEN-DUYET-2");
    for (i, (rel, fm)) in exempt.iter().enumerate() {
        let marker = format!("MIEN-DUYET-{i}");
        site.write(
            "config.toml",
            PORTAL_CONFIG.replace(
                "exempt = [\"_index.md\"]",
                &format!("exempt = [\n  \"_index.md\",\n  \"{rel}\",\n]"),
            ),
        );
        site.write(
            &format!("content/{rel}"),
            format!("+++\ntitle = \"{marker}\"\n{fm}+++\n{marker}\n"),
        );
        refused(
            &site,
            &format!("exempt {rel}"),
            &marker,
            &["config.toml:10", &format!("content/{rel}"), "exempt"],
        );
        let _ = std::fs::remove_file(site.path().join("content/van-ban/ke-hoach.md"));
    }
}

/// A plain page still takes its section's approval (editorial text): the rule above
/// is about data only.
#[test]
fn plain_pages_still_take_their_sections_approval() {
    let site = base_site();
    site.write(
        "content/gioi-thieu/_index.md",
        format!("+++\ntitle = \"Giới thiệu\"\n{APPROVAL}+++\nGiới thiệu.\n"),
    );
    site.write(
        "content/gioi-thieu/lich-su.md",
        "+++\ntitle = \"Lịch sử phường\"\n+++\nLịch sử.\n",
    );
    site.build_ok(NOW);
    let doc = site.html("public/gioi-thieu/lich-su/index.html");
    let h1 = common::texts(&doc, "h1");
    assert!(h1.iter().any(|t| t == "Lịch sử phường"), "{h1:?}");
}

/// An approved page whose path, slug or alias is another output's: refused, naming
/// both sources, whatever the case or trailing slash.
#[test]
fn output_collisions_are_refused() {
    let site = Site::new(&PORTAL_CONFIG.replacen(
        "theme = \"congkhai\"\n",
        "theme = \"congkhai\"\ngenerate_feeds = true\ntaxonomies = [{ name = \"chu-de\" }]\n",
        1,
    ));
    site.write(
        "content/tin-tuc.md",
        format!("+++\ntitle = \"Tin tức\"\n{APPROVAL}[taxonomies]\nchu-de = [\"Hộ nghèo\"]\n+++\nNội dung.\n"),
    );
    site.write(
        "content/van-ban/_index.md",
        "+++\ntitle = \"Văn bản\"\n+++\n",
    );
    site.build_ok(NOW);
    assert!(site.exists("public/chu-de/ho-ngheo/index.html"));

    // (front matter line, what it collides with)
    let cases: &[(&str, &str)] = &[
        ("path = \"/Tin-Tuc/\"", "content/tin-tuc.md"),
        ("path = \"tin-tuc/index.html\"", "content/tin-tuc.md"),
        ("aliases = [\"/tin-tuc/\"]", "content/tin-tuc.md"),
        ("aliases = [\"/TIN-TUC/index.html\"]", "content/tin-tuc.md"),
        ("path = \"/Van-Ban/\"", "content/van-ban/_index.md"),
        ("aliases = [\"/sitemap.xml\"]", "sitemap.xml"),
        ("aliases = [\"/404.html\"]", "404"),
        ("aliases = [\"/robots.txt\"]", "robots.txt"),
        ("aliases = [\"/atom.xml\"]", "atom.xml"),
        ("path = \"/cong-khai/lich-su/\"", "lịch sử"),
        ("path = \"/cong-khai/lich-su/chuoi/\"", "lịch sử"),
        ("path = \"/cong-khai/danh-muc/\"", "danh mục"),
        ("aliases = [\"/cong-khai/manifest.json\"]", "manifest"),
        ("path = \"/tim-kiem/docs/\"", "tìm kiếm"),
        ("aliases = [\"/tim-kiem/meta.json\"]", "tìm kiếm"),
        ("path = \"/chu-de/\"", "phân loại"),
        ("path = \"/chu-de/ho-ngheo/\"", "phân loại"),
        ("slug = \"Tin tức\"", "content/tin-tuc.md"),
    ];
    for (i, (line, other)) in cases.iter().enumerate() {
        let marker = format!("TRUNG-DUONG-DAN-{i}");
        site.write(
            "content/ban-sao.md",
            format!("+++\ntitle = \"{marker}\"\n{line}\n{APPROVAL}+++\n{marker}\n"),
        );
        refused(&site, line, &marker, &["content/ban-sao.md", other]);
    }
}

/// On the demo portal: a page that takes a record's subpage or a download's name.
#[test]
fn collisions_with_record_subpages_and_downloads() {
    let site = Site::demo();
    let now = "2026-11-23";
    site.build_ok(now);
    assert!(site.exists("public/sap-xep-to-dan-pho/phuong-an/to-dan-pho-ben-sat/index.html"));
    let cases = [
        "path = \"/sap-xep-to-dan-pho/phuong-an/to-dan-pho-ben-sat/\"",
        "aliases = [\"/sap-xep-to-dan-pho/phuong-an/phuong-an-sap-xep.csv\"]",
    ];
    for (i, line) in cases.iter().enumerate() {
        let marker = format!("DE-TRANG-CON-{i}");
        site.write(
            "content/ban-sao.md",
            format!("+++\ntitle = \"{marker}\"\n{line}\n{APPROVAL}+++\n{marker}\n"),
        );
        let before = snapshot(&site.path().join("public"));
        let out = site.run(&["build", "--now", now]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{line}: {err}");
        assert!(!err.contains("panicked"));
        assert!(err.contains("content/ban-sao.md"), "{err}");
        assert!(
            err.contains("content/sap-xep-to-dan-pho/phuong-an.md"),
            "{err}"
        );
        assert!(
            snapshot(&site.path().join("public")) == before,
            "{line}: public/ changed"
        );
    }
}

/// A link to a page that is embargoed or withdrawn on the build date would reveal its
/// URL (or lead to a notice): an error at the linking file and line in a build, allowed
/// in the staff preview.
#[test]
fn links_to_unpublished_pages() {
    let site = base_site();
    // (target front matter, link as written, build date) — all around NOW.
    let cases: &[(&str, &str)] = &[
        ("publish_from = 2026-06-11\n", "@/ke-hoach-moi.md"),
        ("publish_from = 2027-01-01\n", "@/ke-hoach-moi.md"),
        ("publish_from = 2026-06-11\n", "@/ke-hoach-moi.md#muc-1"),
        (
            "publish_from = 2026-05-01\npublish_until = 2026-06-09\n",
            "@/ke-hoach-moi.md",
        ),
        ("draft = true\n", "@/ke-hoach-moi.md"),
    ];
    for (i, (fm, link)) in cases.iter().enumerate() {
        let marker = format!("lo-dia-chi-{i}");
        site.write(
            "content/ke-hoach-moi.md",
            // The heading is the target of the `#muc-1` link (anchors are checked too).
            format!("+++\ntitle = \"Kế hoạch mới\"\nslug = \"{marker}\"\n{fm}{APPROVAL}+++\nSắp công bố.\n\n## Mục 1\n"),
        );
        site.write(
            "content/tin-tuc.md",
            format!(
                "+++\ntitle = \"Tin tức\"\n{APPROVAL}+++\nDòng bốn.\n\nXem [kế hoạch]({link}).\n"
            ),
        );
        // Front matter: fence, title, 5 approval lines, fence; the link is on line 11.
        let err = refused(
            &site,
            &format!("{fm} {link}"),
            &marker,
            &["content/tin-tuc.md:11"],
        );
        if !fm.contains("draft") {
            assert!(err.contains("chưa được công khai"), "{err}");
        }
        // The staff preview may link to what it shows.
        let out = site.run(&["build", "--now", NOW, "--drafts"]);
        assert!(out.status.success(), "preview: {}", stderr(&out));
    }
    // A section's text is checked the same way.
    site.write(
        "content/ke-hoach-moi.md",
        format!("+++\ntitle = \"Kế hoạch mới\"\nslug = \"lo-dia-chi-muc\"\npublish_from = 2026-06-11\n{APPROVAL}+++\nSắp.\n"),
    );
    site.write(
        "content/tin-tuc.md",
        format!("+++\ntitle = \"Tin tức\"\n{APPROVAL}+++\nNội dung.\n"),
    );
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Trang chủ\"\n+++\nXem [sắp tới](@/ke-hoach-moi.md).\n",
    );
    refused(
        &site,
        "section link",
        "lo-dia-chi-muc",
        &["content/_index.md:4"],
    );
    // On the day it is published the link is fine (a preview: the linking page was
    // edited after its publication, which `publish` would ask a correction note for).
    site.preview_ok("2026-06-11");
    let doc = site.html("public/index.html");
    let sel = scraper::Selector::parse("a[href$=\"/lo-dia-chi-muc/\"]").expect("sel");
    assert_eq!(doc.select(&sel).count(), 1);
}

// ---------------------------------------------------------------------------------
// serve

struct Serve {
    child: Child,
    port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(root: &Path, timeout_ms: u64) -> Serve {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(env!("CARGO_BIN_EXE_congkhai"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", &port.to_string(), "--now", NOW])
            .env("CONGKHAI_SERVE_HEADER_TIMEOUT_MS", timeout_ms.to_string())
            .env_remove("SOURCE_DATE_EPOCH")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve");
        let s = Serve { child, port };
        let start = Instant::now();
        while s
            .request(&format!("127.0.0.1:{port}"))
            .is_none_or(|r| !r.starts_with("HTTP/1.1 200"))
        {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "serve did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        s
    }

    /// The raw response to `GET /` with this `Host`.
    fn request(&self, host: &str) -> Option<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
        write!(
            s,
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).ok()?;
        Some(String::from_utf8_lossy(&buf).into_owned())
    }
}

/// Reads until the server closes the connection; `false` if it is still open after
/// `bound` (a generous bound, not a timing assertion).
fn closed_within(s: &mut TcpStream, bound: Duration) -> bool {
    let start = Instant::now();
    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 4096];
    while start.elapsed() < bound {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn serve_refuses_foreign_hosts_and_drops_slow_clients() {
    let site = base_site();
    let server = Serve::start(site.path(), 500);
    let port = server.port;
    let good = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        "127.0.0.1".to_string(),
    ];
    for host in &good {
        let r = server.request(host).unwrap_or_default();
        assert!(r.starts_with("HTTP/1.1 200"), "{host}: {r}");
        let body = r.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let doc = scraper::Html::parse_document(body);
        assert!(!common::texts(&doc, "title").is_empty(), "{host}: a page");
    }
    let evil = [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("10.0.0.5:{port}"),
        format!("[::1]x:{port}"),
        String::new(),
    ];
    for host in &evil {
        let r = server.request(host).unwrap_or_default();
        assert!(r.starts_with("HTTP/1.1 421"), "{host:?}: {r}");
        assert!(!r.contains("Tin tức"), "{host:?}: no page content");
    }

    // Slowloris: half a header, then nothing.
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .expect("write");
    assert!(
        closed_within(&mut s, Duration::from_secs(20)),
        "half a header: still open"
    );
    // Connected, nothing sent.
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    assert!(
        closed_within(&mut s, Duration::from_secs(20)),
        "silent client: still open"
    );
    // Idle keep-alive after one answered request.
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "GET /robots.txt HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"
    )
    .expect("write");
    assert!(
        closed_within(&mut s, Duration::from_secs(20)),
        "idle keep-alive: still open"
    );
    // Still serving after all that.
    let r = server
        .request(&format!("127.0.0.1:{port}"))
        .unwrap_or_default();
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
}
