//! Loading `content/`: sections (`_index.md`), pages (`*.md`, page bundles with
//! `index.md`), co-located assets, and the URL of each.

pub mod frontmatter;
pub mod spill;
pub mod translations;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};
use crate::text;
use frontmatter::{FrontMatterKind, PageFrontMatter, SectionFrontMatter};

#[derive(Debug, Clone)]
pub struct Page {
    /// Relative to the site root, for messages: `content/van-ban/ke-hoach.md`.
    pub file: PathBuf,
    /// Relative to `content/`, as Zola's `relative_path`: `van-ban/ke-hoach.md`.
    pub rel: String,
    /// Memory (100,000-page benchmark): boxed; the front matter is half of a page's
    /// size, and most pages use a few of its fields.
    pub fm: Box<PageFrontMatter>,
    pub body: String,
    /// Memory (low-memory builds, `[build] low_memory_pages`): the body went to the
    /// build's spill file right after parsing and comes back just before the page's
    /// Markdown is rendered ([`Page::load_body`]), so the bodies of a whole site are
    /// never in memory at once (a third of a 100,000-page build's peak). Bodies with
    /// `{{`/`{%` stay: content templating rewrites them first.
    pub body_spilled: Option<spill::Spilled>,
    /// Line in the file where the Markdown body starts.
    pub body_line: usize,
    /// `rel` of the section the page belongs to (`van-ban/_index.md`): the `_index.md`
    /// of its folder or of the nearest folder above that has one (its approval
    /// defaults come from there).
    pub section: String,
    /// In a folder without `_index.md`: as in Zola, the page is built but no section
    /// lists it (`posts/no-section/simple.md`).
    pub orphan: bool,
    /// `page_template` of the nearest section above the page that sets one (Zola),
    /// used when the page has no `template` of its own.
    pub section_template: Option<String>,
    /// `insert_anchor_links` of the page's section: Zola applies it to the section's
    /// pages too.
    pub section_anchor_links: Option<String>,
    pub slug: String,
    /// Site path with leading and trailing slash: `/van-ban/ke-hoach/`.
    pub path: String,
    /// Absolute directory of the page bundle, if the page is an `index.md` bundle.
    pub bundle_dir: Option<PathBuf>,
    /// Co-located files (names relative to `bundle_dir`), sorted.
    pub assets: Vec<String>,
    /// Date from the front matter or the file name (`2026-06-10-ten.md`).
    pub date: Option<String>,
    /// The front matter text as written (NFC), for records that read another page's
    /// (`Model::loaded`). A page model keeps only its [`front_matter_digest`], so that
    /// `serve` can tell a body-only edit: not the text of every page (memory,
    /// 100,000-page benchmark).
    pub front_matter: String,
    /// Language code: the site's default, or `xx` for a translation `name.xx.md`.
    pub lang: String,
    /// `rel` of the default-language original (`van-ban/a.md` for `van-ban/a.en.md`)
    /// when it differs from the page's own; see [`Page::canonical`]. Memory: most
    /// pages are their own original, and a copy of `rel` each was 3 MB at 100,000.
    pub original: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub file: PathBuf,
    /// `van-ban/_index.md`; the root section is `_index.md`.
    pub rel: String,
    pub fm: SectionFrontMatter,
    pub body: String,
    pub body_line: usize,
    pub path: String,
    /// `rel` of the parent section, `None` for the root.
    pub parent: Option<String>,
    /// Indices into `Content::pages`, unsorted until the site sorts them.
    pub pages: Vec<usize>,
    /// `rel` of child sections.
    pub subsections: Vec<String>,
    pub dir: PathBuf,
    pub assets: Vec<String>,
    /// Language code, as for pages (`_index.en.md` is English).
    pub lang: String,
    /// `rel` of the default-language section (`van-ban/_index.md`).
    pub canonical: String,
}

#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Box<Page>>,
    /// Keyed by `rel`, so iteration is sorted and deterministic.
    pub sections: BTreeMap<String, Section>,
    /// Built the low-memory way (`[build] low_memory_pages`): page bodies in this
    /// spill file ([`Page::body_spilled`]), where the model also puts body HTML; `None`
    /// for a normal build, or when no spill file could be made.
    pub spill: Option<spill::Spill>,
    /// The site was big enough for the low-memory way.
    pub low_memory: bool,
}

/// What `serve` compares to tell a body-only edit from a front matter edit: a 64-bit
/// hash of the text (SipHash, std's default; the same in one process, which is all a
/// comparison with the last build in memory needs).
pub fn front_matter_digest(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

enum Source {
    Page {
        abs: PathBuf,
        rel: String,
        bundle: bool,
        lang: Option<String>,
    },
    Section {
        abs: PathBuf,
        rel: String,
        lang: Option<String>,
    },
}

/// The Markdown files under `content/` in sorted walk order (hidden and ignored files
/// left out), and the folders that have an `_index.md`.
fn walk_sources(
    content_dir: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> (Vec<Source>, Vec<String>) {
    let ignore = build_ignore(&config.ignored_content, diags);
    let mut sources = Vec::new();
    let mut dirs_with_index: Vec<String> = Vec::new();
    if content_dir.is_dir() {
        for entry in walkdir::WalkDir::new(content_dir).sort_by_file_name() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(
                        Diagnostic::error(format!("không đọc được thư mục nội dung: {e}"))
                            .in_file("content"),
                    );
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let abs = entry.path().to_path_buf();
            let rel = crate::output::rel_path(&abs, content_dir);
            if ignore.as_ref().is_some_and(|g| g.is_match(&rel)) || is_hidden(&rel) {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            if !name.ends_with(".md") {
                continue;
            }
            // `name.xx.md`: a translation when `xx` is one of the site's languages.
            let (base, lang) = match translations::split_language(&name, config) {
                Ok(v) => v,
                Err(d) => {
                    diags.push(d.in_file(PathBuf::from("content").join(&rel)));
                    continue;
                }
            };
            if base == "_index.md" {
                match &lang {
                    None => dirs_with_index.push(parent_rel(&rel)),
                    Some(l) => translations::note_section(&rel, l, &mut dirs_with_index),
                }
                sources.push(Source::Section { abs, rel, lang });
            } else {
                sources.push(Source::Page {
                    abs,
                    rel,
                    bundle: base == "index.md",
                    lang,
                });
            }
        }
    }
    (sources, dirs_with_index)
}

/// Read and parse every Markdown file under `content/`. Problems are collected, not
/// returned early, so `check` can list them all.
pub fn load(root: &Path, config: &Config, include_drafts: bool) -> (Content, Diagnostics) {
    load_with(root, config, include_drafts, None)
}

/// [`load`]; a low-memory build (`[build] low_memory_pages`) makes its spill file in
/// `spill_dir` (the staging folder) when given, else in the system's temporary folder.
pub fn load_with(
    root: &Path,
    config: &Config,
    include_drafts: bool,
    spill_dir: Option<&Path>,
) -> (Content, Diagnostics) {
    let content_dir = root.join("content");
    let mut diags = Diagnostics::new();
    let t_walk = std::time::Instant::now();
    let (sources, dirs_with_index) = walk_sources(&content_dir, config, &mut diags);
    crate::timing::phase("content: walk", t_walk);
    let t_parse = std::time::Instant::now();
    // Parse in parallel; results keep the walk order, which is sorted.
    let low_memory = config.build.low_memory(sources.len());
    let spill = if low_memory {
        spill::Spill::new(spill_dir)
    } else {
        None
    };
    let parsed: Vec<Result<Parsed, Diagnostics>> = sources
        .par_iter()
        .map(|s| {
            let p = parse_source(root, s);
            match &spill {
                Some(spill) => p.map(|p| defer_body(p, spill)),
                None => p,
            }
        })
        .collect();

    if let Some(s) = &spill {
        s.flush();
    }
    crate::timing::phase("content: read and parse", t_parse);
    let mut content = Content {
        spill,
        low_memory,
        ..Content::default()
    };
    // The root section always exists, even without content/_index.md.
    content.sections.insert(
        "_index.md".to_string(),
        Section {
            file: PathBuf::from("content/_index.md"),
            rel: "_index.md".into(),
            fm: SectionFrontMatter::default(),
            body: String::new(),
            body_line: 1,
            path: "/".into(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            dir: content_dir.clone(),
            assets: Vec::new(),
            lang: config.default_language.clone(),
            canonical: "_index.md".into(),
        },
    );
    // As Zola: a draft section leaves out its whole folder (pages and subsections).
    let draft_dirs: Vec<String> = if include_drafts {
        Vec::new()
    } else {
        parsed
            .iter()
            .filter_map(|p| match p {
                Ok(Parsed::Section(s)) if s.fm.draft => Some(format!("{}/", parent_rel(&s.rel))),
                _ => None,
            })
            .collect()
    };
    let in_draft = |rel: &str| draft_dirs.iter().any(|d| rel.starts_with(d.as_str()));
    let dirs_with_index: Vec<String> = dirs_with_index
        .into_iter()
        .filter(|d| !in_draft(&format!("{d}/")))
        .collect();
    // Memory (100,000-page benchmark, docs/benchmarks.md): collected in place, in the
    // parse results' own allocation (std's in-place `collect` of a `filter_map` over
    // `into_iter`): a second vector of every page beside the first was a spike of
    // ~100 MB at 100,000 pages. Never sized by doubling either.
    let mut pages: Vec<Box<Page>> = parsed
        .into_iter()
        .filter_map(|p| match p {
            Ok(Parsed::Section(s)) if in_draft(&s.rel) => None,
            Ok(Parsed::Page(p)) if in_draft(&p.rel) => None,
            Ok(Parsed::Section(mut s)) => {
                translations::localise_section(&mut s, config);
                content.sections.insert(s.rel.clone(), *s);
                None
            }
            Ok(Parsed::Page(mut p)) => {
                if p.lang.is_empty() {
                    p.lang = config.default_language.clone();
                }
                Some(p)
            }
            Err(d) => {
                diags.extend(d);
                None
            }
        })
        .collect();
    // Each language has its home (`_index.en.md`), as in Zola, even without a file.
    translations::add_language_roots(&mut content, config, &content_dir);
    // A translation follows its original: drafts, publication window, record.
    translations::follow_originals(&mut pages, config, &mut diags);
    pages.retain(|p| include_drafts || !p.fm.draft);

    // Parents of sections; section paths from their directories.
    let rels: Vec<String> = content.sections.keys().cloned().collect();
    for rel in &rels {
        if rel == "_index.md" {
            continue;
        }
        let Some(lang) = content.sections.get(rel).map(|s| s.lang.clone()) else {
            continue;
        };
        if lang != config.default_language && rel == &format!("_index.{lang}.md") {
            continue;
        }
        let dir = parent_rel(rel);
        let parent =
            translations::nearest_section_in(&dir_parent(&dir), &lang, config, &dirs_with_index);
        if let Some(s) = content.sections.get_mut(rel) {
            s.parent = Some(parent.clone());
        }
        if let Some(p) = content.sections.get_mut(&parent) {
            p.subsections.push(rel.clone());
        }
    }

    // As Zola: a section's subsections in `weight` order (0 when absent), then by path.
    let weights: BTreeMap<String, i64> = content
        .sections
        .iter()
        .map(|(rel, s)| (rel.clone(), s.fm.weight.unwrap_or(0)))
        .collect();
    for s in content.sections.values_mut() {
        s.subsections
            .sort_by(|a, b| weights.get(a).cmp(&weights.get(b)).then_with(|| a.cmp(b)));
    }

    // As Zola, `ignored_content` also leaves out co-located files (`*.psd` beside a
    // bundle's index.md). Invalid patterns were reported by the walk.
    let asset_ignore = if config.ignored_content.is_empty() {
        None
    } else {
        build_ignore(&config.ignored_content, &mut Diagnostics::new())
    };
    let kept = |dir: &str, name: &str| {
        asset_ignore.as_ref().is_none_or(|g| {
            let rel = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            !g.is_match(&rel)
        })
    };
    for s in content.sections.values_mut() {
        let dir = parent_rel(&s.rel);
        s.assets.retain(|a| kept(&dir, a));
    }

    // Page bundles: sibling files of index.md are its assets.
    // Memory (100,000-page benchmark): the pages are finished in place and then moved
    // into `content`; copying them into a second vector kept two copies of every page
    // (~85 MB at 100,000 pages) at the content stage's peak. Speed: in parallel, each
    // page on its own (slugified folder names, a path and a section each): one core
    // took 70 ms of the 100,000-page build's wall time here.
    let sections = &content.sections;
    pages.par_iter_mut().for_each(|page| {
        let bundle = parent_rel(&page.rel);
        page.assets.retain(|a| kept(&bundle, a));
        let dir = parent_rel(&page.rel);
        let section_dir = if page.bundle_dir.is_some() {
            dir_parent(&dir)
        } else {
            dir.clone()
        };
        // The path is the one the page would have in the default language, under
        // `/xx` for a translation (Zola's rule, also for an explicit `path`).
        page.section = nearest_section(&section_dir, &dirs_with_index);
        page.orphan = parent_rel(&page.section) != section_dir;
        if !page.orphan {
            page.section_template = inherited_page_template(sections, &page.section);
            page.section_anchor_links = sections
                .get(&page.section)
                .and_then(|s| s.fm.insert_anchor_links.clone());
        }
        if config.slugify.paths != text::SlugStrategy::On || config.slugify.paths_keep_dates {
            let stem = slug_stem(&page.rel, page.bundle_dir.is_some());
            let (_, undated) = split_date_prefix(&stem);
            let base = match &page.fm.slug {
                Some(s) => &**s,
                None if config.slugify.paths_keep_dates => stem.as_str(),
                None => undated,
            };
            page.slug = text::slugify_path(base, config.slugify.paths);
        }
        // As Zola: the path follows the folders, whether or not they have an
        // `_index.md` (`posts/no-section/simple.md` → `/posts/no-section/simple/`).
        page.path = match &page.fm.path {
            Some(p) => normalise_path(p),
            None => format!("{}{}/", dir_path(&section_dir), page.slug),
        };
        if page.lang != config.default_language {
            page.section = translations::nearest_section_in(
                &section_dir,
                &page.lang,
                config,
                &dirs_with_index,
            );
            page.path = translations::localise_path(&page.path, &page.lang);
        }
    });
    content.pages = pages;
    for (i, page) in content.pages.iter().enumerate().filter(|(_, p)| !p.orphan) {
        // A transparent section also lists its pages in its parent (and further up
        // while the parent is transparent too), as Zola.
        let mut rel = page.section.clone();
        while let Some(s) = content.sections.get_mut(&rel) {
            s.pages.push(i);
            match (&s.parent, s.fm.transparent) {
                (Some(parent), true) => rel = parent.clone(),
                _ => break,
            }
        }
    }
    check_duplicate_paths(&content, &mut diags);
    (content, diags)
}

/// Memory (low-memory builds): a page's body goes to the spill file right after
/// parsing, unless content templating (src/shortcodes.rs) may rewrite it (`{{` or
/// `{%`); [`Page::load_body`] takes it back when the page is built.
fn defer_body(parsed: Parsed, spill: &spill::Spill) -> Parsed {
    match parsed {
        Parsed::Page(mut p) if !(p.body.contains("{{") || p.body.contains("{%")) => {
            if let Some(at) = spill.put(&p.body) {
                p.body = String::new();
                p.body_spilled = Some(at);
            }
            Parsed::Page(p)
        }
        other => other,
    }
}

impl Page {
    /// `rel` of the default-language original: `van-ban/a.md` for `van-ban/a.en.md`,
    /// the page's own `rel` when it is in the default language.
    pub fn canonical(&self) -> &str {
        self.original.as_deref().unwrap_or(&self.rel)
    }

    /// Take back the body [`defer_body`] put in `spill` (a no-op for a body kept in
    /// memory). An error naming the file when it cannot be read back.
    pub fn load_body(&mut self, spill: Option<&spill::Spill>) -> Result<(), Diagnostics> {
        let Some(at) = self.body_spilled else {
            return Ok(());
        };
        match spill.and_then(|s| s.with(at, str::to_string)) {
            Some(body) => {
                self.body = body;
                self.body_spilled = None;
                Ok(())
            }
            None => Err(spill::failure_error(spill.and_then(spill::Spill::failure))
                .in_file(&self.file)
                .into()),
        }
    }
}

/// Read and parse one page file again (`rel` relative to `content/`, not an `_index.md`),
/// for `serve`'s single-page rebuild. `section` and `path` are left empty: the caller
/// keeps those of the page it replaces, which only change with the front matter.
pub fn parse_page(root: &Path, rel: &str) -> Result<Box<Page>, Diagnostics> {
    let abs = root.join("content").join(rel);
    let bundle = rel.rsplit('/').next() == Some("index.md");
    match parse_source(
        root,
        &Source::Page {
            abs,
            rel: rel.to_string(),
            bundle,
            lang: None,
        },
    )? {
        Parsed::Page(p) => Ok(p),
        Parsed::Section(s) => Err(Diagnostic::error(
            "tệp là một mục (_index.md), không phải trang",
        )
        .in_file(&s.file)
        .into()),
    }
}

// The page stays unboxed on purpose: the results are collected in place into the
// page vector (see `Section`).
#[allow(clippy::large_enum_variant)]
enum Parsed {
    /// Boxed (memory, 100,000-page benchmark): a page keeps this allocation, made on
    /// the thread that parsed it, from here to its page model. Inline, the vector of
    /// every page (~40 MB at 100,000 pages) was freed as a whole once the model was
    /// built, and the allocator held on to it through the render.
    Page(Box<Page>),
    /// Memory (100,000-page benchmark): boxed. The parse results are collected in
    /// place into the pages, so a result must be no larger than a page (a section is
    /// almost twice a page's size).
    Section(Box<Section>),
}

fn parse_source(root: &Path, source: &Source) -> Result<Parsed, Diagnostics> {
    let (abs, rel, lang) = match source {
        Source::Page { abs, rel, lang, .. } | Source::Section { abs, rel, lang } => {
            (abs, rel, lang)
        }
    };
    let file = PathBuf::from("content").join(rel);
    // Bounded: a huge file is an error naming it, not a build that runs out of memory.
    let bytes = crate::data::limits::read_bounded(
        abs,
        &file,
        crate::data::limits::MAX_CONTENT_BYTES,
        "một tệp nội dung Markdown",
    )
    .map_err(|e| Diagnostic::error(format!("không đọc được tệp: {e}")).in_file(&file))??;
    // SIMD validation (simdutf8): std's check runs at a fraction of the speed on
    // Vietnamese text, where most letters are two or three bytes long.
    let raw = match simdutf8::basic::from_utf8(&bytes) {
        Ok(s) => s,
        Err(_) => {
            return Err(Diagnostic::error("tệp không phải UTF-8 (có thể là TCVN3, VNI hoặc Windows-1258)")
                .in_file(&file)
                .hint("mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8; văn bản TCVN3/VNI chuyển sang Unicode bằng Unikey (Ctrl+Shift+F6)")
                .into());
        }
    };
    let raw = text::nfc_cow(raw);
    let _ = root;
    match source {
        Source::Section { abs, rel, .. } => {
            let (table, body, body_line) =
                frontmatter::parse_table(&file, &raw, FrontMatterKind::Section)?;
            let fm: SectionFrontMatter = frontmatter::deserialize(&file, &raw, table)?;
            let path = dir_path(&parent_rel(rel));
            let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
            Ok(Parsed::Section(Box::new(Section {
                assets: list_assets(&dir),
                file,
                rel: rel.clone(),
                fm,
                body,
                body_line,
                path,
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                dir,
                lang: lang.clone().unwrap_or_default(),
                canonical: translations::canonical_rel(rel, lang.as_deref()),
            })))
        }
        Source::Page {
            abs, rel, bundle, ..
        } => {
            let front_matter = frontmatter::split(&raw)
                .map(|(fm, _, _)| fm.to_string())
                .unwrap_or_default();
            let (table, body, body_line) =
                frontmatter::parse_table(&file, &raw, FrontMatterKind::Page)?;
            let fm: PageFrontMatter = frontmatter::deserialize(&file, &raw, table)?;
            let canonical = translations::canonical_rel(rel, lang.as_deref());
            let stem = slug_stem(&canonical, *bundle);
            let (file_date, stem) = split_date_prefix(&stem);
            let slug = match &fm.slug {
                Some(s) => text::slugify(s),
                None => text::slugify(stem),
            };
            if slug.is_empty() {
                return Err(Diagnostic::error("không tạo được đường dẫn (slug) cho trang từ tên tệp")
                    .in_file(&file)
                    .hint("đổi tên tệp thành chữ không dấu, ví dụ ke-hoach-so-40.md, hoặc thêm slug = \"…\"")
                    .into());
            }
            let bundle_dir =
                bundle.then(|| abs.parent().map(Path::to_path_buf).unwrap_or_default());
            let assets = bundle_dir.as_deref().map(list_assets).unwrap_or_default();
            let date = fm.date.clone().or(file_date);
            Ok(Parsed::Page(Box::new(Page {
                file,
                rel: rel.clone(),
                fm: Box::new(fm),
                body,
                body_spilled: None,
                body_line,
                section: String::new(),
                orphan: false,
                section_template: None,
                section_anchor_links: None,
                slug,
                path: String::new(),
                bundle_dir,
                assets,
                date,
                front_matter,
                lang: lang.clone().unwrap_or_default(),
                original: (canonical != *rel).then_some(canonical),
            })))
        }
    }
}

/// The name a page's slug comes from: the file name without `.md`, or the bundle's
/// folder name for an `index.md`.
fn slug_stem(rel: &str, bundle: bool) -> String {
    if bundle {
        parent_rel(rel)
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string()
    } else {
        Path::new(rel)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// The first `page_template` found from section `rel` up to the root.
fn inherited_page_template(sections: &BTreeMap<String, Section>, rel: &str) -> Option<String> {
    let mut s = sections.get(rel)?;
    loop {
        if let Some(t) = &s.fm.page_template {
            return Some(t.clone());
        }
        s = sections.get(s.parent.as_deref()?)?;
    }
}

/// `2026-06-10-ke-hoach` → (Some("2026-06-10"), "ke-hoach"), as Zola does.
fn split_date_prefix(stem: &str) -> (Option<String>, &str) {
    if stem.len() > 11 {
        let (head, rest) = stem.split_at(10);
        if chrono::NaiveDate::parse_from_str(head, "%Y-%m-%d").is_ok()
            && (rest.starts_with('-') || rest.starts_with('_'))
        {
            return (Some(head.to_string()), &rest[1..]);
        }
    }
    (None, stem)
}

fn list_assets(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        // A link is listed like a file so that the copy refuses it by name (see
        // `site::render`), instead of the asset silently missing from the page.
        let file_like = entry.file_type().is_file() || entry.file_type().is_symlink();
        if file_like && !name.ends_with(".md") && !name.starts_with('.') {
            out.push(name);
        }
    }
    out
}

fn check_duplicate_paths(content: &Content, diags: &mut Diagnostics) {
    // A hash map (FxHash: the site's own paths): 100,000 inserts into a B-tree were
    // 20 ms on one core in the 100,000-page benchmark.
    let mut seen: rustc_hash::FxHashMap<&str, &Path> = rustc_hash::FxHashMap::default();
    for s in content.sections.values() {
        seen.insert(&s.path, &s.file);
    }
    for p in &content.pages {
        if let Some(other) = seen.get(p.path.as_str()) {
            diags.push(
                Diagnostic::error(format!(
                    "hai nội dung có cùng đường dẫn {}: {} và {}",
                    p.path,
                    display_path(other),
                    display_path(&p.file)
                ))
                .at(Location::file(&p.file))
                .hint("đổi tên một tệp, hoặc đặt slug = \"…\" khác nhau trong phần đầu trang (các tiêu đề chỉ khác dấu thanh cho ra cùng đường dẫn)"),
            );
        } else {
            seen.insert(&p.path, &p.file);
        }
    }
}

fn build_ignore(patterns: &[String], diags: &mut Diagnostics) -> Option<globset::GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut b = globset::GlobSetBuilder::new();
    for p in patterns {
        match globset::Glob::new(p) {
            Ok(g) => {
                b.add(g);
            }
            Err(e) => diags.push(
                Diagnostic::error(format!(
                    "mẫu ignored_content không hợp lệ \u{201c}{p}\u{201d}: {e}"
                ))
                .in_file("config.toml"),
            ),
        }
    }
    b.build().ok()
}

fn is_hidden(rel: &str) -> bool {
    rel.split('/').any(|c| c.starts_with('.'))
}

/// `van-ban/a.md` → `van-ban`; `a.md` → ``.
fn parent_rel(rel: &str) -> String {
    rel.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

fn dir_parent(dir: &str) -> String {
    dir.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// The `_index.md` of `dir` or of its nearest ancestor that has one.
fn nearest_section(dir: &str, with_index: &[String]) -> String {
    let mut d = dir.to_string();
    loop {
        if d.is_empty() {
            return "_index.md".into();
        }
        if with_index.iter().any(|x| x == &d) {
            return format!("{d}/_index.md");
        }
        d = dir_parent(&d);
    }
}

/// The site path of a folder under `content/`: `van-ban/2026` → `/van-ban/2026/`,
/// each folder name slugified; `` → `/`.
fn dir_path(dir_rel: &str) -> String {
    if dir_rel.is_empty() {
        return "/".to_string();
    }
    let parts: Vec<String> = dir_rel.split('/').map(folder_slug).collect();
    format!("/{}/", parts.join("/"))
}

/// A folder name in a path: kept as written when a URL can carry it unchanged (ASCII
/// letters, digits, `-`, `_`, `.`; Zola keeps every folder name as written), otherwise
/// slugified, so that a ward's folder `Văn bản` is `/van-ban/` and not a percent-encoded
/// address (a deliberate difference, docs/zola-compatibility.md).
fn folder_slug(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        name.to_string()
    } else {
        text::slugify(name)
    }
}

/// Where an alias is written, as Zola: a path ending in `.html` is that file
/// (`/an-old-url/old.html`), anything else is a folder with an `index.html`
/// (`/an-old-url/` → `/an-old-url/`). Site path with a leading slash.
pub fn alias_path(alias: &str) -> String {
    let t = alias.trim();
    if t.ends_with(".html") {
        format!("/{}", t.trim_start_matches('/'))
    } else {
        normalise_path(t)
    }
}

/// The output file of a site path from [`alias_path`] (no leading slash):
/// `/a/` → `a/index.html`, `/a/b.html` → `a/b.html`.
pub fn alias_file(path: &str) -> String {
    let rel = path.trim_start_matches('/');
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

/// `/a/b` or `a/b/` → `/a/b/`.
pub fn normalise_path(p: &str) -> String {
    let t = p.trim().trim_matches('/');
    if t.is_empty() {
        "/".to_string()
    } else {
        format!("/{t}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_prefix() {
        assert_eq!(
            split_date_prefix("2026-06-10-ke-hoach"),
            (Some("2026-06-10".into()), "ke-hoach")
        );
        assert_eq!(split_date_prefix("ke-hoach"), (None, "ke-hoach"));
        assert_eq!(split_date_prefix("2026-13-10-x"), (None, "2026-13-10-x"));
    }

    #[test]
    fn nearest_section_walks_up() {
        let idx = vec!["van-ban".to_string()];
        assert_eq!(nearest_section("van-ban/2026", &idx), "van-ban/_index.md");
        assert_eq!(nearest_section("khac", &idx), "_index.md");
    }

    #[test]
    fn deferred_body_comes_back_from_the_spill_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let file = dir.path().join("content/a.md");
        // Decomposed "ệ" in the body: it comes back normalised, as first read.
        std::fs::write(&file, "+++\ntitle = \"A\"\n+++\nThe\u{0323}\u{0302} body\n").unwrap();
        let first = parse_page(dir.path(), "a.md").unwrap();
        let spill = spill::Spill::new(Some(dir.path())).unwrap();
        let Parsed::Page(mut page) = defer_body(Parsed::Page(first.clone()), &spill) else {
            panic!("a page");
        };
        assert!(page.body.is_empty() && page.body_spilled.is_some());
        spill.flush();
        page.load_body(Some(&spill)).unwrap();
        assert_eq!(page.body, first.body);
        assert!(page.body.contains('\u{1ec7}') && page.body_spilled.is_none());
        // A body with content templating is never deferred.
        let mut templated = first.clone();
        templated.body = "{{ x() }}".into();
        let Parsed::Page(kept) = defer_body(Parsed::Page(templated), &spill) else {
            panic!("a page");
        };
        assert!(kept.body_spilled.is_none() && kept.body == "{{ x() }}");
        // No spill file to read it back from: an error naming the file.
        let Parsed::Page(mut page) = defer_body(Parsed::Page(first), &spill) else {
            panic!("a page");
        };
        let err = page.load_body(None).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("tệp tạm") && text.contains("a.md"), "{text}");
        // A read that fails (here: never flushed to the file) says what the system said.
        let other = spill::Spill::new(Some(dir.path())).unwrap();
        let again = parse_page(dir.path(), "a.md").unwrap();
        let Parsed::Page(mut unflushed) = defer_body(Parsed::Page(again), &other) else {
            panic!("a page");
        };
        let err = unflushed.load_body(Some(&other)).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("hệ thống báo"), "{text}");
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise_path("a/b"), "/a/b/");
        assert_eq!(normalise_path("/"), "/");
    }
}
