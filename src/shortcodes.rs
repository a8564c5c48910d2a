//! Shortcodes as Zola `next` has them: the Markdown of a page or section that holds
//! `{{` or `{%` is first rendered as a Tera 2 template, with the site's templates
//! loaded, so the components a theme defines (`{% component youtube(id) %}…` in
//! `templates/components.html`) are called from content as `{{ <youtube id="x" /> }}`
//! (inline) or `{% <note> %}text{% </note> %}` (with a body). The result is then
//! Markdown like any other and goes through the same sanitiser, so a component cannot
//! put a script into a page.
//!
//! Zola `next` replaced the `templates/shortcodes/*.html` shortcodes of Zola 0.22 and
//! earlier by these components (docs/zola-compatibility.md). `skip_content_templating`
//! (globs relative to `content/`) leaves files as written; `{% raw %}…{% endraw %}`
//! keeps `{{` in a text. A portal (`[ward]`) never templates its content: a ward's
//! notices are text.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::json;
use tera::{Context, Tera};

use crate::config::Config;
use crate::content::{Page, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::templates::{self, Lookup};

/// Whether a text needs templating: a `{` followed by `{` or `%` (as Zola checks).
pub fn needs_templating(s: &str) -> bool {
    s.contains("{{") || s.contains("{%")
}

/// What content templates see besides `page` or `section`.
pub struct Site<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    /// Content path → permalink, for `get_url(path="@/…")`.
    pub urls: &'a Arc<BTreeMap<String, String>>,
    /// The build date as `now()` returns it.
    pub now: String,
    /// Where `resize_image` keeps the images it makes: the build's store, which the
    /// render stage writes (an image made by content must reach the output too).
    pub images: Arc<templates::images::Store>,
}

/// Render the bodies that need it, in place. Nothing is built (not even the template
/// engine) when no body holds `{{` or `{%`: the usual portal never pays for this.
pub fn apply(
    site: &Site,
    pages: &mut [Box<Page>],
    sections: &mut BTreeMap<String, Section>,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    // A portal's content is written by ward staff: it is text, never a template, so a
    // `{{` in a notice can neither fail the build nor run anything
    // (tests/it/hostile_html.rs). Only a plain Zola site gets Zola's templating.
    if site.config.is_portal() {
        return diags;
    }
    let skip = match skip_globs(site.config) {
        Ok(g) => g,
        Err(d) => return d.into(),
    };
    let wanted = |rel: &str, body: &str| {
        needs_templating(body) && !skip.as_ref().is_some_and(|g| g.is_match(rel))
    };
    let any = pages.iter().any(|p| wanted(&p.rel, &p.body))
        || sections.values().any(|s| wanted(&s.rel, &s.body));
    if !any {
        return diags;
    }
    let tera = match content_tera(site) {
        Ok(t) => t,
        Err(d) => return d,
    };
    let config_value = serde_json::to_value(site.config).unwrap_or_default();
    let results: Vec<Option<Diagnostic>> = pages
        .par_iter_mut()
        .filter(|p| wanted(&p.rel, &p.body))
        .map(|p| {
            let value = json!({
                "title": p.fm.title,
                "description": p.fm.description,
                "date": p.date,
                "updated": p.fm.updated,
                "slug": p.slug,
                "path": p.path,
                "permalink": site.config.permalink(&p.path),
                "relative_path": p.rel,
                "extra": p.fm.extra,
                "taxonomies": p.fm.taxonomies,
                "authors": p.fm.authors,
                "draft": p.fm.draft,
                "lang": site.config.default_language,
            });
            let ctx = context("page", value, site, &config_value);
            render_text(&tera, &ctx, &p.file, p.body_line, &mut p.body)
        })
        .collect();
    diags.extend(results.into_iter().flatten());
    for s in sections.values_mut().filter(|s| wanted(&s.rel, &s.body)) {
        let value = json!({
            "title": s.fm.title,
            "description": s.fm.description,
            "path": s.path,
            "permalink": site.config.permalink(&s.path),
            "relative_path": s.rel,
            "extra": s.fm.extra,
            "lang": site.config.default_language,
        });
        let ctx = context("section", value, site, &config_value);
        diags.extend(render_text(&tera, &ctx, &s.file, s.body_line, &mut s.body));
    }
    diags
}

/// Render one body in place; an error names the file and line.
fn render_text(
    tera: &Tera,
    ctx: &Context,
    file: &Path,
    body_line: usize,
    body: &mut String,
) -> Option<Diagnostic> {
    match tera.render_str(body, ctx, false) {
        Ok(out) => {
            *body = out;
            None
        }
        Err(e) => Some(error(file, body_line, &e)),
    }
}

fn context(
    name: &'static str,
    value: serde_json::Value,
    site: &Site,
    config: &serde_json::Value,
) -> Context {
    let mut ctx = Context::new();
    ctx.insert(name, &value);
    ctx.insert("config", config);
    ctx.insert("lang", &site.config.default_language);
    ctx
}

/// The site's templates (theme and `templates/`, with their components) and every
/// filter and function, as the pages' templates have them; `get_page`/`get_section`
/// see no content yet (the content is what is being built).
fn content_tera(site: &Site) -> Result<Tera, Diagnostics> {
    let sources = templates::collect_sources(site.root, site.config)?;
    let lookup = Lookup {
        root: site.root.to_path_buf(),
        base_url: site.config.base().to_string(),
        now: site.now.clone(),
        urls: site.urls.clone(),
        images: site.images.clone(),
        ..Default::default()
    };
    templates::build(&sources, Arc::new(lookup))
}

fn skip_globs(config: &Config) -> Result<Option<globset::GlobSet>, Diagnostic> {
    if config.skip_content_templating.is_empty() {
        return Ok(None);
    }
    let mut b = globset::GlobSetBuilder::new();
    for p in &config.skip_content_templating {
        let g = globset::Glob::new(p).map_err(|e| {
            Diagnostic::error(format!(
                "mẫu skip_content_templating không hợp lệ \u{201c}{p}\u{201d}: {e}"
            ))
            .at(Location::file("config.toml").with_field("skip_content_templating"))
            .hint("viết mẫu tính từ thư mục content/, ví dụ \"van-ban/*.md\" hoặc \"**/huong-dan.md\"")
        })?;
        b.add(g);
    }
    b.build().map(Some).map_err(|e| {
        Diagnostic::error(format!("skip_content_templating không hợp lệ: {e}"))
            .in_file("config.toml")
    })
}

/// A templating error at its line in the Markdown file.
fn error(file: &Path, body_line: usize, e: &tera::Error) -> Diagnostic {
    let (line, col, message) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            Some(body_line + r.span().start_line.saturating_sub(1)),
            Some(r.span().start_col + 1),
            r.message().to_string(),
        ),
        // Unknown functions, filters and components are found before rendering and
        // come as one text report pointing at `__tera_one_off:LINE:COL`.
        _ => {
            let report = e.to_string();
            let (line, col) = one_off_position(&report).unzip();
            let first = report.lines().next().unwrap_or_default();
            let message = first.strip_prefix("error: ").unwrap_or(first).to_string();
            (line.map(|l| body_line + l.saturating_sub(1)), col, message)
        }
    };
    let mut chain = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push_str(&format!(": {s}"));
        source = s.source();
    }
    Diagnostic::error(format!(
        "lỗi trong mã mẫu của nội dung ({{{{ … }}}} hoặc {{% … %}}): {message}{chain}"
    ))
    .at(Location {
        file: PathBuf::from(file),
        line,
        column: col,
        field: None,
    })
    .hint(
        "gọi thành phần của giao diện dạng {{ <ten_thanh_phan thuoc_tinh=\"…\" /> }}; \
         nếu văn bản cần giữ nguyên dấu {{ hoặc {%, đặt nó giữa {% raw %} và {% endraw %}, \
         hoặc thêm tệp vào skip_content_templating trong config.toml",
    )
}

/// `LINE:COL` after Tera's name for a one-off template in a text report.
fn one_off_position(report: &str) -> Option<(usize, usize)> {
    let at = report.find("__tera_one_off:")? + "__tera_one_off:".len();
    let mut parts = report[at..].split(|c: char| !c.is_ascii_digit());
    let line = parts.next()?.parse().ok()?;
    let col = parts.next()?.parse().ok()?;
    Some((line, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_braces_followed_by_brace_or_percent_need_templating() {
        assert!(needs_templating("a {{ <x /> }} b"));
        assert!(needs_templating("{% raw %}x{% endraw %}"));
        assert!(!needs_templating("{ a } {b}"));
        assert!(!needs_templating("Kế hoạch số 40"));
    }

    #[test]
    fn position_of_a_validation_report() {
        let report = "error: Unknown component `x`\n --> __tera_one_off:3:4\n  |";
        assert_eq!(one_off_position(report), Some((3, 4)));
        assert_eq!(one_off_position("error: other"), None);
    }
}
