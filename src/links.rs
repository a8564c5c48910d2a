//! Dead internal links fail the build. [`LinkSink`] wraps the build's sink: it remembers
//! every file written and, in each HTML file, every `href`/`src` that points inside the
//! site (relative, root-relative, or absolute under `base_url`) and to no file written
//! so far. After the last stage, [`LinkSink::check`] resolves each of those against the
//! files written: a link to a page,
//! file or folder the build did not make is an error naming the link and the pages
//! that carry it, whether it came from content (Markdown, `@/` links), a template or the
//! theme. One error per dead link, with the number of pages and the first few.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use indexmap::IndexSet;
use rustc_hash::{FxBuildHasher, FxHashMap};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::output::Sink;

/// How many pages a dead-link message names before "and N more".
const SHOWN_PAGES: usize = 5;

/// Wraps a sink and records what the link check needs.
pub struct LinkSink<'a> {
    inner: &'a dyn Sink,
    /// The site's base URL, which tells the site's own absolute links from others.
    base: Base,
    state: Mutex<Recorded>,
}

#[derive(Default)]
struct Recorded {
    /// Every file written, in the order written. A page's index here is its id in
    /// [`Recorded::pending`]: its name is kept once however many links it carries.
    written: IndexSet<Box<str>, FxBuildHasher>,
    /// Links that point to no file written so far: the site path they point to →
    /// each spelling of the link and the pages (ids) that carry it.
    ///
    /// Memory (100,000-page benchmark, docs/benchmarks.md): a link leaves this map as
    /// soon as a file it resolves to is written ([`Recorded::fulfil`]), so it holds the
    /// links to pages still to come and, at the end, the dead ones: not every link of
    /// every page (24 MB at 100,000 pages when each page linked to the next section
    /// and to the home page, written last). A link carried by every page (a template's)
    /// costs four bytes a page. Spellings in a map: a page may link one path in
    /// thousands of ways (`?q=…`), and each must cost the same.
    pending: FxHashMap<Box<str>, FxHashMap<Box<str>, PageIds>>,
}

/// Ids of the pages carrying a link ([`Recorded::written`]), in the order written.
type PageIds = Vec<u32>;

impl Recorded {
    /// The file `rel` was written: the links waiting for it resolve now, for good
    /// (files are only added). The inverse of [`resolves`]: a link to `a/b` resolves
    /// to `a/b` or `a/b/index.html`, to `a/` by `a/index.html`, to the root by
    /// `index.html`.
    fn fulfil(&mut self, rel: &str) {
        if self.pending.is_empty() {
            return;
        }
        self.pending.remove(rel);
        if rel == "index.html" {
            self.pending.remove("");
        } else if let Some(dir) = rel.strip_suffix("/index.html") {
            self.pending.remove(dir);
            self.pending.remove(&rel[..=dir.len()]);
        }
    }

    /// Keeps `link` (pointing to `path`, which resolves to no file yet) of page `page`.
    fn wait(&mut self, path: String, link: String, page: u32) {
        let spellings = self.pending.entry(path.into_boxed_str()).or_default();
        match spellings.get_mut(link.as_str()) {
            Some(pages) => {
                if pages.last() != Some(&page) {
                    pages.push(page);
                }
            }
            None => {
                spellings.insert(link.into_boxed_str(), vec![page]);
            }
        }
    }
}

impl<'a> LinkSink<'a> {
    /// `base_url`: the site's, as in config.toml.
    pub fn new(inner: &'a dyn Sink, base_url: &str) -> LinkSink<'a> {
        LinkSink {
            inner,
            base: Base::of(base_url),
            state: Mutex::new(Recorded::default()),
        }
    }

    fn record(&self, rel: &str, html: Option<&[u8]>) {
        match html {
            // Speed (10,000-page benchmark): rendered pages are UTF-8; SIMD validation
            // instead of a lossy copy of every page (4 % of a build in a profile).
            Some(bytes) => match simdutf8::basic::from_utf8(bytes) {
                Ok(text) => self.record_text(rel, Some(text)),
                Err(_) => self.record_text(rel, Some(&String::from_utf8_lossy(bytes))),
            },
            None => self.record_text(rel, None),
        }
    }

    fn record_text(&self, rel: &str, html: Option<&str>) {
        let rel = rel.trim_start_matches('/');
        // The site's own links of the page with the file each points to (outside the
        // lock: this is the costly part).
        let found: Vec<(String, String)> = html.map_or_else(Vec::new, |text| {
            html_links(text)
                .into_iter()
                .filter_map(|link| {
                    let path = self.base.site_path(&link, rel)?;
                    Some((link, path))
                })
                .collect()
        });
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        // The page itself first: a link to itself (`./`) resolves.
        let (id, _) = state.written.insert_full(rel.into());
        state.fulfil(rel);
        // Ids past u32 (four billion files) cannot happen; such a page would be named
        // by no id, and its dead links still reported (without it in the list).
        let page = u32::try_from(id).unwrap_or(u32::MAX);
        for (link, path) in found {
            if !resolves(&path, &|f| state.written.contains(f)) {
                state.wait(path, link, page);
            }
        }
    }

    /// How many distinct files were written through this sink (0 when it writes no
    /// folder). Speed: counted as files are written; walking 10,000 output folders
    /// afterwards just to count them took longer than writing the sitemap.
    pub fn files_written(&self) -> usize {
        match self.inner.dir() {
            Some(_) => self.state.lock().map_or(0, |s| s.written.len()),
            None => 0,
        }
    }

    /// Every internal link that resolves to no file written, as errors. `source_of`
    /// gives, for an output file (`van-ban/index.html`) and a dead link on it, the
    /// place in the content file it was rendered from, when there is one ([`line_of`]
    /// finds the line).
    pub fn check(&self, source_of: &SourceOf) -> Diagnostics {
        self.check_with(source_of, &|_| false)
    }

    /// [`LinkSink::check`], where a link also resolves to a file `exists` knows of:
    /// `serve`'s fast path renders a few pages and checks their links against the files
    /// it wrote and the last full build's output on disk.
    pub fn check_with(&self, source_of: &SourceOf, exists: &dyn Fn(&str) -> bool) -> Diagnostics {
        // Read in place (the build has stopped writing): no copy of every link.
        let Ok(state) = self.state.lock() else {
            return Diagnostics::new();
        };
        let written = &state.written;
        // dead link → pages carrying it (sorted, deduplicated)
        let mut dead: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for (path, links) in &state.pending {
            // Nothing written resolves a pending link (see `fulfil`); `exists` may.
            if resolves(path, &|f| written.contains(f) || exists(f)) {
                continue;
            }
            for (link, ids) in links {
                let pages = dead.entry(link.to_string()).or_default();
                for &id in ids {
                    if let Some(name) = written.get_index(id as usize) {
                        pages.insert(name);
                    }
                }
            }
        }
        let mut out = Diagnostics::new();
        let total = dead.len();
        for (link, pages) in dead.into_iter().take(SHOWN_LINKS) {
            let first = pages.iter().next().copied().unwrap_or_default();
            let location = source_of(first, &link)
                .unwrap_or_else(|| Location::file(Path::new("public").join(first)));
            let shown: Vec<String> = pages
                .iter()
                .take(SHOWN_PAGES)
                .map(|p| format!("/{}", p.trim_end_matches("index.html")))
                .collect();
            let more = pages.len().saturating_sub(SHOWN_PAGES);
            let pages_text = if more > 0 {
                format!("{} và {more} trang khác", shown.join(", "))
            } else {
                shown.join(", ")
            };
            out.push(
                Diagnostic::error(format!(
                    "liên kết hỏng \u{201c}{link}\u{201d}: trang đích không có trên trang web ({} trang chứa liên kết này: {pages_text})",
                    pages.len()
                ))
                .at(location)
                .hint(
                    "sửa hoặc xóa liên kết; liên kết tới trang khác trong nội dung nên viết dạng @/muc/trang.md để được kiểm tra tên tệp; \
                     nếu liên kết nằm trong mẫu giao diện (templates/ hoặc themes/), tạo trang đích (ví dụ content/canh-bao/cach-nhan-biet.md) hoặc sửa mẫu",
                ),
            );
        }
        // A site-wide mistake (a template linking every page to a missing one, a moved
        // folder) gives thousands of dead links: the first ones, then one line for the rest.
        if total > SHOWN_LINKS {
            out.push(
                Diagnostic::error(format!(
                    "còn {} liên kết hỏng khác (tổng cộng {total} địa chỉ đích không có trên trang web)",
                    total - SHOWN_LINKS
                ))
                .hint(
                    "thường do một lỗi chung: một mẫu giao diện hay một thư mục bị đổi tên; sửa các liên kết trên rồi chạy lại congkhai check để xem phần còn lại",
                ),
            );
        }
        out
    }
}

/// Dead link targets reported one by one before the rest is summed up in one line.
const SHOWN_LINKS: usize = 20;

/// For an output file and a dead link on it, where the link comes from (see
/// [`LinkSink::check`]).
pub type SourceOf<'a> = dyn Fn(&str, &str) -> Option<Location> + 'a;

/// The 1-based line of `text` (a content file) where `link` is written, preferring a
/// Markdown or HTML link (`](link`, `"link"`, `<link>`, `: link`) over any mention;
/// `None` when the text does not contain it (a link made by a template).
pub fn line_of(text: &str, link: &str) -> Option<usize> {
    if link.is_empty() {
        return None;
    }
    let forms = [
        format!("]({link}"),
        format!("\"{link}\""),
        format!("'{link}'"),
        format!("<{link}>"),
        format!(": {link}"),
        format!("={link}"),
        link.to_string(),
    ];
    let at = forms.iter().find_map(|f| text.find(f.as_str()))?;
    Some(text[..at].matches('\n').count() + 1)
}

impl Sink for LinkSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.inner.write(rel, bytes)?;
        self.record(rel, is_html(rel).then_some(bytes));
        Ok(())
    }

    fn write_text(&self, rel: &str, text: &str) -> Result<(), Diagnostic> {
        self.inner.write_text(rel, text)?;
        self.record_text(rel, is_html(rel).then_some(text));
        Ok(())
    }

    fn copy(&self, rel: &str, source: &Path) -> Result<(), Diagnostic> {
        self.inner.copy(rel, source)?;
        // A copied file (static, attachment) is a target; an HTML file copied as is
        // (static/) is not checked: it is the ward's own file, not a page congkhai made.
        self.record(rel, None);
        Ok(())
    }

    fn dir(&self) -> Option<&Path> {
        self.inner.dir()
    }
    fn written_digest(&self, rel: &str) -> Option<(u64, String)> {
        self.inner.written_digest(rel)
    }
}

fn is_html(rel: &str) -> bool {
    rel.ends_with(".html") || rel.ends_with(".htm")
}

/// The site's base URL split into scheme+host and path prefix.
struct Base {
    /// `https://hoaan.example.vn` (lower-case), empty for a relative base.
    origin: String,
    /// `/` or `/cong/`.
    prefix: String,
}

impl Base {
    fn of(base_url: &str) -> Base {
        let b = base_url.trim();
        if let Some(i) = b.find("://") {
            let after = &b[i + 3..];
            let (host, path) = match after.find('/') {
                Some(j) => (&after[..j], &after[j..]),
                None => (after, "/"),
            };
            let mut prefix = path.to_string();
            if !prefix.ends_with('/') {
                prefix.push('/');
            }
            Base {
                origin: format!("{}{}", b[..i + 3].to_lowercase(), host.to_lowercase()),
                prefix,
            }
        } else {
            let mut prefix = format!("/{}", b.trim_matches('/'));
            if !prefix.ends_with('/') {
                prefix.push('/');
            }
            Base {
                origin: String::new(),
                prefix,
            }
        }
    }

    /// The path inside the output folder (`van-ban/`, `a/b.csv`) a link points to, or
    /// None when it points outside the site (another host, `mailto:`, `#top`).
    fn site_path(&self, link: &str, page: &str) -> Option<String> {
        let link = link.trim();
        let no_frag = link.split('#').next().unwrap_or("");
        let no_query = no_frag.split('?').next().unwrap_or("");
        if no_query.is_empty() {
            return None; // "#top", "?q=", ""
        }
        let lower = no_query.to_ascii_lowercase();
        let path = if lower.starts_with("//") || lower.contains("://") {
            let abs = if lower.starts_with("//") {
                let scheme = self.origin.split("//").next().unwrap_or("https:");
                format!("{scheme}{no_query}")
            } else {
                no_query.to_string()
            };
            if self.origin.is_empty() || !abs.to_ascii_lowercase().starts_with(&self.origin) {
                return None;
            }
            let rest = &abs[self.origin.len()..];
            if !(rest.is_empty() || rest.starts_with('/')) {
                return None; // https://hoaan.example.vn.evil/…
            }
            let rest = if rest.is_empty() { "/" } else { rest };
            rest.strip_prefix(self.prefix.trim_end_matches('/'))?
                .to_string()
        } else if lower.contains(':') && !lower.starts_with('/') && !lower.starts_with('.') {
            // mailto:, tel:, data:, javascript: (sanitised away before this).
            let scheme = &lower[..lower.find(':').unwrap_or(0)];
            if scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            {
                return None;
            }
            join(page, no_query)
        } else if let Some(p) = no_query.strip_prefix('/') {
            let p = format!("/{p}");
            p.strip_prefix(self.prefix.trim_end_matches('/'))
                .map(str::to_string)
                .unwrap_or(p)
        } else {
            join(page, no_query)
        };
        Some(normalise(&percent_decode(&path)))
    }
}

/// A relative link on output file `page` (`van-ban/x/index.html`) → `/van-ban/x/y`.
fn join(page: &str, rel: &str) -> String {
    let dir = match page.rfind('/') {
        Some(i) => &page[..=i],
        None => "",
    };
    format!("/{dir}{rel}")
}

/// `/a/./b/../c/` → `a/c/`; never climbs above the root.
fn normalise(path: &str) -> String {
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(hex) = std::str::from_utf8(&bytes[i + 1..i + 3])
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a site path names a file written (`has`): the file itself, or a folder's
/// `index.html`.
fn resolves(path: &str, has: &dyn Fn(&str) -> bool) -> bool {
    if path.is_empty() {
        return has("index.html");
    }
    if let Some(dir) = path.strip_suffix('/') {
        return has(&format!("{dir}/index.html"));
    }
    has(path) || has(&format!("{path}/index.html"))
}

/// The values of `href` and `src` attributes of the tags in an HTML document (quoted or
/// not, entities `&amp;` decoded); text, comments, scripts and styles are skipped.
pub fn html_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    // Speed (126-commune benchmark): every page passes here; tag and attribute names
    // are compared in place, never lower-cased into new strings.
    while i < b.len() {
        match memchr::memchr(b'<', &b[i..]) {
            Some(o) => i += o,
            None => break,
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |j| i + j + 3);
            continue;
        }
        // Tag name.
        let start = i + 1;
        let mut j = start;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        if j == start {
            i += 1;
            continue;
        }
        let name = &b[start..j];
        // Attributes up to '>'.
        let mut k = j;
        while k < b.len() && b[k] != b'>' {
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            let a0 = k;
            while k < b.len() && !b[k].is_ascii_whitespace() && !b"=>".contains(&b[k]) {
                k += 1;
            }
            let attr = &b[a0..k];
            while k < b.len() && b[k].is_ascii_whitespace() {
                k += 1;
            }
            if k < b.len() && b[k] == b'=' {
                k += 1;
                while k < b.len() && b[k].is_ascii_whitespace() {
                    k += 1;
                }
                let (v0, v1) = if k < b.len() && (b[k] == b'"' || b[k] == b'\'') {
                    let q = b[k];
                    let v0 = k + 1;
                    let mut e = v0;
                    while e < b.len() && b[e] != q {
                        e += 1;
                    }
                    k = (e + 1).min(b.len());
                    (v0, e.min(b.len()))
                } else {
                    let v0 = k;
                    while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'>' {
                        k += 1;
                    }
                    (v0, k)
                };
                if (attr.eq_ignore_ascii_case(b"href") || attr.eq_ignore_ascii_case(b"src"))
                    && !name.eq_ignore_ascii_case(b"base")
                {
                    out.push(html[v0..v1].replace("&amp;", "&"));
                }
            } else if a0 == k && k < b.len() && b[k] != b'>' {
                k += 1; // a stray character ('/' of a self-closing tag)
            }
        }
        i = k + 1;
        if name.eq_ignore_ascii_case(b"script") || name.eq_ignore_ascii_case(b"style") {
            let from = i.min(b.len());
            i = find_end_tag(&b[from..], name).map_or(b.len(), |j| from + j);
        }
    }
    out
}

/// Where `</name` starts in `b`, any case.
fn find_end_tag(b: &[u8], name: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'<', b).find(|&p| {
        b.get(p + 1) == Some(&b'/')
            && b.get(p + 2..p + 2 + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_of_tags_only() {
        let html = r#"<!doctype html><a href="/a/">x</a><a href=/b/ class=c>y</a>
            <img src='c.png' alt="href=/no/"><p>href="/text/"</p><!-- <a href="/comment/"> -->
            <script>var s = '<a href="/script/">';</script><link rel=stylesheet href=/s.css>
            <a href="/q?x=1&amp;y=2">z</a><br/><a data-x href="/after-bool/">w</a>"#;
        assert_eq!(
            html_links(html),
            [
                "/a/",
                "/b/",
                "c.png",
                "/s.css",
                "/q?x=1&y=2",
                "/after-bool/"
            ]
        );
    }

    /// Names in any case: an upper-case script still hides its text, an upper-case
    /// `BASE` is still no link, and a script never closed hides the rest.
    #[test]
    fn tag_and_attribute_names_in_any_case() {
        let html = r#"<A HREF="/a/">x</A><BASE HREF="/base/"><Script>'<a href="/s/">'</SCRIPT>
            <sTyLe>a{b:url(/style/)}</StYlE><IMG Src=/i.png><script>'<a href="/never/">'"#;
        assert_eq!(html_links(html), ["/a/", "/i.png"]);
        assert_eq!(find_end_tag(b"x</SCRIPT>", b"script"), Some(1));
        assert_eq!(find_end_tag(b"x</scrip", b"script"), None);
    }

    #[test]
    fn site_paths() {
        let b = Base::of("https://hoaan.example.vn");
        let page = "van-ban/ke-hoach/index.html";
        // (link, site path or None when outside the site)
        for (link, want) in [
            ("/van-ban/", Some("van-ban/")),
            ("/", Some("")),
            ("https://hoaan.example.vn/tim-kiem/", Some("tim-kiem/")),
            ("HTTPS://HOAAN.example.vn", Some("")),
            ("//hoaan.example.vn/a.css", Some("a.css")),
            ("https://hoaan.example.vn.evil/x", None),
            ("https://dichvucong.gov.vn/", None),
            ("mailto:a@b.vn", None),
            ("tel:113", None),
            ("#muc-1", None),
            ("ke-hoach-58.pdf", Some("van-ban/ke-hoach/ke-hoach-58.pdf")),
            ("../", Some("van-ban/")),
            ("../../../../etc/passwd", Some("etc/passwd")),
            ("/a%20b.pdf#page=2", Some("a b.pdf")),
        ] {
            assert_eq!(b.site_path(link, page).as_deref(), want, "{link}");
        }
        let sub = Base::of("https://x.vn/cong/");
        assert_eq!(
            sub.site_path("/cong/van-ban/", "index.html").as_deref(),
            Some("van-ban/")
        );
        assert_eq!(
            sub.site_path("https://x.vn/cong/a/", "index.html")
                .as_deref(),
            Some("a/")
        );
        assert_eq!(sub.site_path("https://x.vn/other/", "index.html"), None);
    }

    /// A sink that keeps nothing: the link checks only look at what passes through.
    struct Null;
    impl Sink for Null {
        fn write(&self, _: &str, _: &[u8]) -> Result<(), Diagnostic> {
            Ok(())
        }
        fn copy(&self, _: &str, _: &Path) -> Result<(), Diagnostic> {
            Ok(())
        }
    }

    #[test]
    fn dead_links_are_reported_once_with_their_pages() {
        let null = Null;
        let s = LinkSink::new(&null, "https://x.vn");
        let page = |links: &str| format!("<html><body>{links}</body></html>");
        s.write(
            "index.html",
            page(r#"<a href="/van-ban/">.</a><a href="/mat/">.</a>"#).as_bytes(),
        )
        .unwrap();
        for i in 0..7 {
            s.write(
                &format!("p{i}/index.html"),
                page(r#"<a href="/mat/">.</a><a href="tep.pdf">.</a><a href="/">.</a>"#).as_bytes(),
            )
            .unwrap();
        }
        s.write("van-ban/index.html", b"<p>ok</p>").unwrap();
        s.copy("p0/tep.pdf", Path::new("x")).unwrap();
        let source =
            |p: &str, _: &str| (p == "index.html").then(|| Location::file("content/_index.md"));
        let d = s.check(&source);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(d.iter().count(), 2, "{msgs:?}");
        let mat = d.iter().find(|d| d.message.contains("/mat/")).unwrap();
        assert!(mat.message.contains("8 trang"), "{}", mat.message);
        assert!(mat.message.contains("và 3 trang khác"), "{}", mat.message);
        assert_eq!(
            mat.location.as_ref().unwrap().file,
            Path::new("content/_index.md")
        );
        // p1…p6 lack tep.pdf, p0 has it.
        let pdf = d.iter().find(|d| d.message.contains("tep.pdf")).unwrap();
        assert!(pdf.message.contains("6 trang"), "{}", pdf.message);
        assert!(!pdf.message.contains("/p0/"), "{}", pdf.message);
    }

    /// Only links to files not written yet are kept for the check: whichever comes
    /// first, the page or its target, the verdict is the same.
    #[test]
    fn links_resolved_when_written_are_not_kept() {
        let null = Null;
        let s = LinkSink::new(&null, "https://x.vn/");
        s.write("a/index.html", b"<p>a</p>").unwrap();
        let links = br#"<a href="/a/">.</a><a href="https://x.vn/b/">.</a><a href="./">.</a><a href="https://khac.vn/">.</a>"#;
        s.write("c/index.html", links).unwrap();
        let want = vec![(
            "b/".to_string(),
            "https://x.vn/b/".to_string(),
            vec!["c/index.html".to_string()],
        )];
        assert_eq!(pending(&s), want);
        assert_eq!(s.check(&|_, _| None).iter().count(), 1);
        s.write("b/index.html", b"<p>b</p>").unwrap();
        // Written at last: the link left the pending map at once, not at the check.
        assert!(pending(&s).is_empty());
        assert!(s.check(&|_, _| None).is_empty());
    }

    /// Every pending link as (site path, link, pages), sorted.
    fn pending(s: &LinkSink) -> Vec<(String, String, Vec<String>)> {
        let state = s.state.lock().unwrap();
        let mut all = Vec::new();
        for (path, links) in &state.pending {
            for (link, ids) in links {
                let pages = ids.iter().map(|&id| state.written[id as usize].to_string());
                all.push((path.to_string(), link.to_string(), pages.collect()));
            }
        }
        all.sort();
        all
    }

    /// Each way a link names a file (`resolves`) is released by the write of that file
    /// and by no other, whichever order: the pending map is `resolves` inverted.
    #[test]
    fn a_pending_link_leaves_when_its_file_is_written() {
        for (link, file, other) in [
            ("/a", "a", "a/b.html"),
            ("/a", "a/index.html", "ab/index.html"),
            ("/a/", "a/index.html", "a"),
            ("/", "index.html", "a/index.html"),
            ("https://x.vn", "index.html", "x/index.html"),
            ("/a/b.pdf", "a/b.pdf", "a/b.pdf/x"),
            ("../c/", "c/index.html", "p/c/index.html"),
        ] {
            let null = Null;
            let s = LinkSink::new(&null, "https://x.vn/");
            let html = format!(r#"<a href="{link}">.</a>"#);
            s.write("p/index.html", html.as_bytes()).unwrap();
            s.write("q/index.html", html.as_bytes()).unwrap();
            let waiting = pending(&s);
            assert_eq!(waiting.len(), 1, "{link}: {waiting:?}");
            assert_eq!(waiting[0].2, ["p/index.html", "q/index.html"], "{link}");
            s.write(other, b"x").unwrap();
            assert_eq!(pending(&s).len(), 1, "{link} released by {other}");
            s.write(file, b"x").unwrap();
            assert!(pending(&s).is_empty(), "{link} not released by {file}");
            assert!(s.check(&|_, _| None).is_empty(), "{link}");
        }
    }

    #[test]
    fn links_resolve_to_files_already_on_disk_too() {
        let null = Null;
        let s = LinkSink::new(&null, "https://x.vn");
        s.write(
            "a/index.html",
            br#"<a href="/b/">.</a><a href="/c.pdf">.</a><a href="/mat/">.</a>"#,
        )
        .unwrap();
        let on_disk = |f: &str| f == "b/index.html" || f == "c.pdf";
        let d = s.check_with(&|_, _| None, &on_disk);
        let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("/mat/"), "{msgs:?}");
        // Without the files on disk all three are dead.
        assert_eq!(s.check(&|_, _| None).iter().count(), 3);
    }

    #[test]
    fn the_line_of_a_link_in_its_content_file() {
        let text = "+++\ntitle = \"x\"\n+++\nXem /mat/ ở dưới.\n\n[đây](/mat/) và <a href=\"/html/\">x</a>\n";
        // A Markdown link wins over an earlier mention in the text.
        assert_eq!(line_of(text, "/mat/"), Some(6));
        assert_eq!(line_of(text, "/html/"), Some(6));
        assert_eq!(line_of(text, "/khong-co-trong-tep/"), None);
        assert_eq!(line_of(text, ""), None);
    }

    #[test]
    fn thousands_of_dead_targets_end_in_one_summary_line() {
        let null = Null;
        let s = LinkSink::new(&null, "https://x.vn");
        for i in 0..500 {
            let html = format!("<a href=\"/mat-{i}/\">.</a>");
            s.write(&format!("p{i}/index.html"), html.as_bytes())
                .unwrap();
        }
        let d = s.check(&|_, _| None);
        assert_eq!(d.iter().count(), SHOWN_LINKS + 1);
        let last = d.iter().last().unwrap();
        assert!(
            last.message.contains("còn 480 liên kết hỏng khác") && last.message.contains("500"),
            "{}",
            last.message
        );
    }

    /// One page links a missing page in 20,000 spellings (a query each): each
    /// spelling is its own dead link, and writing the page releases them all.
    #[test]
    fn many_spellings_of_one_missing_page() {
        let null = Null;
        let html: String = (0..20_000)
            .map(|i| format!("<a href=\"/tim-kiem/?q={i}\">.</a>"))
            .collect();
        let s = LinkSink::new(&null, "https://x.vn");
        s.write("a/index.html", html.as_bytes()).unwrap();
        s.write("b/index.html", html.as_bytes()).unwrap();
        let d = s.check(&|_, _| None);
        assert_eq!(d.iter().count(), SHOWN_LINKS + 1);
        let first = d.iter().next().unwrap();
        assert!(first.message.contains("(2 trang"), "{}", first.message);
        let last = d.iter().last().unwrap();
        assert!(last.message.contains("20000"), "{}", last.message);
        s.write("tim-kiem/index.html", b"x").unwrap();
        assert!(pending(&s).is_empty());
        assert!(s.check(&|_, _| None).is_empty());
    }
}
