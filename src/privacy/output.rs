//! The privacy choke point: every file the build writes passes [`ScanSink`].
//!
//! `site::generate` wraps the build's [`Sink`] in a [`ScanSink`], so nothing reaches the
//! output (HTML, CSV, JSON, iCalendar, XML feeds and sitemap, the search index, copied
//! static and bundle text files) without being scanned by [`super::scan_text`]. Each
//! format is reduced to the text a reader sees: HTML/XML/SVG text nodes, comments and
//! attribute values (entities decoded; not tag names, not geometry such as `d` or
//! `viewBox`), JSON strings and numbers one by one, CSV cells one by one, unfolded
//! iCalendar lines. A finding stops the build; the error names the source file and line
//! where the same identifier (same normalised key) is written, found by scanning the
//! site's sources with the same scanner, or else the output file.

use std::path::{Path, PathBuf};

use super::{Finding, scan_text};
use crate::diagnostics::{Diagnostic, Location};
use crate::output::Sink;

/// How an output file is read for scanning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markup,
    Json,
    Csv,
    Ics,
    Text,
    /// Images, PDF, fonts, archives: not scanned (see docs/security.md).
    Binary,
}

/// The format of an output file, by its extension.
pub fn format_of(rel: &str) -> Format {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" | "xhtml" | "xml" | "svg" | "rss" | "atom" => Format::Markup,
        "json" | "webmanifest" | "geojson" => Format::Json,
        "csv" | "tsv" => Format::Csv,
        "ics" | "ical" | "vcf" => Format::Ics,
        "txt" | "md" | "markdown" | "js" | "mjs" | "toml" | "yaml" | "yml" | "" => Format::Text,
        _ => Format::Binary,
    }
}

/// Personal identifiers in the text of an output file.
pub fn scan_output(rel: &str, bytes: &[u8], allow: &[String]) -> Vec<Finding> {
    if format_of(rel) == Format::Binary {
        return Vec::new();
    }
    // Valid UTF-8 (every file congkhai renders) is borrowed after a SIMD check; only
    // odd bytes in a copied file take the slower lossy path.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => scan_output_text(rel, s, allow),
        Err(_) => scan_output_text(rel, &String::from_utf8_lossy(bytes), allow),
    }
}

/// [`scan_output`] of a file whose text is already known to be UTF-8.
pub fn scan_output_text(rel: &str, text: &str, allow: &[String]) -> Vec<Finding> {
    let visible = match format_of(rel) {
        Format::Binary => return Vec::new(),
        Format::Markup => markup_text(text),
        Format::Json => json_text(text),
        Format::Csv => csv_text(text, rel.ends_with(".tsv")),
        Format::Ics => ics_text(text),
        Format::Text => text.to_string(),
    };
    scan_text(&visible, allow)
}

/// `s` in ASCII lower case, in `buf`; `None` when longer than any name looked up below.
fn lower<'a>(s: &'a str, buf: &'a mut [u8; 24]) -> Option<&'a [u8]> {
    let b = s.as_bytes();
    if b.len() > buf.len() {
        return None;
    }
    // The names congkhai writes are lower case already: no copy then.
    if !b.iter().any(u8::is_ascii_uppercase) {
        return Some(b);
    }
    let dst = &mut buf[..b.len()];
    for (d, c) in dst.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    Some(dst)
}

/// Attributes that hold geometry, styling or integrity hashes, never words. Speed
/// (10,000-page benchmark, docs/security.md): one `match` on a lower-cased stack copy,
/// not a search through a list, since every attribute of every page passes here.
fn is_skipped_attr(attr: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(attr, &mut buf),
        Some(
            b"d" | b"points"
                | b"viewbox"
                | b"transform"
                | b"x"
                | b"y"
                | b"x1"
                | b"y1"
                | b"x2"
                | b"y2"
                | b"cx"
                | b"cy"
                | b"r"
                | b"rx"
                | b"ry"
                | b"dx"
                | b"dy"
                | b"width"
                | b"height"
                | b"fill"
                | b"stroke"
                | b"stroke-width"
                | b"stroke-dasharray"
                | b"offset"
                | b"font-size"
                | b"style"
                | b"integrity"
                | b"srcset"
                | b"sizes"
                | b"path"
                | b"xmlns"
                | b"version"
                | b"tabindex"
                | b"colspan"
                | b"rowspan"
                | b"start"
        )
    )
}

/// Tags that do not break a line of text: "091<b>234</b>5678" reads as one number.
fn is_inline_tag(name: &str) -> bool {
    let mut buf = [0; 24];
    matches!(
        lower(name, &mut buf),
        Some(
            b"b" | b"i"
                | b"em"
                | b"strong"
                | b"span"
                | b"u"
                | b"s"
                | b"mark"
                | b"small"
                | b"sub"
                | b"sup"
                | b"code"
                | b"abbr"
                | b"bdi"
                | b"bdo"
                | b"cite"
                | b"dfn"
                | b"kbd"
                | b"q"
                | b"samp"
                | b"var"
                | b"ins"
                | b"del"
                | b"font"
                | b"tspan"
                | b"wbr"
        )
    )
}

/// The visible text of HTML, XML or SVG: text nodes, comments and attribute values, one
/// block per line, entities decoded.
pub fn markup_text(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    let mut out = String::with_capacity(n / 2);
    let mut i = 0;
    while i < n {
        if b[i] != b'<' {
            let end = memchr::memchr(b'<', &b[i..]).map_or(n, |k| i + k);
            push_decoded(&mut out, &s[i..end]);
            i = end;
            continue;
        }
        let rest = &s[i..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").unwrap_or(body.len());
            out.push('\n');
            push_decoded(&mut out, &body[..end]);
            out.push('\n');
            i += 4 + (end + 3).min(body.len());
            continue;
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let end = body.find("]]>").unwrap_or(body.len());
            out.push('\n');
            out.push_str(&body[..end]);
            out.push('\n');
            i += 9 + (end + 3).min(body.len());
            continue;
        }
        let mut j = i + 1;
        let closing = b.get(j) == Some(&b'/');
        if closing {
            j += 1;
        }
        let name_start = j;
        while j < n && (b[j].is_ascii_alphanumeric() || matches!(b[j], b':' | b'-' | b'_')) {
            j += 1;
        }
        if j == name_start {
            if matches!(b.get(j), Some(b'!' | b'?')) {
                // Doctype, processing instruction.
                i = s[j..].find('>').map_or(n, |k| j + k + 1);
            } else {
                out.push('<');
                i += 1;
            }
            continue;
        }
        let name = &s[name_start..j];
        if !is_inline_tag(name) {
            out.push('\n');
        }
        // Attributes.
        while j < n && b[j] != b'>' {
            if b[j].is_ascii_whitespace() || b[j] == b'/' {
                j += 1;
                continue;
            }
            let a0 = j;
            while j < n && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let attr = &s[a0..j];
            while j < n && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < n && b[j] == b'=' {
                j += 1;
                while j < n && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let (v0, v1, next) = match b.get(j) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let e = s[j + 1..].find(q as char).map_or(n, |k| j + 1 + k);
                        (j + 1, e, (e + 1).min(n))
                    }
                    _ => {
                        let mut e = j;
                        while e < n && !b[e].is_ascii_whitespace() && b[e] != b'>' {
                            e += 1;
                        }
                        (j, e, e)
                    }
                };
                if !is_skipped_attr(attr) {
                    out.push('\n');
                    push_decoded(&mut out, &s[v0..v1]);
                    out.push('\n');
                }
                j = next;
            }
        }
        i = (j + 1).min(n.max(j + 1));
        let script = name.eq_ignore_ascii_case("script");
        if !closing && (script || name.eq_ignore_ascii_case("style")) {
            let close = format!("</{}", name.to_ascii_lowercase());
            let body_end = find_ci(&s[i.min(n)..], &close).map_or(n, |k| i + k);
            if script {
                out.push('\n');
                out.push_str(&s[i.min(n)..body_end]);
                out.push('\n');
            }
            i = body_end;
        }
    }
    out
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let nd = needle.as_bytes();
    if nd.is_empty() || h.len() < nd.len() {
        return None;
    }
    // The needle starts with '<' (a closing tag): only those positions are compared.
    memchr::memchr_iter(nd[0], h).find(|&k| {
        h.get(k..k + nd.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(nd))
    })
}

/// Append `s` with its character references decoded.
fn push_decoded(out: &mut String, s: &str) {
    if !s.contains('&') {
        out.push_str(s);
        return;
    }
    let mut rest = s;
    while let Some(k) = rest.find('&') {
        out.push_str(&rest[..k]);
        rest = &rest[k..];
        let semi = rest.bytes().take(40).position(|b| b == b';');
        let decoded = semi.and_then(|e| decode_entity(&rest[1..e]).map(|c| (c, e + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(h) => u32::from_str_radix(h, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(v);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" | "NonBreakingSpace" => '\u{a0}',
        "thinsp" | "ThinSpace" => '\u{2009}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "numsp" => '\u{2007}',
        "puncsp" => '\u{2008}',
        "hairsp" => '\u{200a}',
        "zwsp" | "ZeroWidthSpace" => '\u{200b}',
        "shy" => '\u{ad}',
        "ndash" => '–',
        "mdash" => '—',
        "dash" | "hyphen" => '‐',
        "minus" => '−',
        "commat" => '@',
        "period" => '.',
        "lpar" => '(',
        "rpar" => ')',
        "lowbar" => '_',
        "sol" => '/',
        "plus" => '+',
        "comma" => ',',
        "colon" => ':',
        "middot" => '·',
        _ => return None,
    })
}

/// JSON strings (unescaped) and numbers, one per line.
pub fn json_text(s: &str) -> String {
    let b = s.as_bytes();
    let n = b.len();
    let mut out = String::with_capacity(n);
    let mut i = 0;
    while i < n {
        match b[i] {
            b'"' => {
                let mut j = i + 1;
                let mut escaped = false;
                while j < n && b[j] != b'"' {
                    if b[j] == b'\\' {
                        escaped = true;
                        j += 1;
                    }
                    j += 1;
                }
                let raw = &s[i + 1..j.min(n)];
                out.push('\n');
                if escaped {
                    match serde_json::from_str::<String>(&s[i..(j + 1).min(n)]) {
                        Ok(v) => out.push_str(&v),
                        Err(_) => out.push_str(raw),
                    }
                } else {
                    out.push_str(raw);
                }
                out.push('\n');
                i = j + 1;
            }
            b'0'..=b'9' | b'-' => {
                let mut j = i;
                while j < n && matches!(b[j], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                    j += 1;
                }
                out.push('\n');
                out.push_str(&s[i..j]);
                out.push('\n');
                i = j;
            }
            _ => i += 1,
        }
    }
    out
}

/// CSV cells, one per line (a run of digits never joins two cells).
pub fn csv_text(s: &str, tab: bool) -> String {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(if tab { b'\t' } else { b',' })
        .from_reader(s.as_bytes());
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                for f in r.iter() {
                    out.push_str(f);
                    out.push('\n');
                }
            }
            // Not CSV after all: scan it as plain text.
            Err(_) => return s.to_string(),
        }
    }
    out
}

/// iCalendar with folded lines joined and text escapes undone; `UID` lines (an event's
/// generated `date-slug@host` identifier, not an address) are left out.
pub fn ics_text(s: &str) -> String {
    let unfolded = s
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "");
    unfolded
        .lines()
        .filter(|l| !l.get(..4).is_some_and(|k| k.eq_ignore_ascii_case("UID:")))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

/// Wraps the build's sink: every file is scanned before it is written.
pub struct ScanSink<'a> {
    inner: &'a dyn Sink,
    allow: Vec<String>,
    root: PathBuf,
    /// The site's configuration file, relative to `root` (searched first for the
    /// source of a finding).
    config_file: PathBuf,
}

impl<'a> ScanSink<'a> {
    pub fn new(inner: &'a dyn Sink, allow: Vec<String>, root: &Path) -> ScanSink<'a> {
        ScanSink {
            inner,
            allow,
            root: root.to_path_buf(),
            config_file: PathBuf::from("config.toml"),
        }
    }

    /// The configuration file the site was read from (`zola.toml`, the `-c` file;
    /// `config.toml` unless told).
    pub fn with_config_file(mut self, rel: &Path) -> Self {
        self.config_file = rel.to_path_buf();
        self
    }

    fn check(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let found = scan_output(rel, bytes, &self.allow);
        match found.first() {
            None => Ok(()),
            Some(f) => Err(output_diagnostic(
                &self.root,
                &self.config_file,
                rel,
                f,
                found.len(),
            )),
        }
    }
}

impl Sink for ScanSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.check(rel, bytes)?;
        self.inner.write(rel, bytes)
    }

    fn write_text(&self, rel: &str, text: &str) -> Result<(), Diagnostic> {
        let found = scan_output_text(rel, text, &self.allow);
        if let Some(f) = found.first() {
            return Err(output_diagnostic(
                &self.root,
                &self.config_file,
                rel,
                f,
                found.len(),
            ));
        }
        self.inner.write_text(rel, text)
    }

    fn copy(&self, rel: &str, source: &Path) -> Result<(), Diagnostic> {
        if format_of(rel) != Format::Binary {
            let bytes = std::fs::read(source).map_err(|e| {
                Diagnostic::error(format!("không đọc được tệp: {e}"))
                    .at(Location::file(source_rel(&self.root, source)))
                    .hint("kiểm tra tệp còn tồn tại và có quyền đọc")
            })?;
            let found = scan_output(rel, &bytes, &self.allow);
            if let Some(f) = found.first() {
                let mut d = output_diagnostic(&self.root, &self.config_file, rel, f, found.len());
                if d.location.is_none() {
                    d = d.at(Location::file(source_rel(&self.root, source)));
                }
                return Err(d);
            }
        }
        self.inner.copy(rel, source)
    }

    fn dir(&self) -> Option<&Path> {
        self.inner.dir()
    }
    fn written_digest(&self, rel: &str) -> Option<(u64, String)> {
        self.inner.written_digest(rel)
    }
}

fn source_rel(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root)
        .map_or_else(|_| p.to_path_buf(), Path::to_path_buf)
}

/// The error for a finding in output file `rel`, located at its source when found.
fn output_diagnostic(
    root: &Path,
    config_file: &Path,
    rel: &str,
    f: &Finding,
    count: usize,
) -> Diagnostic {
    let more = if count > 1 {
        format!(" và {} chỗ khác", count - 1)
    } else {
        String::new()
    };
    let message = format!("{}{more} (sẽ xuất ra tệp {rel})", f.message());
    match locate(root, config_file, &f.key) {
        Some(at) => Diagnostic::error(message).at(at).hint(Finding::HINT),
        None => Diagnostic::error(message).hint(format!(
            "không tìm được dòng nguồn: giá trị có thể bị che bằng mã HTML, được ghép từ nhiều chỗ, hoặc nằm trong bảng tính; tìm \u{201c}{}\u{201d} trong content/, data/, static/, templates/ và themes/ rồi xóa; {}",
            f.masked,
            Finding::HINT
        )),
    }
}

/// Source files searched for an identifier found in the output, in this order.
const SOURCE_DIRS: &[&str] = &["content", "data", "static", "templates", "themes"];

/// Text extensions read when looking for the source of a finding.
const SOURCE_TEXT: &[&str] = &[
    "md", "toml", "csv", "tsv", "txt", "json", "html", "htm", "svg", "xml", "ics", "yaml", "yml",
    "js",
];

/// The first source file (and line, or row and column for spreadsheets) where an
/// identifier with this normalised key is written: the configuration file
/// (`config_file`, relative to `root`: `config.toml`, `zola.toml` or the `-c` file),
/// then the source folders. Only runs when a build fails.
pub fn locate(root: &Path, config_file: &Path, key: &str) -> Option<Location> {
    let config = root.join(config_file);
    let mut files = vec![config.clone()];
    for d in SOURCE_DIRS {
        let dir = root.join(d);
        if !dir.is_dir() {
            continue;
        }
        let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
            .follow_links(false)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(walkdir::DirEntry::into_path)
            .collect();
        found.sort();
        files.extend(found);
    }
    for file in files {
        let ext = file
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let size = std::fs::metadata(&file).map_or(u64::MAX, |m| m.len());
        if size > 16 * 1024 * 1024 {
            continue;
        }
        let rel = source_rel(root, &file);
        if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
            let Ok(table) =
                crate::data::load_table(root, &rel, &crate::data::LoadOptions::default())
            else {
                continue;
            };
            for row in &table.rows {
                for c in &row.cells {
                    if scan_text(&c.value, &[]).iter().any(|f| f.key == key) {
                        return Some(Location::at(rel, c.row, c.column));
                    }
                }
            }
            continue;
        }
        if !SOURCE_TEXT.contains(&ext.as_str()) && file != config {
            continue;
        }
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let hay = if matches!(ext.as_str(), "html" | "htm" | "svg" | "xml") {
            // Keep line numbers: only decode entities, line by line.
            text.lines()
                .map(|l| {
                    let mut s = String::new();
                    push_decoded(&mut s, l);
                    s
                })
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            text.into_owned()
        };
        if let Some(f) = scan_text(&hay, &[]).into_iter().find(|f| f.key == key) {
            let line = hay[..f.start].matches('\n').count() + 1;
            return Some(Location::line(rel, line));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{is_inline_tag, is_skipped_attr, markup_text};

    #[test]
    fn name_lookups_ignore_case() {
        for (name, attr, inline) in [
            ("viewBox", true, false),
            ("STROKE-WIDTH", true, false),
            ("title", false, false),
            ("Span", false, true),
            ("B", false, true),
            ("a-very-long-custom-attribute-name", false, false),
            ("", false, false),
        ] {
            assert_eq!(is_skipped_attr(name), attr, "{name}");
            assert_eq!(is_inline_tag(name), inline, "{name}");
        }
    }

    /// Tag and attribute names are matched in any case: inline tags join a number,
    /// geometry attributes are skipped, scripts are read and styles are not.
    #[test]
    fn markup_names_in_any_case() {
        for (html, want) in [
            ("<P>091<B>234</b>5678</P>", "\n0912345678\n"),
            ("<SPAN TITLE=\"a&amp;b\">x</SPAN>", "\na&b\nx"),
            ("<PATH D=\"M0912345678\"/>", "\n"),
            ("<Script>var a=1;</SCRIPT>z", "\n\nvar a=1;\n\nz"),
            ("<STYLE>p{}</style>z", "\n\nz"),
        ] {
            assert_eq!(markup_text(html), want, "{html}");
        }
    }
}
