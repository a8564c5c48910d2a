//! The site model: every page and section with its publication status, its record (for
//! pages with a `kind`), its attachments, and its rendered Markdown.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::config::Config;
use crate::content::frontmatter::Approval;
use crate::content::spill::{Spill, Spilled};
use crate::content::{self, Content, Page, Section};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::digest::sha256_hex;
use crate::kinds::columns::{Column, ColumnDoc};
use crate::kinds::{self, KindContext, LoadedPage, RecordInput, RecordKind, RecordOutput};
use crate::markdown::{self, AnchorLinks, RenderOptions, Toc};
use crate::opendata::datapackage;
use crate::privacy;
use crate::trust::publication::{self, Status};

/// A file published with a page (attachment) or generated for it (download).
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileInfo {
    pub title: String,
    pub file_name: String,
    pub url: String,
    /// Site-relative output path (`van-ban/ke-hoach/ke-hoach.pdf`).
    #[serde(skip)]
    pub out_rel: String,
    pub size: u64,
    pub sha256: String,
    pub format: String,
    pub media_type: String,
    #[serde(skip)]
    pub source: FileSource,
    #[serde(skip)]
    pub key_column: Option<String>,
    /// An attachment's own approval, when it has one (else the page's applies).
    #[serde(skip)]
    pub approval: Option<Approval>,
    /// A table's columns for people ("Giải thích các cột"); empty for other files.
    pub columns: Vec<ColumnDoc>,
    /// A table's columns, for the data package.
    #[serde(skip)]
    pub table: Vec<Column>,
    /// What the file holds, for the data package.
    #[serde(skip)]
    pub description: String,
    /// The key column is unique (the data package's `primaryKey`).
    #[serde(skip)]
    pub unique_key: bool,
    /// Not listed with the page's downloads: a file for one item, linked from that item's
    /// page (see [`kinds::Download::unlisted`]).
    pub unlisted: bool,
}

#[derive(Debug, Clone, Default)]
pub enum FileSource {
    #[default]
    None,
    Disk(PathBuf),
    Bytes(std::sync::Arc<Vec<u8>>),
}

pub struct PageModel {
    /// The page as loaded; its `front_matter` text is dropped (see `front_matter_digest`).
    /// Boxed since parsing ([`crate::content::Content::pages`]).
    pub page: Box<Page>,
    /// [`crate::content::front_matter_digest`] of the page's front matter text.
    pub front_matter_digest: u64,
    pub status: Status,
    /// Boxed (memory, 100,000-page benchmark): 80 bytes inline in every page model,
    /// and a plain site's pages have none.
    pub approval: Option<Box<Approval>>,
    pub kind: Option<&'static str>,
    pub kind_label: Option<&'static str>,
    /// Memory: `page.html`, a site's usual page template, is not copied into every page.
    pub template: std::borrow::Cow<'static, str>,
    /// Boxed: most pages are plain documents, and the record's output is a quarter of
    /// a page model's size.
    pub record: Option<Box<RecordOutput>>,
    /// The body's HTML ([`Model::page_html`]): already the template value every view of
    /// the page shares, made right after the Markdown is rendered so the render buffer
    /// is freed at once; or, in a low-memory build, in the build's spill file.
    pub html: PageHtml,
    pub summary: Option<String>,
    pub toc: Toc,
    pub word_count: usize,
    pub plain_text: String,
    pub attachments: Vec<FileInfo>,
    pub downloads: Vec<FileInfo>,
    pub noindex: bool,
    /// Warnings about this page (also those of its record).
    pub warnings: Diagnostics,
    /// Bundle assets to copy next to the page (images), as (output rel, source).
    pub assets: Vec<(String, PathBuf)>,
    /// `@/…#anchor` links of the body: (content path, anchor, line in the file),
    /// checked against the target's heading ids once every page is rendered.
    pub anchor_links: Vec<(String, String, usize)>,
}

/// Where a page's body HTML is.
///
/// Memory (100,000-page benchmark; low-memory builds, `[build] low_memory_pages`,
/// docs/architecture.md "Memory"): the HTML of every page is a fifth of a large build's peak, yet templates
/// need it only while the page (or a listing showing its `content`) renders. It goes to
/// the build's spill file (`content::spill`) as each page is built and comes back one
/// page at a time.
pub enum PageHtml {
    /// Our own sanitised HTML, as a safe string.
    Kept(tera::Value),
    /// Where it is in the model's spill file.
    Spilled(Spilled),
}

pub struct SectionModel {
    pub section: Section,
    pub status: Status,
    pub html: String,
    pub toc: Toc,
    /// Indices into `Model::pages`, sorted as the section asks; only listed pages.
    pub pages: Vec<usize>,
    pub approval: Option<Approval>,
    /// `@/…#anchor` links of the section's text, as [`PageModel::anchor_links`].
    pub anchor_links: Vec<(String, String, usize)>,
}

pub struct Model {
    pub root: PathBuf,
    pub config: Config,
    pub today: NaiveDate,
    pub preview: bool,
    pub pages: Vec<PageModel>,
    pub sections: BTreeMap<String, SectionModel>,
    pub warnings: Diagnostics,
    pub embargoed: usize,
    /// Where each content file's `@/` link points (content rel → permalink). Shared:
    /// the templates' `get_url` lookup is usually the same map ([`crate::render`]).
    pub urls: std::sync::Arc<BTreeMap<String, String>>,
    /// Pages that exist but are no link target on the build date (rel → why).
    pub unpublished: BTreeMap<String, &'static str>,
    /// Every loaded page's and section's front matter, for records that refer to
    /// another page (kept for serve's single-page rebuilds); empty when no page has a
    /// record (`kind`): nothing reads it then.
    pub loaded: Vec<LoadedPage>,
    /// Each record's corrections, newest first (site path → notes), from the history
    /// chain and this build's entry; set by the trust stage before rendering.
    pub corrections: BTreeMap<String, Vec<Correction>>,
    /// The images `resize_image` made, from content (shortcodes) and templates alike;
    /// the render stage writes them, `serve`'s fast path writes the new ones.
    pub images: std::sync::Arc<crate::templates::images::Store>,
    /// Where the pages' body HTML went in a low-memory build ([`PageHtml`]).
    pub spill: Option<Spill>,
}

/// One correction of a published record: "Đính chính ngày dd/mm/yyyy: …".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Correction {
    /// The date of the history entry that recorded the change (YYYY-MM-DD).
    pub date: String,
    /// The reason, as staff wrote it (`correction` in the front matter).
    pub text: String,
}

/// Paths of every content file, for `@/` links (content rel → permalink), and the pages
/// that are no link target (rel → why). In a normal build a page that is embargoed or
/// withdrawn on the build date is no link target: a link would reveal its future URL or
/// lead to a notice (drafts are not loaded at all).
fn link_targets(
    pages: &[Box<Page>],
    sections: &BTreeMap<String, Section>,
    config: &Config,
    today: NaiveDate,
    preview: bool,
) -> (BTreeMap<String, String>, BTreeMap<String, &'static str>) {
    // Speed (100,000-page benchmark): the permalinks are made in parallel and the map
    // built from them at once (sorted, then filled node by node), not by 100,000
    // inserts on one thread.
    let targets: Vec<(String, Result<String, &'static str>)> = pages
        .par_iter()
        .map(|p| {
            let target =
                match unpublished_reason(p.fm.publish_from, p.fm.publish_until, today, preview) {
                    Some(reason) => Err(reason),
                    None => Ok(config.permalink(&p.path)),
                };
            (p.rel.clone(), target)
        })
        .collect();
    let mut urls: Vec<(String, String)> = sections
        .values()
        .map(|s| (s.rel.clone(), config.permalink(&s.path)))
        .collect();
    let mut unpublished = Vec::new();
    for (rel, target) in targets {
        match target {
            Ok(url) => urls.push((rel, url)),
            Err(reason) => unpublished.push((rel, reason)),
        }
    }
    (
        urls.into_iter().collect(),
        unpublished.into_iter().collect(),
    )
}

/// The front matter of every loaded page and section, sorted by file (the order a
/// record's lookup by code depends on), for [`KindContext::pages`].
fn loaded_pages(pages: &[Box<Page>], sections: &BTreeMap<String, Section>) -> Vec<LoadedPage> {
    let mut out: Vec<LoadedPage> = pages
        .iter()
        .map(|p| LoadedPage {
            file: p.file.clone(),
            front_matter: p.front_matter.clone(),
        })
        .chain(sections.values().map(|s| LoadedPage {
            file: s.file.clone(),
            front_matter: String::new(),
        }))
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// What `@/` links may point to.
struct Links<'a> {
    urls: &'a BTreeMap<String, String>,
    unpublished: &'a BTreeMap<String, &'static str>,
    /// Zola's `anchor-link.html` and `summary-cutoff.html` (src/templates/snippets.rs).
    snippets: &'a dyn markdown::Snippets,
    /// Where page HTML goes (`None`: kept in memory).
    spill: Option<&'a Spill>,
}

/// Why a page may not be linked to on `today` (`None`: it may). A staff preview may
/// link to anything it shows.
pub fn unpublished_reason(
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    today: NaiveDate,
    preview: bool,
) -> Option<&'static str> {
    if preview {
        return None;
    }
    if from.is_some_and(|f| today < f) {
        return Some("chưa đến ngày công khai (publish_from)");
    }
    if until.is_some_and(|u| today > u) {
        return Some("đã hết thời hạn công khai (publish_until)");
    }
    None
}

impl PageModel {
    /// Listed in sections, feeds, sitemap and search.
    pub fn is_listed(&self) -> bool {
        matches!(self.status, Status::Published | Status::DraftPreview)
    }
}

/// Extensions of files that may be published from a bundle without being declared as
/// attachments: pictures shown in the page. Anything else must be declared (approved).
const FREE_ASSET_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "gif", "webp", "svg", "avif"];

impl Model {
    pub fn load(
        root: &Path,
        config: Config,
        today: NaiveDate,
        preview: bool,
    ) -> Result<Model, Diagnostics> {
        Model::load_with(root, config, today, preview, None)
    }

    /// [`Model::load`]; a low-memory build (`[build] low_memory_pages`) puts its spill
    /// file in `spill_dir` (the staging folder) when given, else in the system's
    /// temporary folder.
    pub fn load_with(
        root: &Path,
        config: Config,
        today: NaiveDate,
        preview: bool,
        spill_dir: Option<&Path>,
    ) -> Result<Model, Diagnostics> {
        let t = std::time::Instant::now();
        let (content, mut diags) = content::load_with(root, &config, preview, spill_dir);
        crate::timing::phase("content", t);
        let Content {
            mut pages,
            mut sections,
            spill,
            low_memory,
        } = content;
        if low_memory {
            crate::timing::note(if spill.is_some() {
                "low-memory build: bodies and body HTML in a spill file"
            } else {
                "low-memory build: no spill file could be made, everything kept in memory"
            });
        }
        let t_urls = std::time::Instant::now();
        let (urls, unpublished) = link_targets(&pages, &sections, &config, today, preview);
        let urls = std::sync::Arc::new(urls);
        crate::timing::phase("model: link targets", t_urls);
        // Zola `next`'s shortcodes: Markdown with `{{`/`{%` rendered through Tera first.
        let t_sc = std::time::Instant::now();
        let images = std::sync::Arc::new(crate::templates::images::Store::default());
        diags.extend(crate::shortcodes::apply(
            &crate::shortcodes::Site {
                root,
                config: &config,
                urls: &urls,
                now: format!("{}T00:00:00+07:00", today.format("%Y-%m-%d")),
                images: images.clone(),
            },
            &mut pages,
            &mut sections,
        ));
        crate::timing::phase("shortcodes", t_sc);
        // Memory (100,000-page benchmark): only records look other pages up by their
        // front matter (a beneficiary list its programme); a site without any record
        // keeps no copy of every front matter.
        let loaded = if pages.iter().any(|p| p.fm.kind.is_some()) {
            loaded_pages(&pages, &sections)
        } else {
            Vec::new()
        };
        let registry = kinds::registry();
        let ctx = KindContext {
            root,
            pages: &loaded,
            config: &config,
            today,
            preview,
        };
        let now = format!("{}T00:00:00+07:00", today.format("%Y-%m-%d"));
        let snippets = crate::templates::snippets::SiteSnippets::new(root, &config, now);
        let links = Links {
            urls: &urls,
            unpublished: &unpublished,
            snippets: &snippets,
            spill: spill.as_ref(),
        };

        let t_pages = std::time::Instant::now();
        let section_approval = |rel: &str| sections.get(rel).and_then(|s| s.fm.approval.as_ref());
        let results: Vec<Result<Option<PageModel>, Diagnostics>> = pages
            .into_par_iter()
            .map(|page| {
                let approval = publication::effective_approval(
                    page.fm.approval.as_deref(),
                    section_approval(&page.section),
                    publication::is_data_page(&page.fm),
                );
                build_page(page, approval, &ctx, &registry, &links)
            })
            .collect();
        // Memory (100,000-page benchmark, docs/benchmarks.md): collected in place, in the
        // results' own allocation (std's in-place `collect` of a `filter_map` over
        // `into_iter`). A page model is over a kilobyte: a second vector beside the
        // results was the build's peak (+230 MB at 100,000 pages); never sized by
        // doubling either.
        let mut embargoed = 0;
        let page_models: Vec<PageModel> = results
            .into_iter()
            .filter_map(|r| match r {
                Ok(Some(p)) => Some(p),
                Ok(None) => {
                    embargoed += 1;
                    None
                }
                Err(d) => {
                    diags.extend(d);
                    None
                }
            })
            .collect();

        crate::timing::phase("model: pages", t_pages);
        let t_sections = std::time::Instant::now();
        let mut section_models = BTreeMap::new();
        for (rel, section) in sections {
            let sm = build_section(section, &config, today, preview, &links, &mut diags);
            section_models.insert(rel, sm);
        }

        if let Some(s) = &spill {
            s.flush();
        }
        check_anchors(
            &page_models,
            &section_models,
            spill.as_ref(),
            None,
            &mut diags,
        );

        // Attach listed pages to their sections, sorted as each section asks. As Zola:
        // a page in a folder without `_index.md` or with `render = false` is in no
        // section, and a transparent
        // section's pages are also listed by its parent (and further up).
        for (i, p) in page_models.iter().enumerate() {
            if !p.is_listed() || p.page.orphan || p.page.fm.render == Some(false) {
                continue;
            }
            let mut rel = p.page.section.clone();
            while let Some(s) = section_models.get_mut(&rel) {
                s.pages.push(i);
                match (&s.section.parent, s.section.fm.transparent) {
                    (Some(parent), true) => rel = parent.clone(),
                    _ => break,
                }
            }
        }
        for s in section_models.values_mut() {
            sort_pages(&mut s.pages, &page_models, s.section.fm.sort_by.as_deref());
            if s.section.fm.paginate_reversed {
                s.pages.reverse();
            }
        }

        crate::timing::phase("model: sections, anchors, listings", t_sections);
        let t_claims = std::time::Instant::now();
        if diags.iter().all(|d| !d.is_error()) {
            diags.extend(output_collisions(
                &config,
                &output_claims(&config, &page_models, &section_models),
            ));
        }
        crate::timing::phase("model: output paths", t_claims);

        let mut warnings = Diagnostics::new();
        let mut errors = Diagnostics::new();
        for d in diags {
            if d.is_error() {
                errors.push(d);
            } else {
                warnings.push(d);
            }
        }
        for p in &page_models {
            warnings.extend(p.warnings.clone());
            if let Some(r) = &p.record {
                warnings.extend(r.warnings.clone());
            }
        }
        if errors.has_errors() {
            return Err(errors.sorted());
        }
        Ok(Model {
            root: root.to_path_buf(),
            config,
            today,
            preview,
            pages: page_models,
            sections: section_models,
            warnings,
            embargoed,
            urls,
            unpublished,
            loaded,
            corrections: BTreeMap::new(),
            images,
            spill,
        })
    }

    /// Page `i`'s body HTML as a template value (a safe string), read back from the
    /// spill file in a low-memory build.
    pub fn page_html(&self, i: usize) -> tera::Value {
        match self.pages.get(i).map(|p| &p.html) {
            Some(PageHtml::Kept(v)) => v.clone(),
            Some(PageHtml::Spilled(at)) => self
                .spill
                .as_ref()
                .and_then(|s| s.with(*at, tera::Value::safe_string))
                .unwrap_or_else(|| tera::Value::safe_string("")),
            None => tera::Value::none(),
        }
    }

    /// Where a page's HTML is in the spill file (0 when it is kept in memory): reading
    /// pages in this order lets the spill file read ahead ([`Spill::with`]).
    pub fn html_place(&self, i: usize) -> u64 {
        match self.pages.get(i).map(|p| &p.html) {
            Some(PageHtml::Spilled(at)) => at.at,
            _ => 0,
        }
    }

    /// The error when a page's HTML could not be written to or read back from the
    /// spill file (the output would lack a body: the build fails).
    pub fn spill_error(&self) -> Option<Diagnostic> {
        self.spill.as_ref().and_then(Spill::error)
    }

    /// Dead `@/page.md#anchor` links from or to the pages at `content/<rel>` for each of
    /// `rels` (`serve`'s fast path, after re-rendering them; a full build checks all).
    pub fn anchor_problems(&self, rels: &[String]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        check_anchors(
            &self.pages,
            &self.sections,
            self.spill.as_ref(),
            Some(rels),
            &mut diags,
        );
        diags
    }

    /// Index of the page whose file is `content/<rel>`.
    pub fn page_index(&self, rel: &str) -> Option<usize> {
        self.pages.iter().position(|p| p.page.rel == rel)
    }

    /// Rebuild page `i` from `fresh`, a new parse of the same file whose front matter
    /// text is unchanged (only the body was edited), for `serve`'s single-page rebuild.
    /// Status, section, path, listing order and approval depend only on the front
    /// matter, so they stay; the body-derived fields (Markdown, record, privacy scan,
    /// links, summary, word count, search text) are built again.
    ///
    /// `Ok(Some((page, warnings)))` to put at index `i`; `Ok(None)` when the page cannot
    /// be rebuilt alone (its publication status came out different); `Err` on errors in
    /// the page. The model itself is not changed.
    pub fn rebuild_page(
        &self,
        i: usize,
        mut fresh: Box<Page>,
    ) -> Result<Option<(PageModel, Diagnostics)>, Diagnostics> {
        let Some(old) = self.pages.get(i) else {
            return Ok(None);
        };
        let old_status = old.status;
        // A translation takes its draft flag, publication window and record from its
        // original (content::translations::follow_originals), which depend only on the
        // two front matters: both are unchanged (the fast path's condition for every
        // file it rebuilds), so the values the last build derived still hold.
        if old.page.lang != self.config.default_language {
            fresh.fm.draft = old.page.fm.draft;
            fresh.fm.publish_from = old.page.fm.publish_from;
            fresh.fm.publish_until = old.page.fm.publish_until;
            fresh.fm.record = old.page.fm.record.clone();
        }
        fresh.section = old.page.section.clone();
        fresh.path = old.page.path.clone();
        fresh.lang = old.page.lang.clone();
        fresh.original = old.page.original.clone();
        fresh.orphan = old.page.orphan;
        fresh.section_template = old.page.section_template.clone();
        fresh.section_anchor_links = old.page.section_anchor_links.clone();
        let mut one = [fresh];
        let errors = crate::shortcodes::apply(
            &crate::shortcodes::Site {
                root: &self.root,
                config: &self.config,
                urls: &self.urls,
                now: format!("{}T00:00:00+07:00", self.today.format("%Y-%m-%d")),
                images: self.images.clone(),
            },
            &mut one,
            &mut BTreeMap::new(),
        );
        if errors.has_errors() {
            return Err(errors);
        }
        let [fresh] = one;
        let approval = publication::effective_approval(
            fresh.fm.approval.as_deref(),
            self.sections
                .get(&fresh.section)
                .and_then(|s| s.section.fm.approval.as_ref()),
            publication::is_data_page(&fresh.fm),
        );
        let now = format!("{}T00:00:00+07:00", self.today.format("%Y-%m-%d"));
        let snippets = crate::templates::snippets::SiteSnippets::new(&self.root, &self.config, now);
        let links = Links {
            urls: &self.urls,
            unpublished: &self.unpublished,
            snippets: &snippets,
            spill: None,
        };
        let registry = kinds::registry();
        let ctx = KindContext {
            root: &self.root,
            pages: &self.loaded,
            config: &self.config,
            today: self.today,
            preview: self.preview,
        };
        let Some(pm) = build_page(fresh, approval, &ctx, &registry, &links)? else {
            return Ok(None);
        };
        if pm.status != old_status {
            return Ok(None);
        }
        let mut warnings = pm.warnings.clone();
        if let Some(r) = &pm.record {
            warnings.extend(r.warnings.clone());
        }
        Ok(Some((pm, warnings)))
    }
}

fn build_page(
    mut page: Box<Page>,
    approval: Option<Approval>,
    ctx: &KindContext,
    registry: &[Box<dyn RecordKind>],
    links: &Links,
) -> Result<Option<PageModel>, Diagnostics> {
    let config = ctx.config;
    let mut diags = Diagnostics::new();
    let kind = find_kind(registry, &page)?;
    let status = page_status(&page, approval.as_ref(), ctx)?;
    if status == Status::Embargoed {
        return Ok(None);
    }
    // Memory (low-memory builds): the body is read now, one page at a time
    // (content::defer_body).
    if status != Status::Expired {
        page.load_body(links.spill)?;
    }

    let template = page
        .fm
        .template
        .as_deref()
        .map(str::to_string)
        .or_else(|| kind.map(|k| k.template()))
        .or_else(|| page.section_template.clone())
        .map_or(
            std::borrow::Cow::Borrowed("page.html"),
            std::borrow::Cow::Owned,
        );

    let front_matter_digest = crate::content::front_matter_digest(&page.front_matter);
    page.front_matter = String::new();
    let mut model = PageModel {
        front_matter_digest,
        status,
        approval: approval.map(Box::new),
        kind: kind.map(|k| k.name()),
        kind_label: kind.map(|k| k.label()),
        template,
        record: None,
        html: PageHtml::Kept(tera::Value::none()),
        summary: None,
        toc: Toc::default(),
        word_count: 0,
        plain_text: String::new(),
        attachments: Vec::new(),
        downloads: Vec::new(),
        noindex: page.fm.noindex,
        warnings: Diagnostics::new(),
        assets: Vec::new(),
        anchor_links: Vec::new(),
        page,
    };
    // An expired item keeps only its notice: no body, no data, no files.
    if status == Status::Expired {
        return Ok(Some(model));
    }

    if let Some(k) = kind {
        build_record(&mut model, k, ctx, &mut diags);
    }

    collect_files(&mut model, ctx, &mut diags);

    // No personal identifiers in what a portal publishes, whatever the kind.
    if config.is_portal() {
        scan_page_privacy(&model.page, config, &mut diags);
    }

    render_body(&mut model, config, links, &mut diags);

    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        let mut all = Diagnostics::new();
        all.extend(diags);
        return Err(all);
    }
    model.warnings = diags;
    // Nothing reads the Markdown source after this point; on a large site the bodies are
    // a third of the memory.
    model.page.body = String::new();
    Ok(Some(model))
}

/// The record kind a page names, if any; an unknown name is an error with a suggestion.
fn find_kind<'r>(
    registry: &'r [Box<dyn RecordKind>],
    page: &Page,
) -> Result<Option<&'r dyn RecordKind>, Diagnostics> {
    Ok(match page.fm.kind.as_deref() {
        None => None,
        Some(name) => match kinds::find(registry, name) {
            Some(k) => Some(k),
            None => {
                let names: Vec<&str> = registry.iter().map(|k| k.name()).collect();
                let mut d = Diagnostic::error(format!(
                    "loại nội dung không có: kind = \u{201c}{name}\u{201d}"
                ))
                .at(Location::file(&page.file).with_field("kind"));
                d = match crate::text::did_you_mean(name, names.iter().copied()) {
                    Some(s) => d.hint(format!(
                        "có phải ý bạn là \u{201c}{s}\u{201d}? Các loại có: {}",
                        names.join(", ")
                    )),
                    None => d.hint(format!("các loại có: {}", names.join(", "))),
                };
                return Err(d.into());
            }
        },
    })
}

/// A page's publication status on the build date (the approval gate); a data page must
/// not be exempt from approval.
fn page_status(
    page: &Page,
    approval: Option<&Approval>,
    ctx: &KindContext,
) -> Result<Status, Diagnostics> {
    let config = ctx.config;
    let item = publication::Item {
        file: &page.file,
        rel: &page.rel,
        approval,
        publish_from: page.fm.publish_from,
        publish_until: page.fm.publish_until,
        is_data: publication::is_data_page(&page.fm),
        needs_document_number: true,
    };
    if item.is_data {
        let toml = std::fs::read_to_string(ctx.root.join(config.source_file())).ok();
        if let Some(d) =
            publication::exempt_data_error(config, toml.as_deref(), &page.rel, &page.file)
        {
            return Err(d.into());
        }
    }
    publication::assess(config, &item, ctx.today, ctx.preview).map_err(Diagnostics::from_vec)
}

/// The page's record, built by its kind; its downloads join the page's files.
fn build_record(
    model: &mut PageModel,
    k: &dyn RecordKind,
    ctx: &KindContext,
    diags: &mut Diagnostics,
) {
    let config = ctx.config;
    let input = RecordInput {
        file: &model.page.file,
        path: &model.page.path,
        title: model.page.fm.title.as_deref().unwrap_or(""),
        record: &model.page.fm.record,
        body: &model.page.body,
        bundle_dir: model.page.bundle_dir.as_deref(),
    };
    // `[record] posting_forms`: how this record is made public, from the vocabulary.
    if let Err(msg) = config.vocabulary.record_posting_forms(input.record) {
        diags.push(
            crate::diagnostics::Diagnostic::error(msg)
                .at(input.field_location("posting_forms"))
                .hint("dùng các hình thức trong posting_forms của bảng [vocabulary] (config.toml), hoặc thêm hình thức mới vào đó"),
        );
    }
    match k.build(&input, ctx) {
        Ok(mut out) => {
            model.noindex |= out.noindex;
            // The bytes move into the file list: a large list's CSV and JSON are
            // tens of megabytes, not to be kept twice.
            for d in std::mem::take(&mut out.downloads) {
                model
                    .downloads
                    .push(generated_file(config, &model.page.path, d));
            }
            if let Some(d) = data_package(config, model, out.personal_data) {
                model
                    .downloads
                    .push(generated_file(config, &model.page.path, d));
            }
            model.record = Some(Box::new(out));
        }
        Err(e) => diags.extend(e),
    }
}

/// Attachments (declared files in the page bundle, hashed) and the bundle's other
/// files that may be published as they are.
fn collect_files(model: &mut PageModel, ctx: &KindContext, diags: &mut Diagnostics) {
    let config = ctx.config;
    let mut declared = Vec::new();
    for spec in &model.page.fm.attachments {
        match attachment(config, &model.page, spec, ctx.today) {
            Ok(info) => {
                declared.push(info.file_name.clone());
                model.attachments.push(info);
            }
            Err(d) => diags.push(d),
        }
    }
    if let Some(dir) = &model.page.bundle_dir {
        for asset in &model.page.assets {
            if declared.contains(asset) {
                continue;
            }
            let ext = asset.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            if !config.is_portal() || FREE_ASSET_EXTENSIONS.contains(&ext.as_str()) {
                model.assets.push((
                    format!("{}{}", model.page.path.trim_start_matches('/'), asset),
                    dir.join(asset),
                ));
            } else {
                diags.push(
                    Diagnostic::warning(format!(
                        "tệp {asset} nằm cạnh trang nhưng không được đăng vì chưa khai báo trong [[attachments]]"
                    ))
                    .in_file(&model.page.file)
                    .hint("nếu tệp đã được phê duyệt để công khai, thêm [[attachments]] file = \"…\" vào phần đầu trang"),
                );
            }
        }
    }
}

/// The privacy scan of a page's title, description and body.
fn scan_page_privacy(p: &Page, config: &Config, diags: &mut Diagnostics) {
    let allow = config.privacy_allow();
    for (field, text) in [
        ("title", p.fm.title.as_deref()),
        ("description", p.fm.description.as_deref()),
    ] {
        if let Some(text) = text {
            diags.extend(privacy::scan_markdown(
                &p.file,
                1,
                Some(field),
                text,
                &allow,
            ));
        }
    }
    diags.extend(privacy::scan_markdown(
        &p.file,
        p.body_line,
        None,
        &p.body,
        &allow,
    ));
}

/// The page body's Markdown: HTML, summary (before `<!-- more -->`), TOC, word count,
/// plain text for search, and checked `@/` links.
fn render_body(model: &mut PageModel, config: &Config, links: &Links, diags: &mut Diagnostics) {
    let urls = links.urls;
    let resolve = |p: &str| urls.get(p).cloned();
    let prefix = format!("{}-fn-", model.page.slug);
    // Zola: the section's `insert_anchor_links` applies to its pages.
    let anchors = AnchorLinks::parse(model.page.section_anchor_links.as_deref());
    let body = &model.page.body;
    let r = markdown::render(
        body,
        &RenderOptions {
            footnote_prefix: &prefix,
            anchors,
            resolve: &resolve,
            snippets: Some(links.snippets),
            lang: &model.page.lang,
        },
    );
    link_problems(
        &model.page.file,
        model.page.body_line,
        &r,
        links.unpublished,
        diags,
    );
    // Zola's summary: the HTML before `<!-- more -->` (src/markdown.rs).
    model.summary = r.summary;
    // Our own sanitised HTML: a safe string.
    model.html = links.spill.and_then(|s| s.put(&r.html)).map_or_else(
        || PageHtml::Kept(tera::Value::safe_string(&r.html)),
        PageHtml::Spilled,
    );
    model.toc = r.toc;
    model.anchor_links = absolute_lines(r.anchor_links, model.page.body_line);
    model.word_count = r.word_count;
    if config.search_enabled() {
        model.plain_text = markdown::plain_text(body);
    }
}

/// A section's model: its status (a section with text of its own needs approval), its
/// Markdown with checked links, and the privacy scan of its text.
fn build_section(
    section: Section,
    config: &Config,
    today: NaiveDate,
    preview: bool,
    links: &Links,
    diags: &mut Diagnostics,
) -> SectionModel {
    let has_body = !section.body.trim().is_empty();
    let item = publication::Item {
        file: &section.file,
        rel: &section.rel,
        approval: section.fm.approval.as_ref(),
        publish_from: None,
        publish_until: None,
        is_data: false,
        needs_document_number: false,
    };
    // A section without text of its own is only a list of approved pages.
    let status = if has_body {
        match publication::assess(config, &item, today, preview) {
            Ok(s) => s,
            Err(e) => {
                diags.extend(e);
                Status::Published
            }
        }
    } else {
        Status::Published
    };
    let anchors = AnchorLinks::parse(section.fm.insert_anchor_links.as_deref());
    let resolve = |p: &str| links.urls.get(p).cloned();
    let r = markdown::render(
        &section.body,
        &RenderOptions {
            footnote_prefix: "fn-",
            anchors,
            resolve: &resolve,
            snippets: Some(links.snippets),
            lang: &section.lang,
        },
    );
    link_problems(
        &section.file,
        section.body_line,
        &r,
        links.unpublished,
        diags,
    );
    if config.is_portal() {
        let allow = config.privacy_allow();
        diags.extend(privacy::scan_markdown(
            &section.file,
            section.body_line,
            None,
            &section.body,
            &allow,
        ));
    }
    let body_line = section.body_line;
    SectionModel {
        approval: section.fm.approval.clone(),
        section,
        status,
        html: r.html,
        toc: r.toc,
        pages: Vec::new(),
        anchor_links: absolute_lines(r.anchor_links, body_line),
    }
}

/// Anchor links with their line in the file instead of in the body.
fn absolute_lines(
    links: Vec<(String, String, usize)>,
    body_line: usize,
) -> Vec<(String, String, usize)> {
    links
        .into_iter()
        .map(|(t, a, line)| (t, a, body_line + line - 1))
        .collect()
}

/// Every `@/page.md#anchor` must name a heading of the target (or an `id`/`name` in
/// its HTML), as Zola checks them; `#top` and an empty anchor always exist.
/// `only`: check just the links from and to these pages (by content path; `serve`'s fast
/// path after re-rendering them), else all.
fn check_anchors(
    pages: &[PageModel],
    sections: &BTreeMap<String, SectionModel>,
    spill: Option<&Spill>,
    only: Option<&[String]>,
    diags: &mut Diagnostics,
) {
    let has_links = pages.iter().any(|p| !p.anchor_links.is_empty())
        || sections.values().any(|s| !s.anchor_links.is_empty());
    if !has_links {
        return;
    }
    let among = |rel: &str| only.is_none_or(|o| o.iter().any(|r| r == rel));
    // With `only`: the targets needed are those pages and what they link to.
    let mut needed: std::collections::BTreeSet<&str> = Default::default();
    if let Some(o) = only {
        needed.extend(o.iter().map(String::as_str));
        for p in pages.iter().filter(|p| among(&p.page.rel)) {
            needed.extend(p.anchor_links.iter().map(|(t, _, _)| t.as_str()));
        }
    }
    let wanted = |rel: &str| only.is_none() || needed.contains(rel);
    // Target content path → (its table of contents, HTML); a spilled page's HTML is
    // read back only when an anchor is not one of its headings.
    enum Html<'m> {
        Page(&'m PageHtml),
        Text(&'m str),
    }
    let mut targets: BTreeMap<&str, (&Toc, Html)> = BTreeMap::new();
    for p in pages.iter().filter(|p| wanted(&p.page.rel)) {
        targets.insert(&p.page.rel, (&p.toc, Html::Page(&p.html)));
    }
    for s in sections.values().filter(|s| wanted(&s.section.rel)) {
        targets.insert(&s.section.rel, (&s.toc, Html::Text(&s.html)));
    }
    let has_id = |html: &Html, anchor: &str| match html {
        Html::Text(t) => html_has_id(t, anchor),
        Html::Page(PageHtml::Kept(v)) => html_has_id(v.as_str().unwrap_or_default(), anchor),
        Html::Page(PageHtml::Spilled(at)) => spill
            .and_then(|s| s.with(*at, |html| html_has_id(html, anchor)))
            .unwrap_or(false),
    };
    let sources = pages
        .iter()
        .map(|p| (&p.page.rel, &p.page.file, &p.anchor_links))
        .chain(
            sections
                .values()
                .map(|s| (&s.section.rel, &s.section.file, &s.anchor_links)),
        );
    for (rel, file, links) in sources {
        let from_among = among(rel);
        for (target, anchor, line) in links {
            if anchor.is_empty() || anchor.eq_ignore_ascii_case("top") {
                continue;
            }
            if !from_among && !among(target) {
                continue;
            }
            let Some((toc, html)) = targets.get(target.as_str()) else {
                continue;
            };
            if toc.entries().any(|h| h.id == *anchor) || has_id(html, anchor) {
                continue;
            }
            // Sorted and once each, as the message lists them.
            let mut known: Vec<&str> = toc.entries().map(|h| h.id).collect();
            known.sort_unstable();
            known.dedup();
            let mut d = Diagnostic::error(format!(
                "liên kết nội bộ tới mục không có: @/{target}#{anchor} (trang @/{target} không có tiêu đề nào mang mã \u{201c}{anchor}\u{201d})"
            ))
            .at(Location::line(file, *line));
            d = match crate::text::did_you_mean(anchor, known.iter().copied()) {
                Some(s) => d.hint(format!(
                    "có phải ý bạn là #{s}? Mã của một tiêu đề là tiêu đề viết không dấu, chữ thường, nối bằng dấu gạch ngang"
                )),
                None if known.is_empty() => d.hint(
                    "trang đích không có tiêu đề nào (## …): bỏ phần #… của liên kết, hoặc thêm tiêu đề ở trang đích",
                ),
                None => d.hint(format!("các mã có ở trang đích: {}", known.join(", "))),
            };
            diags.push(d);
        }
    }
}

/// Whether rendered HTML has an element with `id="anchor"` or `name="anchor"`.
fn html_has_id(html: &str, anchor: &str) -> bool {
    ["id=\"", "name=\"", "id='", "name='"].iter().any(|attr| {
        let quote = &attr[attr.len() - 1..];
        html.contains(&format!("{attr}{anchor}{quote}"))
    })
}

fn link_problems(
    file: &Path,
    body_line: usize,
    r: &markdown::Rendered,
    unpublished: &BTreeMap<String, &'static str>,
    diags: &mut Diagnostics,
) {
    // The site's anchor-link.html / summary-cutoff.html failed.
    for e in &r.template_errors {
        diags.push(Diagnostic::error(e.clone()).in_file(file));
    }
    for (link, line) in &r.broken_links {
        let target = link.trim_start_matches("@/");
        let target = target.split('#').next().unwrap_or(target);
        if let Some(why) = unpublished.get(target) {
            diags.push(
                Diagnostic::error(format!(
                    "liên kết nội bộ tới trang chưa được công khai: {link} ({why})"
                ))
                .at(Location::line(file, body_line + line - 1))
                .hint(
                    "bỏ liên kết này cho đến khi trang kia được công khai (liên kết sẽ làm lộ địa chỉ trang trước thời hạn); \
                     bản xem trước congkhai build --drafts vẫn cho phép",
                ),
            );
            continue;
        }
        diags.push(
            Diagnostic::error(format!("liên kết nội bộ tới nội dung không tồn tại: {link}"))
                .at(Location::line(file, body_line + line - 1))
                .hint("liên kết @/ tính từ thư mục content/, ví dụ @/van-ban/ke-hoach-40.md; kiểm tra tên tệp"),
        );
    }
    if let Some((what, line)) = &r.unclosed {
        diags.push(
            Diagnostic::error(markdown::unclosed_message(what))
                .at(Location::line(file, body_line + line - 1))
                .hint(markdown::UNCLOSED_HINT),
        );
    }
    if let Some((depth, line)) = r.too_deep {
        diags.push(
            Diagnostic::error(markdown::too_deep_message(depth))
                .at(Location::line(file, body_line + line - 1))
                .hint(markdown::TOO_DEEP_HINT),
        );
    }
    for (link, line) in &r.unsafe_links {
        diags.push(
            Diagnostic::error(format!("liên kết không an toàn bị chặn: {link}"))
                .at(Location::line(file, body_line + line - 1))
                .hint("chỉ dùng liên kết http(s), mailto: hoặc tel:"),
        );
    }
}

/// One output a build will write, and what makes it: a content file or congkhai itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Site path as written (`/a/`, `/a/x.pdf`); a trailing `/` means `…/index.html`.
    pub path: String,
    /// `content/a.md (alias)`, `congkhai (sitemap.xml)`…
    pub source: String,
    /// A whole subtree belongs to this claim (`/tim-kiem/`: the search index).
    pub subtree: bool,
}

impl Claim {
    fn new(path: impl Into<String>, source: impl Into<String>) -> Claim {
        Claim {
            path: path.into(),
            source: source.into(),
            subtree: false,
        }
    }
}

/// The file an output path is served from, compared the way web servers and
/// case-insensitive disks may: `/A/`, `/a`, `a/index.html` are all `a/index.html`.
pub fn output_key(path: &str) -> String {
    let p = path.trim_start_matches('/');
    let p = p.strip_suffix("index.html").unwrap_or(p);
    let p = p.trim_end_matches('/');
    let p = if p.is_empty() {
        "index.html".to_string()
    } else if p.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        p.to_string()
    } else {
        format!("{p}/index.html")
    };
    p.to_lowercase()
}

/// Every output the build will write, with its source, as far as content decides it:
/// pages, aliases, record subpages, downloads, attachments, bundle assets, sections with
/// their pagination, taxonomy pages, and the files congkhai generates.
pub fn output_claims(
    config: &Config,
    pages: &[PageModel],
    sections: &BTreeMap<String, SectionModel>,
) -> Vec<Claim> {
    let mut out = Vec::new();
    generated_claims(config, pages, sections, &mut out);
    taxonomy_claims(config, pages, &mut out);
    for s in sections.values() {
        section_claims(config, s, &mut out);
    }
    // In parallel, in page order (the first claim of a path is the one a collision
    // message names first).
    out.par_extend(pages.par_iter().flat_map_iter(|pm| {
        let mut claims = Vec::new();
        page_claims(pm, &mut claims);
        claims
    }));
    out
}

fn made_by(what: &str) -> String {
    format!("congkhai ({what})")
}

/// What congkhai itself writes: 404, sitemap, robots, feeds and, on a portal, the
/// trust pages, the manifest and the search page.
fn generated_claims(
    config: &Config,
    pages: &[PageModel],
    sections: &BTreeMap<String, SectionModel>,
    out: &mut Vec<Claim>,
) {
    out.push(Claim::new("/404.html", made_by("trang 404")));
    out.push(Claim::new("/sitemap.xml", made_by("sitemap.xml")));
    out.push(Claim::new("/robots.txt", made_by("robots.txt")));
    if config.generate_feeds {
        for f in &config.feed_filenames {
            out.push(Claim::new(format!("/{f}"), made_by(f)));
        }
    }
    // Each language's feed and search (docs/languages.md).
    for (code, l) in &config.languages {
        if l.generate_feeds {
            for f in &l.feed_filenames {
                out.push(Claim::new(format!("/{code}/{f}"), made_by(f)));
            }
        }
        if l.build_search_index {
            out.push(Claim {
                subtree: true,
                ..Claim::new(format!("/{code}/tim-kiem/"), made_by("trang tìm kiếm"))
            });
        }
    }
    if config.is_portal() {
        for (path, what) in [
            ("/cong-khai/lich-su/", "lịch sử công khai"),
            ("/cong-khai/danh-muc/", "danh mục công khai"),
        ] {
            out.push(Claim {
                subtree: path == "/cong-khai/lich-su/",
                ..Claim::new(path, made_by(what))
            });
        }
        out.push(Claim::new(
            format!("/{}", crate::trust::layout::MANIFEST_PATH),
            made_by("manifest"),
        ));
        // The open-data catalogue: the "Dữ liệu mở" page and its folder (the DCAT
        // file), and data.json at the root, where harvesters look for it.
        out.push(Claim {
            subtree: true,
            ..Claim::new(crate::opendata::layout::PAGE_PATH, made_by("dữ liệu mở"))
        });
        out.push(Claim::new(
            crate::opendata::layout::POD_PATH,
            made_by("data.json"),
        ));
        // The site's own content *at its natural place* (`content/tim-kiem/_index.md`,
        // `content/tim-kiem.md`) switches the generated search off (render_search), as
        // docs/search.md says. A page elsewhere that reaches /tim-kiem/ through `path`
        // or `slug` is a collision, not a replacement: it would silently take the
        // search away.
        if config.search_enabled() {
            let natural = ["tim-kiem.md", "tim-kiem/index.md"];
            let taken = pages
                .iter()
                .any(|p| p.page.path == "/tim-kiem/" && natural.contains(&p.page.rel.as_str()))
                || sections.values().any(|s| s.section.path == "/tim-kiem/");
            if !taken {
                out.push(Claim {
                    subtree: true,
                    ..Claim::new("/tim-kiem/", made_by("trang tìm kiếm"))
                });
            }
        }
    }
}

/// Each taxonomy's list page and one page per term used by a listed page, for every
/// language (`/tags/…` for the default, `/xx/tags/…` for `[languages.xx] taxonomies`).
fn taxonomy_claims(config: &Config, pages: &[PageModel], out: &mut Vec<Claim>) {
    for (lang, taxonomies) in config.taxonomies_by_language() {
        for t in taxonomies.iter().filter(|t| t.render != Some(false)) {
            out.push(Claim::new(
                config.taxonomy_path_in(lang, t),
                made_by(&format!("phân loại {}", t.name)),
            ));
            let mut terms: Vec<String> = pages
                .iter()
                .filter(|p| p.is_listed() && p.page.lang == lang)
                .filter_map(|p| p.page.fm.taxonomies.get(&t.name))
                .flatten()
                .map(|n| config.term_slug(n))
                .collect();
            terms.sort();
            terms.dedup();
            for term in terms {
                let path = config.taxonomy_term_path_in(lang, t, &term);
                if t.feed {
                    for f in config.feed_filenames_of(lang) {
                        out.push(Claim::new(
                            format!("{path}{f}"),
                            made_by(&format!("phân loại {} / {term}", t.name)),
                        ));
                    }
                }
                out.push(Claim::new(
                    path,
                    made_by(&format!("phân loại {} / {term}", t.name)),
                ));
            }
        }
    }
}

/// A rendered section: its page, its feeds and its pagination pages.
fn section_claims(config: &Config, s: &SectionModel, out: &mut Vec<Claim>) {
    let sec = &s.section;
    if sec.fm.render == Some(false) {
        return;
    }
    let file = crate::diagnostics::display_path(&sec.file);
    out.push(Claim::new(sec.path.clone(), file.clone()));
    for alias in &sec.fm.aliases {
        out.push(Claim::new(
            crate::content::alias_path(alias),
            format!("{file} (aliases)"),
        ));
    }
    if section_feed(config, sec) {
        for f in &config.feed_filenames {
            out.push(Claim::new(
                format!("{}{f}", sec.path),
                format!("{file} ({f})"),
            ));
        }
    }
    if sec.fm.redirect_to.is_none()
        && let Some(per) = sec.fm.paginate_by.filter(|n| *n > 0)
    {
        let pp = sec.fm.paginate_path.as_deref().unwrap_or("page");
        let count = s.pages.len().div_ceil(per).max(1);
        for n in 1..=count {
            out.push(Claim::new(
                format!("{}{pp}/{n}/", sec.path),
                format!("{file} (trang {n})"),
            ));
        }
    }
}

/// Whether a section has its own feed (`/van-ban/atom.xml`): `generate_feeds = true` in
/// its `_index.md` or, on a portal with the site feed on, every section but the home page
/// (whose feed is the site feed).
pub fn section_feed(config: &Config, sec: &Section) -> bool {
    // A home (`_index.md`, a language's `_index.xx.md`) has the site's or the language's.
    sec.parent.is_some()
        && (sec.fm.generate_feeds
            || (config.is_portal() && config.generate_feeds && sec.fm.render != Some(false)))
}

/// A page: its path (also when withdrawn: the expiry notice), aliases, files, assets
/// and record subpages.
fn page_claims(pm: &PageModel, out: &mut Vec<Claim>) {
    let p = &pm.page;
    let file = crate::diagnostics::display_path(&p.file);
    if pm.status != Status::Expired && p.fm.render == Some(false) {
        return;
    }
    out.push(Claim::new(p.path.clone(), file.clone()));
    if pm.status == Status::Expired {
        return;
    }
    for alias in &p.fm.aliases {
        out.push(Claim::new(
            crate::content::alias_path(alias),
            format!("{file} (aliases)"),
        ));
    }
    for f in pm.attachments.iter().chain(&pm.downloads) {
        out.push(Claim::new(format!("/{}", f.out_rel), file.clone()));
    }
    for (rel, _) in &pm.assets {
        out.push(Claim::new(format!("/{rel}"), file.clone()));
    }
    if let Some(r) = &pm.record {
        for sp in &r.subpages {
            out.push(Claim::new(sp.path.clone(), format!("{file} (trang con)")));
        }
    }
}

/// Two claims on the same output file (or inside a generated subtree): an error naming
/// both sources. Never a silent replacement.
pub fn output_collisions(config: &Config, claims: &[Claim]) -> Diagnostics {
    let _ = config;
    let mut diags = Diagnostics::new();
    // Speed (100,000-page benchmark): the keys are made in parallel, and looked up in
    // a hash map keyed by them in place (FxHash: the keys are the site's own paths).
    let keys: Vec<String> = claims.par_iter().map(|c| output_key(&c.path)).collect();
    let mut seen: rustc_hash::FxHashMap<&str, &Claim> = rustc_hash::FxHashMap::default();
    let subtrees: Vec<(&str, &Claim)> = claims
        .iter()
        .zip(&keys)
        .filter(|(c, _)| c.subtree)
        .map(|(c, key)| (key.trim_end_matches("index.html"), c))
        .collect();
    for (c, key) in claims.iter().zip(&keys) {
        let clash = seen.get(key.as_str()).copied().or_else(|| {
            subtrees
                .iter()
                .find(|(prefix, owner)| *owner != c && key.starts_with(prefix))
                .map(|(_, owner)| *owner)
        });
        match clash {
            Some(first) if first.source != c.source || first.path != c.path => {
                let file = if c.source.starts_with("congkhai") {
                    &first.source
                } else {
                    &c.source
                };
                let file = file.split(" (").next().unwrap_or(file);
                diags.push(
                    Diagnostic::error(format!(
                        "hai nội dung ghi cùng một tệp đầu ra {}: {} ({}) và {} ({})",
                        key, first.source, first.path, c.source, c.path
                    ))
                    .at(Location::file(file).with_field("path"))
                    .hint(
                        "đổi path, slug hoặc aliases của trang để không trùng với trang khác hay trang do congkhai tạo \
                         (tìm kiếm, lịch sử, manifest, sitemap, 404, phân loại, trang con, tệp tải về); \
                         chữ hoa/chữ thường và dấu / ở cuối được coi là như nhau",
                    ),
                );
            }
            Some(_) => {}
            None => {
                seen.insert(key, c);
            }
        }
    }
    diags
}

fn attachment(
    config: &Config,
    page: &Page,
    spec: &crate::content::frontmatter::AttachmentSpec,
    today: NaiveDate,
) -> Result<FileInfo, Diagnostic> {
    // A file may carry its own approval (signed later than the page, by someone else);
    // it is held to the same rules as a page's.
    if let Some(a) = &spec.approval {
        let at =
            Location::file(&page.file).with_field(format!("attachments ({}).approval", spec.file));
        let missing = publication::missing_fields(Some(a));
        if !missing.is_empty() {
            return Err(Diagnostic::error(format!(
                "phê duyệt riêng của tệp đính kèm {} thiếu: {}",
                spec.file,
                missing.join(", ")
            ))
            .at(at)
            .hint("ghi đủ by, role, decision, date trong [attachments.approval], hoặc bỏ bảng đó để tệp dùng phê duyệt của trang"));
        }
        let field = format!("attachments ({}).approval", spec.file);
        if let Some(d) = publication::approval_diagnostics(&page.file, &field, a, true)
            .into_iter()
            .next()
        {
            return Err(d);
        }
        if let Some(date) = a.date
            && date > today
        {
            return Err(Diagnostic::error(format!(
                "ngày phê duyệt tệp đính kèm {} ({}) ở tương lai (ngày tạo trang là {})",
                spec.file,
                crate::format::date_short(date),
                crate::format::date_short(today)
            ))
            .at(at)
            .hint("kiểm tra lại ngày phê duyệt của tệp"));
        }
    }
    let Some(dir) = &page.bundle_dir else {
        return Err(Diagnostic::error(format!("tệp đính kèm {} cần nằm trong thư mục của trang", spec.file))
            .at(Location::file(&page.file).with_field("attachments"))
            .hint("chuyển trang thành thư mục: content/…/ten-trang/index.md và đặt tệp đính kèm cạnh index.md"));
    };
    let source = crate::data::safe_join(dir, &spec.file, "")
        .map_err(|d| d.at(Location::file(&page.file).with_field("attachments")))?;
    let bytes = std::fs::read(&source).map_err(|e| {
        Diagnostic::error(format!("không đọc được tệp đính kèm {}: {e}", spec.file))
            .at(Location::file(&page.file).with_field("attachments"))
            .hint("kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) và vị trí: cạnh index.md của trang")
    })?;
    let file_name = Path::new(&spec.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| spec.file.clone());
    let out_rel = format!("{}{}", page.path.trim_start_matches('/'), file_name);
    let ext = file_name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    Ok(FileInfo {
        title: spec.title.clone().unwrap_or_else(|| file_name.clone()),
        url: config.permalink(&format!("/{out_rel}")),
        out_rel,
        size: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        format: ext.to_uppercase(),
        media_type: crate::media::media_type(&ext).to_string(),
        file_name,
        source: FileSource::Disk(source),
        key_column: None,
        approval: spec.approval.clone(),
        columns: Vec::new(),
        table: Vec::new(),
        description: String::new(),
        unique_key: false,
        unlisted: false,
    })
}

fn generated_file(config: &Config, page_path: &str, d: kinds::Download) -> FileInfo {
    let out_rel = format!("{}{}", page_path.trim_start_matches('/'), d.file_name);
    let ext = d
        .file_name
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    FileInfo {
        title: d.title.clone(),
        file_name: d.file_name.clone(),
        url: config.permalink(&format!("/{out_rel}")),
        out_rel,
        size: d.bytes.len() as u64,
        sha256: sha256_hex(&d.bytes),
        format: d.format.clone(),
        media_type: crate::media::media_type(&ext).to_string(),
        source: FileSource::Bytes(std::sync::Arc::new(d.bytes)),
        key_column: d.key_column,
        approval: None,
        columns: if d.format == "CSV" {
            d.columns.iter().map(Column::doc).collect()
        } else {
            Vec::new()
        },
        table: d.columns,
        description: d.description,
        unique_key: d.unique_key,
        unlisted: d.unlisted,
    }
}

/// `datapackage.json` of a record that publishes tables: every download described, from
/// the sizes and hashes already computed. `None` when the record has no table.
fn data_package(
    config: &Config,
    model: &PageModel,
    personal_data: bool,
) -> Option<kinds::Download> {
    if model.downloads.iter().all(|d| d.table.is_empty()) {
        return None;
    }
    let fm = &model.page.fm;
    let mut keywords: Vec<String> = model.kind_label.map(str::to_string).into_iter().collect();
    if let Some(w) = &config.ward {
        keywords.push(w.name.clone());
    }
    for terms in fm.taxonomies.values() {
        keywords.extend(terms.iter().cloned());
    }
    keywords.dedup();
    let title = fm.title.as_deref().unwrap_or("");
    let package = datapackage::Package {
        path: &model.page.path,
        title,
        description: fm.description.as_deref().unwrap_or(""),
        homepage: &config.permalink(&model.page.path),
        license: &config.open_data,
        keywords,
        approval: model.approval.as_deref(),
        publish_from: fm.publish_from,
        publish_until: fm.publish_until,
        personal_data,
        resources: model
            .downloads
            .iter()
            .map(|d| datapackage::Resource {
                file_name: &d.file_name,
                title: &d.title,
                description: &d.description,
                media_type: &d.media_type,
                bytes: d.size,
                sha256: &d.sha256,
                columns: &d.table,
                key: d.key_column.as_deref(),
                unique_key: d.unique_key,
            })
            .collect(),
    };
    Some(kinds::Download {
        file_name: datapackage::FILE_NAME.into(),
        title: format!("Mô tả dữ liệu cho phần mềm: {title} (Data Package, JSON)"),
        format: "JSON".into(),
        bytes: datapackage::datapackage_json(&package),
        ..Default::default()
    })
}

/// Pages in a section's order; equal keys by path (Zola: by permalink).
fn sort_pages(idx: &mut [usize], pages: &[PageModel], sort_by: Option<&str>) {
    match sort_by {
        Some("date") => idx.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a].page, &pages[*b].page);
            pb.date.cmp(&pa.date).then_with(|| pa.path.cmp(&pb.path))
        }),
        Some("update_date") => idx.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a].page, &pages[*b].page);
            let ua = pa.fm.updated.as_ref().or(pa.date.as_ref());
            let ub = pb.fm.updated.as_ref().or(pb.date.as_ref());
            ub.cmp(&ua).then_with(|| pa.path.cmp(&pb.path))
        }),
        Some("weight") => idx.sort_by(|a, b| {
            let (pa, pb) = (&pages[*a].page, &pages[*b].page);
            pa.fm
                .weight
                .unwrap_or(i64::MAX)
                .cmp(&pb.fm.weight.unwrap_or(i64::MAX))
                .then_with(|| pa.path.cmp(&pb.path))
        }),
        Some("title") => idx.sort_by_cached_key(|a| {
            let p = &pages[*a].page;
            (
                crate::text::fold(p.fm.title.as_deref().unwrap_or("")),
                p.path.clone(),
            )
        }),
        _ => idx.sort_by(|a, b| pages[*a].page.rel.cmp(&pages[*b].page.rel)),
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn output_keys_fold_case_and_index() {
        let cases = [
            ("/a/", "a/index.html"),
            ("/a/index.html", "a/index.html"),
            ("/A/", "a/index.html"),
            ("/a", "a/index.html"),
            ("a/", "a/index.html"),
            ("/", "index.html"),
            ("/index.html", "index.html"),
            ("/sitemap.xml", "sitemap.xml"),
            ("/SiteMap.XML", "sitemap.xml"),
            ("/tim-kiem/meta.json", "tim-kiem/meta.json"),
            ("/van-ban/ke-hoach/", "van-ban/ke-hoach/index.html"),
        ];
        for (path, want) in cases {
            assert_eq!(output_key(path), want, "{path}");
        }
    }

    #[test]
    fn collisions_name_both_sources() {
        let cfg = Config::parse("base_url = \"x\"\n").unwrap().0;
        let c = |p: &str, s: &str| Claim::new(p, s);
        let claims = vec![
            c("/sitemap.xml", "congkhai (sitemap.xml)"),
            c("/a/", "content/a.md"),
            c("/b/", "content/b.md"),
            c("/A/index.html", "content/c.md (aliases)"),
            c("/SITEMAP.xml", "content/d.md (aliases)"),
            Claim {
                subtree: true,
                ..c("/tim-kiem/", "congkhai (trang tìm kiếm)")
            },
            c("/tim-kiem/docs/", "content/e.md"),
        ];
        let diags = output_collisions(&cfg, &claims);
        let msgs: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:#?}");
        assert!(msgs[0].contains("content/a.md") && msgs[0].contains("content/c.md"));
        assert!(msgs[1].contains("sitemap.xml") && msgs[1].contains("content/d.md"));
        assert!(msgs[2].contains("tìm kiếm") && msgs[2].contains("content/e.md"));
        // No collision, nothing reported.
        assert!(
            output_collisions(&cfg, &claims[..3])
                .iter()
                .next()
                .is_none()
        );
    }

    #[test]
    fn unpublished_reason_around_the_build_date() {
        let t = d("2026-06-10");
        let cases = [
            (None, None, false, false),
            (Some("2026-06-11"), None, false, true),
            (Some("2026-06-10"), None, false, false),
            (Some("2026-06-09"), None, false, false),
            (None, Some("2026-06-10"), false, false),
            (None, Some("2026-06-09"), false, true),
            (Some("2026-06-11"), None, true, false),
            (None, Some("2026-06-09"), true, false),
        ];
        for (from, until, preview, hidden) in cases {
            assert_eq!(
                unpublished_reason(from.map(d), until.map(d), t, preview).is_some(),
                hidden,
                "{from:?} {until:?} {preview}"
            );
        }
    }
}
