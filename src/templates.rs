//! Tera 2 templates: loading (theme, then the site's `templates/` overriding it), the
//! built-in templates (sitemap, robots, feeds, redirects), and every custom filter and
//! function in one place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera, Value};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::{format, markdown};

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
];

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
    pub taxonomies: BTreeMap<String, Value>,
    /// Every URL a `get_url(path="@/…")` may resolve to, by content path.
    pub urls: BTreeMap<String, String>,
    pub root: PathBuf,
    pub base_url: String,
    /// `now()` returns this (the build date/time), so output stays reproducible.
    pub now: String,
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
    if let Some(theme) = &config.theme {
        let dir = config.theme_dir(root, theme).join("templates");
        if dir.is_dir() {
            read_dir_templates(&dir, &mut by_name)?;
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
    let site = root.join("templates");
    if site.is_dir() {
        read_dir_templates(&site, &mut by_name)?;
    }
    Ok(by_name.into_iter().collect())
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
/// later site gets a copy of the parsed templates with its own lookup functions.
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
            tera.autoescape_on(vec![".html", ".htm", ".xml"]);
            register_filters(&mut tera);
            // Tera checks that every function a template calls exists: register them
            // (with an empty lookup) before parsing; the build's own replace them below.
            register_functions(&mut tera, Arc::new(Lookup::default()));
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
    register_functions(&mut tera, lookup);
    Ok(tera)
}

/// Template sets kept parsed (a workspace whose sites override templates has several).
const MAX_PARSED: usize = 4;

/// Parsed template sets by the SHA-256 of their names and sources.
static PARSED: std::sync::Mutex<Vec<(String, Tera)>> = std::sync::Mutex::new(Vec::new());

fn sources_key(sources: &[(String, String)]) -> String {
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
    let msg = if context.is_empty() {
        format!("lỗi mẫu giao diện: {message}{chain}")
    } else {
        format!("lỗi mẫu giao diện khi tạo {context}: {message}{chain}")
    };
    let mut d = Diagnostic::error(msg).hint(
        "kiểm tra tên biến và bộ lọc trong mẫu; biến có thể vắng mặt thì dùng `if x is defined` hoặc bộ lọc default",
    );
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
        .map(|name| (edit_distance(&want, &cut(name)), name))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, name)| name).collect()
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Separators for carrying a data-loader [`Diagnostic`] through a Tera error (which only
/// holds a string) so [`tera_error`] can report it at the data file with its own hint.
const DATA_ERR: char = '\u{1e}';
const DATA_SEP: char = '\u{1f}';

fn encode_data_error(d: &Diagnostic) -> String {
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

fn iso_date(s: &str) -> Option<chrono::NaiveDate> {
    crate::content::frontmatter::parse_date_text(s)
}

fn register_filters(tera: &mut Tera) {
    tera.register_filter("date_vi", |v: &str, _: Kwargs, _: &State| {
        iso_date(v).map_or_else(|| v.to_string(), format::date_short)
    });
    tera.register_filter("date_long_vi", |v: &str, _: Kwargs, _: &State| {
        iso_date(v).map_or_else(|| v.to_string(), format::date_long)
    });
    // Print headers of official postings (Decree 30/2020): "415/QĐ-UBND" out of a cited
    // decision ("" when it names no number), and the place before the date ("Hòa An").
    tera.register_filter("doc_number", |v: &str, _: Kwargs, _: &State| {
        format::document_number(v).unwrap_or_default().to_string()
    });
    tera.register_filter("place_name", |v: &str, _: Kwargs, _: &State| {
        format::place_name(v).to_string()
    });
    tera.register_filter("weekday_vi", |v: &str, _: Kwargs, _: &State| {
        iso_date(v).map_or_else(String::new, |d| format::weekday(d).to_string())
    });
    tera.register_filter("money_vi", |v: i64, _: Kwargs, _: &State| format::vnd(v));
    tera.register_filter(
        "number_vi",
        |v: f64, k: Kwargs, _: &State| -> tera::TeraResult<String> {
            let decimals: usize = k.get("decimals")?.unwrap_or(0);
            Ok(if decimals == 0 && v.fract() == 0.0 {
                format::number(v as i64)
            } else {
                format::decimal(v, decimals)
            })
        },
    );
    tera.register_filter("percent_vi", |v: f64, _: Kwargs, _: &State| {
        format::percent(v)
    });
    tera.register_filter("filesize_vi", |v: u64, _: Kwargs, _: &State| {
        format::file_size(v)
    });
    // Zola's num_format: thousands separators in the site's language (vi: dots).
    tera.register_filter("num_format", |v: f64, _: Kwargs, _: &State| {
        if v.fract() == 0.0 {
            format::number(v as i64)
        } else {
            format::decimal(v, 2)
        }
    });
    tera.register_filter(
        "markdown",
        |v: &str, k: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let inline: bool = k.get("inline")?.unwrap_or(false);
            match markdown::render_inline(v, inline) {
                Ok(html) => Ok(Value::safe_string(&html)),
                Err((depth, line)) => Err(tera::Error::message(format!(
                    "{} ở dòng {line} của văn bản đưa vào bộ lọc markdown; cách sửa: {}",
                    markdown::too_deep_message(depth),
                    markdown::TOO_DEEP_HINT
                ))),
            }
        },
    );
    tera.register_filter("slugify", |v: &str, _: Kwargs, _: &State| {
        crate::text::slugify(v)
    });
    tera.register_filter("fold_vi", |v: &str, _: Kwargs, _: &State| {
        crate::text::fold(v)
    });
    tera.register_filter("urlencode", |v: &str, _: Kwargs, _: &State| urlencode(v));
    tera.register_filter(
        "json_encode",
        |v: &Value, _: Kwargs, _: &State| -> tera::TeraResult<String> { canonical_json(v) },
    );
    // JSON safe inside <script type="application/ld+json">: see `json_in_script`.
    tera.register_filter(
        "json_ld",
        |v: &Value, _: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let s = canonical_json(v)?;
            Ok(Value::safe_string(&json_in_script(&s)))
        },
    );
}

/// JSON text made safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`,
/// `\u003e`, `\u0026` (the same JSON value), so no `</script`, `<!--` or `]]>` from data
/// can end the element or start a comment that swallows the page.
pub fn json_in_script(json: &str) -> String {
    if !json.contains(['<', '>', '&']) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// JSON with object keys sorted: tera's maps are hash maps, so serialising one directly
/// would give a different key order on every run (and break byte-identical builds).
fn canonical_json(v: &Value) -> tera::TeraResult<String> {
    serde_json::to_value(v)
        .and_then(|v| serde_json::to_string(&v))
        .map_err(|e| tera::Error::message(e.to_string()))
}

fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn register_functions(tera: &mut Tera, lookup: Arc<Lookup>) {
    let l = lookup.clone();
    tera.register_function(
        "get_page",
        move |k: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: &str = k.must_get("path")?;
            let path = path.trim_start_matches("@/");
            l.pages.get(path).cloned().ok_or_else(|| {
                tera::Error::message(format!("get_page: không có trang \u{201c}{path}\u{201d}"))
            })
        },
    );
    let l = lookup.clone();
    tera.register_function(
        "get_section",
        move |k: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: &str = k.must_get("path")?;
            let path = path.trim_start_matches("@/");
            let optional: bool = k.get("optional")?.unwrap_or(false);
            match l.sections.get(path) {
                Some(v) => Ok(v.clone()),
                None if optional => Ok(Value::none()),
                None => Err(tera::Error::message(format!(
                    "get_section: không có mục \u{201c}{path}\u{201d}"
                ))),
            }
        },
    );
    let l = lookup.clone();
    tera.register_function(
        "get_taxonomy",
        move |k: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let kind: &str = k.must_get("kind")?;
            let required: bool = k.get("required")?.unwrap_or(true);
            match l.taxonomies.get(kind) {
                Some(v) => Ok(v.clone()),
                None if !required => Ok(Value::none()),
                None => Err(tera::Error::message(format!(
                    "get_taxonomy: không có phân loại \u{201c}{kind}\u{201d}"
                ))),
            }
        },
    );
    let l = lookup.clone();
    tera.register_function(
        "get_url",
        move |k: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: &str = k.must_get("path")?;
            if let Some(rest) = path.strip_prefix("@/") {
                // `optional=true`: none when the site has no such page, so a theme can
                // link to a page only where it exists (dead links fail the build).
                let optional: bool = k.get("optional")?.unwrap_or(false);
                return match l.urls.get(rest) {
                    Some(u) => Ok(Value::from(u.as_str())),
                    None if optional => Ok(Value::none()),
                    None => Err(tera::Error::message(format!(
                        "get_url: không có nội dung \u{201c}{path}\u{201d}"
                    ))),
                };
            }
            let trailing: bool = k.get("trailing_slash")?.unwrap_or(false);
            let path = path.trim_start_matches('/');
            let path = l.assets.get(path).map_or(path, String::as_str);
            let mut url = format!("{}/{}", l.base_url, path);
            if trailing && !url.ends_with('/') {
                url.push('/');
            }
            Ok(Value::from(url.as_str()))
        },
    );
    let l = lookup.clone();
    tera.register_function(
        "load_data",
        move |k: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: &str = k.must_get("path")?;
            let required: bool = k.get("required")?.unwrap_or(true);
            match crate::data::load_value(&l.root, path) {
                // privacy: a template never sees a column that names personal data.
                Ok(v) => Ok(Value::from_serializable(&crate::privacy::strip_private(v))),
                Err(_) if !required => Ok(Value::none()),
                Err(d) => Err(tera::Error::message(encode_data_error(&d))),
            }
        },
    );
    let l = lookup;
    tera.register_function("now", move |_: Kwargs, _: &State| {
        Value::from(l.now.as_str())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str) -> Result<String, tera::Error> {
        let mut tera = Tera::new();
        register_filters(&mut tera);
        register_functions(&mut tera, Arc::new(Lookup::default()));
        tera.add_raw_template("t.html", src)?;
        tera.render("t.html", &tera::Context::new())
    }

    #[test]
    fn json_filters_sort_object_keys() {
        // Hash-map order would differ between runs; twenty keys make a lucky pass unlikely.
        let keys: Vec<String> = (0..20).map(|i| format!("k{i:02}")).collect();
        let src = format!(
            "{{% set m = {{{}}} %}}{{{{ m | json_encode | safe }}}}|{{{{ m | json_ld }}}}",
            keys.iter()
                .map(|k| format!("\"{k}\": 1"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let want = format!(
            "{{{}}}",
            keys.iter()
                .map(|k| format!("\"{k}\":1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        assert_eq!(render(&src).ok(), Some(format!("{want}|{want}")));
    }

    #[test]
    fn vietnamese_filters() {
        assert_eq!(
            render("{{ \"2026-06-10\" | date_vi }}").unwrap(),
            "10/06/2026"
        );
        assert_eq!(
            render("{{ \"2026-06-10\" | date_long_vi }}").unwrap(),
            "ngày 10 tháng 6 năm 2026"
        );
        assert_eq!(
            render("{{ \"2026-01-05\" | date_long_vi }}").unwrap(),
            "ngày 05 tháng 01 năm 2026"
        );
        assert_eq!(
            render("{{ \"Quyết định số 415/QĐ-UBND ngày 05/11/2026\" | doc_number }}").unwrap(),
            "415/QĐ-UBND"
        );
        assert_eq!(
            render("{{ \"Phường Hòa An\" | place_name }}").unwrap(),
            "Hòa An"
        );
        assert_eq!(
            render("{{ 1500000 | money_vi }}").unwrap(),
            "1.500.000\u{a0}đ"
        );
        assert_eq!(render("{{ 0.524 | percent_vi }}").unwrap(), "52,4\u{a0}%");
        assert_eq!(render("{{ 1234567 | num_format }}").unwrap(), "1.234.567");
    }

    #[test]
    fn markdown_filter_is_safe_and_sanitised() {
        let out = render("{{ \"**a** <script>x</script>\" | markdown(inline=true) }}").unwrap();
        assert!(out.contains("<strong>a</strong>"));
        assert!(!out.contains("<script"));
    }

    #[test]
    fn markdown_filter_refuses_deep_nesting_with_an_error() {
        let deep = ">".repeat(3000);
        let src = format!("{{{{ \"{deep} x\" | markdown }}}}");
        let e = render(&src).unwrap_err();
        let d = tera_error("content/a.md", &e);
        assert!(d.message.contains("lồng nhau quá sâu"), "{}", d.message);
    }

    #[test]
    fn json_in_script_cannot_close_the_element() {
        for (input, want) in [
            (r#"{"a":"x"}"#, r#"{"a":"x"}"#),
            (
                r#"{"a":"</script><!--"}"#,
                r#"{"a":"\u003c/script\u003e\u003c!--"}"#,
            ),
            (r#"{"a":"]]> & <"}"#, r#"{"a":"]]\u003e \u0026 \u003c"}"#),
        ] {
            let out = json_in_script(input);
            assert_eq!(out, want);
            // Still the same JSON value.
            let a: serde_json::Value = serde_json::from_str(input).unwrap();
            let b: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(a, b);
        }
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
