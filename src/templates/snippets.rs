//! Zola's `anchor-link.html` and `summary-cutoff.html`, rendered while Markdown is
//! (`crate::markdown::Snippets`): the site's or theme's own file of that name, else
//! Zola's built-in (`__zola_builtins/`). The templates are parsed only when a text
//! needs one (a section with `insert_anchor_links`, a `<!-- more -->` inside an
//! element), and the parse is shared with the render stage (`build` keeps it).
//!
//! The two templates get Zola's context (`id`, `level`, `lang`; `summary`, `lang`) and
//! the filters, `trans()` and `now()`; the content lookups (`get_page`, `get_section`,
//! taxonomies) are empty here: the pages are not built yet.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use tera::{Context, Tera};

use super::Lookup;
use crate::config::Config;

pub struct SiteSnippets<'a> {
    root: &'a Path,
    config: &'a Config,
    now: String,
    tera: OnceLock<Result<Tera, String>>,
}

fn describe(d: &crate::diagnostics::Diagnostic) -> String {
    match &d.hint {
        Some(h) => format!("{}; cách sửa: {h}", d.message),
        None => d.message.clone(),
    }
}

impl<'a> SiteSnippets<'a> {
    /// `now`: the build moment as `now()` returns it.
    pub fn new(root: &'a Path, config: &'a Config, now: String) -> Self {
        SiteSnippets {
            root,
            config,
            now,
            tera: OnceLock::new(),
        }
    }

    fn tera(&self) -> Result<&Tera, String> {
        self.tera
            .get_or_init(|| {
                let first = |d: crate::diagnostics::Diagnostics| {
                    d.iter().next().map(describe).unwrap_or_default()
                };
                let sources = super::collect_sources(self.root, self.config).map_err(first)?;
                let lookup = Lookup {
                    root: self.root.to_path_buf(),
                    base_url: self.config.base().to_string(),
                    now: self.now.clone(),
                    default_language: self.config.default_language.clone(),
                    theme: self.config.theme.clone(),
                    translations: crate::i18n::trans::Translations::load(self.root, self.config)
                        .map_err(first)?,
                    ..Default::default()
                };
                super::build(&sources, Arc::new(lookup)).map_err(first)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn render(&self, name: &str, context: &Context) -> Result<String, String> {
        let tera = self.tera()?;
        tera.render(name, context)
            .map_err(|e| describe(&super::tera_error_in(tera, name, &e)))
    }
}

impl crate::markdown::Snippets for SiteSnippets<'_> {
    fn anchor_link(&self, id: &str, level: u32, lang: &str) -> Result<String, String> {
        let mut c = Context::new();
        c.insert("id", id);
        c.insert("level", &level);
        c.insert("lang", lang);
        self.render("anchor-link.html", &c)
    }

    fn summary_cutoff(&self, summary: &str, lang: &str) -> Result<String, String> {
        let mut c = Context::new();
        c.insert("summary", summary);
        c.insert("lang", lang);
        self.render("summary-cutoff.html", &c)
    }
}
