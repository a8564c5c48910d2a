//! The orchestration at the top of the library: load → validate → model → render →
//! write, in that order.
//!
//! [`generate`] does everything up to handing bytes to a [`Sink`]; `build` gives it a
//! staging directory that is swapped into place only on success, `check` gives it a
//! sink that discards, `serve` a temporary directory.

use std::path::PathBuf;

use chrono::{FixedOffset, NaiveDate, Utc};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::Model;
use crate::output::{NullSink, Sink, Staging};
use crate::render;
use crate::timing::phase;
use crate::trust::publication::Status;

/// Vietnam is UTC+7 all year, without daylight saving. Checked when compiling: a bad
/// constant would stop the build, never a user's run.
const VIETNAM: FixedOffset = match FixedOffset::east_opt(7 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+7 is a valid fixed offset"),
};

/// Vietnam's time zone (UTC+7).
pub fn vietnam() -> FixedOffset {
    VIETNAM
}

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Staff preview: unapproved items shown with a banner, whole site noindex.
    pub drafts: bool,
    /// The build date; default `SOURCE_DATE_EPOCH` or today in Asia/Ho_Chi_Minh.
    pub today: Option<NaiveDate>,
    /// `congkhai publish`: sign this publication's entry and record it in the history
    /// chain (`history/`) on success. `build`, `serve` and library callers leave it off:
    /// they compute the same entry and site but never write `history/`; `--drafts` never
    /// appends.
    pub record_history: bool,
    /// `publish --secret-key`: the ward's minisign secret key (else the
    /// `CONGKHAI_SECRET_KEY` environment variable).
    pub secret_key: Option<PathBuf>,
    /// `publish --new-chain`: publish even when the existing output publishes history
    /// entries that `history/` lacks (see `history::reconcile`).
    pub new_chain: bool,
    /// `--config`: another configuration file, relative to `root` (else `zola.toml` or
    /// `config.toml`).
    pub config_file: Option<PathBuf>,
    /// `build --force`: replace an output folder congkhai did not make (never a source
    /// folder, the site root or a folder holding it: `output::check_output_dir`), and no
    /// incremental cache: every output file written anew (docs/incremental.md).
    pub force: bool,
    /// `build --minify`: minify HTML as `minify_html = true` does.
    pub minify: bool,
    /// A site of a province workspace: the shared defaults of its config (`theme`,
    /// `[rules]`) and the shared `themes/` folder (src/workspace/).
    pub site_defaults: Option<std::sync::Arc<crate::config::SiteDefaults>>,
}

impl BuildOptions {
    /// The configuration file, relative to the root (`--config`, `zola.toml` or
    /// `config.toml`).
    pub fn config_file_name(&self) -> PathBuf {
        Config::file_name(&self.root, self.config_file.as_deref())
    }

    /// The site's configuration (`--config` or the default file).
    pub fn load_config(&self) -> Result<(Config, Diagnostics), Diagnostics> {
        let (mut config, warnings) = Config::load_file_with(
            &self.root,
            self.config_file.as_deref(),
            self.site_defaults.as_deref(),
        )?;
        if self.minify {
            config.minify_html = true;
        }
        Ok((config, warnings))
    }

    pub fn build_date(&self) -> Result<NaiveDate, Diagnostic> {
        if let Some(d) = self.today {
            return Ok(d);
        }
        if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
            let secs: i64 = epoch.trim().parse().map_err(|_| {
                Diagnostic::error(format!(
                    "SOURCE_DATE_EPOCH không hợp lệ: \u{201c}{epoch}\u{201d}"
                ))
                .hint(
                    "đặt SOURCE_DATE_EPOCH là số giây kể từ 1970-01-01, hoặc dùng --now 2026-06-10",
                )
            })?;
            let dt = chrono::DateTime::from_timestamp(secs, 0).ok_or_else(|| {
                Diagnostic::error(format!("SOURCE_DATE_EPOCH ngoài khoảng cho phép: {secs}"))
            })?;
            return Ok(dt.with_timezone(&vietnam()).date_naive());
        }
        Ok(Utc::now().with_timezone(&vietnam()).date_naive())
    }

    /// Where the site goes: `--output-dir`, else `output_dir` in config, else `public`
    /// (`public-preview` for a draft preview).
    pub fn output_path(&self, config: &Config) -> PathBuf {
        if let Some(o) = &self.output_dir {
            return o.clone();
        }
        let name = config.output_dir.clone().unwrap_or_else(|| "public".into());
        let name = if self.drafts {
            format!("{name}-preview")
        } else {
            name
        };
        self.root.join(name)
    }
}

#[derive(Debug, Default)]
pub struct Summary {
    pub output: PathBuf,
    /// Pages, sections, files, drafts, expired and embargoed records (also what the
    /// incremental cache remembers); `summary.pages` reads through [`std::ops::Deref`].
    pub counts: crate::cache::site::Counts,
    pub warnings: Diagnostics,
    /// The history entry a successful build appends (see `history`).
    pub history: crate::trust::chain::Pending,
    /// Nothing changed since the last build: the output was left as it was (the
    /// counts are that build's; docs/incremental.md).
    pub unchanged: bool,
    /// Output files whose bytes did not change, kept from the previous output (hard
    /// links) instead of written.
    pub reused: usize,
}

impl std::ops::Deref for Summary {
    type Target = crate::cache::site::Counts;
    fn deref(&self) -> &Self::Target {
        &self.counts
    }
}

impl std::ops::DerefMut for Summary {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.counts
    }
}

impl Summary {
    fn of(model: &Model, history: crate::trust::chain::Pending, files: usize) -> Summary {
        let count = |status: Status| model.pages.iter().filter(|p| p.status == status).count();
        Summary {
            counts: crate::cache::site::Counts {
                pages: model.pages.len(),
                sections: model.sections.len(),
                files,
                drafts: count(Status::DraftPreview),
                expired: count(Status::Expired),
                embargoed: model.embargoed,
            },
            history,
            ..Default::default()
        }
    }
}

/// Load, validate, model and render into `sink`.
pub fn generate(opts: &BuildOptions, sink: &dyn Sink) -> Result<Summary, Diagnostics> {
    generate_keep(opts, sink, None).map(|(summary, _)| summary)
}

/// [`generate`], also handing back the model and renderer for single-page rebuilds.
/// `pages`: the page cache, whose unchanged files are reused (`crate::cache::pages`).
fn generate_keep(
    opts: &BuildOptions,
    sink: &dyn Sink,
    pages: Option<&crate::cache::pages::Store>,
) -> Result<(Summary, Incremental), Diagnostics> {
    let today = opts.build_date()?;
    let (mut config, mut warnings) = opts.load_config()?;
    if let Some(b) = &opts.base_url {
        config.base_url = b.clone();
    }
    let t = std::time::Instant::now();
    let mut model = Model::load_with(&opts.root, config, today, opts.drafts, sink.dir())?;
    phase("load + model", t);
    // trust: the chain is checked and the correction rule applied before rendering, so
    // each record's page shows its corrections.
    let prepared = if model.config.is_portal() {
        let p = crate::trust::publish::prepare(&model)?;
        model.corrections =
            crate::trust::publish::corrections(&p, &today.format("%Y-%m-%d").to_string());
        Some(p)
    } else {
        None
    };
    warnings.extend(model.warnings.clone());
    // A language whose pages show the warning banner in Vietnamese (src/i18n/banner.rs).
    warnings.extend(crate::i18n::banner::site_banners(&model).warnings);
    // privacy: every output file passes the scanner (src/privacy/output.rs).
    let sink =
        &crate::privacy::output::ScanSink::new(sink, model.config.privacy_allow(), &opts.root)
            .with_config_file(model.config.source_file());
    // links: every internal link of every page must resolve (checked after the last stage).
    let link_sink = &crate::links::LinkSink::new(sink, &model.config.base_url);
    let sink = &render::Guarded::new(link_sink);
    let signer = if opts.record_history && !opts.drafts && model.config.is_portal() {
        crate::trust::publish::load_signer(&model.config, opts.secret_key.as_deref())?
    } else {
        None
    };
    let renderer = render::render_with(&model, sink, pages)?;
    publish_catalog(&model, &renderer, sink)?;
    let trust = match prepared {
        Some(p) => publish_trust(
            &model,
            p,
            &renderer,
            sink,
            opts.record_history,
            signer.as_ref(),
        )?,
        None => Default::default(),
    };
    let dead = check_links(&model, link_sink);
    if model.preview {
        // The staff preview (--drafts) shows pages the publication does not have (a
        // draft, an embargoed record without its downloads): a dead link there is a
        // warning, so staff can still look at their work.
        warnings.extend(dead.map(|mut d| {
            d.severity = crate::diagnostics::Severity::Warning;
            d
        }));
    } else if dead.has_errors() {
        return Err(dead);
    }
    let mut summary = Summary::of(&model, trust.pending, link_sink.files_written());
    warnings.extend(trust.warnings);
    summary.warnings = warnings.sorted();
    Ok((summary, Incremental { model, renderer }))
}

/// Dead internal links, each named with the content file (and line) of the first page
/// carrying it.
fn check_links(model: &Model, links: &crate::links::LinkSink) -> Diagnostics {
    let t = std::time::Instant::now();
    // Memory (100,000-page benchmark): made only when a link is dead.
    let sources = std::cell::OnceCell::new();
    let d = links.check(&|f, link| {
        sources
            .get_or_init(|| link_sources(model, model.pages.iter(), true))
            .get(f)
            .map(|file| link_location(model, file, link))
    });
    phase("internal links", t);
    d
}

/// Output file (`van-ban/index.html`) → content file, for `pages` (and every section).
fn link_sources<'m>(
    model: &Model,
    pages: impl Iterator<Item = &'m crate::model::PageModel>,
    sections: bool,
) -> std::collections::BTreeMap<String, std::path::PathBuf> {
    let mut sources: std::collections::BTreeMap<String, std::path::PathBuf> = Default::default();
    let out_file = |path: &str| format!("{}index.html", path.trim_start_matches('/'));
    for p in pages {
        sources.insert(out_file(&p.page.path), p.page.file.clone());
    }
    if sections {
        for s in model.sections.values() {
            sources.insert(out_file(&s.section.path), s.section.file.clone());
        }
    }
    sources
}

/// Where a dead link is written in a content file: the file, and the line when the
/// file's text holds the link (a link made by a template is named by file only).
fn link_location(
    model: &Model,
    file: &std::path::Path,
    link: &str,
) -> crate::diagnostics::Location {
    use crate::diagnostics::Location;
    let line = std::fs::read_to_string(model.root.join(file))
        .ok()
        .and_then(|text| crate::links::line_of(&text, link));
    match line {
        Some(line) => Location::line(file, line),
        None => Location::file(file),
    }
}

/// The open-data catalogue (portals only): DCAT JSON-LD, data.json and the "Dữ liệu mở"
/// page, after the render stage and before the trust stage, so the manifest covers them.
fn publish_catalog(
    model: &Model,
    renderer: &render::Renderer,
    sink: &dyn Sink,
) -> Result<(), Diagnostics> {
    let has = |name: &str| renderer.has_template(name);
    let write = |path: &str, template: &str, c: &mut tera::Context| {
        renderer.write_page(model, sink, path, template, c)
    };
    let t = std::time::Instant::now();
    crate::opendata::catalog::publish(model, sink, &has, &write)?;
    phase("open-data catalogue", t);
    Ok(())
}

/// The trust stage, after all rendering (portals only): the change history, the
/// register and the manifest, which hashes every file written so far.
fn publish_trust(
    model: &Model,
    prepared: crate::trust::publish::Prepared,
    renderer: &render::Renderer,
    sink: &dyn Sink,
    publishing: bool,
    signer: Option<&crate::trust::signing::Signer>,
) -> Result<crate::trust::publish::Outcome, Diagnostics> {
    let has = |name: &str| renderer.has_template(name);
    let write = |path: &str, template: &str, c: &mut tera::Context| {
        renderer.write_page(model, sink, path, template, c)
    };
    let t = std::time::Instant::now();
    let mode = crate::trust::publish::Mode { publishing, signer };
    let outcome = crate::trust::publish::publish(model, prepared, sink, &has, &write, &mode)?;
    phase("history, register, manifest", t);
    Ok(outcome)
}

/// `congkhai build`: generate into a staging directory and swap it in on success; a
/// site whose inputs and output are unchanged since the last build is skipped.
pub fn build(opts: &BuildOptions) -> Result<Summary, Diagnostics> {
    build_or_skip(opts).map(|(summary, _)| summary)
}

/// [`build`], also handing back what `serve` needs to re-render one page afterwards
/// (`None` when nothing changed and the build was skipped: the incremental cache,
/// `crate::cache`).
pub fn build_or_skip(opts: &BuildOptions) -> Result<(Summary, Option<Incremental>), Diagnostics> {
    match Run::start(opts, true)? {
        Started::Unchanged(summary) => Ok((summary, None)),
        Started::Run(run) => run.build(opts).map(|(s, i)| (s, Some(i))),
    }
}

/// [`build`] that never skips, handing back the model and renderer (serve, tests).
pub fn build_keep(opts: &BuildOptions) -> Result<(Summary, Incremental), Diagnostics> {
    match Run::start(opts, false)? {
        Started::Run(run) => run.build(opts),
        // `Run::start` never skips when told not to.
        Started::Unchanged(_) => Err(Diagnostic::error("lỗi nội bộ: bản dựng bị bỏ qua").into()),
    }
}

/// What starting a build gave: a build to run, or (when skipping is allowed) the
/// summary of the last build when nothing changed since.
#[allow(clippy::large_enum_variant)] // one per build, moved once: no cost to box away
enum Started {
    Run(Run),
    Unchanged(Summary),
}

/// One build of an output folder, holding its lock.
///
/// Under the lock, removes what killed builds left and checks `history/` against the
/// published chain before anything is generated: `publish` reconciles (settles a
/// half-recorded publication), `build` only reads (see
/// `trust::chain::check_before_preview`). Then fingerprints the inputs for the
/// incremental cache.
struct Run {
    target: PathBuf,
    _lock: crate::output::BuildLock,
    early: Diagnostics,
    cache: Cache,
}

impl Run {
    fn start(opts: &BuildOptions, may_skip: bool) -> Result<Started, Diagnostics> {
        let (config, _) = opts.load_config()?;
        let target = checked_target(opts, &config)?;
        let lock = crate::output::BuildLock::acquire(&target)?;
        crate::output::remove_stale(&target);
        let t = std::time::Instant::now();
        let mut cache = Cache::start(opts, &config, &target)?;
        let unchanged = may_skip.then(|| cache.unchanged(&target)).flatten();
        phase("incremental cache check", t);
        // Skipped: the history folder and the output are those the last build checked
        // (both are in the fingerprint), so the checks below would pass again.
        if let Some(summary) = unchanged {
            // A publish with nothing to record still refuses a wrong or missing key,
            // as it would if something had changed.
            if opts.record_history && !opts.drafts && config.is_portal() {
                crate::trust::publish::load_signer(&config, opts.secret_key.as_deref())?;
            }
            cache.remember_stat(&target);
            return Ok(Started::Unchanged(summary));
        }
        cache.open_pages(opts, &target);
        let mut early = Diagnostics::new();
        if !opts.drafts && config.is_portal() {
            let dir = crate::trust::chain::history_dir_of(&opts.root, &config);
            if opts.record_history {
                early.extend(crate::trust::chain::reconcile(
                    &dir,
                    &target,
                    opts.new_chain,
                )?);
            } else {
                crate::trust::chain::check_before_preview(&dir, &target)?;
            }
        }
        Ok(Started::Run(Run {
            target,
            _lock: lock,
            early,
            cache,
        }))
    }

    fn build(self, opts: &BuildOptions) -> Result<(Summary, Incremental), Diagnostics> {
        let Run {
            target,
            _lock,
            mut early,
            mut cache,
        } = self;
        // The cache goes just before the swap (a kill between the swap and the new
        // cache must never leave a cache of another output); a build that fails
        // earlier leaves it with the output it describes.
        let built = build_staged_with(opts, cache.reuse, cache.pages.as_ref()).and_then(|staged| {
            crate::cache::site::remove(&target);
            staged.commit()
        });
        // The previous build's trash, deleted in the background meanwhile (output.rs).
        crate::output::wait_for_cleanup();
        let (mut summary, incremental) = built?;
        let t = std::time::Instant::now();
        cache.finish(opts, &target, &summary);
        phase("incremental cache write", t);
        if let Some(d) = cache.damaged.take() {
            early.push(d);
        }
        if let Some(d) = cache.pages.as_mut().and_then(|p| p.take_warning()) {
            early.push(d);
        }
        if !early.is_empty() {
            early.extend(std::mem::take(&mut summary.warnings));
            summary.warnings = early.sorted();
        }
        Ok((summary, incremental))
    }
}

/// The incremental cache as one build uses it (see `crate::cache`).
struct Cache {
    /// Off for `--force` and `publish --new-chain`.
    on: bool,
    /// `publish`: never skips a build that left a pending history entry.
    publishing: bool,
    /// Reuse unchanged files of the previous output (off for `--force` and after a
    /// damaged cache: a full build).
    reuse: bool,
    history: PathBuf,
    /// The files read elsewhere in the site that `inputs` covers.
    extra: Vec<String>,
    inputs: String,
    /// The stat stamp taken before `inputs` (empty: racy, not trusted next time).
    stat: String,
    previous: Option<crate::cache::site::Entry>,
    damaged: Option<Diagnostic>,
    /// No output to keep: nothing to skip, no page cache.
    fresh: bool,
    /// The page cache, over an existing output (a fresh build keeps none, as above),
    /// opened only once the build is known to run ([`Cache::open_pages`]).
    pages: Option<crate::cache::pages::Store>,
}

impl Cache {
    fn start(
        opts: &BuildOptions,
        config: &Config,
        target: &std::path::Path,
    ) -> Result<Cache, Diagnostic> {
        let history = crate::trust::chain::history_dir_of(&opts.root, config);
        // `publish` uses the cache too: with nothing changed since a build that had no
        // pending history entry, there is nothing to record (its output is the
        // published one). `--new-chain` always builds.
        let on = !opts.force && !opts.new_chain;
        let (previous, damaged) = match on.then(|| crate::cache::site::load(target)) {
            Some(crate::cache::site::Loaded::Ok(e)) => (Some(e), None),
            Some(crate::cache::site::Loaded::Damaged(d)) => (None, Some(d)),
            _ => (None, None),
        };
        let key = format!(
            "now={}\0drafts={}\0base_url={:?}\0workspace={}\0output={}",
            opts.build_date()?,
            opts.drafts,
            opts.base_url,
            opts.site_defaults
                .as_ref()
                .map_or("", |d| d.fingerprint.as_str()),
            crate::output::normalise(target)
                .unwrap_or_else(|_| target.to_path_buf())
                .display()
        );
        let extra = previous
            .as_ref()
            .map(|e| e.extra.clone())
            .unwrap_or_default();
        // Speed (fresh 10,000-page build, .ci/speed-guard): with no output to keep there
        // is nothing to skip: no hashing. Such a build leaves a cache that never matches,
        // and the next build hashes from its start.
        let fresh = matches!(
            crate::output::ownership(target),
            crate::output::Ownership::Missing | crate::output::Ownership::Empty
        );
        // The stat stamp first, then the contents: a file written between the two
        // gives a stamp that differs next time, never a trusted stale hash.
        let stat = if on && !fresh {
            crate::cache::site::inputs_stat(&opts.root, &history, &key, &extra).unwrap_or_default()
        } else {
            String::new()
        };
        let inputs = match &previous {
            // Every input file has the size, times and inode it had when the last
            // build hashed it: that hash holds without reading a file.
            Some(e) if !stat.is_empty() && e.stat == stat => {
                crate::timing::note(
                    "incremental cache check: inputs unchanged by their stat stamp, none read",
                );
                e.inputs.clone()
            }
            _ if on && !fresh => crate::cache::site::inputs(&opts.root, &history, &key, &extra),
            _ => String::new(),
        };
        Ok(Cache {
            on,
            publishing: opts.record_history,
            pages: None,
            reuse: !opts.force && damaged.is_none(),
            history,
            extra,
            inputs,
            stat,
            previous,
            damaged,
            fresh,
        })
    }

    /// A skipped build whose inputs were proven by their contents and are now old
    /// enough to trust by their stat stamp: remember the stamp, so the next build reads
    /// no file.
    fn remember_stat(&self, target: &std::path::Path) {
        if let Some(e) = &self.previous
            && !self.stat.is_empty()
            && e.stat != self.stat
        {
            let entry = crate::cache::site::Entry {
                stat: self.stat.clone(),
                ..e.clone()
            };
            let _ = crate::cache::site::store(target, &entry);
        }
    }

    /// Open the page cache (not needed by a skipped build).
    fn open_pages(&mut self, opts: &BuildOptions, target: &std::path::Path) {
        if !self.fresh {
            self.pages = Some(crate::cache::pages::Store::open(
                target,
                !opts.force && self.damaged.is_none(),
            ));
        }
    }

    /// The last build's summary when nothing changed since: same inputs, output as it
    /// left it.
    fn unchanged(&self, target: &std::path::Path) -> Option<Summary> {
        let e = self.previous.as_ref()?;
        if !self.on
            || (self.publishing && e.pending.is_some())
            || self.inputs.is_empty()
            || e.inputs != self.inputs
            || e.output != crate::cache::site::output_stamp(target)
        {
            return None;
        }
        Some(Summary {
            output: target.to_path_buf(),
            counts: e.counts,
            unchanged: true,
            reused: e.counts.files,
            warnings: {
                let mut w = Diagnostics::new();
                w.extend(e.warnings.iter().cloned());
                w
            },
            history: crate::trust::chain::Pending {
                // Only its name: what the note of a preview build shows.
                entry: e.pending.clone().map(|name| (name, Vec::new())),
                ..Default::default()
            },
        })
    }

    /// After a successful swap: remember this build (with its warnings, shown again by
    /// a skipped build, and the name of a pending history entry, whose note a skipped
    /// build shows again). With an unusable fingerprint when it read a file
    /// the fingerprint did not cover (hashing it now could see a later version than the
    /// build read; the next build hashes it from the start).
    fn finish(&self, opts: &BuildOptions, target: &std::path::Path, summary: &Summary) {
        if let Some(p) = &self.pages {
            let _ = p.save(target);
        }
        if !self.on {
            return;
        }
        let read = crate::cache::site::extra_reads(&opts.root, &self.history);
        let covered = !self.inputs.is_empty() && read.iter().all(|r| self.extra.contains(r));
        let entry = crate::cache::site::Entry {
            format: crate::cache::site::FORMAT.into(),
            inputs: if covered {
                self.inputs.clone()
            } else {
                "0".repeat(64)
            },
            extra: read,
            output: if covered {
                crate::cache::site::output_stamp(target)
            } else {
                "0".repeat(64)
            },
            counts: summary.counts,
            warnings: summary.warnings.iter().cloned().collect(),
            stat: if covered {
                self.stat.clone()
            } else {
                String::new()
            },
            // A publication records its entry: nothing is pending after it.
            pending: summary
                .history
                .entry
                .as_ref()
                .filter(|_| !self.publishing)
                .map(|(name, _)| name.clone()),
        };
        let _ = crate::cache::site::store(target, &entry);
    }
}

/// The output folder of this build, after checking that it and the history folder are
/// safe to write (`output::check_output_dir`, `output::check_history_dir`).
fn checked_target(opts: &BuildOptions, config: &Config) -> Result<PathBuf, Diagnostic> {
    use crate::output::{Origin, check_history_dir, check_output_dir};
    let target = opts.output_path(config);
    let origin = if opts.output_dir.is_some() {
        Origin::Cli
    } else if config.output_dir.is_some() {
        Origin::Config("output_dir")
    } else {
        Origin::Default
    };
    let history = crate::trust::chain::history_dir_of(&opts.root, config);
    let h_origin = if config.build.history_dir.is_some() {
        Origin::Config("[build] history_dir")
    } else {
        Origin::Default
    };
    let mut outputs = vec![target.clone()];
    if opts.output_dir.is_none() {
        // Both the site and its preview, whichever this build writes.
        let other = BuildOptions {
            drafts: !opts.drafts,
            ..opts.clone()
        };
        outputs.push(other.output_path(config));
    }
    // The history folder first: the output check treats it as a source folder.
    check_history_dir(&opts.root, &history, &outputs, h_origin)?;
    check_output_dir(&opts.root, &target, &history, origin)?;
    Ok(target)
}

/// A build generated into its staging directory, not yet swapped into place: `serve`
/// builds in the background and decides afterwards whether the result is still current.
pub struct StagedBuild {
    summary: Summary,
    incremental: Incremental,
    staging: Staging,
    drafts: bool,
    record_history: bool,
}

/// [`build`] up to the swap.
pub fn build_staged(opts: &BuildOptions) -> Result<StagedBuild, Diagnostics> {
    build_staged_with(opts, !opts.force, None)
}

/// [`build_staged`]; `reuse`: unchanged files of the previous output are hard-linked
/// into the staging folder instead of written (`output::Staging`).
fn build_staged_with(
    opts: &BuildOptions,
    reuse: bool,
    pages: Option<&crate::cache::pages::Store>,
) -> Result<StagedBuild, Diagnostics> {
    let (config, _) = opts.load_config()?;
    let target = checked_target(opts, &config)?;
    let staging = Staging::new_forced(&target, opts.drafts, opts.force)?;
    let staging = if reuse {
        staging
    } else {
        staging.without_reuse()
    };
    // Only a portal's trust stage writes a manifest of every file.
    let staging = if config.is_portal() {
        staging
    } else {
        staging.without_digests()
    };
    // Messages name the output folder, never the staging folder beside it.
    let shown = target
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let (summary, incremental) = generate_keep(opts, &staging, pages)
        .map_err(|ds| ds.map(|d| d.replace_path(staging.path(), &shown)))?;
    Ok(StagedBuild {
        summary,
        incremental,
        staging,
        drafts: opts.drafts,
        record_history: opts.record_history,
    })
}

impl StagedBuild {
    /// Swap the staged site into place (dropping a `StagedBuild` discards it).
    pub fn commit(self) -> Result<(Summary, Incremental), Diagnostics> {
        let t = std::time::Instant::now();
        let mut summary = self.summary;
        summary.reused = self.staging.reused();
        // trust: the entry is prepared before the swap (not yet part of the chain) and
        // joins the chain only once the output is in place (see `history::Pending`).
        let record = self.record_history && !self.drafts;
        if record {
            summary.history.prepare()?;
        }
        match self.staging.commit(self.drafts) {
            Ok(out) => {
                summary.output = out;
                // The output marker, written by `Staging::new` outside the sink.
                summary.files += 1;
            }
            Err(d) => {
                if record {
                    summary.history.discard();
                }
                return Err(d.into());
            }
        }
        if record {
            summary.history.promote()?;
        }
        phase("history append, swap", t);
        Ok((summary, self.incremental))
    }
}

/// What a finished build leaves for `serve`'s fast path: the model and the prepared
/// renderer. Re-rendering one page with it gives the same bytes as a full build, except
/// where a template reads *another* page's body-derived values (`get_page`, section
/// listings), which stay as of the last full build until the next one.
pub struct Incremental {
    model: Model,
    renderer: render::Renderer,
}

/// Outcome of [`Incremental::update_pages`].
#[derive(Debug)]
pub enum Update {
    /// The pages were rebuilt and written; their warnings.
    Done(Diagnostics),
    /// Not a body-only edit of known pages: a full build is needed.
    NeedsFull,
}

/// At most this many pages are rebuilt one by one; more changed files at once (a `git
/// checkout`, a search-and-replace) go through a full build.
pub const MAX_FAST_PAGES: usize = 8;

impl Incremental {
    /// The model of the build (the province portal reads each commune's summary off it).
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The digest of the front matter text of the page at `content/<rel>`
    /// ([`crate::content::front_matter_digest`]), if it is a page of the model.
    pub fn front_matter_digest(&self, rel: &str) -> Option<u64> {
        self.model
            .page_index(rel)
            .map(|i| self.model.pages[i].front_matter_digest)
    }

    /// Rebuild the pages at `content/<rel>` for each of `rels` from disk and write their
    /// output into `sink`, when each one's front matter text is unchanged. Checks every
    /// page before writing anything, as a full build would: the page itself, its
    /// `@/…#anchor` links and those of other pages to it, and every internal link of
    /// what it renders (against what it renders and the files already in `sink`'s
    /// folder, the last full build's output). On error nothing is written and the model
    /// keeps the pages of the last good build.
    pub fn update_pages(
        &mut self,
        rels: &[String],
        sink: &dyn Sink,
    ) -> Result<Update, Diagnostics> {
        let root = self.model.root.clone();
        // Images a new `resize_image` call makes (in the body or the page's templates)
        // are written below, as the full build writes every image it made.
        let images_before: std::collections::BTreeSet<String> = self
            .model
            .images
            .files()
            .into_iter()
            .map(|(rel, _)| rel)
            .collect();
        let mut fresh = Vec::new();
        for rel in rels {
            let Some(i) = self.model.page_index(rel) else {
                return Ok(Update::NeedsFull);
            };
            let page = crate::content::parse_page(&root, rel)?;
            let digest = crate::content::front_matter_digest(&page.front_matter);
            if digest != self.model.pages[i].front_matter_digest {
                return Ok(Update::NeedsFull);
            }
            fresh.push((i, page));
        }
        // Build every page model before changing anything, so a failure in one page
        // leaves the model exactly as the last good build (or fast path) left it.
        let mut warnings = Diagnostics::new();
        let mut rebuilt = Vec::new();
        for (i, page) in fresh {
            match self.model.rebuild_page(i, page)? {
                Some((pm, w)) => {
                    warnings.extend(w);
                    rebuilt.push((i, pm));
                }
                None => return Ok(Update::NeedsFull),
            }
        }
        // The new page models go in; the old ones are put back if a check fails.
        let mut old = Vec::new();
        for (i, pm) in rebuilt {
            old.push((i, std::mem::replace(&mut self.model.pages[i], pm)));
        }
        let mut errors = self.model.anchor_problems(rels);
        let held = crate::output::Held::default();
        {
            let allow = self.model.config.privacy_allow();
            let scan = crate::privacy::output::ScanSink::new(&held, allow, &root)
                .with_config_file(self.model.config.source_file());
            let links = crate::links::LinkSink::new(&scan, &self.model.config.base_url);
            for (i, _) in &old {
                if let Err(d) = self.renderer.render_page(&self.model, *i, &links) {
                    errors.push(d);
                }
            }
            // Images a new `resize_image` call made: written before the link check,
            // as the page links to them.
            for (rel, bytes) in self.model.images.files() {
                if !images_before.contains(&rel)
                    && let Err(d) = links.write(&rel, &bytes)
                {
                    errors.push(d);
                }
            }
            let dead = self.dead_links(&links, sink.dir(), old.iter().map(|(i, _)| *i));
            if self.model.preview {
                // As a full build: a dead link is a warning in the staff preview.
                warnings.extend(dead.map(|mut d| {
                    d.severity = crate::diagnostics::Severity::Warning;
                    d
                }));
            } else {
                errors.extend(dead);
            }
        }
        if errors.has_errors() {
            for (i, pm) in old {
                self.model.pages[i] = pm;
            }
            return Err(errors.sorted());
        }
        held.release(sink)?;
        Ok(Update::Done(warnings.sorted()))
    }

    /// Dead internal links of the pages just rendered into `links`: a target resolves
    /// when those pages wrote it or it is a file in `dir`, the served folder holding
    /// the last full build. Without a folder nothing can be checked.
    fn dead_links(
        &self,
        links: &crate::links::LinkSink,
        dir: Option<&std::path::Path>,
        pages: impl Iterator<Item = usize>,
    ) -> Diagnostics {
        let Some(dir) = dir else {
            return Diagnostics::new();
        };
        let model = &self.model;
        let sources = link_sources(model, pages.filter_map(|i| model.pages.get(i)), false);
        // `site_path` keeps a target inside the site (no `..`, no leading `/`).
        let on_disk = |f: &str| dir.join(f).is_file();
        links.check_with(
            &|f, link| sources.get(f).map(|file| link_location(model, file, link)),
            &on_disk,
        )
    }
}

/// `congkhai check`: everything `build` validates, nothing written.
pub fn check(opts: &BuildOptions) -> Result<Summary, Diagnostics> {
    let sink = NullSink::default();
    generate(opts, &sink)
}
