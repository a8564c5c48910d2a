//! Tera 2 templates: loading (theme, then the site's `templates/` overriding it), the
//! built-in templates (sitemap, robots, feeds, redirects, and Zola `next`'s built-ins
//! under their Zola names), template errors, and the registration of every filter, test
//! and function: tera-contrib's generic ones as Zola registers them (`zola.rs`),
//! congkhai's Vietnamese filters and Zola's `markdown`/`num_format` (`filters.rs`),
//! Zola's functions (`functions.rs`) and image functions (`images.rs`).
//! docs/zola-templates.md lists them all.

mod filters;
mod functions;
pub mod images;
pub mod snippets;
mod zola;

pub use filters::json_in_script;
pub use functions::reevaluate;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Tera, Value};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Templates every site gets unless it defines its own with the same name.
const BUILTIN: &[(&str, &str)] = &[
    (
        "__congkhai/sitemap.xml",
        include_str!("builtin/sitemap.xml"),
    ),
    ("__congkhai/robots.txt", include_str!("builtin/robots.txt")),
    ("__congkhai/atom.xml", include_str!("builtin/atom.xml")),
    ("__congkhai/alias.html", include_str!("builtin/alias.html")),
    (
        "__congkhai/expired.html",
        include_str!("builtin/expired.html"),
    ),
    // Zola next's built-ins, under Zola's names: a template asking for `atom.xml`,
    // `rss.xml`, `anchor-link.html`… finds the site's or theme's own first, these
    // otherwise (Tera's fallback prefix, as Zola sets it up).
    (
        "__zola_builtins/404.html",
        include_str!("builtin/zola/404.html"),
    ),
    (
        "__zola_builtins/atom.xml",
        include_str!("builtin/zola/atom.xml"),
    ),
    (
        "__zola_builtins/rss.xml",
        include_str!("builtin/zola/rss.xml"),
    ),
    (
        "__zola_builtins/sitemap.xml",
        include_str!("builtin/zola/sitemap.xml"),
    ),
    (
        "__zola_builtins/robots.txt",
        include_str!("builtin/zola/robots.txt"),
    ),
    (
        "__zola_builtins/split_sitemap_index.xml",
        include_str!("builtin/zola/split_sitemap_index.xml"),
    ),
    (
        "__zola_builtins/anchor-link.html",
        include_str!("builtin/zola/anchor-link.html"),
    ),
    (
        "__zola_builtins/summary-cutoff.html",
        include_str!("builtin/zola/summary-cutoff.html"),
    ),
    (
        "internal/alias.html",
        include_str!("builtin/zola/internal/alias.html"),
    ),
];

/// The prefix of Zola's built-in templates, tried when a name is not found as is.
pub const ZOLA_BUILTINS: &str = "__zola_builtins/";

/// The embedded default theme, so `init` and a site without `themes/` work anywhere.
pub static DEFAULT_THEME: include_dir::Dir<'_> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/themes/congkhai");

/// Lookups the template functions need (`get_page`, `get_section`, …), built once per
/// build from the site model. Values are Tera values, so handing one to a template is an
/// `Arc` clone, not a copy.
#[derive(Default)]
pub struct Lookup {
    pub pages: BTreeMap<String, Value>,
    pub sections: BTreeMap<String, Value>,
    /// Each language's taxonomies (`get_taxonomy(kind, lang)`), by language then name.
    pub taxonomies: BTreeMap<String, BTreeMap<String, Value>>,
    /// A translation's content path → its original's (`a.en.md` → `a.md`): Zola `next`
    /// looks a page up by its canonical path, then takes the version in `lang`.
    pub canonical: BTreeMap<String, String>,
    /// Every URL a `get_url(path="@/…")` may resolve to, by content path. Memory
    /// (100,000-page benchmark): usually the model's own map, shared.
    pub urls: Arc<BTreeMap<String, String>>,
    pub root: PathBuf,
    pub base_url: String,
    /// `now()` returns this (the build date/time), so output stays reproducible.
    pub now: String,
    /// The site's default language (`num_format`'s locale, `get_url`'s `lang`).
    pub default_language: String,
    /// The configured theme, whose `static/` `get_hash`, `resize_image`… also search.
    pub theme: Option<String>,
    /// Config's `feed_filenames` (Zola's `get_url` adds no trailing slash to them;
    /// empty means Zola's default, `atom.xml`).
    pub feed_filenames: Vec<String>,
    /// The images `resize_image` made; the render stage writes them.
    pub images: Arc<images::Store>,
    /// The site's strings for `trans()` (`crate::i18n::trans`).
    pub translations: crate::i18n::trans::Translations,
    /// The theme's fingerprinted files (`css/main.css` → `css/main.<hash>.css`,
    /// src/assets.rs): `get_url` links the fingerprinted name.
    pub assets: BTreeMap<String, String>,
}

/// Template sources, theme first then site (the site's win).
pub fn collect_sources(root: &Path, config: &Config) -> Result<Vec<(String, String)>, Diagnostics> {
    let mut by_name: BTreeMap<String, String> = BTreeMap::new();
    for (name, src) in BUILTIN {
        by_name.insert((*name).to_string(), (*src).to_string());
    }
    let mut site_templates = BTreeMap::new();
    let site = root.join("templates");
    if site.is_dir() {
        read_dir_templates(&site, &mut site_templates)?;
    }
    if let Some(theme) = &config.theme {
        let dir = config.theme_dir(root, theme).join("templates");
        if dir.is_dir() {
            let mut theme_templates = BTreeMap::new();
            read_dir_templates(&dir, &mut theme_templates)?;
            with_theme_aliases(theme, theme_templates, &site_templates, &mut by_name);
        } else if theme == "congkhai" {
            if let Some(t) = DEFAULT_THEME.get_dir("templates") {
                embedded_templates(t, &mut by_name);
            }
        } else {
            return Err(Diagnostic::error(format!(
                "không tìm thấy giao diện (theme) \u{201c}{theme}\u{201d}"
            ))
            .at(Location::file("config.toml").with_field("theme"))
            .hint(format!(
                "tạo thư mục themes/{theme}/templates, hoặc dùng theme = \"congkhai\" (có sẵn)"
            ))
            .into());
        }
    }
    by_name.extend(site_templates);
    Ok(by_name
        .into_iter()
        .map(|(name, src)| {
            let src = match child_top_level_dropped(&src) {
                Some(kept) => kept,
                None => src,
            };
            (name, src)
        })
        .collect())
}

/// A theme's templates as Zola `next` knows them: under `<theme>/templates/<name>`
/// (so a site's template can extend the one it replaces) and, unless the site has its
/// own file of that name, under `<name>`. Tera 2.4 refuses a component defined twice,
/// where Zola's Tera 2.0 let the site's definition win; so each template is parsed
/// once: a name the site does not replace is the theme's file, and its alias only
/// `{% extends "<name>" %}` it (the same output, no second definition); a replaced
/// one keeps its text under the alias. A component the site defines itself is left
/// out of the theme's files (the site's wins, as in Zola `next`); the theme's other
/// components stay available (`{{ <theme_component /> }}`).
fn with_theme_aliases(
    theme: &str,
    theme_templates: BTreeMap<String, String>,
    site_templates: &BTreeMap<String, String>,
    out: &mut BTreeMap<String, String>,
) {
    let site_components: std::collections::BTreeSet<&str> = site_templates
        .values()
        .flat_map(|src| component_spans(src))
        .map(|(name, _)| name)
        .collect();
    for (name, src) in theme_templates {
        let mut kept = String::with_capacity(src.len());
        let mut from = 0;
        for (component, span) in component_spans(&src) {
            if site_components.contains(component) {
                kept.push_str(&src[from..span.start]);
                from = span.end;
            }
        }
        kept.push_str(&src[from..]);
        let alias = format!("{theme}/templates/{name}");
        if site_templates.contains_key(&name) {
            out.insert(alias, kept);
        } else {
            out.insert(alias, format!("{{% extends \"{name}\" %}}"));
            out.insert(name, kept);
        }
    }
}

/// The components a template defines: each name and the span from its
/// `{% component name(…) %}` to the end of its `{% endcomponent %}` (whitespace
/// control `{%-`/`-%}` allowed). Hand-written: Tera does not expose its parser.
fn component_spans(src: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    /// The word after `{%`, `{%-` and spaces at `i`, and where it ends.
    fn tag_word(src: &str, i: usize) -> Option<(&str, usize)> {
        let rest = src.get(i + 2..)?;
        let trimmed = rest.trim_start_matches('-').trim_start();
        let start = i + 2 + (rest.len() - trimmed.len());
        let len = trimmed
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(trimmed.len());
        Some((&src[start..start + len], start + len))
    }
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = src.get(at..).and_then(|r| r.find("{%")).map(|i| i + at) {
        match tag_word(src, i) {
            Some(("component", after)) => {
                let rest = &src[after..];
                let trimmed = rest.trim_start();
                let name_start = after + (rest.len() - trimmed.len());
                let name_len = trimmed
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(trimmed.len());
                let name = &src[name_start..name_start + name_len];
                // Its `{% endcomponent %}`.
                let mut j = after;
                let mut end = None;
                while let Some(k) = src.get(j..).and_then(|r| r.find("{%")).map(|k| k + j) {
                    if let Some(("endcomponent", e)) = tag_word(src, k) {
                        end = src[e..].find("%}").map(|c| e + c + 2);
                        break;
                    }
                    j = k + 2;
                }
                let Some(end) = end else { break };
                if !name.is_empty() {
                    out.push((name, i..end));
                }
                at = end;
            }
            _ => at = i + 2,
        }
    }
    out
}

/// A child template (`{% extends %}` first) with what lies outside its blocks dropped,
/// or `None` when nothing is outside them. Zola `next` builds with Tera 2.0, which
/// ignored text and tags at the top level of a child template (they never render);
/// Tera 2.4 refuses them, so Zola sites and themes written for Zola would stop here.
/// Hand-written: no crate reads Tera's block structure short of Tera itself.
fn child_top_level_dropped(src: &str) -> Option<String> {
    let start = src.trim_start();
    let first_tag = start
        .strip_prefix("{%")?
        .trim_start_matches('-')
        .trim_start();
    if !first_tag.starts_with("extends") {
        return None;
    }
    let mut out = String::with_capacity(src.len());
    let mut depth = 0usize;
    let mut rest = src;
    let mut dropped = false;
    while !rest.is_empty() {
        let next = rest.find(['{']).unwrap_or(rest.len());
        let (text, tail) = rest.split_at(next);
        if depth > 0 {
            out.push_str(text);
        } else if !text.trim().is_empty() {
            dropped = true;
        }
        rest = tail;
        if rest.is_empty() {
            break;
        }
        let close = match &rest[..rest.len().min(2)] {
            "{%" => "%}",
            "{{" => "}}",
            "{#" => "#}",
            _ => {
                if depth > 0 {
                    out.push('{');
                }
                rest = &rest[1..];
                continue;
            }
        };
        let end = rest.find(close).map_or(rest.len(), |i| i + 2);
        let tag = &rest[..end];
        let word = tag[2..]
            .trim_start_matches(['-', '+'])
            .split_whitespace()
            .next()
            .unwrap_or("");
        let structural = close == "%}"
            && matches!(
                word,
                "extends" | "block" | "endblock" | "component" | "endcomponent"
            );
        match (close, word) {
            ("%}", "block" | "component") => depth += 1,
            ("%}", "endblock" | "endcomponent") => depth = depth.saturating_sub(1),
            _ => {}
        }
        let opens = close == "%}" && matches!(word, "block" | "component");
        if depth > 0 || structural || opens {
            out.push_str(tag);
        } else {
            dropped = true;
        }
        rest = &rest[end..];
    }
    dropped.then_some(out)
}

fn embedded_templates(dir: &include_dir::Dir<'_>, out: &mut BTreeMap<String, String>) {
    for f in dir.files() {
        if let (Some(text), Ok(rel)) = (f.contents_utf8(), f.path().strip_prefix("templates")) {
            out.insert(rel.to_string_lossy().replace('\\', "/"), text.to_string());
        }
    }
    for d in dir.dirs() {
        embedded_templates(d, out);
    }
}

fn read_dir_templates(dir: &Path, out: &mut BTreeMap<String, String>) -> Result<(), Diagnostics> {
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let name = crate::output::rel_path(entry.path(), dir);
        if name.starts_with('.') || name.ends_with('~') {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).map_err(|e| {
            Diagnostic::error(format!("không đọc được mẫu giao diện: {e}")).in_file(entry.path())
        })?;
        out.insert(name, crate::text::nfc(&text));
    }
    Ok(())
}

/// Build the Tera instance with every filter and function registered.
///
/// Parsing is done once per distinct set of sources in a process: the sites of a
/// province workspace (src/workspace/) built in one run share one theme, so each
/// later site gets a copy of the parsed templates with its own filters and functions.
pub fn build(sources: &[(String, String)], lookup: Arc<Lookup>) -> Result<Tera, Diagnostics> {
    let key = sources_key(sources);
    let cached = PARSED
        .lock()
        .ok()
        .and_then(|c| c.iter().find(|(k, _)| *k == key).map(|(_, t)| t.clone()));
    let mut tera = match cached {
        Some(t) => t,
        None => {
            let mut tera = Tera::new();
            if let Err(e) = tera.set_fallback_prefixes([ZOLA_BUILTINS]) {
                return Err(tera_error("", &e).into());
            }
            tera.autoescape_on(vec![".html", ".htm", ".xml"]);
            // Tera checks that every filter and function a template calls exists:
            // register them before parsing; they are registered again below with
            // this build's own values.
            register_all(&mut tera, &lookup);
            if let Err(e) =
                tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            {
                return Err(tera_error("", &e).into());
            }
            if let Ok(mut c) = PARSED.lock() {
                if c.len() >= MAX_PARSED {
                    c.remove(0);
                }
                c.push((key, tera.clone()));
            }
            tera
        }
    };
    register_all(&mut tera, &lookup);
    Ok(tera)
}

fn register_all(tera: &mut Tera, lookup: &Arc<Lookup>) {
    zola::register(tera, &lookup.now);
    filters::register(tera, lookup.clone());
    crate::i18n::trans::register(tera, lookup.translations.clone());
    functions::register(tera, lookup.clone());
}

/// Template sets kept parsed (a workspace whose sites override templates has several).
const MAX_PARSED: usize = 4;

/// Parsed template sets by the SHA-256 of their names and sources.
static PARSED: std::sync::Mutex<Vec<(String, Tera)>> = std::sync::Mutex::new(Vec::new());

/// The SHA-256 of a template set (names and sources): part of the page cache's key.
pub fn sources_key(sources: &[(String, String)]) -> String {
    let mut bytes = Vec::new();
    for (name, src) in sources {
        for part in [name, src] {
            bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
            bytes.extend_from_slice(part.as_bytes());
        }
    }
    crate::digest::sha256_hex(&bytes)
}

/// Turn a Tera error into a diagnostic naming the template file and line.
pub fn tera_error(context: &str, e: &tera::Error) -> Diagnostic {
    let (file, line, col, message) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            r.filename().to_string(),
            Some(r.span().start_line),
            Some(r.span().start_col + 1),
            r.message().to_string(),
        ),
        tera::ErrorKind::TemplateNotFound(name) => (
            String::new(),
            None,
            None,
            format!("không tìm thấy mẫu giao diện \u{201c}{name}\u{201d}"),
        ),
        _ => (String::new(), None, None, e.to_string()),
    };
    let mut chain = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push_str(&format!(": {s}"));
        source = s.source();
    }
    if let Some(inner) = decode_data_error(&format!("{message}{chain}")) {
        // A data file read by `load_data` is wrong: report it at the data file with the
        // loader's own hint; the template and page only say where it was read from.
        let from = if file.is_empty() {
            String::new()
        } else {
            let loc = Location {
                file: PathBuf::from("templates").join(&file),
                line,
                column: col,
                field: None,
            };
            format!("load_data trong {loc}")
        };
        let origin = match (from.is_empty(), context.is_empty()) {
            (true, true) => String::new(),
            (false, true) => format!(" (đọc bằng {from})"),
            (true, false) => format!(" (khi tạo {context})"),
            (false, false) => format!(" (đọc bằng {from} khi tạo {context})"),
        };
        return Diagnostic {
            message: format!("{}{origin}", inner.message),
            ..inner
        };
    }
    if let tera::ErrorKind::TemplateNotFound(name) = e.kind() {
        let at_page = context.starts_with("content/");
        let mut d = Diagnostic::error(if context.is_empty() {
            message
        } else if at_page {
            format!("{message}, do trang {context} yêu cầu")
        } else {
            format!("{message} (cần cho {context})")
        })
        .hint(format!(
            "tạo tệp templates/{name}, hoặc sửa template = \"…\" trong phần đầu trang cho đúng tên một tệp trong templates/"
        ));
        if at_page {
            d = d.at(Location::file(context));
        }
        return d;
    }
    // A function or filter that says how to fix its error ("…; cách sửa: …") gives
    // the hint; the generic one is for everything else.
    let full = format!("{message}{chain}");
    let (what, hint) = match full.split_once("; cách sửa: ") {
        Some((what, hint)) => (what.to_string(), hint.to_string()),
        None => (
            full.clone(),
            "kiểm tra tên biến và bộ lọc trong mẫu; biến có thể vắng mặt thì dùng `if x is defined` hoặc bộ lọc default".to_string(),
        ),
    };
    let msg = if context.is_empty() {
        format!("lỗi mẫu giao diện: {what}")
    } else {
        format!("lỗi mẫu giao diện khi tạo {context}: {what}")
    };
    let mut d = Diagnostic::error(msg).hint(hint);
    if !file.is_empty() {
        d = d.at(Location {
            file: PathBuf::from("templates").join(file),
            line,
            column: col,
            field: None,
        });
    }
    d
}

/// [`tera_error`] with what only the Tera instance knows: for a missing template, the
/// closest existing template names.
pub fn tera_error_in(tera: &Tera, context: &str, e: &tera::Error) -> Diagnostic {
    let d = tera_error(context, e);
    let tera::ErrorKind::TemplateNotFound(name) = e.kind() else {
        return d;
    };
    let close = closest_names(name, tera.get_template_names(), 3);
    if close.is_empty() {
        return d;
    }
    let list: Vec<String> = close
        .iter()
        .map(|n| format!("\u{201c}{n}\u{201d}"))
        .collect();
    Diagnostic {
        message: format!(
            "{}; các mẫu có tên gần nhất: {}",
            d.message,
            list.join(", ")
        ),
        ..d
    }
}

/// Up to `n` of `names` closest to `want` (edit distance on the folded names, ties by
/// name), for "did you mean" lists. Long inputs are cut so the cost stays bounded.
pub fn closest_names<'a>(
    want: &str,
    names: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let cut = |s: &str| -> Vec<char> { crate::text::fold(s).chars().take(100).collect() };
    let want = cut(want);
    let mut scored: Vec<(usize, &str)> = names
        .into_iter()
        .map(|name| (strsim::generic_levenshtein(&want, &cut(name)), name))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, name)| name).collect()
}

/// Separators for carrying a data-loader [`Diagnostic`] through a Tera error (which only
/// holds a string) so [`tera_error`] can report it at the data file with its own hint.
const DATA_ERR: char = '\u{1e}';
const DATA_SEP: char = '\u{1f}';

pub(crate) fn encode_data_error(d: &Diagnostic) -> String {
    let loc = d.location.clone().unwrap_or_default();
    let num = |n: Option<usize>| n.map(|n| n.to_string()).unwrap_or_default();
    format!(
        "{DATA_ERR}{}{DATA_SEP}{}{DATA_SEP}{}{DATA_SEP}{}{DATA_SEP}{}{DATA_SEP}{}{DATA_ERR}",
        loc.file.to_string_lossy(),
        num(loc.line),
        num(loc.column),
        loc.field.as_deref().unwrap_or(""),
        d.message,
        d.hint.as_deref().unwrap_or("")
    )
}

fn decode_data_error(text: &str) -> Option<Diagnostic> {
    let start = text.find(DATA_ERR)? + DATA_ERR.len_utf8();
    let len = text[start..].find(DATA_ERR)?;
    let parts: Vec<&str> = text[start..start + len].split(DATA_SEP).collect();
    let [file, line, column, field, message, hint] = parts.as_slice() else {
        return None;
    };
    let mut d = Diagnostic::error(*message);
    if !file.is_empty() {
        d = d.at(Location {
            file: PathBuf::from(file),
            line: line.parse().ok(),
            column: column.parse().ok(),
            field: (!field.is_empty()).then(|| field.to_string()),
        });
    }
    if !hint.is_empty() {
        d = d.hint(*hint);
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str) -> Result<String, tera::Error> {
        let sources = vec![("t.html".to_string(), src.to_string())];
        let tera = build(&sources, Arc::new(Lookup::default()))
            .map_err(|d| tera::Error::message(format!("{d:?}")))?;
        tera.render("t.html", &tera::Context::new())
    }

    #[test]
    fn components_are_found_with_their_whole_definition() {
        let src = "a{% component x(n) -%}X{%- endcomponent %}b{%-component  y_2()%}Y{%endcomponent-%}c{% if z %}{% endif %}";
        let got: Vec<(&str, &str)> = component_spans(src)
            .into_iter()
            .map(|(n, r)| (n, &src[r]))
            .collect();
        assert_eq!(
            got,
            [
                ("x", "{% component x(n) -%}X{%- endcomponent %}"),
                ("y_2", "{%-component  y_2()%}Y{%endcomponent-%}")
            ]
        );
        assert!(component_spans("{% component x() %} never closed").is_empty());
    }

    /// Zola `next`'s test_site: the theme and the site both define `pirate`, the theme
    /// also `theme_component`; the site's index extends the theme's by its alias.
    #[test]
    fn theme_templates_are_aliased_once_and_the_sites_components_win() {
        let theme: BTreeMap<String, String> = [
            (
                "components.html",
                "{% component pirate() %}THEME PIRATE{% endcomponent %}\n{% component theme_component() %}THEME{% endcomponent %}",
            ),
            ("index.html", "T[{% block b %}theme{% endblock b %}]"),
            ("page.html", "{{ <theme_component /> }}|{{ <pirate /> }}"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let site: BTreeMap<String, String> = [
            (
                "components.html",
                "{% component pirate() %}SITE PIRATE{% endcomponent %}",
            ),
            (
                "index.html",
                "{% extends \"sample/templates/index.html\" %}{% block b %}site{% endblock b %}",
            ),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let mut all = BTreeMap::new();
        with_theme_aliases("sample", theme, &site, &mut all);
        all.extend(site);
        assert_eq!(
            all["sample/templates/page.html"],
            "{% extends \"page.html\" %}"
        );
        let sources: Vec<(String, String)> = all.into_iter().collect();
        let tera = build(&sources, Arc::new(Lookup::default())).expect("one definition each");
        let ctx = tera::Context::new();
        assert_eq!(tera.render("page.html", &ctx).unwrap(), "THEME|SITE PIRATE");
        assert_eq!(
            tera.render("sample/templates/page.html", &ctx).unwrap(),
            "THEME|SITE PIRATE"
        );
        assert_eq!(tera.render("index.html", &ctx).unwrap(), "T[site]");
    }

    #[test]
    fn child_templates_lose_only_what_lies_outside_their_blocks() {
        let cases: &[(&str, Option<&str>)] = &[
            // Not a child template: untouched.
            ("A {% block a %}x{% endblock %}", None),
            // A child with nothing outside its blocks: untouched.
            (
                "{% extends \"b.html\" %}\n{% block a %}x{% endblock a %}\n",
                None,
            ),
            // Zola's test_site child.html: the text and the include go.
            (
                "{% extends \"index.html\" %}\n\nA child\n\n{% include \"i.html\" %}",
                Some("{% extends \"index.html\" %}"),
            ),
            // Nested blocks and braces inside a block are kept.
            (
                "{%- extends \"b.html\" -%} x {% block a %}{ {{ y }} {% block c %}z{% endblock %}{% endblock %} {{ w }}",
                Some(
                    "{%- extends \"b.html\" -%}{% block a %}{ {{ y }} {% block c %}z{% endblock %}{% endblock %}",
                ),
            ),
        ];
        for (src, want) in cases {
            assert_eq!(child_top_level_dropped(src).as_deref(), *want, "{src}");
        }
    }

    #[test]
    fn zola_names_are_registered_once_and_win() {
        // tera-contrib's json_encode keeps the map's own order (insertion order here).
        assert_eq!(
            render("{{ {'b': 1, 'a': 2} | json_encode | safe }}").unwrap(),
            r#"{"b":1,"a":2}"#
        );
        assert_eq!(render("{{ 'Hòa An' | slugify }}").unwrap(), "hoa-an");
        assert_eq!(render("{{ 1234567 | num_format }}").unwrap(), "1,234,567");
    }

    #[test]
    fn closest_template_names() {
        let names = [
            "page.html",
            "section.html",
            "kinds/document.html",
            "index.html",
            "404.html",
        ];
        let close = closest_names("pag.html", names, 3);
        assert_eq!(close.len(), 3);
        assert_eq!(close[0], "page.html");
        assert!(!close.contains(&"kinds/document.html"), "{close:?}");
        assert_eq!(closest_names("x", names, 1).len(), 1);
        assert!(closest_names("x", [], 3).is_empty());
        // A huge requested name costs no more than a 100-character one.
        let long = "a".repeat(1_000_000);
        assert_eq!(closest_names(&long, names, 2).len(), 2);
    }

    #[test]
    fn undefined_variable_is_an_error() {
        assert!(render("{{ khong_co }}").is_err());
    }

    #[test]
    fn data_error_survives_the_trip_through_tera() {
        let d = Diagnostic::error("dòng 3 có 3 ô")
            .at(Location::line("data/x.csv", 3))
            .hint("lưu lại dạng CSV UTF-8");
        let wrapped = format!("Function call failed: {}", encode_data_error(&d));
        assert_eq!(decode_data_error(&wrapped), Some(d));
        assert_eq!(decode_data_error("Variable `x` is not defined"), None);
    }
}
