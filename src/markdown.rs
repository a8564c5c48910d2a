//! Markdown → HTML with heading ids and anchors, per-page footnote ids, checked internal
//! links (`@/van-ban/ke-hoach.md`), and sanitised raw HTML.
//!
//! This is the one choke point every Markdown text goes through (page and section
//! bodies, summaries, the `markdown` template filter), and it is safe by construction:
//!
//! - every event pulldown-cmark produces is filtered here: link and image destinations
//!   go through [`is_safe_url`], heading attribute blocks keep only a slug `id` and
//!   plain `class` names (no `onfocus=…`, no `tabindex`), and every other piece of
//!   markup is written by pulldown-cmark's own escaping HTML writer;
//! - when the text contains raw HTML (blocks or inline), the whole fragment is run
//!   through the allow-list sanitiser [`sanitize`] (ammonia), so no `<script>`, `on*`
//!   attribute, `javascript:` URL, comment, `<iframe>`, `<form>`, `<base>` or `<meta>`
//!   survives. Text without raw HTML needs no second parse: it is safe as written,
//!   which keeps the 10,000-page build fast;
//! - nesting is counted while the events stream by (Markdown containers plus the tags
//!   of raw HTML, [`HtmlNesting`]); deeper than [`MAX_NESTING`] the fragment is dropped
//!   and reported, so no recursive component (ammonia, the minifier) ever sees it.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::text;

mod blocks;

/// A heading being read: level, explicit id, classes, attributes, inner events.
type PendingHeading<'a> = (
    HeadingLevel,
    Option<CowStr<'a>>,
    Vec<CowStr<'a>>,
    Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    Vec<Event<'a>>,
);

/// One heading in a page's table of contents, nested like Zola's `page.toc`: the form
/// templates see, made from a [`Toc`] when a template value needs it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u32,
    pub id: String,
    pub title: String,
    pub permalink: String,
    pub children: Vec<Heading>,
}

/// A text's table of contents as kept in the model: its headings in document order.
///
/// Memory (100,000-page benchmark, docs/architecture.md "Memory"): kept for every page
/// for the whole build. Nested [`Heading`]s with a permalink each took ~380 bytes a page
/// (a vector per level, a URL per heading); a list of entries with their own strings
/// ~190. Here every heading is packed in one allocation: its level (one byte), then its
/// id and its title, each after its length (four bytes, little-endian). The nested
/// form is made when a template value needs it ([`Toc::nested`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Toc(Box<[u8]>);

/// One heading of a [`Toc`], borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TocEntry<'a> {
    pub level: u32,
    pub id: &'a str,
    pub title: &'a str,
}

impl Toc {
    /// The table of contents of these headings (level, id, title), in document order.
    pub fn new<'a>(headings: impl IntoIterator<Item = (u32, &'a str, &'a str)>) -> Toc {
        let mut packed = Vec::new();
        for (level, id, title) in headings {
            // Heading levels are 1 to 6; ids and titles are far below 4 GiB (the
            // Markdown file's size is bounded), and a longer one is cut at a character.
            packed.push(u8::try_from(level).unwrap_or(u8::MAX));
            for text in [id, title] {
                let mut end = text.len().min(u32::MAX as usize);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                packed.extend_from_slice(&(end as u32).to_le_bytes());
                packed.extend_from_slice(&text.as_bytes()[..end]);
            }
        }
        Toc(packed.into_boxed_slice())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The headings in document order (the order of [`Toc::nested`] read depth first).
    pub fn entries(&self) -> impl Iterator<Item = TocEntry<'_>> + '_ {
        // A length-prefixed text at the start of `b`, and what follows it.
        fn text(b: &[u8]) -> Option<(&str, &[u8])> {
            let (len, b) = b.split_first_chunk::<4>()?;
            let (text, rest) = b.split_at_checked(u32::from_le_bytes(*len) as usize)?;
            Some((std::str::from_utf8(text).ok()?, rest))
        }
        let mut rest: &[u8] = &self.0;
        std::iter::from_fn(move || {
            let (&level, tail) = rest.split_first()?;
            let (id, tail) = text(tail)?;
            let (title, tail) = text(tail)?;
            rest = tail;
            Some(TocEntry {
                level: u32::from(level),
                id,
                title,
            })
        })
    }

    /// Zola's `toc`: each heading with the deeper headings after it as its children,
    /// and its permalink (`permalink` of the page or section, then `#id`).
    pub fn nested(&self, permalink: &str) -> Vec<Heading> {
        fn take(flat: &[TocEntry], i: &mut usize, level: u32, permalink: &str) -> Vec<Heading> {
            let mut out = Vec::new();
            while let Some(h) = flat.get(*i) {
                if h.level < level {
                    break;
                }
                *i += 1;
                let children = take(flat, i, h.level + 1, permalink);
                out.push(Heading {
                    level: h.level,
                    id: h.id.to_string(),
                    title: h.title.to_string(),
                    permalink: format!("{permalink}#{}", h.id),
                    children,
                });
            }
            out
        }
        let flat: Vec<TocEntry> = self.entries().collect();
        let min = flat.iter().map(|h| h.level).min().unwrap_or(1);
        let mut i = 0;
        take(&flat, &mut i, min, permalink)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnchorLinks {
    #[default]
    None,
    Left,
    Right,
    Heading,
}

impl AnchorLinks {
    pub fn parse(s: Option<&str>) -> Self {
        match s {
            Some("left") => AnchorLinks::Left,
            Some("right") => AnchorLinks::Right,
            Some("heading") => AnchorLinks::Heading,
            _ => AnchorLinks::None,
        }
    }
}

/// Zola's overridable pieces of rendered Markdown, made by the site's templates
/// (`anchor-link.html` with `id`, `level`, `lang`; `summary-cutoff.html` with
/// `summary`, `lang`): `crate::templates::snippets` renders them. An `Err` is the
/// template's error, in Vietnamese.
pub trait Snippets: Sync {
    fn anchor_link(&self, id: &str, level: u32, lang: &str) -> Result<String, String>;
    fn summary_cutoff(&self, summary: &str, lang: &str) -> Result<String, String>;
}

pub struct RenderOptions<'a> {
    /// Prefix for footnote ids so two pages shown together never clash.
    pub footnote_prefix: &'a str,
    pub anchors: AnchorLinks,
    /// Resolves `@/path.md` (without `@/`) to a URL; `None` if no such content.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
    /// The site's `anchor-link.html` and `summary-cutoff.html`, as Zola renders them;
    /// `None`: congkhai's built-in anchor (`#`) and no cut-off mark.
    pub snippets: Option<&'a dyn Snippets>,
    /// The text's language (`lang` of the two templates).
    pub lang: &'a str,
}

/// What Zola puts where `<!-- more -->` was, in the page's body.
pub const CONTINUE_READING: &str = "<span id=\"continue-reading\"></span>";

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Toc,
    /// Internal links that point nowhere, as written (`@/van-ban/x.md`), with line.
    pub broken_links: Vec<(String, usize)>,
    /// Internal links with an anchor that resolved (`@/van-ban/x.md#muc-2`):
    /// (content path, anchor, line), for the site to check the anchor against the
    /// target's heading ids once every page is rendered.
    pub anchor_links: Vec<(String, String, usize)>,
    /// Links and images with a scheme that is not allowed (javascript:, data:, vbscript:).
    pub unsafe_links: Vec<(String, usize)>,
    /// Nesting deeper than [`MAX_NESTING`]: (deepest level, line where the limit was
    /// first passed). The HTML is then empty.
    pub too_deep: Option<(usize, usize)>,
    /// A comment (`<!--`) or a raw-text element (`<script>`, `<style>`, `<textarea>`…)
    /// opened in raw HTML and never closed: it would swallow the rest of the text.
    /// (what was opened, line).
    pub unclosed: Option<(String, usize)>,
    pub word_count: usize,
    /// Zola's summary: the HTML before `<!-- more -->` (any case and spacing inside
    /// the comment), with `summary-cutoff.html` and the closing tags when the marker
    /// stood inside an element; `None` without a marker.
    pub summary: Option<String>,
    /// Errors of the site's `anchor-link.html` / `summary-cutoff.html`.
    pub template_errors: Vec<String>,
}

/// Deepest nesting of elements a Markdown text may produce (lists in lists, quotes in
/// quotes, emphasis in links, nested raw `<div>`s…). Real pages need fewer than 20; the
/// minifier recurses per level and overflows a 2 MiB thread stack at about 400 levels
/// (debug build), after the theme has added its own ~15.
pub const MAX_NESTING: usize = 100;

/// Deepest nesting a whole rendered document may have before it is minified: deeper,
/// the minifier is skipped (see [`minify`]); Markdown is stopped at [`MAX_NESTING`]
/// long before, so only a hand-written template can reach this.
pub const MAX_DOCUMENT_NESTING: usize = 250;

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Render a Markdown body. Never fails: problems are reported in `Rendered`.
pub fn render(source: &str, opts: &RenderOptions) -> Rendered {
    // Line of a byte offset, for messages about a link: counted only when a link is
    // reported, which is rare, instead of indexing every page's lines up front.
    let line_of = |offset: usize| {
        let before = source.as_bytes().get(..offset).unwrap_or(source.as_bytes());
        1 + before.iter().filter(|&&b| b == b'\n').count()
    };

    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut tables = 0usize;
    let mut has_raw_html = false;
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut flat: Vec<(u32, String, String)> = Vec::new();

    // Buffer of a heading being read, so its id can be computed from its text.
    let mut heading: Option<PendingHeading> = None;
    // Nesting: Markdown containers open now, plus the raw HTML elements left open.
    let mut depth = 0usize;
    let mut nesting = HtmlNesting::default();
    // Index in `events` of the `<!-- more -->` marker.
    let mut summary_at: Option<usize> = None;

    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        let html_peak = match &event {
            Event::Start(_) => {
                depth += 1;
                nesting.depth()
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                nesting.depth()
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let was = nesting.swallowing();
                let peak = nesting.feed(h);
                match (was, nesting.swallowing()) {
                    (None, Some(what)) => out.unclosed = Some((what, line_of(range.start))),
                    (_, None) => out.unclosed = None,
                    _ => {}
                }
                peak
            }
            _ => nesting.depth(),
        };
        let now = depth + html_peak;
        if now > MAX_NESTING {
            out.too_deep = match out.too_deep {
                None => Some((now, line_of(range.start))),
                Some((max, line)) => Some((max.max(now), line)),
            };
        }
        let line = || line_of(range.start);
        // Zola's summary marker: the comment becomes `<span id="continue-reading">`,
        // and what came before it is the summary.
        if let Event::Html(h) | Event::InlineHtml(h) = &event
            && summary_at.is_none()
            && heading.is_none()
            && is_more_marker(h)
        {
            summary_at = Some(events.len());
            events.push(Event::Html(CONTINUE_READING.into()));
            continue;
        }
        let event = rewrite_event(event, opts, &line, &mut out, &mut has_raw_html);

        match event {
            // Wide tables scroll sideways on a phone instead of breaking the layout.
            // A named, focusable region so keyboard users can scroll it too (WCAG 2.1.1).
            Event::Start(Tag::Table(align)) => {
                tables += 1;
                events.push(Event::Html(
                    format!(
                        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Bảng {tables}\">"
                    )
                    .into(),
                ));
                events.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                heading = Some((level, id, classes, attrs, Vec::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    let entry = finish_heading(h, opts, &mut used_ids, &mut events, &mut out);
                    flat.push(entry);
                }
            }
            e => match &mut heading {
                Some((_, _, _, _, inner)) => inner.push(e),
                None => events.push(e),
            },
        }
    }

    if out.too_deep.is_some() {
        // Nothing this deep may reach a recursive sanitiser or minifier.
        return out;
    }
    if let Some(at) = summary_at {
        out.summary = Some(summary_html(&events[..at], opts, has_raw_html, &mut out));
    }
    let mut html_out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    out.html = if has_raw_html {
        sanitize(&html_out)
    } else {
        html_out
    };
    out.toc = Toc::new(
        flat.iter()
            .map(|(l, id, title)| (*l, id.as_str(), title.as_str())),
    );
    out
}

/// Zola's summary of the events before the marker: their HTML, trailing whitespace
/// cut; when the marker stood inside an element (`text <!-- more --> text` in one
/// paragraph), `summary-cutoff.html` then the closing tags.
fn summary_html(
    events: &[Event],
    opts: &RenderOptions,
    has_raw_html: bool,
    out: &mut Rendered,
) -> String {
    let mut open: Vec<TagEnd> = Vec::new();
    for e in events {
        match e {
            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
            Event::Start(tag) => open.push(tag.to_end()),
            Event::End(tag) => {
                open.truncate(open.iter().rposition(|t| t == tag).unwrap_or(0));
            }
            _ => {}
        }
    }
    let mut html_out = String::new();
    html::push_html(&mut html_out, events.iter().cloned());
    html_out.truncate(html_out.trim_end().len());
    if !open.is_empty()
        && let Some(s) = opts.snippets
    {
        match s.summary_cutoff(&html_out, opts.lang) {
            Ok(cutoff) => html_out.push_str(&cutoff),
            Err(e) => out.template_errors.push(e),
        }
    }
    html::push_html(&mut html_out, open.into_iter().rev().map(Event::End));
    if has_raw_html {
        sanitize(&html_out)
    } else {
        html_out
    }
}

/// Zola's `<!--\s*more\s*-->` (any case) somewhere in a piece of raw HTML.
fn is_more_marker(html: &str) -> bool {
    html.match_indices("<!--").any(|(i, _)| {
        let rest = html[i + 4..].trim_start();
        rest.get(..4)
            .is_some_and(|m| m.eq_ignore_ascii_case("more"))
            && rest[4..].trim_start().starts_with("-->")
    })
}

/// The opening `<a …>` of an anchor link made by `anchor-link.html` (Zola's
/// `(<\s*a[^>]*>).*?<\s*/\s*a>`), for `insert_anchor_links = "heading"`.
fn anchor_open_tag(html: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(i) = html[from..].find('<').map(|i| i + from) {
        let after = html[i + 1..].trim_start();
        let is_a = after.starts_with(['a', 'A'])
            && after[1..].starts_with(|c: char| c.is_whitespace() || c == '>');
        if is_a && let Some(end) = html[i..].find('>').map(|e| e + i + 1) {
            let close = html[end..]
                .to_ascii_lowercase()
                .replace(char::is_whitespace, "");
            return close.contains("</a>").then_some(&html[i..end]);
        }
        from = i + 1;
    }
    None
}

/// One parser event as it goes out: `@/` links rewritten, footnote names made unique
/// per page, raw HTML noted for the sanitiser, words counted.
fn rewrite_event<'a>(
    event: Event<'a>,
    opts: &RenderOptions,
    line: &dyn Fn() -> usize,
    out: &mut Rendered,
    has_raw_html: &mut bool,
) -> Event<'a> {
    match event {
        Event::Html(h) | Event::InlineHtml(h) => {
            *has_raw_html = true;
            Event::Html(h)
        }
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = rewrite_link(&dest_url, opts, line, out);
            Event::Start(Tag::Link {
                link_type,
                dest_url: dest,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = rewrite_link(&dest_url, opts, line, out);
            Event::Start(Tag::Image {
                link_type,
                dest_url: dest,
                title,
                id,
            })
        }
        Event::FootnoteReference(name) => {
            let name = format!("{}{}", opts.footnote_prefix, name);
            Event::FootnoteReference(name.into())
        }
        Event::Start(Tag::FootnoteDefinition(name)) => {
            let name = format!("{}{}", opts.footnote_prefix, name);
            Event::Start(Tag::FootnoteDefinition(name.into()))
        }
        Event::Text(ref t) => {
            out.word_count += text::word_count(t);
            event
        }
        other => other,
    }
}

/// A heading read to its end: its id (given, else from its text; unique on the page)
/// and its HTML; returns its TOC entry (level, id, title).
fn finish_heading<'a>(
    (level, id, classes, attrs, inner): PendingHeading<'a>,
    opts: &RenderOptions,
    used_ids: &mut HashMap<String, usize>,
    events: &mut Vec<Event<'a>>,
    out: &mut Rendered,
) -> (u32, String, String) {
    let title: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let base = match id.as_deref().and_then(safe_heading_id) {
        Some(id) => id,
        None => {
            let s = text::slugify(&title);
            if s.is_empty() { "muc".to_string() } else { s }
        }
    };
    let id = unique_id(base, used_ids);
    let lvl = level as u32;
    // The anchor: the site's `anchor-link.html` (Zola), else congkhai's own `#`; for
    // `heading`, only its opening `<a …>`, around the heading's text.
    let anchors = opts.anchors;
    let anchor = match (anchors, opts.snippets) {
        (AnchorLinks::None, _) => None,
        (_, Some(s)) => match s.anchor_link(&id, lvl, opts.lang) {
            Ok(a) if anchors == AnchorLinks::Heading => anchor_open_tag(&a).map(str::to_string),
            Ok(a) => Some(a),
            Err(e) => {
                out.template_errors.push(e);
                None
            }
        },
        (AnchorLinks::Heading, None) => Some(format!(
            "<a class=\"heading-link\" href=\"#{}\">",
            text::escape_html(&id)
        )),
        (_, None) => Some(format!(
            "<a class=\"anchor\" href=\"#{}\" aria-label=\"Liên kết tới mục này\">#</a>",
            text::escape_html(&id)
        )),
    };
    emit_heading(
        events,
        level,
        &id,
        &classes,
        &attrs,
        inner,
        anchor.map(|a| (anchors, a)),
    );
    (lvl, id, title.trim().to_string())
}

fn unique_id(base: String, used: &mut HashMap<String, usize>) -> String {
    match used.get_mut(&base) {
        None => {
            used.insert(base.clone(), 0);
            base
        }
        Some(n) => {
            *n += 1;
            let id = format!("{base}-{n}");
            used.insert(id.clone(), 0);
            id
        }
    }
}

fn emit_heading<'a>(
    events: &mut Vec<Event<'a>>,
    level: HeadingLevel,
    id: &str,
    classes: &[CowStr<'a>],
    attrs: &[(CowStr<'a>, Option<CowStr<'a>>)],
    inner: Vec<Event<'a>>,
    anchor: Option<(AnchorLinks, String)>,
) {
    let mut open = format!("<{level} id=\"{}\"", text::escape_html(id));
    // `{#id .class key=value}`: only plain class names; every other attribute
    // (`onfocus`, `style`, `tabindex`, `autofocus`…) is dropped, never written.
    let _ = attrs;
    let cls: Vec<&str> = classes
        .iter()
        .map(|c| c.as_ref())
        .filter(|c| is_safe_class(c))
        .collect();
    if !cls.is_empty() {
        open.push_str(&format!(" class=\"{}\"", text::escape_html(&cls.join(" "))));
    }
    open.push('>');
    let Some((anchors, anchor)) = anchor else {
        events.push(Event::Html(open.into()));
        events.extend(inner);
        events.push(Event::Html(format!("</{level}>\n").into()));
        return;
    };
    match anchors {
        AnchorLinks::Heading => {
            open.push_str(&anchor);
            events.push(Event::Html(open.into()));
            events.extend(inner);
            events.push(Event::Html(format!("</a></{level}>\n").into()));
        }
        AnchorLinks::Left => {
            open.push_str(&anchor);
            events.push(Event::Html(open.into()));
            events.extend(inner);
            events.push(Event::Html(format!("</{level}>\n").into()));
        }
        AnchorLinks::Right | AnchorLinks::None => {
            events.push(Event::Html(open.into()));
            events.extend(inner);
            events.push(Event::Html(format!("{anchor}</{level}>\n").into()));
        }
    }
}

/// An explicit heading id (`{#id}`) kept as written when it is a plain slug: ASCII
/// letters, digits, `-` and `_`, starting with a letter, at most 64 characters;
/// anything else is slugified (`None` when nothing is left).
fn safe_heading_id(id: &str) -> Option<String> {
    let plain = id.len() <= 64
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        return Some(id.to_string());
    }
    let s = text::slugify(id);
    let s: String = s.chars().take(64).collect();
    (!s.is_empty()).then_some(s)
}

/// A class name from a heading attribute block: ASCII letters, digits, `-`, `_`.
fn is_safe_class(c: &str) -> bool {
    !c.is_empty()
        && c.len() <= 64
        && c.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Nesting depth of HTML text fed in pieces (the raw HTML events of one Markdown text),
/// counted in one pass without recursion: start tags open a level, end tags close
/// back to the matching element; void elements, self-closing tags, comments and the
/// contents of `<script>`/`<style>`/`<textarea>`/`<title>` open none. Elements whose
/// end tag may be left out (`<p>`, `<li>`, `<td>`…) close the previous one of their
/// kind, as browsers do, so ordinary hand-written HTML is not over-counted.
#[derive(Debug, Default)]
pub struct HtmlNesting {
    open: Vec<TagName>,
    /// Elements opened beyond what `open` keeps (it is capped), still counted.
    overflow: usize,
    max: usize,
    /// Deepest depth during the piece being fed.
    peak: usize,
    /// Inside `<!-- … -->`, or inside a raw-text element (its name).
    in_comment: bool,
    raw_text: Option<&'static str>,
}

/// A tag name, lowercase, its first 16 bytes (ASCII letters, digits, `-`, `:`), kept
/// without allocating: the minifier's guard scans every page of a large build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TagName {
    bytes: [u8; 16],
    len: u8,
}

impl TagName {
    fn new(name: &[u8]) -> TagName {
        let mut bytes = [0u8; 16];
        let len = name.len().min(16);
        for (d, s) in bytes.iter_mut().zip(&name[..len]) {
            *d = s.to_ascii_lowercase();
        }
        TagName {
            bytes,
            len: len as u8,
        }
    }

    /// Speed (issue 18): compared as bytes; names are ASCII, so this is what a `str`
    /// comparison gave, without a UTF-8 check per tag of every page.
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// Elements kept in `open` at most; deeper ones are only counted.
const NESTING_STACK_CAP: usize = 4096;

/// The lists [`is_void`] and [`is_optional_end`] match (their test checks both ways).
#[cfg(test)]
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
const RAW_TEXT_ELEMENTS: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];
#[cfg(test)]
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rp",
];

impl HtmlNesting {
    /// Current depth.
    pub fn depth(&self) -> usize {
        self.open.len() + self.overflow
    }

    /// Deepest depth seen so far.
    pub fn max(&self) -> usize {
        self.max
    }

    /// What is open that swallows everything after it: `<!--` or a raw-text element.
    pub fn swallowing(&self) -> Option<String> {
        if self.in_comment {
            Some("<!--".to_string())
        } else {
            self.raw_text.map(|r| format!("<{r}>"))
        }
    }

    /// Depth of a whole HTML text.
    pub fn of(html: &str) -> usize {
        let mut n = HtmlNesting::default();
        n.feed(html);
        n.max()
    }

    /// Feed the next piece; returns the deepest depth reached while reading it.
    pub fn feed(&mut self, html: &str) -> usize {
        self.peak = self.depth();
        self.feed_piece(html);
        self.peak
    }

    fn feed_piece(&mut self, html: &str) {
        let b = html.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if self.in_comment {
                match find(b, i, b"-->") {
                    Some(j) => {
                        self.in_comment = false;
                        i = j + 3;
                    }
                    None => return,
                }
                continue;
            }
            if let Some(name) = self.raw_text {
                // Look for `</name` in any case.
                let mut j = i;
                loop {
                    match find(b, j, b"</") {
                        Some(k) => {
                            let end = (k + 2 + name.len()).min(b.len());
                            if b[k + 2..end].eq_ignore_ascii_case(name.as_bytes()) {
                                self.raw_text = None;
                                i = k;
                                break;
                            }
                            j = k + 2;
                        }
                        None => return,
                    }
                }
                if self.raw_text.is_some() {
                    return;
                }
            }
            let Some(lt) = memchr::memchr(b'<', &b[i..]).map(|p| p + i) else {
                return;
            };
            let rest = &b[lt + 1..];
            if rest.starts_with(b"!--") {
                self.in_comment = true;
                i = lt + 4;
                continue;
            }
            let closing = rest.first() == Some(&b'/');
            let name_start = lt + 1 + usize::from(closing);
            let name_len = b[name_start..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
                .count();
            if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
                i = lt + 1;
                continue;
            }
            let name = TagName::new(&b[name_start..name_start + name_len]);
            // End of the tag: the next `>` outside quotes (or the end of this piece).
            let mut j = name_start + name_len;
            let mut quote: Option<u8> = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (Some(q), c) if c == q => quote = None,
                    (None, b'"' | b'\'') => quote = Some(b[j]),
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            let self_closing = j > 0 && j <= b.len() && b.get(j - 1) == Some(&b'/');
            if closing {
                self.close(name);
            } else if !is_void(name.as_bytes()) && !self_closing {
                self.open_element(name);
            }
            i = j + 1;
        }
    }

    fn open_element(&mut self, name: TagName) {
        if is_optional_end(name.as_bytes()) && self.overflow == 0 {
            // The open elements this start tag implicitly ends, innermost first.
            let ends: &[&[u8]] = match name.as_bytes() {
                b"td" | b"th" => &[b"td", b"th"],
                b"tr" => &[b"td", b"th", b"tr"],
                b"thead" | b"tbody" | b"tfoot" => {
                    &[b"td", b"th", b"tr", b"thead", b"tbody", b"tfoot"]
                }
                b"dt" | b"dd" => &[b"dt", b"dd"],
                b"rb" | b"rt" | b"rp" => &[b"rb", b"rt", b"rp"],
                b"option" => &[b"option"],
                b"optgroup" => &[b"option", b"optgroup"],
                b"li" => &[b"li"],
                b"p" => &[b"p"],
                _ => &[],
            };
            while self
                .open
                .last()
                .is_some_and(|t| ends.contains(&t.as_bytes()))
            {
                self.open.pop();
            }
        }
        if let Some(raw) = RAW_TEXT_ELEMENTS
            .iter()
            .find(|r| r.as_bytes() == name.as_bytes())
        {
            self.raw_text = Some(raw);
            return;
        }
        if self.open.len() < NESTING_STACK_CAP {
            self.open.push(name);
        } else {
            self.overflow += 1;
        }
        self.max = self.max.max(self.depth());
        self.peak = self.peak.max(self.depth());
    }

    fn close(&mut self, name: TagName) {
        if self.overflow > 0 {
            self.overflow -= 1;
            return;
        }
        // Close back to the matching element, if it is open (near the top).
        if let Some(k) = self.open.iter().rev().take(64).position(|t| *t == name) {
            let keep = self.open.len() - 1 - k;
            self.open.truncate(keep);
        }
    }
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|p| p + from)
}

/// [`VOID_ELEMENTS`], as one `match` (Speed: every start tag of every page asks).
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
    )
}

/// [`OPTIONAL_END`], as one `match`.
fn is_optional_end(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"li"
            | b"dt"
            | b"dd"
            | b"tr"
            | b"td"
            | b"th"
            | b"option"
            | b"optgroup"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"colgroup"
            | b"caption"
            | b"rb"
            | b"rt"
            | b"rp"
    )
}

/// Minify a rendered document, unless it nests deeper than [`MAX_DOCUMENT_NESTING`]:
/// the minifier recurses once per level and would overflow the stack, so such a
/// document is written as it is (still correct HTML, only larger).
pub fn minify(html: Vec<u8>) -> Vec<u8> {
    // Speed: the SIMD check (the same answer as `std::str::from_utf8`).
    let deep = match simdutf8::basic::from_utf8(&html) {
        Ok(s) => HtmlNesting::of(s) > MAX_DOCUMENT_NESTING,
        Err(_) => true,
    };
    if deep {
        return html;
    }
    blocks::minify(&html)
}

/// `@/x.md#frag` → resolved URL; dangerous schemes → `#`.
fn rewrite_link<'a>(
    dest: &CowStr<'a>,
    opts: &RenderOptions,
    line: impl Fn() -> usize,
    out: &mut Rendered,
) -> CowStr<'a> {
    if let Some(rest) = dest.strip_prefix("@/") {
        let (path, frag) = match rest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (rest, None),
        };
        return match (opts.resolve)(path) {
            Some(url) => match frag {
                Some(f) => {
                    out.anchor_links
                        .push((path.to_string(), f.to_string(), line()));
                    format!("{url}#{f}").into()
                }
                None => url.into(),
            },
            None => {
                out.broken_links.push((dest.to_string(), line()));
                "#".into()
            }
        };
    }
    if !is_safe_url(dest) {
        out.unsafe_links.push((dest.to_string(), line()));
        return "#".into();
    }
    dest.clone()
}

/// Allowed: relative URLs, fragments, http(s), mailto, tel.
pub fn is_safe_url(url: &str) -> bool {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(i) => {
            let scheme = &lower[..i];
            // A colon after a slash, ? or # is part of a path, not a scheme.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
    }
}

/// Allow-list sanitiser for pages with raw HTML: keeps structure, ids, classes and
/// table attributes; removes scripts, event handlers, styles and unsafe URLs.
pub fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes([
        "id",
        "class",
        "title",
        "lang",
        "aria-label",
        "aria-hidden",
        "role",
    ])
    .add_tags([
        "figure",
        "figcaption",
        "section",
        "details",
        "summary",
        "mark",
        "abbr",
        "time",
    ])
    .add_tag_attributes("td", ["colspan", "rowspan", "align", "style"])
    .add_tag_attributes("th", ["colspan", "rowspan", "align", "scope", "style"])
    .add_tag_attributes("time", ["datetime"])
    .add_tag_attributes("input", ["type", "checked", "disabled"])
    .add_tags(["input"])
    .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
    .link_rel(None)
    .filter_style_properties(["text-align"].into_iter().collect())
    .strip_comments(true);
    b.clean(html).to_string()
}

/// Plain text of a Markdown snippet (for descriptions and the search index).
pub fn plain_text(source: &str) -> String {
    let mut s = String::with_capacity(source.len());
    for ev in Parser::new_ext(source, options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => s.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => s.push(' '),
            _ => {}
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Convenience for the `markdown` template filter: no anchors, no internal links.
/// `Err((depth, line))` when the text nests deeper than [`MAX_NESTING`].
pub fn render_inline(source: &str, inline: bool) -> Result<String, (usize, usize)> {
    render_filter(source, inline, &|_: &str| None)
}

/// [`render_inline`] resolving `@/…` internal links through `resolve` (the `markdown`
/// template filter, as Zola's resolves them through the site's permalinks).
pub fn render_filter(
    source: &str,
    inline: bool,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<String, (usize, usize)> {
    let r = render(
        source,
        &RenderOptions {
            footnote_prefix: "md-",
            anchors: AnchorLinks::None,
            resolve,
            snippets: None,
            lang: "",
        },
    );
    if let Some(deep) = r.too_deep {
        return Err(deep);
    }
    if inline {
        let t = r.html.trim();
        if let Some(inner) = t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"))
            && !inner.contains("<p>")
        {
            return Ok(inner.to_string());
        }
        return Ok(t.to_string());
    }
    Ok(r.html)
}

/// The message for a comment or raw-text element left open (the caller adds where).
pub fn unclosed_message(what: &str) -> String {
    format!("{what} mở ở đây nhưng không đóng: toàn bộ nội dung sau nó sẽ bị mất")
}

/// How to fix an unclosed comment or raw-text element.
pub const UNCLOSED_HINT: &str = "đóng chú thích bằng --> (hoặc thẻ bằng thẻ đóng, ví dụ </script>), hoặc xóa nó; muốn hiện đúng các ký tự <!-- thì viết \\<!--";

/// The message for text nested deeper than [`MAX_NESTING`] (the caller adds where).
pub fn too_deep_message(depth: usize) -> String {
    format!("nội dung lồng nhau quá sâu ({depth} cấp, tối đa {MAX_NESTING})")
}

/// How to fix text nested too deep, in plain words.
pub const TOO_DEEP_HINT: &str = "bớt các danh sách lồng trong danh sách, trích dẫn (>) lồng trong trích dẫn hoặc thẻ HTML lồng nhau; nội dung bình thường chỉ cần vài cấp";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_name_matches_are_the_lists() {
        for (list, f) in [
            (VOID_ELEMENTS, is_void as fn(&[u8]) -> bool),
            (OPTIONAL_END, is_optional_end),
        ] {
            for name in list {
                assert!(f(name.as_bytes()), "{name}");
            }
            for name in ["", "a", "div", "pp", "col2", "brr", "lii", "script", "P"] {
                assert!(!f(name.as_bytes()), "{name}");
            }
        }
        // A `<li>` ends an open `<li>` only when it is the innermost element.
        assert_eq!(HtmlNesting::of("<ul><li>a<li>b<li>c</ul><br><img><hr>"), 2);
        assert_eq!(HtmlNesting::of("<ul><li><p>a<li><p>b</ul><br><img><hr>"), 5);
    }

    fn r(src: &str) -> Rendered {
        let resolve =
            |p: &str| (p == "van-ban/a.md").then(|| "https://x.vn/van-ban/a/".to_string());
        render(
            src,
            &RenderOptions {
                footnote_prefix: "p-",
                anchors: AnchorLinks::None,
                resolve: &resolve,
                snippets: None,
                lang: "vi",
            },
        )
    }

    #[test]
    fn heading_ids_fold_vietnamese_and_dedupe() {
        let out = r("# Đề án sắp xếp\n\n## Mục đích\n\n## Mục đích\n");
        assert!(
            out.html.contains("<h1 id=\"de-an-sap-xep\">"),
            "{}",
            out.html
        );
        assert!(out.html.contains("id=\"muc-dich-1\""));
        let toc = out.toc.nested("https://x.vn/p/");
        assert_eq!(toc.len(), 1);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[0].children[1].permalink, "https://x.vn/p/#muc-dich-1");
        let flat: Vec<_> = out.toc.entries().map(|h| (h.level, h.id)).collect();
        assert_eq!(
            flat,
            [(1, "de-an-sap-xep"), (2, "muc-dich"), (2, "muc-dich-1")]
        );
    }

    /// The packed table of contents gives back exactly what was put in: empty texts,
    /// any characters, several headings.
    #[test]
    fn toc_packs_and_reads_back_every_heading() {
        let headings = [
            (1, "", ""),
            (2, "muc-1", "Mục 1: “hộ nghèo” \u{0}\t|\n"),
            (6, "x".repeat(70_000).leak() as &str, "ỹ"),
            (3, "a", ""),
        ];
        let toc = Toc::new(headings);
        let back: Vec<(u32, &str, &str)> =
            toc.entries().map(|h| (h.level, h.id, h.title)).collect();
        assert_eq!(back, headings);
        assert!(Toc::new([]).is_empty());
        assert_eq!(Toc::new([]).entries().count(), 0);
    }

    /// `Toc::nested` as Zola nests `page.toc`: deeper headings become the children of
    /// the heading before them, a shallower one closes them; read depth first, the
    /// nesting gives back the document order.
    #[test]
    fn toc_nests_by_level_and_keeps_document_order() {
        // (heading levels in the text, nesting written as level(children…))
        let cases: &[(&[u32], &str)] = &[
            (&[], ""),
            (&[2], "2"),
            (&[1, 2, 2], "1(2 2)"),
            (&[2, 3, 2, 3, 4], "2(3) 2(3(4))"),
            (&[1, 3, 2], "1(3 2)"),
            (&[3, 2, 1], "3 2 1"),
            (&[2, 4, 3, 1, 2], "2(4 3) 1(2)"),
        ];
        fn shape(hs: &[Heading]) -> String {
            let one = |h: &Heading| {
                if h.children.is_empty() {
                    h.level.to_string()
                } else {
                    format!("{}({})", h.level, shape(&h.children))
                }
            };
            hs.iter().map(one).collect::<Vec<_>>().join(" ")
        }
        fn depth_first(hs: &[Heading], out: &mut Vec<String>) {
            for h in hs {
                out.push(format!("{} {}", h.id, h.permalink));
                depth_first(&h.children, out);
            }
        }
        for (levels, want) in cases {
            let src: String = levels
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{} T{i}\n\n", "#".repeat(*l as usize)))
                .collect();
            let out = r(&src);
            let toc = out.toc.nested("https://x.vn/p/");
            assert_eq!(shape(&toc), *want, "{levels:?}");
            let mut order = Vec::new();
            depth_first(&toc, &mut order);
            let flat: Vec<String> = out
                .toc
                .entries()
                .map(|h| format!("{} https://x.vn/p/#{}", h.id, h.id))
                .collect();
            assert_eq!(order, flat, "{levels:?}");
            let ids: Vec<String> = (0..levels.len()).map(|i| format!("t{i}")).collect();
            let got: Vec<&str> = out.toc.entries().map(|h| h.id).collect();
            assert_eq!(got, ids, "{levels:?}");
        }
    }

    #[test]
    fn internal_links_resolve_or_are_reported() {
        let out = r("[a](@/van-ban/a.md#x) [b](@/khong-co.md)\n");
        assert!(out.html.contains("href=\"https://x.vn/van-ban/a/#x\""));
        assert_eq!(out.broken_links, vec![("@/khong-co.md".to_string(), 1)]);
        // The line is counted from the start of the body.
        let out = r("Dòng một\n\nDòng ba [b](@/khong-co.md)\n\n[c](javascript:x)\n");
        assert_eq!(out.broken_links, vec![("@/khong-co.md".to_string(), 3)]);
        assert_eq!(out.unsafe_links, vec![("javascript:x".to_string(), 5)]);
    }

    #[test]
    fn scripts_and_javascript_links_are_removed() {
        let out = r(
            "<script>alert(1)</script>\n\n<p onclick=\"x()\">hi</p>\n\n[x](javascript:alert(1))\n",
        );
        assert!(!out.html.contains("<script"));
        assert!(!out.html.contains("onclick"));
        assert!(!out.html.contains("javascript:"));
        assert_eq!(out.unsafe_links.len(), 1);
    }

    #[test]
    fn tables_are_wrapped_for_narrow_screens() {
        let out = r("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(
            out.html.starts_with(
                "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"Bảng 1\"><table>"
            ),
            "{}",
            out.html
        );
        assert!(
            out.html.trim_end().ends_with("</table>\n</div>")
                || out.html.contains("</table>\n</div>")
        );
    }

    #[test]
    fn footnotes_are_prefixed() {
        let out = r("Text[^1]\n\n[^1]: note\n");
        assert!(out.html.contains("p-1"), "{}", out.html);
    }

    #[test]
    fn heading_attribute_blocks_keep_only_id_and_class() {
        for (src, id, class) in [
            (
                "## Liên hệ {tabindex=0 autofocus onfocus=alert(1)}",
                "lien-he",
                None,
            ),
            ("## A {#muc-1 .note onclick=x}", "muc-1", Some("note")),
            ("## A {#Đề-mục .b}", "de-muc", Some("b")),
            ("## A {style=color:red data-x=1 .c\"x}", "a", None),
            ("## A {#javascript:alert(1)}", "javascript-alert-1", None),
            ("## A {#Muc_2 .x-y .z_1}", "Muc_2", Some("x-y z_1")),
        ] {
            let html = r(src).html;
            let doc = scraper::Html::parse_fragment(&html);
            let sel = scraper::Selector::parse("h2").unwrap();
            let h = doc.select(&sel).next().unwrap();
            let attrs: Vec<&str> = h.value().attrs().map(|(k, _)| k).collect();
            assert!(
                attrs.iter().all(|k| *k == "id" || *k == "class"),
                "{src}: {html}"
            );
            assert_eq!(h.value().attr("id"), Some(id), "{src}: {html}");
            assert_eq!(h.value().attr("class"), class, "{src}: {html}");
        }
    }

    #[test]
    fn text_without_raw_html_is_safe_as_written() {
        // No raw HTML, so no sanitiser pass: pulldown-cmark's writer must escape it all.
        for src in [
            "```\"><script>x\n```\n",
            "[a](https://x.vn/ \"t\\\" onmouseover=x\")\n",
            "![\"><img src=x onerror=x>](/a.png)\n",
            "Text[^\"><b>]\n\n[^\"><b>]: n\n",
            "[x](&#106;avascript:alert(1)) [y](java&#x09;script:x) <javascript:alert(1)>\n",
            "[z]: vbscript:x\n\n[z]\n",
            "![i](data:image/svg+xml,<svg onload=x>)\n",
        ] {
            let out = r(src);
            let doc = scraper::Html::parse_fragment(&out.html);
            for el in doc
                .root_element()
                .descendants()
                .filter_map(scraper::ElementRef::wrap)
            {
                assert_ne!(el.value().name(), "script", "{src}: {}", out.html);
                for (k, v) in el.value().attrs() {
                    assert!(!k.starts_with("on"), "{src}: {}", out.html);
                    assert!(
                        is_safe_url(v) || !matches!(k, "href" | "src"),
                        "{src}: {}",
                        out.html
                    );
                }
            }
        }
    }

    #[test]
    fn raw_html_goes_through_the_sanitiser() {
        for src in [
            "<iframe src=\"https://x\"></iframe>",
            "<form action=\"https://x\"><input type=submit></form>",
            "<base href=\"https://x/\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=https://x\">",
            "<object data=\"x\"></object><embed src=\"x\">",
            "<style>body{background:url(https://x)}</style>",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<img src=x onerror=alert(1)>",
            "<svg><script>alert(1)</script></svg>",
            "Tổ 3 <!-- nuốt phần còn lại\n\nđoạn sau",
        ] {
            let html = r(src).html;
            let lower = html.to_ascii_lowercase();
            for bad in [
                "<iframe",
                "<form",
                "<base",
                "<meta",
                "<object",
                "<embed",
                "<style",
                "javascript:",
                "onerror",
                "<script",
                "<!--",
            ] {
                assert!(!lower.contains(bad), "{src}: {html}");
            }
        }
    }

    #[test]
    fn nesting_is_counted_without_recursion() {
        for (html, depth) in [
            ("<div><p>a</p></div>", 2),
            ("<div><div><div>x</div></div></div>", 3),
            ("<p>a<p>b<p>c", 1),
            ("<ul><li>a<li>b<li>c</ul>", 2),
            ("<table><tr><td>1<td>2<tr><td>3</table>", 3),
            ("<br><hr><img src=x><input>", 0),
            ("<div/><span/>", 0),
            ("<!-- <div><div> --><b>x</b>", 1),
            ("<script>'<div><div>'</script><i>x</i>", 1),
            ("<div title=\"a>b<div>\">x</div>", 1),
            ("a < b and c<d", 1),
            ("a < b and 1<2", 0),
            (&"<div>".repeat(5000), 5000),
        ] {
            assert_eq!(HtmlNesting::of(html), depth, "{html}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_any_recursive_component() {
        let n = 2000;
        for (name, src) in [
            ("quotes", ">".repeat(n) + " x\n"),
            ("lists", "- ".repeat(600) + "x\n"),
            (
                "indented lists",
                (0..600)
                    .map(|i| format!("{}- a\n", "  ".repeat(i)))
                    .collect(),
            ),
            ("divs", "<div>".repeat(n) + "x" + &"</div>".repeat(n)),
            ("emphasis", "*a ".repeat(n) + &"b* ".repeat(n)),
            ("quotes in lists", "> - ".repeat(n / 2) + "x\n"),
            ("spans", "a <span>".repeat(n) + "\n"),
        ] {
            let src = format!("Dòng một\n\n{src}");
            let out = r(&src);
            let (depth, line) = out.too_deep.unwrap_or_else(|| panic!("{name}"));
            assert!(depth > MAX_NESTING, "{name}");
            // The line where the limit is passed: the first nested line, or for the
            // indented list the 51st (two levels a line).
            let want = if name == "indented lists" { 53 } else { 3 };
            assert_eq!(line, want, "{name}");
            assert!(out.html.is_empty(), "{name}");
            assert!(render_inline(&src, true).is_err(), "{name}");
        }
        // Ordinary nesting passes.
        let ok = (0..10)
            .map(|i| format!("{}- a\n", "  ".repeat(i)))
            .collect::<String>();
        assert_eq!(r(&ok).too_deep, None);
        assert_eq!(r(&("> ".repeat(40) + "x")).too_deep, None);
    }

    #[test]
    fn the_minifier_is_never_given_a_document_it_cannot_walk() {
        let deep = "<div>".repeat(20_000) + "x";
        // Runs on a thread with the default 2 MiB stack, like the build's workers.
        let out = std::thread::spawn(move || minify(deep.into_bytes()))
            .join()
            .ok()
            .map(|v| v.len());
        assert_eq!(out, Some(20_000 * 5 + 1));
        assert_eq!(minify(b"<p>a  b</p>".to_vec()), b"<p>a b".to_vec());
    }

    #[test]
    fn url_safety_table() {
        for (u, ok) in [
            ("https://a.gov.vn", true),
            ("/van-ban/", true),
            ("#muc", true),
            ("mailto:a@b.vn", true),
            ("javascript:alert(1)", false),
            ("JaVaScRiPt:alert(1)", false),
            (" java\tscript:x", false),
            ("data:text/html,x", false),
            ("a/b:c", true),
            ("vbscript:x", false),
            ("VBScript:x", false),
            ("\u{0}javascript:x", false),
            ("java\nscript:x", false),
            ("data:image/png;base64,x", false),
            ("livescript:x", false),
            ("?a=b:c", true),
        ] {
            assert_eq!(is_safe_url(u), ok, "{u}");
        }
    }

    struct Fake;
    impl Snippets for Fake {
        fn anchor_link(&self, id: &str, level: u32, lang: &str) -> Result<String, String> {
            Ok(format!("<a class=\"z\" href=\"#{id}\">{level}{lang}</a>"))
        }
        fn summary_cutoff(&self, summary: &str, _lang: &str) -> Result<String, String> {
            Ok(format!("[cut {}]", summary.len()))
        }
    }

    fn with_snippets(src: &str, anchors: AnchorLinks) -> Rendered {
        render(
            src,
            &RenderOptions {
                footnote_prefix: "p-",
                anchors,
                resolve: &|_: &str| None,
                snippets: Some(&Fake),
                lang: "en",
            },
        )
    }

    #[test]
    fn anchors_come_from_the_anchor_link_template() {
        let left = with_snippets("## Hai\n", AnchorLinks::Left);
        assert_eq!(
            left.html,
            "<h2 id=\"hai\"><a class=\"z\" href=\"#hai\">2en</a>Hai</h2>\n"
        );
        let right = with_snippets("## Hai\n", AnchorLinks::Right);
        assert_eq!(
            right.html,
            "<h2 id=\"hai\">Hai<a class=\"z\" href=\"#hai\">2en</a></h2>\n"
        );
        let heading = with_snippets("## Hai\n", AnchorLinks::Heading);
        assert_eq!(
            heading.html,
            "<h2 id=\"hai\"><a class=\"z\" href=\"#hai\">Hai</a></h2>\n"
        );
        let none = with_snippets("## Hai\n", AnchorLinks::None);
        assert_eq!(none.html, "<h2 id=\"hai\">Hai</h2>\n");
        // Without the site's templates: congkhai's own `#`.
        let own = render(
            "## Hai\n",
            &RenderOptions {
                footnote_prefix: "",
                anchors: AnchorLinks::Left,
                resolve: &|_: &str| None,
                snippets: None,
                lang: "vi",
            },
        );
        assert!(own.html.contains("class=\"anchor\""), "{}", own.html);
    }

    #[test]
    fn zolas_heading_mode_takes_the_opening_tag_of_the_anchor() {
        assert_eq!(
            anchor_open_tag("<a href=\"#x\">🔗</a>"),
            Some("<a href=\"#x\">")
        );
        assert_eq!(
            anchor_open_tag("x < A class=y>t</ a>"),
            Some("< A class=y>")
        );
        assert_eq!(anchor_open_tag("<abbr>t</abbr>"), None);
        assert_eq!(anchor_open_tag("<a href=x>no close"), None);
    }

    #[test]
    fn summary_is_what_precedes_the_more_marker() {
        for marker in [
            "<!-- more -->",
            "<!--more-->",
            "<!-- MORE -->",
            "<!--\t MoRe \t-->",
        ] {
            let out = r(&format!("Đầu **bài**.\n\n{marker}\n\nThân bài.\n"));
            assert_eq!(
                out.summary.as_deref(),
                Some("<p>Đầu <strong>bài</strong>.</p>"),
                "{marker}"
            );
            assert!(out.html.contains(CONTINUE_READING), "{}", out.html);
            assert!(!out.html.contains("more"), "{}", out.html);
        }
        assert_eq!(r("Không có dấu.\n").summary, None);
        assert_eq!(r("Chỉ <!-- more thứ khác -->.\n").summary, None);
        // Inside a paragraph: the cut-off template, then the paragraph is closed.
        let out = with_snippets("Một <!-- more --> hai.\n", AnchorLinks::None);
        assert_eq!(out.summary.as_deref(), Some("<p>Một[cut 8]</p>\n"));
    }
}
