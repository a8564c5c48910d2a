//! `serve`'s single-page fast path: the library API gives the same page bytes as a full
//! build, and the real binary rebuilds one page on a body edit and falls back to a full
//! build on a front matter edit.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Site;
use congkhai::output::LiveDir;
use congkhai::pipeline::{self, BuildOptions, Update};

/// Build options for `site` into `out` on 2026-11-23 (every demo approval is past).
fn opts(site: &Site, out: &Path) -> BuildOptions {
    BuildOptions {
        root: site.path().to_path_buf(),
        output_dir: Some(out.to_path_buf()),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
        ..Default::default()
    }
}

fn append_to_body(site: &Site, rel: &str, text: &str) {
    let mut s = site.read(rel);
    s.push_str(text);
    site.write(rel, s);
}

/// Edit one page body, rebuild it alone, and compare with a full build of the edited site.
fn fast_path_matches_full_build(site: &Site, page: &str, out_html: &str) {
    let work = tempfile::tempdir().expect("temp dir");
    let (fast_out, full_out) = (work.path().join("fast"), work.path().join("full"));
    let (_, mut inc) = pipeline::build_keep(&opts(site, &fast_out)).expect("first build");
    append_to_body(
        site,
        &format!("content/{page}"),
        "\nĐoạn mới thêm khi xem thử.\n",
    );
    let update = inc
        .update_pages(&[page.to_string()], &LiveDir::new(&fast_out))
        .expect("fast path");
    assert!(matches!(update, Update::Done(_)), "{update:?}");
    pipeline::build(&opts(site, &full_out)).expect("full build");
    let fast = std::fs::read_to_string(fast_out.join(out_html)).expect("fast page");
    let full = std::fs::read_to_string(full_out.join(out_html)).expect("full page");
    assert!(fast.contains("Đoạn mới thêm khi xem thử."));
    assert_eq!(fast, full, "fast path and full build differ for {page}");
    // No temporary files left beside the page.
    let dir = fast_out.join(out_html);
    let dir = dir.parent().expect("parent");
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with(".congkhai-write-"), "left over: {name}");
    }
}

#[test]
fn fast_path_page_is_byte_identical_to_full_build() {
    let site = Site::fixture("core/zola");
    fast_path_matches_full_build(
        &site,
        "tin-tuc/ban-tin-3.md",
        "tin-tuc/ban-tin-3/index.html",
    );
}

/// A translation (`a.en.md`) takes the fast path too: what it takes from its original
/// (draft, publication window, record) depends only on the two front matters.
#[test]
fn a_translation_takes_the_fast_path() {
    let site = Site::fixture("zola_content");
    let config = site.read("config.toml");
    site.write("config.toml", format!("{config}\n[languages.en]\n"));
    site.write(
        "content/tin-tuc/lich-tiem-chung.en.md",
        "+++\ntitle = \"Vaccination schedule\"\ndate = 2026-06-05\n+++\nThe schedule.\n",
    );
    fast_path_matches_full_build(
        &site,
        "tin-tuc/lich-tiem-chung.en.md",
        "en/tin-tuc/lich-tiem-chung/index.html",
    );
    // And its original, whose translation follows it.
    fast_path_matches_full_build(
        &site,
        "tin-tuc/lich-tiem-chung.md",
        "tin-tuc/lich-tiem-chung/index.html",
    );
}

/// A `resize_image` call new in a page's body (content templating, a plain Zola
/// site): the fast path writes the image it makes, the same bytes as a full build.
#[test]
fn a_new_resized_image_takes_the_fast_path() {
    let site = Site::fixture("zola_templates");
    site.write("templates/page.html", "{{ page.content | safe }}");
    let work = tempfile::tempdir().expect("temp dir");
    let (fast_out, full_out) = (work.path().join("fast"), work.path().join("full"));
    let (_, mut inc) = pipeline::build_keep(&opts(&site, &fast_out)).expect("first build");
    append_to_body(
        &site,
        "content/tin/a.md",
        "\n{% set i = resize_image(path=\"static/anh.png\", width=3, height=2, op=\"fill\") %}![ảnh]({{ i.url }})\n",
    );
    let update = inc
        .update_pages(&["tin/a.md".to_string()], &LiveDir::new(&fast_out))
        .expect("fast path");
    assert!(matches!(update, Update::Done(_)), "{update:?}");
    pipeline::build(&opts(&site, &full_out)).expect("full build (the image is written)");
    let fast = std::fs::read_to_string(fast_out.join("tin/a/index.html")).expect("fast page");
    let full = std::fs::read_to_string(full_out.join("tin/a/index.html")).expect("full page");
    assert_eq!(fast, full);
    let start = fast.find("processed_images/").expect("image URL");
    let file = &fast[start..start + fast[start..].find('"').expect("end of URL")];
    let fast_img = std::fs::read(fast_out.join(file)).expect("image written by the fast path");
    let full_img = std::fs::read(full_out.join(file)).expect("image written by the full build");
    assert_eq!(fast_img, full_img);
    assert!(fast_img.starts_with(b"\x89PNG"));
}

#[test]
fn fast_path_page_is_byte_identical_to_full_build_on_the_demo_portal() {
    // A plain page, a scam warning (site banner), a service-day calendar, and a
    // document bundle with attachments.
    for (page, html) in [
        (
            "canh-bao/cach-nhan-biet.md",
            "canh-bao/cach-nhan-biet/index.html",
        ),
        (
            "canh-bao/lam-nhanh-lay-ho-lay-phi.md",
            "canh-bao/lam-nhanh-lay-ho-lay-phi/index.html",
        ),
        (
            "lich-ho-tro/nha-van-hoa.md",
            "lich-ho-tro/nha-van-hoa/index.html",
        ),
        (
            "van-ban/ke-hoach-sap-xep-to-dan-pho/index.md",
            "van-ban/ke-hoach-sap-xep-to-dan-pho/index.html",
        ),
    ] {
        let site = Site::demo();
        fast_path_matches_full_build(&site, page, html);
    }
}

#[test]
fn front_matter_edits_and_unknown_pages_need_a_full_build() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let (_, mut inc) = pipeline::build_keep(&opts(&site, &out)).expect("first build");
    let rel = "content/tin-tuc/ban-tin-2.md";
    site.write(rel, site.read(rel).replace("Bản tin số 2", "Bản tin hai"));
    let sink = LiveDir::new(&out);
    let u = inc
        .update_pages(&["tin-tuc/ban-tin-2.md".to_string()], &sink)
        .expect("no error");
    assert!(matches!(u, Update::NeedsFull), "{u:?}");
    let u = inc
        .update_pages(&["tin-tuc/khong-co.md".to_string()], &sink)
        .expect("no error");
    assert!(matches!(u, Update::NeedsFull), "{u:?}");
}

#[test]
fn a_broken_body_is_an_error_and_keeps_the_last_good_page() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let (_, mut inc) = pipeline::build_keep(&opts(&site, &out)).expect("first build");
    let before = std::fs::read(out.join("tin-tuc/ban-tin-1/index.html")).expect("page");
    append_to_body(
        &site,
        "content/tin-tuc/ban-tin-1.md",
        "\n[x](@/khong-co.md)\n",
    );
    let err = inc
        .update_pages(&["tin-tuc/ban-tin-1.md".to_string()], &LiveDir::new(&out))
        .expect_err("broken link");
    let text: Vec<String> = err.iter().map(|d| d.to_string()).collect();
    assert!(text.join("\n").contains("khong-co.md"), "{text:?}");
    let after = std::fs::read(out.join("tin-tuc/ban-tin-1/index.html")).expect("page");
    assert_eq!(before, after);
}

/// The dead-link messages of a failed build or fast path, as shown (location included).
fn dead_link_texts(diags: &congkhai::diagnostics::Diagnostics) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d.message.contains("liên kết"))
        .map(|d| d.to_string())
        .collect()
}

/// A body edit that links to a site path the site does not have is caught by the fast
/// path with the same message, file and line as a full build; links to pages and files
/// of the last full build resolve; nothing is written until the link is fixed.
#[test]
fn the_fast_path_checks_the_site_links_of_the_page_like_a_full_build() {
    let site = Site::fixture("core/zola");
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let (_, mut inc) = pipeline::build_keep(&opts(&site, &out)).expect("first build");
    let page = "tin-tuc/ban-tin-1/index.html";
    let before = std::fs::read(out.join(page)).expect("page");
    let rel = "content/tin-tuc/ban-tin-1.md";
    let good = site.read(rel);
    append_to_body(
        &site,
        rel,
        "\nXem [bản tin 2](/tin-tuc/ban-tin-2/), [mục](/tin-tuc/), [trang chủ](/).\n\n[Trang cũ](/khong-co/)\n",
    );
    let sink = LiveDir::new(&out);
    let err = inc
        .update_pages(&["tin-tuc/ban-tin-1.md".to_string()], &sink)
        .expect_err("dead link");
    let fast = dead_link_texts(&err);
    assert_eq!(fast.len(), 1, "only /khong-co/ is dead: {fast:?}");
    // The dead link is on line 9 of the file (front matter on lines 1–4).
    let d = err
        .iter()
        .find(|d| d.message.contains("/khong-co/"))
        .expect("the dead link");
    let loc = d.location.as_ref().expect("location");
    assert_eq!(loc.file, Path::new(rel));
    assert_eq!(loc.line, Some(9), "{fast:?}");
    assert!(d.hint.is_some());
    // Exactly what a full build of the edited site says.
    let full = pipeline::check(&opts(&site, &work.path().join("full"))).expect_err("full build");
    assert_eq!(dead_link_texts(&full), fast);
    // Nothing written: the served page is the last good one.
    assert_eq!(std::fs::read(out.join(page)).expect("page"), before);

    // Fixed: the page is rebuilt and written.
    site.write(rel, format!("{good}\n[Trang cũ](/tin-tuc/ban-tin-3/)\n"));
    let u = inc
        .update_pages(&["tin-tuc/ban-tin-1.md".to_string()], &sink)
        .expect("fixed");
    assert!(matches!(u, Update::Done(_)), "{u:?}");
    let html = std::fs::read_to_string(out.join(page)).expect("page");
    assert!(html.contains("/tin-tuc/ban-tin-3/"), "{html}");
}

/// `@/page.md#anchor` links are checked on the fast path both ways: from the edited page,
/// and from other pages to a heading the edit removed.
#[test]
fn the_fast_path_checks_anchor_links_from_and_to_the_page() {
    let site = Site::fixture("core/zola");
    let one = "content/tin-tuc/ban-tin-1.md";
    append_to_body(
        &site,
        one,
        "\nXem [đề án](@/tin-tuc/ban-tin-3.md#de-an-sap-xep).\n",
    );
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let (_, mut inc) = pipeline::build_keep(&opts(&site, &out)).expect("first build");
    let sink = LiveDir::new(&out);

    // From the edited page: a heading the target does not have.
    let good = site.read(one);
    append_to_body(&site, one, "\n[x](@/tin-tuc/ban-tin-3.md#khong-co)\n");
    let err = inc
        .update_pages(&["tin-tuc/ban-tin-1.md".to_string()], &sink)
        .expect_err("dead anchor");
    let text = dead_link_texts(&err).join("\n");
    assert!(text.contains("#khong-co"), "{text}");
    site.write(one, &good);
    inc.update_pages(&["tin-tuc/ban-tin-1.md".to_string()], &sink)
        .expect("fixed");

    // To the edited page: ban-tin-3 renames the heading ban-tin-1 links to. The error
    // names ban-tin-1.md, where the link is, with its line.
    let three = "content/tin-tuc/ban-tin-3.md";
    site.write(
        three,
        site.read(three).replace("## Đề án sắp xếp", "## Phương án"),
    );
    let err = inc
        .update_pages(&["tin-tuc/ban-tin-3.md".to_string()], &sink)
        .expect_err("anchor gone");
    let d = err
        .iter()
        .find(|d| d.message.contains("#de-an-sap-xep"))
        .unwrap_or_else(|| panic!("{:?}", dead_link_texts(&err)));
    let loc = d.location.as_ref().expect("location");
    assert_eq!((loc.file.as_path(), loc.line), (Path::new(one), Some(7)));
    let page = std::fs::read_to_string(out.join("tin-tuc/ban-tin-3/index.html")).expect("page");
    assert!(page.contains("Đề án sắp xếp"), "the last good page is kept");
}

// --- the real binary ---

/// Kills the `serve` child when the test ends, also on panic.
struct Serve {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    fn start(root: &Path) -> Serve {
        Serve::start_on(root, "2026-06-10")
    }

    /// `serve --now NOW`.
    fn start_on(root: &Path, now: &str) -> Serve {
        Serve::start_with(root, now, &[])
    }

    /// `serve --now NOW` with more arguments.
    fn start_with(root: &Path, now: &str, more: &[&str]) -> Serve {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_congkhai"))
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", &port.to_string(), "--now", now])
            .args(more)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&line);
                    s.push('\n');
                }
            }
        });
        Serve {
            child,
            port,
            stderr,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Status code and body of `GET path`, or `None` while the server is not answering.
    fn get_any(&self, path: &str) -> Option<(u16, String)> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).ok()?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let (head, body) = text.split_once("\r\n\r\n")?;
        let code = head.split_whitespace().nth(1)?.parse().ok()?;
        Some((code, body.to_string()))
    }

    /// Body of `GET path` when it answers 200, or `None` (not answering, or another status).
    fn get(&self, path: &str) -> Option<String> {
        self.get_any(path)
            .and_then(|(code, body)| (code == 200).then_some(body))
    }

    /// Poll `path` until its body satisfies `ok`; panics after a generous timeout.
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            if let Some(body) = self.get(path)
                && ok(&body)
            {
                return body;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!(
                    "timed out waiting for {what} at {path}; serve stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn serve_rebuilds_one_page_on_a_body_edit_and_everything_on_a_title_edit() {
    let site = Site::fixture("core/zola");
    let server = Serve::start(site.path());
    let page = "/tin-tuc/ban-tin-5/";
    server.wait_for(page, "first build", |b| {
        b.contains("Nội dung bản tin số 5.")
    });
    // Building reads every source file; reading is not a change, so no further builds
    // follow on their own (inotify reports opens: they once triggered builds forever).
    std::thread::sleep(Duration::from_millis(1500));
    let builds = server.stderr().matches("Đã tạo lại").count();
    assert_eq!(builds, 1, "only the first build:\n{}", server.stderr());

    // A body edit: only that page is rebuilt, and served.
    let file = "content/tin-tuc/ban-tin-5.md";
    append_to_body(&site, file, "\nCâu mới chỉ ở thân trang.\n");
    server.wait_for(page, "the edited body", |b| {
        b.contains("Câu mới chỉ ở thân trang.")
    });
    let start = Instant::now();
    while !server.stderr().contains("Đã tạo lại 1 trang (") {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no single-page rebuild reported:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        server.stderr().contains("content/tin-tuc/ban-tin-5.md"),
        "{}",
        server.stderr()
    );

    // Then the follow-up full build brings listings, feeds and search in line.
    let start = Instant::now();
    while !server
        .stderr()
        .contains("Đã tạo lại toàn bộ sau khi sửa trang")
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no follow-up full build:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // A title edit changes the front matter: the full build updates the listing.
    site.write(
        file,
        site.read(file).replace("Bản tin số 5", "Bản tin năm (sửa)"),
    );
    server.wait_for("/tin-tuc/", "the new title in the listing", |b| {
        b.contains("Bản tin năm (sửa)")
    });
    let body = server.wait_for(page, "the new title on the page", |b| {
        b.contains("Bản tin năm (sửa)")
    });
    assert!(body.contains("Câu mới chỉ ở thân trang."));
    // The reload script is injected into served pages.
    assert!(body.contains("/__congkhai/events"));
}

/// `serve` is a preview: on a portal it builds the next publication's entry into the
/// served folder but never writes the ward's `history/` (no entry, no `.pending` file).
#[test]
fn serve_never_writes_the_history_folder() {
    let site = Site::fixture("support");
    let history = site.path().join("history");
    let before: Vec<_> = std::fs::read_dir(&history)
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    let server = Serve::start_on(site.path(), "2026-11-23");
    server.wait_for("/cong-khai/lich-su/", "the history page", |b| {
        b.contains("Lịch sử thay đổi")
    });
    // An edit and the rebuild it causes: still nothing in history/.
    let file = "content/ho-tro/_index.md";
    if site.path().join(file).is_file() {
        append_to_body(&site, file, "\nMột câu mới.\n");
        server.wait_for("/ho-tro/", "the edited section", |b| {
            b.contains("Một câu mới.")
        });
    }
    let after: Vec<_> = std::fs::read_dir(&history)
        .map(|rd| rd.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(
        after,
        before,
        "serve wrote into history/:\n{}",
        server.stderr()
    );
}

/// A failed build (the first one too) turns every page into an error page: HTTP 500,
/// every problem grouped by file with line and hint, escaped, and the reload script;
/// once the files are fixed the site is served again.
#[test]
fn a_failed_build_is_an_error_page_on_every_address_until_fixed() {
    let site = Site::new(common::PORTAL_CONFIG);
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Trang chủ\"\n+++\nXin chào.\n",
    );
    // A page whose file name holds markup, with no approval; and a date that is not one.
    let hostile = "content/<script>alert(1)</script>.md";
    site.write(hostile, "+++\ntitle = \"Trang\"\n+++\nNội dung.\n");
    let config = format!(
        "{}[rules]\ndays_off = [\"<b>30/02</b>\"]\n",
        common::PORTAL_CONFIG
    );
    site.write("config.toml", &config);
    let server = Serve::start(site.path());
    let start = Instant::now();
    let (code, body) = loop {
        if let Some((code, body)) = server.get_any("/") {
            break (code, body);
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(code, 500, "{body}");
    let doc = scraper::Html::parse_document(&body);
    let text = |sel: &str| common::texts(&doc, sel);
    assert_eq!(text("h1"), ["Lỗi khi tạo trang: chưa xem trước được"]);
    // Grouped by file: config.toml's error with its line and the fix.
    let groups = text("h2");
    assert!(
        groups.iter().any(|g| g == "Tệp config.toml – 1 lỗi"),
        "{groups:?}"
    );
    let dts = text("dt");
    let dds = text("dd");
    let row = |name: &str, needle: &str| {
        dts.iter()
            .zip(&dds)
            .any(|(k, v)| k == name && v.contains(needle))
    };
    assert!(row("Dòng", "10"), "{dts:?} {dds:?}");
    assert!(
        row("Vấn đề", "<b>30/02</b>"),
        "the value shown as text: {dds:?}"
    );
    assert!(row("Cách sửa", "2026-02-16"), "{dds:?}");
    // Nothing from the files runs: no element but ours.
    let scripts = scraper::Selector::parse("script").unwrap();
    let bodies: Vec<String> = doc.select(&scripts).map(|s| s.text().collect()).collect();
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert!(
        bodies[0].contains("EventSource('/__congkhai/events')"),
        "reloads itself"
    );
    assert!(!body.contains("<b>30/02</b>"));
    // Every address answers the same page, a missing one too; CSS still loads.
    for path in ["/khong-co/", "/tim-kiem/"] {
        let (code, other) = server.get_any(path).expect("answer");
        assert_eq!((code, other.len()), (500, body.len()), "{path}");
    }
    // Fix config.toml: the next error (the approval) replaces the first on the page.
    site.write("config.toml", common::PORTAL_CONFIG);
    let start = Instant::now();
    loop {
        if let Some((500, b)) = server.get_any("/")
            && b.contains("phê duyệt")
            && !b.contains("30/02")
        {
            let doc = scraper::Html::parse_document(&b);
            let file = common::texts(&doc, "h2");
            assert!(
                file.iter()
                    .any(|f| f.starts_with("Tệp content/<script>alert(1)</script>.md")),
                "the file name, as text: {file:?}"
            );
            assert!(!b.contains("<script>alert(1)"));
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Fix the page: the site is back, HTTP 200.
    std::fs::remove_file(site.path().join(hostile)).unwrap();
    server.wait_for("/", "the site after the fix", |b| b.contains("Xin chào."));
}

/// `serve --fast` (no follow-up full build): a body edit that adds a dead link turns
/// every page into the error page, listing the link under its file with its line, and
/// the fixed page is served again — the fast path alone checks the links.
#[test]
fn serve_fast_shows_a_dead_link_of_an_edited_page_on_the_error_page() {
    let site = Site::fixture("core/zola");
    let server = Serve::start_with(site.path(), "2026-06-10", &["--fast"]);
    let page = "/tin-tuc/ban-tin-5/";
    server.wait_for(page, "first build", |b| {
        b.contains("Nội dung bản tin số 5.")
    });
    let file = "content/tin-tuc/ban-tin-5.md";
    let good = site.read(file);
    append_to_body(&site, file, "\n[Lịch cũ](/lich-cu/)\n");
    let start = Instant::now();
    let body = loop {
        if let Some((500, b)) = server.get_any(page) {
            break b;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no error page:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let doc = scraper::Html::parse_document(&body);
    let groups = common::texts(&doc, "h2");
    assert_eq!(groups, [format!("Tệp {file} – 1 lỗi")], "{body}");
    let dts = common::texts(&doc, "dt");
    let dds = common::texts(&doc, "dd");
    let row = |name: &str, needle: &str| {
        dts.iter()
            .zip(&dds)
            .any(|(k, v)| k == name && v.contains(needle))
    };
    assert!(
        dts.iter().zip(&dds).any(|(k, v)| k == "Dòng" && v == "7"),
        "{dts:?} {dds:?}"
    );
    assert!(row("Vấn đề", "liên kết hỏng"), "{dds:?}");
    assert!(row("Vấn đề", "/lich-cu/"), "{dds:?}");
    assert!(body.contains("/__congkhai/events"), "reloads itself");
    // The fast path found it: no full build ran after the first one.
    let err = server.stderr();
    assert_eq!(err.matches("Đã tạo lại").count(), 1, "{err}");
    assert!(err.contains("liên kết hỏng"), "{err}");

    site.write(file, format!("{good}\nĐã sửa liên kết.\n"));
    server.wait_for(page, "the fixed page", |b| b.contains("Đã sửa liên kết."));
}
