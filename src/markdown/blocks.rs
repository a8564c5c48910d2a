//! Speed (issue 18, province of 126 communes): the layout blocks every page repeats
//! (site header, warning banner, footer, print heads) are minified once, not once per page.
//!
//! With `minify_html = true` (the starter's setting) minify-html was about a quarter of a
//! commune's CPU time, and most of the bytes it minified on a notice page were the theme's
//! layout, the same bytes on every page. [`minify`] here gives exactly the bytes of
//! `minify_html::minify(page)`: the inner content of a layout block already seen is
//! replaced by a placeholder, the rest of the page (the "shell") is minified as usual, and
//! the placeholder is replaced by that block content minified once on its own.
//!
//! Why the bytes are the same. minify-html parses the page into a tree, then writes each
//! element from its name, its attributes, its parent's name, its next sibling's name and
//! its own children; an element's children are written from that element's name and the
//! children alone. So the children of an element `X` minify to the same bytes inside the
//! page as inside `<X>…</X>` alone, provided minify-html *parses* them to the same nodes
//! in both: that is what [`blocks`] makes sure of, with a strict reading that mirrors
//! minify-html's parser (`minify-html` 0.18, `parse/content.rs`, `parse/element.rs`) and
//! gives up at the first thing it does not fully understand:
//! - every start tag before and inside a block is well formed (quoted or simple
//!   attribute values) and does not implicitly close its parent (`can_omit_as_before`,
//!   minify-html's own table); every end tag closes the innermost open element; raw text
//!   (`script`, `style`, `textarea`, `title`) ends at its own end tag, comments at `-->`;
//! - no `html`, `head`, `body` start tag except the first of each at its usual place
//!   (minify-html keeps global state for those);
//! - a block is a `header`, `footer`, `section`, `nav`, `div`, `article` or `aside` (no
//!   closing-tag omission rule in minify-html, so its end tag is always written) that is
//!   a child of `body`, `body > main` or `body > main > article`: in the HTML namespace,
//!   not inside `pre`.
//!
//! Blocks after the first anomaly are not used (the parser's state there is not known);
//! a page containing the placeholder character U+E000 is minified whole. The tests
//! compare the result with `minify_html::minify` on hostile and ordinary pages, and the
//! demo and province outputs were compared byte for byte (docs/benchmarks.md).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex};

use minify_html_common::r#gen::codepoints::{TAG_NAME_CHAR, WHITESPACE};
use minify_html_common::spec::tag::omission::can_omit_as_before;
use minify_html_common::spec::tag::void::VOID_TAGS;
use sha2::{Digest, Sha256};

/// Elements whose content may be cached: no closing-tag omission rule in minify-html.
const CACHEABLE: &[&[u8]] = &[
    b"header", b"footer", b"section", b"nav", b"div", b"article", b"aside",
];

/// Blocks smaller than this are left in the page (hashing would cost what it saves).
const MIN_BLOCK: usize = 256;

/// Entries kept at most (a seen-once block costs 40 bytes, a minified one its size);
/// beyond, the cache starts again empty. Bounded for `build --all` over many sites.
const MAX_ENTRIES: usize = 20_000;

/// The placeholder's delimiter: a private-use character no page is expected to hold
/// (a page that holds it is minified whole).
const MARK: &str = "\u{E000}";

/// A cacheable element's content in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Block {
    pub name: Vec<u8>,
    pub inner: Range<usize>,
}

/// A block to splice: its minified content from the cache, or to minify and cache.
struct Use {
    block: Block,
    cached: Option<Arc<[u8]>>,
    key: [u8; 32],
}

enum Entry {
    /// Seen once: minified (and kept) when seen again.
    Seen,
    Minified(Arc<[u8]>),
}

static CACHE: LazyLock<Mutex<HashMap<[u8; 32], Entry>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn cfg() -> minify_html::Cfg {
    minify_html::Cfg::new()
}

fn key(name: &[u8], inner: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(name);
    h.update([0u8]);
    h.update(inner);
    h.finalize().into()
}

/// The minified content of `<name>inner</name>`, without the element's own tags.
fn minify_inner(name: &[u8], inner: &[u8]) -> Option<Vec<u8>> {
    let mut doc = Vec::with_capacity(inner.len() + 2 * name.len() + 5);
    doc.push(b'<');
    doc.extend_from_slice(name);
    doc.push(b'>');
    doc.extend_from_slice(inner);
    doc.extend_from_slice(b"</");
    doc.extend_from_slice(name);
    doc.push(b'>');
    let out = minify_html::minify(&doc, &cfg());
    let open = name.len() + 2;
    let close = name.len() + 3;
    let ok = out.len() >= open + close
        && out[0] == b'<'
        && &out[1..open - 1] == name
        && out[open - 1] == b'>'
        && out[out.len() - close..out.len() - close + 2] == *b"</"
        && &out[out.len() - close + 2..out.len() - 1] == name
        && out[out.len() - 1] == b'>';
    ok.then(|| out[open..out.len() - close].to_vec())
}

/// `minify_html::minify(html, &Cfg::new())`, byte for byte, with repeated layout blocks
/// minified once (module documentation).
pub(super) fn minify(html: &[u8]) -> Vec<u8> {
    let whole = || minify_html::minify(html, &cfg());
    if memchr::memmem::find(html, MARK.as_bytes()).is_some() {
        return whole();
    }
    let found = blocks(html);
    if found.is_empty() {
        return whole();
    }
    // Which blocks come from the cache, which are minified now to be cached.
    let mut used: Vec<Use> = Vec::new();
    {
        let Ok(mut cache) = CACHE.lock() else {
            return whole();
        };
        if cache.len() > MAX_ENTRIES {
            cache.clear();
        }
        for b in found {
            if b.inner.len() < MIN_BLOCK {
                continue;
            }
            let k = key(&b.name, &html[b.inner.clone()]);
            match cache.get(&k) {
                Some(Entry::Minified(m)) => used.push(Use {
                    block: b,
                    cached: Some(m.clone()),
                    key: k,
                }),
                Some(Entry::Seen) => used.push(Use {
                    block: b,
                    cached: None,
                    key: k,
                }),
                None => {
                    cache.insert(k, Entry::Seen);
                }
            }
        }
    }
    if used.is_empty() {
        return whole();
    }
    let mut parts: Vec<(Range<usize>, Arc<[u8]>)> = Vec::with_capacity(used.len());
    for Use {
        block: Block { name, inner },
        cached,
        key: k,
    } in used
    {
        let m = match cached {
            Some(m) => m,
            None => {
                let Some(m) = minify_inner(&name, &html[inner.clone()]) else {
                    continue;
                };
                let m: Arc<[u8]> = m.into();
                if let Ok(mut cache) = CACHE.lock() {
                    cache.insert(k, Entry::Minified(m.clone()));
                }
                m
            }
        };
        parts.push((inner, m));
    }
    // Blocks are listed as they close, so a cached block inside another cached one
    // (an `article` in `main`, when a page is rendered twice, as serve does) comes
    // before it: keep them in page order and drop any block inside one already kept.
    parts.sort_by_key(|(inner, _)| (inner.start, std::cmp::Reverse(inner.end)));
    let mut end = 0;
    parts.retain(|(inner, _)| {
        let outside = inner.start >= end;
        if outside {
            end = inner.end;
        }
        outside
    });
    if parts.is_empty() {
        return whole();
    }
    // The shell: each block's content replaced by MARK index MARK.
    let mut shell = Vec::with_capacity(html.len());
    let mut at = 0;
    for (i, (inner, _)) in parts.iter().enumerate() {
        shell.extend_from_slice(&html[at..inner.start]);
        shell.extend_from_slice(MARK.as_bytes());
        shell.extend_from_slice(i.to_string().as_bytes());
        shell.extend_from_slice(MARK.as_bytes());
        at = inner.end;
    }
    shell.extend_from_slice(&html[at..]);
    let small = minify_html::minify(&shell, &cfg());
    let out = splice(&small, &parts).unwrap_or_else(whole);
    if std::env::var_os("CONGKHAI_MINIFY_VERIFY").is_some() && out != whole() {
        eprintln!("MINIFY MISMATCH");
        std::process::exit(99);
    }
    out
}

/// The minified shell with each placeholder replaced by its block's minified content;
/// `None` unless every placeholder is found once, in order.
fn splice(small: &[u8], parts: &[(Range<usize>, Arc<[u8]>)]) -> Option<Vec<u8>> {
    let mark = MARK.as_bytes();
    let mut out = Vec::with_capacity(small.len() + parts.iter().map(|p| p.1.len()).sum::<usize>());
    let mut at = 0;
    for (i, (_, m)) in parts.iter().enumerate() {
        let mut placeholder = mark.to_vec();
        placeholder.extend_from_slice(i.to_string().as_bytes());
        placeholder.extend_from_slice(mark);
        let k = at + memchr::memmem::find(&small[at..], &placeholder)?;
        out.extend_from_slice(&small[at..k]);
        out.extend_from_slice(m);
        at = k + placeholder.len();
    }
    let rest = &small[at..];
    if memchr::memmem::find(rest, mark).is_some() {
        return None;
    }
    out.extend_from_slice(rest);
    // Every mark accounted for: two per placeholder, none elsewhere.
    (memchr::memmem::find_iter(small, mark).count() == 2 * parts.len()).then_some(out)
}

struct Open {
    name: Vec<u8>,
    inner_start: usize,
    svg: bool,
    cacheable: bool,
}

fn skip_ws(b: &[u8], mut j: usize) -> usize {
    while j < b.len() && WHITESPACE[b[j]] {
        j += 1;
    }
    j
}

/// The tag name at `j` (minify-html's `TAG_NAME_CHAR`), lower case, and where it ends.
fn tag_name(b: &[u8], j: usize) -> (Vec<u8>, usize) {
    let mut e = j;
    while e < b.len() && TAG_NAME_CHAR[b[e]] {
        e += 1;
    }
    (b[j..e].to_ascii_lowercase(), e)
}

/// The rest of a tag from `j` (after its name): strict attributes, then `>` or `/>`.
/// Returns the index after the tag and whether it ended with `/>`; `None` for anything
/// minify-html might read differently.
fn tag_end(b: &[u8], mut j: usize) -> Option<(usize, bool)> {
    loop {
        j = skip_ws(b, j);
        match *b.get(j)? {
            b'>' => return Some((j + 1, false)),
            b'/' => return (b.get(j + 1) == Some(&b'>')).then_some((j + 2, true)),
            c if c.is_ascii_alphabetic() || c == b'_' || c == b':' => {}
            _ => return None,
        }
        while j < b.len()
            && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'-' | b'_' | b':' | b'.'))
        {
            j += 1;
        }
        let k = skip_ws(b, j);
        if b.get(k) != Some(&b'=') {
            // No value; the next byte must start a new attribute or end the tag.
            if j < b.len() && !WHITESPACE[b[j]] && !matches!(b[j], b'>' | b'/') {
                return None;
            }
            continue;
        }
        j = skip_ws(b, k + 1);
        match *b.get(j)? {
            q @ (b'"' | b'\'') => {
                j = j + 1 + memchr::memchr(q, &b[j + 1..])? + 1;
            }
            _ => {
                let v = j;
                while j < b.len() && !WHITESPACE[b[j]] && b[j] != b'>' {
                    if matches!(b[j], b'"' | b'\'' | b'<' | b'=' | b'`') {
                        return None;
                    }
                    j += 1;
                }
                // `a=b/>`: minify-html keeps the slash in the value.
                if j == v || b[j - 1] == b'/' {
                    return None;
                }
            }
        }
    }
}

/// Whether `open` (the stack of open elements) is `[html?] body`, `[html?] body main` or
/// `[html?] body main article` (a notice's approval section).
fn block_parent(open: &[Open]) -> bool {
    let names: Vec<&[u8]> = open.iter().map(|o| o.name.as_slice()).collect();
    let names = names
        .strip_prefix(&[b"html".as_slice()][..])
        .unwrap_or(&names);
    matches!(
        names,
        [b"body"] | [b"body", b"main"] | [b"body", b"main", b"article"]
    )
}

/// The cacheable blocks of `b` (module documentation), in document order, up to the
/// first construct read strictly differently from minify-html or not understood.
pub(super) fn blocks(b: &[u8]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let (mut seen_html, mut seen_head, mut seen_body) = (false, false, false);
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + k;
        match b.get(lt + 1).copied() {
            Some(b'!') => {
                let end = if b[lt..].starts_with(b"<!--") {
                    memchr::memmem::find(&b[lt + 4..], b"-->").map(|p| lt + 4 + p + 3)
                } else {
                    memchr::memchr(b'>', &b[lt + 2..]).map(|p| lt + 2 + p + 1)
                };
                let Some(end) = end else { break };
                i = end;
            }
            Some(b'/') => {
                let (name, e) = tag_name(b, lt + 2);
                let Some((end, _)) = (!name.is_empty()).then(|| tag_end(b, e)).flatten() else {
                    break;
                };
                match open.last() {
                    Some(top) if top.name == name => {}
                    _ => break,
                }
                let Some(top) = open.pop() else { break };
                if top.cacheable {
                    out.push(Block {
                        name: top.name,
                        inner: top.inner_start..lt,
                    });
                }
                i = end;
            }
            Some(c) if TAG_NAME_CHAR[c] => {
                if !c.is_ascii_alphabetic() {
                    break;
                }
                let (name, e) = tag_name(b, lt + 1);
                let Some((end, self_closing)) = tag_end(b, e) else {
                    break;
                };
                let parent = open.last().map_or(&b""[..], |o| o.name.as_slice());
                // minify-html would end the parent here (`<p><div>`).
                if can_omit_as_before(parent, &name) {
                    break;
                }
                // minify-html keeps global state for these three: only the first of each,
                // at its usual place.
                let under_html = match open.as_slice() {
                    [] => true,
                    [o] => o.name == b"html",
                    _ => false,
                };
                let seen = match name.as_slice() {
                    b"html" => Some((&mut seen_html, open.is_empty())),
                    b"head" => Some((&mut seen_head, under_html)),
                    b"body" => Some((&mut seen_body, under_html)),
                    _ => None,
                };
                if let Some((seen, place)) = seen {
                    if *seen || !place {
                        break;
                    }
                    *seen = true;
                }
                let svg = open.last().is_some_and(|o| o.svg) || name == b"svg";
                if (self_closing && svg) || VOID_TAGS.contains(name.as_slice()) {
                    i = end;
                    continue;
                }
                let raw = matches!(name.as_slice(), b"script" | b"style")
                    || (!svg && matches!(name.as_slice(), b"textarea" | b"title"));
                if raw {
                    // Up to `</name` in any case, as minify-html; then that end tag.
                    let mut needle = b"</".to_vec();
                    needle.extend_from_slice(&name);
                    let Some(close) = find_ci(&b[end..], &needle).map(|p| end + p) else {
                        break;
                    };
                    let (cname, ce) = tag_name(b, close + 2);
                    let Some((cend, _)) = (cname == name).then(|| tag_end(b, ce)).flatten() else {
                        break;
                    };
                    i = cend;
                    continue;
                }
                let cacheable = !svg && CACHEABLE.contains(&name.as_slice()) && block_parent(&open);
                open.push(Open {
                    name,
                    inner_start: end,
                    svg,
                    cacheable,
                });
                i = end;
            }
            Some(b'?') => break,
            // A `<` minify-html reads as text.
            _ => i = lt + 1,
        }
    }
    out
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memchr_iter(needle[0], hay).find(|&k| {
        hay.get(k..k + needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(html: &str) -> Vec<u8> {
        minify_html::minify(html.as_bytes(), &cfg())
    }

    /// The cached path (seen, then minified, then reused) gives minify-html's bytes.
    #[test]
    fn a_cached_block_inside_another_cached_block_is_spliced_once() {
        // An `article` and its `section` both cacheable and both seen before: the
        // section's block closes (and is listed) first. This used to slice out of
        // order (a panic in serve, which renders a page twice).
        let (header, footer) = layout();
        let body = "Nội dung của thông báo, đủ dài để được lưu. ".repeat(12);
        let main = format!(
            "<article class=\"notice\">\n<h1>Thông báo</h1>\n<section class=\"approval\">\n<p>{body}</p>\n</section>\n</article>"
        );
        same_three_times(&page(&header, &main, &footer));
    }

    /// The names of the blocks found in `html`, in the order they are listed.
    fn block_names(html: &str) -> Vec<String> {
        blocks(html.as_bytes())
            .iter()
            .map(|b| String::from_utf8_lossy(&b.name).into_owned())
            .collect()
    }

    fn same_three_times(html: &str) {
        for round in 0..3 {
            assert_eq!(
                String::from_utf8_lossy(&minify(html.as_bytes())),
                String::from_utf8_lossy(&plain(html)),
                "round {round}: {html}"
            );
        }
    }

    fn page(header: &str, main: &str, footer: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>T &amp; t</title>\n<script>if (a < b) {{ x('</div>') }}</script>\n</head>\n<body>\n\
             <a class=\"skip\" href=\"#m\">Bỏ qua</a>\n{header}\n<main class=\"wrap\" id=\"m\">\n{main}\n</main>\n{footer}\n</body>\n</html>\n"
        )
    }

    fn layout() -> (String, String) {
        let nav: String = (0..12)
            .map(|i| {
                format!("  <li><a href=\"/muc-{i}/\" title='Mục \"{i}\"'>Mục   {i}</a></li>\n")
            })
            .collect();
        let header = format!(
            "<header class=\"site-header\">\n  <div class=\"wrap\">\n    <a class=\"brand\" href=\"/\">\n      <span>Xã  Mẫu</span>\n    </a>\n  </div>\n  <nav aria-label=\"Danh mục\">\n<ul>\n{nav}</ul>\n  </nav>\n</header>"
        );
        let footer = format!(
            "<footer class=\"site-footer\">\n<div class=\"wrap\">\n<p>Địa chỉ: <b>Trụ sở</b>  UBND</p>\n<dl><dt>Điện thoại</dt><dd><a href=\"tel:02000000000\">0200.0000.000</a></dd></dl>\n{}</div>\n</footer>",
            "<p>Giờ làm việc: sáng 7 giờ 30 – 11 giờ 30, chiều 13 giờ 30 – 17 giờ.</p>\n".repeat(4)
        );
        (header, footer)
    }

    #[test]
    fn ordinary_pages_are_minified_as_by_minify_html() {
        let (header, footer) = layout();
        for main in [
            "<article><h1>Một</h1><p>Đoạn  <em>một</em>.</p></article>",
            "<div class=\"print-only\"><p>In</p></div><article><pre>  giữ   nguyên </pre></article>",
            "<p>Không có bài viết.</p>",
        ] {
            same_three_times(&page(&header, main, &footer));
        }
        // The blocks are found: header, footer (and the print head inside main).
        let p = page(&header, "<div class=\"x\">a</div><p>b</p>", &footer);
        assert_eq!(block_names(&p), ["header", "div", "footer"]);
    }

    #[test]
    fn blocks_after_an_anomaly_are_not_used() {
        let (header, footer) = layout();
        // Each of these makes minify-html's parse depend on what precedes the footer.
        for main in [
            "<p>mở <div>khối</div>",
            "<div>không đóng",
            "</section> thừa",
            "<svg><g/><title>t</title></svg>",
            "<textarea></div></textarea>",
            "<a href=x/>a</a>",
            "<a b\"c=d>e</a>",
            "<!-- </main> --><p>x</p>",
            "<body><p>x</p>",
            "<html><p>x</p>",
            "<?php x ?>",
            "<1 số>",
            "<![CDATA[ </main> ]]>",
            "<pre>\n  <div>  a  </div></pre>",
            "<table><tr><td>1<td>2</table>",
            "<ul><li>a<li>b</ul>",
            "<style>p { color: red }</style><script type=\"module\">let a = 1 </script>",
        ] {
            same_three_times(&page(&header, main, &footer));
        }
        let broken = page(&header, "<div>không đóng", &footer);
        assert_eq!(block_names(&broken), ["header"]);
    }

    #[test]
    fn hostile_blocks_are_minified_as_by_minify_html() {
        let (header, footer) = layout();
        for block in [
            "<header>\u{E000}0\u{E000}</header>",
            "<header><p>a<div>b</div></p></header>",
            "<header><p>a</header>",
            "<header><li>a<li>b</header>",
            "<header><dt>a</body></header>",
            "<header><br></br><img src=a / ></header>",
            "<header><svg><path d=\"M0 0\"/><foreignObject><div/></foreignObject></svg></header>",
            "<header><div/>x</div></header>",
            "<header><script>document.write('</header>')</script></header>",
            "<header><title>a</TITLE>b</header>",
            "<header>&amp;lt;div&gt; &#60;p&#62; &lt;</header>",
            "<header><a x=\"a>b\" y='c\"d' z=e>f</a></header>",
        ] {
            let long = format!("{block}{}", " ".repeat(300));
            let header = header.replacen(
                "<header class=\"site-header\">",
                &format!("{long}<header class=\"site-header\">"),
                1,
            );
            same_three_times(&page(&header, "<p>x</p>", &footer));
        }
    }

    /// Ad hoc: CONGKHAI_BLOCKS_PAGE=file prints the blocks found in a rendered page.
    #[test]
    fn blocks_of_a_page_on_request() {
        let Some(path) = std::env::var_os("CONGKHAI_BLOCKS_PAGE") else {
            return;
        };
        let html = std::fs::read(path).unwrap();
        for b in blocks(&html) {
            println!(
                "{} {:?} {}",
                String::from_utf8_lossy(&b.name),
                b.inner,
                b.inner.len()
            );
        }
        assert_eq!(minify(&html), minify_html::minify(&html, &cfg()));
    }
}
