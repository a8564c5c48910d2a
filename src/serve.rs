//! `congkhai serve`: build into a temporary directory, serve it on localhost, rebuild
//! when a file changes, and reload open browser tabs (Server-Sent Events).
//!
//! A failed rebuild keeps the last good site served and shows the error both in the
//! terminal and as a banner on every served page.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response, Sse, sse::Event};
use futures_util::stream::Stream;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pipeline::{self, BuildOptions};

const RELOAD_PATH: &str = "/__congkhai/events";

/// Injected before `</body>` of every served HTML page (never into built output).
const RELOAD_SCRIPT: &str = "<script>(function(){var s=new EventSource('/__congkhai/events');\
s.onmessage=function(){location.reload();};})();</script>";

struct ServeState {
    /// The directory holding the last good build.
    site: RwLock<PathBuf>,
    /// The last build error, shown on every page until a build succeeds.
    error: RwLock<Option<String>>,
    reload: broadcast::Sender<()>,
}

pub fn serve(opts: BuildOptions, interface: &str, port: u16) -> Result<(), Diagnostic> {
    let workdir = tempfile::Builder::new()
        .prefix("congkhai-serve-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("không tạo được thư mục tạm: {e}")))?;
    let out = workdir.path().join("site");
    let mut opts = opts;
    opts.output_dir = Some(out.clone());
    if opts.base_url.is_none() {
        opts.base_url = Some(format!("http://{interface}:{port}"));
    }
    let (tx, _) = broadcast::channel(16);
    let state = Arc::new(ServeState {
        site: RwLock::new(out.clone()),
        error: RwLock::new(None),
        reload: tx,
    });
    // Watch before the first build, so an edit made while it runs is not missed.
    let (msg_tx, msg_rx) = std::sync::mpsc::channel();
    let watcher = start_watching(&opts.root, msg_tx.clone(), msg_rx);
    let mut rebuilder = Rebuilder::new(opts, out, state.clone(), msg_tx);
    rebuilder.full();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("không khởi động được máy chủ: {e}")))?;
    if let Some(watcher) = watcher {
        std::thread::spawn(move || watch(rebuilder, watcher));
    }

    runtime.block_on(async move {
        let allowed = Arc::new(AllowedHosts::new(interface, port));
        let app = Router::new()
            .route(RELOAD_PATH, axum::routing::get(events))
            .fallback(static_file)
            .with_state(state)
            .layer(axum::middleware::from_fn_with_state(allowed, check_host));
        let addr = format!("{interface}:{port}");
        let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| {
            Diagnostic::error(format!("không mở được cổng {addr}: {e}"))
                .hint("cổng đang bận? thử --port 1112")
        })?;
        eprintln!("Đang phục vụ tại http://{addr}/ (Ctrl+C để dừng)");
        accept_loop(listener, app, Limits::from_env()).await;
        Ok(())
    })
}

/// Limits of the preview server against slow or idle clients (slowloris) and floods.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Time a client has to send a request's complete header; the same bound applies
    /// while an idle keep-alive connection waits for its next request.
    header_read: Duration,
    /// Connections served at once; more are closed at once.
    max_connections: usize,
}

impl Limits {
    const HEADER_READ: Duration = Duration::from_secs(10);
    const MAX_CONNECTIONS: usize = 256;

    /// The defaults; `CONGKHAI_SERVE_HEADER_TIMEOUT_MS` (hidden, for tests) shortens
    /// the header timeout.
    fn from_env() -> Limits {
        let header_read = std::env::var("CONGKHAI_SERVE_HEADER_TIMEOUT_MS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|ms| *ms > 0)
            .map_or(Self::HEADER_READ, Duration::from_millis);
        Limits {
            header_read,
            max_connections: Self::MAX_CONNECTIONS,
        }
    }
}

/// Accept connections and serve each with HTTP/1.1 under `limits`. `axum::serve` has no
/// header-read timeout, so connections are served with hyper's builder directly.
async fn accept_loop(listener: tokio::net::TcpListener, app: Router, limits: Limits) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;

    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait a little instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read)
                .max_buf_size(64 * 1024)
                .keep_alive(true);
            // Errors are a client's business (reset, timeout): nothing to report.
            let _ = builder
                .serve_connection(TokioIo::new(stream), service)
                .await;
            drop(slot);
        });
    }
}

/// The `Host` values the preview answers to: the bound interface, `localhost`,
/// `127.0.0.1` and `[::1]`, each with the port or without one. Any other name is refused
/// (421): a page on another site that rebinds its DNS name to 127.0.0.1 (DNS
/// rebinding) would otherwise read the staff preview of `serve --drafts`.
struct AllowedHosts {
    names: Vec<String>,
    port: u16,
    /// Bound to 0.0.0.0 or [::]: any IP address literal is the server itself (a name,
    /// which rebinding needs, still is not).
    any_ip: bool,
}

impl AllowedHosts {
    fn new(interface: &str, port: u16) -> AllowedHosts {
        let bare = interface.trim_start_matches('[').trim_end_matches(']');
        let mut names = vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
            "::1".to_string(),
            bare.to_ascii_lowercase(),
        ];
        names.dedup();
        let any_ip = bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_unspecified());
        AllowedHosts {
            names,
            port,
            any_ip,
        }
    }

    /// Whether a `Host` header value is one of ours.
    fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = split_host_port(&host);
        let port_ok = match port {
            None => true,
            Some(p) => p.parse::<u16>().is_ok_and(|p| p == self.port),
        };
        if !port_ok || name.is_empty() {
            return false;
        }
        let name = name.trim_end_matches('.');
        self.names.iter().any(|n| n == name)
            || (self.any_ip && name.parse::<std::net::IpAddr>().is_ok())
    }
}

/// `host:port`, `[v6]:port`, `host`, `[v6]` → (host without brackets, port).
fn split_host_port(host: &str) -> (&str, Option<&str>) {
    if let Some(rest) = host.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((name, "")) => (name, None),
            Some((name, tail)) => match tail.strip_prefix(':') {
                Some(p) => (name, Some(p)),
                None => ("", None),
            },
            None => ("", None),
        };
    }
    match host.split_once(':') {
        Some((name, p)) => (name, Some(p)),
        None => (host, None),
    }
}

async fn check_host(
    State(allowed): State<Arc<AllowedHosts>>,
    req: Request<Body>,
    next: axum::middleware::Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if host.is_some_and(|h| allowed.allows(h)) {
        return next.run(req).await;
    }
    let mut r = (
        StatusCode::MISDIRECTED_REQUEST,
        "Máy chủ xem trước chỉ trả lời địa chỉ localhost hoặc 127.0.0.1 (tên miền Host không hợp lệ).\n",
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// How long after the last fast-path edit the follow-up full build runs (it brings
/// listings, feeds, search index and manifest in line with the edited bodies).
const FOLLOW_UP_DELAY: Duration = Duration::from_millis(1000);

/// Debounce of file events: editors write a file in a few events within milliseconds.
const DEBOUNCE: Duration = Duration::from_millis(50);

/// What the watcher thread receives: debounced file events, and the result of a
/// follow-up full build run on another thread.
enum Msg {
    Files(DebounceEventResult),
    FollowUp {
        /// The value of `Rebuilder::generation` when the follow-up started.
        generation: u64,
        started: std::time::Instant,
        result: Box<Result<pipeline::StagedBuild, Diagnostics>>,
    },
}

/// Outcome of trying the fast path on one batch of file events.
#[derive(Debug, PartialEq, Eq)]
enum Fast {
    /// The pages were rebuilt, written and the reload sent.
    Done,
    /// The pages have errors: shown, last good pages kept.
    Failed,
    /// Not a body-only edit of known pages: do a full build.
    NotApplicable,
}

/// Rebuilds for `serve`: full builds, and the single-page fast path between them.
struct Rebuilder {
    opts: BuildOptions,
    /// The served directory, written in place by the fast path.
    out: PathBuf,
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
    follow_up_running: bool,
    /// Where the follow-up thread sends its result.
    tx: std::sync::mpsc::Sender<Msg>,
}

impl Rebuilder {
    fn new(
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
        }
    }

    /// A full build, swapped into place on success; keeps its model for the fast path.
    fn full(&mut self) {
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
                eprintln!("{text}\nVẫn đang phục vụ bản tạo thành công gần nhất.");
                self.set_error(Some(text));
            }
        }
        let _ = self.state.reload.send(());
    }

    /// Start the follow-up full build on another thread; the fast path keeps working
    /// (on the old model) meanwhile.
    fn start_follow_up(&mut self) {
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
    fn finish_follow_up(
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
    fn fast(&mut self, paths: &[PathBuf]) -> Fast {
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
        let Some(rels) = plan_fast_path(&changed, |rel| cache.front_matter(rel)) else {
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
                eprintln!("{text}\nVẫn đang phục vụ bản tạo thành công gần nhất.");
                self.failed_pages = rels;
                self.set_error(Some(text));
                let _ = self.state.reload.send(());
                Fast::Failed
            }
        }
    }

    fn set_error(&self, text: Option<String>) {
        if let Ok(mut e) = self.state.error.write() {
            *e = text;
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

/// Decide whether a batch of changed files can take the fast path. `changed` holds each
/// file's path relative to the site root (`content/tin-tuc/a.md`) and its new text
/// (`None` when unreadable); `cached_front_matter` gives the front matter text of a page
/// of the last build by its path relative to `content/`. Returns those content paths
/// when every file is a page (not an `_index.md`) known to the last build whose front
/// matter text is unchanged, at most [`pipeline::MAX_FAST_PAGES`] of them; `None` means a
/// full build.
fn plan_fast_path<'c>(
    changed: &[(String, Option<String>)],
    cached_front_matter: impl Fn(&str) -> Option<&'c str>,
) -> Option<Vec<String>> {
    let mut rels: Vec<String> = Vec::new();
    for (path, text) in changed {
        let rel = path.strip_prefix("content/")?;
        let name = rel.rsplit('/').next().unwrap_or(rel);
        if !name.ends_with(".md") || name == "_index.md" {
            return None;
        }
        let text = crate::text::nfc(text.as_deref()?);
        let (fm, _, _) = crate::content::frontmatter::split(&text)?;
        if cached_front_matter(rel)? != fm {
            return None;
        }
        if !rels.iter().any(|r| r == rel) {
            rels.push(rel.to_string());
        }
    }
    if rels.is_empty() || rels.len() > pipeline::MAX_FAST_PAGES {
        return None;
    }
    Some(rels)
}

use notify_debouncer_full::DebounceEventResult;

/// The file watcher (kept alive while it is in use) and its debounced events.
struct Watching {
    _debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    rx: std::sync::mpsc::Receiver<Msg>,
}

fn start_watching(
    root: &Path,
    tx: std::sync::mpsc::Sender<Msg>,
    rx: std::sync::mpsc::Receiver<Msg>,
) -> Option<Watching> {
    use notify::RecursiveMode;
    use notify_debouncer_full::new_debouncer;
    let handler = move |r: DebounceEventResult| {
        let _ = tx.send(Msg::Files(r));
    };
    let Ok(mut debouncer) = new_debouncer(DEBOUNCE, None, handler) else {
        eprintln!(
            "cảnh báo: không theo dõi được thay đổi tệp; hãy khởi động lại serve sau khi sửa"
        );
        return None;
    };
    for name in [
        "content",
        "data",
        "templates",
        "themes",
        "static",
        "config.toml",
    ] {
        let p = root.join(name);
        if p.exists() {
            let _ = debouncer.watch(&p, RecursiveMode::Recursive);
        }
    }
    Some(Watching {
        _debouncer: debouncer,
        rx,
    })
}

fn watch(mut rebuilder: Rebuilder, watching: Watching) {
    use std::sync::mpsc::RecvTimeoutError;
    let rx = &watching.rx;
    let output_dir = rebuilder.out.clone();
    // When set, a follow-up full build is due at this instant unless more edits come
    // first (and once no follow-up is running).
    let mut follow_up: Option<std::time::Instant> = None;
    loop {
        let due = follow_up.filter(|_| !rebuilder.follow_up_running);
        let received = match due {
            Some(at) => {
                match rx.recv_timeout(at.saturating_duration_since(std::time::Instant::now())) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match rx.recv() {
                Ok(m) => Some(m),
                Err(_) => break,
            },
        };
        let events = match received {
            None => {
                follow_up = None;
                rebuilder.start_follow_up();
                continue;
            }
            Some(Msg::FollowUp {
                generation,
                started,
                result,
            }) => {
                if rebuilder.finish_follow_up(generation, started, *result) {
                    follow_up = None;
                }
                continue;
            }
            Some(Msg::Files(Ok(events))) => events,
            Some(Msg::Files(Err(_))) => continue,
        };
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| is_change(&e.kind))
            .flat_map(|e| e.paths.iter())
            .filter(|p| is_source(p, &output_dir))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            continue;
        }
        match rebuilder.fast(&paths) {
            Fast::Done => follow_up = Some(std::time::Instant::now() + FOLLOW_UP_DELAY),
            // A follow-up would fail on the same error; the next good edit schedules it.
            Fast::Failed => follow_up = None,
            Fast::NotApplicable => {
                follow_up = None;
                rebuilder.full();
            }
        }
    }
}

/// Whether a file event is a change. inotify also reports opening and reading a file, and
/// every build reads every source: those must not trigger the next build.
fn is_change(kind: &notify::EventKind) -> bool {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

fn is_source(p: &Path, output: &Path) -> bool {
    if p.starts_with(output) {
        return false;
    }
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    // Vim probes a directory with a file named 4913 before saving.
    !(name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "4913")
}

async fn events(
    State(state): State<Arc<ServeState>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream =
        BroadcastStream::new(state.reload.subscribe()).map(|_| Ok(Event::default().data("reload")));
    Sse::new(stream).keep_alive(axum::response::sse::KeepAlive::default())
}

async fn static_file(State(state): State<Arc<ServeState>>, req: Request<Body>) -> Response {
    let root = state.site.read().map(|p| p.clone()).unwrap_or_default();
    let path = percent_decode(req.uri().path());
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|c| c == "..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        if !path.ends_with('/') {
            let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("{path}/")) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        file = file.join("index.html");
    }
    let (status, file) = if file.is_file() {
        (StatusCode::OK, file)
    } else {
        (StatusCode::NOT_FOUND, root.join("404.html"))
    };
    let Ok(bytes) = tokio::fs::read(&file).await else {
        return (StatusCode::NOT_FOUND, "Không tìm thấy trang").into_response();
    };
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let body = if ext == "html" {
        let error = state.error.read().ok().and_then(|e| e.clone());
        inject(&String::from_utf8_lossy(&bytes), error.as_deref()).into_bytes()
    } else {
        bytes
    };
    let mut r = (status, body).into_response();
    if let Ok(v) = HeaderValue::from_str(content_type(&ext)) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Add the reload script, and the build error (if any) as a fixed panel.
fn inject(html: &str, error: Option<&str>) -> String {
    let mut extra = String::from(RELOAD_SCRIPT);
    if let Some(e) = error {
        extra.push_str(
            "<div role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;\
             background:#a1000e;color:#fff;padding:1em;font:16px/1.5 monospace;white-space:pre-wrap;z-index:9999\">\
             <strong>LỖI KHI TẠO TRANG — đang hiển thị bản thành công gần nhất</strong>\n",
        );
        extra.push_str(&crate::text::escape_html(e));
        extra.push_str("</div>");
    }
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]),
        None => format!("{html}{extra}"),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn content_type(ext: &str) -> &'static str {
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inject_puts_script_before_body_end_and_escapes_errors() {
        let out = inject("<html><body><p>x</p></body></html>", Some("<lỗi>"));
        assert!(out.contains("EventSource"));
        assert!(out.contains("&lt;lỗi&gt;"));
        assert!(out.ends_with("</body></html>"));
    }

    fn changed(items: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        items
            .iter()
            .map(|(p, t)| (p.to_string(), t.map(str::to_string)))
            .collect()
    }

    /// The last build knew one page, `tin-tuc/a.md`, with front matter `title = "A"\n`.
    fn cached(rel: &str) -> Option<&'static str> {
        (rel == "tin-tuc/a.md" || rel == "tin-tuc/b/index.md").then_some("title = \"A\"\n")
    }

    #[test]
    fn body_only_edits_of_known_pages_take_the_fast_path() {
        let c = changed(&[(
            "content/tin-tuc/a.md",
            Some("+++\ntitle = \"A\"\n+++\nThân mới.\n"),
        )]);
        assert_eq!(
            plan_fast_path(&c, cached),
            Some(vec!["tin-tuc/a.md".to_string()])
        );
        // A page bundle's index.md, the same file reported twice, a BOM and CRLF body.
        let c = changed(&[
            (
                "content/tin-tuc/b/index.md",
                Some("\u{feff}+++\ntitle = \"A\"\n+++\r\nx\r\n"),
            ),
            ("content/tin-tuc/a.md", Some("+++\ntitle = \"A\"\n+++\n")),
            ("content/tin-tuc/a.md", Some("+++\ntitle = \"A\"\n+++\n")),
        ]);
        assert_eq!(
            plan_fast_path(&c, cached),
            Some(vec![
                "tin-tuc/b/index.md".to_string(),
                "tin-tuc/a.md".to_string()
            ])
        );
    }

    #[test]
    fn anything_else_needs_a_full_build() {
        let full =
            |items: &[(&str, Option<&str>)]| plan_fast_path(&changed(items), cached).is_none();
        let body = Some("+++\ntitle = \"A\"\n+++\nThân.\n");
        // Front matter changed (even whitespace), or gone.
        assert!(full(&[(
            "content/tin-tuc/a.md",
            Some("+++\ntitle = \"B\"\n+++\nThân.\n")
        )]));
        assert!(full(&[(
            "content/tin-tuc/a.md",
            Some("+++\ntitle =  \"A\"\n+++\nThân.\n")
        )]));
        assert!(full(&[("content/tin-tuc/a.md", Some("Thân.\n"))]));
        // Deleted or unreadable; a page the last build did not have (new, draft, embargoed).
        assert!(full(&[("content/tin-tuc/a.md", None)]));
        assert!(full(&[("content/tin-tuc/moi.md", body)]));
        // Sections, data, templates, config, static, bundle assets.
        assert!(full(&[("content/tin-tuc/_index.md", body)]));
        assert!(full(&[("data/x.csv", Some("a,b\n"))]));
        assert!(full(&[("templates/page.html", Some("{{ page.title }}"))]));
        assert!(full(&[("config.toml", Some("title = \"x\"\n"))]));
        assert!(full(&[("content/tin-tuc/b/anh.png", Some(""))]));
        // One page edit mixed with anything else.
        assert!(full(&[
            ("content/tin-tuc/a.md", body),
            ("data/x.csv", Some(""))
        ]));
        // Nothing, or too many pages at once.
        assert!(full(&[]));
        let many: Vec<(String, Option<String>)> = (0..=pipeline::MAX_FAST_PAGES)
            .map(|i| (format!("content/p{i}.md"), body.map(str::to_string)))
            .collect();
        assert!(plan_fast_path(&many, |_| Some("title = \"A\"\n")).is_none());
    }

    #[test]
    fn reading_a_file_is_not_a_change() {
        use notify::EventKind;
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Read)));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Remove(
            notify::event::RemoveKind::Any
        )));
    }

    #[test]
    fn editor_droppings_are_not_sources() {
        let out = Path::new("/tmp/out");
        assert!(is_source(Path::new("/site/content/a.md"), out));
        assert!(!is_source(Path::new("/site/content/.a.md.swp"), out));
        assert!(!is_source(Path::new("/site/content/a.md~"), out));
        assert!(!is_source(Path::new("/site/content/4913"), out));
        assert!(!is_source(Path::new("/tmp/out/index.html"), out));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/t%C3%ACm/"), "/tìm/");
        assert_eq!(percent_decode("/a%2"), "/a%2");
    }

    #[test]
    fn host_header_table() {
        let local = AllowedHosts::new("127.0.0.1", 1111);
        let cases = [
            ("127.0.0.1:1111", true),
            ("127.0.0.1", true),
            ("localhost:1111", true),
            ("LOCALHOST:1111", true),
            ("localhost.:1111", true),
            ("[::1]:1111", true),
            ("[::1]", true),
            ("127.0.0.1:1112", false),
            ("localhost:80", false),
            ("evil.example:1111", false),
            ("localhost.evil.example:1111", false),
            ("127.0.0.1.nip.io:1111", false),
            ("10.0.0.5:1111", false),
            ("", false),
            (":1111", false),
            ("[::1", false),
            ("[::1]x", false),
            ("localhost:1111:1111", false),
            ("localhost:abc", false),
        ];
        for (host, want) in cases {
            assert_eq!(local.allows(host), want, "{host}");
        }
        let any = AllowedHosts::new("0.0.0.0", 8080);
        assert!(any.allows("192.168.1.20:8080"));
        assert!(any.allows("[fe80::1]:8080"));
        assert!(!any.allows("rebind.evil.example:8080"));
        assert!(!any.allows("192.168.1.20:8081"));
    }
}
