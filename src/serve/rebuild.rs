//! Rebuilds for `serve`: full builds (swapped into the served folder), the single-page
//! fast path between them, and the follow-up full build after fast-path edits.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ServeState;
use super::plan::plan_fast_path;
use super::watch::Msg;
use crate::diagnostics::Diagnostics;
use crate::pipeline::{self, BuildOptions};

/// Outcome of trying the fast path on one batch of file events.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Fast {
    /// The pages were rebuilt, written and the reload sent.
    Done,
    /// The pages have errors: shown, last good pages kept.
    Failed,
    /// Not a body-only edit of known pages: do a full build.
    NotApplicable,
}

/// Rebuilds for `serve`: full builds, and the single-page fast path between them.
pub(super) struct Rebuilder {
    opts: BuildOptions,
    /// The served directory, written in place by the fast path.
    pub(super) out: PathBuf,
    /// The site root made absolute, to map watched paths to `content/…`.
    root_abs: PathBuf,
    state: Arc<ServeState>,
    /// Model and renderer of the last good full build; `None` after a failed one (a
    /// failure may be in templates or data the cached renderer does not reflect).
    cache: Option<pipeline::Incremental>,
    /// Pages (relative to `content/`) whose fast-path rebuild failed: their error is on
    /// screen, and only a good rebuild of all of them may clear it.
    failed_pages: Vec<String>,
    /// Bumped by every rebuild that touches the served site; a follow-up build that
    /// started under an older value is out of date and discarded.
    generation: u64,
    /// A follow-up full build is running on another thread.
    pub(super) follow_up_running: bool,
    /// Where the follow-up thread sends its result.
    tx: std::sync::mpsc::Sender<Msg>,
    /// `serve --fast`: no follow-up full build after a fast-path edit.
    pub(super) fast_only: bool,
}

impl Rebuilder {
    pub(super) fn new(
        opts: BuildOptions,
        out: PathBuf,
        state: Arc<ServeState>,
        tx: std::sync::mpsc::Sender<Msg>,
    ) -> Rebuilder {
        let root_abs = opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| opts.root.clone());
        Rebuilder {
            opts,
            out,
            root_abs,
            state,
            cache: None,
            failed_pages: Vec::new(),
            generation: 0,
            follow_up_running: false,
            tx,
            fast_only: false,
        }
    }

    /// A full build, swapped into place on success; keeps its model for the fast path.
    pub(super) fn full(&mut self) {
        let started = std::time::Instant::now();
        self.generation += 1;
        // Drop the old model first: peak memory stays that of one build.
        self.cache = None;
        let result = pipeline::build_staged(&self.opts);
        self.finish_full(result, started, "Đã tạo lại trang");
    }

    /// Swap a staged full build in (or show its errors), keep its model, reload.
    fn finish_full(
        &mut self,
        result: Result<pipeline::StagedBuild, Diagnostics>,
        started: std::time::Instant,
        label: &str,
    ) {
        self.failed_pages.clear();
        match result.and_then(pipeline::StagedBuild::commit) {
            Ok((s, incremental)) => {
                for w in s.warnings.iter() {
                    eprintln!("{w}");
                }
                let ms = started.elapsed().as_millis();
                eprintln!("{label}: {} trang ({ms} ms)", s.pages);
                drop_in_background(self.cache.replace(incremental));
                self.set_error(None);
            }
            Err(diags) => {
                // The cached renderer may not reflect what failed (a template, data).
                self.cache = None;
                let text = render_errors(&diags);
                eprintln!(
                    "{text}\nTrình duyệt đang hiện trang báo lỗi; trang tự tải lại khi sửa xong."
                );
                self.set_error(Some(&diags));
            }
        }
        let _ = self.state.reload.send(());
    }

    /// Start the follow-up full build on another thread; the fast path keeps working
    /// (on the old model) meanwhile.
    pub(super) fn start_follow_up(&mut self) {
        self.follow_up_running = true;
        let generation = self.generation;
        let opts = self.opts.clone();
        let tx = self.tx.clone();
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            let result = Box::new(pipeline::build_staged(&opts));
            let _ = tx.send(Msg::FollowUp {
                generation,
                started,
                result,
            });
        });
    }

    /// A follow-up finished: swap it in if nothing was rebuilt since it started,
    /// otherwise drop it (the caller schedules another). Returns whether it was current.
    pub(super) fn finish_follow_up(
        &mut self,
        generation: u64,
        started: std::time::Instant,
        result: Result<pipeline::StagedBuild, Diagnostics>,
    ) -> bool {
        self.follow_up_running = false;
        if generation != self.generation {
            drop_in_background(result);
            return false;
        }
        self.generation += 1;
        self.finish_full(
            result,
            started,
            "Đã tạo lại toàn bộ sau khi sửa trang (danh sách, tìm kiếm, manifest)",
        );
        true
    }

    /// Rebuild only the edited pages when `paths` (changed source files) are a few page
    /// files under `content/` whose front matter text is unchanged.
    pub(super) fn fast(&mut self, paths: &[PathBuf]) -> Fast {
        let started = std::time::Instant::now();
        let Some(cache) = self.cache.as_mut() else {
            return Fast::NotApplicable;
        };
        let mut changed = Vec::new();
        for p in paths {
            let Some(rel) = root_relative(p, &self.root_abs) else {
                return Fast::NotApplicable;
            };
            let text = std::fs::read_to_string(self.root_abs.join(&rel)).ok();
            changed.push((rel, text));
        }
        let Some(rels) = plan_fast_path(&changed, |rel| cache.front_matter_digest(rel)) else {
            return Fast::NotApplicable;
        };
        if !self.failed_pages.iter().all(|f| rels.contains(f)) {
            return Fast::NotApplicable;
        }
        let sink = crate::output::LiveDir::new(&self.out);
        let result = cache.update_pages(&rels, &sink);
        if !matches!(result, Ok(pipeline::Update::NeedsFull)) {
            self.generation += 1;
        }
        match result {
            Ok(pipeline::Update::Done(warnings)) => {
                for w in warnings.iter() {
                    eprintln!("{w}");
                }
                self.failed_pages.clear();
                self.set_error(None);
                let _ = self.state.reload.send(());
                eprintln!(
                    "Đã tạo lại {} trang ({} ms): {}",
                    rels.len(),
                    started.elapsed().as_millis(),
                    rels.iter()
                        .map(|r| format!("content/{r}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                Fast::Done
            }
            Ok(pipeline::Update::NeedsFull) => Fast::NotApplicable,
            Err(diags) => {
                let text = render_errors(&diags);
                eprintln!(
                    "{text}\nTrình duyệt đang hiện trang báo lỗi; trang tự tải lại khi sửa xong."
                );
                self.failed_pages = rels;
                self.set_error(Some(&diags));
                let _ = self.state.reload.send(());
                Fast::Failed
            }
        }
    }

    fn set_error(&self, diags: Option<&Diagnostics>) {
        let error = diags.map(|d| super::BuildError {
            page: super::error_page::error_page(d, super::http::RELOAD_SCRIPT),
        });
        if let Ok(mut e) = self.state.error.write() {
            *e = error;
        }
    }
}

/// Free a whole site model (or a discarded build) off the watcher thread: on a large site
/// that takes long enough to hold up the next edit.
fn drop_in_background<T: Send + 'static>(value: T) {
    std::thread::spawn(move || drop(value));
}

fn render_errors(diags: &Diagnostics) -> String {
    diags
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `p` relative to the site root, `/`-separated; `None` when it no longer exists or is
/// outside the root.
fn root_relative(p: &Path, root_abs: &Path) -> Option<String> {
    let abs = p.canonicalize().ok()?;
    let rel = abs.strip_prefix(root_abs).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}
