//! Rendering the model with Tera and writing every output file.
//!
//! Shared data (config, portal globals, every page as a template value) is serialised
//! once; each render only adds `page`/`section` and the current path to a small context.
//! Tera values are reference-counted, so a section listing 500 pages clones 500 pointers.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use tera::{Context, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{FileInfo, FileSource, Model, PageModel, SectionModel};
use crate::output::Sink;
use crate::templates::{self, Lookup};
use crate::trust::publication::Status;

#[derive(Serialize)]
struct ApprovalView<'a> {
    by: &'a str,
    role: &'a str,
    decision: &'a str,
    /// The document page of the cited decision, when the site has one with that number.
    decision_url: Option<&'a str>,
    date: Option<String>,
}

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    permalink: String,
    path: &'a str,
}

/// Document number ("205/QĐ-UBND") → permalink of the site's page of kind `document`
/// with that number, built once per render so an approval's decision can link to it.
type DocumentUrls = BTreeMap<String, String>;

fn document_urls(model: &Model) -> DocumentUrls {
    let mut out = DocumentUrls::new();
    for pm in &model.pages {
        if pm.kind != Some("document") {
            continue;
        }
        let number = pm
            .record
            .as_ref()
            .and_then(|r| r.record.get("number"))
            .and_then(|v| v.as_str());
        if let Some(n) = number.map(str::trim).filter(|n| !n.is_empty()) {
            // Two pages with one number: the first in path order wins (deterministic).
            out.entry(n.to_string())
                .or_insert_with(|| model.config.permalink(&pm.page.path));
        }
    }
    out
}

/// The approval as templates see it. `own` is the permalink of the page showing it: a
/// document whose approval cites itself gets no link to itself.
fn approval_view<'a>(
    a: Option<&'a crate::content::frontmatter::Approval>,
    docs: &'a DocumentUrls,
    own: Option<&str>,
) -> Option<ApprovalView<'a>> {
    a.map(|a| ApprovalView {
        by: &a.by,
        role: &a.role,
        decision: &a.decision,
        decision_url: crate::format::document_number(&a.decision)
            .and_then(|n| docs.get(n))
            .map(String::as_str)
            .filter(|url| Some(*url) != own),
        date: a.date.map(|d| d.format("%Y-%m-%d").to_string()),
    })
}

fn iso(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

/// `page.lower` / `page.higher`: the small map that stands for page `j` next to its
/// neighbours.
fn link_value(model: &Model, j: usize) -> Value {
    let q = &model.pages[j].page;
    Value::from_serializable(&Link {
        title: q.fm.title.as_deref().unwrap_or(""),
        permalink: model.config.permalink(&q.path),
        path: &q.path,
    })
}

/// Template values that many pages' objects hold the same: shared (reference counted)
/// instead of one copy per page. On 10,000 pages the copies were over 10 MB.
struct SharedValues {
    /// `link_value` of every page, when the whole site is rendered.
    links: Option<Vec<Value>>,
    /// `translations` of every page and section by content path (multilingual sites).
    translations: BTreeMap<String, Value>,
    empty_map: Value,
    empty_list: Value,
}

impl SharedValues {
    fn for_site(model: &Model) -> SharedValues {
        let links = (0..model.pages.len())
            .into_par_iter()
            .map(|j| link_value(model, j))
            .collect();
        SharedValues {
            links: Some(links),
            ..SharedValues::for_one_page(model)
        }
    }

    fn for_one_page(model: &Model) -> SharedValues {
        SharedValues {
            links: None,
            // Empty (and nothing computed) on a site with one language.
            translations: crate::i18n::links::translation_values(model),
            empty_map: Value::from(tera::Map::new()),
            empty_list: Value::from(Vec::<Value>::new()),
        }
    }

    /// `value` as a template map, or the one shared empty map.
    fn map_or_empty<T: Serialize + ?Sized>(&self, value: &T, empty: bool) -> Value {
        if empty {
            self.empty_map.clone()
        } else {
            Value::from_serializable(value)
        }
    }

    /// `value` as a template list, or the one shared empty list.
    fn list_or_empty<T: Serialize + ?Sized>(&self, value: &T, empty: bool) -> Value {
        if empty {
            self.empty_list.clone()
        } else {
            Value::from_serializable(value)
        }
    }

    fn link(&self, model: &Model, j: usize) -> Value {
        match &self.links {
            Some(links) => links[j].clone(),
            None => link_value(model, j),
        }
    }

    /// `page.translations` / `section.translations` of content path `canonical`.
    fn translations(&self, canonical: &str) -> Value {
        self.translations
            .get(canonical)
            .cloned()
            .unwrap_or_else(|| self.empty_list.clone())
    }
}

fn page_value(model: &Model, i: usize, shared: &SharedValues, docs: &DocumentUrls) -> Value {
    let pm = &model.pages[i];
    let p = &pm.page;
    let cfg = &model.config;
    let permalink = cfg.permalink(&p.path);
    let reading_time = pm.word_count.div_ceil(200);
    let section_pages = model.sections.get(&p.section).map(|s| &s.pages);
    let (lower, higher) =
        match section_pages.and_then(|v| v.iter().position(|x| *x == i).map(|pos| (v, pos))) {
            Some((v, pos)) => (
                v.get(pos + 1).map(|j| shared.link(model, *j)),
                pos.checked_sub(1)
                    .and_then(|k| v.get(k))
                    .map(|j| shared.link(model, *j)),
            ),
            None => (None, None),
        };
    let mut ancestors = Vec::new();
    let mut cur = model.sections.get(&p.section);
    while let Some(s) = cur {
        ancestors.push(s.section.rel.clone());
        cur = s
            .section
            .parent
            .as_ref()
            .and_then(|r| model.sections.get(r));
    }
    ancestors.reverse();
    let components: Vec<&str> = p
        .path
        .trim_matches('/')
        .split('/')
        .filter(|c| !c.is_empty())
        .collect();
    let assets: Vec<String> = pm.assets.iter().map(|(rel, _)| format!("/{rel}")).collect();
    let portal = cfg.is_portal();
    let approval = portal.then(|| approval_view(pm.approval.as_deref(), docs, Some(&permalink)));
    let toc = shared.list_or_empty(&pm.toc.nested(&permalink), pm.toc.is_empty());
    let view = PageView {
        relative_path: &p.rel,
        title: p.fm.title.as_deref(),
        description: p.fm.description.as_deref(),
        date: p.date.as_deref(),
        updated: p.fm.updated.as_deref(),
        slug: &p.slug,
        path: &p.path,
        permalink,
        toc,
        word_count: pm.word_count,
        reading_time,
        extra: shared.map_or_empty(&p.fm.extra, p.fm.extra.is_empty()),
        taxonomies: shared.map_or_empty(&p.fm.taxonomies, p.fm.taxonomies.is_empty()),
        authors: shared.list_or_empty(&p.fm.authors, p.fm.authors.is_empty()),
        draft: p.fm.draft,
        assets: shared.list_or_empty(&assets, assets.is_empty()),
        ancestors,
        components,
        lang: &p.lang,
        translations: shared.translations(p.canonical()),
        // A plain Zola site's pages carry only Zola's fields: that is what Zola templates
        // expect, and a smaller map (measured: 18 MB less on the 10,000-page benchmark).
        kind: portal.then_some(pm.kind),
        kind_label: portal.then_some(pm.kind_label),
        record: portal.then(|| pm.record.as_ref().map(|r| &r.record)),
        approval,
        corrections: portal.then(|| {
            model
                .corrections
                .get(&p.path)
                .map_or(&[][..], Vec::as_slice)
        }),
        publish_from: portal.then(|| iso(p.fm.publish_from)),
        publish_until: portal.then(|| iso(p.fm.publish_until)),
        status: portal.then_some(pm.status),
        is_draft_preview: portal.then_some(pm.status == Status::DraftPreview),
        noindex: portal.then_some(pm.noindex),
        attachments: portal.then_some(&pm.attachments[..]),
        downloads: portal.then_some(&pm.downloads[..]),
        // The schema.org Dataset of a dataset page (the theme writes it with `json_ld`).
        jsonld: portal.then(|| crate::opendata::catalog::schema_org(cfg, pm)),
        lower: lower.unwrap_or_else(Value::none),
        higher: higher.unwrap_or_else(Value::none),
        // Our own sanitised HTML, as a safe string, shared with the model (or read
        // back from the spill file of a low-memory build).
        content: model.page_html(i),
        summary: pm
            .summary
            .as_deref()
            .map_or_else(Value::none, Value::safe_string),
    };
    // Tera passes the `Value` fields through by reference count, so the map is built
    // once, here (building it and then adding fields made Tera copy it again).
    Value::from_serializable(&view)
}

/// The `page` object templates see: Zola's fields plus congkhai's, in this order.
/// congkhai's own fields are `None` on a plain Zola site and then left out. (Not a
/// flattened struct: serde builds those through a map of unknown size, which Tera grows
/// by doubling, 6 MB more on the 10,000-page benchmark.)
#[derive(Serialize)]
struct PageView<'a> {
    relative_path: &'a str,
    title: Option<&'a str>,
    description: Option<&'a str>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    slug: &'a str,
    path: &'a str,
    permalink: String,
    toc: Value,
    word_count: usize,
    reading_time: usize,
    extra: Value,
    taxonomies: Value,
    authors: Value,
    draft: bool,
    assets: Value,
    ancestors: Vec<String>,
    components: Vec<&'a str>,
    lang: &'a str,
    translations: Value,
    // --- portal sites (`[ward]` in config.toml) only
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind_label: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<Option<&'a serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approval: Option<Option<ApprovalView<'a>>>,
    /// Corrections of a published record, newest first (`model::Correction`).
    #[serde(skip_serializing_if = "Option::is_none")]
    corrections: Option<&'a [crate::model::Correction]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publish_from: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publish_until: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_draft_preview: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    noindex: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attachments: Option<&'a [FileInfo]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    downloads: Option<&'a [FileInfo]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jsonld: Option<Option<serde_json::Value>>,
    // --- end portal
    lower: Value,
    higher: Value,
    content: Value,
    summary: Value,
}

fn section_value(
    model: &Model,
    docs: &DocumentUrls,
    s: &SectionModel,
    pages: &PageFn,
    subsections: Vec<String>,
    translations: Value,
) -> Value {
    let sec = &s.section;
    let listed: Vec<Value> = s.pages.iter().map(|i| pages(*i)).collect();
    let permalink = model.config.permalink(&sec.path);
    let toc = s.toc.nested(&permalink);
    let v = json!({
        "relative_path": sec.rel,
        "title": sec.fm.title,
        "description": sec.fm.description,
        "path": sec.path,
        "permalink": permalink,
        "toc": toc,
        "extra": sec.fm.extra,
        "subsections": subsections,
        "components": sec.path.trim_matches('/').split('/').filter(|c| !c.is_empty()).collect::<Vec<_>>(),
        "weight": sec.fm.weight,
        "approval": approval_view(s.approval.as_ref(), docs, None),
        "assets": sec.assets,
        "generate_feeds": crate::model::section_feed(&model.config, sec),
    });
    let mut map = Value::from_serializable(&v)
        .as_map()
        .cloned()
        .unwrap_or_default();
    map.insert("content".into(), Value::safe_string(&s.html));
    map.insert("pages".into(), Value::from(listed));
    map.insert("lang".into(), Value::from(sec.lang.as_str()));
    map.insert("translations".into(), translations);
    Value::from(map)
}

struct Ctx<'a> {
    model: &'a Model,
    documents: &'a DocumentUrls,
    tera: &'a Tera,
    sink: &'a dyn Sink,
    languages: &'a LanguageValues,
    /// The page cache (crate::cache::pages), when the build keeps one.
    pages: Option<&'a crate::cache::pages::Session<'a>>,
}

/// `lang` and `config` of each language other than the default (`config.title` is the
/// language's own, as in Zola), set on every page written under `/xx/`.
#[derive(Default)]
struct LanguageValues {
    by_code: BTreeMap<String, (Value, Value)>,
}

impl LanguageValues {
    fn new(model: &Model) -> LanguageValues {
        let mut by_code = BTreeMap::new();
        for code in model.config.languages.keys() {
            by_code.insert(
                code.clone(),
                (
                    Value::from(code.as_str()),
                    Value::from_serializable(&config_value_in(model, code)),
                ),
            );
        }
        LanguageValues { by_code }
    }

    /// The language whose pages live under the first segment of site path `path`.
    fn for_path(&self, path: &str) -> Option<&(Value, Value)> {
        if self.by_code.is_empty() {
            return None;
        }
        let first = path.trim_start_matches('/').split('/').next()?;
        self.by_code.get(first)
    }
}

/// The prepared Tera instance of a build: templates parsed, filters and lookup functions
/// registered (`get_page`, `get_section`, … over that build's values), and the shared
/// globals (`config`, `lang`, `portal` with nav and banner) set. `serve` keeps it with the
/// model to re-render one page whose body changed without a full build.
pub struct Renderer {
    tera: Tera,
    languages: LanguageValues,
}

impl Renderer {
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// Render `template` with `ctx` as the page at site path `path` (its `index.html`).
    pub fn write_page(
        &self,
        model: &Model,
        sink: &dyn Sink,
        path: &str,
        template: &str,
        ctx: &mut Context,
    ) -> Result<(), Diagnostic> {
        let documents = document_urls(model);
        let c = Ctx {
            model,
            documents: &documents,
            tera: &self.tera,
            sink,
            languages: &self.languages,
            pages: None,
        };
        c.write_page(path, template, ctx, template)
    }

    /// Render page `i` of `model` (its HTML, aliases, subpages, files and assets) into
    /// `sink`, exactly as a full build renders it.
    pub fn render_page(&self, model: &Model, i: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
        if i >= model.pages.len() {
            return Ok(());
        }
        let documents = document_urls(model);
        let value = page_value(model, i, &SharedValues::for_one_page(model), &documents);
        let ctx = Ctx {
            model,
            documents: &documents,
            tera: &self.tera,
            sink,
            languages: &self.languages,
            pages: None,
        };
        render_page(&ctx, &model.pages[i], &value)
    }
}

impl Ctx<'_> {
    fn render(&self, template: &str, ctx: &Context, what: &str) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| templates::tera_error_in(self.tera, what, &e))
    }

    /// Render straight into bytes: the output goes to a file, so the UTF-8 check that a
    /// `String` needs is skipped (Tera writes only from `&str` pieces).
    fn render_bytes(
        &self,
        template: &str,
        ctx: &Context,
        what: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::with_capacity(16 * 1024);
        self.tera
            .render_to(template, ctx, &mut out)
            .map_err(|e| templates::tera_error_in(self.tera, what, &e))?;
        Ok(out)
    }

    fn finish_html(&self, html: String) -> Vec<u8> {
        self.finish_bytes(html.into_bytes())
    }

    fn finish_bytes(&self, html: Vec<u8>) -> Vec<u8> {
        if self.model.config.minify_html {
            crate::markdown::minify(html)
        } else {
            html
        }
    }

    fn write_page(
        &self,
        path: &str,
        template: &str,
        ctx: &mut Context,
        what: &str,
    ) -> Result<(), Diagnostic> {
        ctx.insert("current_path", path);
        ctx.insert("current_url", &self.model.config.permalink(path));
        if let Some((lang, config)) = self.languages.for_path(path) {
            ctx.insert_value("lang", lang.clone());
            ctx.insert_value("config", config.clone());
        }
        let rel = format!("{}index.html", path.trim_start_matches('/'));
        let render = || Ok(self.finish_bytes(self.render_bytes(template, ctx, what)?));
        let html = match self.pages {
            Some(cache) => cache.render(&rel, template, ctx, render)?,
            None => render()?,
        };
        // One UTF-8 check for the whole sink chain (Sink::write_text).
        match simdutf8::basic::from_utf8(&html) {
            Ok(text) => self.sink.write_text(&rel, text),
            Err(_) => self.sink.write(&rel, &html),
        }
    }
}

/// The render stage: every page, section, taxonomy, extra, the search page and the
/// static files of `model`, into `sink` (the build passes a [`Counted`] sink). Hands back
/// the [`Renderer`] it used, for the trust pages and `serve`'s single-page rebuilds.
pub fn render(model: &Model, sink: &dyn Sink) -> Result<Renderer, Diagnostics> {
    render_with(model, sink, None)
}

/// Page `i`'s template value, wherever a render needs it (its own page, a section
/// listing, a taxonomy term, a feed).
type PageFn<'a> = dyn Fn(usize) -> Value + Sync + 'a;

/// Whether any template can reach *another* page's or section's value by name
/// (`get_page`, `get_section`). Tera calls a function only by its name written in a
/// template (shortcodes and macros are templates too), so a template set without these
/// names never looks a page up.
fn looks_up_pages(sources: &[(String, String)]) -> bool {
    sources
        .iter()
        .any(|(_, src)| src.contains("get_page") || src.contains("get_section"))
}

/// [`render`], taking unchanged files from the page cache `pages` when it is given.
pub fn render_with(
    model: &Model,
    sink: &dyn Sink,
    pages: Option<&crate::cache::pages::Store>,
) -> Result<Renderer, Diagnostics> {
    let t = std::time::Instant::now();
    let documents = document_urls(model);
    let sources = templates::collect_sources(&model.root, &model.config)?;
    // Memory (issue 18, docs/architecture.md "Memory"): a page's template value is
    // ~3 KB (its map, its table of contents as maps). When no template looks pages up
    // by name, nothing needs every page's value at once: each section makes its pages'
    // values, renders those pages and its listing with them, and drops them, so the
    // values alive at once are those of the sections being rendered (measured: 100,000
    // pages, docs/benchmarks.md). Otherwise (`get_page`/`get_section` can return any
    // page, as the portal theme's `get_section` does) every value is made once, here.
    let lean = !looks_up_pages(&sources);
    // Memory: in the lean mode each page's value is made once, so the `lower`/`higher`
    // link values are made with it instead of kept for every page (~0.4 KB a page).
    let shared = if lean {
        SharedValues::for_one_page(model)
    } else {
        SharedValues::for_site(model)
    };
    crate::timing::note(if lean {
        "page values: made per section (no template calls get_page or get_section)"
    } else {
        "page values: all kept (a template calls get_page or get_section)"
    });
    // Kept for the whole render: every page's value, or in the lean mode those of the
    // pages a taxonomy lists (its terms hold them for the whole render anyway).
    let kept: Vec<Option<Value>> = (0..model.pages.len())
        .into_par_iter()
        .map(|i| {
            (!lean || !model.pages[i].page.fm.taxonomies.is_empty())
                .then(|| page_value(model, i, &shared, &documents))
        })
        .collect();
    let page_of = |i: usize| match kept.get(i) {
        Some(Some(v)) => v.clone(),
        _ => page_value(model, i, &shared, &documents),
    };
    let Values {
        mut lookup,
        section_values,
        taxonomies,
    } = values(model, &page_of, lean, &documents);
    let (statics, fingerprinted) = static_files(model)?;
    lookup.assets = fingerprinted;
    crate::timing::phase("template values", t);
    let t = std::time::Instant::now();
    let images = lookup.images.clone();
    let (mut tera, lookup, template_set) = prepare_tera(model, lookup, &sources)?;
    drop(sources);
    let languages = LanguageValues::new(model);
    let session = pages.map(|p| {
        let g = tera.global_context();
        let memo = crate::cache::deps::Memo::new();
        let global = |k: &str| g.get(k).map_or([0; 32], |v| memo.hash(v));
        let key = crate::cache::pages::global_key(&[
            ("templates", template_set.as_bytes()),
            ("config", format!("{:?}", model.config).as_bytes()),
            ("today", model.today.to_string().as_bytes()),
            ("preview", &[u8::from(model.preview)]),
            ("global config", &global("config")),
            ("global lang", &global("lang")),
            ("global portal", &global("portal")),
            ("assets", format!("{:?}", lookup.assets).as_bytes()),
        ]);
        let terms = taxonomies
            .iter()
            .flat_map(|t| std::iter::once(&t.value).chain(t.terms.iter().map(|(_, v, _)| v)));
        let shared = kept
            .iter()
            .flatten()
            .chain(section_values.values())
            .chain(terms);
        p.session(key, lookup, shared)
    });
    let ctx = Ctx {
        model,
        documents: &documents,
        tera: &tera,
        sink,
        languages: &languages,
        pages: session.as_ref(),
    };
    let errors: std::sync::Mutex<Diagnostics> = std::sync::Mutex::new(Diagnostics::new());
    let push = |d: Diagnostic| {
        if let Ok(mut e) = errors.lock() {
            e.push(d);
        }
    };
    let page_done = |pm: &PageModel, r: Result<(), Diagnostic>| {
        if let Err(d) = r {
            // A write error names the page it came from.
            push(d.or_at(crate::diagnostics::Location::file(&pm.page.file)));
        }
    };
    let section_done = |s: &SectionModel, r: Result<(), Diagnostic>| {
        if let Err(d) = r {
            push(d.or_at(crate::diagnostics::Location::file(&s.section.file)));
        }
    };

    // Pages (and their subpages, files and assets), sections with their pagination,
    // taxonomies, extras and search all only read the values above and write distinct
    // files, so they share one parallel pass: a section listing 500 pages takes as long
    // as hundreds of pages, and would otherwise leave the other core idle.
    let listed_sections: Vec<(&String, &SectionModel)> = model
        .sections
        .iter()
        .filter(|(_, s)| s.section.fm.render != Some(false))
        .collect();
    // The lean mode: each page is rendered by the first rendered section listing it
    // (with the value that listing uses), the others on their own.
    let mut owner: Vec<Option<usize>> = vec![None; if lean { model.pages.len() } else { 0 }];
    for (k, (_, s)) in listed_sections.iter().enumerate() {
        for &i in &s.pages {
            if let Some(o) = owner.get_mut(i)
                && o.is_none()
            {
                *o = Some(k);
            }
        }
    }
    let translations = if lean {
        crate::i18n::links::translation_values(model)
    } else {
        BTreeMap::new()
    };
    rayon::join(
        || {
            if !lean {
                model.pages.par_iter().enumerate().for_each(|(i, pm)| {
                    page_done(
                        pm,
                        render_page(&ctx, pm, &kept[i].clone().unwrap_or_else(|| page_of(i))),
                    );
                });
                return;
            }
            // Memory: one section at a time (its pages and its listing in parallel),
            // so the values alive at once are those of one listing, whatever the
            // number of sections: with sections rendered in parallel, rayon's work
            // stealing kept the values of several large sections at once (~30 MB
            // each on the 100,000-page benchmark).
            for (k, (_, s)) in listed_sections.iter().enumerate() {
                // Speed: the values are made in the order the pages' HTML lies in the
                // spill file, so that each thread reads it forward, a window at a time.
                let mut order = s.pages.clone();
                order.sort_by_key(|&i| model.html_place(i));
                // In a vector (made in order, each thread filling its part), looked up
                // through `place`: page index → place in `local`.
                let local: Vec<Value> = order.par_iter().map(|&i| page_of(i)).collect();
                let place: rustc_hash::FxHashMap<usize, usize> =
                    order.iter().enumerate().map(|(at, &i)| (i, at)).collect();
                let local_of = |i: usize| {
                    place
                        .get(&i)
                        .and_then(|&at| local.get(at))
                        .cloned()
                        .unwrap_or_else(|| page_of(i))
                };
                // The page cache hashes each of these values once, for its own page and
                // for the listing, as it does the values kept in the other mode.
                let _held: Vec<_> = match ctx.pages {
                    Some(p) => local.iter().map(|v| p.hold(v)).collect(),
                    None => Vec::new(),
                };
                rayon::join(
                    || {
                        s.pages
                            .par_iter()
                            .filter(|&&i| owner.get(i) == Some(&Some(k)))
                            .for_each(|&i| {
                                let pm = &model.pages[i];
                                page_done(pm, render_page(&ctx, pm, &local_of(i)));
                            })
                    },
                    || {
                        let tr = translations
                            .get(&s.section.canonical)
                            .cloned()
                            .unwrap_or_else(|| shared.empty_list.clone());
                        let subs = s.section.subsections.clone();
                        let value = section_value(model, &documents, s, &local_of, subs, tr);
                        // The page cache hashes this section's value once for all its
                        // paginator pages, as it does the values kept in the other mode.
                        let _held = ctx.pages.map(|p| p.hold(&value));
                        section_done(s, render_section(&ctx, s, &value, &local_of));
                    },
                );
                // Speed (100,000-page benchmark): freed on both cores, each half
                // mostly by the thread that made it (`local` was collected in two
                // halves in order); dropped on one thread they took 240 ms of the
                // build's wall time, the other core idle.
                drop(_held);
                local.into_par_iter().for_each(drop);
            }
            model
                .pages
                .par_iter()
                .enumerate()
                .filter(|(i, _)| owner.get(*i) == Some(&None))
                .for_each(|(i, pm)| page_done(pm, render_page(&ctx, pm, &page_of(i))));
        },
        || {
            if !lean {
                listed_sections.par_iter().for_each(|(rel, s)| {
                    let value = section_values
                        .get(*rel)
                        .cloned()
                        .unwrap_or_else(Value::none);
                    section_done(s, render_section(&ctx, s, &value, &page_of));
                });
            }
            taxonomies.par_iter().for_each(|t| {
                if let Err(d) = render_taxonomy(&ctx, t, &page_of) {
                    push(d);
                }
            });
            if let Err(d) = render_extras(&ctx, &page_of) {
                push(d);
            }
            // search: /tim-kiem/ and its index (src/search.rs)
            if let Err(d) = render_search(&ctx) {
                push(d);
            }
        },
    );
    crate::timing::phase("pages, sections, extras", t);
    if let (Some(p), Some(s)) = (pages, &session) {
        let (rendered, reused) = p.counts();
        let [key, check, render] = p.spent_ms();
        crate::timing::note(&format!(
            "page cache: rendered {rendered}, reused {reused} (thread time: keys {key} ms, checks {check} ms, renders {render} ms; {} MB hashed)",
            s.hashed_mb()
        ));
    }
    let t = std::time::Instant::now();
    // The images `resize_image` made (processed_images/), each once.
    for (rel, bytes) in images.files() {
        if let Err(d) = ctx.sink.write(&rel, &bytes) {
            push(d);
        }
    }
    // Static files last: one with the same path as a generated file replaces it.
    if let Err(d) = copy_static(&ctx, statics) {
        push(d);
    }
    crate::timing::phase("static", t);
    let mut errors = errors.into_inner().unwrap_or_default();
    if let Some(d) = model.spill_error() {
        errors.push(d);
    }
    if errors.has_errors() {
        return Err(errors.sorted());
    }
    Ok(Renderer { tera, languages })
}

/// `get_url`'s content paths: every built page and section → its permalink.
///
/// Memory (100,000-page benchmark): that is the model's own `@/` link map whenever the
/// two hold the same paths (every page built is a link target and the other way
/// round), so the map is shared instead of made a second time (~14 MB at 100,000
/// pages). They differ when a page is built but no link target (withdrawn on the
/// build date) or the other way round; then the templates get their own map.
fn template_urls(model: &Model) -> Arc<BTreeMap<String, String>> {
    let cfg = &model.config;
    let entries = || {
        let pages = model.pages.iter().map(|p| (&p.page.rel, &p.page.path));
        let sections = model.sections.iter().map(|(rel, s)| (rel, &s.section.path));
        pages.chain(sections)
    };
    let same = model.urls.len() == model.pages.len() + model.sections.len()
        && entries().all(|(rel, path)| {
            model
                .urls
                .get(rel)
                .is_some_and(|url| *url == cfg.permalink(path))
        });
    if same {
        return model.urls.clone();
    }
    Arc::new(
        entries()
            .map(|(rel, path)| (rel.clone(), cfg.permalink(path)))
            .collect(),
    )
}

/// The values templates look up (`get_page`, `get_section`, taxonomies), built once.
struct Values {
    lookup: Lookup,
    section_values: BTreeMap<String, Value>,
    taxonomies: Vec<Taxonomy>,
}

/// `lean`: no template looks pages or sections up by name ([`looks_up_pages`]), so
/// neither every page's value nor the section values are kept in the lookups.
fn values(model: &Model, pages: &PageFn, lean: bool, docs: &DocumentUrls) -> Values {
    let cfg = &model.config;
    let mut lookup = Lookup {
        root: model.root.clone(),
        base_url: cfg.base().to_string(),
        now: format!("{}T00:00:00+07:00", model.today.format("%Y-%m-%d")),
        default_language: cfg.default_language.clone(),
        theme: cfg.theme.clone(),
        feed_filenames: cfg.feed_filenames.clone(),
        // The model's store: images made by content (shortcodes) are written too.
        images: model.images.clone(),
        ..Default::default()
    };
    lookup.urls = template_urls(model);
    for (i, p) in model.pages.iter().enumerate() {
        if let Some(original) = &p.page.original {
            lookup
                .canonical
                .insert(p.page.rel.clone(), original.clone());
        }
        if p.is_listed() && !lean {
            lookup.pages.insert(p.page.rel.clone(), pages(i));
        }
    }
    let mut section_values: BTreeMap<String, Value> = BTreeMap::new();
    let translations = crate::i18n::links::translation_values(model);
    let no_translations = Value::from(Vec::<Value>::new());
    for (rel, s) in &model.sections {
        if s.section.canonical != *rel {
            lookup
                .canonical
                .insert(rel.clone(), s.section.canonical.clone());
        }
        if lean {
            continue;
        }
        let subs = s.section.subsections.clone();
        let tr = translations
            .get(&s.section.canonical)
            .cloned()
            .unwrap_or_else(|| no_translations.clone());
        let v = section_value(model, docs, s, pages, subs, tr);
        section_values.insert(rel.clone(), v.clone());
        lookup.sections.insert(rel.clone(), v);
    }
    let taxonomies = build_taxonomies(model, pages);
    for t in &taxonomies {
        lookup
            .taxonomies
            .entry(t.lang.clone())
            .or_default()
            .insert(t.name.clone(), t.value.clone());
    }

    Values {
        lookup,
        section_values,
        taxonomies,
    }
}

/// Tera with the theme and site templates, the lookup functions and the shared globals
/// (`config`, `lang`, `portal`).
/// Also hands back the lookups and the template set's hash (for the page cache).
fn prepare_tera(
    model: &Model,
    mut lookup: Lookup,
    sources: &[(String, String)],
) -> Result<(Tera, Arc<Lookup>, String), Diagnostics> {
    let cfg = &model.config;
    lookup.translations = crate::i18n::trans::Translations::load(&model.root, cfg)?;
    let lookup = Arc::new(lookup);
    let mut tera = templates::build(sources, lookup.clone())?;
    // The warning banner in each language (src/i18n/banner.rs).
    let banners = crate::i18n::banner::site_banners(model);
    {
        let g = tera.global_context();
        g.insert("config", &config_value(model));
        g.insert("lang", &cfg.default_language);
        g.insert(
            "portal",
            &json!({
                "today": model.today.format("%Y-%m-%d").to_string(),
                "preview": model.preview,
                "banner": banners.default,
                "banner_by_lang": banners.by_lang,
                "nav": nav(model, "_index.md"),
                "search": cfg.search_enabled(),
                "is_portal": cfg.is_portal(),
                // The language switcher and each language's menu (docs/languages.md).
                "languages": crate::i18n::links::language_list(model),
                "nav_by_lang": nav_by_lang(model),
            }),
        );
    }
    Ok((tera, lookup, templates::sources_key(sources)))
}

/// The sink every generated file passes: refuses scripted SVG and symbolic links. (The
/// files written are counted by the link check's sink, which keeps their names anyway:
/// `links::LinkSink::files_written`.)
pub struct Guarded<'a> {
    inner: &'a dyn Sink,
}

impl<'a> Guarded<'a> {
    pub fn new(inner: &'a dyn Sink) -> Guarded<'a> {
        Guarded { inner }
    }
}

impl Sink for Guarded<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        check_svg(rel, bytes, std::path::Path::new(rel))?;
        self.inner.write(rel, bytes)
    }
    fn write_text(&self, rel: &str, text: &str) -> Result<(), Diagnostic> {
        check_svg(rel, text.as_bytes(), std::path::Path::new(rel))?;
        self.inner.write_text(rel, text)
    }
    fn copy(&self, rel: &str, source: &std::path::Path) -> Result<(), Diagnostic> {
        check_not_a_link(source)?;
        if crate::svg::is_svg_name(rel) {
            let bytes = std::fs::read(source).map_err(|e| {
                Diagnostic::error(format!("không đọc được tệp: {e}")).in_file(source)
            })?;
            check_svg(rel, &bytes, source)?;
        }
        self.inner.copy(rel, source)
    }
    fn dir(&self) -> Option<&std::path::Path> {
        self.inner.dir()
    }
    fn written_digest(&self, rel: &str) -> Option<(u64, String)> {
        self.inner.written_digest(rel)
    }
}

/// A file published as is must be a real file of the site: a symbolic link could
/// publish anything the build machine can read (`/etc/passwd`, another ward's list).
fn check_not_a_link(source: &std::path::Path) -> Result<(), Diagnostic> {
    match std::fs::symlink_metadata(source) {
        Ok(m) if m.file_type().is_symlink() => Err(Diagnostic::error(
            "tệp này là một liên kết tượng trưng (symlink) tới tệp khác; congkhai chỉ đăng tệp thật của trang",
        )
        .in_file(source)
        .hint("chép chính tệp cần đăng vào chỗ này thay cho liên kết, hoặc xóa liên kết")),
        _ => Ok(()),
    }
}

/// Every SVG file published as is (static, bundle picture, attachment) passes
/// `crate::svg::check`, or the build stops naming its source file.
fn check_svg(rel: &str, bytes: &[u8], source: &std::path::Path) -> Result<(), Diagnostic> {
    if !crate::svg::is_svg_name(rel) {
        return Ok(());
    }
    crate::svg::check(bytes).map_err(|why| {
        Diagnostic::error(format!("{why}; tệp không được đăng"))
            .in_file(source)
            .hint(crate::svg::HINT)
    })
}

fn config_value(model: &Model) -> serde_json::Value {
    config_value_in(model, &model.config.default_language)
}

/// `config` as the pages of language `lang` see it: the language's title, description,
/// feeds and search switch (Zola's `config` of a language).
fn config_value_in(model: &Model, lang: &str) -> serde_json::Value {
    let cfg = &model.config;
    let own = cfg.languages.get(lang);
    json!({
        "base_url": cfg.base_url,
        "title": own.and_then(|l| l.title.clone()).or(cfg.title.clone()),
        "description": own.and_then(|l| l.description.clone()).or(cfg.description.clone()),
        "default_language": cfg.default_language,
        "theme": cfg.theme,
        "generate_feeds": own.map_or(cfg.generate_feeds, |l| l.generate_feeds),
        "feed_filenames": own.map_or(&cfg.feed_filenames, |l| &l.feed_filenames),
        "build_search_index": own.map_or(cfg.search_enabled(), |l| l.build_search_index),
        "languages": cfg.languages,
        "extra": cfg.extra,
        "ward": cfg.ward,
        "taxonomies": match own {
            Some(l) if lang != cfg.default_language => &l.taxonomies,
            _ => &cfg.taxonomies,
        },
        "mode": if model.preview { "preview" } else { "build" },
    })
}

/// The menu of every language, by code.
fn nav_by_lang(model: &Model) -> BTreeMap<String, Vec<serde_json::Value>> {
    let cfg = &model.config;
    let mut out = BTreeMap::new();
    out.insert(cfg.default_language.clone(), nav(model, "_index.md"));
    for code in cfg.languages.keys() {
        out.insert(code.clone(), nav(model, &format!("_index.{code}.md")));
    }
    out
}

fn nav(model: &Model, root: &str) -> Vec<serde_json::Value> {
    let Some(root) = model.sections.get(root) else {
        return Vec::new();
    };
    let mut subs: Vec<&SectionModel> = root
        .section
        .subsections
        .iter()
        .filter_map(|r| model.sections.get(r))
        .collect();
    subs.sort_by(|a, b| {
        a.section
            .fm
            .weight
            .unwrap_or(i64::MAX)
            .cmp(&b.section.fm.weight.unwrap_or(i64::MAX))
            .then_with(|| a.section.rel.cmp(&b.section.rel))
    });
    subs.iter()
        .filter(|s| {
            s.section.fm.render != Some(false)
                && !s
                    .section
                    .fm
                    .extra
                    .get("hidden")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false)
        })
        .map(|s| {
            json!({
                "title": s.section.fm.title.clone().unwrap_or_default(),
                "url": model.config.permalink(&s.section.path),
                "path": s.section.path,
                // For `get_section` (the canonical path: it adds the page's `lang`): the
                // home page lists each menu section's newest pages.
                "section": s.section.canonical,
            })
        })
        .collect()
}

fn render_page(ctx: &Ctx, pm: &PageModel, value: &Value) -> Result<(), Diagnostic> {
    let model = ctx.model;
    let p = &pm.page;
    let what = crate::diagnostics::display_path(&p.file);
    let mut c = Context::new();
    c.insert_value("page", value.clone());
    if pm.status == Status::Expired {
        let template = if ctx.tera.get_template_names().any(|n| n == "expired.html") {
            "expired.html"
        } else {
            "__congkhai/expired.html"
        };
        return ctx.write_page(&p.path, template, &mut c, &what);
    }
    if p.fm.render == Some(false) {
        return Ok(());
    }
    ctx.write_page(&p.path, &pm.template, &mut c, &what)?;
    for alias in &p.fm.aliases {
        let mut a = Context::new();
        a.insert("url", &model.config.permalink(&p.path));
        let html = ctx.render("__congkhai/alias.html", &a, &what)?;
        let path = crate::content::alias_path(alias);
        ctx.sink
            .write_text(&crate::content::alias_file(&path), &html)?;
    }
    // trust: a draft's files never enter downloads, even in the staff preview.
    if pm.status != Status::DraftPreview {
        for f in pm.attachments.iter().chain(&pm.downloads) {
            write_file(ctx.sink, f)?;
        }
    }
    for (rel, src) in &pm.assets {
        ctx.sink.copy(rel, src)?;
    }
    if let Some(record) = &pm.record {
        let parent = json!({
            "title": p.fm.title,
            "path": p.path,
            "permalink": model.config.permalink(&p.path),
        });
        // A large list has hundreds of subpages (groups × pages × print views): render
        // them in parallel too, not one by one inside this page's task.
        record.subpages.par_iter().try_for_each(|sp| {
            let v = json!({
                "title": sp.title,
                "path": sp.path,
                "permalink": model.config.permalink(&sp.path),
                "record": sp.record,
                "parent": parent,
                "kind": pm.kind,
                "kind_label": pm.kind_label,
                "approval": approval_view(pm.approval.as_deref(), ctx.documents, None),
                "publish_from": iso(p.fm.publish_from),
                "publish_until": iso(p.fm.publish_until),
                "status": pm.status,
                "is_draft_preview": pm.status == Status::DraftPreview,
                "noindex": pm.noindex || !sp.indexable,
                "is_subpage": true,
                "downloads": pm.downloads,
                "attachments": [],
                "description": null,
                "date": p.date,
                "updated": p.fm.updated,
                "extra": {},
                "toc": [],
                "content": "",
            });
            let mut c = Context::new();
            c.insert("page", &v);
            ctx.write_page(
                &sp.path,
                &sp.template,
                &mut c,
                &format!("{what} ({})", sp.path),
            )
        })?;
    }
    Ok(())
}

fn write_file(sink: &dyn Sink, f: &FileInfo) -> Result<(), Diagnostic> {
    match &f.source {
        FileSource::Disk(p) => sink.copy(&f.out_rel, p),
        FileSource::Bytes(b) => sink.write(&f.out_rel, b),
        FileSource::None => Ok(()),
    }
}

fn render_section(
    ctx: &Ctx,
    s: &SectionModel,
    value: &Value,
    pages: &PageFn,
) -> Result<(), Diagnostic> {
    let sec = &s.section;
    let what = crate::diagnostics::display_path(&sec.file);
    let template = sec.fm.template.clone().unwrap_or_else(|| {
        // Each language's home (`_index.md`, `_index.en.md`) is an index, as in Zola.
        if sec.parent.is_none() {
            "index.html".to_string()
        } else {
            "section.html".to_string()
        }
    });
    for alias in &sec.fm.aliases {
        let mut a = Context::new();
        a.insert("url", &ctx.model.config.permalink(&sec.path));
        let html = ctx.render("__congkhai/alias.html", &a, &what)?;
        let path = crate::content::alias_path(alias);
        ctx.sink
            .write_text(&crate::content::alias_file(&path), &html)?;
    }
    if let Some(target) = &sec.fm.redirect_to {
        let mut a = Context::new();
        a.insert("url", &redirect_url(&ctx.model.config, target));
        let html = ctx.render("__congkhai/alias.html", &a, &what)?;
        return ctx.sink.write(
            &format!("{}index.html", sec.path.trim_start_matches('/')),
            html.as_bytes(),
        );
    }
    let per = sec.fm.paginate_by.filter(|n| *n > 0);
    let Some(per) = per else {
        let mut c = Context::new();
        c.insert_value("section", value.clone());
        c.insert_value("paginator", Value::none());
        return ctx.write_page(&sec.path, &template, &mut c, &what);
    };
    let paginate_path = sec
        .fm
        .paginate_path
        .clone()
        .unwrap_or_else(|| "page".into());
    let total = s.pages.len();
    let count = total.div_ceil(per).max(1);
    let cfg = &ctx.model.config;
    let url_of = |n: usize| {
        if n == 1 {
            cfg.permalink(&sec.path)
        } else {
            cfg.permalink(&format!("{}{paginate_path}/{n}/", sec.path))
        }
    };
    for n in 1..=count {
        let chunk: Vec<Value> = s
            .pages
            .iter()
            .skip((n - 1) * per)
            .take(per)
            .map(|i| pages(*i))
            .collect();
        let paginator = json!({
            "paginate_by": per,
            "base_url": cfg.permalink(&format!("{}{paginate_path}/", sec.path)),
            "number_pagers": count,
            "first": url_of(1),
            "last": url_of(count),
            "previous": (n > 1).then(|| url_of(n - 1)),
            "next": (n < count).then(|| url_of(n + 1)),
            "current_index": n,
            "total_pages": total,
        });
        let mut pv = Value::from_serializable(&paginator)
            .as_map()
            .cloned()
            .unwrap_or_default();
        pv.insert("pages".into(), Value::from(chunk));
        let mut c = Context::new();
        c.insert_value("section", value.clone());
        c.insert_value("paginator", Value::from(pv));
        let path = if n == 1 {
            sec.path.clone()
        } else {
            format!("{}{paginate_path}/{n}/", sec.path)
        };
        ctx.write_page(&path, &template, &mut c, &what)?;
    }
    // /page/1/ redirects to the section itself, as in Zola.
    let mut a = Context::new();
    a.insert("url", &url_of(1));
    let html = ctx.render("__congkhai/alias.html", &a, &what)?;
    ctx.sink.write(
        &format!(
            "{}{paginate_path}/1/index.html",
            sec.path.trim_start_matches('/')
        ),
        html.as_bytes(),
    )
}

struct Taxonomy {
    name: String,
    /// The language whose pages it lists (`/en/tags/` for `en`).
    lang: String,
    value: Value,
    /// Each term: its path, its template value and the pages it lists.
    terms: Vec<(String, Value, Vec<usize>)>,
    /// Zola's `feed = true`: a feed per term (`/tags/ho-ngheo/atom.xml`).
    feed: bool,
    /// Zola's `render = false`: the taxonomy exists for templates but has no pages.
    render: bool,
}

/// Every taxonomy of every language, as Zola builds them: the default language's from
/// the top-level `taxonomies` (at `/tags/`), each other language's from its own
/// `[languages.xx] taxonomies` (at `/xx/tags/`), each listing that language's pages.
fn build_taxonomies(model: &Model, pages: &PageFn) -> Vec<Taxonomy> {
    let cfg = &model.config;
    let mut out = Vec::new();
    for (lang, configs) in cfg.taxonomies_by_language() {
        for t in configs {
            out.push(build_taxonomy(model, pages, lang, t));
        }
    }
    out
}

fn build_taxonomy(
    model: &Model,
    pages: &PageFn,
    lang: &str,
    t: &crate::config::TaxonomyConfig,
) -> Taxonomy {
    let cfg = &model.config;
    let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for (i, p) in model.pages.iter().enumerate() {
        if !p.is_listed() || p.page.lang != lang {
            continue;
        }
        if let Some(names) = p.page.fm.taxonomies.get(&t.name) {
            for n in names {
                let slug = cfg.term_slug(n);
                terms
                    .entry(slug)
                    .or_insert_with(|| (n.clone(), Vec::new()))
                    .1
                    .push(i);
            }
        }
    }
    let mut term_values = Vec::new();
    for (slug, (name, idx)) in terms {
        let path = cfg.taxonomy_term_path_in(lang, t, &slug);
        let list: Vec<Value> = idx.iter().map(|i| pages(*i)).collect();
        let mut m = Value::from_serializable(&json!({
            "name": name, "slug": slug, "path": path, "permalink": cfg.permalink(&path), "page_count": idx.len(),
        }))
        .as_map()
        .cloned()
        .unwrap_or_default();
        m.insert("pages".into(), Value::from(list));
        term_values.push((path, Value::from(m), idx));
    }
    let path = cfg.taxonomy_path_in(lang, t);
    let slug = cfg.taxonomy_slug(t);
    let render = t.render != Some(false);
    // Zola's `SerializedTaxonomy` (`kind`: the taxonomy's config, `lang`, `permalink`,
    // `items`), with congkhai's `name`, `slug` and `path` beside them.
    let mut m = Value::from_serializable(&json!({
        "kind": {
            "name": t.name, "slug": slug, "paginate_by": t.paginate_by,
            "paginate_path": t.paginate_path, "render": render, "feed": t.feed,
        },
        "lang": lang,
        "name": t.name, "slug": slug, "path": path, "permalink": cfg.permalink(&path),
    }))
    .as_map()
    .cloned()
    .unwrap_or_default();
    m.insert(
        "items".into(),
        Value::from(
            term_values
                .iter()
                .map(|(_, v, _)| v.clone())
                .collect::<Vec<_>>(),
        ),
    );
    Taxonomy {
        name: t.name.clone(),
        lang: lang.to_string(),
        value: Value::from(m),
        terms: term_values,
        feed: t.feed,
        render,
    }
}

fn render_taxonomy(ctx: &Ctx, t: &Taxonomy, pages: &PageFn) -> Result<(), Diagnostic> {
    if !t.render {
        return Ok(());
    }
    let what = format!("phân loại {}", t.name);
    let path = t
        .value
        .as_map()
        .and_then(|m| m.get(&tera::value::Key::from("path")))
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut c = Context::new();
    c.insert_value("taxonomy", t.value.clone());
    c.insert_value(
        "terms",
        t.value
            .as_map()
            .and_then(|m| m.get(&tera::value::Key::from("items")).cloned())
            .unwrap_or_else(Value::none),
    );
    // As Zola: `categories/list.html` and `categories/single.html` when the theme or
    // site has them, `taxonomy_list.html` and `taxonomy_single.html` otherwise.
    let own = |kind: &str, fallback: &str| {
        let name = format!("{}/{kind}.html", t.name);
        if ctx.tera.get_template_names().any(|n| n == name) {
            name
        } else {
            fallback.to_string()
        }
    };
    let list_template = own("list", "taxonomy_list.html");
    let single_template = own("single", "taxonomy_single.html");
    ctx.write_page(&path, &list_template, &mut c, &what)?;
    for (tpath, term, idx) in &t.terms {
        let mut c = Context::new();
        c.insert_value("taxonomy", t.value.clone());
        c.insert_value("term", term.clone());
        ctx.write_page(tpath, &single_template, &mut c, &what)?;
        if t.feed && !ctx.model.preview {
            let listed: Vec<usize> = idx
                .iter()
                .copied()
                .filter(|i| feedable(&ctx.model.pages[*i]))
                .collect();
            let name = term
                .as_map()
                .and_then(|m| m.get(&tera::value::Key::from("name")))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let cfg = &ctx.model.config;
            let site = cfg
                .languages
                .get(&t.lang)
                .and_then(|l| l.title.clone())
                .or(cfg.title.clone())
                .unwrap_or_default();
            let title = if site.is_empty() {
                name
            } else {
                format!("{site} – {name}")
            };
            write_feed(
                ctx,
                &listed,
                pages,
                tpath,
                &title,
                cfg.feed_filenames_of(&t.lang),
            )?;
        }
    }
    Ok(())
}

/// One `<url>` of the sitemap: its address is the site's base URL and `path`, as
/// [`Config::permalink`] makes it. Memory (100,000-page benchmark): borrowed from the
/// model, where an owned address and date per page were ~10 MB at the build's peak.
struct SitemapEntry<'a> {
    path: &'a str,
    updated: Option<&'a str>,
}

/// Orders site paths as their permalinks: [`Config::permalink`] puts the base URL in
/// front of both and a `/` before a path that has none
/// ([`crate::config::permalink_separator`]).
fn permalink_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.strip_prefix('/'), b.strip_prefix('/')) {
        (Some(_), Some(_)) | (None, None) => a.cmp(b),
        (Some(a), None) => a.cmp(b),
        (None, Some(b)) => a.cmp(b),
    }
}

/// Entries from which the sitemap is split, as Zola `next` splits it: `sitemap1.xml`,
/// `sitemap2.xml`, … of this many entries each, listed by `sitemap.xml` (a sitemap index).
/// The sitemaps protocol allows 50,000 addresses in one file; a province's archive has
/// more. Memory (100,000-page benchmark): the text of one file at a time, and the
/// privacy scan's copy of it, instead of 10 MB of XML at the build's peak.
const SITEMAP_LIMIT: usize = 30_000;

/// Writes the sitemap's files with `write` (name, bytes), one at a time: `sitemap.xml`
/// alone below `limit` entries, else the numbered parts of `limit` entries, then
/// `sitemap.xml` listing their addresses. `base`: [`Config::base`].
fn write_sitemap(
    base: &str,
    entries: &[SitemapEntry],
    limit: usize,
    mut write: impl FnMut(&str, &[u8]) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    if entries.len() < limit {
        return write("sitemap.xml", &sitemap_xml(base, entries));
    }
    let mut index: Vec<u8> = Vec::from(
        &b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"[..],
    );
    for (i, part) in entries.chunks(limit.max(1)).enumerate() {
        let name = format!("sitemap{}.xml", i + 1);
        index.extend_from_slice(b"\n    <sitemap>\n        <loc>");
        // Writing into a Vec cannot fail.
        let _ = tera::escape_html(base, &mut index);
        index.push(b'/');
        let _ = tera::escape_html(&name, &mut index);
        index.extend_from_slice(b"</loc>\n    </sitemap>");
        write(&name, &sitemap_xml(base, part))?;
    }
    index.extend_from_slice(b"\n</sitemapindex>\n");
    write("sitemap.xml", &index)
}

/// The sitemap, byte for byte what the built-in template `__congkhai/sitemap.xml`
/// renders for `entries` (the unit test `sitemap_writer_matches_its_template` renders
/// both): memory (100,000-page benchmark, docs/benchmarks.md), the template needed every
/// entry as a Tera map (~330 bytes a page) beside the entries and the text, at the
/// build's peak; this writes the text straight from the entries.
fn sitemap_xml(base: &str, entries: &[SitemapEntry]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(128 + entries.len() * 96);
    out.extend_from_slice(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    for e in entries {
        out.extend_from_slice(b"\n  <url>\n    <loc>");
        // Writing into a Vec cannot fail.
        // Escaped piece by piece, as the whole address would be (character by character).
        let _ = tera::escape_html(base, &mut out);
        out.extend_from_slice(crate::config::permalink_separator(e.path).as_bytes());
        let _ = tera::escape_html(e.path, &mut out);
        out.extend_from_slice(b"</loc>");
        if let Some(u) = e.updated.filter(|u| !u.is_empty()) {
            out.extend_from_slice(b"\n    <lastmod>");
            let _ = tera::escape_html(u, &mut out);
            out.extend_from_slice(b"</lastmod>");
        }
        out.extend_from_slice(b"\n  </url>");
    }
    out.extend_from_slice(b"\n</urlset>\n");
    out
}

/// 404, sitemap, robots, feeds.
fn render_extras(ctx: &Ctx, pages: &PageFn) -> Result<(), Diagnostic> {
    let model = ctx.model;
    let cfg = &model.config;
    if ctx.tera.get_template_names().any(|n| n == "404.html") {
        let mut c = Context::new();
        c.insert("current_path", "/404.html");
        c.insert("current_url", &cfg.permalink("/404.html"));
        let html = ctx.render("404.html", &c, "404.html")?;
        ctx.sink.write("404.html", &ctx.finish_html(html))?;
    }
    if cfg.generate_sitemap && !model.preview {
        let mut entries: Vec<SitemapEntry> =
            Vec::with_capacity(model.pages.len() + model.sections.len());
        for s in model.sections.values() {
            if s.section.fm.render != Some(false)
                && !s.section.fm.noindex
                && s.section.fm.redirect_to.is_none()
            {
                entries.push(SitemapEntry {
                    path: &s.section.path,
                    updated: None,
                });
            }
        }
        for p in &model.pages {
            if p.status != Status::Published || p.noindex || p.page.fm.render == Some(false) {
                continue;
            }
            let updated = p.page.fm.updated.as_deref().or(p.page.date.as_deref());
            entries.push(SitemapEntry {
                path: &p.page.path,
                updated: updated.map(|u| u.char_indices().nth(10).map_or(u, |(i, _)| &u[..i])),
            });
            if let Some(r) = &p.record {
                for sp in r.subpages.iter().filter(|sp| sp.indexable) {
                    entries.push(SitemapEntry {
                        path: &sp.path,
                        updated: None,
                    });
                }
            }
        }
        entries.sort_by(|a, b| permalink_order(a.path, b.path));
        write_sitemap(cfg.base(), &entries, SITEMAP_LIMIT, |name, xml| {
            ctx.sink.write(name, xml)
        })?;
    }
    if cfg.generate_robots_txt {
        let name = if ctx.tera.get_template_names().any(|n| n == "robots.txt") {
            "robots.txt"
        } else {
            "__congkhai/robots.txt"
        };
        let mut c = Context::new();
        c.insert("sitemap_url", &cfg.permalink("/sitemap.xml"));
        // Lists of people: their files (and pages, when noindex) are no crawler's.
        c.insert(
            "disallow",
            &crate::opendata::catalog::robots_disallow(model),
        );
        let txt = ctx.render(name, &c, "robots.txt")?;
        ctx.sink.write_text("robots.txt", &txt)?;
    }
    if !model.preview {
        if cfg.generate_feeds {
            let idx: Vec<usize> = (0..model.pages.len())
                .filter(|i| {
                    feedable(&model.pages[*i]) && model.pages[*i].page.lang == cfg.default_language
                })
                .collect();
            let title = cfg.title.clone().unwrap_or_default();
            write_feed(ctx, &idx, pages, "/", &title, &cfg.feed_filenames)?;
        }
        // Each language's own feed, `/xx/atom.xml`, when `[languages.xx]` asks for it.
        for (code, l) in cfg.languages.iter().filter(|(_, l)| l.generate_feeds) {
            let idx: Vec<usize> = (0..model.pages.len())
                .filter(|i| feedable(&model.pages[*i]) && model.pages[*i].page.lang == *code)
                .collect();
            let title = l.title.clone().or(cfg.title.clone()).unwrap_or_default();
            write_feed(
                ctx,
                &idx,
                pages,
                &format!("/{code}/"),
                &title,
                &l.feed_filenames,
            )?;
        }
        for s in model
            .sections
            .values()
            .filter(|s| s.section.fm.generate_feeds || crate::model::section_feed(cfg, &s.section))
        {
            let idx: Vec<usize> = s
                .pages
                .iter()
                .copied()
                .filter(|i| feedable(&model.pages[*i]))
                .collect();
            let title = format!(
                "{} – {}",
                s.section.fm.title.clone().unwrap_or_default(),
                cfg.ward
                    .as_ref()
                    .map(|w| w.name.clone())
                    .or(cfg.title.clone())
                    .unwrap_or_default()
            );
            write_feed(
                ctx,
                &idx,
                pages,
                &s.section.path,
                &title,
                &cfg.feed_filenames,
            )?;
        }
    }
    Ok(())
}

// --- search (owned by src/search.rs) ---
/// The search page `/tim-kiem/` (theme template `tim-kiem.html`) and its index files.
/// Nothing when search is off or when the site has its own content at /tim-kiem/.
fn render_search(ctx: &Ctx) -> Result<(), Diagnostic> {
    let cfg = &ctx.model.config;
    render_search_in(ctx, &cfg.default_language, cfg.search_enabled())?;
    // A language's index is its own, under `/xx/tim-kiem/` (the default's is unchanged).
    for (code, l) in &cfg.languages {
        render_search_in(ctx, code, l.build_search_index)?;
    }
    Ok(())
}

fn render_search_in(ctx: &Ctx, lang: &str, enabled: bool) -> Result<(), Diagnostic> {
    let model = ctx.model;
    let prefix = model.config.language_prefix(lang);
    let search_path = format!("{prefix}/tim-kiem/");
    let taken = model
        .sections
        .values()
        .any(|s| s.section.path == search_path)
        || model.pages.iter().any(|p| p.page.path == search_path);
    if !enabled || taken {
        return Ok(());
    }
    let index = crate::search::build_for_language(model, lang, enabled);
    if let Some(index) = &index {
        for (rel, bytes) in &index.files {
            if prefix.is_empty() {
                ctx.sink.write(rel, bytes)?;
            } else {
                ctx.sink.write(&format!("{lang}/{rel}"), bytes)?;
            }
        }
    }
    if ctx.tera.get_template_names().any(|n| n == "tim-kiem.html") {
        let mut c = Context::new();
        c.insert(
            "search",
            &json!({
                "enabled": index.is_some(),
                "meta": index.as_ref().map(|i| i.meta.as_str()),
                "docs": index.as_ref().map_or(0, |i| i.docs),
            }),
        );
        ctx.write_page(&search_path, "tim-kiem.html", &mut c, "tim-kiem.html")?;
    }
    Ok(())
}
// --- end search ---

/// Where a section's `redirect_to` leads, as Zola: an `http(s):` address as written, a
/// site path (`posts/tutorials/docker`) as its permalink, with the trailing slash Zola adds
/// to a path that is not an anchor or a feed.
fn redirect_url(cfg: &crate::config::Config, target: &str) -> String {
    let target = target.trim();
    if target.starts_with("http:") || target.starts_with("https:") {
        return target.to_string();
    }
    let slash = if target.ends_with('/')
        || target.is_empty()
        || target.contains('#')
        || cfg
            .feed_filenames
            .iter()
            .any(|f| target.ends_with(f.as_str()))
    {
        ""
    } else {
        "/"
    };
    cfg.permalink(&format!("{target}{slash}"))
}

fn feedable(p: &PageModel) -> bool {
    p.status == Status::Published && !p.noindex && p.page.date.is_some()
}

fn rfc3339(date: &str) -> String {
    if date.len() == 10 {
        format!("{date}T00:00:00+07:00")
    } else {
        date.to_string()
    }
}

fn write_feed(
    ctx: &Ctx,
    idx: &[usize],
    pages: &PageFn,
    base: &str,
    title: &str,
    feed_filenames: &[String],
) -> Result<(), Diagnostic> {
    let model = ctx.model;
    let cfg = &model.config;
    let mut sorted: Vec<usize> = idx.to_vec();
    sorted.sort_by(|a, b| {
        model.pages[*b]
            .page
            .date
            .cmp(&model.pages[*a].page.date)
            .then_with(|| model.pages[*a].page.rel.cmp(&model.pages[*b].page.rel))
    });
    if let Some(limit) = cfg.feed_limit {
        sorted.truncate(limit);
    }
    let mut entries = Vec::new();
    let mut last = String::from("1970-01-01T00:00:00+07:00");
    for i in &sorted {
        let p = &model.pages[*i].page;
        let date = rfc3339(p.date.as_deref().unwrap_or("1970-01-01"));
        let updated = rfc3339(
            p.fm.updated
                .as_deref()
                .or(p.date.as_deref())
                .unwrap_or("1970-01-01"),
        );
        if updated > last {
            last = updated.clone();
        }
        let mut m = pages(*i).as_map().cloned().unwrap_or_default();
        m.insert("date_rfc3339".into(), Value::from(date.as_str()));
        m.insert("updated_rfc3339".into(), Value::from(updated.as_str()));
        entries.push(Value::from(m));
    }
    let author = cfg
        .ward
        .as_ref()
        .map(|w| w.name.clone())
        .or(cfg.author.clone())
        .or(cfg.title.clone())
        .unwrap_or_default();
    for name in feed_filenames {
        let mut c = Context::new();
        if let Some((lang, config)) = ctx.languages.for_path(base) {
            c.insert_value("lang", lang.clone());
            c.insert_value("config", config.clone());
        }
        c.insert_value("pages", Value::from(entries.clone()));
        c.insert("feed_title", title);
        c.insert("feed_url", &cfg.permalink(&format!("{base}{name}")));
        c.insert("alternate_url", &cfg.permalink(base));
        c.insert("last_updated", &last);
        c.insert("feed_author", &author);
        let template = if ctx.tera.get_template_names().any(|n| n == name) {
            name.clone()
        } else {
            "__congkhai/atom.xml".to_string()
        };
        let xml = ctx.render(&template, &c, name)?;
        ctx.sink
            .write_text(&format!("{}{name}", base.trim_start_matches('/')), &xml)?;
    }
    Ok(())
}

/// Theme static files, then the site's `static/` (the site's win). The theme's
/// stylesheets are minified and published under their name and a fingerprinted one
/// (src/assets.rs); the second map (name → fingerprinted name) is what `get_url` gives
/// templates. A site's own file of the same name replaces the theme's, unfingerprinted.
/// As Zola, the theme's `sass/` is compiled always and the site's with
/// `compile_sass = true`; a static file of the same name wins over a compiled one.
type StaticFiles = (BTreeMap<String, StaticSource>, BTreeMap<String, String>);

fn static_files(model: &Model) -> Result<StaticFiles, Diagnostic> {
    let mut compiled: BTreeMap<String, StaticSource> = BTreeMap::new();
    if let Some(theme_name) = &model.config.theme {
        compile_sass(
            &model.config.theme_dir(&model.root, theme_name),
            &mut compiled,
        )?;
    }
    if model.config.compile_sass {
        compile_sass(&model.root, &mut compiled)?;
    }
    let mut theme: BTreeMap<String, StaticSource> = BTreeMap::new();
    if let Some(theme_name) = &model.config.theme {
        let dir = model
            .config
            .theme_dir(&model.root, theme_name)
            .join("static");
        if dir.is_dir() {
            collect_dir(&dir, &mut theme);
        } else if theme_name == "congkhai"
            && let Some(d) = templates::DEFAULT_THEME.get_dir("static")
        {
            collect_embedded(d, &mut theme);
        }
    }
    let mut files: BTreeMap<String, StaticSource> = compiled;
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for (rel, src) in theme {
        let bytes = match (&src, crate::assets::is_stylesheet(&rel)) {
            (StaticSource::Embedded(b), true) => Some(b.to_vec()),
            // A link is never read: the copy refuses it by name.
            (StaticSource::Disk(p), true)
                if std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()) =>
            {
                std::fs::read(p).ok()
            }
            _ => None,
        };
        match bytes {
            Some(b) => {
                let sheet = crate::assets::stylesheet(&rel, &b);
                names.insert(rel.clone(), sheet.hashed.clone());
                files.insert(sheet.hashed, StaticSource::Owned(sheet.bytes.clone()));
                files.insert(rel, StaticSource::Owned(sheet.bytes));
            }
            None => {
                files.insert(rel, src);
            }
        }
    }
    let site_static = model.root.join("static");
    if site_static.is_dir() {
        let mut own = BTreeMap::new();
        collect_dir(&site_static, &mut own);
        for rel in own.keys() {
            if let Some(hashed) = names.remove(rel) {
                files.remove(&hashed);
            }
        }
        files.extend(own);
    }
    // Zola's `ignored_static`: globs relative to `static/` (theme's and site's).
    if !model.config.ignored_static.is_empty() {
        let mut b = globset::GlobSetBuilder::new();
        for p in &model.config.ignored_static {
            let g = globset::Glob::new(p).map_err(|e| {
                Diagnostic::error(format!(
                    "mẫu ignored_static không hợp lệ \u{201c}{p}\u{201d}: {e}"
                ))
                .at(crate::diagnostics::Location::file("config.toml").with_field("ignored_static"))
                .hint("viết mẫu tính từ thư mục static/, ví dụ \"*.psd\" hoặc \"nhap/**\"")
            })?;
            b.add(g);
        }
        let set = b.build().map_err(|e| {
            Diagnostic::error(format!("ignored_static không hợp lệ: {e}")).in_file("config.toml")
        })?;
        files.retain(|rel, _| !set.is_match(rel));
        names.retain(|rel, _| !set.is_match(rel));
    }
    Ok((files, names))
}

fn copy_static(ctx: &Ctx, files: BTreeMap<String, StaticSource>) -> Result<(), Diagnostic> {
    files.par_iter().try_for_each(|(rel, src)| match src {
        StaticSource::Disk(p) => ctx.sink.copy(rel, p),
        StaticSource::Embedded(b) => ctx.sink.write(rel, b),
        StaticSource::Owned(b) => ctx.sink.write(rel, b),
    })
}

enum StaticSource {
    Disk(std::path::PathBuf),
    Embedded(&'static [u8]),
    /// A theme stylesheet, minified, or a compiled Sass file.
    Owned(Vec<u8>),
}

/// Zola's Sass step, with the crate Zola uses (`grass`, pure Rust, no network): every
/// `*.scss`/`*.sass` under `base/sass/` whose name does not start with `_` (a partial)
/// becomes a compressed `.css` at the same place in the output. Nothing happens
/// without a `sass/` folder.
fn compile_sass(
    base: &std::path::Path,
    out: &mut BTreeMap<String, StaticSource>,
) -> Result<(), Diagnostic> {
    let dir = base.join("sass");
    if !dir.is_dir() {
        return Ok(());
    }
    let options = grass::Options::default().style(grass::OutputStyle::Compressed);
    let mut made: BTreeMap<String, String> = BTreeMap::new();
    for e in walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with(['_', '.']))
        .flatten()
    {
        let name = e.file_name().to_string_lossy();
        if !e.file_type().is_file() || !(name.ends_with(".scss") || name.ends_with(".sass")) {
            continue;
        }
        let rel = crate::output::rel_path(e.path(), &dir);
        let css_rel = format!("{}.css", &rel[..rel.len() - 5]);
        let css = grass::from_path(e.path(), &options).map_err(|err| {
            Diagnostic::error(format!("không biên dịch được tệp Sass: {err}"))
                .in_file(e.path())
                .hint("sửa lỗi cú pháp Sass/SCSS ở dòng được chỉ ra; tệp bắt đầu bằng _ là phần nhúng (partial), không tự tạo ra tệp .css")
        })?;
        if let Some(other) = made.insert(css_rel.clone(), rel.clone()) {
            return Err(Diagnostic::error(format!(
                "hai tệp Sass cùng tạo ra {css_rel}: {other} và {rel}"
            ))
            .in_file(e.path())
            .hint("đổi tên một trong hai tệp"));
        }
        out.insert(css_rel, StaticSource::Owned(css.into_bytes()));
    }
    Ok(())
}

fn collect_dir(dir: &std::path::Path, out: &mut BTreeMap<String, StaticSource>) {
    for e in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        // Links are collected too, so that the copy refuses them by name instead of
        // skipping them without a word.
        if e.file_type().is_file() || e.file_type().is_symlink() {
            let rel = crate::output::rel_path(e.path(), dir);
            if rel.split('/').any(|c| c.starts_with('.')) {
                continue;
            }
            out.insert(rel, StaticSource::Disk(e.path().to_path_buf()));
        }
    }
}

fn collect_embedded(
    dir: &'static include_dir::Dir<'static>,
    out: &mut BTreeMap<String, StaticSource>,
) {
    for f in dir.files() {
        if let Ok(rel) = f.path().strip_prefix("static") {
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                StaticSource::Embedded(f.contents()),
            );
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `get_url`'s map is the model's own when they hold the same paths, and a map of
    /// its own (with the built page the links may not point to) when they do not.
    #[test]
    fn template_urls_share_the_link_map_only_when_it_is_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write(
            "config.toml",
            "base_url = \"https://x.example.vn\"\ntitle = \"T\"\n",
        );
        write("content/_index.md", "+++\ntitle = \"Trang chủ\"\n+++\n");
        write("content/tin/_index.md", "+++\ntitle = \"Tin\"\n+++\n");
        write("content/tin/moi.md", "+++\ntitle = \"Mới\"\n+++\nMới.\n");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let load = || {
            let (config, _) = crate::config::Config::load(root).unwrap();
            Model::load(root, config, today, false).unwrap()
        };
        let model = load();
        let urls = template_urls(&model);
        assert!(Arc::ptr_eq(&urls, &model.urls));
        let want: BTreeMap<String, String> = [
            ("_index.md", "https://x.example.vn/"),
            ("tin/_index.md", "https://x.example.vn/tin/"),
            ("tin/moi.md", "https://x.example.vn/tin/moi/"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(*urls, want);

        // Withdrawn on the build date: built (a notice), yet no link target.
        write(
            "content/tin/cu.md",
            "+++\ntitle = \"Cũ\"\npublish_from = 2026-01-01\npublish_until = 2026-06-01\n+++\nCũ.\n",
        );
        let model = load();
        assert!(model.pages.iter().any(|p| p.page.rel == "tin/cu.md"));
        assert!(!model.urls.contains_key("tin/cu.md"));
        let urls = template_urls(&model);
        assert!(!Arc::ptr_eq(&urls, &model.urls));
        let mut want = want;
        want.insert("tin/cu.md".into(), "https://x.example.vn/tin/cu/".into());
        assert_eq!(*urls, want);
    }

    /// Below the limit one `sitemap.xml`; from it, numbered parts of `limit` entries and
    /// an index listing them, as Zola `next` writes them.
    #[test]
    fn sitemap_splits_into_parts_and_an_index_from_the_limit() {
        let paths: Vec<String> = (0..5).map(|i| format!("/p{i}/")).collect();
        let entries: Vec<SitemapEntry> = paths
            .iter()
            .map(|p| SitemapEntry {
                path: p,
                updated: None,
            })
            .collect();
        let base = "https://x.vn";
        let sitemap_files = |entries: &[SitemapEntry], limit: usize| {
            let mut files: Vec<(String, Vec<u8>)> = Vec::new();
            write_sitemap(base, entries, limit, |name, xml| {
                files.push((name.to_string(), xml.to_vec()));
                Ok(())
            })
            .unwrap();
            files
        };
        let one = sitemap_files(&entries, 6);
        assert_eq!(one.len(), 1);
        assert_eq!(
            one[0],
            ("sitemap.xml".to_string(), sitemap_xml(base, &entries))
        );
        let split = sitemap_files(&entries, 2);
        let names: Vec<&str> = split.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap1.xml",
                "sitemap2.xml",
                "sitemap3.xml",
                "sitemap.xml"
            ]
        );
        assert_eq!(split[0].1, sitemap_xml(base, &entries[0..2]));
        assert_eq!(split[2].1, sitemap_xml(base, &entries[4..5]));
        let index = String::from_utf8(split[3].1.clone()).unwrap();
        assert_eq!(
            index,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n    \
             <sitemap>\n        <loc>https://x.vn/sitemap1.xml</loc>\n    </sitemap>\n    \
             <sitemap>\n        <loc>https://x.vn/sitemap2.xml</loc>\n    </sitemap>\n    \
             <sitemap>\n        <loc>https://x.vn/sitemap3.xml</loc>\n    </sitemap>\n\
             </sitemapindex>\n"
        );
        // Exactly the limit already splits (Zola: fewer than 30,000 stay in one file).
        assert_eq!(sitemap_files(&entries, 5).len(), 2);
        // A failed write stops the sitemap there.
        let mut names = Vec::new();
        let failed = write_sitemap(base, &entries, 2, |name, _| {
            names.push(name.to_string());
            Err(Diagnostic::error("đầy"))
        });
        assert!(failed.is_err());
        assert_eq!(names, ["sitemap1.xml"]);
    }

    /// A site's configuration with this base URL (and a trailing slash).
    fn config_with_base(base: &str) -> crate::config::Config {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            format!("base_url = \"{base}/\"\ntitle = \"T\"\n"),
        )
        .unwrap();
        let (config, _) = crate::config::Config::load(dir.path()).unwrap();
        assert_eq!(config.base(), base);
        config
    }

    /// The sitemap is sorted by address without making the addresses: the order of
    /// the paths is that of their permalinks, with or without a leading slash.
    #[test]
    fn paths_sort_as_their_permalinks() {
        let paths = [
            "/",
            "",
            "a",
            "/a",
            "a/",
            "/a/",
            "/a/b/",
            "a-b/",
            "/a-b/",
            "/Z/",
            "z",
            "/tin-tức/",
            "tin/",
            "/ti",
            "ti/",
            "/!",
        ];
        let config = config_with_base("https://x.vn");
        let permalink = |p: &str| config.permalink(p);
        for a in paths {
            for b in paths {
                assert_eq!(
                    permalink_order(a, b),
                    permalink(a).cmp(&permalink(b)),
                    "{a:?} against {b:?}"
                );
            }
        }
    }

    #[test]
    fn sitemap_writer_matches_its_template() {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        tera.add_raw_template(
            "__congkhai/sitemap.xml",
            include_str!("templates/builtin/sitemap.xml"),
        )
        .unwrap();
        let entry = |path, updated| SitemapEntry { path, updated };
        let base = "https://phuong.example.vn/x&y";
        // The template's entries: the addresses as Config::permalink makes them.
        let config = config_with_base(base);
        for entries in [
            vec![],
            vec![
                entry("/", None),
                entry("/a?b=1&c='d'\"<e>/", Some("2026-01-02")),
                entry("tin-tức/", Some("")),
                entry("/z/", Some("2026&<")),
            ],
        ] {
            let values: Vec<serde_json::Value> = entries
                .iter()
                .map(|e| {
                    serde_json::json!({
                        "permalink": config.permalink(e.path),
                        "updated": e.updated,
                    })
                })
                .collect();
            let mut c = Context::new();
            c.insert("entries", &values);
            let want = tera.render("__congkhai/sitemap.xml", &c).unwrap();
            assert_eq!(
                String::from_utf8(sitemap_xml(base, &entries)).unwrap(),
                want
            );
        }
    }
}
