//! Markdown → HTML with heading ids and anchors, per-page footnote ids, checked internal
//! links (`@/van-ban/ke-hoach.md`), and sanitised raw HTML.
//!
//! pulldown-cmark passes raw HTML, `javascript:` links and `data:` images through, so
//! link and image destinations are filtered here and any page that contains raw HTML is
//! run through an allow-list sanitiser (ammonia). Pages without raw HTML skip the
//! sanitiser, which keeps large builds fast.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::text;

/// A heading being read: level, explicit id, classes, attributes, inner events.
type PendingHeading<'a> = (
    HeadingLevel,
    Option<CowStr<'a>>,
    Vec<CowStr<'a>>,
    Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    Vec<Event<'a>>,
);

/// One heading in a page's table of contents, nested like Zola's `page.toc`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Heading {
    pub level: u32,
    pub id: String,
    pub title: String,
    pub permalink: String,
    pub children: Vec<Heading>,
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

pub struct RenderOptions<'a> {
    /// Absolute URL of the page, for TOC permalinks.
    pub permalink: &'a str,
    /// Prefix for footnote ids so two pages shown together never clash.
    pub footnote_prefix: &'a str,
    pub anchors: AnchorLinks,
    /// Resolves `@/path.md` (without `@/`) to a URL; `None` if no such content.
    pub resolve: &'a dyn Fn(&str) -> Option<String>,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    /// Internal links that point nowhere, as written (`@/van-ban/x.md`), with line.
    pub broken_links: Vec<(String, usize)>,
    /// Links and images with a scheme that is not allowed (javascript:, data:, vbscript:).
    pub unsafe_links: Vec<(String, usize)>,
    pub word_count: usize,
}

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
    let mut has_raw_html = false;
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut flat: Vec<(u32, String, String)> = Vec::new();

    // Buffer of a heading being read, so its id can be computed from its text.
    let mut heading: Option<PendingHeading> = None;

    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        let event = match event {
            Event::Html(h) | Event::InlineHtml(h) => {
                has_raw_html = true;
                Event::Html(h)
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = rewrite_link(&dest_url, opts, || line_of(range.start), &mut out);
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
                let dest = rewrite_link(&dest_url, opts, || line_of(range.start), &mut out);
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
        };

        match event {
            // Wide tables scroll sideways on a phone instead of breaking the layout.
            Event::Start(Tag::Table(align)) => {
                events.push(Event::Html("<div class=\"table-wrap\">".into()));
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
                if let Some((level, id, classes, attrs, inner)) = heading.take() {
                    let title: String = inner
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let base = match id {
                        Some(id) => id.to_string(),
                        None => {
                            let s = text::slugify(&title);
                            if s.is_empty() { "muc".to_string() } else { s }
                        }
                    };
                    let id = unique_id(base, &mut used_ids);
                    let lvl = level as u32;
                    flat.push((lvl, id.clone(), title.trim().to_string()));
                    emit_heading(
                        &mut events,
                        level,
                        &id,
                        &classes,
                        &attrs,
                        inner,
                        opts.anchors,
                    );
                }
            }
            e => match &mut heading {
                Some((_, _, _, _, inner)) => inner.push(e),
                None => events.push(e),
            },
        }
    }

    let mut html_out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    out.html = if has_raw_html {
        sanitize(&html_out)
    } else {
        html_out
    };
    out.toc = nest_toc(&flat, opts.permalink);
    out
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
    anchors: AnchorLinks,
) {
    let mut open = format!("<{level} id=\"{}\"", text::escape_html(id));
    if !classes.is_empty() {
        let cls: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
        open.push_str(&format!(" class=\"{}\"", text::escape_html(&cls.join(" "))));
    }
    for (k, v) in attrs {
        open.push_str(&format!(
            " {}=\"{}\"",
            text::escape_html(k),
            text::escape_html(v.as_deref().unwrap_or(""))
        ));
    }
    open.push('>');
    let anchor = format!(
        "<a class=\"anchor\" href=\"#{}\" aria-label=\"Liên kết tới mục này\">#</a>",
        text::escape_html(id)
    );
    match anchors {
        AnchorLinks::Heading => {
            open.push_str(&format!(
                "<a class=\"heading-link\" href=\"#{}\">",
                text::escape_html(id)
            ));
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
        AnchorLinks::Right => {
            events.push(Event::Html(open.into()));
            events.extend(inner);
            events.push(Event::Html(format!("{anchor}</{level}>\n").into()));
        }
        AnchorLinks::None => {
            events.push(Event::Html(open.into()));
            events.extend(inner);
            events.push(Event::Html(format!("</{level}>\n").into()));
        }
    }
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
                Some(f) => format!("{url}#{f}").into(),
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

fn nest_toc(flat: &[(u32, String, String)], permalink: &str) -> Vec<Heading> {
    fn take(
        flat: &[(u32, String, String)],
        i: &mut usize,
        level: u32,
        permalink: &str,
    ) -> Vec<Heading> {
        let mut out = Vec::new();
        while *i < flat.len() {
            let (lvl, id, title) = &flat[*i];
            if *lvl < level {
                break;
            }
            *i += 1;
            let children = take(flat, i, lvl + 1, permalink);
            out.push(Heading {
                level: *lvl,
                id: id.clone(),
                title: title.clone(),
                permalink: format!("{permalink}#{id}"),
                children,
            });
        }
        // Most pages have one or two headings per level; the default growth would leave
        // room for four, kept for the whole build in every page's value.
        out.shrink_to_fit();
        out
    }
    let min = flat.iter().map(|h| h.0).min().unwrap_or(1);
    let mut i = 0;
    take(flat, &mut i, min, permalink)
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
pub fn render_inline(source: &str, inline: bool) -> String {
    let resolve = |_: &str| None;
    let r = render(
        source,
        &RenderOptions {
            permalink: "",
            footnote_prefix: "md-",
            anchors: AnchorLinks::None,
            resolve: &resolve,
        },
    );
    if inline {
        let t = r.html.trim();
        if let Some(inner) = t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"))
            && !inner.contains("<p>")
        {
            return inner.to_string();
        }
        return t.to_string();
    }
    r.html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(src: &str) -> Rendered {
        let resolve =
            |p: &str| (p == "van-ban/a.md").then(|| "https://x.vn/van-ban/a/".to_string());
        render(
            src,
            &RenderOptions {
                permalink: "https://x.vn/p/",
                footnote_prefix: "p-",
                anchors: AnchorLinks::None,
                resolve: &resolve,
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
        assert_eq!(out.toc.len(), 1);
        assert_eq!(out.toc[0].children.len(), 2);
        assert_eq!(
            out.toc[0].children[1].permalink,
            "https://x.vn/p/#muc-dich-1"
        );
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
            out.html.starts_with("<div class=\"table-wrap\"><table>"),
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
        ] {
            assert_eq!(is_safe_url(u), ok, "{u}");
        }
    }
}
